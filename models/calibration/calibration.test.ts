/**
 * FA-layer calibration on the real demo model: the per-layer NLL rise is measured and the same seed
 * gives the same file; the greedy order starts with the layer whose windowing hurts most; the
 * calibrated presets are valid recipes; cancel stops a calibration; the committed demo calibration
 * belongs to the committed demo model. Small draws (4 questions) keep this under a minute on two cores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadModel, SwaaError, type Model } from '../../native/addon/index.js';
import { calibrateLayers, logProb } from '../../native/addon/calibrate.js';
import { CalibrationSchema, PresetSchema, RecipeSchema } from '../../electron/shared/contract.js';
import { calibratedPresets } from '../../electron/shared/calibration.js';
import { demoModelPath, missingPrerequisite, repoRoot } from '../../native/tests/ts/fixtures.js';
import { documentItems, readCalibration, runCalibration, type CalibrationSource } from './calibration.js';
import { join } from 'node:path';

const skip = missingPrerequisite();
let modelPromise: Promise<Model> | undefined;
const model = () => (modelPromise ??= loadModel(demoModelPath, { device: 'cpu' }));
const SMALL: CalibrationSource = { kind: 'heldout', lengths: [1000], documents: 2, questionsPerDocument: 2 };
// The window the demo calibration uses: small enough that a 4-layer model's layer choice matters.
const W = { window: 64, sinks: 16 };

const calibrate = async (seed: number, signal?: AbortSignal, onProgress?: () => void) => {
  const m = await model();
  return runCalibration({ hash: m.hash, info: m.info, calibrate: (items, o) => calibrateLayers(m, items, o) }, SMALL,
    { seed, ...W, threads: 2, signal, onProgress });
};

// One calibration shared by the tests that only read it (each costs some 60 scored prompts).
let shared: ReturnType<typeof calibrate> | undefined;
const seed3 = () => (shared ??= calibrate(3));

test('logProb is a log-softmax', () => {
  const logits = new Float32Array([1, 2, 3, 1000]);
  assert.ok(Math.abs(logProb(logits, 3)) < 1e-9);
  const p = [0, 1, 2].map((i) => Math.exp(logProb(new Float32Array([1, 2, 3]), i)));
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test('documentItems: seeded questions about a person\'s document, answers left to self-distillation', () => {
  const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about topic ${i * 3}.`).join(' ');
  const a = documentItems(text, 5, 7);
  assert.equal(a.length, 5);
  assert.deepEqual(a, documentItems(text, 5, 7));
  assert.notDeepEqual(a, documentItems(text, 5, 8));
  for (const i of a) { assert.equal(i.answer, null); assert.match(i.question, /^What does the document say right after ".+"\?$/); }
});

test('the per-layer NLL rise is measured on the demo model and the same seed gives the same file', { skip: skip ?? false }, async () => {
  const a = await seed3();
  const m = await model();
  assert.equal(a.single.length, m.info.nLayer);
  assert.ok(a.nllWindowed > a.nllFull, `windowing every layer must raise the answer NLL (${a.nllWindowed} vs ${a.nllFull})`);
  for (const s of a.single) assert.ok(Number.isFinite(s.rise) && Math.abs(s.rise - (s.nll - a.nllFull)) < 1e-5);
  assert.deepEqual([...a.ranking].sort(), Array.from({ length: m.info.nLayer }, (_, i) => i));
  const b = await calibrate(3);
  assert.deepEqual(b, a);
  assert.equal(JSON.stringify(b), JSON.stringify(a)); // the stored text too (key order), not only the values
});

test('the greedy order starts with the layer of the largest single-layer rise', { skip: skip ?? false }, async () => {
  const c = await seed3();
  const largest = c.single.reduce((x, y) => (y.rise > x.rise ? y : x));
  assert.equal(c.greedy[0]!.layer, largest.layer);
  assert.equal(c.ranking[0], largest.layer);
  // the curve: each step's NLL is the previous minus its drop
  let prev = c.nllWindowed;
  for (const g of c.greedy) { assert.ok(Math.abs(prev - g.drop - g.nll) < 1e-5); prev = g.nll; }
});

test('calibrated presets are contract recipes at 1/4 and 1/2 of the layers', { skip: skip ?? false }, async () => {
  const c = await seed3();
  assert.deepEqual(c.presets.map((p) => [p.id, p.budget]), [['calibrated-4', 1], ['calibrated-2', 2]]);
  for (const p of c.presets) {
    RecipeSchema.parse(p.recipe);
    assert.deepEqual(p.recipe.faLayers, { kind: 'list', layers: c.ranking.slice(0, p.budget).sort((x, y) => x - y) });
    assert.equal(p.recipe.window, W.window);
  }
  for (const p of calibratedPresets(c)) PresetSchema.parse(p);
});

test('cancel stops a calibration', { skip: skip ?? false }, async () => {
  const abort = new AbortController();
  let progressAfterCancel = 0;
  await assert.rejects(calibrate(3, abort.signal, () => { if (abort.signal.aborted) progressAfterCancel++; abort.abort(); }),
    (e: unknown) => e instanceof SwaaError && e.code === 'SWAA_ERR_CANCELLED');
  assert.ok(progressAfterCancel <= 1, `scored ${progressAfterCancel} prompts after the cancel`);
});

test('the committed demo calibration is valid and belongs to the committed demo model', { skip: skip ?? false }, async () => {
  const path = join(repoRoot, 'models', 'demo', 'calibration.json');
  const c = readCalibration(path);
  assert.ok(c, `${path} is missing or invalid`);
  CalibrationSchema.parse(c);
  const m = await model();
  assert.equal(c.model.hash, m.hash, 'models/demo/calibration.json is for another demo.gguf: rerun ' +
    '`npm run calibrate -- --window 64 --sinks 16 --out models/demo/calibration.json`');
  assert.equal(c.model.fileBytes, m.info.fileBytes);
});
