/**
 * Reads scalar metadata of a GGUF file's header in TypeScript, without loading the model: the
 * runtime's addon exposes the facts it needs (ModelInfo) but not arbitrary keys, and the sampling
 * defaults a model's authors publish (llama.cpp's `general.sampling.*` keys) are only there.
 *
 * Layout (ggml/docs/gguf.md): "GGUF", u32 version (2 or 3), u64 tensor count, u64 KV count, then per
 * KV a string key, a u32 value type and the value; arrays are u32 item type, u64 count, items. A
 * string is a u64 byte length and UTF-8 bytes. Little-endian. Arrays (the vocabulary) are skipped
 * without being decoded; the file is read in chunks, never whole.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export type GgufScalar = number | bigint | boolean | string;

const MAGIC = 0x46554747;
const CHUNK = 1 << 20;
/** Bounds that only a damaged file exceeds: they stop a bad length from reading forever. */
const MAX_KV = 1 << 20;
const MAX_KEY_BYTES = 1 << 16;
const MAX_STRING_BYTES = 1 << 26;

/** Fixed sizes of scalar value types (gguf_type). 8 = string, 9 = array. */
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

class ChunkReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  constructor(private readonly fd: number) {}

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const offset = this.base + this.pos;
    const size = Math.max(CHUNK, n);
    const next = Buffer.alloc(size);
    const got = readSync(this.fd, next, 0, size, offset);
    if (got < n) throw new Error('the GGUF header ends early (truncated file)');
    this.buf = next.subarray(0, got);
    this.base = offset;
    this.pos = 0;
  }

  skip(n: number): void {
    if (this.pos + n <= this.buf.length) { this.pos += n; return; }
    // Past the buffer: move the file position instead of reading what is skipped.
    this.base += this.pos + n;
    this.pos = 0;
    this.buf = Buffer.alloc(0);
  }

  u32(): number { this.ensure(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  u64(): bigint { this.ensure(8); const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8; return v; }

  length(limit: number): number {
    const n = this.u64();
    if (n > BigInt(limit)) throw new Error(`a GGUF length (${n}) is out of range`);
    return Number(n);
  }

  string(limit = MAX_STRING_BYTES): string {
    const n = this.length(limit);
    this.ensure(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  scalar(type: number): GgufScalar {
    const size = SCALAR_BYTES[type];
    if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
    this.ensure(size);
    const b = this.buf;
    const p = this.pos;
    this.pos += size;
    switch (type) {
      case 0: return b.readUInt8(p);
      case 1: return b.readInt8(p);
      case 2: return b.readUInt16LE(p);
      case 3: return b.readInt16LE(p);
      case 4: return b.readUInt32LE(p);
      case 5: return b.readInt32LE(p);
      case 6: return b.readFloatLE(p);
      case 7: return b.readUInt8(p) !== 0;
      case 10: return b.readBigUInt64LE(p);
      case 11: return b.readBigInt64LE(p);
      default: return b.readDoubleLE(p);
    }
  }
}

/**
 * The header's scalar and string values whose key passes `want` (arrays are skipped). Throws when
 * the file is not a GGUF or its header is damaged.
 */
export function readGgufMetadata(path: string, want: (key: string) => boolean = () => true): Map<string, GgufScalar> {
  const fd = openSync(path, 'r');
  try {
    const r = new ChunkReader(fd);
    if (r.u32() !== MAGIC) throw new Error('not a GGUF file');
    const version = r.u32();
    if (version < 2 || version > 3) throw new Error(`GGUF version ${version} is not supported`);
    r.u64(); // tensor count
    const nKv = r.length(MAX_KV);
    const out = new Map<string, GgufScalar>();
    for (let i = 0; i < nKv; i++) {
      const key = r.string(MAX_KEY_BYTES);
      const type = r.u32();
      const keep = want(key);
      if (type === 8) {
        if (keep) out.set(key, r.string());
        else r.skip(r.length(MAX_STRING_BYTES));
      } else if (type === 9) {
        const itemType = r.u32();
        const count = r.length(Number.MAX_SAFE_INTEGER);
        if (itemType === 8) for (let j = 0; j < count; j++) r.skip(r.length(MAX_STRING_BYTES));
        else if (SCALAR_BYTES[itemType] !== undefined) r.skip(count * SCALAR_BYTES[itemType]!);
        else throw new Error(`GGUF arrays of type ${itemType} are not supported`);
      } else {
        const v = r.scalar(type);
        if (keep) out.set(key, v);
      }
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
