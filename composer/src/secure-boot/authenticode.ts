// Authenticode signatures for UEFI images (PE/COFF; Microsoft's "Windows Authenticode Portable
// Executable Signature Format"): the image hash, an SpcIndirectDataContent carrying it, a PKCS#7
// SignedData by the db key, appended as a WIN_CERTIFICATE and named by the certificate data
// directory. No signing time is included, and RSA PKCS#1 v1.5 is deterministic: the same key
// and image give the same bytes.
import { createHash, createPrivateKey, sign } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { alignUp, PE32PLUS_MAGIC, parsePe } from "../boot/pe.ts";
import { BrokkrError } from "../errors.ts";

const OID = {
  sha256: "2.16.840.1.101.3.4.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  signedData: "1.2.840.113549.1.7.2",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  spcIndirectData: "1.3.6.1.4.1.311.2.1.4",
  spcPeImageData: "1.3.6.1.4.1.311.2.1.15",
  spcSpOpusInfo: "1.3.6.1.4.1.311.2.1.12",
};

/** Offsets of the fields the image hash skips, and the regions it covers. */
function hashLayout(pe: Buffer, what: string) {
  const h = parsePe(pe, what);
  const checksum = h.optionalOffset + 64;
  const certDir = h.optionalOffset + (h.magic === PE32PLUS_MAGIC ? 112 : 96) + 4 * 8;
  return { headers: h, checksum, certDir };
}

/** The Authenticode SHA-256 of an unsigned image whose length is a multiple of 8. */
export function authenticodeDigest(pe: Buffer, what = "PE image"): Buffer {
  const { headers, checksum, certDir } = hashLayout(pe, what);
  const hash = createHash("sha256");
  hash.update(pe.subarray(0, checksum));
  hash.update(pe.subarray(checksum + 4, certDir));
  hash.update(pe.subarray(certDir + 8, headers.sizeOfHeaders));
  let end = headers.sizeOfHeaders;
  const sections = headers.sections.filter((s) => s.sizeOfRawData > 0).sort((a, b) => a.pointerToRawData - b.pointerToRawData);
  for (const s of sections) {
    hash.update(pe.subarray(s.pointerToRawData, s.pointerToRawData + s.sizeOfRawData));
    end = Math.max(end, s.pointerToRawData + s.sizeOfRawData);
  }
  // Whatever follows the last section (up to the certificate table) is hashed too.
  if (end < pe.length) hash.update(pe.subarray(end));
  return hash.digest();
}

export interface AuthenticodeSigner {
  /** PKCS#8 PEM (a key set's db.key). */
  keyPem: string;
  /** DER certificate (a key set's db.cer). */
  certDer: Buffer;
}

/** The image with an Authenticode signature by `signer` appended. Refuses an image that is signed already. */
export function signPeImage(image: Buffer, signer: AuthenticodeSigner, what = "PE image"): Buffer {
  const { headers, certDir } = hashLayout(image, what);
  if (headers.certificateSize !== 0) {
    throw new BrokkrError("boot.pe-invalid", `${what} is signed already`, { hint: "sign the unsigned image" });
  }
  // The certificate table starts 8-aligned; the padding before it is part of the hashed image.
  const body = Buffer.concat([image, Buffer.alloc(alignUp(image.length, 8) - image.length)]);
  const pkcs7 = signedData(authenticodeDigest(body, what), signer);
  const length = 8 + pkcs7.length;
  const win = Buffer.alloc(alignUp(length, 8));
  win.writeUInt32LE(length, 0);
  win.writeUInt16LE(0x0200, 4); // WIN_CERT_REVISION_2_0
  win.writeUInt16LE(0x0002, 6); // WIN_CERT_TYPE_PKCS_SIGNED_DATA
  pkcs7.copy(win, 8);
  const out = Buffer.concat([body, win]);
  out.writeUInt32LE(body.length, certDir);
  out.writeUInt32LE(win.length, certDir + 4);
  return out;
}

const seq = (...items: asn1js.AsnType[]) => new asn1js.Sequence({ value: items });
const oid = (id: string) => new asn1js.ObjectIdentifier({ value: id });
const sha256Algorithm = () => seq(oid(OID.sha256), new asn1js.Null());
const der = (a: asn1js.AsnType) => Buffer.from(a.toBER(false));

/** SpcIndirectDataContent: "a PE image" (with the obsolete file link every signer writes) and its digest. */
function indirectDataContent(digest: Buffer): asn1js.Sequence {
  const obsolete = new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: Buffer.from("<<<Obsolete>>>", "utf16le").swap16() });
  const link = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [obsolete] });
  const peImageData = seq(new asn1js.BitString({ valueHex: new Uint8Array(0) }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [link] }));
  return seq(seq(oid(OID.spcPeImageData), peImageData), seq(sha256Algorithm(), new asn1js.OctetString({ valueHex: digest })));
}

function attribute(type: string, value: asn1js.AsnType): Buffer {
  return der(seq(oid(type), new asn1js.Set({ value: [value] })));
}

function signedData(digest: Buffer, signer: AuthenticodeSigner): Buffer {
  const content = indirectDataContent(digest);
  const contentDer = der(content);
  // PKCS#7 1.5: the message digest covers the content's value, without its SEQUENCE header.
  const headerLength = asn1js.fromBER(contentDer).result.valueBeforeDecodeView.length - content.valueBlock.toBER(false).byteLength;
  const messageDigest = createHash("sha256").update(contentDer.subarray(headerLength)).digest();
  // DER sorts a SET OF by the members' encodings.
  const attributes = [
    attribute(OID.contentType, oid(OID.spcIndirectData)),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: messageDigest })),
    attribute(OID.spcSpOpusInfo, seq()),
  ].sort(Buffer.compare);
  const attributeSet = Buffer.concat([derHeader(0x31, attributes), ...attributes]);
  const signature = sign("sha256", attributeSet, createPrivateKey(signer.keyPem));

  const cert = pkijs.Certificate.fromBER(signer.certDer);
  const signerInfo = seq(
    new asn1js.Integer({ value: 1 }),
    seq(cert.issuer.toSchema(), cert.serialNumber),
    sha256Algorithm(),
    // [0] IMPLICIT: the same bytes as the signed SET, with the context tag.
    asn1js.fromBER(Buffer.concat([derHeader(0xa0, attributes), ...attributes])).result,
    seq(oid(OID.rsaEncryption), new asn1js.Null()),
    new asn1js.OctetString({ valueHex: signature }),
  );
  const sd = seq(
    new asn1js.Integer({ value: 1 }),
    new asn1js.Set({ value: [sha256Algorithm()] }),
    seq(oid(OID.spcIndirectData), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [content] })),
    new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [cert.toSchema(true)] }),
    new asn1js.Set({ value: [signerInfo] }),
  );
  return der(seq(oid(OID.signedData), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [sd] })));
}

/** A DER tag and definite length for `parts` joined. */
function derHeader(tag: number, parts: readonly Buffer[]): Buffer {
  const n = parts.reduce((s, p) => s + p.length, 0);
  if (n < 0x80) return Buffer.from([tag, n]);
  const len: number[] = [];
  for (let v = n; v > 0; v >>= 8) len.unshift(v & 0xff);
  return Buffer.from([tag, 0x80 | len.length, ...len]);
}
