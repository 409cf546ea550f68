// A raw LZMA1 stream (no header, no end marker) of literals only, with lc=3 lp=0 pb=2: what
// GRUB's i386-pc decompressor (lzma_decompress.img) expects in front of core.img's kernel. It
// decodes exactly the uncompressed size it is told, so a stream without matches is valid; it
// is up to ~1.5 % larger than random input, and core.img stays far below its limit (see boot/grub.ts).

const PROB_BITS = 11;
const PROB_INIT = 1 << (PROB_BITS - 1);
const MOVE_BITS = 5;
const TOP = 2 ** 24;
const LC = 3;
const PB = 2;

class RangeEncoder {
  private low = 0; // up to 2^33: a JS number holds it exactly
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  private readonly out: number[] = [];

  bit(probs: Uint16Array, i: number, bit: number): void {
    const p = probs[i]!;
    const bound = (this.range >>> PROB_BITS) * p;
    if (bit === 0) {
      this.range = bound;
      probs[i] = p + (((1 << PROB_BITS) - p) >>> MOVE_BITS);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >>> MOVE_BITS);
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 2 ** 32) {
      const carry = this.low >= 2 ** 32 ? 1 : 0;
      let temp = this.cache;
      do {
        this.out.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = Math.floor(this.low / TOP) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low % TOP) * 256;
  }

  finish(): Buffer {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return Buffer.from(this.out);
  }
}

/** Encodes `data` as raw LZMA1 (lc=3, lp=0, pb=2) using literals only. */
export function lzmaLiteralsOnly(data: Uint8Array): Buffer {
  const rc = new RangeEncoder();
  // isMatch is indexed by (state << 4) + posState; the state stays 0 after literals.
  const isMatch = new Uint16Array(12 << 4).fill(PROB_INIT);
  const literal = new Uint16Array(0x300 << LC).fill(PROB_INIT);
  let prev = 0;
  for (let pos = 0; pos < data.length; pos++) {
    rc.bit(isMatch, pos & ((1 << PB) - 1), 0);
    const base = 0x300 * (prev >> (8 - LC));
    const byte = data[pos]!;
    let symbol = 1;
    for (let b = 7; b >= 0; b--) {
      const bit = (byte >> b) & 1;
      rc.bit(literal, base + symbol, bit);
      symbol = (symbol << 1) | bit;
    }
    prev = byte;
  }
  return rc.finish();
}
