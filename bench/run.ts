/**
 * npm run bench — prefill, time to first token, decode, KV memory and peak RSS of llama.cpp
 * (node-llama-cpp, full attention) against our runtime with full attention and with every SWAA preset,
 * for each model and context length. Each configuration runs in a fresh child process (worker.ts).
 * Writes bench/results/<date>-<machine>.{json,md,svg}. See bench/README.md.
 *
 *   npm run bench -- --quick                 # 2k and 4k, llama.cpp + full + fastest, 1 repeat
 *   npm run bench                            # default: up to 8k, 3 repeats
 *   npm run bench -- --max 32k               # add 16k and 32k for the 0.6B-shape model
 *   npm run bench -- --render bench/results/<file>.json    # re-render .md and .svg from a results file
 *   npm run bench -- --layers 28 --repeats 5 --models qwen3 --configs llama.cpp,full,fastest
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadModel, type Recipe } from '../native/addon/index.js';
import { loadPresets, presetRecipe } from '../models/presets.js';
import { RESULT_MARKER, type Job, type JobResult } from './job.js';
import { demoModel, ensureQwen3Shape, type BenchModel } from './models.js';
import { benchTokens } from './prompt.js';
import { summarize, type BenchResults, type ModelEntry } from './summary.js';
import { renderMarkdown } from './report.js';
import { renderChart } from './chart.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Context lengths (tokens) benchmarked; the default stops at 8k (see --max). */
const ALL_LENGTHS = [2048, 4096, 8192, 16384, 32768];
const DEFAULT_MAX = 8192;
/** Per child process: a 32k full-attention prefill of the 28-layer model is the slowest case. */
const CHILD_TIMEOUT_MS = 60 * 60 * 1000;

function parseTokens(s: string): number {
  const m = /^(\d+)(k?)$/i.exec(s.trim());
  if (!m) throw new Error(`not a token count: ${s}`);
  return Number(m[1]) * (m[2] ? 1024 : 1);
}

function machineName(): { id: string; description: string; cpu: string; cores: number } {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const cores = cpus().length;
  const host = hostname().split('.')[0].replace(/[^A-Za-z0-9-]/g, '').slice(0, 24) || 'host';
  const cpuSlug = cpu.toLowerCase().replace(/\(r\)|\(tm\)|cpu|processor|@.*$/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return { id: `${host}-${cpuSlug}-${cores}c`, description: `${host}: ${cpu}, ${cores} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`, cpu, cores };
}

function runChild(job: Job, dir: string, log: (s: string) => void): Promise<JobResult> {
  const jobPath = join(dir, `job-${process.hrtime.bigint()}.json`);
  writeFileSync(jobPath, JSON.stringify(job));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'worker.ts'), jobPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const at = out.lastIndexOf(RESULT_MARKER);
      if (at >= 0) {
        resolve(JSON.parse(out.slice(at + RESULT_MARKER.length).split('\n')[0]) as JobResult);
        return;
      }
      const why = `child exited (code ${code}, signal ${signal}) without a result: ${err.slice(-2000)}`;
      log(`  ! ${why}`);
      resolve({ job, repeats: [], engineInfo: {}, peakRssBytes: 0, error: why });
    });
  });
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      repeats: { type: 'string' },
      max: { type: 'string' },
      lengths: { type: 'string' },
      layers: { type: 'string', default: '8' },
      models: { type: 'string', default: 'qwen3,demo' },
      configs: { type: 'string' },
      threads: { type: 'string', default: '2' },
      chunk: { type: 'string', default: '512' },
      decode: { type: 'string', default: '32' },
      'llama-fa': { type: 'string', default: 'on' },
      out: { type: 'string', default: join(here, 'results') },
      tag: { type: 'string', default: '' },
      note: { type: 'string', default: '' },
      render: { type: 'string' },
    },
  });
  if (a.render) {
    // Re-renders the .md and .svg of a results .json (after a change to the report or the chart).
    const results = JSON.parse(readFileSync(a.render, 'utf8')) as BenchResults;
    const stem = a.render.replace(/\.json$/, '');
    writeFileSync(`${stem}.md`, renderMarkdown(results));
    writeFileSync(`${stem}.svg`, renderChart(results));
    process.stderr.write(`bench: rendered ${stem}.{md,svg}\n`);
    return;
  }
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const quick = a.quick!;
  const repeats = Number(a.repeats ?? (quick ? 1 : 3));
  const maxLen = a.max ? parseTokens(a.max) : quick ? 4096 : DEFAULT_MAX;
  const lengths = a.lengths ? a.lengths.split(',').map(parseTokens) : ALL_LENGTHS.filter((n) => n <= maxLen);
  const threads = Number(a.threads);
  const chunk = Number(a.chunk);
  const decodeTokens = Number(a.decode);
  const flashAttention = a['llama-fa'] !== 'off';
  const presets = loadPresets();
  const presetIds = presets.presets.map((p) => p.id).filter((id) => id !== 'full');
  const configs = a.configs ? a.configs.split(',')
    : quick ? ['llama.cpp', 'full', 'fastest'] : ['llama.cpp', 'full', ...presetIds];
  const machine = machineName();
  const startedAt = new Date();
  const loadStart = loadavg();
  log(`bench: ${machine.description}; load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  log(`bench: lengths ${lengths.join(', ')}; configs ${configs.join(', ')}; ${repeats} repeat(s); ${threads} threads; chunk ${chunk}; decode ${decodeTokens}; llama.cpp flash attention ${flashAttention ? 'on' : 'off'}`);

  const models: BenchModel[] = [];
  for (const m of a.models!.split(',')) {
    if (m === 'qwen3') models.push(await ensureQwen3Shape(Number(a.layers), log));
    else if (m === 'demo') models.push(demoModel());
    else throw new Error(`unknown model '${m}' (qwen3, demo)`);
  }

  const tmp = mkdtempSync(join(tmpdir(), 'swaa-bench-'));
  const entries: ModelEntry[] = [];
  mkdirSync(a.out!, { recursive: true });
  const base = join(a.out!, `${startedAt.toISOString().slice(0, 10)}-${machine.id}${quick ? '-quick' : ''}${a.tag ? `-${a.tag}` : ''}`);
  /** Written after every configuration, so that an interrupted run keeps what it measured. */
  const writeResults = (complete: boolean) => {
    const results: BenchResults = summarize({
      version: 1,
      date: startedAt.toISOString(),
      machine,
      node: process.version,
      settings: { lengths, configs, repeats, threads, chunk, decodeTokens, llamaFlashAttention: flashAttention, quick, layers: Number(a.layers), complete },
      load: { start: loadStart, end: loadavg() },
      note: a.note ?? '',
      entries,
    });
    writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 1)}\n`);
    writeFileSync(`${base}.md`, renderMarkdown(results));
    writeFileSync(`${base}.svg`, renderChart(results));
  };
  for (const bm of models) {
    const model = await loadModel(bm.path, { device: 'cpu' });
    const info = model.info;
    const entry: ModelEntry = { model: bm, info, runs: [], questionTokens: {} };
    entries.push(entry);
    for (const n of lengths.filter((x) => x <= bm.maxContext)) {
      const tokens = benchTokens(model, n);
      const tokensPath = join(tmp, `${bm.id}-${n}.json`);
      writeFileSync(tokensPath, JSON.stringify(tokens));
      entry.questionTokens[n] = tokens.question.length;
      // Repeats are interleaved (every configuration once, then again …) so that a change in the
      // machine's load hits all configurations alike; each child runs one repeat of one configuration.
      const merged = new Map<string, JobResult>();
      for (let rep = 0; rep < repeats; rep++) {
        for (const config of configs) {
          let recipe: Recipe | null = null;
          if (config !== 'llama.cpp' && config !== 'full') {
            recipe = presetRecipe(presets, config, info, { demo: bm.demo });
          }
          const job: Job = {
            engine: config === 'llama.cpp' ? 'llama.cpp' : 'swaa', modelPath: bm.path, config, recipe,
            contextSize: n, threads, chunk, flashAttention, tokensPath, decodeTokens, repeats: 1,
          };
          const t0 = Date.now();
          const r = await runChild(job, tmp, log);
          const pf = r.repeats.map((x) => (x.promptTokens * 1000 / x.prefillMs).toFixed(0)).join('/');
          log(`${bm.id} ${n} ${config} #${rep + 1}: prefill tok/s ${pf || '-'}${r.error ? ` ERROR ${r.error.split('\n')[0]}` : ''} (${((Date.now() - t0) / 1000).toFixed(0)} s, load ${loadavg()[0].toFixed(1)})`);
          const prev = merged.get(config);
          if (!prev) {
            r.job.repeats = repeats;
            r.load1 = loadavg()[0];
            merged.set(config, r);
            entry.runs.push(r);
          } else {
            prev.repeats.push(...r.repeats);
            prev.peakRssBytes = Math.max(prev.peakRssBytes, r.peakRssBytes);
            prev.load1 = Math.max(prev.load1 ?? 0, loadavg()[0]);
            if (r.error && !prev.error) prev.error = r.error;
          }
          writeResults(false);
        }
      }
    }
    model.dispose();
  }

  writeResults(true);
  log(`bench: wrote ${base}.{json,md,svg}`);
  process.stdout.write(readFileSync(`${base}.md`, 'utf8'));
}

main().catch((e) => { console.error(e); process.exit(1); });
