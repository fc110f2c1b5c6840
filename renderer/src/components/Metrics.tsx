/** The numbers of one finished run. */
import type { RunMetrics } from '../contract';
import { formatBytes, formatCount, formatMs, formatRate } from '../lib/format';
import { peakText, PEAK_MEMORY_MEANING } from './MetricCells';

export function MetricsGrid({ metrics }: { metrics: RunMetrics }) {
  const rows: [string, string][] = [
    ['Time to first token', formatMs(metrics.timeToFirstTokenMs)],
    ['Prefill', `${formatCount(metrics.prefillTokens)} tokens · ${formatMs(metrics.prefillMs)} · ${formatRate(metrics.prefillTokPerS)}`],
    ['Decode', `${formatCount(metrics.decodeTokens)} tokens · ${formatMs(metrics.decodeMs)} · ${formatRate(metrics.decodeTokPerS)}`],
    ['KV memory', formatBytes(metrics.kvBytes)],
    ['Peak memory', peakText(metrics)],
    ...(metrics.deviceBytes > 0 ? [['Device memory', formatBytes(metrics.deviceBytes)] as [string, string]] : []),
    ['Engine', `${metrics.backend} · ${metrics.threads} threads · context ${formatCount(metrics.contextSize)}`],
  ];
  if (metrics.loadMs > 0) rows.splice(1, 0, [metrics.restoredFromDisk ? 'Cache restored' : 'Load', formatMs(metrics.loadMs)]);
  return (
    <dl className="metrics" data-testid="metrics">
      {rows.map(([k, v]) => (
        <div key={k}><dt title={k === 'Peak memory' ? PEAK_MEMORY_MEANING : undefined}>{k}</dt><dd>{v}</dd></div>
      ))}
    </dl>
  );
}
