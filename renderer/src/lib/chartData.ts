/**
 * Chart rows from stored runs: one row per recipe run on the document, from its most telling run —
 * the newest that read the whole document (a cached re-ask measures only the question), else the
 * newest at all.
 */
import type { Preset, Recipe, RunMetrics, RunRecord } from '../contract';

export interface RecipeRow {
  /** presetId, or "custom:<recipe>" for an explicit recipe. */
  key: string;
  label: string;
  metrics: RunMetrics;
  /** The row's run found the document cached. */
  cached: boolean;
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
