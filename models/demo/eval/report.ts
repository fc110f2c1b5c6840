/**
 * Aggregation and output of `npm run eval`: EVAL.md (tables + shape checks), eval-results.json
 * (every per-question record) and eval-chart.svg (hand-written SVG, no dependencies).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelInfo, Recipe } from '../../../native/addon/index.js';

export interface EvalRecord {
  recipe: string;
  length: number;
  doc: number;
  q: number;
  question: string;
  expected: string;
  answer: string;
  parsedValue: string | null;
  valueMatch: boolean;
  exact: boolean;
  stopReason: string;
  documentTokens: number;
  questionTokens: number;
  factStartToken: number;
  factEndToken: number;
  /** i - j from the first question token back to the fact's last token (visible in SWA iff <= window). */
  factDistance: number;
  window: number | null;
  /** factDistance > window (null under full attention). */
  beyondWindow: boolean | null;
  documentCached: boolean;
  prefillTokens: number;
  prefillMs: number;
  decodeTokens: number;
  decodeMs: number;
  kvBytes: number;
  contextSize: number;
}

export interface EvalResults {
  meta: {
    date: string;
    command: string;
    model: string;
    modelMtime: string;
    modelHash: string;
    modelInfo: ModelInfo;
    runtime: string;
    /** 'eval' (held out, default) or 'train' (training pools). */
    split?: string;
    lengths: number[];
    documentsPerLength: number;
    documentsRequested?: number;
    maxMinutes?: number;
    questionsPerDocument: number;
    seed: number;
    maxTokens: number;
    threads: number;
    contextSizes: Record<string, number>;
    kvEstimate: Record<string, Record<number, number>>;
    machine: string;
    seconds: { total: number; generate: number };
  };
  recipes: { id: string; label: string; kind: string; recipe: Recipe; note: string; description: string }[];
  records: EvalRecord[];
  /** Full attention alone on a second held-out draw of the same size (run.ts --confirm-seed). */
  confirm?: { seed: number; records: EvalRecord[] };
}

const here = dirname(fileURLToPath(import.meta.url));

export const median = (xs: number[]): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface Acc { ok: number; n: number }
const acc = (rs: EvalRecord[]): Acc => ({ ok: rs.filter((r) => r.valueMatch).length, n: rs.length });
const pct = (a: Acc) => (a.n ? (100 * a.ok) / a.n : NaN);
const fmtAcc = (a: Acc) => (a.n ? `${pct(a).toFixed(0)}% (${a.ok}/${a.n})` : '–');
const fmtPct = (a: Acc) => (a.n ? `${pct(a).toFixed(0)}%` : '–');
const fmtBytes = (b: number) => (Number.isFinite(b) ? b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(2)} MiB` : `${(b / 1024).toFixed(0)} KiB` : '–');

/** The window used to split full-attention records into near/far (the most common preset window). */
export function referenceWindow(res: EvalResults): number {
  const ws = res.recipes.map((r) => r.recipe.window).filter((w): w is number => w !== null);
  if (!ws.length) return 256;
  const counts = new Map<number, number>();
  for (const w of ws) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

export const DISTANCE_BUCKETS: [number, number][] = [[0, 256], [257, 512], [513, 1024], [1025, 2048], [2049, Infinity]];
const bucketLabel = ([a, b]: [number, number]) => (b === Infinity ? `> ${a - 1}` : a === 0 ? `≤ ${b}` : `${a}–${b}`);

export interface Summary {
  byLength: Record<string, Record<number, Acc>>;
  overall: Record<string, Acc>;
  exactOverall: Record<string, Acc>;
  near: Record<string, Acc>;
  far: Record<string, Acc>;
  farByLength: Record<string, Record<number, Acc>>;
  nearByLength: Record<string, Record<number, Acc>>;
  byDistance: Record<string, Acc[]>;
  /** Answers identical (text) to full attention's answer on the same question, all / fact beyond W. */
  agreeFull: Record<string, Acc>;
  agreeFullFar: Record<string, Acc>;
  prefillDocMs: Record<string, Record<number, number>>;
  prefillQuestionMs: Record<string, Record<number, number>>;
  kvBytes: Record<string, Record<number, number>>;
  refWindow: number;
  /** Full attention on the second held-out draw, if one was run. */
  confirmFull?: { seed: number; overall: Acc; byLength: Record<number, Acc> };
}

export function summarize(res: EvalResults): Summary {
  const ids = res.recipes.map((r) => r.id);
  const refW = referenceWindow(res);
  const s: Summary = {
    byLength: {}, overall: {}, exactOverall: {}, near: {}, far: {}, farByLength: {}, nearByLength: {}, byDistance: {}, agreeFull: {}, agreeFullFar: {},
    prefillDocMs: {}, prefillQuestionMs: {}, kvBytes: {}, refWindow: refW,
  };
  const key = (r: EvalRecord) => `${r.length}/${r.doc}/${r.q}`;
  const fullAnswer = new Map(res.records.filter((r) => r.recipe === 'full').map((r) => [key(r), r.answer]));
  for (const id of ids) {
    const rs = res.records.filter((r) => r.recipe === id);
    const W = res.recipes.find((r) => r.id === id)!.recipe.window ?? refW;
    const agree = (xs: EvalRecord[]) => {
      const ys = xs.filter((r) => fullAnswer.has(key(r)));
      return { ok: ys.filter((r) => fullAnswer.get(key(r)) === r.answer).length, n: ys.length };
    };
    s.agreeFull[id] = agree(rs);
    s.agreeFullFar[id] = agree(rs.filter((r) => r.factDistance > W));
    s.overall[id] = acc(rs);
    s.exactOverall[id] = { ok: rs.filter((r) => r.exact).length, n: rs.length };
    s.near[id] = acc(rs.filter((r) => r.factDistance <= W));
    s.far[id] = acc(rs.filter((r) => r.factDistance > W));
    s.byDistance[id] = DISTANCE_BUCKETS.map(([a, b]) => acc(rs.filter((r) => r.factDistance >= a && r.factDistance <= b)));
    s.byLength[id] = {};
    s.farByLength[id] = {};
    s.nearByLength[id] = {};
    s.prefillDocMs[id] = {};
    s.prefillQuestionMs[id] = {};
    s.kvBytes[id] = {};
    for (const L of res.meta.lengths) {
      const rl = rs.filter((r) => r.length === L);
      s.byLength[id][L] = acc(rl);
      s.farByLength[id][L] = acc(rl.filter((r) => r.factDistance > W));
      s.nearByLength[id][L] = acc(rl.filter((r) => r.factDistance <= W));
      s.prefillDocMs[id][L] = median(rl.filter((r) => !r.documentCached).map((r) => r.prefillMs));
      s.prefillQuestionMs[id][L] = median(rl.filter((r) => r.documentCached).map((r) => r.prefillMs));
      s.kvBytes[id][L] = median(rl.map((r) => r.kvBytes));
    }
  }
  if (res.confirm?.records.length) {
    const cr = res.confirm.records;
    s.confirmFull = { seed: res.confirm.seed, overall: acc(cr), byLength: Object.fromEntries(res.meta.lengths.map((L) => [L, acc(cr.filter((r) => r.length === L))])) };
  }
  return s;
}

interface Check { ok: boolean | null; text: string }

/** The shape SWAA predicts, tested on the numbers (null = not measurable in this run). */
export function shapeChecks(res: EvalResults, s: Summary): Check[] {
  const has = (id: string) => id in s.overall;
  const out: Check[] = [];
  if (has('full')) {
    const p = pct(s.overall.full);
    const byLen = (b: Record<number, Acc>) => res.meta.lengths.map((L) => `${L}: ${fmtPct(b[L])}`).join(', ');
    const c = s.confirmFull;
    out.push(c
      ? { ok: p >= 90 && pct(c.overall) >= 90, text: `Full attention is ≥ 90% accurate on both held-out draws: ${p.toFixed(1)}% on seed ${res.meta.seed} (${byLen(s.byLength.full)}) and ${pct(c.overall).toFixed(1)}% on seed ${c.seed} (${byLen(c.byLength)}); ${fmtAcc({ ok: s.overall.full.ok + c.overall.ok, n: s.overall.full.n + c.overall.n })} together.` }
      : { ok: p >= 90, text: `Full attention is ≥ 90% accurate: ${p.toFixed(1)}% overall (${byLen(s.byLength.full)}); one held-out draw only (no --confirm-seed run).` });
  }
  if (has('naive') && has('full')) {
    const nf = s.far.naive;
    const ff = s.far.full;
    // only meaningful when full attention answers the far questions
    const ok = nf.n && ff.n && pct(ff) >= 50 ? pct(nf) <= 0.5 * pct(ff) : null;
    out.push({ ok, text: `Naive SWA collapses when the fact lies beyond the window: ${fmtAcc(nf)} on facts more than W=${res.recipes.find((r) => r.id === 'naive')!.recipe.window} tokens before the question, vs full attention ${fmtAcc(ff)} on the same questions (collapse = at most half of full attention's accuracy); within the window naive SWA gets ${fmtAcc(s.near.naive)}.` });
  }
  const rec = ['quality', 'balanced'].filter(has);
  if (rec.length && has('full') && has('naive')) {
    const f = pct(s.overall.full);
    const nv = pct(s.overall.naive);
    const parts = rec.map((id) => {
      const p = pct(s.overall[id]);
      const frac = f - nv > 0 ? (p - nv) / (f - nv) : NaN;
      return { id, p, frac };
    });
    const ok = parts.every((x) => Number.isFinite(x.frac) && x.frac >= 0.5) && f - nv > 5;
    out.push({ ok: f - nv > 5 ? ok : null, text: `FA decode with sinks and interleaved FA layers recovers most of the gap between naive SWA (${nv.toFixed(1)}%) and full attention (${f.toFixed(1)}%): ${parts.map((x) => `${x.id} ${x.p.toFixed(1)}% (${Number.isFinite(x.frac) ? (100 * x.frac).toFixed(0) : '–'}% of the gap)`).join(', ')}${has('fastest') ? `; without FA layers (fastest) ${pct(s.overall.fastest).toFixed(1)}%` : ''}.` });
  }
  if (has('question-fa') && has('full')) {
    const q = pct(s.overall['question-fa']);
    const f = pct(s.overall.full);
    out.push({ ok: f >= 50 ? q >= f - 10 : null, text: `Question FA comes close to full attention (within 10 points): ${q.toFixed(1)}% vs ${f.toFixed(1)}%${has('fastest') ? ` (fastest without it: ${pct(s.overall.fastest).toFixed(1)}%)` : ''}.` });
  }
  return out;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderMarkdown(res: EvalResults, s: Summary): string {
  const m = res.meta;
  const ids = res.recipes.map((r) => r.id);
  const lab = (id: string) => { const r = res.recipes.find((x) => x.id === id)!; return `${r.label} (\`${id}\`)`; };
  const L = m.lengths;
  const nq = (id: string) => s.overall[id]?.n ?? 0;
  const lines: string[] = [];
  lines.push(m.split === 'train' ? '# Demo model evaluation on the SWAA runtime (training-pool documents, not held out)' : '# Demo model evaluation on the SWAA runtime');
  lines.push('');
  lines.push(`Generated by \`${m.command}\` (models/demo/eval/run.ts) on ${m.date}. Raw per-question records: ` +
    '[eval-results.json](eval-results.json); chart: [eval-chart.svg](eval-chart.svg).');
  lines.push('');
  lines.push(`- **Model**: \`${m.model}\` — ${m.modelInfo.name}, ${m.modelInfo.architecture}, ${m.modelInfo.nLayer} layers, d=${m.modelInfo.nEmbd}, ` +
    `${(m.modelInfo.nParams / 1e6).toFixed(1)}M parameters, ${m.modelInfo.weightType}; file mtime ${m.modelMtime}, hash \`${m.modelHash.slice(0, 16)}\`.`);
  lines.push(`- **Path**: the app's own — every question goes through the engine host in-process (electron/host/headless.ts): ` +
    'the held-out document is uploaded and ingested, presets are resolved by the host, and the prompt, context pool, document cache and answer ' +
    `are the host's (\`runs.ask\`), as in the app. Runtime ${m.runtime}, CPU, ${m.threads} threads; ${m.machine}.`);
  lines.push((m.split === 'train'
    ? '- **Data**: ⚠ NOT held out — fresh documents from the *training* pools of models/demo/data.py (split \'train\': names, places and phrasings the model was trained on; the documents themselves are new), '
    : '- **Data**: held-out split of models/demo/data.py (\'eval\': names, places, projects, fact phrasings and filler never seen in training), ') +
    `seed ${m.seed}, document lengths ${L.join(', ')} tokens (demo tokenizer), ${m.documentsPerLength} documents per length × ${m.questionsPerDocument} question(s) per document ` +
    `= ${m.documentsPerLength * m.questionsPerDocument} questions per cell, ${res.records.length / Math.max(1, res.recipes.length)} per recipe.` +
    ` Question 1 of document i is exactly example i of \`python models/demo/eval_pt.py --seed ${m.seed}${m.split === 'train' ? ' --split train' : ''}\` at the same length (same generator calls), so full attention here can be set against the PyTorch numbers.` +
    (m.documentsRequested && m.documentsRequested > m.documentsPerLength ? ` (${m.documentsRequested} documents per length were asked for; the ${m.maxMinutes}-minute budget stopped the run early.)` : ''));
  lines.push('- **Prompt**: the app\'s one builder (native/addon/prompt.ts) over the model\'s chat template, which for the demo model renders exactly the trained layout ' +
    '`Document:\\n{document}\\n\\nQuestion: {question}\\nAnswer:` (no BOS), tokenized whole and cut where "Question:" starts ' +
    '(native/tests/ts/prompt.test.ts checks the tokens against the training tokenizer\'s): ' +
    'the document is prefilled in the document phase (windowed under SWA recipes), the question in the question phase (per recipe), then greedy decoding ' +
    `(max ${m.maxTokens} tokens). Further questions on the same document reuse the cached document (rewind), as the app does.`);
  lines.push('- **Score**: exact match of the value parsed from the answer sentence "The {attribute} of {name} is {value}." (case and whitespace ignored, nothing else; ' +
    'models/demo/eval/score.ts, tested in score.test.ts). "Sentence" = the whole sentence matches too.');
  lines.push(`- **Fact distance**: i − j from the first question token i back to the last token j of the asked fact's sentence. "Beyond the window" = distance > W: in an SWA layer no question token sees any token of the fact directly (sinks aside; multi-layer relay can still carry it ~W per layer).`);
  lines.push(`- **Time**: ${(m.seconds.total / 60).toFixed(1)} min in all.`);
  lines.push('');
  lines.push('## Recipes');
  lines.push('');
  lines.push(table(['recipe', 'kind', 'demo recipe (resolved for this model)'],
    res.recipes.map((r) => [lab(r.id), r.kind, r.description])));
  lines.push('');
  lines.push('## Accuracy (value exact match) by document length');
  lines.push('');
  lines.push(table(['recipe', ...L.map((x) => `${x} tok`), 'all', 'sentence'],
    ids.map((id) => [lab(id), ...L.map((x) => fmtAcc(s.byLength[id][x])), `**${fmtPct(s.overall[id])}**`, fmtPct(s.exactOverall[id])])));
  lines.push('');
  if (s.confirmFull) {
    const c = s.confirmFull;
    lines.push(`Full attention on a second held-out draw (seed ${c.seed}: new documents and questions from the same held-out pools, same lengths and size), run so that a model chosen on the draw above cannot look better than it is: ` +
      `${L.map((x) => `${x} tok ${fmtAcc(c.byLength[x])}`).join(', ')}; **${fmtPct(c.overall)}** in all.`);
    lines.push('');
  }
  lines.push('## Fact beyond the window');
  lines.push('');
  lines.push(`Accuracy split by whether the asked fact lies more than W tokens before the question (W = the recipe's window; full attention is split at W=${s.refWindow}, the presets' common window, to show its accuracy on the same far questions).`);
  lines.push('');
  lines.push(table(['recipe', 'W', 'fact within W', 'fact beyond W'],
    ids.map((id) => { const w = res.recipes.find((r) => r.id === id)!.recipe.window; return [lab(id), w === null ? `(${s.refWindow})` : String(w), fmtAcc(s.near[id]), fmtAcc(s.far[id])]; })));
  lines.push('');
  lines.push('By document length, within W / beyond W:');
  lines.push('');
  lines.push(table(['recipe', ...L.map((x) => `${x} tok`)], ids.map((id) => [lab(id), ...L.map((x) =>
    `${fmtPct(s.nearByLength[id][x])} (${s.nearByLength[id][x].n}) / ${fmtPct(s.farByLength[id][x])} (${s.farByLength[id][x].n})`)])));
  lines.push('');
  lines.push('By fact distance in tokens (all lengths pooled):');
  lines.push('');
  lines.push(table(['recipe', ...DISTANCE_BUCKETS.map(bucketLabel)], ids.map((id) => [lab(id), ...s.byDistance[id].map(fmtAcc)])));
  lines.push('');
  if (s.agreeFull.full?.n) {
    lines.push('## Agreement with full attention');
    lines.push('');
    lines.push('Share of answers whose text is identical to full attention\'s answer to the same question — how far each recipe moves the model away from what it computes with full attention, right or wrong (useful when accuracy itself is low).');
    lines.push('');
    lines.push(table(['recipe', 'all questions', 'fact beyond W'], ids.filter((id) => id !== 'full').map((id) => [lab(id), fmtAcc(s.agreeFull[id]), fmtAcc(s.agreeFullFar[id])])));
    lines.push('');
  }
  lines.push('## Prefill time (median ms, document + question, first question on a document)');
  lines.push('');
  lines.push(table(['recipe', ...L.map((x) => `${x} tok`)], ids.map((id) => [lab(id), ...L.map((x) => {
    const v = s.prefillDocMs[id][x];
    const f = s.prefillDocMs.full?.[x];
    return Number.isFinite(v) ? `${v.toFixed(0)}${f && id !== 'full' ? ` (${(f / v).toFixed(2)}×)` : ''}` : '–';
  })])));
  lines.push('');
  if (m.questionsPerDocument > 1) {
    lines.push('Question-only prefill when the document is cached (median ms): ' +
      ids.map((id) => `${id} ${L.map((x) => Number.isFinite(s.prefillQuestionMs[id][x]) ? s.prefillQuestionMs[id][x].toFixed(0) : '–').join('/')}`).join('; ') + ` (lengths ${L.join('/')}).`);
    lines.push('');
  }
  lines.push('Every recipe runs back to back on the same document, so whatever else loads the machine (its load average is under Runtime above) hits all recipes alike; absolute numbers move with it. The (×) column is the speed-up over full attention.');
  lines.push('');
  lines.push('## KV cache bytes');
  lines.push('');
  lines.push(`Allocated KV bytes of the context (context size per length: ${L.map((x) => `${x}→${m.contextSizes[x]}`).join(', ')} tokens, f16).`);
  lines.push('');
  lines.push(table(['recipe', ...L.map((x) => `${x} tok`)], ids.map((id) => [lab(id), ...L.map((x) => fmtBytes(s.kvBytes[id][x]))])));
  lines.push('');
  lines.push('## Does the SWAA shape appear?');
  lines.push('');
  for (const c of shapeChecks(res, s)) lines.push(`- ${c.ok === null ? '➖ (not measurable)' : c.ok ? '✅' : '❌'} ${c.text}`);
  lines.push('');
  const reading = join(here, 'READING.md');
  if (existsSync(reading)) {
    lines.push(readFileSync(reading, 'utf8').trim());
    lines.push('');
  }
  void nq;
  return lines.join('\n');
}

const COLORS: Record<string, string> = {
  full: '#1f2937', quality: '#2563eb', balanced: '#0891b2', fast: '#16a34a', fastest: '#ca8a04',
  naive: '#dc2626', 'question-fa': '#9333ea',
};
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Two panels of grouped bars: accuracy by document length, and by fact distance. */
export function renderSvg(res: EvalResults, s: Summary): string {
  const ids = res.recipes.map((r) => r.id);
  const color = (id: string, i: number) => COLORS[id] ?? ['#64748b', '#db2777', '#65a30d'][i % 3];
  const W = 1160;
  const H = 370;
  const top = 50;
  const ph = 260;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">Demo model on the SWAA runtime: held-out accuracy (value exact match)</text>`);
  out.push(`<text x="${W / 2}" y="36" text-anchor="middle" fill="#555">${esc(`${res.meta.model}, ${res.meta.documentsPerLength * res.meta.questionsPerDocument} questions per length, ${res.meta.date.slice(0, 10)}`)}</text>`);
  const panel = (x0: number, pw: number, title: string, groups: string[], value: (id: string, g: number) => Acc) => {
    out.push(`<text x="${x0 + pw / 2}" y="${top + ph + 46}" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
    for (let t = 0; t <= 100; t += 25) {
      const y = top + ph - (ph * t) / 100;
      out.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${y}" y2="${y}" stroke="#e5e7eb"/>`);
      out.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" fill="#555">${t}%</text>`);
    }
    const gw = pw / groups.length;
    const bw = Math.min(14, (gw - 10) / ids.length);
    groups.forEach((g, gi) => {
      const gx = x0 + gi * gw + (gw - bw * ids.length) / 2;
      ids.forEach((id, i) => {
        const a = value(id, gi);
        if (!a.n) return;
        const h = (ph * pct(a)) / 100;
        out.push(`<rect x="${(gx + i * bw).toFixed(1)}" y="${(top + ph - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${color(id, i)}"><title>${esc(`${id} ${g}: ${fmtAcc(a)}`)}</title></rect>`);
      });
      out.push(`<text x="${x0 + gi * gw + gw / 2}" y="${top + ph + 16}" text-anchor="middle">${esc(g)}</text>`);
      out.push(`<text x="${x0 + gi * gw + gw / 2}" y="${top + ph + 29}" text-anchor="middle" fill="#777" font-size="9">n=${value(ids[0], gi).n}</text>`);
    });
    out.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${top + ph}" y2="${top + ph}" stroke="#111"/>`);
  };
  panel(60, 380, 'accuracy by document length (tokens)', res.meta.lengths.map(String), (id, g) => s.byLength[id][res.meta.lengths[g]]);
  panel(490, 330, 'accuracy by fact distance before the question (tokens)', DISTANCE_BUCKETS.map(bucketLabel), (id, g) => s.byDistance[id][g]);
  if (s.agreeFull.full?.n) {
    panel(870, 150, 'same answer as full attention', ['all', 'beyond W'], (id, g) => (g === 0 ? s.agreeFull[id] : s.agreeFullFar[id]));
  }
  ids.forEach((id, i) => {
    const y = top + 8 + i * 18;
    out.push(`<rect x="${W - 125}" y="${y}" width="12" height="12" fill="${color(id, i)}"/>`);
    out.push(`<text x="${W - 108}" y="${y + 10}">${esc(id)} ${esc(fmtPct(s.overall[id]))}</text>`);
  });
  out.push(`<text x="${W - 125}" y="${top + 8 + ids.length * 18 + 12}" fill="#777" font-size="9">(% = accuracy, all lengths)</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function writeReport(res: EvalResults, outDir: string): string[] {
  const s = summarize(res);
  const files = [join(outDir, 'EVAL.md'), join(outDir, 'eval-results.json'), join(outDir, 'eval-chart.svg')];
  writeFileSync(files[0], renderMarkdown(res, s));
  writeFileSync(files[1], JSON.stringify({ ...res, summary: s }, (_k, v) => (v === Infinity ? null : v), 1) + '\n');
  writeFileSync(files[2], renderSvg(res, s));
  return files;
}
