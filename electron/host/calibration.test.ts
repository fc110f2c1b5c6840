/**
 * Calibration through the engine host on the real runtime and demo model: the committed demo
 * calibration's presets appear in presets.list, validate as contract recipes and run; calibration.run
 * streams progress, stores a result that calibration.get and presets.list then use; cancel ends a
 * calibration as 'cancelled'; a second calibration while one runs is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RecipeSchema, type AnyEvent, type EventOf } from '../shared/contract.js';
import { openHeadlessHost, type HeadlessHost } from './headless.js';
import { missingPrerequisite } from '../../native/tests/ts/fixtures.js';
import { tempDir } from '../test/fixtures.js';

const skip = missingPrerequisite();

/** A short document in the demo model's own style, with facts far apart. */
const DOC = Array.from({ length: 30 }, (_, i) => (i === 4 ? 'The badge number of Mira Castell is 48213.'
  : i === 20 ? 'The office room of Tom Lindqvist is C-214.' : `The town council met on day ${i} and tea was served at four.`)).join(' ');

async function open(): Promise<{ h: HeadlessHost; events: AnyEvent[]; cleanup: () => void; dataDir: string }> {
  const tmp = tempDir();
  const events: AnyEvent[] = [];
  const dataDir = join(tmp.dir, 'data');
  const h = await openHeadlessHost({ dataDir, onEvent: (e) => events.push(e) });
  return { h, events, dataDir, cleanup: () => { h.dispose(); tmp.cleanup(); } };
}

async function ended(events: AnyEvent[], calibrationId: string): Promise<EventOf<'calibration.done'>> {
  for (;;) {
    const e = events.find((x) => x.event === 'calibration.done' && x.payload.calibrationId === calibrationId);
    if (e && e.event === 'calibration.done') return e.payload;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the demo model\'s committed calibration gives presets that validate and run through the host', { skip: skip ?? false }, async () => {
  const { h, cleanup } = await open();
  try {
    const got = await h.call('calibration.get', {});
    assert.ok(got.calibration, 'the demo model has a committed calibration (models/demo/calibration.json)');
    const listed = await h.call('presets.list', {});
    const calibrated = listed.presets.filter((p) => p.id.startsWith('calibrated-'));
    assert.deepEqual(calibrated.map((p) => p.id), ['calibrated-4', 'calibrated-2']);
    for (const p of calibrated) RecipeSchema.parse(p.demoRecipe);
    const doc = await h.addText('doc.txt', DOC);
    const run = await h.ask({ documentId: doc.id, question: 'What is the badge number of Mira Castell?', presetId: 'calibrated-4', maxTokens: 12 });
    assert.equal(run.status, 'done');
    assert.deepEqual(run.recipe, got.calibration.presets.find((p) => p.id === 'calibrated-4')!.recipe);
  } finally { cleanup(); }
});

test('calibration.run streams progress, stores the result and its presets replace the committed ones', { skip: skip ?? false }, async () => {
  const { h, events, dataDir, cleanup } = await open();
  try {
    const doc = await h.addText('doc.txt', DOC);
    const { calibrationId } = await h.call('calibration.run', { documentId: doc.id, questions: 2, window: 32, sinks: 4, seed: 5 });
    await assert.rejects(h.call('calibration.run', { documentId: doc.id, questions: 2 }), (e: unknown) => (e as { code?: string }).code === 'BUSY');
    const done = await ended(events, calibrationId);
    assert.equal(done.status, 'done', JSON.stringify(done.error));
    const c = done.calibration!;
    assert.equal(c.source.kind, 'document');
    assert.equal(c.window, 32);
    const progress = events.flatMap((e) => (e.event === 'calibration.progress' && e.payload.calibrationId === calibrationId ? [e.payload] : []));
    assert.ok(progress.length > 0);
    assert.equal(progress.at(-1)!.done, progress.at(-1)!.total);
    assert.ok(existsSync(join(dataDir, 'calibration', `${c.model.hash}.json`)));
    assert.deepEqual((await h.call('calibration.get', {})).calibration, c);
    const listed = await h.call('presets.list', {});
    assert.equal(listed.presets.find((p) => p.id === 'calibrated-2')?.demoRecipe.window, 32);
    const run = await h.ask({ documentId: doc.id, question: 'What is the office room of Tom Lindqvist?', presetId: 'calibrated-2', maxTokens: 12 });
    assert.equal(run.status, 'done');
    assert.deepEqual(run.recipe, c.presets.find((p) => p.id === 'calibrated-2')!.recipe);
  } finally { cleanup(); }
});

test('cancel stops a calibration', { skip: skip ?? false }, async () => {
  const { h, events, cleanup } = await open();
  try {
    const doc = await h.addText('doc.txt', DOC);
    const { calibrationId } = await h.call('calibration.run', { documentId: doc.id, questions: 4 });
    while (!events.some((e) => e.event === 'calibration.progress')) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await h.call('calibration.cancel', { calibrationId }), { cancelled: true });
    const done = await ended(events, calibrationId);
    assert.equal(done.status, 'cancelled');
    assert.equal(done.calibration, null);
    assert.deepEqual(await h.call('calibration.cancel', { calibrationId }), { cancelled: false });
    // the committed calibration still stands: a cancelled one stores nothing
    assert.equal((await h.call('calibration.get', {})).calibration?.window, 64);
  } finally { cleanup(); }
});
