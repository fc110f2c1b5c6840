/**
 * Documents are read off the host's thread: while a large document is being read, other channels
 * answer (ordering, not timing: documents.list settles before the upload does); a read can be
 * cancelled, is stopped at its time limit, and a worker that runs out of its heap is refused cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DocumentReader } from './reader.js';
import { tempDir } from '../../test/fixtures.js';
import { scriptedHost } from '../../test/host-harness.js';

/** ~6 MB of text with long runs of spaces: seconds of work for any reader, pathological for the old one. */
function bigText(): Buffer {
  return Buffer.from(`${'The harbour master is Ingrid Solberg.' + ' '.repeat(4000) + '\n'}`.repeat(1500));
}

test('the host answers documents.list while a large upload is being read', async () => {
  const tmp = tempDir();
  const host = (await scriptedHost(tmp.dir)).host;
  try {
    const order: string[] = [];
    const upload = host.call('documents.upload', { name: 'big.txt', dataBase64: bigText().toString('base64') })
      .then((d) => { order.push('upload'); return d; });
    const list = host.call('documents.list', {}).then((l) => { order.push('list'); return l; });
    const info = host.call('app.info', {}).then(() => { order.push('info'); });
    await Promise.all([upload, list, info]);
    assert.deepEqual(order, ['list', 'info', 'upload']);
    assert.deepEqual(await list, []);
    assert.match((await upload).name, /big\.txt/);
    // The document is stored and the host goes on working.
    assert.equal((await host.call('documents.list', {})).length, 1);
  } finally {
    host.dispose();
    tmp.cleanup();
  }
});

test('a read can be cancelled, and later reads still work', async () => {
  const reader = new DocumentReader();
  try {
    const ac = new AbortController();
    const read = reader.readBytes('big.txt', bigText(), ac.signal);
    ac.abort();
    await assert.rejects(read, { code: 'CANCELLED' });
    assert.equal((await reader.readBytes('small.txt', Buffer.from('still here'))).text, 'still here');
  } finally {
    reader.close();
  }
});

test('a read past its time limit is stopped with DOC_TIMEOUT', async () => {
  const reader = new DocumentReader({ timeoutMs: 1 });
  try {
    await assert.rejects(reader.readBytes('big.txt', bigText()), { code: 'DOC_TIMEOUT' });
  } finally {
    reader.close();
  }
});

test('a document needing more than the worker heap is refused with DOC_TOO_LARGE', async () => {
  const reader = new DocumentReader({ heapMb: 8 });
  try {
    await assert.rejects(reader.readBytes('big.txt', bigText()), { code: 'DOC_TOO_LARGE' });
  } finally {
    reader.close();
  }
});

test('closing the reader cancels queued reads', async () => {
  const reader = new DocumentReader();
  const first = reader.readBytes('a.txt', bigText());
  const second = reader.readBytes('b.txt', Buffer.from('queued'));
  reader.close();
  await assert.rejects(first, { code: 'CANCELLED' });
  await assert.rejects(second, { code: 'CANCELLED' });
});
