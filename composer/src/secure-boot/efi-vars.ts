// UEFI Secure Boot variable payloads (UEFI 2.10, 32.4 and 8.2.2): an EFI_SIGNATURE_LIST holding
// one X.509 certificate (`.esl`), and a time-based authenticated write of it (`.auth`:
// EFI_VARIABLE_AUTHENTICATION_2 = EFI_TIME + WIN_CERTIFICATE_UEFI_GUID with a detached PKCS#7
// SignedData, then the list), which firmware in setup or user mode accepts from its setup UI or
// from `efi-updatevar`/`KeyTool`.

/** A GUID in EFI's byte order: the first three fields little-endian, the last eight bytes as written. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, "hex");
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

export const EFI_CERT_X509_GUID = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";
export const EFI_CERT_TYPE_PKCS7_GUID = "4aafd29d-68df-49ee-8aa9-347d375665a7";
export const EFI_GLOBAL_VARIABLE = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
export const EFI_IMAGE_SECURITY_DATABASE_GUID = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";

/** NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS | TIME_BASED_AUTHENTICATED_WRITE_ACCESS */
export const SECURE_BOOT_ATTRIBUTES = 0x01 | 0x02 | 0x04 | 0x20;

/** The variable each key of a set goes into, and the GUID it lives under. */
export const secureBootVariables = {
  PK: { name: "PK", vendor: EFI_GLOBAL_VARIABLE },
  KEK: { name: "KEK", vendor: EFI_GLOBAL_VARIABLE },
  db: { name: "db", vendor: EFI_IMAGE_SECURITY_DATABASE_GUID },
} as const;

/** EFI_SIGNATURE_LIST with one EFI_SIGNATURE_DATA: `owner` GUID + the certificate's DER. */
export function x509SignatureList(certDer: Uint8Array, owner: string): Buffer {
  const signatureSize = 16 + certDer.length;
  const header = Buffer.alloc(28);
  guidBytes(EFI_CERT_X509_GUID).copy(header, 0);
  header.writeUInt32LE(28 + signatureSize, 16);
  header.writeUInt32LE(0, 20);
  header.writeUInt32LE(signatureSize, 24);
  return Buffer.concat([header, guidBytes(owner), certDer]);
}

/** EFI_TIME for a time-based authenticated write: UTC, no nanoseconds, zone and daylight 0. */
export function efiTime(date: Date): Buffer {
  const t = Buffer.alloc(16);
  t.writeUInt16LE(date.getUTCFullYear(), 0);
  t[2] = date.getUTCMonth() + 1;
  t[3] = date.getUTCDate();
  t[4] = date.getUTCHours();
  t[5] = date.getUTCMinutes();
  t[6] = date.getUTCSeconds();
  return t;
}

/** The bytes the PKCS#7 signature of an authenticated write covers (UEFI 2.10, 8.2.2 step 2). */
export function authenticatedPayload(variable: { name: string; vendor: string }, time: Buffer, data: Uint8Array): Buffer {
  const attributes = Buffer.alloc(4);
  attributes.writeUInt32LE(SECURE_BOOT_ATTRIBUTES);
  return Buffer.concat([Buffer.from(variable.name, "utf16le"), guidBytes(variable.vendor), attributes, time, data]);
}

/** EFI_VARIABLE_AUTHENTICATION_2 followed by the new value: the `.auth` file. */
export function authFile(time: Buffer, pkcs7Der: Uint8Array, data: Uint8Array): Buffer {
  const win = Buffer.alloc(8);
  win.writeUInt32LE(8 + 16 + pkcs7Der.length, 0); // dwLength: WIN_CERTIFICATE + CertType + CertData
  win.writeUInt16LE(0x0200, 4); // wRevision
  win.writeUInt16LE(0x0ef1, 6); // WIN_CERT_TYPE_EFI_GUID
  return Buffer.concat([time, win, guidBytes(EFI_CERT_TYPE_PKCS7_GUID), pkcs7Der, data]);
}
