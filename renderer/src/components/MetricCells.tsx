/** The columns every table of runs shares: headers, and one run's cells ("…" while it has no metrics yet). */
import type { RunMetrics } from '../contract';
import { formatBytes, formatMs, formatRate } from '../lib/format';
import { cacheLabel, runAddedBytes } from '../../../electron/shared/run-facts';

/** What "Peak memory" means (electron/shared/contract.ts RunMetrics.peakRssBytes). */
export const PEAK_MEMORY_MEANING = 'Peak resident memory of the engine process during this run, model load included '
  + '(not the process’s all-time high). It counts the weights and any context the engine keeps for re-asking; '
  + '“+” is what the run itself added.';

export function MetricHeaders() {
  return (
    <>
      <th scope="col" title="Cold: the whole document was read in this run. Cached: only the question was read.">Document</th>
      <th scope="col">First token</th><th scope="col">Prefill</th><th scope="col">Decode</th>
      <th scope="col">KV memory</th><th scope="col" title={PEAK_MEMORY_MEANING}>Peak memory</th>
    </>
  );
}

/** "150 MiB (+30.0 MiB)"; runs stored before the peak was run-scoped show the bare number. */
export function peakText(m: RunMetrics): string {
  const added = runAddedBytes(m);
  return added === null ? formatBytes(m.peakRssBytes) : `${formatBytes(m.peakRssBytes)} (+${formatBytes(added)})`;
}

export function MetricCells({ metrics, pending = '…' }: { metrics: RunMetrics | null | undefined; pending?: string }) {
  const m = metrics;
  return (
    <>
      <td data-testid="cache-cell">{m ? cacheLabel(m) : pending}</td>
      <td>{m ? formatMs(m.timeToFirstTokenMs) : pending}</td>
      <td>{m ? formatRate(m.prefillTokPerS) : pending}</td>
      <td>{m ? formatRate(m.decodeTokPerS) : pending}</td>
      <td>{m ? formatBytes(m.kvBytes) : pending}</td>
      <td>{m ? peakText(m) : pending}</td>
    </>
  );
}
