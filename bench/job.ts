/**
 * What the parent (run.ts) asks a child process (worker.ts) to measure, and what comes back. One
 * child runs one configuration (engine × recipe × model × context length) for every repeat, so that
 * its peak RSS belongs to that configuration alone.
 */
import type { Recipe } from '../native/addon/types.js';

export type EngineKind = 'llama.cpp' | 'swaa';

export interface Job {
  engine: EngineKind;
  modelPath: string;
  /** Config label in the results ("llama.cpp", "full", "quality" …). */
  config: string;
  /** null = full attention (and always for llama.cpp). */
  recipe: Recipe | null;
  contextSize: number;
  threads: number;
  /** Our prefill chunk size; llama.cpp's batch (and micro-batch) size. */
  chunk: number;
  /** llama.cpp only: its flash-attention switch, set explicitly. */
  flashAttention: boolean;
  /** JSON file with { document, question, question2 } token arrays. */
  tokensPath: string;
  /** Tokens generated after the first (decode speed at this depth). */
  decodeTokens: number;
  repeats: number;
}

export interface RepeatResult {
  /** Document + question tokens prefilled. */
  promptTokens: number;
  /** Wall ms of the prefill calls (document + question). llama.cpp: up to the first token (one sample more). */
  prefillMs: number;
  /** Wall ms from the start of the prefill to the first generated token. */
  ttftMs: number;
  /** Tokens decoded after the first one (each a full forward pass at this depth). */
  decodeTokens: number;
  /** Wall ms between the first and the last generated token. */
  decodeMs: number;
  /** Re-asking the cached document: wall ms from rewind to the first token of a second question. */
  reaskTtftMs: number;
  /** Tokens of the second question. */
  reaskTokens: number;
  /** Ours: from metrics. llama.cpp: null (see kvBytesComputed). */
  kvBytes: number | null;
  /** 2 (K,V) × layers × context × kv heads × head size × 2 bytes (F16): what a full F16 cache needs. */
  kvBytesComputed: number;
  /** llama.cpp: its context state size (llama_state_get_size) after the run; ours: null. */
  stateBytes: number | null;
  /** Ours: queries × key rows read per phase, from metrics. */
  attnRowsDocument: number | null;
  attnRowsQuestion: number | null;
  attnRowsDecode: number | null;
  /** Ours: native decode timing (metrics.decodeMs / decodeTokens) for cross-checking the wall clock. */
  nativeDecodeMs: number | null;
  nativeDecodeTokens: number | null;
  nativePrefillMs: number | null;
  threads: number;
}

export interface JobResult {
  job: Job;
  repeats: RepeatResult[];
  /** Peak RSS of the child process (getrusage maxrss); the largest over the repeats' processes. */
  peakRssBytes: number;
  /** Details of the engine (e.g. llama.cpp's flash attention as it reports it, its build). */
  engineInfo: Record<string, string | number | boolean>;
  error?: string;
  /** Highest 1-minute load average seen when a repeat of this configuration finished (set by the parent). */
  load1?: number;
}

/** The marker line a child prints before its JSON result (stdout also carries library logs). */
export const RESULT_MARKER = '@@SWAA_BENCH_RESULT@@';
