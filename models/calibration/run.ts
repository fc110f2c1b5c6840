/**
 * `npm run calibrate -- [--model X.gguf] [--doc FILE] [--seed N] [--window W] [--sinks K] [--out FILE]`
 * NLL-guided FA-layer calibration of one model (native/addon/calibrate.ts): prints the per-layer NLL
 * rise, the greedy curve and the ranking, and stores the result with its "Calibrated" presets per
 * model hash in the app's data folder (<dataDir>/calibration/<hash>.json, where the app finds it), or
 * at --out. Ctrl-C cancels.
 *
 *   npm run calibrate -- --window 64 --sinks 16 --out models/demo/calibration.json   # the committed demo file
 */
import { parseArgs } from 'node:util';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../native/addon/index.js';
import { calibrateLayers } from '../../native/addon/calibrate.js';
import { ingestFile } from '../../electron/host/documents/ingest.js';
import { defaultDataDir } from '../../electron/host/paths.js';
import { loadPresets, presetRecipe } from '../presets.js';
import { calibrationPath, runCalibration, writeCalibration, type CalibrationSource } from './calibration.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DEMO = join(root, 'models', 'demo', 'demo.gguf');
const USAGE = `usage: npm run calibrate -- [options]
  --model FILE     GGUF model (default: models/demo/demo.gguf)
  --doc FILE       calibrate on your own document (questions seeded, answers self-distilled) instead of
                   the demo generator's held-out documents
  --seed N         seed of the held-out draw or the document's questions (default 1); same seed, same file
  --window W       window of the calibrated recipe (default: the Fast preset's, demo-scaled for the demo model)
  --sinks K        sinks of the calibrated recipe (default: the Fast preset's)
  --questions N    questions on --doc (default 8)
  --threads N      CPU threads (default 2)
  --out FILE       where to write (default: <dataDir>/calibration/<model hash>.json)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' }, doc: { type: 'string' }, seed: { type: 'string' }, window: { type: 'string' },
      sinks: { type: 'string' }, questions: { type: 'string' }, threads: { type: 'string' }, out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { console.log(USAGE); return 0; }
  const modelPath = resolve(values.model ?? DEMO);
  const model = await loadModel(modelPath, { device: 'cpu' });
  const fast = presetRecipe(loadPresets(), 'fast', model.info, { demo: modelPath === DEMO });
  const window = Number(values.window ?? fast.window ?? 256);
  const sinks = Number(values.sinks ?? fast.sinks);
  const seed = Number(values.seed ?? 1);
  const threads = Number(values.threads ?? 2);
  let source: CalibrationSource = { kind: 'heldout' };
  if (values.doc) {
    const doc = await ingestFile(resolve(values.doc));
    source = { kind: 'document', name: basename(values.doc), text: doc.text, questions: values.questions ? Number(values.questions) : undefined };
  }
  const abort = new AbortController();
  process.on('SIGINT', () => { console.error('\ncalibrate: cancelling…'); abort.abort(); });
  console.error(`calibrate: ${relative(root, modelPath)} (${model.info.name}, ${model.info.nLayer} layers, hash ${model.hash}), ` +
    `W=${window} k=${sinks}, seed ${seed}, ${source.kind === 'heldout' ? 'held-out documents' : source.name}`);
  let lastLine = 0;
  const c = await runCalibration({
    hash: model.hash, info: model.info,
    calibrate: (items, o) => calibrateLayers(model, items, o),
  }, source, {
    seed, window, sinks, threads, signal: abort.signal,
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLine < 1000 && p.done < p.total) return;
      lastLine = now;
      process.stderr.write(`\r  ${p.stage.padEnd(9)} ${p.done}/${p.total} prompts, ${(p.elapsedMs / 1000).toFixed(0)} s   `);
    },
  });
  process.stderr.write('\n');
  const out = resolve(values.out ?? calibrationPath(join(defaultDataDir(), 'calibration'), model.hash));
  writeCalibration(out, c);
  const f = (x: number) => x.toFixed(4);
  console.log(`answer NLL (nats/token, ${c.prompts} prompts, ${c.answerTokens} answer tokens): full ${f(c.nllFull)}, all windowed ${f(c.nllWindowed)}`);
  console.log('single layer windowed (others full):');
  for (const s of c.single) console.log(`  layer ${s.layer}: NLL ${f(s.nll)}  rise ${s.rise >= 0 ? '+' : ''}${f(s.rise)}`);
  console.log('greedy (from all windowed, add the FA layer that lowers NLL most):');
  for (const g of c.greedy) console.log(`  + layer ${g.layer}: NLL ${f(g.nll)}  drop ${f(g.drop)}`);
  console.log(`ranking: ${c.ranking.join(', ')}`);
  for (const p of c.presets) console.log(`preset ${p.id}: FA layers ${p.recipe.faLayers.kind === 'list' ? p.recipe.faLayers.layers.join(',') : '-'}`);
  console.log(`wrote ${out}`);
  model.dispose();
  return 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (code === 'SWAA_ERR_CANCELLED') { console.error('calibrate: cancelled'); process.exit(130); }
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
