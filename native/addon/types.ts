/**
 * Public TypeScript types of the SWAA runtime. These are the documentation of every option:
 * each field says its default, unit and trade-off. The addon (swaa.node) is thin; policy lives in TS.
 */

/**
 * Where the weights live and the graph runs: 'auto' (the first GPU a loaded backend offers, else the
 * CPU), 'cpu', 'gpu' (the first GPU, an error when there is none), or a device name from devices()
 * ("Vulkan0", "CUDA0").
 */
export type DeviceKind = 'auto' | 'cpu' | 'gpu' | (string & {});

/** A device a loaded ggml backend offers. */
export interface DeviceInfo {
  /** What `device` takes: "CPU", "Vulkan0", "CUDA0". */
  name: string;
  description: string;
  /** "CPU", "Vulkan", "CUDA" */
  backend: string;
  type: 'cpu' | 'gpu' | 'igpu' | 'accel';
  memoryFree: number;
  memoryTotal: number;
}

/** The backend libraries considered at start (runtime's backends folder), loaded or refused with why. */
export interface BackendLibraries {
  folder: string;
  /** Why nothing could be loaded at all, or "". */
  error: string;
  libraries: { file: string; loaded: boolean; message: string }[];
}

/** Facts about a loaded model, read from its GGUF. */
export interface ModelInfo {
  /** "llama" | "qwen2" | "qwen3" */
  architecture: string;
  /** general.name, or "" */
  name: string;
  /** The weight type holding most bytes, e.g. "Q8_0". */
  weightType: string;
  /** general.file_type as text, e.g. "MOSTLY_Q8_0", else weightType. */
  fileType: string;
  /** Device holding the weights (of the last nLayerDevice layers), e.g. "CPU", "Vulkan0", "CUDA0". */
  backend: string;
  /** Layers [nLayer - nLayerDevice, nLayer) run on `backend`; the others on the CPU. */
  nLayerDevice: number;
  deviceWeightBytes: number;
  hostWeightBytes: number;
  nParams: number;
  fileBytes: number;
  weightBytes: number;
  /** Of weightBytes, those held in a repacked CPU layout (0 when none). */
  repackedBytes: number;
  nVocab: number;
  nCtxTrain: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  headDim: number;
  nFf: number;
  ropeFreqBase: number;
  ropeFreqScale: number;
  tiedEmbeddings: boolean;
}

/** Which layers keep full attention always (SWAA's interleaved FA layers). */
export type FaLayers =
  | { kind: 'none' }
  | { kind: 'odd' }
  | { kind: 'even' }
  | { kind: 'everyN'; n: number; offset: number }
  | { kind: 'list'; layers: number[] };

/**
 * An attention recipe (see docs/swaa.md). `window: null` is full attention in every layer.
 * In an SWA layer key j is visible to query i iff j <= i and (i - j <= window or j < sinks).
 */
export interface Recipe {
  /** W: keys before the query an SWA layer sees (tokens). null = full attention. Smaller = faster prefill, less recall. */
  window: number | null;
  /** k: the first tokens every query always sees ("attention sinks"). SWAA uses 100; 0 breaks un-adapted models. Default 0. */
  sinks: number;
  /** Layers that always attend fully. Half the layers recovers most quality at ~1.25x; none is fastest. Default none. */
  faLayers: FaLayers;
  /** Generated tokens attend fully: true (all layers), false, or an explicit layer list. Costs full KV memory. Default false. */
  faDecode: boolean | number[];
  /** The question after the document is read with full attention (our extension). Default false. */
  questionFa: boolean;
}

/** Full attention in every layer and phase: the recipe with no window. Stated once; the app, the CLI,
 *  the eval and the benchmarks import it from here. */
export const FULL_ATTENTION: Recipe = Object.freeze({
  window: null, sinks: 0, faLayers: Object.freeze({ kind: 'none' as const }), faDecode: false, questionFa: false,
});

export type KvType = 'f16' | 'f32';

export interface ContextOptions {
  /** Tokens the context holds. Default 4096; 0 = the model's trained context. */
  contextSize?: number;
  /** Prefill chunk size in tokens. Larger = faster prefill, more compute memory, coarser cancel. Default 512. */
  chunkSize?: number;
  /** CPU threads. Default 0 = hardware concurrency (at most 8). */
  threads?: number;
  /** KV cache element type. f16 (default) as llama.cpp; f32 is exact and twice the memory. */
  kvType?: KvType;
  /** The attention recipe. Default full attention. */
  recipe?: Recipe;
}

export type Phase = 'document' | 'question' | 'decode';

export interface PrefillProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

export interface SamplerOptions {
  /** <= 0 = greedy. Default 0. */
  temperature?: number;
  /** 0 = off. Default 40. */
  topK?: number;
  /** 1 = off. Default 0.95. */
  topP?: number;
  /** 0 = off. Default 0.05. */
  minP?: number;
  /** 1 = off. Default 1. */
  repeatPenalty?: number;
  /** Tokens the repetition penalty looks back over. Default 64. */
  repeatLastN?: number;
  /** Default random. */
  seed?: number;
}

export interface GenerateOptions {
  /** Stop after this many tokens. Default 256. */
  maxTokens?: number;
  sampler?: SamplerOptions;
  /** Honoured between tokens. */
  signal?: AbortSignal;
  /** Called for every generated token with its text (UTF-8 safe: partial characters are held back). */
  onToken?: (token: number, text: string) => void;
}

export type StopReason = 'eog' | 'maxTokens' | 'cancelled' | 'contextFull';

export interface GenerateResult {
  tokens: number[];
  text: string;
  stopReason: StopReason;
}

export interface Metrics {
  promptTokens: number;
  prefillMs: number;
  decodeTokens: number;
  decodeMs: number;
  kvBytes: number;
  computeBytes: number;
  deviceBytes: number;
  peakRssBytes: number;
  attnRowsDocument: number;
  attnRowsQuestion: number;
  attnRowsDecode: number;
  threads: number;
  /** The model's device: "CPU", "Vulkan0", "CUDA0". */
  backend: string;
  /** Host weights + host KV + CPU compute buffers. */
  hostBytes: number;
  /** Of kvBytes, those on the device. */
  kvDeviceBytes: number;
  /** Layers on the device (the last ones). */
  nLayerDevice: number;
}

export interface LayerPlan {
  faPrefill: boolean;
  faDecode: boolean;
  fullCache: boolean;
  kvRows: number;
}

/** Status names of swaa.h, carried as `error.code` of every runtime error. The TypeScript list of
 *  them: the contract's ERROR_CODES includes it, and native/tests/ts/error-codes.test.ts proves it
 *  equal to swaa.h's enum and status.cc's names. */
export const SWAA_ERROR_CODES = [
  'SWAA_ERR_INVALID_ARGUMENT', 'SWAA_ERR_IO', 'SWAA_ERR_NOT_GGUF', 'SWAA_ERR_TRUNCATED', 'SWAA_ERR_UNSUPPORTED_ARCH',
  'SWAA_ERR_MISSING_TENSOR', 'SWAA_ERR_SHAPE_MISMATCH', 'SWAA_ERR_UNSUPPORTED_TYPE', 'SWAA_ERR_BAD_METADATA',
  'SWAA_ERR_OUT_OF_MEMORY', 'SWAA_ERR_CONTEXT_OVERFLOW', 'SWAA_ERR_CANCELLED', 'SWAA_ERR_BACKEND', 'SWAA_ERR_INVALID_RECIPE',
  'SWAA_ERR_PHASE', 'SWAA_ERR_STATE_MISMATCH', 'SWAA_ERR_STATE_CORRUPT', 'SWAA_ERR_TOKENIZER', 'SWAA_ERR_INTERNAL',
] as const;
export type SwaaErrorCode = (typeof SWAA_ERROR_CODES)[number];

export class SwaaError extends Error {
  constructor(readonly code: SwaaErrorCode, message: string) {
    super(message);
    this.name = 'SwaaError';
  }
}
