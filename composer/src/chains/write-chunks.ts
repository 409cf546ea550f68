import { open } from "node:fs/promises";

/** Writes a writer's chunks to `path` in order, without joining them in memory. */
export async function writeFileChunks(path: string, chunks: Iterable<Buffer>): Promise<void> {
  const fh = await open(path, "w");
  try {
    for (const c of chunks) await fh.write(c);
  } finally {
    await fh.close();
  }
}
