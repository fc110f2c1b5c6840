/** Shell preferences and host-output lines, tested without Electron. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineSplitter, parsePreferences, readPreferences, writePreferences } from './preferences.js';

test('the update check is off unless the user turned it on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swaa-prefs-'));
  try {
    const file = join(dir, 'sub', 'preferences.json');
    assert.equal(readPreferences(file).checkForUpdates, false);
    writeFileSync(join(dir, 'bad.json'), '{"checkForUpdates": "yes"');
    assert.equal(readPreferences(join(dir, 'bad.json')).checkForUpdates, false);
    assert.equal(parsePreferences({ checkForUpdates: 'true' }).checkForUpdates, false);
    assert.equal(parsePreferences(null).checkForUpdates, false);
    writePreferences(file, { checkForUpdates: true });
    assert.equal(readPreferences(file).checkForUpdates, true);
    writePreferences(file, { checkForUpdates: false });
    assert.equal(readPreferences(file).checkForUpdates, false);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('host output becomes whole lines whatever the chunking', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('loading mo'), []);
  assert.deepEqual(s.push('del\r\nready\npart'), ['loading model', 'ready']);
  assert.deepEqual(s.push('ial'), []);
  assert.deepEqual(s.flush(), ['partial']);
  assert.deepEqual(s.flush(), []);
});
