/**
 * Live models and contexts. A context is made per (model, recipe, context options) and remembers
 * which document it holds, so re-asking a cached document costs only the question. Least recently
 * used entries are disposed past the limits, because each context owns a whole KV cache.
 */
import type { ContextOptions, Runtime, RuntimeContext, RuntimeModel } from './runtime.js';

/** Live contexts kept: each holds a full KV allocation; two covers "ask A, ask B, back to A". */
export const MAX_LIVE_CONTEXTS = 2;
/** Loaded models kept (weights are memory-mapped, but contexts pin them). */
export const MAX_LIVE_MODELS = 2;

interface ModelEntry { model: RuntimeModel; lastUsed: number }
/** A live context as the pool's users see it: its bookkeeping (used, lastUsed) is the pool's alone. */
export interface ContextEntry {
  readonly key: string;
  readonly modelId: string;
  readonly ctx: RuntimeContext;
  /** The context's recipe as canonical JSON (contexts can be dropped by recipe). */
  readonly recipe: string;
  /** False until the context has been asked anything; a used context holding another document is replaced. */
  readonly used: boolean;
  readonly lastUsed: number;
}
type Entry = { -readonly [K in keyof ContextEntry]: ContextEntry[K] };

/** JSON with object keys sorted, so the same value gives the same text however its object was built. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

/** A recipe as canonical text. */
function recipeId(recipe: ContextOptions['recipe']): string {
  return canonicalJson(recipe);
}

/**
 * What a context's KV state depends on — context size, prefill chunk and recipe — as canonical text:
 * the one identity of a context, shared by the pool (live contexts) and the on-disk KV store (saved
 * document states). Threads are not part of it: they change speed, not the state.
 */
export function contextIdentity(options: ContextOptions): string {
  return canonicalJson({ contextSize: options.contextSize ?? null, chunkSize: options.chunkSize ?? null, recipe: options.recipe ?? null });
}

let clock = 0;
const tick = () => ++clock;

export class EnginePool {
  private models = new Map<string, ModelEntry>();
  private contexts = new Map<string, Entry>();
  private loading = new Map<string, Promise<RuntimeModel>>();

  constructor(private readonly runtime: Runtime) {}

  loadedModel(modelId: string): RuntimeModel | null {
    return this.models.get(modelId)?.model ?? null;
  }

  async model(modelId: string, path: string, onProgress?: (f: number) => void, signal?: AbortSignal): Promise<RuntimeModel> {
    const hit = this.models.get(modelId);
    if (hit && hit.model.path === path) { hit.lastUsed = tick(); return hit.model; }
    if (hit) this.dropModel(modelId);
    const pending = this.loading.get(modelId);
    if (pending) return pending;
    const p = this.runtime.loadModel(path, { onProgress, signal });
    this.loading.set(modelId, p);
    try {
      const model = await p;
      this.models.set(modelId, { model, lastUsed: tick() });
      this.evictModels();
      return model;
    } finally {
      this.loading.delete(modelId);
    }
  }

  /** The context for these options, holding `documentTokens` when it can; a fresh one otherwise. */
  context(modelId: string, model: RuntimeModel, options: ContextOptions, documentTokens: readonly number[]): ContextEntry {
    const key = `${modelId}|${contextIdentity(options)}|threads=${options.threads ?? 0}`;
    // Prefer a live context that already holds this document.
    for (const e of this.contexts.values()) {
      if (e.key === key && e.ctx.holdsDocument(documentTokens)) { e.lastUsed = tick(); return e; }
    }
    for (const [k, e] of this.contexts) {
      if (e.key === key && !e.used) { e.lastUsed = tick(); return this.contexts.get(k)!; }
    }
    const entry: Entry = { key, modelId, ctx: model.createContext(options), recipe: recipeId(options.recipe), used: false, lastUsed: tick() };
    this.contexts.set(`${key}#${entry.lastUsed}`, entry);
    this.evictContexts(entry);
    return entry;
  }

  /**
   * Disposes the live contexts of a model — only those running `recipe` when one is given — whatever
   * their context size. A cold run uses it so that it reads the whole document and so that memory held
   * for earlier runs is freed before its peak is measured.
   */
  dropContexts(modelId: string, recipe?: ContextOptions['recipe']): number {
    const want = recipe === undefined ? null : recipeId(recipe);
    let dropped = 0;
    for (const [k, e] of this.contexts) {
      if (e.modelId === modelId && (want === null || e.recipe === want)) { e.ctx.dispose(); this.contexts.delete(k); dropped++; }
    }
    return dropped;
  }

  /** Records that a context has been asked something: from now on it holds a document of its own. */
  markUsed(entry: ContextEntry): void {
    const own = [...this.contexts.values()].find((e) => e === entry);
    if (!own) return;
    own.used = true;
    own.lastUsed = tick();
  }

  /** Disposes a context whose state is unknown (e.g. after a failed run). */
  discard(entry: ContextEntry): void {
    for (const [k, e] of this.contexts) if (e === entry) { e.ctx.dispose(); this.contexts.delete(k); }
  }

  dropModel(modelId: string): void {
    for (const [k, e] of this.contexts) if (e.modelId === modelId) { e.ctx.dispose(); this.contexts.delete(k); }
    const m = this.models.get(modelId);
    if (m) { m.model.dispose(); this.models.delete(modelId); }
  }

  dispose(): void {
    for (const id of [...this.models.keys()]) this.dropModel(id);
    for (const e of this.contexts.values()) e.ctx.dispose();
    this.contexts.clear();
  }

  private evictContexts(keep: ContextEntry): void {
    while (this.contexts.size > MAX_LIVE_CONTEXTS) {
      let oldest: [string, Entry] | null = null;
      for (const kv of this.contexts) if (kv[1] !== keep && (!oldest || kv[1].lastUsed < oldest[1].lastUsed)) oldest = kv;
      if (!oldest) break;
      oldest[1].ctx.dispose();
      this.contexts.delete(oldest[0]);
    }
  }

  private evictModels(): void {
    while (this.models.size > MAX_LIVE_MODELS) {
      let oldest: string | null = null;
      let at = Infinity;
      for (const [id, e] of this.models) if (e.lastUsed < at) { at = e.lastUsed; oldest = id; }
      if (oldest === null) break;
      this.dropModel(oldest);
    }
  }
}
