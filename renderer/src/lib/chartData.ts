/**
 * The rows of runs that the charts and the tables of numbers read — one derived list, so a bar and
 * the table cell beside it can never disagree:
 *  - while a comparison on the current document is shown: its runs, in its order (`comparisonRows`);
 *  - otherwise one row per recipe run on the document, from its most telling run — the newest that
 *    read the whole document (a cached re-ask measures only the question), else the newest at all.
 * Every row says whether its run read the document cold or found it cached.
 */
import type { Preset, Recipe, RunMetrics, RunRecord } from '../contract';
import { cacheLabel, stopNote, stopTag } from '../../../electron/shared/run-facts';
import type { RunFocus, RunView } from '../stores/runStore';

/** One run as the chart and the tables show it. */
export interface MetricRow {
  key: string;
  runId: string;
  label: string;
  /** Finished runs only: the numbers; null while the run is pending or when it failed. */
  metrics: RunMetrics | null;
  /** "cold", "cold (forced)", "cached (memory)", "cached (disk)"; null before the run finished. */
  cache: string | null;
  /** "stopped at the 64-token limit" and the like; null when the answer ended by itself. */
  stop: string | null;
  /** The same in two words ("token limit", "context full"), for a chip. */
  stopTag: string | null;
  status: RunView['status'];
}

const presetLabel = (presets: readonly Preset[], presetId: string | null) =>
  presets.find((p) => p.id === presetId)?.label ?? presetId ?? 'Custom';

/** The runs of one comparison, in its order (pending ones included, without numbers). */
export function comparisonRows(runIds: readonly string[], runs: Readonly<Record<string, RunView | undefined>>,
  presets: readonly Preset[]): MetricRow[] {
  return runIds.map((runId) => {
    const run = runs[runId];
    const record = run?.record ?? null;
    const metrics = record?.metrics ?? null;
    return {
      key: runId, runId, label: presetLabel(presets, run?.presetId ?? null), metrics,
      cache: metrics ? cacheLabel(metrics) : null, stop: record ? stopNote(record) : null, stopTag: stopTag(record?.stopReason ?? null),
      status: run?.status ?? 'pending',
    };
  });
}

/** What the charts and their table show for the current document (see the module comment). */
export function documentRows(s: { focus: RunFocus | null; runs: Readonly<Record<string, RunView | undefined>>; history: readonly RunRecord[];
  historyDocumentId: string | null }, presets: readonly Preset[]): MetricRow[] {
  const f = s.focus;
  if (f?.kind === 'compare' && f.runIds.some((id) => s.runs[id]?.documentId === s.historyDocumentId)) {
    return comparisonRows(f.runIds, s.runs, presets);
  }
  return rowsByRecipe(s.history, presets).map((r) => ({
    key: r.key, runId: r.runId, label: r.label, metrics: r.metrics, cache: cacheLabel(r.metrics), stop: r.stop, stopTag: r.stopTag, status: 'done',
  }));
}

export interface RecipeRow {
  /** presetId, or "custom:<recipe>" for an explicit recipe. */
  key: string;
  label: string;
  metrics: RunMetrics;
  /** The row's run found the document cached. */
  cached: boolean;
  runId: string;
  stop: string | null;
  stopTag: string | null;
}

export function recipeKey(presetId: string | null, recipe: Recipe): string {
  return presetId ?? `custom:${JSON.stringify(recipe)}`;
}

/** history: newest first (as runs.list and the run store keep it). */
export function rowsByRecipe(history: readonly RunRecord[], presets: readonly Preset[]): RecipeRow[] {
  const best = new Map<string, RunRecord & { metrics: RunMetrics }>();
  for (const run of history) {
    if (run.status !== 'done' || !run.metrics) continue;
    const key = recipeKey(run.presetId, run.recipe);
    const seen = best.get(key);
    if (!seen || (seen.metrics.documentCached && !run.metrics.documentCached)) {
      best.set(key, run as RunRecord & { metrics: RunMetrics });
    }
  }
  const order = new Map(presets.map((p, i) => [p.id, i]));
  let customs = 0;
  const rows = [...best.entries()].map(([key, run]) => ({
    key,
    label: presets.find((p) => p.id === run.presetId)?.label ?? `Custom ${++customs}`,
    metrics: run.metrics,
    cached: run.metrics.documentCached,
    runId: run.id,
    stop: stopNote(run),
    stopTag: stopTag(run.stopReason),
  }));
  return rows.sort((a, b) => (order.get(a.key) ?? Infinity) - (order.get(b.key) ?? Infinity));
}

/** Groups of series whose values are equal at every point (their lines lie on top of each other). */
export function coincidingSeries(labels: string[], points: Record<string, number | string>[]): string[][] {
  if (points.length === 0) return [];
  const byValues = new Map<string, string[]>();
  for (const label of labels) {
    const key = points.map((p) => p[label]).join('|');
    byValues.set(key, [...(byValues.get(key) ?? []), label]);
  }
  return [...byValues.values()].filter((g) => g.length > 1);
}

/**
 * Legend order = drawing order. Recharts sorts legend items by name unless told otherwise, which put
 * "Decode" before "First token" while the bars run first token, prefill, decode.
 */
export function legendSorter(order: readonly string[]): (item: { dataKey?: unknown }) => number {
  return (item) => {
    const i = order.indexOf(String(item.dataKey));
    return i < 0 ? order.length : i;
  };
}
