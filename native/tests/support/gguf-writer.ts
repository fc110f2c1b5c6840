/**
 * A small GGUF v3 writer (and matching tensor-data encoders) for test fixtures.
 *
 * File layout (see ggml/docs/gguf.md in llama.cpp):
 *   header:       "GGUF" magic, u32 version = 3, u64 tensor count, u64 KV count
 *   KV pairs:     gguf string key, u32 value type, value (arrays: u32 item type, u64 count, items)
 *   tensor infos: gguf string name, u32 n_dims, u64 ne[n_dims] (ne[0] = row length, innermost),
 *                 u32 ggml type, u64 offset of the data relative to the start of the data section
 *   padding to `general.alignment` (default 32), then each tensor's data, each starting aligned.
 * A gguf string is a u64 byte length followed by UTF-8 bytes (no terminator). All little-endian.
 *
 * Encoders follow ggml's reference definitions (ggml/src/ggml-quants.c, ggml-common.h, ggml-impl.h):
 *   F16  IEEE half, round to nearest even (what F16C / the reference converter does)
 *   BF16 upper half of the f32 with round to nearest even; NaN kept quiet
 *   Q8_0 blocks of 32: f16 d = amax/127, then 32 × int8 q = roundf(x/d)
 *   Q4_0 blocks of 32: f16 d = max/-8 (max = the signed value of largest magnitude), then 16 bytes;
 *        byte j holds element j in its low nibble and element j+16 in its high nibble; x ≈ (q-8)·d
 * K-quants (Q4_K, Q5_K, Q6_K) are not encoded here: write F32 and run the runtime's quantizeFile.
 */
import { closeSync, openSync, renameSync, writeSync, unlinkSync } from 'node:fs';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** gguf_type: the type tag of a metadata value. */
export enum GGUFValueType {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
}

/** ggml_type ids (ggml/include/ggml.h) of the types this project writes or reads. */
export enum GGMLType {
  F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, BF16 = 30,
}

/** Elements per block and bytes per block of each type. */
export const GGML_TYPE_LAYOUT: Record<number, { blockSize: number; typeSize: number; name: string }> = {
  [GGMLType.F32]: { blockSize: 1, typeSize: 4, name: 'F32' },
  [GGMLType.F16]: { blockSize: 1, typeSize: 2, name: 'F16' },
  [GGMLType.BF16]: { blockSize: 1, typeSize: 2, name: 'BF16' },
  [GGMLType.Q4_0]: { blockSize: 32, typeSize: 18, name: 'Q4_0' },
  [GGMLType.Q4_1]: { blockSize: 32, typeSize: 20, name: 'Q4_1' },
  [GGMLType.Q5_0]: { blockSize: 32, typeSize: 22, name: 'Q5_0' },
  [GGMLType.Q5_1]: { blockSize: 32, typeSize: 24, name: 'Q5_1' },
  [GGMLType.Q8_0]: { blockSize: 32, typeSize: 34, name: 'Q8_0' },
  [GGMLType.Q2_K]: { blockSize: 256, typeSize: 84, name: 'Q2_K' },
  [GGMLType.Q3_K]: { blockSize: 256, typeSize: 110, name: 'Q3_K' },
  [GGMLType.Q4_K]: { blockSize: 256, typeSize: 144, name: 'Q4_K' },
  [GGMLType.Q5_K]: { blockSize: 256, typeSize: 176, name: 'Q5_K' },
  [GGMLType.Q6_K]: { blockSize: 256, typeSize: 210, name: 'Q6_K' },
};

/** The types whose data this module can encode from f32. */
export type EncodableType = GGMLType.F32 | GGMLType.F16 | GGMLType.BF16 | GGMLType.Q8_0 | GGMLType.Q4_0;

export function ggmlTypeFromName(name: string): GGMLType {
  const entry = Object.entries(GGML_TYPE_LAYOUT).find(([, v]) => v.name === name.toUpperCase());
  if (!entry) throw new Error(`unknown ggml type name ${name}`);
  return Number(entry[0]) as GGMLType;
}

/** Bytes of a row-major tensor with the given ne (ne[0] = row length). */
export function ggmlNBytes(type: GGMLType, ne: readonly number[]): number {
  const layout = GGML_TYPE_LAYOUT[type];
  if (!layout) throw new Error(`no layout for ggml type ${type}`);
  if (ne[0] % layout.blockSize !== 0) {
    throw new Error(`row length ${ne[0]} is not a multiple of ${layout.name}'s block size ${layout.blockSize}`);
  }
  const n = ne.reduce((a, b) => a * b, 1);
  return (n / layout.blockSize) * layout.typeSize;
}

// ---------------------------------------------------------------------------------------------
// Scalar conversions
// ---------------------------------------------------------------------------------------------
const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** f32 → IEEE binary16 bits, round to nearest even; overflow → ±inf, NaN → quiet NaN. */
export function f32ToF16Bits(value: number): number {
  f32buf[0] = value;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e; // 14..24
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    let r = half;
    if (rem > halfway || (rem === halfway && (half & 1))) r += 1;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r += 1; // may carry into the exponent: correct
  return sign | r;
}

/** IEEE binary16 bits → f32 value. */
export function f16BitsToF32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** f32 → bfloat16 bits exactly as ggml_compute_fp32_to_bf16. */
export function f32ToBf16Bits(value: number): number {
  f32buf[0] = value;
  const u = u32buf[0];
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 64) & 0xffff; // force quiet NaN
  return ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16) & 0xffff;
}

export function bf16BitsToF32(b: number): number {
  u32buf[0] = (b << 16) >>> 0;
  return f32buf[0];
}

/** C roundf: halves away from zero. */
function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// ---------------------------------------------------------------------------------------------
// Tensor data encoders (f32 in, bytes out)
// ---------------------------------------------------------------------------------------------
export function encodeF32(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setFloat32(i * 4, x[i], true);
  return out;
}

export function encodeF16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setUint16(i * 2, f32ToF16Bits(x[i]), true);
  return out;
}

export function encodeBF16(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) dv.setUint16(i * 2, f32ToBf16Bits(x[i]), true);
  return out;
}

/** quantize_row_q8_0_ref. */
export function encodeQ8_0(x: Float32Array): Uint8Array {
  const QK = 32;
  if (x.length % QK) throw new Error(`Q8_0 needs a multiple of ${QK} elements`);
  const nb = x.length / QK;
  const out = new Uint8Array(nb * 34);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < nb; i++) {
    let amax = 0;
    for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[i * QK + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    dv.setUint16(i * 34, f32ToF16Bits(d), true);
    for (let j = 0; j < QK; j++) dv.setInt8(i * 34 + 2 + j, roundf(Math.fround(x[i * QK + j] * id)));
  }
  return out;
}

/** quantize_row_q4_0_ref. */
export function encodeQ4_0(x: Float32Array): Uint8Array {
  const QK = 32;
  if (x.length % QK) throw new Error(`Q4_0 needs a multiple of ${QK} elements`);
  const nb = x.length / QK;
  const out = new Uint8Array(nb * 18);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < nb; i++) {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = x[i * QK + j];
      if (amax < Math.abs(v)) { amax = Math.abs(v); max = v; }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    dv.setUint16(i * 18, f32ToF16Bits(d), true);
    for (let j = 0; j < QK / 2; j++) {
      const x0 = Math.fround(x[i * QK + j] * id);
      const x1 = Math.fround(x[i * QK + QK / 2 + j] * id);
      const q0 = Math.min(15, Math.trunc(Math.fround(x0 + 8.5)));
      const q1 = Math.min(15, Math.trunc(Math.fround(x1 + 8.5)));
      out[i * 18 + 2 + j] = (q0 & 0xf) | ((q1 & 0xf) << 4);
    }
  }
  return out;
}

export function encodeTensorData(type: EncodableType, x: Float32Array): Uint8Array {
  switch (type) {
    case GGMLType.F32: return encodeF32(x);
    case GGMLType.F16: return encodeF16(x);
    case GGMLType.BF16: return encodeBF16(x);
    case GGMLType.Q8_0: return encodeQ8_0(x);
    case GGMLType.Q4_0: return encodeQ4_0(x);
    default: throw new Error(`cannot encode ggml type ${type} in TypeScript`);
  }
}

/** Inverse of the encoders above (dequantize_row_*), for self-checks. */
export function decodeTensorData(type: GGMLType, bytes: Uint8Array, n: number): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  switch (type) {
    case GGMLType.F32: for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true); break;
    case GGMLType.F16: for (let i = 0; i < n; i++) out[i] = f16BitsToF32(dv.getUint16(i * 2, true)); break;
    case GGMLType.BF16: for (let i = 0; i < n; i++) out[i] = bf16BitsToF32(dv.getUint16(i * 2, true)); break;
    case GGMLType.Q8_0:
      for (let b = 0; b < n / 32; b++) {
        const d = f16BitsToF32(dv.getUint16(b * 34, true));
        for (let j = 0; j < 32; j++) out[b * 32 + j] = dv.getInt8(b * 34 + 2 + j) * d;
      }
      break;
    case GGMLType.Q4_0:
      for (let b = 0; b < n / 32; b++) {
        const d = f16BitsToF32(dv.getUint16(b * 18, true));
        for (let j = 0; j < 16; j++) {
          const q = bytes[b * 18 + 2 + j];
          out[b * 32 + j] = ((q & 0xf) - 8) * d;
          out[b * 32 + 16 + j] = ((q >> 4) - 8) * d;
        }
      }
      break;
    default: throw new Error(`cannot decode ggml type ${type} in TypeScript`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Metadata values
// ---------------------------------------------------------------------------------------------
export type GGUFScalarType = Exclude<GGUFValueType, GGUFValueType.ARRAY>;

export type GGUFValue =
  | { type: GGUFScalarType; value: number | bigint | boolean | string }
  | { type: GGUFValueType.ARRAY; itemType: GGUFScalarType; values: ArrayLike<number | bigint | boolean | string> };

/** Growable little-endian byte sink. */
class ByteSink {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v: number) { this.reserve(1); this.dv.setUint8(this.length, v); this.length += 1; }
  i8(v: number) { this.reserve(1); this.dv.setInt8(this.length, v); this.length += 1; }
  u16(v: number) { this.reserve(2); this.dv.setUint16(this.length, v, true); this.length += 2; }
  i16(v: number) { this.reserve(2); this.dv.setInt16(this.length, v, true); this.length += 2; }
  u32(v: number) { this.reserve(4); this.dv.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number) { this.reserve(4); this.dv.setInt32(this.length, v, true); this.length += 4; }
  f32(v: number) { this.reserve(4); this.dv.setFloat32(this.length, v, true); this.length += 4; }
  f64(v: number) { this.reserve(8); this.dv.setFloat64(this.length, v, true); this.length += 8; }
  u64(v: number | bigint) { this.reserve(8); this.dv.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  i64(v: number | bigint) { this.reserve(8); this.dv.setBigInt64(this.length, BigInt(v), true); this.length += 8; }
  bytes(b: Uint8Array) { this.reserve(b.length); this.buf.set(b, this.length); this.length += b.length; }
  str(s: string) { const b = Buffer.from(s, 'utf8'); this.u64(b.length); this.bytes(b); }
  pad(alignment: number) { while (this.length % alignment) this.u8(0); }
  result(): Uint8Array { return this.buf.subarray(0, this.length); }
}

function writeScalar(sink: ByteSink, type: GGUFScalarType, v: number | bigint | boolean | string): void {
  switch (type) {
    case GGUFValueType.UINT8: sink.u8(Number(v)); break;
    case GGUFValueType.INT8: sink.i8(Number(v)); break;
    case GGUFValueType.UINT16: sink.u16(Number(v)); break;
    case GGUFValueType.INT16: sink.i16(Number(v)); break;
    case GGUFValueType.UINT32: sink.u32(Number(v)); break;
    case GGUFValueType.INT32: sink.i32(Number(v)); break;
    case GGUFValueType.FLOAT32: sink.f32(Number(v)); break;
    case GGUFValueType.BOOL: sink.u8(v ? 1 : 0); break;
    case GGUFValueType.STRING: sink.str(String(v)); break;
    case GGUFValueType.UINT64: sink.u64(typeof v === 'bigint' ? v : BigInt(Number(v))); break;
    case GGUFValueType.INT64: sink.i64(typeof v === 'bigint' ? v : BigInt(Number(v))); break;
    case GGUFValueType.FLOAT64: sink.f64(Number(v)); break;
    default: throw new Error(`bad scalar gguf type ${type}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------
interface PendingTensor {
  name: string;
  ne: number[];
  type: GGMLType;
  nbytes: number;
  /** Produces the data when the file is written (keeps memory to one tensor at a time). */
  data: () => Uint8Array;
}

export class GGUFWriter {
  private readonly kv = new Map<string, GGUFValue>();
  private readonly tensors: PendingTensor[] = [];
  private alignment = GGUF_DEFAULT_ALIGNMENT;

  // --- metadata -------------------------------------------------------------------------------
  set(key: string, value: GGUFValue): this {
    if (key === 'general.alignment') {
      if (value.type !== GGUFValueType.UINT32) throw new Error('general.alignment must be u32');
      this.alignment = Number(value.value);
      if (this.alignment <= 0 || this.alignment % 8) throw new Error('alignment must be a positive multiple of 8');
    }
    this.kv.set(key, value);
    return this;
  }
  string(key: string, v: string) { return this.set(key, { type: GGUFValueType.STRING, value: v }); }
  u32(key: string, v: number) { return this.set(key, { type: GGUFValueType.UINT32, value: v }); }
  i32(key: string, v: number) { return this.set(key, { type: GGUFValueType.INT32, value: v }); }
  u64(key: string, v: number | bigint) { return this.set(key, { type: GGUFValueType.UINT64, value: v }); }
  f32(key: string, v: number) { return this.set(key, { type: GGUFValueType.FLOAT32, value: v }); }
  bool(key: string, v: boolean) { return this.set(key, { type: GGUFValueType.BOOL, value: v }); }
  array(key: string, itemType: GGUFScalarType, values: ArrayLike<number | bigint | boolean | string>) {
    return this.set(key, { type: GGUFValueType.ARRAY, itemType, values });
  }
  stringArray(key: string, v: readonly string[]) { return this.array(key, GGUFValueType.STRING, v); }
  i32Array(key: string, v: ArrayLike<number>) { return this.array(key, GGUFValueType.INT32, v); }
  f32Array(key: string, v: ArrayLike<number>) { return this.array(key, GGUFValueType.FLOAT32, v); }
  boolArray(key: string, v: ArrayLike<boolean>) { return this.array(key, GGUFValueType.BOOL, v); }

  // --- tensors --------------------------------------------------------------------------------
  /**
   * Adds a tensor. `ne` is in ggml order: ne[0] is the row length (a PyTorch [out, in] weight has
   * ne = [in, out]). `values` is row-major f32 data (or a function producing it lazily), encoded to
   * `type` when the file is written.
   */
  addTensor(name: string, ne: readonly number[], type: EncodableType, values: Float32Array | (() => Float32Array)): this {
    const n = ne.reduce((a, b) => a * b, 1);
    const nbytes = ggmlNBytes(type, ne);
    return this.addTensorRaw(name, ne, type, nbytes, () => {
      const x = typeof values === 'function' ? values() : values;
      if (x.length !== n) throw new Error(`tensor ${name}: ${x.length} values for ne=[${ne.join(', ')}]`);
      return encodeTensorData(type, x);
    });
  }

  /** Adds a tensor whose bytes are already encoded in `type`. */
  addTensorRaw(name: string, ne: readonly number[], type: GGMLType, nbytes: number, data: Uint8Array | (() => Uint8Array)): this {
    if (this.tensors.some((t) => t.name === name)) throw new Error(`duplicate tensor ${name}`);
    if (Buffer.byteLength(name) >= 64) throw new Error(`tensor name too long for ggml: ${name}`);
    if (ne.length < 1 || ne.length > 4) throw new Error(`tensor ${name}: 1 to 4 dims`);
    const expected = ggmlNBytes(type, ne);
    if (nbytes !== expected) throw new Error(`tensor ${name}: ${nbytes} bytes given, ${expected} expected`);
    this.tensors.push({ name, ne: [...ne], type, nbytes, data: typeof data === 'function' ? data : () => data });
    return this;
  }

  get tensorCount(): number { return this.tensors.length; }

  /** Header + KV + tensor infos + padding; also returns each tensor's offset in the data section. */
  private buildHeader(): { header: Uint8Array; offsets: number[] } {
    const sink = new ByteSink();
    sink.u32(GGUF_MAGIC);
    sink.u32(GGUF_VERSION);
    sink.u64(this.tensors.length);
    sink.u64(this.kv.size);
    for (const [key, v] of this.kv) {
      sink.str(key);
      sink.u32(v.type);
      if (v.type === GGUFValueType.ARRAY) {
        sink.u32(v.itemType);
        sink.u64(v.values.length);
        for (let i = 0; i < v.values.length; i++) writeScalar(sink, v.itemType, v.values[i]);
      } else {
        writeScalar(sink, v.type, v.value);
      }
    }
    const offsets: number[] = [];
    let offset = 0;
    for (const t of this.tensors) {
      sink.str(t.name);
      sink.u32(t.ne.length);
      for (const d of t.ne) sink.u64(d);
      sink.u32(t.type);
      sink.u64(offset);
      offsets.push(offset);
      offset += t.nbytes;
      offset = Math.ceil(offset / this.alignment) * this.alignment;
    }
    sink.pad(this.alignment);
    return { header: sink.result(), offsets };
  }

  /** Writes the file atomically (temporary name, then rename). Returns the file size. */
  write(path: string): number {
    const { header, offsets } = this.buildHeader();
    const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    const fd = openSync(tmp, 'w');
    try {
      let pos = 0;
      const put = (b: Uint8Array) => {
        let done = 0;
        while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
        pos += b.length;
      };
      put(header);
      const dataStart = pos;
      const zeros = new Uint8Array(this.alignment);
      this.tensors.forEach((t, i) => {
        const want = dataStart + offsets[i];
        if (pos < want) put(zeros.subarray(0, want - pos));
        const bytes = t.data();
        if (bytes.length !== t.nbytes) throw new Error(`tensor ${t.name}: produced ${bytes.length} bytes, declared ${t.nbytes}`);
        put(bytes);
      });
      closeSync(fd);
      renameSync(tmp, path);
      return pos;
    } catch (e) {
      try { closeSync(fd); } catch { /* already closed */ }
      try { unlinkSync(tmp); } catch { /* nothing to remove */ }
      throw e;
    }
  }
}
