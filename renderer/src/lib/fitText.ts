/** The fit advisor's answer in words (pure: shared by the catalog and the context control, tested). */
import type { DownloadStatus, FitAdvice } from '../contract';
import { formatBytes, formatCount } from './format';

export function fitText(f: FitAdvice): string {
  switch (f.verdict) {
    case 'fits':
      return `Fits: needs ${formatBytes(f.totalBytes ?? 0)} of ${formatBytes(f.freeBytes)} free · up to ${formatCount(f.maxContextNow)} tokens`;
    case 'tight':
      return `Tight: needs ${formatBytes(f.totalBytes ?? 0)}, ${formatBytes(f.freeBytes)} free now · up to ${formatCount(f.maxContextNow)} tokens now, ` +
        `${formatCount(f.maxContextMachine)} with other programs closed`;
    case 'too-large':
      return f.maxContextMachine > 0
        ? `Too large at ${formatCount(f.contextSize)} tokens: needs ${formatBytes(f.totalBytes ?? 0)} · fits up to ${formatCount(f.maxContextMachine)} tokens`
        : `Too large for this machine: needs ${formatBytes(f.totalBytes ?? 0)}, at most ${formatBytes(f.machineBudgetBytes)} can go to a model`;
    case 'unknown':
      return `KV cache ${formatBytes(f.kvBytes)} at ${formatCount(f.contextSize)} tokens; the file's size comes from the server`;
  }
}

function duration(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.max(1, Math.round(s))} s`;
}

/** "1.2 GiB of 2.3 GiB · 12 MiB/s · 1 min 30 s left" */
export function downloadText(d: DownloadStatus): string {
  const parts = [`${formatBytes(d.doneBytes)} of ${d.totalBytes !== null ? formatBytes(d.totalBytes) : '?'}`];
  if (d.state === 'checking') return 'Checking the file on the server…';
  if (d.state === 'verifying') return 'Verifying the sha256…';
  if (d.bytesPerSecond > 0) parts.push(`${formatBytes(d.bytesPerSecond)}/s`);
  if (d.etaSeconds !== null && d.bytesPerSecond > 0 && d.state === 'downloading') parts.push(`${duration(d.etaSeconds)} left`);
  return parts.join(' · ');
}
