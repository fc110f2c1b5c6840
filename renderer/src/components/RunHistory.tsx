/** Every stored run on the current document with its numbers, newest first; a question re-opens its run. */
import { useRecipes, useRuns, useStores } from '../bridge/stores';
import { MetricCells, MetricHeaders } from './MetricCells';
import { stopTag } from '../../../electron/shared/run-facts';

export function RunHistory() {
  const { runs } = useStores();
  const history = useRuns((s) => s.history);
  const presets = useRecipes((s) => s.presets);
  if (history.length === 0) return null;
  const label = (id: string | null) => presets.find((p) => p.id === id)?.label ?? id ?? 'Custom';
  return (
    <details className="run-history">
      <summary>All runs on this document ({history.length})</summary>
      <table className="compare-table" data-testid="run-history">
        <thead>
          <tr><th scope="col">Recipe</th><th scope="col">Question</th><th scope="col">Status</th><MetricHeaders /></tr>
        </thead>
        <tbody>
          {history.map((r) => (
            <tr key={r.id}>
              <th scope="row">{label(r.presetId)}</th>
              <td className="question-cell" title={r.question}>
                <button type="button" className="link" onClick={() => runs.getState().openRun(r)}
                  aria-label={`Open the answer to “${r.question}” (${label(r.presetId)})`}>{r.question}</button>
              </td>
              <td>{r.status}{stopTag(r.stopReason) ? ` · ${stopTag(r.stopReason)}` : ''}</td>
              <MetricCells metrics={r.metrics} pending="—" />
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
