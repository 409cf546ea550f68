// Certificates and PKCS#7 signatures for Secure Boot, on pkijs (X.509 and CMS structures) with
// Node's WebCrypto doing the RSA. UEFI firmware wants RSA-2048 with SHA-256.
import { randomBytes, webcrypto } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const engine = new pkijs.CryptoEngine({ name: "node", crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]["crypto"] });
pkijs.setEngine("node", engine);

const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

export interface SigningPair {
  privateKey: webcrypto.CryptoKey;
  certificate: pkijs.Certificate;
}

/** A new RSA-2048 key and a self-signed certificate for it, valid `years` from `now`. */
export async function createSelfSigned(commonName: string, now: Date, years = 10): Promise<SigningPair> {
  const keys = (await webcrypto.subtle.generateKey({ ...rsa, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // positive
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  const name = () => new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value: commonName }) });
  cert.subject.typesAndValues.push(name());
  cert.issuer.typesAndValues.push(name());
  cert.notBefore.value = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const until = new Date(cert.notBefore.value);
  until.setUTCFullYear(until.getUTCFullYear() + years);
  cert.notAfter.value = until;
  const basic = new pkijs.BasicConstraints({ cA: true });
  cert.extensions = [
    new pkijs.Extension({ extnID: "2.5.29.19", critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey);
  const skid = new Uint8Array(await webcrypto.subtle.digest("SHA-1", cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  cert.extensions.push(
    new pkijs.Extension({ extnID: "2.5.29.14", critical: false, extnValue: new asn1js.OctetString({ valueHex: skid }).toBER(false) }),
  );
  await cert.sign(keys.privateKey, "SHA-256");
  return { privateKey: keys.privateKey, certificate: cert };
}

/**
 * A detached PKCS#7 SignedData over `data`, without signed attributes, with the signer's
 * certificate: what an EFI_VARIABLE_AUTHENTICATION_2 carries (the bare SignedData, as the UEFI
 * spec and efitools' sign-efi-sig-list write it, byte for byte).
 */
export async function signDetachedPkcs7(signer: SigningPair, data: Uint8Array): Promise<Buffer> {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: "1.2.840.113549.1.7.1" }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.certificate.issuer, serialNumber: signer.certificate.serialNumber }),
      }),
    ],
    certificates: [signer.certificate],
  });
  await signed.sign(signer.privateKey, 0, "SHA-256", data);
  // The signature algorithm as OpenSSL's PKCS7 writes it (rsaEncryption, NULL): the value is the same.
  signed.signerInfos[0]!.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: "1.2.840.113549.1.1.1", algorithmParams: new asn1js.Null() });
  return Buffer.from(signed.toSchema(true).toBER(false));
}

export function certificateDer(cert: pkijs.Certificate): Buffer {
  return Buffer.from(cert.toSchema(true).toBER(false));
}

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem("PRIVATE KEY", new Uint8Array(await webcrypto.subtle.exportKey("pkcs8", key)));
}

/** Reads back what `createKeySet` wrote: a PKCS#8 PEM key and a PEM certificate. */
export async function readSigningPair(keyPem: string, certPem: string): Promise<SigningPair> {
  const der = (pem: string, label: string) => {
    const m = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
    if (!m) throw new Error(`no ${label} block`);
    return Buffer.from(m[1]!.replace(/\s+/g, ""), "base64");
  };
  const privateKey = await webcrypto.subtle.importKey("pkcs8", der(keyPem, "PRIVATE KEY"), rsa, false, ["sign"]);
  const certificate = pkijs.Certificate.fromBER(der(certPem, "CERTIFICATE"));
  return { privateKey: privateKey as webcrypto.CryptoKey, certificate };
}
