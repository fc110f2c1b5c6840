/**
 * A host whose thread stops answering (a runaway that escaped the workers) is found by the
 * supervisor's heartbeat, killed and restarted; the run in flight ends with HOST_CRASHED and the
 * restarted host answers. The scripted runtime's thread is made busy for far longer than the timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HostSupervisor } from './supervisor.js';
import { forkSpawner } from './fork-spawner.js';
import { tempDir } from '../test/fixtures.js';
import { EventLog, longText, writeScriptedModel, writeTestPresets } from '../test/host-harness.js';

test('a host that stops answering is restarted by the heartbeat', { timeout: 120_000 }, async () => {
  const tmp = tempDir();
  const log = new EventLog();
  process.env.SWAA_SCRIPTED_BLOCK_MS = '600000';
  const sup = new HostSupervisor(forkSpawner, {
    dataDir: join(tmp.dir, 'data'), mode: 'test', runtime: 'scripted',
    demoModelPath: writeScriptedModel(tmp.dir), presetsPath: writeTestPresets(tmp.dir),
  }, { heartbeatMs: 200, heartbeatTimeoutMs: 2_000 });
  sup.onAny(log.push);
  try {
    await sup.start();
    const doc = await sup.invoke('documents.upload', { name: 'a.txt', dataBase64: Buffer.from(longText(5)).toString('base64') });
    const pid = sup.pid;
    // Pings keep the host alive while it is idle: no restart before the ask.
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(sup.pid, pid, 'an idle host answers its pings');
    delete process.env.SWAA_SCRIPTED_BLOCK_MS; // the restarted host is not stuck
    // The stuck thread may not even answer runs.ask: either the call or the run ends with HOST_CRASHED.
    const asked = sup.invoke('runs.ask', { documentId: doc.id, question: 'What is the vault code?', maxTokens: 4 })
      .then((r) => log.waitFor((e) => e.event === 'run.error' && e.payload.runId === r.runId, 60_000)
        .then((e) => (e.payload as { error: { code: string } }).error.code), (e: { code?: string }) => e.code);
    assert.equal(await asked, 'HOST_CRASHED');
    const crashed = await log.waitFor((e) => e.event === 'host.status' && e.payload.state === 'crashed');
    assert.match(String((crashed.payload as { reason: string | null }).reason), /stopped answering for 2 s/);
    await log.waitFor((e) => e.event === 'host.status' && e.payload.state === 'restarted', 60_000);
    assert.notEqual(sup.pid, pid);
    assert.equal((await sup.invoke('documents.list', {})).length, 1, 'the library is intact');
  } finally {
    delete process.env.SWAA_SCRIPTED_BLOCK_MS;
    await sup.stop();
    tmp.cleanup();
  }
});
