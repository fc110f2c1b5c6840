/**
 * Charts across the recipes run on the current document (latency and memory bars, from stored runs)
 * and KV memory against context length for every recipe (from the engine's estimates).
 */
import { useEffect, useMemo, useState } from 'react';
import {
  Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import { useModels, useRecipes, useRuns, useStores } from '../bridge/stores';
import { coincidingSeries, documentRows, legendSorter, type MetricRow } from '../lib/chartData';
import { contextSteps } from '../lib/contextSteps';
import { describeError, type FriendlyError } from '../lib/errors';
import { formatCount, formatMs } from '../lib/format';
import { selectedModel } from '../stores/modelStore';
import { CUSTOM_ID } from '../stores/recipeStore';
import { ErrorNote } from './ErrorNote';
import { RunHistory } from './RunHistory';
import { MetricCells, MetricHeaders } from './MetricCells';
import type { Recipe } from '../contract';

/** Readable on light and dark backgrounds alike. */
const SERIES = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#14b8a6', '#ec4899', '#84cc16'];
const MIB = 1024 * 1024;
const LATENCY_SERIES = ['First token (ms)', 'Prefill (ms)', 'Decode (ms)'];
const MEMORY_SERIES = ['KV cache (MiB)', 'Peak memory (MiB)'];
/**
 * The charts are pictures of the table below them (read by screen readers): recharts' keyboard layer
 * would add a tab stop per chart that leads nowhere a keyboard user needs.
 */
const NO_TAB_STOP = { accessibilityLayer: false, tabIndex: -1 } as const;

export function Charts() {
  const historyError = useRuns((s) => s.historyError);
  const presets = useRecipes((s) => s.presets);
  // The same rows feed the bars, the table below them and the comparison's table (lib/chartData.ts).
  const source = useRuns(useShallow((s) => ({ focus: s.focus, runs: s.runs, history: s.history, historyDocumentId: s.historyDocumentId })));
  const all = useMemo(() => documentRows(source, presets), [source, presets]);
  const rows = all.filter((r): r is MetricRow & { metrics: NonNullable<MetricRow['metrics']> } => r.metrics !== null);
  // A cached run measured only the question: every bar says whether its run read the document cold.
  const name = (r: MetricRow) => `${r.label} · ${r.cache ?? '…'}`;
  const latency = rows.map((r) => ({
    name: name(r),
    'First token (ms)': Math.round(r.metrics.timeToFirstTokenMs),
    'Prefill (ms)': Math.round(r.metrics.prefillMs),
    'Decode (ms)': Math.round(r.metrics.decodeMs),
  }));
  const memory = rows.map((r) => ({
    name: name(r),
    'KV cache (MiB)': +(r.metrics.kvBytes / MIB).toFixed(2),
    'Peak memory (MiB)': +(r.metrics.peakRssBytes / MIB).toFixed(1),
  }));

  return (
    <section className="charts" aria-labelledby="charts-title" data-testid="charts">
      <h2 id="charts-title">Recipes on this document</h2>
      <ErrorNote error={historyError} />
      {rows.length === 0
        ? <p className="muted">Run a question with a few recipes to compare what each costs here.</p>
        : (
          <div className="chart-row">
            <figure className="chart" data-testid="latency-chart">
              <figcaption>Latency per recipe</figcaption>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={latency} margin={{ left: 8, right: 8 }} {...NO_TAB_STOP}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} stroke="var(--muted)" />
                  <YAxis tick={{ fontSize: 11 }} stroke="var(--muted)" tickFormatter={(v: number) => formatMs(v)} width={56} />
                  <Tooltip formatter={(v) => formatMs(Number(v))} contentStyle={{ background: 'var(--surface)', color: 'var(--text)' }} />
                  <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={legendSorter(LATENCY_SERIES)} />
                  <Bar dataKey="First token (ms)" fill={SERIES[0]} isAnimationActive={false} />
                  <Bar dataKey="Prefill (ms)" fill={SERIES[1]} isAnimationActive={false} />
                  <Bar dataKey="Decode (ms)" fill={SERIES[2]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </figure>
            <figure className="chart" data-testid="memory-chart">
              <figcaption>Memory per recipe</figcaption>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={memory} margin={{ left: 8, right: 8 }} {...NO_TAB_STOP}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                  <XAxis dataKey="name" tick={{ fontSize: 11 }} stroke="var(--muted)" />
                  {/* KV is often a hundredth of peak memory: on one axis its bars would be invisible, so each has its own. */}
                  <YAxis yAxisId="kv" tick={{ fontSize: 11 }} stroke={SERIES[4]} width={64} tickFormatter={(v: number) => `${v} MiB`}
                    label={{ value: 'KV', angle: -90, position: 'insideLeft', fontSize: 11, fill: SERIES[4] }} />
                  <YAxis yAxisId="peak" orientation="right" tick={{ fontSize: 11 }} stroke={SERIES[5]} width={64}
                    tickFormatter={(v: number) => `${v} MiB`}
                    label={{ value: 'Peak', angle: 90, position: 'insideRight', fontSize: 11, fill: SERIES[5] }} />
                  <Tooltip formatter={(v) => `${v} MiB`} contentStyle={{ background: 'var(--surface)', color: 'var(--text)' }} />
                  <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={legendSorter(MEMORY_SERIES)} />
                  <Bar yAxisId="kv" dataKey="KV cache (MiB)" name="KV cache (MiB, left axis)" fill={SERIES[4]} isAnimationActive={false} />
                  <Bar yAxisId="peak" dataKey="Peak memory (MiB)" name="Peak memory (MiB, right axis)" fill={SERIES[5]} isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </figure>
          </div>
        )}
      {rows.length > 0 && (
        // In a clipped box, not a clipped table: a table ignores width and overflow, so the hidden
        // table itself would widen the page (it did, by 121 px at 1024 wide).
        <div className="sr-only" data-testid="chart-table">
          <table>
            <caption>Measured per recipe</caption>
            <thead><tr><th scope="col">Recipe</th><MetricHeaders /></tr></thead>
            <tbody>
              {rows.map((r) => <tr key={r.key}><th scope="row">{name(r)}</th><MetricCells metrics={r.metrics} /></tr>)}
            </tbody>
          </table>
        </div>
      )}
      <KvCurve />
      <RunHistory />
    </section>
  );
}

interface Series { key: string; label: string; choice: { presetId: string } | { recipe: Recipe } }

/** KV memory against context length, one line per recipe, from models.estimate at each length. */
function KvCurve() {
  const { bridge } = useStores();
  const model = useModels((s) => selectedModel(s.models));
  const presets = useRecipes((s) => s.presets);
  const custom = useRecipes((s) => s.custom);
  const customOn = useRecipes((s) => s.chosen.includes(CUSTOM_ID));
  const [points, setPoints] = useState<Record<string, number | string>[]>([]);
  const [error, setError] = useState<FriendlyError | null>(null);
  const series: Series[] = useMemo(() => [
    ...presets.map((p) => ({ key: p.id, label: p.label, choice: { presetId: p.id } })),
    ...(customOn ? [{ key: CUSTOM_ID, label: 'Custom', choice: { recipe: custom } }] : []),
  ], [presets, custom, customOn]);
  const maxContext = model?.available ? (model.nCtxTrain ?? 0) : 0;

  useEffect(() => {
    if (!model || maxContext <= 0 || series.length === 0) return;
    let stale = false;
    const steps = contextSteps(maxContext);
    Promise.all(steps.map(async (contextSize) => {
      const point: Record<string, number | string> = { context: contextSize };
      for (const s of series) {
        const e = await bridge.invoke('models.estimate', { id: model.id, contextSize, ...s.choice });
        point[s.label] = +(e.kvBytes / MIB).toFixed(3);
      }
      return point;
    })).then((p) => { if (!stale) { setPoints(p); setError(null); } },
      (e: unknown) => { if (!stale) setError(describeError(e)); });
    return () => { stale = true; };
  }, [bridge, model?.id, maxContext, series]);

  if (!model || maxContext <= 0) return null;
  const overlaps = coincidingSeries(series.map((s) => s.label), points);
  return (
    <figure className="chart wide" data-testid="kv-curve">
      <figcaption>KV memory against context length — {model.name}</figcaption>
      {overlaps.map((group) => (
        <p key={group[0]} className="muted small-text">
          {group.join(', ')} draw one line: they keep the same KV rows (FA decode or full-attention layers keep a layer’s whole cache).
        </p>
      ))}
      <ErrorNote error={error} context="KV estimate" />
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={points} margin={{ left: 8, right: 16 }} {...NO_TAB_STOP}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
          <XAxis dataKey="context" tick={{ fontSize: 11 }} stroke="var(--muted)" tickFormatter={(v: number) => formatCount(v)} />
          <YAxis tick={{ fontSize: 11 }} stroke="var(--muted)" width={72} tickFormatter={(v: number) => `${v} MiB`} />
          <Tooltip labelFormatter={(v) => `${formatCount(Number(v))} tokens`} formatter={(v) => `${v} MiB`}
            contentStyle={{ background: 'var(--surface)', color: 'var(--text)' }} />
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={legendSorter(series.map((s) => s.label))} />
          {series.map((s, i) => (
            <Line key={s.key} dataKey={s.label} stroke={SERIES[i % SERIES.length]} dot={false} isAnimationActive={false} strokeWidth={2} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
