/** The host's key vault in the app: keys go to the parent (main, safeStorage) and back; a refusal is a clear error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParentKeyVault } from './parent-key-vault.js';
import { toIpcError } from '../../shared/contract.js';
import type { FromHost } from '../protocol.js';

test('ParentKeyVault seals through the parent, opens what it sealed, and reports a parent without a keychain', async () => {
  let keychain = true;
  const vault: ParentKeyVault = new ParentKeyVault((msg: FromHost) => {
    if (msg.type !== 'vault') return;
    // A stand-in for main: "encrypts" by reversing, so the sealed text is never the key.
    queueMicrotask(() => vault.reply(msg.id, keychain
      ? { ok: true, text: msg.op === 'seal' ? `os:${[...msg.text].reverse().join('')}` : [...msg.text.slice(3)].reverse().join('') }
      : { ok: false, text: null, error: 'no OS keychain' }));
  });
  const sealed = await vault.seal('sk-secret');
  assert.notEqual(sealed, 'sk-secret');
  assert.equal(await vault.open(sealed), 'sk-secret');
  keychain = false;
  await assert.rejects(vault.seal('sk-2'), (e) => toIpcError(e).code === 'NOT_SUPPORTED' && /no OS keychain/.test(toIpcError(e).message));
  assert.equal(await vault.open(sealed), null, 'a key that cannot be opened is absent, not an error');
});
