/** Terminal formatting: exact strings for fixed inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatMs, progressLine } from './format.js';

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
