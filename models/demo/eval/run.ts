/**
 * `npm run eval [-- options]` — held-out accuracy of the demo model on OUR runtime (native/addon),
 * under full attention, every preset (demo-scaled recipes) and two diagnostics (naive SWA,
 * question FA), by document length. Writes models/demo/EVAL.md, eval-results.json, eval-chart.svg.
 *
 *   npm run eval                       # full run (see DEFAULTS; ~20 min on 2 shared CPU cores)
 *   npm run eval -- --quick            # smoke run (2 lengths, 4 documents), written to models/demo/eval/quick/
 *   npm run eval -- --n 20 --lengths 500,1000 --recipes full,naive --model other.gguf --out /tmp/x
 *
 * Per document, every recipe runs back to back (fresh context each; the document is prefilled
 * once and every question on it reuses the cached document, as the app does), so load from other
 * processes on a shared machine hits all recipes alike.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { loadModel, runtimeVersion, type Context, type Model } from '../../../native/addon/index.js';
import { ask } from '../../../native/addon/qa.js';
import { makeHeldout, type HeldoutDoc } from './heldout.js';
import { buildDemoPrompt, type DemoPrompt } from './prompt.js';
import { describeRecipe, evalRecipes, type EvalRecipe } from './recipes.js';
import { scoreAnswer } from './score.js';
import { writeReport, type EvalRecord, type EvalResults } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const demoDir = join(here, '..');
const root = join(demoDir, '..', '..');

const DEFAULTS = { lengths: '500,1000,2000,4000', n: 30, questions: 2, seed: 4321, confirmSeed: 9876, maxTokens: 40, threads: 2, maxMinutes: 25 };
const QUICK = { lengths: '500,2000', n: 4, questions: 1 };

/** The prompts of a held-out document's questions, with the asked fact located in tokens. */
const docPrompts = (model: Model, d: HeldoutDoc): DemoPrompt[] => d.questions.map((q) =>
  buildDemoPrompt(model, d.document, q.question, { charStart: q.fact_char_start, charEnd: q.fact_char_end }));

/** Context size for a document's longest prompt plus the answer, rounded up to 256 tokens. */
const contextSizeFor = (prompts: DemoPrompt[], maxTokens: number): number =>
  Math.ceil((Math.max(...prompts.map((p) => p.documentTokens.length + p.questionTokens.length)) + maxTokens) / 256) * 256;

/** One question of a held-out document under one recipe, scored and timed. */
async function askOne(ctx: Context, r: EvalRecipe, d: HeldoutDoc, qi: number, p: DemoPrompt, maxTokens: number): Promise<EvalRecord> {
  const q = d.questions[qi];
  const rep = await ask(ctx, { documentTokens: p.documentTokens, questionTokens: p.questionTokens, maxTokens, sampler: { temperature: 0 } });
  const s = scoreAnswer(rep.answer, q);
  const W = r.recipe.window;
  return {
    recipe: r.id, length: d.length, doc: d.index, q: qi,
    question: q.question, expected: q.value, answer: rep.answer, parsedValue: s.parsed.value,
    valueMatch: s.valueMatch, exact: s.exact, stopReason: rep.stopReason,
    documentTokens: p.documentTokens.length, questionTokens: p.questionTokens.length,
    factStartToken: p.factStartToken, factEndToken: p.factEndToken, factDistance: p.factDistance,
    window: W, beyondWindow: W === null ? null : p.factDistance > W,
    documentCached: rep.documentCached, prefillTokens: rep.prefillTokens, prefillMs: rep.prefillMs,
    decodeTokens: rep.decodeTokens, decodeMs: rep.decodeMs, kvBytes: rep.metrics.kvBytes,
    contextSize: ctx.contextSize,
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' }, n: { type: 'string' }, questions: { type: 'string' }, lengths: { type: 'string' },
      seed: { type: 'string' }, 'confirm-seed': { type: 'string' }, model: { type: 'string' }, recipes: { type: 'string' }, out: { type: 'string' },
      threads: { type: 'string' }, 'max-tokens': { type: 'string' }, 'max-minutes': { type: 'string' }, 'report-only': { type: 'boolean' }, split: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(`usage: npm run eval -- [--quick] [--n DOCS] [--questions PER_DOC] [--lengths 500,1000,2000,4000]
  [--seed 4321] [--confirm-seed 9876] [--model models/demo/demo.gguf] [--recipes full,quality,...] [--out DIR] [--threads 2] [--max-tokens 40]
  [--split eval|train] eval (default) = held-out pools; train = fresh documents from the training pools (not held out)
  [--confirm-seed S]  full attention also answers a second held-out draw of the same size (seed S; 0 = skip;
                      skipped with --quick, --split train or without full among the recipes), so the
                      ≥ 90% check cannot be passed by one lucky draw
  [--report-only]     re-render EVAL.md and the chart from DIR/eval-results.json (e.g. after editing eval/READING.md)
  [--max-minutes 25]  stop after the round of documents (one per length) that passes this wall-clock budget
defaults: ${JSON.stringify(DEFAULTS)}; --quick: ${JSON.stringify(QUICK)} written to models/demo/eval/quick/`);
    return 0;
  }
  const quick = values.quick ?? false;
  const lengths = (values.lengths ?? (quick ? QUICK.lengths : DEFAULTS.lengths)).split(',').map(Number).filter((x) => x > 0);
  const n = Number(values.n ?? (quick ? QUICK.n : DEFAULTS.n));
  const questions = Number(values.questions ?? (quick ? QUICK.questions : DEFAULTS.questions));
  const seed = Number(values.seed ?? DEFAULTS.seed);
  const confirmSeed = Number(values['confirm-seed'] ?? (quick ? 0 : DEFAULTS.confirmSeed));
  const threads = Number(values.threads ?? DEFAULTS.threads);
  const maxTokens = Number(values['max-tokens'] ?? DEFAULTS.maxTokens);
  const maxMinutes = Number(values['max-minutes'] ?? DEFAULTS.maxMinutes);
  const split = values.split === 'train' ? 'train' : 'eval';
  const modelPath = resolve(values.model ?? join(demoDir, 'demo.gguf'));
  const outDir = resolve(values.out ?? (quick ? join(here, 'quick') : demoDir));
  mkdirSync(outDir, { recursive: true });
  if (values['report-only']) {
    const res = JSON.parse(readFileSync(join(outDir, 'eval-results.json'), 'utf8')) as EvalResults & { summary?: unknown };
    delete res.summary;
    const files = writeReport(res, outDir);
    console.error(`eval: re-rendered ${files.map((f) => relative(root, f)).join(', ')}`);
    return 0;
  }

  const tStart = performance.now();
  const loadStart = loadavg()[0];
  const modelStat = statSync(modelPath);
  const model = await loadModel(modelPath, { device: 'cpu' });
  let recipes = evalRecipes(model.info);
  if (values.recipes) {
    const want = values.recipes.split(',');
    recipes = recipes.filter((r) => want.includes(r.id));
  }
  console.error(`eval: ${relative(root, modelPath)} (${model.info.name}, ${model.info.nLayer} layers, mtime ${modelStat.mtime.toISOString()})`);
  for (const r of recipes) console.error(`  ${r.id.padEnd(12)} ${describeRecipe(r.recipe)}`);

  // round-robin over lengths (document index major) so that a budget stop keeps the lengths balanced
  const docs = makeHeldout({ lengths, n, questions, seed, split })
    .sort((a, b) => a.index - b.index || lengths.indexOf(a.length) - lengths.indexOf(b.length));
  const tGen = performance.now();
  console.error(`eval: ${docs.length} documents, ${docs.reduce((s, d) => s + d.questions.length, 0)} questions ` +
    `(generated in ${((tGen - tStart) / 1000).toFixed(1)} s)`);

  // tokenize once; one context size per length bucket so KV bytes compare across recipes
  const prompts = docs.map((d) => docPrompts(model, d));
  const ctxSize = new Map<number, number>();
  docs.forEach((d, i) => ctxSize.set(d.length, Math.max(ctxSize.get(d.length) ?? 0, contextSizeFor(prompts[i], maxTokens))));

  const records: EvalRecord[] = [];
  const kvEstimate: Record<string, Record<number, number>> = {};
  for (const r of recipes) {
    kvEstimate[r.id] = {};
    for (const [L, s] of ctxSize) kvEstimate[r.id][L] = model.estimateKvBytes({ contextSize: s, threads, recipe: r.recipe });
  }
  // warm-up (first graph builds and allocations are slow): one short document under every recipe
  {
    const i = docs.findIndex((d) => d.length === Math.min(...lengths));
    for (const r of recipes) {
      const ctx = model.createContext({ contextSize: ctxSize.get(docs[i].length)!, threads, recipe: r.recipe });
      try {
        await ask(ctx, { documentTokens: prompts[i][0].documentTokens, questionTokens: prompts[i][0].questionTokens, maxTokens: 4 });
      } finally { ctx.dispose(); }
    }
  }
  let lastLog = 0;
  let completed = n;
  for (let di = 0; di < docs.length; di++) {
    const d = docs[di];
    if (d.length === lengths[0] && d.index > 0 && (performance.now() - tStart) / 60000 > maxMinutes) {
      completed = d.index;
      console.error(`eval: --max-minutes ${maxMinutes} reached: stopping after ${completed} documents per length`);
      break;
    }
    // rotate the recipe order per document so no recipe always runs first (or right after the heaviest)
    const order = recipes.map((_, k) => recipes[(k + di) % recipes.length]);
    for (const r of order) {
      const ctx = model.createContext({ contextSize: ctxSize.get(d.length)!, threads, recipe: r.recipe });
      try {
        for (let qi = 0; qi < d.questions.length; qi++) records.push(await askOne(ctx, r, d, qi, prompts[di][qi], maxTokens));
      } finally {
        ctx.dispose();
      }
    }
    const now = performance.now();
    if (now - lastLog > 15000 || di === docs.length - 1) {
      lastLog = now;
      const done = records.filter((x) => x.length === d.length);
      const acc = (id: string) => {
        const xs = done.filter((x) => x.recipe === id);
        return xs.length ? `${Math.round((100 * xs.filter((x) => x.valueMatch).length) / xs.length)}%` : '-';
      };
      console.error(`eval: ${di + 1}/${docs.length} documents, ${((now - tStart) / 1000).toFixed(0)} s | len ${d.length} so far: ` +
        recipes.map((r) => `${r.id} ${acc(r.id)}`).join(' '));
    }
  }
  // A second, independent held-out draw for full attention alone: a model picked because it did well on
  // one draw is optimistic on it (shipping choices were made on seed 4321), so the ≥ 90% check needs both.
  let confirm: EvalResults['confirm'];
  const full = recipes.find((r) => r.id === 'full');
  if (confirmSeed > 0 && confirmSeed !== seed && split === 'eval' && full) {
    const tConfirm = performance.now();
    const cdocs = makeHeldout({ lengths, n: completed, questions, seed: confirmSeed, split });
    const crecords: EvalRecord[] = [];
    for (const d of cdocs) {
      const cp = docPrompts(model, d);
      const ctx = model.createContext({ contextSize: contextSizeFor(cp, maxTokens), threads, recipe: full.recipe });
      try {
        for (let qi = 0; qi < d.questions.length; qi++) crecords.push(await askOne(ctx, full, d, qi, cp[qi], maxTokens));
      } finally { ctx.dispose(); }
    }
    confirm = { seed: confirmSeed, records: crecords };
    const ok = crecords.filter((x) => x.valueMatch).length;
    console.error(`eval: second held-out draw (seed ${confirmSeed}), full attention: ${ok}/${crecords.length} ` +
      `(${((100 * ok) / Math.max(1, crecords.length)).toFixed(1)}%) in ${((performance.now() - tConfirm) / 1000).toFixed(0)} s`);
  }
  const rank = new Map(recipes.map((r, k) => [r.id, k]));
  records.sort((a, b) => a.length - b.length || a.doc - b.doc || rank.get(a.recipe)! - rank.get(b.recipe)! || a.q - b.q);
  const tEnd = performance.now();
  const results: EvalResults = {
    meta: {
      date: new Date().toISOString(),
      command: `npm run eval${process.argv.slice(2).length ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
      model: relative(root, modelPath), modelMtime: modelStat.mtime.toISOString(), modelHash: model.hash,
      modelInfo: model.info, runtime: runtimeVersion(),
      split, lengths, documentsPerLength: completed, documentsRequested: n, maxMinutes, questionsPerDocument: questions, seed, maxTokens, threads,
      contextSizes: Object.fromEntries(ctxSize), kvEstimate,
      machine: `${cpus().length} CPU cores (${cpus()[0]?.model ?? '?'}), 1-minute load average ${loadStart.toFixed(1)} at start and ${loadavg()[0].toFixed(1)} at the end`,
      seconds: { total: (tEnd - tStart) / 1000, generate: (tGen - tStart) / 1000 },
    },
    recipes: recipes.map((r) => ({ ...r, description: describeRecipe(r.recipe) })),
    records,
    ...(confirm ? { confirm } : {}),
  };
  model.dispose();
  const files = writeReport(results, outDir);
  console.error(`eval: done in ${((tEnd - tStart) / 1000 / 60).toFixed(1)} min; wrote ${files.map((f) => relative(root, f)).join(', ')}`);
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
