/**
 * The models the library knows: the demo model and every GGUF a person added. Which one is selected,
 * each one's facts (read at registration or first load), whether a model fits this machine's memory,
 * and the summaries the UI shows. The runtime itself is reached through the engine pool.
 */
import { existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { basename, resolve } from 'node:path';
import { FULL_ATTENTION } from '../../../native/addon/types.js';
import { IpcError, toIpcError, type MemoryEstimate, type ModelSummary, type ParsedRequestOf } from '../../shared/contract.js';
import type { Library, StoredModel } from '../library/library.js';
import type { EnginePool } from '../engine/pool.js';
import { isRemotePath } from '../engine/remote-engines.js';
import { findPreset, resolveRecipe, type PresetsFile } from '../engine/presets.js';
import type { ModelInfo, Runtime } from '../engine/runtime.js';

export const DEMO_MODEL_ID = 'demo';

/** Share of physical memory a model + KV may plan to use; the rest is the OS, the UI and other apps. */
export const MAX_MEMORY_FRACTION = 0.8;
/** Compute buffers and runtime overhead on top of weights + KV (bytes): measured ~100-200 MB on CPU. */
export const COMPUTE_ALLOWANCE_BYTES = 256 * 1024 * 1024;

export function fileSize(path: string): number {
  try { return statSync(path).size; } catch { return 0; }
}

/** Full-attention KV bytes from the model's shape (f16 K and V in every layer). */
export function fullKvBytes(info: ModelInfo, contextSize: number): number {
  return 2 * info.nLayer * info.nHeadKv * info.headDim * contextSize * 2;
}

export function memoryFit(weightBytes: number, kvBytes: number, systemBytes = totalmem()):
  { fits: boolean; totalBytes: number; reason: string | null } {
  const totalBytes = weightBytes + kvBytes + COMPUTE_ALLOWANCE_BYTES;
  const budget = systemBytes * MAX_MEMORY_FRACTION;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  return totalBytes <= budget
    ? { fits: true, totalBytes, reason: null }
    : { fits: false, totalBytes, reason: `needs about ${gib(totalBytes)} (weights ${gib(weightBytes)} + KV cache ${gib(kvBytes)}) ` +
      `but this machine has ${gib(systemBytes)} and at most ${Math.round(MAX_MEMORY_FRACTION * 100)}% of it is planned for a model` };
}

export interface ModelRegistryDeps {
  library: Library;
  runtime: Runtime | null;
  runtimeProblem: string | null;
  pool: EnginePool | null;
  presets(): PresetsFile;
}

export class ModelRegistry {
  constructor(private readonly deps: ModelRegistryDeps, demoModelPath: string) {
    const { library } = deps;
    library.upsertModel({ id: DEMO_MODEL_ID, path: demoModelPath, name: 'Demo model', isDemo: true,
      fileBytes: fileSize(demoModelPath), info: library.model(DEMO_MODEL_ID)?.info ?? null });
    if (!library.meta('selectedModelId')) library.setMeta('selectedModelId', DEMO_MODEL_ID);
  }

  stored(id: string): StoredModel {
    const m = this.deps.library.model(id);
    if (!m) throw new IpcError('MODEL_NOT_FOUND', `no model "${id}"`);
    return m;
  }

  selectedId(): string {
    return this.deps.library.meta('selectedModelId') ?? DEMO_MODEL_ID;
  }

  select(id: string): StoredModel {
    const m = this.stored(id);
    this.deps.library.setMeta('selectedModelId', m.id);
    return m;
  }

  /** The runtime, or the reason there is none as the error every engine channel gives. */
  requireRuntime(): { runtime: Runtime; pool: EnginePool } {
    const { runtime, pool, runtimeProblem } = this.deps;
    if (!runtime || !pool) throw new IpcError('RUNTIME_UNAVAILABLE', runtimeProblem ?? 'the runtime is not available');
    return { runtime, pool };
  }

  summary(m: StoredModel): ModelSummary {
    const settings = this.deps.library.settings();
    const info = m.info ? (JSON.parse(m.info) as ModelInfo) : null;
    // A remote entry has no file: the server is asked when it runs (engines.* say where it is).
    const remote = isRemotePath(m.path);
    const exists = remote || existsSync(m.path);
    const problem = remote ? null : !exists
      ? (m.isDemo ? 'the demo model is not built yet (models/demo/demo.gguf)' : `the file is gone: ${m.path}`)
      : this.deps.runtimeProblem;
    return {
      id: m.id, path: m.path, name: info?.name || m.name, isDemo: m.isDemo, selected: m.id === this.selectedId(),
      available: remote || (exists && this.deps.runtime !== null), problem,
      architecture: info?.architecture ?? null, weightType: info?.weightType ?? null, nParams: info?.nParams ?? null,
      nLayer: info?.nLayer ?? null, nHead: info?.nHead ?? null, nHeadKv: info?.nHeadKv ?? null, headDim: info?.headDim ?? null,
      fileType: info?.fileType ?? null, nCtxTrain: info?.nCtxTrain ?? null, fileBytes: exists && !remote ? fileSize(m.path) : m.fileBytes,
      weightBytes: info?.weightBytes ?? null,
      kvBytesAtContext: info ? fullKvBytes(info, settings.contextSize) : null,
      contextSize: settings.contextSize, addedAt: m.addedAt,
    };
  }

  list(): ModelSummary[] {
    return this.deps.library.listModels().map((m) => this.summary(m));
  }

  /** Keeps a model's facts the first time they are known. */
  rememberInfo(m: StoredModel, info: ModelInfo): void {
    if (!m.info) this.deps.library.upsertModel({ ...m, info: JSON.stringify(info), fileBytes: info.fileBytes });
  }

  /** The model's facts: stored at registration or first load; loads the model once when unknown. */
  async info(stored: StoredModel): Promise<ModelInfo> {
    if (stored.info) return JSON.parse(stored.info) as ModelInfo;
    const model = await this.requireRuntime().pool.model(stored.id, stored.path);
    this.rememberInfo(stored, model.info);
    return model.info;
  }

  /** Models registered before their facts were known (the demo model on first launch): true when any were filled. */
  async fillMissingInfo(stopped: () => boolean): Promise<boolean> {
    if (!this.deps.pool) return false;
    let filled = false;
    for (const m of this.deps.library.listModels()) {
      if (m.info || !existsSync(m.path) || stopped()) continue;
      try {
        await this.info(m);
        filled = true;
      } catch { /* reported when the model is used */ }
    }
    return filled;
  }

  /** Registers a GGUF after loading it once: a file that does not load or does not fit is refused. */
  async add(path: string): Promise<ModelSummary> {
    const { runtime } = this.requireRuntime();
    const abs = resolve(path);
    if (!existsSync(abs)) throw new IpcError('MODEL_NOT_FOUND', `no file at ${abs}`);
    let model;
    try {
      model = await runtime.loadModel(abs, {});
    } catch (err) {
      const e = toIpcError(err);
      throw new IpcError(e.code.startsWith('SWAA_ERR_') ? e.code : 'MODEL_INVALID', `${basename(abs)} cannot be used: ${e.message}`);
    }
    try {
      const settings = this.deps.library.settings();
      const fit = memoryFit(model.info.weightBytes, model.estimateKvBytes({ contextSize: settings.contextSize, recipe: FULL_ATTENTION }));
      if (!fit.fits) throw new IpcError('MODEL_TOO_LARGE', `${basename(abs)}: ${fit.reason}`);
      const stored = this.deps.library.upsertModel({ path: abs, name: model.info.name || basename(abs), isDemo: false,
        fileBytes: model.info.fileBytes, info: JSON.stringify(model.info) });
      return this.summary(stored);
    } finally {
      model.dispose();
    }
  }

  remove(id: string): boolean {
    if (id === DEMO_MODEL_ID) throw new IpcError('NOT_SUPPORTED', 'the demo model cannot be removed');
    this.deps.pool?.dropModel(id);
    const removed = this.deps.library.removeModel(id);
    if (this.deps.library.meta('selectedModelId') === id) this.deps.library.setMeta('selectedModelId', DEMO_MODEL_ID);
    return removed;
  }

  async estimate(r: ParsedRequestOf<'models.estimate'>): Promise<MemoryEstimate> {
    const { pool } = this.requireRuntime();
    const m = this.stored(r.id);
    const model = await pool.model(m.id, m.path);
    this.rememberInfo(m, model.info);
    const settings = this.deps.library.settings();
    const contextSize = r.contextSize ?? settings.contextSize;
    const presets = this.deps.presets();
    const recipe = r.recipe ?? (r.presetId ? resolveRecipe(presets, findPreset(presets, r.presetId),
      { architecture: model.info.architecture, nLayer: model.info.nLayer, isDemo: m.isDemo }) : FULL_ATTENTION);
    const kvBytes = model.estimateKvBytes({ contextSize, recipe, chunkSize: settings.chunkSize });
    const fit = memoryFit(model.info.weightBytes, kvBytes);
    return { modelId: m.id, contextSize, recipe, weightBytes: model.info.weightBytes, kvBytes, totalBytes: fit.totalBytes,
      systemBytes: totalmem(), fits: fit.fits, reason: fit.reason };
  }
}
