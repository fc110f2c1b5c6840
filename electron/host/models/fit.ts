/**
 * The fit advisor's arithmetic, pure (no I/O, no clock): how much memory a model needs at a context
 * size under a recipe, whether that fits the memory there is, and the largest context that does.
 *
 * KV bytes follow the runtime's own allocation (native/src/kv_cache.cc KvCache::plan_rows and
 * recipe.cc resolve_recipe), so a not-yet-downloaded catalog model gets the same number the runtime's
 * estimateKvBytes gives once it is loaded (a host test compares them on generated models):
 *   - full attention: every layer keeps n_ctx rows;
 *   - windowed: a layer that ever attends fully (FA layer, question FA, FA decode) keeps n_ctx rows,
 *     the others sinks + a ring of window + chunk rows — unless that ring is not smaller than n_ctx;
 *   - one row of K and one of V per layer, f16: 2 bytes × n_head_kv × head_dim each.
 */
import type { Recipe } from '../../shared/contract.js';
import { faLayerMask } from '../../shared/fa-layers.js';

/** Compute buffers and runtime overhead on top of weights + KV (the host's own allowance; measured ~100-200 MB on CPU). */
export const COMPUTE_ALLOWANCE_BYTES = 256 * 1024 * 1024;
/** Share of physical memory a model may plan to use: the rest is the OS, the app and other programs. */
export const MACHINE_FRACTION = 0.8;
/** Context sizes move in these steps (the settings' minimum and granule). */
export const CONTEXT_STEP = 256;
/** Tokens kept for the question and the answer when checking a document against a context. */
export const QUESTION_AND_ANSWER_ROOM = 512;

export interface KvShape { nLayer: number; nHeadKv: number; headDim: number }

/** Which layers keep every row (true) under a recipe; mirrors resolve_recipe + LayerAttention::full_cache
 *  (native/tests/ts/fa-layers.test.ts checks it against the runtime's layer plan). */
export function fullCacheLayers(recipe: Recipe, nLayer: number): boolean[] {
  if (recipe.window === null) return Array.from({ length: nLayer }, () => true);
  const fa = faLayerMask(recipe.faLayers, nLayer);
  const faDecode = (i: number) => (Array.isArray(recipe.faDecode) ? recipe.faDecode.includes(i) : recipe.faDecode);
  return fa.map((x, i) => x || recipe.questionFa || faDecode(i));
}

/** KV cache bytes a context allocates (f16 K and V). */
export function kvBytes(shape: KvShape, contextSize: number, chunkSize: number, recipe: Recipe): number {
  const rowBytes = 2 * 2 * shape.nHeadKv * shape.headDim; // K + V, f16
  const full = fullCacheLayers(recipe, shape.nLayer);
  let rows = shape.nLayer * contextSize;
  if (recipe.window !== null) {
    const ringRows = recipe.sinks + recipe.window + Math.max(chunkSize, 1);
    if (ringRows < contextSize) rows = full.reduce((sum, f) => sum + (f ? contextSize : ringRows), 0);
  }
  return rows * rowBytes;
}

export interface FitInput {
  /** Weights in memory (a GGUF's size is a close upper bound); null when not known yet. */
  weightBytes: number | null;
  shape: KvShape;
  recipe: Recipe;
  contextSize: number;
  chunkSize: number;
  /** The model's trained context (n_ctx_train); contexts beyond it are not offered as "fits". */
  trainedContext: number;
  /** os.freemem(): what is free now. */
  freeBytes: number;
  /** os.totalmem(). */
  totalBytes: number;
  /** The chosen document's prompt tokens, when known; null otherwise. */
  documentTokens?: number | null;
  /** Overrides the runtime's KV count (a loaded model's estimateKvBytes). */
  kvBytesAtContext?: number;
}

export type FitVerdict = 'fits' | 'tight' | 'too-large' | 'unknown';

export interface FitAdvice {
  contextSize: number;
  weightBytes: number | null;
  kvBytes: number;
  computeBytes: number;
  /** weights + KV + compute allowance; null while the weights are unknown. */
  totalBytes: number | null;
  freeBytes: number;
  /** MACHINE_FRACTION of total memory. */
  machineBudgetBytes: number;
  /** fits: within free memory now; tight: within the machine's budget but more than is free now; too-large: neither. */
  verdict: FitVerdict;
  /** Largest context (a multiple of CONTEXT_STEP, at most the trained context) that fits in free memory now; 0 = none. */
  maxContextNow: number;
  /** The same against the machine's budget (what closing other programs could give). */
  maxContextMachine: number;
  /** What a document asks for, or null when no document is known. */
  document: null | {
    tokens: number;
    /** Context it needs: tokens + QUESTION_AND_ANSWER_ROOM. */
    needsContext: number;
    /** Longer than the model was trained on: answers past that length are not trustworthy. */
    beyondTrained: boolean;
    /** Fits neither now nor on this machine at that context. */
    beyondMemory: boolean;
  };
  /** One sentence for people. */
  summary: string;
}

const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** Largest multiple of CONTEXT_STEP in [CONTEXT_STEP, cap] with need(ctx) <= budget (need is non-decreasing in ctx); 0 if none. */
export function largestContext(need: (ctx: number) => number, budget: number, cap: number): number {
  let lo = 0;
  let hi = Math.floor(cap / CONTEXT_STEP);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2); // >= 1, so 0 stays the answer "none fits"
    if (need(mid * CONTEXT_STEP) <= budget) lo = mid; else hi = mid - 1;
  }
  return lo * CONTEXT_STEP;
}

export function adviseFit(input: FitInput): FitAdvice {
  const kv = input.kvBytesAtContext ?? kvBytes(input.shape, input.contextSize, input.chunkSize, input.recipe);
  const machineBudgetBytes = Math.floor(input.totalBytes * MACHINE_FRACTION);
  const weights = input.weightBytes;
  const need = (ctx: number) => (weights ?? 0) + kvBytes(input.shape, ctx, input.chunkSize, input.recipe) + COMPUTE_ALLOWANCE_BYTES;
  const totalBytes = weights === null ? null : weights + kv + COMPUTE_ALLOWANCE_BYTES;
  const verdict: FitVerdict = totalBytes === null ? 'unknown'
    : totalBytes <= Math.min(input.freeBytes, machineBudgetBytes) ? 'fits'
      : totalBytes <= machineBudgetBytes ? 'tight' : 'too-large';
  const cap = input.trainedContext;
  const maxContextNow = weights === null ? 0 : largestContext(need, Math.min(input.freeBytes, machineBudgetBytes), cap);
  const maxContextMachine = weights === null ? 0 : largestContext(need, machineBudgetBytes, cap);
  let document: FitAdvice['document'] = null;
  if (input.documentTokens != null) {
    const needsContext = input.documentTokens + QUESTION_AND_ANSWER_ROOM;
    document = {
      tokens: input.documentTokens,
      needsContext,
      beyondTrained: needsContext > input.trainedContext,
      beyondMemory: weights !== null && need(needsContext) > machineBudgetBytes,
    };
  }
  const summary = verdict === 'unknown'
    ? `KV cache ${gib(kv)} at ${input.contextSize} tokens; the weights' size is not known until the server reports it`
    : verdict === 'fits' ? `needs about ${gib(totalBytes!)} of ${gib(input.freeBytes)} free`
      : verdict === 'tight' ? `needs about ${gib(totalBytes!)}: fits this machine but only ${gib(input.freeBytes)} is free now`
        : `needs about ${gib(totalBytes!)} (weights ${gib(weights!)} + KV cache ${gib(kv)}), more than this machine can give a model (${gib(machineBudgetBytes)})`;
  return {
    contextSize: input.contextSize, weightBytes: weights, kvBytes: kv, computeBytes: COMPUTE_ALLOWANCE_BYTES, totalBytes,
    freeBytes: input.freeBytes, machineBudgetBytes, verdict, maxContextNow, maxContextMachine, document, summary,
  };
}
