/**
 * `npm run bench:hostile`: time and peak memory of reading hostile documents — pathological text and
 * HTML (targets: 1 MB read in under 1 s) and decompression bombs (target: refused under 300 MB peak
 * RSS). Each case runs in its own Node process (so a peak belongs to one case) and calls
 * ingestBytes directly: the reading itself, without the worker's start-up. Writes a Markdown table
 * and JSON to bench/results/<date>-<machine>-hostile.{md,json} (--out NAME to choose the name).
 * Not a test: numbers depend on the machine, which the results describe.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, platform, release } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MB = 1 << 20;

interface Case { name: string; file: string; input: string; target: string; make: () => Promise<Buffer> }

async function cases(): Promise<Case[]> {
  const { docxBomb, pdfFlateBomb, unclosedTagsHtml } = await import('../electron/test/hostile.js');
  return [
    { name: 'text-space-runs', file: 'spaces.txt', input: '1 MiB: 256 lines of 4 KiB spaces then a word', target: '< 1 s',
      make: async () => Buffer.from(`${' '.repeat(4096 - 6)}word.\n`.repeat(256)) },
    { name: 'text-one-space-run', file: 'run.txt', input: '1 MiB of spaces between two words', target: '< 1 s',
      make: async () => Buffer.from(`a${' '.repeat(MB)}b`) },
    { name: 'html-unclosed-tags', file: 'tags.html', input: '1 MiB of unclosed <div>, <p class="x" , <!--, <script>', target: '< 1 s',
      make: async () => Buffer.from(unclosedTagsHtml(MB)) },
    { name: 'html-unclosed-comment', file: 'comment.html', input: '<p>, then <!-- and 1 MiB of spaces', target: '< 1 s',
      make: async () => Buffer.from(`<p>kept</p><!--${' '.repeat(MB)}`) },
    { name: 'html-nested-divs', file: 'divs.html', input: '1 MiB of <div> (210k open elements)', target: '< 1 s',
      make: async () => Buffer.from(`${'<div>'.repeat(MB / 5)}deep`) },
    { name: 'docx-bomb', file: 'bomb.docx', input: '2 MiB DOCX, document.xml inflates to 2 GiB', target: 'refused, < 300 MB',
      make: async () => docxBomb(2048) },
    { name: 'docx-bomb-lying', file: 'liar.docx', input: 'same, central directory claims 1 MiB', target: 'refused, < 300 MB',
      make: async () => docxBomb(2048, 1) },
    { name: 'pdf-flate-bomb', file: 'bomb.pdf', input: '1 MiB PDF, content stream inflates to 1 GiB', target: 'refused, < 300 MB',
      make: async () => pdfFlateBomb(1024) },
  ];
}

interface Row { name: string; input: string; target: string; bytes: number; outcome: string; ms: number; peakRssMb: number; baselineRssMb: number }

/** Child mode: build one case, read it once, print one JSON line. */
async function runCase(name: string): Promise<void> {
  const c = (await cases()).find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  const { ingestBytes } = await import('../electron/host/documents/ingest.js');
  const bytes = await c.make();
  await ingestBytes('warm.txt', Buffer.from('warm up the modules')).catch(() => undefined);
  const baseline = process.memoryUsage.rss();
  const t0 = performance.now();
  let outcome: string;
  try {
    const d = await ingestBytes(c.file, bytes);
    outcome = `text, ${d.text.length} chars`;
  } catch (e) {
    outcome = (e as { code?: string }).code ?? String(e);
  }
  const ms = performance.now() - t0;
  const row: Row = { name: c.name, input: c.input, target: c.target, bytes: bytes.length, outcome, ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024, baselineRssMb: baseline / MB };
  console.log(JSON.stringify(row));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { case: { type: 'string' }, out: { type: 'string' } } });
  if (values.case) return runCase(values.case);
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = [];
  for (const c of await cases()) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--case', c.name], { encoding: 'utf8', maxBuffer: 16 * MB });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`case ${c.name} failed: ${r.stderr}`);
    const row = JSON.parse(line) as Row;
    rows.push(row);
    console.log(`${row.name.padEnd(22)} ${row.outcome.padEnd(22)} ${row.ms.toFixed(0).padStart(6)} ms  peak ${row.peakRssMb.toFixed(0)} MB`);
  }
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${platform()} ${release()}, ${cpu}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const name = values.out ?? `${date}-hostile`;
  const md = [
    `# Hostile inputs — ${date}`, '', `Machine: ${machine}.`, '',
    'Each case in its own process; time is one `ingestBytes` call (no worker start-up); peak is the process\'s',
    'maximum RSS (Node, tsx and the modules included: the baseline column is RSS just before the read).', '',
    '| case | input | file size | outcome | time | peak RSS | baseline RSS | target |', '|---|---|---:|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.name} | ${r.input} | ${(r.bytes / MB).toFixed(2)} MiB | ${r.outcome} | ${r.ms.toFixed(0)} ms | ${r.peakRssMb.toFixed(0)} MB | ${r.baselineRssMb.toFixed(0)} MB | ${r.target} |`),
    '',
  ].join('\n');
  const dir = join(dirname(self), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), md);
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ version: 1, date: new Date().toISOString(), machine, rows }, null, 1)}\n`);
  console.log(`\nwrote bench/results/${name}.md and .json`);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
