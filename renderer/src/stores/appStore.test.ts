import { describe, expect, it } from 'vitest';
import { createAppStore } from './appStore';
import { fakeBridge, FakeIpcError } from '../test/fakeBridge';
import type { AppInfo, Settings } from '../contract';

const info: AppInfo = {
  appVersion: '0.1.0', runtimeVersion: '0.1', runtimeProblem: null, backend: 'CPU', threads: 2, cpuCount: 2,
  totalMemBytes: 8e9, platform: 'linux', arch: 'x64', mode: 'web', dataDir: '/tmp', hostRestarts: 0,
};
const settings: Settings = {
  contextSize: 4096, threads: 0, chunkSize: 512, maxTokens: 128, temperature: 0, defaultPresetId: 'full',
  kvCacheCapBytes: 0, persistKvCache: false, theme: 'system',
};

describe('app store', () => {
  it('loads app facts and settings together', async () => {
    const store = createAppStore(fakeBridge({ 'app.info': () => info, 'settings.get': () => settings }));
    await store.getState().load();
    expect(store.getState().info?.backend).toBe('CPU');
    expect(store.getState().settings?.contextSize).toBe(4096);
  });

  it('saves a setting and keeps what the engine stored', async () => {
    const bridge = fakeBridge({ 'settings.set': (patch) => ({ ...settings, ...patch }) });
    const store = createAppStore(bridge);
    await store.getState().updateSettings({ theme: 'dark' });
    expect(store.getState().settings?.theme).toBe('dark');
    expect(bridge.calls).toEqual([{ channel: 'settings.set', request: { theme: 'dark' } }]);
  });

  it('says when the engine cannot be reached', async () => {
    const store = createAppStore(fakeBridge({ 'app.info': () => { throw new FakeIpcError('HOST_UNAVAILABLE', 'ECONNREFUSED'); } }));
    await store.getState().load();
    expect(store.getState().error?.message).toBe('The app lost its connection to the engine.');
  });

  it('shows the host restarting and reloads facts afterwards', async () => {
    let loads = 0;
    const bridge = fakeBridge({ 'app.info': () => { loads++; return info; }, 'settings.get': () => settings });
    const store = createAppStore(bridge);
    const off = store.getState().listen();
    bridge.emit('host.status', { state: 'restarted', restarts: 1, reason: 'crash', at: 'now' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().host?.state).toBe('restarted');
    expect(loads).toBe(1);
    bridge.emit('library.changed', { kind: 'runs' });
    await new Promise((r) => setTimeout(r, 0));
    expect(loads).toBe(2);
    off();
  });
});
