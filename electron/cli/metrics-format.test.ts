/** The CLI's metrics table says which runs were cached or cold, which hit the token limit, and each run's own peak. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunMetrics, RunRecord } from '../shared/contract.js';
import { metricsTable, peakText, stopLine } from './format.js';

const MIB = 1024 * 1024;

function metrics(over: Partial<RunMetrics> = {}): RunMetrics {
  return {
    documentCached: false, documentTokens: 1000, questionTokens: 10, prefillTokens: 1010, prefillMs: 500, prefillTokPerS: 2020,
    timeToFirstTokenMs: 520, decodeTokens: 8, decodeMs: 80, decodeTokPerS: 100, totalMs: 600, loadMs: 0, restoredFromDisk: false,
    kvBytes: 4 * MIB, computeBytes: MIB, deviceBytes: 0, peakRssBytes: 150 * MIB, rssAtStartBytes: 120 * MIB, peakRssMethod: 'highWaterMark',
    attnRowsDocument: 0, attnRowsQuestion: 0, attnRowsDecode: 0, threads: 2, backend: 'CPU', contextSize: 4096, ...over,
  };
}

function run(id: string, over: Partial<RunRecord>): RunRecord {
  return {
    id, documentId: 'd', modelId: 'demo', compareId: 'c', question: 'q?', presetId: id,
    recipe: { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
    maxTokens: 64, status: 'done', answer: 'a', stopReason: 'eog', error: null, metrics: metrics(), sampling: null, createdAt: '', finishedAt: '', ...over,
  };
}

/** The cells of the row labelled exactly `label` (columns are separated by two or more spaces). */
const row = (table: string, label: string) => {
  const line = table.split('\n').find((l) => l.split(/\s{2,}/)[0] === label);
  assert.ok(line, `a row "${label}"`);
  return line.split(/\s{2,}/).slice(1);
};

test('compare table: cache state, token-limit stops and run-scoped peaks per column', () => {
  const table = metricsTable([
    run('full', { metrics: metrics({ forcedCold: true }) }),
    run('balanced', { stopReason: 'maxTokens', maxTokens: 8, metrics: metrics({ documentCached: true, peakRssBytes: 130 * MIB, rssAtStartBytes: 128 * MIB }) }),
    run('fastest', { metrics: metrics({ documentCached: true, restoredFromDisk: true, rssAtStartBytes: undefined, peakRssMethod: undefined }) }),
  ]);
  assert.deepEqual(row(table, 'document'), ['cold (forced)', 'cached (memory)', 'cached (disk)']);
  assert.deepEqual(row(table, 'status'), ['done', 'done, at the 8-token limit', 'done']);
  assert.deepEqual(row(table, 'peak memory (run)'), ['150.0 MiB (+30.0 MiB)', '130.0 MiB (+2.00 MiB)', '150.0 MiB (process)']);
});

test('a run cut at the token limit gets a line saying so and what to change', () => {
  assert.equal(stopLine({ stopReason: 'maxTokens', maxTokens: 32 }), '[stopped at the 32-token limit: the answer may be cut short; raise --max-tokens]');
  assert.equal(stopLine({ stopReason: 'contextFull', maxTokens: 32 }), '[stopped: the context is full: raise --context]');
  assert.equal(stopLine({ stopReason: 'eog', maxTokens: 32 }), null);
  assert.equal(peakText(metrics({ peakRssBytes: 100 * MIB, rssAtStartBytes: 200 * MIB })), '100.0 MiB (+0 B)');
});
