/**
 * npm run test:gpu — the runtime on a GPU backend (Vulkan here, on Mesa's lavapipe software device;
 * any ggml GPU device elsewhere) against the same runtime on the CPU.
 *
 *   npx tsx native/tests/gpu/run.ts [--device=Vulkan0] [--models=demo,qwen3-f16,...] [--verbose]
 *
 * Cases, per model (the demo model and generated qwen3/qwen2/llama ones), for full attention and every
 * recipe path (window + sinks on ring layers, FA decode, interleaved FA layers, question FA):
 *   logits    at every prompt position (document and question phases, chunked), device vs CPU within
 *             LOGIT_TOL × the position's logit RMS;
 *   greedy    the generated answer is identical on both;
 * and once each:
 *   llama.cpp node-llama-cpp's Vulkan build on the same device (child process) gives the same greedy
 *             tokens as ours on the demo model;
 *   partial   half the layers on the device (the rest on the CPU, ggml_backend_sched splitting the
 *             graph) gives the all-on-device logits within the tolerance;
 *   state     a document state saved from a device context restores into a CPU context (and back)
 *             and the question's logits then match the other side's;
 *   cancel    a prefill on the device cancelled after its first chunk stops with SWAA_ERR_CANCELLED,
 *             keeps what it read, and the context works afterwards.
 * Ends with `gpu: <passed>/<cases> cases on <device name>`. No timing is asserted; the device is a
 * software renderer here, so nothing about GPU speed can be read from this run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestModel, TEST_MODELS, type TestModelName } from '../support/test-models.js';

// ggml hides CPU-type Vulkan devices (lavapipe) unless named; must be set before the runtime loads backends.
process.env.GGML_VK_VISIBLE_DEVICES ??= '0';

const swaa = await import('../../addon/index.js');
type Model = import('../../addon/index.js').Model;
type Recipe = import('../../addon/index.js').Recipe;
type Context = import('../../addon/index.js').Context;

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const arg = (k: string) => args.find((a) => a.startsWith(`--${k}=`))?.split('=')[1];
const verbose = args.includes('--verbose');

/**
 * Allowed |Δlogit| between device and CPU, as a fraction of the position's logit RMS (over the
 * vocabulary, CPU side): the largest over a row must stay under `max` at every position, the median
 * over positions under `median`, and the top-1 token must agree wherever the CPU's top-two margin
 * exceeds `max` × RMS. The Vulkan backend multiplies in F16 (float weights) or quantizes activations
 * to Q8_1 (quantized weights), accumulates in another order and runs its own flash attention. Measured
 * on lavapipe (Dec 2026, this file's models and prompts): medians 0.02 (demo, F16) to 0.15 (qwen3-f16)
 * and 0.17-0.20 (Q8_0) × RMS; single positions up to 0.95 × RMS (demo: a trained model has sharp
 * positions where F16 rounding moves a logit more). The same for every recipe, full attention
 * included: noise of the backend, not of the recipe paths. A wrong mask, ring slot, layer placement or
 * lost KV row moves the logits by several × RMS at most positions past the window: the "control" case
 * of each model checks that these bounds do tell a windowed run from a full-attention one. The same
 * bounds serve partial offload (half CPU, half device) and saved-state restores. A greedy answer may
 * differ only where the CPU's first-token margin is below the `max` bound (a near-tie).
 */
const LOGIT_TOL = { float: { max: 1.5, median: 0.25 }, quantized: { max: 2.0, median: 0.4 } } as const;
type Tol = { max: number; median: number };
const GREEDY_TOKENS = 8;
const CHUNK = 16;

const W = 12, K = 4;
const RECIPES: Record<string, Recipe> = {
  'full attention': { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
  'window+sinks (ring KV)': { window: W, sinks: K, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
  'FA decode': { window: W, sinks: K, faLayers: { kind: 'none' }, faDecode: true, questionFa: false },
  'interleaved FA layers': { window: W, sinks: K, faLayers: { kind: 'odd' }, faDecode: false, questionFa: false },
  'question FA': { window: W, sinks: K, faLayers: { kind: 'none' }, faDecode: true, questionFa: true },
};

interface Case { name: string; ok: boolean; note: string }
const cases: Case[] = [];
function record(name: string, ok: boolean, note: string): void {
  cases.push({ name, ok, note });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${note ? ` — ${note}` : ''}`);
}
async function attempt(name: string, f: () => Promise<string>): Promise<void> {
  try {
    record(name, true, await f());
  } catch (e) {
    record(name, false, (e as Error).message);
  }
}

// --- the device ---------------------------------------------------------------------------------
const devices = swaa.devices();
const wanted = arg('device') ?? process.env.SWAA_GPU_DEVICE;
const device = devices.find((d) => (wanted ? d.name === wanted : d.type !== 'cpu'));
if (!device) {
  const libs = swaa.backendLibraries();
  console.log(`devices: ${devices.map((d) => d.name).join(', ') || 'none'}`);
  for (const l of libs.libraries.filter((l) => !l.file.includes('ggml-cpu'))) console.log(`  ${l.file}: ${l.loaded ? 'loaded' : 'refused'}: ${l.message}`);
  if (libs.error) console.log(`  ${libs.error}`);
  console.log(`gpu: 0/1 cases: no ${wanted ?? 'GPU'} device (on Debian: apt-get install mesa-vulkan-drivers libvulkan1)`);
  process.exit(1);
}
console.log(`device: ${device.name} (${device.description}, ${device.backend}, ${(device.memoryFree / 2 ** 20).toFixed(0)} MiB free)`);

// --- helpers ------------------------------------------------------------------------------------
function rms(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / a.length);
}
function argmax(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
/** Largest |a - b| over the row, as a fraction of the reference row's RMS. */
function relDiff(ref: Float32Array, got: Float32Array): number {
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs(ref[i] - got[i]));
  return m / rms(ref);
}
function rows(ctx: Context): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < ctx.nLogits; i++) out.push(Float32Array.from(ctx.logits(i)));
  return out;
}

interface Run { doc: Float32Array[]; question: Float32Array[]; greedy: number[] }

/** Document, question (both every position's logits), then a greedy answer. */
async function runRecipe(model: Model, recipe: Recipe, doc: number[], question: number[], answer = true): Promise<Run> {
  const ctx = model.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2, recipe });
  try {
    await ctx.prefill(doc, { phase: 'document', logitsAll: true });
    const d = rows(ctx);
    await ctx.prefill(question, { phase: 'question', logitsAll: true });
    const q = rows(ctx);
    const g = answer ? (await ctx.generate({ maxTokens: GREEDY_TOKENS })).tokens : [];
    return { doc: d, question: q, greedy: g };
  } finally {
    ctx.dispose();
  }
}

function compareRows(ref: Float32Array[], got: Float32Array[], tol: Tol): { worst: number; median: number; decisive: number } {
  if (ref.length !== got.length) throw new Error(`${got.length} logit rows, expected ${ref.length}`);
  const d = ref.map((r, i) => relDiff(r, got[i]));
  let at = 0;
  d.forEach((v, i) => { if (v > d[at]) at = i; });
  const median = [...d].sort((x, y) => x - y)[Math.floor(d.length / 2)] ?? 0;
  if (d[at] > tol.max) throw new Error(`|Δlogit| ${d[at].toFixed(3)} × RMS at position ${at} exceeds ${tol.max}`);
  if (median > tol.median) throw new Error(`median |Δlogit| ${median.toFixed(3)} × RMS exceeds ${tol.median}`);
  let decisive = 0;
  ref.forEach((r, i) => {
    const top = argmax(r);
    let second = -Infinity;
    r.forEach((v, j) => { if (j !== top && v > second) second = v; });
    if (r[top] - second <= tol.max * rms(r)) return;
    decisive++;
    if (argmax(got[i]) !== top) throw new Error(`top-1 differs at position ${i} (CPU margin ${(r[top] - second).toFixed(2)})`);
  });
  return { worst: d[at], median, decisive };
}

// --- models -------------------------------------------------------------------------------------
const DEMO = join(root, 'models', 'demo', 'demo.gguf');
const generated: TestModelName[] = ['qwen3-f16', 'qwen2-q8_0', 'llama-q8_0'];
const modelNames = arg('models')?.split(',') ?? ['demo', ...generated];
const DOC_TEXT = 'The lighthouse keeper wrote that the storm arrived on Tuesday, that the north lamp failed twice, ' +
  'and that the supply boat from Harwick brought oil, rope and forty candles before the tide turned. ';
const QUESTION_TEXT = 'Question: what did the supply boat bring? Answer:';

let demoPrompt: number[] | undefined;
const worstSeen = { float: 0, quantized: 0 };

for (const name of modelNames) {
  const path = name === 'demo' ? DEMO : (await ensureTestModel(TEST_MODELS[name as TestModelName], { quantize: swaa.quantizeFile })).path;
  const cpu = await swaa.loadModel(path, { device: 'cpu' });
  const dev = await swaa.loadModel(path, { device: device.name });
  const info = dev.info;
  const cls = ['F32', 'F16', 'BF16'].includes(info.weightType) ? 'float' : 'quantized';
  const tol = LOGIT_TOL[cls];
  console.log(`\n${name} (${info.architecture}, ${info.weightType}, ${info.nLayer} layers): ${info.nLayerDevice} layers on ${info.backend}, ` +
    `${(info.deviceWeightBytes / 2 ** 20).toFixed(1)} MiB weights on the device, ${(info.hostWeightBytes / 2 ** 20).toFixed(1)} MiB on the host`);
  // Past window + sinks + a ring of window + chunk rows either way, so the ring wraps.
  const doc = cpu.tokenize(DOC_TEXT.repeat(name === 'demo' ? 2 : 1), { addSpecial: true });
  const question = cpu.tokenize(QUESTION_TEXT);
  if (name === 'demo') demoPrompt = [...doc, ...question];
  try {
    await attempt(`${name}: every layer on ${device.name}`, async () => {
      if (info.nLayerDevice !== info.nLayer) throw new Error(`${info.nLayerDevice} of ${info.nLayer} layers on the device`);
      if (info.backend !== device.name) throw new Error(`weights on ${info.backend}`);
      return `${info.deviceWeightBytes} weight bytes on the device`;
    });
    let fullRef: Run | undefined;
    for (const [rname, recipe] of Object.entries(RECIPES)) {
      const ref = await runRecipe(cpu, recipe, doc, question);
      const got = await runRecipe(dev, recipe, doc, question);
      await attempt(`${name}: ${rname}: logits at ${ref.doc.length + ref.question.length} positions`, async () => {
        const a = compareRows(ref.doc, got.doc, tol);
        const b = compareRows(ref.question, got.question, tol);
        const w = Math.max(a.worst, b.worst);
        worstSeen[cls] = Math.max(worstSeen[cls], w);
        return `max ${w.toFixed(3)}, median ${Math.max(a.median, b.median).toFixed(3)} × RMS; top-1 agrees at ${a.decisive + b.decisive} decisive positions`;
      });
      await attempt(`${name}: ${rname}: greedy answer identical`, async () => {
        if (ref.greedy.join(',') === got.greedy.join(',')) return `${got.greedy.length} tokens`;
        // The first answer token comes from the question's last row, whose margin is known here.
        const last = ref.question[ref.question.length - 1];
        const top = argmax(last);
        let second = -Infinity;
        last.forEach((v, j) => { if (j !== top && v > second) second = v; });
        const margin = (last[top] - second) / rms(last);
        if (ref.greedy[0] !== got.greedy[0] && margin < tol.max) return `first token a near-tie (CPU margin ${margin.toFixed(2)} × RMS): answers differ from there`;
        throw new Error(`CPU [${ref.greedy}] vs device [${got.greedy}]`);
      });
      if (rname === 'full attention') fullRef = ref;
      if (rname === 'window+sinks (ring KV)' && fullRef) {
        const full = fullRef;
        await attempt(`${name}: control: the bounds tell ${rname} on the device from full attention on the CPU`, async () => {
          try {
            compareRows(full.doc, got.doc, tol);
          } catch (e) {
            return (e as Error).message;
          }
          throw new Error('a windowed run passed as full attention: the tolerance cannot see recipe errors');
        });
      }
    }
    if (name === 'demo' || name === 'qwen3-f16') {
      const recipe = RECIPES['interleaved FA layers'];
      const half = Math.floor(info.nLayer / 2);
      const part = await swaa.loadModel(path, { device: device.name, gpuLayers: half });
      try {
        const all = await runRecipe(dev, recipe, doc, question, false);
        const mixed = await runRecipe(part, recipe, doc, question, false);
        await attempt(`${name}: partial offload (${half} of ${info.nLayer} layers on ${device.name}) = all on the device`, async () => {
          if (part.info.nLayerDevice !== half) throw new Error(`${part.info.nLayerDevice} layers on the device, asked ${half}`);
          const ctx = part.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2, recipe });
          await ctx.prefill(doc.slice(0, CHUNK), { phase: 'document' });
          const m = ctx.metrics();
          ctx.dispose();
          if (m.nLayerDevice !== half || m.kvDeviceBytes <= 0 || m.kvDeviceBytes >= m.kvBytes) {
            throw new Error(`metrics: ${m.nLayerDevice} layers, KV ${m.kvDeviceBytes} of ${m.kvBytes} bytes on the device`);
          }
          const a = compareRows(all.doc, mixed.doc, tol);
          const b = compareRows(all.question, mixed.question, tol);
          return `max ${Math.max(a.worst, b.worst).toFixed(3)} × RMS; KV ${m.kvDeviceBytes} of ${m.kvBytes} bytes on the device`;
        });
      } finally {
        part.dispose();
      }
      await attempt(`${name}: saved document state: device → CPU and CPU → device`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'swaa-gpu-state-'));
        try {
          const notes: string[] = [];
          for (const [from, to, label] of [[dev, cpu, 'device→CPU'], [cpu, dev, 'CPU→device']] as const) {
            const file = join(dir, `${label}.swaa`);
            const a = from.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2, recipe });
            const b = to.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2, recipe });
            try {
              await a.prefill(doc, { phase: 'document' });
              await a.saveState(file);
              await a.prefill(question, { phase: 'question', logitsAll: true });
              const want = rows(a);
              await b.loadState(file);
              if (b.nPast !== doc.length) throw new Error(`${label}: restored ${b.nPast} tokens, saved ${doc.length}`);
              await b.prefill(question, { phase: 'question', logitsAll: true });
              notes.push(`${label} max ${compareRows(want, rows(b), tol).worst.toFixed(3)} × RMS`);
            } finally {
              a.dispose();
              b.dispose();
            }
          }
          return notes.join('; ');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
      await attempt(`${name}: cancel mid-prefill on ${device.name}`, async () => {
        const ctx = dev.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2 });
        try {
          const ac = new AbortController();
          let err: unknown;
          try {
            await ctx.prefill(doc, { phase: 'document', signal: ac.signal, onProgress: (p) => { if (p.done >= CHUNK) ac.abort(); } });
          } catch (e) {
            err = e;
          }
          const code = (err as { code?: string } | undefined)?.code;
          if (code !== 'SWAA_ERR_CANCELLED') throw new Error(`expected SWAA_ERR_CANCELLED, got ${err ? String(err) : 'no error'}`);
          const kept = ctx.nPast;
          if (kept <= 0 || kept >= doc.length || kept % CHUNK !== 0) throw new Error(`kept ${kept} of ${doc.length} tokens`);
          ctx.clear();
          await ctx.prefill(doc, { phase: 'document' });
          if (ctx.nPast !== doc.length) throw new Error(`after the cancel a prefill read ${ctx.nPast} tokens`);
          return `stopped after ${kept} of ${doc.length} tokens; the next prefill read all`;
        } finally {
          ctx.dispose();
        }
      });
    }
  } finally {
    cpu.dispose();
    dev.dispose();
  }
}

// --- llama.cpp on the same Vulkan device ------------------------------------------------------
if (demoPrompt && device.backend === 'Vulkan') {
  await attempt(`demo: llama.cpp (node-llama-cpp, Vulkan) greedy = ours on ${device.name}`, async () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'llama-vulkan.ts'),
      JSON.stringify({ model: DEMO, prompt: demoPrompt, maxTokens: GREEDY_TOKENS })], { encoding: 'utf8', env: process.env, timeout: 300_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) throw new Error(`node-llama-cpp failed (${r.status}): ${(r.stderr || r.stdout).slice(-400)}`);
    const ref = JSON.parse(line) as { tokens: number[]; margins: number[]; device: string; gpu: string };
    if (ref.gpu !== 'vulkan') throw new Error(`node-llama-cpp ran on ${ref.gpu}, not Vulkan`);
    const model = await swaa.loadModel(DEMO, { device: device.name });
    try {
      const ctx = model.createContext({ contextSize: 256, chunkSize: CHUNK, threads: 2 });
      await ctx.prefill(demoPrompt!, { phase: 'document' });
      const ours = (await ctx.generate({ maxTokens: GREEDY_TOKENS })).tokens;
      ctx.dispose();
      if (ours.join(',') !== ref.tokens.join(',')) throw new Error(`llama.cpp [${ref.tokens}] vs ours [${ours}]`);
      return `${ours.length} tokens on ${ref.device}; smallest llama.cpp margin ${Math.min(...ref.margins).toFixed(2)}`;
    } finally {
      model.dispose();
    }
  });
}

const passed = cases.filter((c) => c.ok).length;
if (verbose || passed < cases.length) console.log(`\nworst |Δlogit| seen: float ${worstSeen.float.toFixed(4)}, quantized ${worstSeen.quantized.toFixed(4)} × RMS`);
console.log(`\ngpu: ${passed}/${cases.length} cases on ${device.name} (${device.description})`);
process.exit(passed === cases.length ? 0 : 1);
