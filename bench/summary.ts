/**
 * Turns the children's raw repeats into table rows: medians and spreads, ratios to llama.cpp and to
 * our full attention, the FLOP-model limit of each preset's speed-up, and the goal checks.
 */
import type { ModelInfo, Recipe } from '../native/addon/types.js';
import { finalChunkTokens, plannedLayerRows, prefillFlops, speedupLimit, type LayerAttention, type ModelShape, type PrefillWork } from './flops.js';
import type { JobResult } from './job.js';
import type { BenchModel } from './models.js';
import { spread, type Spread } from './stats.js';
import { faLayerMask } from '../electron/shared/fa-layers.js';

export interface ModelEntry {
  model: BenchModel;
  info: ModelInfo;
  runs: JobResult[];
  /** Question tokens of the prompt at each context length (the rest is document). */
  questionTokens: Record<number, number>;
}

export interface Row {
  model: string;
  context: number;
  config: string;
  engine: string;
  recipe: Recipe | null;
  promptTokens: number;
  repeats: number;
  prefillTokPerS: Spread;
  ttftMs: Spread;
  decodeTokPerS: Spread;
  /** Decode tokens measured per repeat (fewer than asked when the model stopped). */
  decodeTokens: number;
  reaskTtftMs: Spread;
  /** Median re-ask time to first token / median cold time to first token. */
  reaskVsCold: number;
  kvBytes: number | null;
  kvBytesComputed: number;
  stateBytes: number | null;
  peakRssBytes: number;
  /** Queries × key rows read in prefill (document + question), from our metrics. */
  attnRowsPrefill: number | null;
  /** The same count as the FLOP model plans it (flops.ts plannedLayerRows). */
  attnRowsPlanned: number;
  prefillGflop: number;
  prefillVsLlama: number | null;
  decodeVsLlama: number | null;
  ttftVsLlama: number | null;
  prefillVsFull: number | null;
  flopLimit: number | null;
  ofLimit: number | null;
  engineInfo: Record<string, string | number | boolean>;
  /** Highest 1-minute load average seen when a repeat of this configuration finished. */
  load1: number | null;
  error?: string;
}

export interface GoalCheck { goal: string; row: string; value: number | null; target: number; pass: boolean | null }

export interface BenchResults {
  version: 1;
  date: string;
  machine: { id: string; description: string; cpu: string; cores: number };
  node: string;
  settings: Record<string, unknown>;
  load: { start: number[]; end: number[] };
  note: string;
  models: { id: string; description: string; path: string; info: ModelInfo }[];
  rows: Row[];
  goals: GoalCheck[];
}

export function shapeOf(info: ModelInfo): ModelShape {
  return {
    nLayer: info.nLayer, nEmbd: info.nEmbd, nHead: info.nHead, nHeadKv: info.nHeadKv,
    headDim: info.headDim, nFf: info.nFf, nVocab: info.nVocab,
  };
}

/** Whether layer l attends fully while reading the prompt, for a resolved recipe. */
export function layerIsFa(recipe: Recipe, layer: number): boolean {
  if (recipe.window === null) return true;
  return faLayerMask(recipe.faLayers, layer + 1)[layer] === true;
}

/** Prefill rows (document then question phase) of every layer as the FLOP model plans them. */
export function plannedPrefillRows(recipe: Recipe | null, nLayer: number, documentTokens: number,
                                   questionTokens: number, chunk: number): number {
  let rows = 0;
  for (let l = 0; l < nLayer; l++) {
    const fa = recipe === null || layerIsFa(recipe, l);
    const windowed: LayerAttention = fa || recipe === null || recipe.window === null
      ? { window: null } : { window: recipe.window, sinks: recipe.sinks };
    const last = l === nLayer - 1;
    rows += plannedLayerRows([{ start: 0, tokens: documentTokens }], chunk, windowed, last);
    const q: LayerAttention = recipe?.questionFa ? { window: null } : windowed;
    rows += plannedLayerRows([{ start: documentTokens, tokens: questionTokens }], chunk, q, last);
  }
  return rows;
}

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;

type Header = Omit<BenchResults, 'rows' | 'goals' | 'models'> & { entries: ModelEntry[] };

export function summarize(h: Header): BenchResults {
  const rows: Row[] = [];
  for (const e of h.entries) {
    const shape = shapeOf(e.info);
    const base = e.runs.map((r) => {
      const rep = r.repeats;
      const first = rep[0];
      const promptTokens = first?.promptTokens ?? 0;
      const chunk = r.job.chunk;
      const measuredRows = first && first.attnRowsDocument !== null ? first.attnRowsDocument + (first.attnRowsQuestion ?? 0) : null;
      const row: Row = {
        model: e.model.id, context: r.job.contextSize, config: r.job.config, engine: r.job.engine, recipe: r.job.recipe,
        promptTokens, repeats: rep.length,
        prefillTokPerS: spread(rep.map((x) => x.promptTokens * 1000 / x.prefillMs)),
        ttftMs: spread(rep.map((x) => x.ttftMs)),
        decodeTokPerS: spread(rep.map((x) => (x.decodeMs > 0 ? x.decodeTokens * 1000 / x.decodeMs : NaN))),
        decodeTokens: Math.min(...rep.map((x) => x.decodeTokens)),
        reaskTtftMs: spread(rep.map((x) => x.reaskTtftMs)),
        reaskVsCold: NaN,
        kvBytes: first?.kvBytes ?? null,
        kvBytesComputed: first?.kvBytesComputed ?? 0,
        stateBytes: first?.stateBytes ?? null,
        peakRssBytes: r.peakRssBytes,
        attnRowsPrefill: measuredRows,
        attnRowsPlanned: 0,
        prefillGflop: 0,
        prefillVsLlama: null, decodeVsLlama: null, ttftVsLlama: null, prefillVsFull: null, flopLimit: null, ofLimit: null,
        engineInfo: r.engineInfo,
        load1: r.load1 ?? null,
        error: r.error,
      };
      row.reaskVsCold = row.reaskTtftMs.median / row.ttftMs.median;
      return { row, chunk };
    });
    for (const { row, chunk } of base) {
      const q = e.questionTokens[row.context] ?? 0;
      row.attnRowsPlanned = plannedPrefillRows(row.recipe, shape.nLayer, row.promptTokens - q, q, chunk);
      const segments = [{ start: 0, tokens: row.promptTokens - q }, { start: row.promptTokens - q, tokens: q }];
      const finalTokens = finalChunkTokens(segments, chunk);
      const work: PrefillWork = { tokens: row.promptTokens, finalChunkTokens: finalTokens, logitRows: 2, attnRows: row.attnRowsPrefill ?? row.attnRowsPlanned };
      row.prefillGflop = prefillFlops(shape, work).total / 1e9;
      const llama = base.find((b) => b.row.context === row.context && b.row.config === 'llama.cpp')?.row;
      const full = base.find((b) => b.row.context === row.context && b.row.config === 'full')?.row;
      if (llama && row.config !== 'llama.cpp') {
        row.prefillVsLlama = ratio(row.prefillTokPerS.median, llama.prefillTokPerS.median);
        row.decodeVsLlama = ratio(row.decodeTokPerS.median, llama.decodeTokPerS.median);
        row.ttftVsLlama = ratio(llama.ttftMs.median, row.ttftMs.median);
      }
      if (full && row.engine === 'swaa' && row.config !== 'full') {
        row.prefillVsFull = ratio(row.prefillTokPerS.median, full.prefillTokPerS.median);
        const fullWork: PrefillWork = { tokens: full.promptTokens, finalChunkTokens: finalTokens, logitRows: 2, attnRows: full.attnRowsPrefill ?? full.attnRowsPlanned };
        row.flopLimit = speedupLimit(shape, fullWork, work);
        row.ofLimit = row.prefillVsFull !== null ? row.prefillVsFull / row.flopLimit : null;
      }
      rows.push(row);
    }
  }
  return {
    version: h.version, date: h.date, machine: h.machine, node: h.node, settings: h.settings, load: h.load, note: h.note,
    models: h.entries.map((e) => ({ id: e.model.id, description: e.model.description, path: e.model.path.replace(/^.*\/\.cache\//, '~/.cache/'), info: e.info })),
    rows,
    goals: goalChecks(rows),
  };
}

export function goalChecks(rows: readonly Row[]): GoalCheck[] {
  const goals: GoalCheck[] = [];
  const label = (r: Row) => `${r.model} ${r.context / 1024}k ${r.config}`;
  for (const r of rows) {
    if (r.config === 'full') {
      goals.push({ goal: 'full attention prefill ≥ 0.95× llama.cpp', row: label(r), value: r.prefillVsLlama, target: 0.95, pass: r.prefillVsLlama === null ? null : r.prefillVsLlama >= 0.95 });
      goals.push({ goal: 'full attention decode ≥ 0.95× llama.cpp', row: label(r), value: r.decodeVsLlama, target: 0.95, pass: r.decodeVsLlama === null ? null : r.decodeVsLlama >= 0.95 });
    } else if (r.engine === 'swaa') {
      goals.push({ goal: 'preset ≥ 90% of its FLOP-model speed-up', row: label(r), value: r.ofLimit, target: 0.9, pass: r.ofLimit === null ? null : r.ofLimit >= 0.9 });
    }
    if (r.config === 'fastest' && r.context === 32768) {
      goals.push({ goal: 'fastest ≥ 3× llama.cpp prefill at 32k', row: label(r), value: r.prefillVsLlama, target: 3, pass: r.prefillVsLlama === null ? null : r.prefillVsLlama >= 3 });
    }
  }
  return goals;
}
