/** The columns every table of runs shares: headers, and one run's cells ("…" while it has no metrics yet). */
import type { RunMetrics } from '../contract';
import { formatBytes, formatMs, formatRate } from '../lib/format';

export function MetricHeaders() {
  return (
    <>
      <th scope="col">First token</th><th scope="col">Prefill</th><th scope="col">Decode</th>
      <th scope="col">KV memory</th><th scope="col">Peak memory</th>
    </>
  );
}

export function MetricCells({ metrics, pending = '…' }: { metrics: RunMetrics | null | undefined; pending?: string }) {
  const m = metrics;
  return (
    <>
      <td>{m ? formatMs(m.timeToFirstTokenMs) : pending}</td>
      <td>{m ? formatRate(m.prefillTokPerS) : pending}</td>
      <td>{m ? formatRate(m.decodeTokPerS) : pending}</td>
      <td>{m ? formatBytes(m.kvBytes) : pending}</td>
      <td>{m ? formatBytes(m.peakRssBytes) : pending}</td>
    </>
  );
}
