/**
 * The on-disk document KV cache: a document's state after its prefill, saved per (model, context
 * identity, document tokens) so a later session answers its first question at question cost. Entries
 * live in the library's index with their bytes; the least recently used go past the cap.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EmitFn } from '../emit.js';
import type { Library } from '../library/library.js';
import { contextIdentity } from './pool.js';
import type { ContextOptions, RuntimeContext } from './runtime.js';

export type RestoreOutcome = 'restored' | 'none' | 'dirty';

export class KvStore {
  constructor(private readonly library: Library, private readonly dir: string, private readonly emit: EmitFn) {
    mkdirSync(dir, { recursive: true });
  }

  /** The entry's key: the model, the context's identity (the pool's, pool.ts) and the document's tokens. */
  key(modelHash: string, options: ContextOptions, documentTokens: readonly number[]): string {
    const h = createHash('sha256');
    h.update(modelHash).update(contextIdentity(options)).update(Int32Array.from(documentTokens));
    return h.digest('hex').slice(0, 40);
  }

  /** Loads a saved document state into a fresh context: 'restored', 'none' (no entry) or 'dirty'
   *  (it failed after touching the context, which must then be replaced). A failed entry is deleted,
   *  so it is tried once, never on every question. */
  async restore(ctx: RuntimeContext, key: string, documentTokens: readonly number[], runId: string): Promise<RestoreOutcome> {
    const entry = this.library.kvCacheEntry(key);
    if (!entry) return 'none';
    if (!existsSync(entry.file)) { this.library.deleteKvCache(key); return 'none'; }
    const t0 = performance.now();
    this.emit('run.progress', { runId, phase: 'load', done: 0, total: 1000, elapsedMs: 0 });
    try {
      await ctx.loadState(entry.file);
      // A saved state holds exactly the document (saved right after a rewind); its end is the checkpoint.
      ctx.checkpoint();
    } catch {
      // Damaged, or from another runtime build: drop it and prefill instead.
      this.drop(key);
      return 'dirty';
    }
    this.emit('run.progress', { runId, phase: 'load', done: 1000, total: 1000, elapsedMs: performance.now() - t0 });
    if (!ctx.holdsDocument(documentTokens)) {
      this.drop(key);
      return 'dirty';
    }
    this.library.touchKvCache(key);
    return 'restored';
  }

  /** Saves the context's document (rewound to its checkpoint) under `key`, then trims to the cap. */
  async save(ctx: RuntimeContext, key: string, documentId: string, modelId: string, capBytes: number): Promise<void> {
    ctx.rewind();
    const file = join(this.dir, `${key}.kv`);
    const tmp = `${file}.tmp`;
    await ctx.saveState(tmp);
    renameSync(tmp, file);
    this.library.putKvCache({ key, documentId, modelId, file, bytes: statSync(file).size });
    for (const old of this.library.kvCacheOverCap(capBytes)) {
      rmSync(old.file, { force: true });
      this.library.deleteKvCache(old.key);
    }
  }

  /** Forgets the entry under `key` (file and index row). */
  drop(key: string): void {
    const entry = this.library.kvCacheEntry(key);
    if (!entry) return;
    rmSync(entry.file, { force: true });
    this.library.deleteKvCache(key);
  }
}
