/**
 * Document question answering on one context: the document is prefilled once (document phase) and
 * a checkpoint is kept at its end; every question is prefilled in the question phase, answered in
 * the decode phase, then the context rewinds to the document's end. Reports every metric of a run.
 */
import type { Context } from './index.js';
import type { GenerateOptions, Metrics, PrefillProgress, StopReason } from './types.js';
import { SwaaError } from './types.js';

export interface AskRequest {
  documentTokens: readonly number[];
  questionTokens: readonly number[];
  maxTokens?: number;
  sampler?: GenerateOptions['sampler'];
  signal?: AbortSignal;
  onProgress?: (p: PrefillProgress & { phase: 'document' | 'question' }) => void;
  onToken?: (token: number, text: string) => void;
}

export interface RunReport {
  answer: string;
  answerTokens: number[];
  stopReason: StopReason;
  /** True when the document was already in the context: only the question was prefilled. */
  documentCached: boolean;
  documentTokens: number;
  questionTokens: number;
  /** Prompt tokens prefilled in this run (question only when cached). */
  prefillTokens: number;
  prefillMs: number;
  prefillTokPerS: number;
  /** From the start of the run to the first generated token. */
  timeToFirstTokenMs: number;
  decodeTokens: number;
  decodeMs: number;
  decodeTokPerS: number;
  totalMs: number;
  metrics: Metrics;
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when the context's checkpoint holds exactly these document tokens. */
export function holdsDocument(ctx: Context, documentTokens: readonly number[]): boolean {
  const n = ctx.checkpointNPast;
  if (n !== documentTokens.length) return false;
  return sameTokens(ctx.tokens.slice(0, n), documentTokens);
}

/** Answers one question about one document, reusing the document's KV state when it is cached. */
export async function ask(ctx: Context, req: AskRequest): Promise<RunReport> {
  const total = req.documentTokens.length + req.questionTokens.length;
  if (total >= ctx.contextSize) {
    throw new SwaaError('SWAA_ERR_CONTEXT_OVERFLOW',
      `the prompt has ${total} tokens but the context holds ${ctx.contextSize}`);
  }
  const t0 = performance.now();
  ctx.resetMetrics();
  let documentCached = false;
  if (holdsDocument(ctx, req.documentTokens)) {
    ctx.rewind();
    documentCached = true;
  } else {
    // Another document (or a half-read one) may be in the context: start from empty.
    if (ctx.nPast > 0) ctx.clear();
    await ctx.prefill(req.documentTokens, {
      phase: 'document', signal: req.signal,
      onProgress: req.onProgress ? (p) => req.onProgress?.({ ...p, phase: 'document' }) : undefined,
    });
    ctx.checkpoint();
  }
  await ctx.prefill(req.questionTokens, {
    phase: 'question', signal: req.signal,
    onProgress: req.onProgress ? (p) => req.onProgress?.({ ...p, phase: 'question' }) : undefined,
  });
  const tPrefilled = performance.now();
  let tFirst = 0;
  const result = await ctx.generate({
    maxTokens: req.maxTokens ?? 256,
    sampler: req.sampler,
    signal: req.signal,
    onToken: (token, text) => {
      if (tFirst === 0) tFirst = performance.now();
      req.onToken?.(token, text);
    },
  });
  const tEnd = performance.now();
  const metrics = ctx.metrics();
  const prefillTokens = metrics.promptTokens;
  const decodeMs = metrics.decodeMs;
  return {
    answer: result.text,
    answerTokens: result.tokens,
    stopReason: result.stopReason,
    documentCached,
    documentTokens: req.documentTokens.length,
    questionTokens: req.questionTokens.length,
    prefillTokens,
    prefillMs: metrics.prefillMs,
    prefillTokPerS: metrics.prefillMs > 0 ? (prefillTokens * 1000) / metrics.prefillMs : 0,
    timeToFirstTokenMs: (tFirst || tPrefilled) - t0,
    decodeTokens: metrics.decodeTokens,
    decodeMs,
    decodeTokPerS: decodeMs > 0 ? (metrics.decodeTokens * 1000) / decodeMs : 0,
    totalMs: tEnd - t0,
    metrics,
  };
}
