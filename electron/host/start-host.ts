/** Makes an EngineHost with the runtime named in the config (the native one, or why it is missing). */
import { EngineHost, type EmitFn } from './host.js';
import type { KeyVault } from './engine/key-vault.js';
import { loadNativeRuntime, type Runtime } from './engine/runtime.js';
import { scriptedRuntime } from './engine/scripted-runtime.js';
import { HostConfigSchema, type HostConfig } from './protocol.js';

export async function loadRuntime(kind: 'native' | 'scripted'): Promise<Runtime | { problem: string }> {
  if (kind === 'scripted') return scriptedRuntime();
  try {
    return await loadNativeRuntime();
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

export async function startHost(config: HostConfig, emit: EmitFn, extra: { keyVault?: KeyVault } = {}): Promise<EngineHost> {
  const c = HostConfigSchema.parse(config);
  return new EngineHost({
    dataDir: c.dataDir, mode: c.mode, runtime: await loadRuntime(c.runtime), emit,
    demoModelPath: c.demoModelPath, presetsPath: c.presetsPath, hostRestarts: c.restarts, keyVault: extra.keyVault,
  });
}
