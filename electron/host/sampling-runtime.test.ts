/**
 * Sampling on the real runtime with the demo model: the same seed reproduces a sampled answer, a
 * different seed can change it, and greedy answers ignore the seed. Skips, saying why, where the
 * addon or the demo model is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineHost } from './host.js';
import { loadRuntime } from './start-host.js';
import { tempDir } from '../test/fixtures.js';
import { DEMO_MODEL, EventLog, PRESETS, ROOT, realRuntimeMissing } from '../test/host-harness.js';
import type { AnyEvent, RunRecord, SamplingPatch } from '../shared/contract.js';

const skip = realRuntimeMissing();

test('a seed reproduces a sampled answer and another seed can change it', { skip: skip ?? false }, async () => {
  const tmp = tempDir();
  const log = new EventLog();
  const host = new EngineHost({
    dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime('native'),
    emit: (event, payload) => log.push({ event, payload } as AnyEvent), demoModelPath: DEMO_MODEL, presetsPath: PRESETS,
  });
  try {
    // The shortest sample document keeps the (once-only) prefill small; the document stays cached.
    const doc = await host.call('documents.add', { path: join(ROOT, 'models', 'demo', 'samples', 'expedition_log.txt') });
    const ask = async (sampling: SamplingPatch): Promise<RunRecord> => {
      const { runId } = await host.call('runs.ask', { documentId: doc.id, question: 'What is the manager of Dagny Zimmerli?', presetId: 'full', maxTokens: 12, sampling });
      const e = await log.waitFor((x) => (x.event === 'run.done' || x.event === 'run.error') && x.payload.runId === runId, 300_000);
      if (e.event !== 'run.done') throw new Error(`the run failed: ${JSON.stringify(e.payload)}`);
      assert.equal(e.payload.run.status, 'done');
      return e.payload.run;
    };
    // Hot and unfiltered, so that every token is a real draw.
    const hot = { temperature: 1.5, topK: 0, topP: 1, minP: 0 };
    const first = await ask({ ...hot, seed: 7 });
    const again = await ask({ ...hot, seed: 7 });
    assert.deepEqual(first.sampling, { ...first.sampling!, ...hot, seed: 7 }, 'the run records what it sampled with');
    assert.equal(again.answer, first.answer, 'the same seed gives the same answer');
    const others: string[] = [];
    for (const seed of [8, 9, 10, 11, 12]) others.push((await ask({ ...hot, seed })).answer);
    assert.ok(others.some((a) => a !== first.answer), `another seed changes the answer (all gave ${JSON.stringify(first.answer)})`);

    const g1 = await ask({ temperature: 0, seed: 3 });
    const g2 = await ask({ temperature: 0, seed: 4 });
    assert.equal(g1.answer, g2.answer, 'greedy answers do not depend on the seed');
  } finally {
    host.dispose();
    tmp.cleanup();
  }
});
