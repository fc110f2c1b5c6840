/**
 * NLL-guided FA-layer calibration (the idea of arXiv 2606.27791, a follow-up to SWAA): per model, find
 * the layers whose switch to the windowed recipe raises the answer's negative log-likelihood most.
 *
 * The answer's NLL under a recipe is measured by teacher forcing: the document is prefilled in the
 * document phase (once per recipe, then every question rewinds to it, as qa.ts does), and the question
 * followed by the reference answer's tokens is prefilled in the question phase with logits for every
 * position; the logits row before each answer token scores that token. Prompts come from the app's one
 * builder (prompt.ts buildQaPrompt), so calibration sees exactly the prompts the app runs.
 *
 * Measured recipes have no FA decode and no question FA: the runtime prefills only the document and
 * question phases (decode runs only inside generate()), so the answer tokens are read windowed like the
 * question. The first answer token — the one an FA-decode run computes from a windowed state too — is
 * scored identically either way; later answer tokens are scored as the windowed prefill sees them.
 *
 * Two measurements:
 *  - single: for each layer ℓ, the NLL with every layer at full attention except ℓ, windowed; its rise
 *    over full attention says how much ℓ alone depends on distant tokens;
 *  - greedy: from every layer windowed, add FA layers one at a time, each time the one whose full
 *    attention lowers the NLL most; the order is the ranking and the NLLs are the curve.
 * Everything is deterministic given the items (no sampling; ties go to the lower layer index).
 */
import { FULL_ATTENTION, SwaaError, type Recipe } from './types.js';
import type { Context, Model } from './index.js';
import { buildQaPrompt } from './prompt.js';

/** One calibration question: a document, a question and its reference answer (null: the model's own
 *  greedy full-attention answer, self-distillation style, for a person's document without answers). */
export interface CalibrationItem {
  document: string;
  question: string;
  answer: string | null;
}

/** One prompt as tokens: what is prefilled and scored. */
export interface CalibrationPrompt {
  documentTokens: number[];
  questionTokens: number[];
  answerTokens: number[];
}

export type CalibrationStage = 'reference' | 'single' | 'greedy';

export interface CalibrationProgress {
  stage: CalibrationStage;
  /** Prompts scored so far, of the total the whole calibration scores (references count one each). */
  done: number;
  total: number;
  elapsedMs: number;
}

export interface CalibrateOptions {
  /** W of the windowed recipe the layers are calibrated for. */
  window: number;
  /** k sinks of that recipe. */
  sinks: number;
  /** Greedy steps (FA layers added). Default: every layer up to nLayer-1 for models of at most 16
   *  layers, else half the layers (the largest calibrated budget): the cost grows with steps × layers. */
  greedySteps?: number;
  /** Tokens of a self-distilled reference answer at most. Default 32. */
  maxAnswerTokens?: number;
  /** CPU threads (0 = the runtime's default). */
  threads?: number;
  chunkSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: CalibrationProgress) => void;
}

export interface SingleLayerRise {
  layer: number;
  /** Mean answer NLL (nats per answer token) with only this layer windowed. */
  nll: number;
  /** nll minus the full-attention NLL. */
  rise: number;
}

export interface GreedyStep {
  /** The FA layer added at this step. */
  layer: number;
  /** Mean answer NLL with the layers chosen so far (this one included) at full attention. */
  nll: number;
  /** How much adding it lowered the NLL. */
  drop: number;
}

export interface LayerCalibration {
  nLayer: number;
  window: number;
  sinks: number;
  prompts: number;
  answerTokens: number;
  /** Mean answer NLL under full attention. */
  nllFull: number;
  /** Mean answer NLL with every layer windowed. */
  nllWindowed: number;
  single: SingleLayerRise[];
  greedy: GreedyStep[];
  /** Layers most worth full attention first: the greedy order, then the rest by single-layer rise. */
  ranking: number[];
}

/** ln p(token) from one logits row, with the max subtracted first so exp cannot overflow. */
export function logProb(logits: Float32Array, token: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return logits[token] - max - Math.log(sum);
}

const cancelled = () => new SwaaError('SWAA_ERR_CANCELLED', 'calibration cancelled');

/** The windowed recipe with these layers at full attention (no FA decode, no question FA: see above). */
export function calibrationRecipe(window: number, sinks: number, faLayers: readonly number[]): Recipe {
  return {
    window, sinks,
    faLayers: faLayers.length ? { kind: 'list', layers: [...faLayers].sort((a, b) => a - b) } : { kind: 'none' },
    faDecode: false, questionFa: false,
  };
}

/** Context size that holds the longest prompt and its answer, in 256-token steps like the app's setting. */
function contextSizeFor(prompts: readonly CalibrationPrompt[]): number {
  const longest = Math.max(...prompts.map((p) => p.documentTokens.length + p.questionTokens.length + p.answerTokens.length));
  return Math.ceil((longest + 1) / 256) * 256;
}

/** Prompts grouped by document so each document is prefilled once per recipe (checkpoint + rewind). */
function byDocument(prompts: readonly CalibrationPrompt[]): CalibrationPrompt[][] {
  const groups = new Map<string, CalibrationPrompt[]>();
  for (const p of prompts) {
    const key = p.documentTokens.join(',');
    const g = groups.get(key);
    if (g) g.push(p); else groups.set(key, [p]);
  }
  return [...groups.values()];
}

/**
 * Summed answer NLL and answer-token count of the prompts under one recipe. `onPrompt` is called after
 * each prompt (progress). Cancel through `signal`: the prefill stops at its next chunk.
 */
export async function answerNll(model: Model, prompts: readonly CalibrationPrompt[], recipe: Recipe,
                                opts: { threads?: number; chunkSize?: number; signal?: AbortSignal; onPrompt?: () => void } = {}):
  Promise<{ nll: number; tokens: number }> {
  const ctx: Context = model.createContext({ contextSize: contextSizeFor(prompts), chunkSize: opts.chunkSize, threads: opts.threads, recipe });
  let nll = 0;
  let tokens = 0;
  try {
    for (const group of byDocument(prompts)) {
      if (opts.signal?.aborted) throw cancelled();
      ctx.clear();
      await ctx.prefill(group[0].documentTokens, { phase: 'document', signal: opts.signal });
      ctx.checkpoint();
      for (const p of group) {
        ctx.rewind();
        await ctx.prefill([...p.questionTokens, ...p.answerTokens], { phase: 'question', logitsAll: true, signal: opts.signal });
        // Row r holds the prediction for the token after position r of this call: the first answer
        // token is predicted by the last question token's row.
        const first = p.questionTokens.length - 1;
        for (let a = 0; a < p.answerTokens.length; a++) nll -= logProb(ctx.logits(first + a), p.answerTokens[a]);
        tokens += p.answerTokens.length;
        opts.onPrompt?.();
      }
    }
  } finally {
    ctx.dispose();
  }
  return { nll, tokens };
}

/** Items → prompts: the app's prompt builder, reference answers tokenized or self-distilled (greedy, full attention). */
export async function calibrationPrompts(model: Model, items: readonly CalibrationItem[],
                                         opts: Pick<CalibrateOptions, 'maxAnswerTokens' | 'threads' | 'chunkSize' | 'signal'> & { onItem?: () => void } = {}):
  Promise<CalibrationPrompt[]> {
  const out: CalibrationPrompt[] = [];
  const maxAnswer = opts.maxAnswerTokens ?? 32;
  let ctx: Context | null = null;
  try {
    for (const item of items) {
      if (opts.signal?.aborted) throw cancelled();
      const p = buildQaPrompt(model, item.document, item.question);
      let answerTokens: number[];
      if (item.answer !== null) {
        answerTokens = model.tokenize(item.answer, { parseSpecial: false });
      } else {
        const size = Math.ceil((p.documentTokens.length + p.questionTokens.length + maxAnswer + 1) / 256) * 256;
        if (!ctx || ctx.contextSize < size) {
          ctx?.dispose();
          ctx = model.createContext({ contextSize: size, chunkSize: opts.chunkSize, threads: opts.threads, recipe: FULL_ATTENTION });
        }
        ctx.clear();
        await ctx.prefill(p.documentTokens, { phase: 'document', signal: opts.signal });
        await ctx.prefill(p.questionTokens, { phase: 'question', signal: opts.signal });
        const r = await ctx.generate({ maxTokens: maxAnswer, sampler: { temperature: 0 }, signal: opts.signal });
        if (r.stopReason === 'cancelled') throw cancelled();
        answerTokens = r.tokens.filter((t) => !model.isEog(t));
      }
      opts.onItem?.();
      if (answerTokens.length > 0) out.push({ documentTokens: p.documentTokens, questionTokens: p.questionTokens, answerTokens });
    }
  } finally {
    ctx?.dispose();
  }
  return out;
}

/** Greedy steps by default: the whole curve for small models, half the layers for larger ones. */
export function defaultGreedySteps(nLayer: number): number {
  return nLayer <= 16 ? Math.max(0, nLayer - 1) : Math.ceil(nLayer / 2);
}

/** Rounds an NLL for the stored result: the file is reproducible and small; 1e-6 nats is far below any difference that matters. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Calibrates the FA layers of a model for one windowed recipe on the given items. */
export async function calibrateLayers(model: Model, items: readonly CalibrationItem[], opts: CalibrateOptions): Promise<LayerCalibration> {
  const L = model.info.nLayer;
  const steps = Math.min(opts.greedySteps ?? defaultGreedySteps(L), L - 1);
  const t0 = performance.now();
  const references = items.filter((i) => i.answer === null).length;
  // Scored prompts: full, L singles, all-windowed, then L, L-1, … candidates per greedy step.
  let greedyCandidates = 0;
  for (let s = 0; s < steps; s++) greedyCandidates += L - s;
  let done = 0;
  let total = references + items.length * (1 + L + 1 + greedyCandidates);
  const tick = (stage: CalibrationStage) => { done += 1; opts.onProgress?.({ stage, done, total, elapsedMs: performance.now() - t0 }); };

  const prompts = await calibrationPrompts(model, items, { ...opts, onItem: () => { if (references) tick('reference'); } });
  if (prompts.length === 0) throw new SwaaError('SWAA_ERR_INVALID_ARGUMENT', 'calibration has no prompt with a non-empty answer');
  // Items whose self-distilled answer was empty are dropped: recount so progress ends at total.
  total = done + prompts.length * (1 + L + 1 + greedyCandidates);
  const ev = { threads: opts.threads, chunkSize: opts.chunkSize, signal: opts.signal };
  const measure = async (recipe: Recipe, stage: CalibrationStage): Promise<number> => {
    const r = await answerNll(model, prompts, recipe, { ...ev, onPrompt: () => tick(stage) });
    return r.nll / r.tokens;
  };
  const answerTokens = prompts.reduce((s, p) => s + p.answerTokens.length, 0);
  const all = Array.from({ length: L }, (_, i) => i);

  const nllFull = await measure(FULL_ATTENTION, 'single');
  const single: SingleLayerRise[] = [];
  for (const layer of all) {
    const nll = await measure(calibrationRecipe(opts.window, opts.sinks, all.filter((x) => x !== layer)), 'single');
    single.push({ layer, nll: round6(nll), rise: round6(nll - nllFull) });
  }

  const nllWindowed = await measure(calibrationRecipe(opts.window, opts.sinks, []), 'greedy');
  const chosen: number[] = [];
  const greedy: GreedyStep[] = [];
  let current = nllWindowed;
  for (let s = 0; s < steps; s++) {
    let best: { layer: number; nll: number } | null = null;
    for (const layer of all.filter((x) => !chosen.includes(x))) {
      const nll = await measure(calibrationRecipe(opts.window, opts.sinks, [...chosen, layer]), 'greedy');
      if (!best || nll < best.nll) best = { layer, nll }; // strict: ties keep the lower layer
    }
    if (!best) break;
    chosen.push(best.layer);
    greedy.push({ layer: best.layer, nll: round6(best.nll), drop: round6(current - best.nll) });
    current = best.nll;
  }
  const rest = all.filter((x) => !chosen.includes(x))
    .sort((a, b) => single[b].rise - single[a].rise || a - b);
  return {
    nLayer: L, window: opts.window, sinks: opts.sinks, prompts: prompts.length, answerTokens,
    nllFull: round6(nllFull), nllWindowed: round6(nllWindowed), single, greedy, ranking: [...chosen, ...rest],
  };
}
