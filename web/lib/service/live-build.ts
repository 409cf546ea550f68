// A build of this process while it is queued or running: its record and log in memory (what
// getBuild and followLog answer from), its followers, and its chain of database writes, which
// keeps rows in event order without making the build wait for the database.
import type { LockEntry } from "@brokkr/composer";
import type { ImageSpec } from "@brokkr/composer";
import type { BuildRecord, LogLine } from "./types.ts";

export interface Follower {
  onLine(l: LogLine): void;
  onEnd(b: BuildRecord): void;
}

export class LiveBuild {
  readonly record: BuildRecord;
  /** Single-flight key: schematic and lock. */
  readonly key: string;
  readonly spec: ImageSpec;
  readonly lock: LockEntry[] | undefined;
  readonly lines: string[] = [];
  readonly followers = new Set<Follower>();
  readonly controller = new AbortController();
  /** Lower runs first (see the builds table's priority). */
  priority = 0;
  /** Set by cancelBuild: the abort is the user's, not a shutdown's. */
  cancelled = false;
  /** Settles once the build's row exists. */
  inserted: Promise<void> = Promise.resolve();
  /** Lines not yet in the database. */
  unflushed: LogLine[] = [];
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;

  constructor(record: BuildRecord, key: string, spec: ImageSpec, lock: LockEntry[] | undefined) {
    this.record = record;
    this.key = key;
    this.spec = spec;
    this.lock = lock;
  }

  snapshot(): BuildRecord {
    return structuredClone(this.record);
  }

  /** Queues a database write after every earlier one of this build. */
  write(op: () => Promise<void>): void {
    this.writes = this.writes.then(op).catch((err: unknown) => {
      this.writeError ??= err;
    });
  }

  /** Waits for every queued write; throws the first write error, if any. */
  async settled(): Promise<void> {
    await this.writes;
    if (this.writeError !== undefined) throw this.writeError;
  }

  notifyLine(l: LogLine): void {
    for (const f of this.followers) {
      try {
        f.onLine(l);
      } catch {
        this.followers.delete(f); // a broken follower must not break the build
      }
    }
  }

  notifyEnd(): void {
    for (const f of this.followers) {
      try {
        f.onEnd(this.snapshot());
      } catch {
        // the follower is gone either way
      }
    }
    this.followers.clear();
  }
}
