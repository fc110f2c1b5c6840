/**
 * The answer area of the selected document: its focused run, or a comparison's runs side by side
 * with a table of their numbers. Another document's answers are not shown here.
 */
import { useShallow } from 'zustand/react/shallow';
import { useLibrary, useRuns, useRecipes } from '../bridge/stores';
import { RunCard } from './RunCard';
import { MetricCells, MetricHeaders } from './MetricCells';
import { comparisonRows } from '../lib/chartData';

export function Answers() {
  const documentId = useLibrary((s) => s.selectedId);
  const focus = useRuns((s) => (documentId ? s.focusByDocument[documentId] ?? null : null));
  if (!focus) {
    return <p className="muted empty">Ask a question to see the answer stream here, with what it cost.</p>;
  }
  if (focus.kind === 'single') return <RunCard runId={focus.runId} />;
  return (
    <section aria-label="Comparison" data-testid="compare">
      <div className="compare-grid" style={{ gridTemplateColumns: `repeat(${Math.min(focus.runIds.length, 3)}, minmax(0, 1fr))` }}>
        {focus.runIds.map((id) => <RunCard key={id} runId={id} />)}
      </div>
      <CompareTable runIds={focus.runIds} />
    </section>
  );
}

/** Reads the same derived rows as the charts (lib/chartData.ts comparisonRows), so the two agree. */
function CompareTable({ runIds }: { runIds: string[] }) {
  const runs = useRuns(useShallow((s) => Object.fromEntries(runIds.map((id) => [id, s.runs[id]]))));
  const presets = useRecipes((s) => s.presets);
  const rows = comparisonRows(runIds, runs, presets);
  return (
    <table className="compare-table" data-testid="compare-table">
      <caption>Side by side</caption>
      <thead>
        <tr><th scope="col">Recipe</th><MetricHeaders /></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}{r.stopTag && <> <span className="chip stop" data-testid="stop-chip" title={r.stop ?? undefined}>{r.stopTag}</span></>}</th>
            <MetricCells metrics={r.metrics} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
