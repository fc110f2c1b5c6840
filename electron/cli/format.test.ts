/** Terminal formatting: exact strings for fixed inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextReport, formatBytes, formatMs, measuredRuns, overflowAdvice, progressLine } from './format.js';
import type { RunRecord } from '../shared/contract.js';

test('progress line shows bar, percent, counts, rate and ETA from raw facts', () => {
  assert.equal(progressLine({ phase: 'document', done: 500, total: 2000, elapsedMs: 1000 }, 8),
    'document [##......]  25%  500/2,000 tok  500 tok/s  ETA 3.0 s');
  assert.equal(progressLine({ phase: 'question', done: 0, total: 10, elapsedMs: 0 }, 4), 'question [....]   0%  0/10 tok  0 tok/s  ETA ?');
});

test('bytes and durations read naturally', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(3 * 1024 * 1024), '3.00 MiB');
  assert.equal(formatMs(850), '850 ms');
  assert.equal(formatMs(12_340), '12.3 s');
  assert.equal(formatMs(125_000), '2 min 5 s');
});

test('the document\'s tokens are reported before a run, with the --context that would fit', () => {
  assert.deepEqual(contextReport({ tokens: 3000, answerRoom: 16, contextSize: 8192, trainedContext: 8192 }),
    { lines: ['tokens:   3,000 document tokens, context 8,192'], fits: true });
  const tight = contextReport({ tokens: 3000, answerRoom: 16, contextSize: 2048, trainedContext: 8192 });
  assert.equal(tight.fits, false);
  assert.match(tight.lines[1]!, /rerun with --context 3072$/);
  const tooLong = contextReport({ tokens: 9000, answerRoom: 16, contextSize: 8192, trainedContext: 8192 });
  assert.doesNotMatch(tooLong.lines.join('\n'), /--context/);
  assert.match(tooLong.lines[1]!, /trained context \(8,192 tokens\)/);
  const past = contextReport({ tokens: 100, answerRoom: 16, contextSize: 16384, trainedContext: 8192 });
  assert.equal(past.fits, true);
  assert.match(past.lines[1]!, /^warning: .*past the model's trained context/);
});

test('an overflow from the host becomes the --context to rerun with', () => {
  assert.equal(overflowAdvice({ promptTokens: 5000, contextSize: 4096, answerRoom: 16, neededContext: 5120, trainedContext: 8192 }),
    'rerun with --context 5120');
  assert.match(overflowAdvice({ promptTokens: 9000, contextSize: 8192, answerRoom: 16, neededContext: 9216, trainedContext: 8192 }),
    /past the model's trained context/);
});

test('runs without numbers get no metrics column', () => {
  const run = (id: string, metrics: RunRecord['metrics']) => ({ id, metrics }) as RunRecord;
  assert.deepEqual(measuredRuns([run('a', null), run('b', null)]), []);
  const m = { documentTokens: 1 } as RunRecord['metrics'];
  assert.deepEqual(measuredRuns([run('a', null), run('b', m)]).map((r) => r.id), ['b']);
});
