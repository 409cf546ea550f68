// Coalesces many small pieces (headers, small files) into fewer, bigger chunks for whatever
// consumes a writer's output (a compressor, a file); big pieces are passed through uncopied.
export class Batcher {
  private readonly size: number;
  private readonly passThroughAt: number;
  private buf: Buffer;
  private used = 0;

  /** Batches of `size` bytes; pieces of `passThroughAt` bytes or more go out as they are. */
  constructor(size: number, passThroughAt: number) {
    this.size = size;
    this.passThroughAt = passThroughAt;
    this.buf = Buffer.allocUnsafe(size);
  }

  *add(piece: Buffer): Generator<Buffer> {
    if (piece.length >= this.passThroughAt) {
      yield* this.flush();
      yield piece;
      return;
    }
    if (this.used + piece.length > this.size) yield* this.flush();
    piece.copy(this.buf, this.used);
    this.used += piece.length;
  }

  *flush(): Generator<Buffer> {
    if (this.used === 0) return;
    yield this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.size);
    this.used = 0;
  }
}
