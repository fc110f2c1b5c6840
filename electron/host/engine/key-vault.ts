/**
 * Where a remote engine's API key is kept. The library stores only what `seal` returns, never the key
 * in clear: in the app that is ciphertext from Electron's safeStorage (the OS keychain), made by the
 * main process (electron/main/key-vault-main.ts answers the host's requests); in headless modes (CLI,
 * web, tests) it is a handle to this process's memory, so a key lives as long as the process, and
 * SWAA_REMOTE_API_KEY supplies a key to entries that have none.
 */
import { randomUUID } from 'node:crypto';

export interface KeyVault {
  /** Where keys end up: 'os' (safeStorage) or 'memory'. */
  readonly kind: 'os' | 'memory';
  /** The key as the library may store it. */
  seal(key: string): Promise<string>;
  /** The key, or null when it can no longer be opened (a memory handle after a restart, another machine's keychain). */
  open(sealed: string): Promise<string | null>;
}

/** The environment variable that gives a key to remote entries that keep none (headless modes). */
export const REMOTE_API_KEY_ENV = 'SWAA_REMOTE_API_KEY';

const MEMORY_PREFIX = 'mem:';

/** Keys kept in this process's memory: the library holds a random handle that means nothing elsewhere. */
export class MemoryKeyVault implements KeyVault {
  readonly kind = 'memory' as const;
  private readonly keys = new Map<string, string>();

  async seal(key: string): Promise<string> {
    const handle = `${MEMORY_PREFIX}${randomUUID()}`;
    this.keys.set(handle, key);
    return handle;
  }

  async open(sealed: string): Promise<string | null> {
    return this.keys.get(sealed) ?? null;
  }
}

/** The key for a request: the sealed one when it opens, else the environment's (headless), else none. */
export async function resolveKey(vault: KeyVault, sealed: string | null, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (sealed) {
    const key = await vault.open(sealed);
    if (key !== null) return key;
  }
  const fromEnv = env[REMOTE_API_KEY_ENV];
  return fromEnv ? fromEnv : null;
}
