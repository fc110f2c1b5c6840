/**
 * A model's chat template is untrusted code: it runs once, in a worker with time and memory limits.
 * A template that loops or balloons is refused with MODEL_INVALID and a reason, the host keeps
 * answering while it is checked, and a model with a sound template gives the same prompt as ever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { renderSkeleton } from '../../../native/addon/prompt.js';
import { ensureTestModel, TEST_MODELS } from '../../../native/tests/support/test-models.js';
import { EngineHost } from '../host.js';
import { loadRuntime } from '../start-host.js';
import { tempDir } from '../../test/fixtures.js';
import { DEMO_MODEL, PRESETS, realRuntimeMissing } from '../../test/host-harness.js';
import { checkedSkeleton } from './template-check.js';

const LOOP = '{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ messages[0].content }}';
const HUGE_RANGE = '{% for i in range(2000000000) %}{% endfor %}{{ messages[0].content }}';
const BALLOON = "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}{{ messages[0].content }}";
const inputs = (chatTemplate: string | null) => ({ chatTemplate, bosText: '<s>', eosText: '</s>' });

test('a sound template gives the same skeleton in the worker as in-thread', async () => {
  const t = "{{ bos_token }}<|user|>{{ messages[0]['content'] }}<|end|><|assistant|>";
  assert.deepEqual(await checkedSkeleton(inputs(t)), renderSkeleton(inputs(t)));
  assert.deepEqual(await checkedSkeleton(inputs(null)), renderSkeleton(inputs(null)));
});

test('a looping template is stopped and refused with the reason', async () => {
  await assert.rejects(checkedSkeleton(inputs(LOOP), { timeoutMs: 4000 }),
    (e: Error & { code?: string }) => e.code === 'MODEL_INVALID' && /did not finish within 4 s/.test(e.message));
});

test('a template that balloons is refused without taking the host\'s memory', async () => {
  await assert.rejects(checkedSkeleton(inputs(BALLOON)),
    (e: Error & { code?: string }) => e.code === 'MODEL_INVALID' && /more than 64 MB|Invalid string length|renders \d+ characters/.test(e.message));
});

test('range() is bounded: a template asking for billions of values is refused, not allowed to take the process down', async () => {
  // an array that size is a fatal out-of-memory for V8 even in a worker with limits
  await assert.rejects(checkedSkeleton(inputs(HUGE_RANGE)),
    (e: Error & { code?: string }) => e.code === 'MODEL_INVALID' && /range\(\) of 2000000000 values/.test(e.message));
  assert.throws(() => renderSkeleton(inputs(HUGE_RANGE)), /range\(\) of 2000000000 values/);
});

test('the host refuses a model with a looping template, answers meanwhile, and still asks the demo model', { skip: realRuntimeMissing() ?? false, timeout: 120_000 }, async () => {
  const spec = { ...TEST_MODELS['qwen3-f16'], name: 'qwen3-f16-looping-template', chatTemplate: LOOP };
  const file = await ensureTestModel(spec);
  const tmp = tempDir();
  const host = new EngineHost({ dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: await loadRuntime('native'), emit: () => undefined,
    demoModelPath: DEMO_MODEL, presetsPath: PRESETS });
  try {
    const order: string[] = [];
    const adding = host.call('models.add', { path: file.path }).then(() => order.push('add'), (e: Error & { code?: string }) => {
      order.push('add');
      return e;
    });
    await host.call('documents.list', {}).then(() => order.push('list'));
    const err = await adding;
    assert.deepEqual(order, ['list', 'add'], 'another channel answers while the template is checked');
    assert.ok(err instanceof Error && (err as Error & { code?: string }).code === 'MODEL_INVALID', `refused: ${String(err)}`);
    assert.match((err as Error).message, /chat template cannot be used: it did not finish/);
    const doc = await host.call('documents.upload', { name: 'a.txt', dataBase64: Buffer.from('The vault code is 4812.').toString('base64') });
    const { runId } = await host.call('runs.ask', { documentId: doc.id, question: 'What is the vault code?', maxTokens: 4 });
    await host.idle();
    assert.equal((await host.call('runs.get', { runId })).status, 'done');
  } finally { host.dispose(); tmp.cleanup(); }
});
