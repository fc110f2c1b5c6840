/**
 * The catalog, downloads and fit advisor behind catalog.list, models.fit and downloads.* (their
 * handlers are handlers/catalog.ts). The host hands over what these need: the library, presets, its
 * own model registration and the loaded models.
 */
import { freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  IpcError, type CatalogModel, type FitAdvice, type ModelSummary, type ParsedRequestOf, type Recipe,
} from '../../shared/contract.js';
import type { Library } from '../library/library.js';
import type { EmitFn } from '../emit.js';
import { findPreset, resolveRecipe, type PresetsFile } from '../engine/presets.js';
import type { ModelInfo, RuntimeModel } from '../engine/runtime.js';
import { defaultCatalogPath, findCatalogEntry, hfEndpoint, loadCatalog, type CatalogEntry, type CatalogFile } from './catalog.js';
import { DownloadManager } from './downloads.js';
import { adviseFit } from './fit.js';

/** Library meta key of the stored Hugging Face token. */
const TOKEN_KEY = 'hfToken';

export interface CatalogDeps {
  modelsDir: string;
  library: Library;
  emit: EmitFn;
  presets: () => PresetsFile;
  /** The host's own registration (validates with the runtime, refuses what cannot fit). */
  addModel: (path: string) => Promise<ModelSummary>;
  /** A model the engine has loaded now (its KV estimate is the runtime's own), else null. */
  loadedModel: (modelId: string) => RuntimeModel | null;
  catalogPath?: string;
  /** Test hooks: free disk, free/total memory. */
  freeDiskBytes?: (dir: string) => Promise<number>;
  memory?: () => { freeBytes: number; totalBytes: number };
  env?: NodeJS.ProcessEnv;
}

export class CatalogService {
  readonly downloads: DownloadManager;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly deps: CatalogDeps) {
    this.env = deps.env ?? process.env;
    this.downloads = new DownloadManager({
      modelsDir: deps.modelsDir,
      catalog: () => this.catalog(),
      token: () => this.token(),
      endpoint: () => hfEndpoint(this.env),
      onUpdate: (s) => deps.emit('download.progress', s),
      register: async (path) => {
        const m = await deps.addModel(path);
        return m.id;
      },
      freeBytes: deps.freeDiskBytes,
    });
  }

  catalog(): CatalogFile {
    return loadCatalog(this.deps.catalogPath ?? defaultCatalogPath());
  }

  /** HF_TOKEN wins over the stored token (the convention of Hugging Face's own tools). */
  private token(): string | null {
    return this.env.HF_TOKEN?.trim() || this.deps.library.meta(TOKEN_KEY) || null;
  }

  /** Stores the Hugging Face token for gated repositories ('' forgets it); never returned. */
  setToken(token: string): { hasToken: boolean } {
    const t = token.trim();
    this.deps.library.setMeta(TOKEN_KEY, t === '' ? null : t);
    return { hasToken: this.token() !== null };
  }

  list(): { models: CatalogModel[]; endpoint: string; hasToken: boolean } {
    const models = this.catalog().models.map((e): CatalogModel => ({
      id: e.id, name: e.name, family: e.family, architecture: e.architecture, repo: e.repo, revision: e.revision, file: e.file,
      quantization: e.quantization, bytes: e.bytes, sha256: e.sha256, verification: e.sha256 ? 'pinned' : 'server',
      trainedContext: e.trainedContext, nLayer: e.shape.nLayer, nHeadKv: e.shape.nHeadKv, headDim: e.shape.headDim,
      license: e.license, gated: e.gated, presetId: e.recipe.presetId, faParity: e.recipe.faParity, why: e.why, source: e.source,
      modelId: this.deps.library.modelByPath(join(this.deps.modelsDir, e.file))?.id ?? null,
    }));
    return { models, endpoint: hfEndpoint(this.env), hasToken: this.token() !== null };
  }

  fit(r: ParsedRequestOf<'models.fit'>): FitAdvice {
    const settings = this.deps.library.settings();
    const presets = this.deps.presets();
    const contextSize = r.contextSize ?? settings.contextSize;
    const mem = this.deps.memory?.() ?? { freeBytes: freemem(), totalBytes: totalmem() };
    let target: { kind: 'catalog' | 'model'; id: string; architecture: string; nLayer: number; nHeadKv: number; headDim: number;
      trainedContext: number; weightBytes: number | null; isDemo: boolean; presetId: string };
    let loaded: RuntimeModel | null = null;
    if (r.catalogId !== undefined) {
      const e: CatalogEntry = findCatalogEntry(this.catalog(), r.catalogId);
      target = { kind: 'catalog', id: e.id, architecture: e.architecture, ...e.shape, trainedContext: e.trainedContext,
        weightBytes: e.bytes, isDemo: false, presetId: r.presetId ?? e.recipe.presetId };
    } else {
      const m = this.deps.library.model(r.modelId!);
      if (!m) throw new IpcError('MODEL_NOT_FOUND', `no model "${r.modelId}"`);
      if (!m.info) throw new IpcError('NOT_SUPPORTED', `${m.name}'s shape is known once it has been loaded: ask a question with it first`);
      const info = JSON.parse(m.info) as ModelInfo;
      loaded = this.deps.loadedModel(m.id);
      target = { kind: 'model', id: m.id, architecture: info.architecture, nLayer: info.nLayer, nHeadKv: info.nHeadKv, headDim: info.headDim,
        trainedContext: info.nCtxTrain, weightBytes: info.weightBytes, isDemo: m.isDemo, presetId: r.presetId ?? settings.defaultPresetId };
    }
    const recipe: Recipe = resolveRecipe(presets, findPreset(presets, target.presetId),
      { architecture: target.architecture, nLayer: target.nLayer, isDemo: target.isDemo });
    let documentTokens: number | null = null;
    if (r.documentId) {
      const d = this.deps.library.documentSummary(r.documentId);
      if (!d) throw new IpcError('NOT_FOUND', 'no such document');
      // The count for this model once it has read the document; else another model's count; else about 4 characters a token.
      const counts = Object.values(d.tokenCounts);
      documentTokens = d.tokenCounts[target.id] ?? (counts.length ? Math.max(...counts) : Math.ceil(d.chars / 4));
    }
    const advice = adviseFit({
      weightBytes: target.weightBytes, shape: target, recipe, contextSize, chunkSize: settings.chunkSize,
      trainedContext: target.trainedContext, freeBytes: mem.freeBytes, totalBytes: mem.totalBytes, documentTokens,
      kvBytesAtContext: loaded?.estimateKvBytes({ contextSize, chunkSize: settings.chunkSize, recipe }),
    });
    return { ...advice, target: { kind: target.kind, id: target.id, trainedContext: target.trainedContext, presetId: target.presetId, recipe } };
  }

  dispose(): void {
    this.downloads.dispose();
  }
}
