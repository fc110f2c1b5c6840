/**
 * Downloads against a local server that behaves like Hugging Face's resolve endpoint (electron/test/fake-hf.ts):
 * resume after a dropped connection, checksum refusal, cancel, 401/404 messages, a full disk, and a
 * token that never reaches the storage host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DownloadStatus } from '../../shared/contract.js';
import { tempDir } from '../../test/fixtures.js';
import { sha256Hex, startFakeHf, type FakeFile } from '../../test/fake-hf.js';
import type { CatalogFile } from './catalog.js';
import { DownloadManager, normalizeModelUrl } from './downloads.js';

/** Deterministic bytes that start like a GGUF; big enough to come in several chunks. */
function fakeGguf(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  b.write('GGUF', 0);
  for (let i = 4; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

const REPO = 'test-org/Tiny-GGUF';
const REV = 'a'.repeat(40);

function catalogOf(entries: { id: string; file: string; bytes: Buffer | null; pinnedSha?: string | null; repo?: string }[]): CatalogFile {
  return {
    version: 1,
    models: entries.map((e) => ({
      id: e.id, name: e.id, family: 'qwen3', architecture: 'qwen3' as const, repo: e.repo ?? REPO, revision: REV, file: e.file,
      quantization: 'Q8_0', bytes: e.bytes ? e.bytes.length : null, sha256: e.pinnedSha === undefined ? (e.bytes ? sha256Hex(e.bytes) : null) : e.pinnedSha,
      trainedContext: 4096, shape: { nLayer: 2, nHeadKv: 1, headDim: 8 }, license: 'apache-2.0', gated: false,
      recipe: { presetId: 'balanced', faParity: 'odd' as const }, why: 'test', source: 'test',
    })),
  };
}

async function setup(files: FakeFile[], catalog: CatalogFile, extra: { token?: string | null; freeBytes?: number } = {}) {
  const tmp = tempDir();
  const hf = await startFakeHf(files);
  const updates: DownloadStatus[] = [];
  const registered: string[] = [];
  const modelsDir = join(tmp.dir, 'models');
  const make = (onUpdate?: (s: DownloadStatus, dl: DownloadManager) => void) => {
    const dl: DownloadManager = new DownloadManager({
    modelsDir, catalog: () => catalog, token: () => extra.token ?? null, endpoint: () => hf.url,
    onUpdate: (s) => { updates.push(s); onUpdate?.(s, dl); },
    register: async (p) => { registered.push(p); return `model-${registered.length}`; },
    ...(extra.freeBytes !== undefined ? { freeBytes: async () => extra.freeBytes! } : {}),
    });
    return dl;
  };
  return {
    hf, updates, registered, modelsDir, make,
    /** Files a person would see in the models folder (the .partial folder holds unfinished ones). */
    models: () => readdirSync(modelsDir).filter((f) => f !== '.partial'),
    partials: () => readdirSync(join(modelsDir, '.partial')),
    async cleanup() { await hf.close(); tmp.cleanup(); },
  };
}

test('a catalog download follows the redirect, verifies the pinned sha256 and lands in the models folder', async () => {
  const bytes = fakeGguf(300_000, 1);
  const s = await setup([{ repo: REPO, file: 'tiny.gguf', bytes }], catalogOf([{ id: 'tiny', file: 'tiny.gguf', bytes }]), { token: 'secret-token' });
  try {
    const dl = s.make();
    const started = dl.start({ catalogId: 'tiny' });
    const done = await dl.wait(started.id);
    assert.equal(done.state, 'done', JSON.stringify(done.error));
    assert.equal(done.verification, 'pinned');
    assert.equal(done.modelId, 'model-1');
    assert.deepEqual(s.models(), ['tiny.gguf']);
    assert.deepEqual(readFileSync(join(s.modelsDir, 'tiny.gguf')), bytes);
    assert.deepEqual(s.partials(), [], 'no partial file is left');
    assert.ok(s.updates.some((u) => u.state === 'downloading'), 'progress was reported');
    // The token goes to the resolve endpoint only, never to the storage host it redirects to.
    assert.ok(s.hf.log.some((l) => l.path.includes('/resolve/') && l.auth), JSON.stringify(s.hf.log));
    assert.ok(s.hf.log.filter((l) => l.path.startsWith('/cdn/')).every((l) => !l.auth));
    assert.ok(s.updates.every((u) => !JSON.stringify(u).includes('secret-token')), 'the token never appears in a status');
  } finally { await s.cleanup(); }
});

test('an interrupted download keeps its part, resumes with a Range request (also after a restart) and verifies', async () => {
  const bytes = fakeGguf(400_000, 2);
  const s = await setup([{ repo: REPO, file: 'resume.gguf', bytes, dropAfterBytes: 150_000 }], catalogOf([{ id: 'r', file: 'resume.gguf', bytes }]));
  try {
    const first = s.make();
    const a = await first.wait(first.start({ catalogId: 'r' }).id);
    assert.equal(a.state, 'error');
    assert.equal(a.error?.code, 'DOWNLOAD_NETWORK');
    assert.equal(a.resumable, true);
    assert.deepEqual(s.models(), [], 'nothing is offered as a model');
    assert.equal(a.doneBytes, 150_000);
    // A new manager (the app restarted) lists the part as paused and resumes it.
    const second = s.make();
    const paused = second.list();
    assert.equal(paused.length, 1);
    assert.equal(paused[0]!.state, 'paused');
    assert.equal(paused[0]!.doneBytes, 150_000);
    const b = await second.wait(second.start({ catalogId: 'r' }).id);
    assert.equal(b.state, 'done', JSON.stringify(b.error));
    assert.equal(s.hf.log.filter((l) => l.path.startsWith('/cdn/') && l.method === 'GET').at(-1)?.range, 'bytes=150000-');
    assert.deepEqual(readFileSync(join(s.modelsDir, 'resume.gguf')), bytes);
    assert.deepEqual(s.partials(), []);
  } finally { await s.cleanup(); }
});

test('a file that does not match its sha256 is refused and nothing is left', async () => {
  const bytes = fakeGguf(100_000, 3);
  const corrupt = Buffer.from(bytes);
  corrupt[5000] ^= 0xff;
  // Not pinned in the catalog: checked against the server's X-Linked-ETag.
  const s = await setup([{ repo: REPO, file: 'bad.gguf', bytes, corruptWith: corrupt }],
    catalogOf([{ id: 'bad', file: 'bad.gguf', bytes: null, pinnedSha: null }]));
  try {
    const dl = s.make();
    const r = await dl.wait(dl.start({ catalogId: 'bad' }).id);
    assert.equal(r.state, 'error');
    assert.equal(r.verification, 'server');
    assert.equal(r.error?.code, 'DOWNLOAD_CHECKSUM');
    assert.match(r.error?.message ?? '', /does not match its sha256.*removed/);
    assert.deepEqual(s.models(), []);
    assert.deepEqual(s.partials(), []);
    assert.deepEqual(s.registered, []);
  } finally { await s.cleanup(); }
});

test('a server whose file differs from the catalog pin is refused before any byte is fetched', async () => {
  const bytes = fakeGguf(50_000, 4);
  const s = await setup([{ repo: REPO, file: 'moved.gguf', bytes }], catalogOf([{ id: 'm', file: 'moved.gguf', bytes, pinnedSha: 'f'.repeat(64) }]));
  try {
    const dl = s.make();
    const r = await dl.wait(dl.start({ catalogId: 'm' }).id);
    assert.equal(r.error?.code, 'DOWNLOAD_CHECKSUM');
    assert.ok(!s.hf.log.some((l) => l.path.startsWith('/cdn/')), 'no bytes were requested');
  } finally { await s.cleanup(); }
});

test('cancel stops the download and leaves nothing behind', async () => {
  const bytes = fakeGguf(2_000_000, 5);
  const s = await setup([{ repo: REPO, file: 'big.gguf', bytes }], catalogOf([{ id: 'big', file: 'big.gguf', bytes }]));
  try {
    let cancelled = false;
    const dl2 = s.make((st, dl) => { if (!cancelled && st.state === 'downloading') { cancelled = true; assert.equal(dl.cancel(st.id), true); } });
    const r = await dl2.wait(dl2.start({ catalogId: 'big' }).id);
    assert.equal(r.state, 'cancelled');
    assert.deepEqual(s.models(), []);
    assert.deepEqual(s.partials(), []);
    assert.deepEqual(dl2.list().filter((x) => x.state === 'paused'), []);
  } finally { await s.cleanup(); }
});

test('401 on a gated repository and 404 read as what to do', async () => {
  const bytes = fakeGguf(10_000, 6);
  const cat = catalogOf([{ id: 'gated', file: 'g.gguf', bytes, repo: 'meta/Gated-GGUF' }, { id: 'gone', file: 'missing.gguf', bytes }]);
  const s = await setup([{ repo: 'meta/Gated-GGUF', file: 'g.gguf', bytes, token: 'right' }], cat);
  try {
    const dl = s.make();
    const g = await dl.wait(dl.start({ catalogId: 'gated' }).id);
    assert.equal(g.error?.code, 'DOWNLOAD_UNAUTHORIZED');
    assert.match(g.error?.message ?? '', /gated or private.*huggingface\.co\/meta\/Gated-GGUF.*accept its licence.*token/s);
    const n = await dl.wait(dl.start({ catalogId: 'gone' }).id);
    assert.equal(n.error?.code, 'DOWNLOAD_NOT_FOUND');
    assert.match(n.error?.message ?? '', /no such file.*404/i);
    assert.deepEqual(s.models(), []);
  } finally { await s.cleanup(); }
});

test('a disk without room is reported before downloading, keeping what was there', async () => {
  const bytes = fakeGguf(100_000, 7);
  const s = await setup([{ repo: REPO, file: 'full.gguf', bytes }], catalogOf([{ id: 'f', file: 'full.gguf', bytes }]), { freeBytes: 1024 });
  try {
    const dl = s.make();
    const r = await dl.wait(dl.start({ catalogId: 'f' }).id);
    assert.equal(r.error?.code, 'DISK_FULL');
    assert.match(r.error?.message ?? '', /Not enough disk space for full\.gguf/);
    assert.ok(!s.hf.log.some((l) => l.path.startsWith('/cdn/')));
    assert.deepEqual(s.models(), []);
  } finally { await s.cleanup(); }
});

test('any GGUF URL: blob links become resolve links, and the server hash is used', async () => {
  assert.equal(normalizeModelUrl('https://huggingface.co/a/b/blob/main/x.gguf').pathname, '/a/b/resolve/main/x.gguf');
  assert.throws(() => normalizeModelUrl('https://example.com/x.bin'), /\.gguf/);
  assert.throws(() => normalizeModelUrl('file:///etc/passwd'), /http/);
  const bytes = fakeGguf(20_000, 8);
  const s = await setup([{ repo: 'someone/Any-GGUF', file: 'any.gguf', bytes }], catalogOf([{ id: 'x', file: 'x.gguf', bytes }]));
  try {
    const dl = s.make();
    const r = await dl.wait(dl.start({ url: `${s.hf.url}/someone/Any-GGUF/blob/main/any.gguf` }).id);
    assert.equal(r.state, 'done', JSON.stringify(r.error));
    assert.equal(r.verification, 'server');
    assert.equal(r.catalogId, null);
    assert.deepEqual(s.models(), ['any.gguf']);
  } finally { await s.cleanup(); }
});

test('a partial file from another version of the file is discarded, not resumed', async () => {
  const bytes = fakeGguf(60_000, 9);
  const s = await setup([{ repo: REPO, file: 'v.gguf', bytes }], catalogOf([{ id: 'v', file: 'v.gguf', bytes }]));
  try {
    const dl = s.make();
    const id = dl.start({ catalogId: 'v' }).id;
    await dl.wait(id);
    // Leave a stale part with a sidecar naming another ETag, as an older upload would have.
    writeFileSync(join(s.modelsDir, '.partial', `${id}.part`), Buffer.alloc(30_000, 1));
    writeFileSync(join(s.modelsDir, '.partial', `${id}.json`), JSON.stringify({ url: 'x', etag: 'old', expectedBytes: 60_000, sha256: null,
      verification: 'server', file: 'v.gguf', catalogId: 'v' }));
    const again = s.make();
    const r = await again.wait(again.start({ catalogId: 'v' }).id);
    assert.equal(r.state, 'done', JSON.stringify(r.error));
    assert.equal(s.hf.log.filter((l) => l.path.startsWith('/cdn/') && l.method === 'GET').at(-1)?.range, null);
    assert.ok(!existsSync(join(s.modelsDir, '.partial', `${id}.part`)));
  } finally { await s.cleanup(); }
});
