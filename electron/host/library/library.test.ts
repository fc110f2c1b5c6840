/** The library: migrations, WAL, documents deduplicated by content, runs with every metric, settings, LRU cache index. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Library, DEFAULT_SETTINGS } from './library.js';
import Database from 'better-sqlite3';
import { schemaVersion } from './db.js';
import { MIGRATIONS } from './migrations.js';
import { tempDir } from '../../test/fixtures.js';
import type { IngestedDocument } from '../documents/ingest.js';

const doc = (text: string, sha = 'a'.repeat(64)): IngestedDocument => ({
  name: 'a.txt', format: 'text', text, sha256: sha, fileBytes: text.length, pages: null, encoding: 'utf-8', warnings: [],
});
const recipe = { window: 512, sinks: 16, faLayers: { kind: 'odd' as const }, faDecode: true, questionFa: true };
const sampling = { temperature: 0.7, topK: 20, topP: 0.9, minP: 0, repeatPenalty: 1.1, repeatLastN: 64, seed: 7 };

test('opens with WAL and the latest schema version', () => {
  const { dir, cleanup } = tempDir();
  try {
    const lib = new Library(join(dir, 'lib.sqlite'));
    assert.equal(lib.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(schemaVersion(lib.db), MIGRATIONS.length);
    lib.close();
    const again = new Library(join(dir, 'lib.sqlite'));
    assert.equal(schemaVersion(again.db), MIGRATIONS.length);
    again.close();
  } finally { cleanup(); }
});

test('stores documents once per content and removes them with their runs', () => {
  const lib = new Library(':memory:');
  const a = lib.addDocument('/x/a.txt', doc('hello world'));
  const b = lib.addDocument('/y/copy.txt', doc('hello world'));
  assert.equal(a.existed, false);
  assert.equal(b.existed, true);
  assert.equal(b.summary.id, a.summary.id);
  lib.setTokenCount(a.summary.id, 'm1', 42);
  assert.deepEqual(lib.documentSummary(a.summary.id)?.tokenCounts, { m1: 42 });
  assert.equal(lib.document(a.summary.id)?.text, 'hello world');
  const run = lib.createRun({ documentId: a.summary.id, modelId: 'm1', compareId: null, question: 'q?', presetId: 'fast', recipe, maxTokens: 8, sampling });
  assert.equal(run.status, 'running');
  assert.deepEqual(run.recipe, recipe);
  assert.equal(lib.removeDocument(a.summary.id).removed, true);
  assert.equal(lib.run(run.id), null);
  assert.deepEqual(lib.listDocuments(), []);
});

test('finishes runs with every metric and fails runs interrupted by a crash', () => {
  const lib = new Library(':memory:');
  const d = lib.addDocument('/a', doc('text')).summary;
  const r1 = lib.createRun({ documentId: d.id, modelId: 'm', compareId: 'c', question: 'one', presetId: null, recipe, maxTokens: 4, sampling });
  const r2 = lib.createRun({ documentId: d.id, modelId: 'm', compareId: 'c', question: 'two', presetId: null, recipe, maxTokens: 4, sampling });
  const metrics = {
    documentCached: false, documentTokens: 10, questionTokens: 3, prefillTokens: 13, prefillMs: 5, prefillTokPerS: 2600,
    timeToFirstTokenMs: 6, decodeTokens: 2, decodeMs: 1, decodeTokPerS: 2000, totalMs: 7, loadMs: 0, restoredFromDisk: false,
    kvBytes: 1024, computeBytes: 1, deviceBytes: 2, peakRssBytes: 3, attnRowsDocument: 4, attnRowsQuestion: 5, attnRowsDecode: 6,
    threads: 2, backend: 'CPU', contextSize: 4096,
  };
  const done = lib.finishRun(r1.id, { status: 'done', answer: 'yes', stopReason: 'eog', error: null, metrics });
  assert.deepEqual(done?.metrics, metrics);
  assert.equal(lib.failInterruptedRuns({ code: 'HOST_CRASHED', message: 'gone' }), 1);
  assert.equal(lib.run(r2.id)?.status, 'error');
  assert.equal(lib.run(r2.id)?.error?.code, 'HOST_CRASHED');
  assert.deepEqual(lib.listRuns(d.id).map((r) => r.question).sort(), ['one', 'two']);
});

test('settings merge over defaults and ignore stored values that no longer validate', () => {
  const lib = new Library(':memory:');
  assert.deepEqual(lib.settings(), DEFAULT_SETTINGS);
  assert.equal(lib.updateSettings({ contextSize: 16384 }).contextSize, 16384);
  lib.db.prepare(`INSERT INTO settings (key, value) VALUES ('threads', '"many"')`).run();
  assert.equal(lib.settings().threads, DEFAULT_SETTINGS.threads);
});

test('the KV cache index names least recently used entries over the cap', () => {
  const lib = new Library(':memory:');
  const d = lib.addDocument('/a', doc('text')).summary;
  for (const [i, key] of ['old', 'mid', 'new'].entries()) {
    lib.putKvCache({ key, documentId: d.id, modelId: 'm', file: `/c/${key}`, bytes: 100 });
    lib.db.prepare('UPDATE kv_cache SET last_used_at = ? WHERE key = ?').run(1000 + i, key);
  }
  assert.deepEqual(lib.kvCacheOverCap(250).map((e) => e.key), ['old']);
  assert.deepEqual(lib.kvCacheOverCap(100).map((e) => e.key), ['old', 'mid']);
  assert.deepEqual(lib.removeDocument(d.id).cacheFiles.sort(), ['/c/mid', '/c/new', '/c/old']);
});

test('keeps the sampling of each run', () => {
  const lib = new Library(':memory:');
  const d = lib.addDocument('/a', doc('text')).summary;
  const r = lib.createRun({ documentId: d.id, modelId: 'm', compareId: null, question: 'q', presetId: null, recipe, maxTokens: 4, sampling });
  assert.deepEqual(lib.run(r.id)?.sampling, sampling);
  assert.deepEqual(lib.listRuns(d.id)[0]?.sampling, sampling);
});

test('upgrades a library of the first schema: its runs stay readable, new runs record sampling', () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'v1.sqlite');
    // A database exactly as schema 1 wrote it, with a finished run in it.
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    old.prepare(`INSERT INTO documents (id, path, name, format, sha256, file_bytes, chars, pages, encoding, warnings, text, added_at)
      VALUES ('d1', '/a.txt', 'a.txt', 'text', ?, 4, 4, NULL, 'utf-8', '[]', 'text', '2026-01-01T00:00:00Z')`).run('b'.repeat(64));
    old.prepare(`INSERT INTO conversations (id, document_id, title, created_at) VALUES ('c1', 'd1', 'a.txt', '2026-01-01T00:00:00Z')`).run();
    old.prepare(`INSERT INTO runs (id, document_id, conversation_id, model_id, compare_id, question, preset_id, recipe, max_tokens, status,
      answer, stop_reason, created_at, finished_at) VALUES ('r1', 'd1', 'c1', 'demo', NULL, 'Who?', 'full', ?, 16, 'done', 'Ada.', 'eog',
      '2026-01-01T00:00:01Z', '2026-01-01T00:00:02Z')`).run(JSON.stringify(recipe));
    old.close();

    const lib = new Library(path);
    assert.equal(schemaVersion(lib.db), MIGRATIONS.length);
    const before = lib.run('r1');
    assert.equal(before?.question, 'Who?');
    assert.equal(before?.answer, 'Ada.');
    assert.equal(before?.sampling, null, 'a run from before has no recorded sampling');
    const added = lib.createRun({ documentId: 'd1', modelId: 'demo', compareId: null, question: 'When?', presetId: 'full', recipe, maxTokens: 16, sampling });
    assert.deepEqual(lib.listRuns('d1').map((r) => [r.question, r.sampling]), [['When?', sampling], ['Who?', null]]);
    assert.deepEqual(lib.db.prepare('SELECT conversation_id AS c FROM runs WHERE id = ?').get(added.id), { c: 'c1' });
    lib.close();
  } finally { cleanup(); }
});
