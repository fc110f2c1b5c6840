/**
 * A hand-written SVG chart: prefill tok/s against context length (both log scale), one panel per
 * model, one line per configuration, min–max whiskers where there were repeats.
 */
import type { BenchResults, Row } from './summary.js';

const COLORS: Record<string, string> = {
  'llama.cpp': '#222222', full: '#1f77b4', quality: '#2ca02c', balanced: '#9467bd',
  fast: '#ff7f0e', fastest: '#d62728', naive: '#8c564b',
};
const PANEL_W = 460;
const PANEL_H = 320;
const M = { left: 64, right: 16, top: 36, bottom: 48 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks;
}

function panel(rows: Row[], title: string, ox: number): string {
  const ok = rows.filter((r) => !r.error && r.prefillTokPerS.n > 0);
  const parts: string[] = [];
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  parts.push(`<g transform="translate(${ox},0)">`);
  parts.push(`<text x="${PANEL_W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  if (ok.length === 0) return `${parts.join('')}<text x="${PANEL_W / 2}" y="${PANEL_H / 2}" text-anchor="middle">no data</text></g>`;
  const ctxs = [...new Set(ok.map((r) => r.context))].sort((a, b) => a - b);
  const xLo = ctxs[0] / 1.25;
  const xHi = ctxs[ctxs.length - 1] * 1.25;
  const ys = ok.flatMap((r) => [r.prefillTokPerS.min, r.prefillTokPerS.max]);
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const X = (v: number) => M.left + (Math.log(v / xLo) / Math.log(xHi / xLo)) * w;
  const Y = (v: number) => M.top + h - (Math.log(v / yLo) / Math.log(yHi / yLo)) * h;
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const t of logTicks(yLo, yHi)) {
    parts.push(`<line x1="${M.left}" x2="${M.left + w}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${t >= 1000 ? `${t / 1000}k` : t}</text>`);
  }
  for (const c of ctxs) {
    parts.push(`<line x1="${X(c).toFixed(1)}" x2="${X(c).toFixed(1)}" y1="${M.top}" y2="${M.top + h}" stroke="#eee"/>`);
    parts.push(`<text x="${X(c).toFixed(1)}" y="${M.top + h + 16}" text-anchor="middle" font-size="11">${c / 1024}k</text>`);
  }
  parts.push(`<text x="${M.left + w / 2}" y="${PANEL_H - 10}" text-anchor="middle" font-size="12">context length (tokens, log scale)</text>`);
  parts.push(`<text transform="translate(16,${M.top + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">prefill tok/s (log scale)</text>`);
  const configs = [...new Set(ok.map((r) => r.config))];
  configs.forEach((cfg, i) => {
    const color = COLORS[cfg] ?? `hsl(${(i * 67) % 360},60%,40%)`;
    const pts = ok.filter((r) => r.config === cfg).sort((a, b) => a.context - b.context);
    const d = pts.map((r, j) => `${j ? 'L' : 'M'}${X(r.context).toFixed(1)},${Y(r.prefillTokPerS.median).toFixed(1)}`).join(' ');
    const dash = cfg === 'llama.cpp' ? ' stroke-dasharray="5,3"' : '';
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    for (const r of pts) {
      const cx = X(r.context).toFixed(1);
      parts.push(`<line x1="${cx}" x2="${cx}" y1="${Y(r.prefillTokPerS.min).toFixed(1)}" y2="${Y(r.prefillTokPerS.max).toFixed(1)}" stroke="${color}"/>`);
      parts.push(`<circle cx="${cx}" cy="${Y(r.prefillTokPerS.median).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${cfg} ${r.context / 1024}k: ${r.prefillTokPerS.median.toFixed(0)} tok/s`)}</title></circle>`);
    }
    const ly = M.top + 8 + i * 15;
    parts.push(`<line x1="${M.left + w - 92}" x2="${M.left + w - 72}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${M.left + w - 68}" y="${ly + 4}" font-size="11">${esc(cfg)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

export function renderChart(res: BenchResults): string {
  const models = res.models.map((m) => m.id);
  const width = PANEL_W * Math.max(1, models.length);
  const height = PANEL_H + 24;
  const body = models.map((id, i) => panel(res.rows.filter((r) => r.model === id), `${id}: prefill tok/s`, i * PANEL_W)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${body}
<text x="8" y="${height - 6}" font-size="10" fill="#666">${esc(`${res.machine.description}; ${String((res.settings as Record<string, unknown>).threads)} threads; ${res.date.slice(0, 10)}; load average ${res.load.start[0].toFixed(1)} at start, ${res.load.end[0].toFixed(1)} at end; whiskers = min–max over repeats`)}</text>
</svg>
`;
}
