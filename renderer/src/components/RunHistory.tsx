/** Every stored run on the current document with its numbers, newest first. */
import { useRecipes, useRuns } from '../bridge/stores';
import { formatBytes, formatMs, formatRate } from '../lib/format';

export function RunHistory() {
  const history = useRuns((s) => s.history);
  const presets = useRecipes((s) => s.presets);
  if (history.length === 0) return null;
  const label = (id: string | null) => presets.find((p) => p.id === id)?.label ?? id ?? 'Custom';
  return (
    <details className="run-history">
      <summary>All runs on this document ({history.length})</summary>
      <table className="compare-table" data-testid="run-history">
        <thead>
          <tr><th scope="col">Recipe</th><th scope="col">Question</th><th scope="col">Status</th><th scope="col">First token</th>
            <th scope="col">Prefill</th><th scope="col">Decode</th><th scope="col">KV</th><th scope="col">Peak</th></tr>
        </thead>
        <tbody>
          {history.map((r) => {
            const m = r.metrics;
            return (
              <tr key={r.id}>
                <th scope="row">{label(r.presetId)}{m?.documentCached ? ' · cached' : ''}</th>
                <td className="question-cell" title={r.question}>{r.question}</td>
                <td>{r.status}</td>
                <td>{m ? formatMs(m.timeToFirstTokenMs) : '—'}</td>
                <td>{m ? formatRate(m.prefillTokPerS) : '—'}</td>
                <td>{m ? formatRate(m.decodeTokPerS) : '—'}</td>
                <td>{m ? formatBytes(m.kvBytes) : '—'}</td>
                <td>{m ? formatBytes(m.peakRssBytes) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
