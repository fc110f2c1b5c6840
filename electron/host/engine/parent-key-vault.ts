/**
 * A KeyVault that asks the host's parent to seal and open keys: in the app the parent is Electron
 * main, the only process where safeStorage (the OS keychain) exists. The library keeps the ciphertext.
 */
import { IpcError } from '../../shared/contract.js';
import type { FromHost } from '../protocol.js';
import type { KeyVault } from './key-vault.js';

export class ParentKeyVault implements KeyVault {
  readonly kind = 'os' as const;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (t: string | null) => void; reject: (e: Error) => void }>();

  constructor(private readonly send: (msg: FromHost) => void) {}

  /** The parent's reply to request `id` (child.ts routes `vault-reply` messages here). */
  reply(id: number, r: { ok: boolean; text: string | null; error?: string }): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    if (r.ok) w.resolve(r.text);
    else w.reject(new IpcError('NOT_SUPPORTED', `the API key cannot be kept safely here: ${r.error ?? 'no keychain'}`));
  }

  private ask(op: 'seal' | 'open', text: string): Promise<string | null> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.send({ type: 'vault', id, op, text });
    });
  }

  async seal(key: string): Promise<string> {
    const sealed = await this.ask('seal', key);
    if (sealed === null) throw new IpcError('NOT_SUPPORTED', 'the API key cannot be kept safely here');
    return sealed;
  }

  async open(sealed: string): Promise<string | null> {
    // A key sealed on another machine or by another user does not open: the entry then runs without it.
    return this.ask('open', sealed).catch(() => null);
  }
}
