// Reads a binary .deb: ar(debian-binary, control.tar.*, data.tar.*). The compressed members
// are handed out separately so a caller can cache their decompressed bytes.

import { BrokkrError } from "../errors.ts";
import { type CompressionKind, decompress, kindFromName } from "../util/decompress.ts";
import { readAr } from "./ar.ts";
import { iterateTar, readTar, type TarEntry } from "./tar.ts";

export interface DebMember {
  /** Member name in the ar archive, e.g. "data.tar.xz". */
  name: string;
  kind: CompressionKind;
  /** Compressed bytes, a view into the .deb buffer. */
  bytes: Buffer;
}

export interface DebMembers {
  controlTar: DebMember;
  dataTar: DebMember;
}

export interface Deb {
  control: ControlFields;
  /** Every file of control.tar by name: control, conffiles, md5sums, postinst, triggers, shlibs, ... */
  controlFiles: Map<string, Buffer>;
  data: TarEntry[];
}

/** The fields of a control file in file order; `get`/`has` ignore case as deb822 does. */
export class ControlFields extends Map<string, string> {
  #byLower = new Map<string, string>();

  override set(key: string, value: string): this {
    const lower = key.toLowerCase();
    const existing = this.#byLower?.get(lower);
    if (existing !== undefined && existing !== key) super.delete(existing);
    this.#byLower?.set(lower, key);
    return super.set(key, value);
  }

  override get(key: string): string | undefined {
    return super.get(this.#byLower.get(key.toLowerCase()) ?? key);
  }

  override has(key: string): boolean {
    return this.#byLower.has(key.toLowerCase());
  }

  override delete(key: string): boolean {
    const lower = key.toLowerCase();
    const original = this.#byLower.get(lower);
    this.#byLower.delete(lower);
    return original !== undefined && super.delete(original);
  }
}

function invalid(name: string, message: string): BrokkrError {
  return new BrokkrError("deb.invalid", `${name}: ${message}`, {
    hint: "the package file is damaged or not a Debian binary package; re-download it",
  });
}

/** Splits a .deb into its compressed control and data members (no decompression). */
export function unpackDebMembers(buf: Buffer, name = "package.deb"): DebMembers {
  const members = readAr(buf, name);
  const first = members[0];
  if (first?.name !== "debian-binary") throw invalid(name, "first member is not debian-binary");
  const version = first.data.toString("latin1");
  if (!/^2\.\d+\n/.test(version))
    throw invalid(name, `unsupported format version ${JSON.stringify(version.trim())}`);
  let controlTar: DebMember | undefined;
  let dataTar: DebMember | undefined;
  for (const m of members.slice(1)) {
    if (m.name.startsWith("_")) continue; // dpkg ignores such extra members
    const member = { name: m.name, kind: "none" as CompressionKind, bytes: m.data };
    if (/^control\.tar(\.\w+)?$/.test(m.name) && !controlTar && !dataTar) controlTar = member;
    else if (/^data\.tar(\.\w+)?$/.test(m.name) && controlTar && !dataTar) dataTar = member;
    else throw invalid(name, `unexpected member ${JSON.stringify(m.name)}`);
    member.kind = kindFromName(m.name);
  }
  if (!controlTar) throw invalid(name, "no control.tar member");
  if (!dataTar) throw invalid(name, "no data.tar member");
  return { controlTar, dataTar };
}

/**
 * Parses one deb822 stanza. Continuation lines are kept verbatim (leading space included)
 * after a newline, so Description and the like round-trip.
 */
export function parseControl(text: string, name = "control"): ControlFields {
  const fields = new ControlFields();
  let current: string | undefined;
  let ended = false;
  for (const line of text.split("\n")) {
    const trimmed = line.trimEnd();
    if (trimmed === "") {
      if (fields.size > 0) ended = true;
      continue;
    }
    if (ended) throw invalid(name, "control file has more than one stanza");
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (current === undefined) throw invalid(name, "continuation line before any field");
      fields.set(current, `${fields.get(current)}\n${trimmed}`);
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw invalid(name, `malformed control line ${JSON.stringify(line)}`);
    current = line.slice(0, colon);
    if (fields.has(current)) throw invalid(name, `duplicate field ${current}`);
    fields.set(current, line.slice(colon + 1).trim());
  }
  if (fields.size === 0) throw invalid(name, "empty control file");
  return fields;
}

/** Reads the control fields and files out of an already decompressed control.tar. */
export function readControlTar(tar: Buffer, name = "package.deb"): Pick<Deb, "control" | "controlFiles"> {
  const controlFiles = new Map<string, Buffer>();
  for (const e of iterateTar(tar, `${name}: control.tar`)) {
    if (e.type !== "file") continue;
    controlFiles.set(e.path.replace(/^(\.?\/)+/, ""), e.data);
  }
  const control = controlFiles.get("control");
  if (!control) throw invalid(name, "control.tar has no control file");
  return { control: parseControl(control.toString("utf8"), `${name}: control`), controlFiles };
}

/** Decompresses a member (or takes bytes already decompressed from a cache) and reads its tar. */
export async function readMemberTar(member: DebMember, name = "package.deb"): Promise<TarEntry[]> {
  return readTar(await decompressMember(member, name), `${name}: ${member.name}`);
}

export async function decompressMember(member: DebMember, name = "package.deb"): Promise<Buffer> {
  try {
    return await decompress(member.bytes, member.kind);
  } catch (err) {
    if (err instanceof BrokkrError && err.code === "deb.invalid") {
      throw new BrokkrError("deb.invalid", `${name}: ${member.name}: ${err.message}`, {
        hint: err.hint,
        cause: err,
      });
    }
    throw err;
  }
}

/** Reads a whole .deb: control fields, control files and the data.tar entries. */
export async function readDeb(buf: Buffer, name = "package.deb"): Promise<Deb> {
  const { controlTar, dataTar } = unpackDebMembers(buf, name);
  const [controlBytes, dataBytes] = await Promise.all([
    decompressMember(controlTar, name),
    decompressMember(dataTar, name),
  ]);
  const { control, controlFiles } = readControlTar(controlBytes, name);
  return { control, controlFiles, data: readTar(dataBytes, `${name}: ${dataTar.name}`) };
}

/** Only the data.tar entries, for callers that do not need the control fields. */
export async function readDebData(buf: Buffer, name = "package.deb"): Promise<TarEntry[]> {
  return readMemberTar(unpackDebMembers(buf, name).dataTar, name);
}
