/** Pure text formatting for the terminal: progress bar with rate and ETA, metrics tables. */
import type { ContextOverflow, PresetRecipe, RunRecord, RunMetrics } from '../shared/contract.js';
import { neededContext } from '../host/engine/context-fit.js';
import { cacheLabel, runAddedBytes, stopNote } from '../shared/run-facts.js';

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "document [#######.............]  35%  1,234/3,500 tok  812 tok/s  ETA 2.8 s" */
export function progressLine(p: { phase: string; done: number; total: number; elapsedMs: number }, width = 24): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const pct = `${String(Math.floor(frac * 100)).padStart(3)}%`;
  if (p.phase === 'load') return `loading  ${bar} ${pct}`;
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const eta = rate > 0 ? formatMs(((p.total - p.done) / rate) * 1000) : '?';
  return `${p.phase.padEnd(8)} ${bar} ${pct}  ${p.done.toLocaleString('en')}/${p.total.toLocaleString('en')} tok  ` +
    `${Math.round(rate).toLocaleString('en')} tok/s  ETA ${eta}`;
}

type Row = [label: string, value: (m: RunMetrics) => string];
const ROWS: Row[] = [
  ['document tokens', (m) => m.documentTokens.toLocaleString('en')],
  ['question tokens', (m) => m.questionTokens.toLocaleString('en')],
  // Cached runs measure only the question: a comparison must say which runs read the whole document.
  ['document', (m) => cacheLabel(m)],
  ['prefill tokens', (m) => m.prefillTokens.toLocaleString('en')],
  ['prefill', (m) => formatMs(m.prefillMs)],
  ['prefill speed', (m) => `${Math.round(m.prefillTokPerS).toLocaleString('en')} tok/s`],
  ['time to first token', (m) => formatMs(m.timeToFirstTokenMs)],
  ['decode tokens', (m) => String(m.decodeTokens)],
  ['decode speed', (m) => `${m.decodeTokPerS.toFixed(1)} tok/s`],
  ['total', (m) => formatMs(m.totalMs)],
  ['load / restore', (m) => formatMs(m.loadMs)],
  ['KV cache', (m) => formatBytes(m.kvBytes)],
  ['compute buffers', (m) => formatBytes(m.computeBytes)],
  ['device memory', (m) => formatBytes(m.deviceBytes)],
  ['peak memory (run)', (m) => peakText(m)],
  ['attention rows (doc)', (m) => m.attnRowsDocument.toLocaleString('en')],
  ['context', (m) => `${m.contextSize.toLocaleString('en')} tok`],
  ['backend / threads', (m) => `${m.backend} / ${m.threads}`],
];

/** "312.0 MiB (+48.0 MiB)": the engine process's peak during the run, and what the run added to it. */
export function peakText(m: RunMetrics): string {
  const added = runAddedBytes(m);
  return added === null ? `${formatBytes(m.peakRssBytes)} (process)` : `${formatBytes(m.peakRssBytes)} (+${formatBytes(added)})`;
}

/** The run's status, with why the answer stopped early when it did. */
export function statusText(r: Pick<RunRecord, 'status' | 'stopReason' | 'maxTokens'>): string {
  const note = stopNote(r);
  return note ? `${r.status}, ${note.replace(/^stopped /, '')}` : r.status;
}

/** A line for under a streamed answer that was cut short, with what to change; null otherwise. */
export function stopLine(r: Pick<RunRecord, 'stopReason' | 'maxTokens'>): string | null {
  const note = stopNote(r);
  if (!note) return null;
  return r.stopReason === 'maxTokens' ? `[${note}: the answer may be cut short; raise --max-tokens]`
    : `[${note}: raise --context]`;
}

export function recipeText(r: PresetRecipe): string {
  if (r.window === null) return 'full attention';
  const fa = r.faLayers.kind === 'none' ? 'no FA layers' : r.faLayers.kind === 'everyN' ? `FA every ${r.faLayers.n}+${r.faLayers.offset}`
    : r.faLayers.kind === 'auto' ? `FA 1/${r.faLayers.fraction} layers (family parity)`
    : r.faLayers.kind === 'list' ? `FA layers ${r.faLayers.layers.join(',')}` : `FA ${r.faLayers.kind} layers`;
  return `W=${r.window} k=${r.sinks}, ${fa}${r.faDecode ? ', FA decode' : ''}${r.questionFa ? ', FA question' : ''}`;
}

/** Metrics of several runs side by side (one column per run). */
/** The metrics each row shows: a row is "unknown" when the engine (a remote server) reported none of them. */
const ROW_FIELDS: Record<string, readonly (keyof RunMetrics)[]> = {
  'document tokens': ['documentTokens'], 'question tokens': ['questionTokens'], 'prefill tokens': ['prefillTokens'],
  prefill: ['prefillMs'], 'prefill speed': ['prefillTokPerS'], 'time to first token': ['timeToFirstTokenMs'],
  'decode tokens': ['decodeTokens'], 'decode speed': ['decodeTokPerS'], 'KV cache': ['kvBytes'], 'compute buffers': ['computeBytes'],
  'device memory': ['deviceBytes'], 'peak memory (run)': ['peakRssBytes'], 'attention rows (doc)': ['attnRowsDocument'], context: ['contextSize'],
};

function cell(m: RunMetrics, label: string, f: (m: RunMetrics) => string): string {
  const fields = ROW_FIELDS[label];
  return fields && m.unknown && fields.every((k) => m.unknown!.includes(k)) ? 'unknown' : f(m);
}

export function metricsTable(runs: RunRecord[]): string {
  const header = ['', ...runs.map((r) => r.presetId ?? 'custom')];
  const body: string[][] = [
    ['recipe', ...runs.map((r) => recipeText(r.recipe))],
    ['status', ...runs.map((r) => statusText(r))],
    ...ROWS.map(([label, f]) => [label, ...runs.map((r) => (r.metrics ? cell(r.metrics, label, f) : '-'))]),
  ];
  const rows = [header, ...body];
  const widths = header.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** What the terminal says about a document's tokens against the context, before a question runs. */
export function contextReport(o: { tokens: number; answerRoom: number; contextSize: number; trainedContext: number | null }):
  { lines: string[]; fits: boolean } {
  const n = (x: number) => x.toLocaleString('en');
  const fits = o.tokens + o.answerRoom <= o.contextSize;
  const lines = [`tokens:   ${n(o.tokens)} document tokens, context ${n(o.contextSize)}${fits ? '' : ' — does not fit'}`];
  if (!fits) {
    const needed = neededContext(o.tokens, o.answerRoom);
    lines.push(o.trainedContext !== null && needed > o.trainedContext
      ? `error:    the document is longer than the model's trained context (${n(o.trainedContext)} tokens): use a shorter document or a model with a longer context`
      : `error:    the document needs a context of at least ${n(needed)} tokens: rerun with --context ${needed}`);
  }
  if (o.trainedContext !== null && o.contextSize > o.trainedContext) {
    lines.push(`warning:  the context (${n(o.contextSize)}) is past the model's trained context (${n(o.trainedContext)}): answers may degrade`);
  }
  return { lines, fits };
}

/** The CLI's advice for a context overflow the host reported with its numbers. */
export function overflowAdvice(o: ContextOverflow): string {
  if (o.trainedContext !== null && o.neededContext > o.trainedContext) {
    return `the prompt needs ${o.neededContext.toLocaleString('en')} tokens, past the model's trained context (${o.trainedContext.toLocaleString('en')}): use a shorter document or a model with a longer context`;
  }
  return `rerun with --context ${o.neededContext}`;
}

/** Runs worth a metrics column: a failed or cancelled-before-reading run has no numbers to show. */
export function measuredRuns(runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((r) => r.metrics !== null);
}
