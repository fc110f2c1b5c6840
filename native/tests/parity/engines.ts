/**
 * The two sides of the parity test behind one small interface: llama.cpp through node-llama-cpp
 * (the reference) and the SWAA runtime (native/addon).
 */
import { getLlama, LlamaLogLevel, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel } from 'node-llama-cpp';

export interface GreedyResult {
  tokens: number[];
  /** Reference only: top-1 minus top-2 logit at each generated step. */
  margins?: number[];
  stopReason: string;
}

export interface Engine {
  readonly label: string;
  readonly nVocab: number;
  readonly bos: number;
  readonly eos: number;
  readonly addBos: boolean;
  tokenize(text: string): number[];
  detokenize(tokens: readonly number[]): string;
  isEog(token: number): boolean;
  /**
   * Evaluates `tokens` from an empty state; logitsAt(i) may then be called for the given positions
   * (default: all) in increasing order.
   */
  beginLogits(tokens: readonly number[], positions?: readonly number[]): Promise<void>;
  logitsAt(i: number): Promise<Float32Array>;
  /** Greedy continuation (temperature 0, no penalties) from a fresh state holding `prompt`. */
  greedy(prompt: readonly number[], maxTokens: number): Promise<GreedyResult>;
  dispose(): Promise<void>;
}

let llamaPromise: Promise<Llama> | undefined;
export function referenceLlama(threads: number): Promise<Llama> {
  llamaPromise ??= getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: threads, progressLogs: false });
  return llamaPromise;
}

export interface ReferenceOptions {
  threads: number;
  contextSize: number;
  flashAttention: boolean;
  /** Vocabulary size of the model (node-llama-cpp does not expose it). */
  nVocab: number;
  /** Requested positions per controlledEvaluate call while collecting logits. */
  slice?: number;
  /** KV cache element type (default F16, as the runtime's default). */
  kvType?: 'F16' | 'F32';
  label?: string;
}

/** llama.cpp via node-llama-cpp, CPU only. */
export class ReferenceEngine implements Engine {
  readonly label: string;
  private seqEvaluated = 0;
  private tokens: readonly number[] = [];
  private wanted: number[] = [];
  private window = new Map<number, Float32Array>();

  private constructor(
    private readonly model: LlamaModel,
    private readonly ctx: LlamaContext,
    private readonly seq: LlamaContextSequence,
    private readonly opts: ReferenceOptions,
  ) {
    this.label = opts.label ?? `llama.cpp${opts.flashAttention ? '' : ' (no FA)'}`;
  }

  static async load(path: string, opts: ReferenceOptions): Promise<ReferenceEngine> {
    const llama = await referenceLlama(opts.threads);
    const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
    const ctx = await model.createContext({
      contextSize: opts.contextSize, threads: { ideal: opts.threads, min: opts.threads },
      flashAttention: opts.flashAttention, batchSize: 512, sequences: 1,
      ...(opts.kvType === 'F32' ? { experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' } as const : {}),
    });
    return new ReferenceEngine(model, ctx, ctx.getSequence(), opts);
  }

  get nVocab(): number { return this.opts.nVocab; }
  get bos(): number { return this.model.tokens.bos ?? -1; }
  get eos(): number { return this.model.tokens.eos ?? -1; }
  get addBos(): boolean { return this.model.tokens.shouldPrependBosToken; }
  get threadsUsed(): number { return this.ctx.currentThreads; }

  tokenize(text: string): number[] { return Array.from(this.model.tokenize(text, true)) as number[]; }
  detokenize(tokens: readonly number[]): string { return this.model.detokenize(tokens as never, true); }
  isEog(token: number): boolean { return this.model.isEogToken(token as never); }

  async beginLogits(tokens: readonly number[], positions?: readonly number[]): Promise<void> {
    await this.seq.clearHistory();
    this.tokens = tokens;
    this.wanted = positions ? [...positions].sort((a, b) => a - b) : tokens.map((_, i) => i);
    this.seqEvaluated = 0;
    this.window.clear();
  }

  /**
   * Raw logits through controlledEvaluate (generateNext.logits). node-llama-cpp hands them over as a
   * sorted Map of the whole vocabulary, which costs ~0.1-0.5 s per position: positions are read in
   * order, `slice` requested positions per call, and only those positions carry a logits request.
   */
  async logitsAt(i: number): Promise<Float32Array> {
    const hit = this.window.get(i);
    if (hit) return hit;
    const k = this.wanted.indexOf(i);
    if (k < 0 || i < this.seqEvaluated) throw new Error(`reference logits must be read in order of the requested positions (asked ${i})`);
    const batch = this.wanted.slice(k, k + (this.opts.slice ?? 16));
    const end = batch[batch.length - 1] + 1;
    const want = new Set(batch);
    const start = this.seqEvaluated;
    const part = this.tokens.slice(start, end);
    const out = await this.seq.controlledEvaluate(part.map((t, j) => (want.has(start + j) ? [t, { generateNext: { logits: true } }] : t)) as never);
    this.window.clear();
    const n = this.nVocab;
    for (const pos of batch) {
      const logits = out[pos - start]?.next.logits;
      if (!logits) throw new Error(`no reference logits at position ${pos}`);
      if (logits.size !== n) throw new Error(`reference gave ${logits.size} logits, vocabulary has ${n}`);
      const row = new Float32Array(n);
      for (const [tok, v] of logits) row[tok] = v;
      this.window.set(pos, row);
    }
    this.seqEvaluated = end;
    return this.window.get(i)!;
  }

  /**
   * Greedy decoding step by step through controlledEvaluate: each step reads the top two raw logits,
   * so the margin of every decision is known (near-ties explain divergences). Ties pick the lower id.
   */
  async greedy(prompt: readonly number[], maxTokens: number): Promise<GreedyResult> {
    await this.seq.clearHistory();
    const top2 = { generateNext: { logits: { filter: { tokens: [], includeTop: 2 } } } };
    const pick = (logits: Map<number, number> | undefined) => {
      if (!logits) throw new Error('no logits from controlledEvaluate');
      const [[t1, v1], [t2, v2]] = [...logits.entries()].slice(0, 2);
      const token = v1 === v2 ? Math.min(t1, t2) : t1;
      return { token, margin: v1 - v2 };
    };
    const input = prompt.map((t, i) => (i === prompt.length - 1 ? [t, top2] : t));
    let res = await this.seq.controlledEvaluate(input as never);
    let step = pick(res[prompt.length - 1]?.next.logits as Map<number, number>);
    const tokens: number[] = [];
    const margins: number[] = [];
    for (;;) {
      if (this.isEog(step.token)) return { tokens, margins, stopReason: 'eog' };
      tokens.push(step.token);
      margins.push(step.margin);
      if (tokens.length >= maxTokens) return { tokens, margins, stopReason: 'maxTokens' };
      res = await this.seq.controlledEvaluate([[step.token, top2]] as never);
      step = pick(res[0]?.next.logits as Map<number, number>);
    }
  }

  /** node-llama-cpp's own greedy generation (sequence.evaluate, temperature 0, no repeat penalty). */
  async greedyViaEvaluate(prompt: readonly number[], maxTokens: number): Promise<number[]> {
    await this.seq.clearHistory();
    const out: number[] = [];
    for await (const t of this.seq.evaluate(prompt as never, { temperature: 0, repeatPenalty: undefined })) {
      out.push(t as number);
      if (out.length >= maxTokens) break;
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.ctx.dispose();
    await this.model.dispose();
  }
}

export interface SwaaOptions {
  threads: number;
  contextSize: number;
  kvType: 'f16' | 'f32';
}

type SwaaModule = typeof import('../../addon/index.js');
type SwaaModel = import('../../addon/index.js').Model;
type SwaaContext = import('../../addon/index.js').Context;

/** The SWAA runtime under test (full attention: no window). */
export class SwaaEngine implements Engine {
  readonly label = 'swaa';
  private ctx: SwaaContext | undefined;
  private n = 0;

  private constructor(private readonly mod: SwaaModule, readonly model: SwaaModel, private readonly opts: SwaaOptions) {}

  static async load(path: string, opts: SwaaOptions): Promise<SwaaEngine> {
    const mod = await import('../../addon/index.js');
    const model = await mod.loadModel(path, { device: 'cpu' });
    return new SwaaEngine(mod, model, opts);
  }

  get nVocab(): number { return this.model.info.nVocab; }
  get bos(): number { return this.model.bos; }
  get eos(): number { return this.model.eos; }
  get addBos(): boolean { return this.model.addBos; }

  tokenize(text: string): number[] { return this.model.tokenize(text, { addSpecial: false, parseSpecial: true }); }
  detokenize(tokens: readonly number[]): string { return this.model.detokenize(tokens, true); }
  isEog(token: number): boolean { return this.model.isEog(token); }

  private freshContext(): SwaaContext {
    this.ctx?.dispose();
    this.ctx = this.model.createContext({
      contextSize: this.opts.contextSize, threads: this.opts.threads, kvType: this.opts.kvType, recipe: this.mod.FULL_ATTENTION,
    });
    return this.ctx;
  }

  async beginLogits(tokens: readonly number[]): Promise<void> {
    const ctx = this.freshContext();
    await ctx.prefill(tokens, { phase: 'document', logitsAll: true });
    this.n = tokens.length;
    if (ctx.nLogits !== tokens.length) throw new Error(`swaa kept ${ctx.nLogits} logit rows for ${tokens.length} tokens`);
  }

  async logitsAt(i: number): Promise<Float32Array> {
    if (!this.ctx || i >= this.n) throw new Error(`no swaa logits at ${i}`);
    return this.ctx.logits(i);
  }

  async greedy(prompt: readonly number[], maxTokens: number): Promise<GreedyResult> {
    const ctx = this.freshContext();
    await ctx.prefill(prompt, { phase: 'document' });
    const r = await ctx.generate({ maxTokens, sampler: { temperature: 0, repeatPenalty: 1 } });
    const tokens = r.tokens.slice();
    // Compare up to (not including) an end-of-generation token, as the reference loop does.
    const eog = tokens.findIndex((t) => this.isEog(t));
    return { tokens: eog >= 0 ? tokens.slice(0, eog) : tokens, stopReason: r.stopReason };
  }

  async dispose(): Promise<void> {
    this.ctx?.dispose();
    this.ctx = undefined;
    this.model.dispose();
  }
}
