/**
 * The engine host: one object that owns the runtime, the live models and contexts, the document
 * store and the library, and answers every contract channel. It runs in a child process (see
 * child.ts) in the app and the web server, and in-process in the CLI and tests. Runs execute one at
 * a time (one engine, one set of cores); their tokens, progress and metrics stream as events.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  IpcError, parseRequest, toIpcError,
  type AppInfo, type Channel, type DocumentSummary, type EventName, type EventOf, type MemoryEstimate,
  type ModelSummary, type ParsedRequestOf, type Recipe, type ResponseOf, type RunMetrics, type RunRecord, type Settings,
} from '../shared/contract.js';
import { ingestBytes, ingestFile } from './documents/ingest.js';
import { Library, type StoredModel } from './library/library.js';
import { EnginePool } from './engine/pool.js';
import { findPreset, loadPresets, resolveRecipe, type PresetsFile } from './engine/presets.js';
import type { ModelInfo, Runtime, RunReport, RuntimeContext } from './engine/runtime.js';
import { appVersion, defaultDemoModelPath, defaultPresetsPath } from './paths.js';

export const DEMO_MODEL_ID = 'demo';

/** Share of physical memory a model + KV may plan to use; the rest is the OS, the UI and other apps. */
export const MAX_MEMORY_FRACTION = 0.8;
/** Compute buffers and runtime overhead on top of weights + KV (bytes): measured ~100-200 MB on CPU. */
export const COMPUTE_ALLOWANCE_BYTES = 256 * 1024 * 1024;
/** Tokens reserved after the prompt: a prompt that leaves less room than this for the answer is refused. */
export const MIN_ANSWER_ROOM = 16;

export type EmitFn = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export interface HostOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  /** The runtime, or why it is not available (the host still serves documents, library, settings). */
  runtime: Runtime | { problem: string };
  emit: EmitFn;
  demoModelPath?: string;
  presetsPath?: string;
  /** Restarts of the host process so far (set by the supervisor through the environment). */
  hostRestarts?: number;
}

interface Job {
  run: RunRecord;
  abort: AbortController;
}

const FULL_ATTENTION: Recipe = { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false };

export class EngineHost {
  readonly library: Library;
  private readonly runtime: Runtime | null;
  private readonly runtimeProblem: string | null;
  private readonly pool: EnginePool | null;
  private readonly cacheDir: string;
  private readonly demoModelPath: string;
  private readonly presetsPath: string;
  private readonly queue: Job[] = [];
  private active: Job | null = null;
  private draining = false;
  private backend = 'unknown';
  private disposed = false;

  constructor(private readonly opts: HostOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    this.library = new Library(join(opts.dataDir, 'library.sqlite'));
    this.cacheDir = join(opts.dataDir, 'kv-cache');
    mkdirSync(this.cacheDir, { recursive: true });
    this.demoModelPath = resolve(opts.demoModelPath ?? defaultDemoModelPath());
    this.presetsPath = opts.presetsPath ?? defaultPresetsPath();
    if ('problem' in opts.runtime) {
      this.runtime = null;
      this.runtimeProblem = opts.runtime.problem;
      this.pool = null;
    } else {
      this.runtime = opts.runtime;
      this.runtimeProblem = null;
      this.pool = new EnginePool(opts.runtime);
    }
    // A previous host that died mid-run left rows 'running': end them so nothing looks stuck.
    this.library.failInterruptedRuns({ code: 'HOST_CRASHED', message: 'the engine stopped during this run' });
    this.library.upsertModel({ id: DEMO_MODEL_ID, path: this.demoModelPath, name: 'Demo model', isDemo: true,
      fileBytes: fileSize(this.demoModelPath), info: this.library.model(DEMO_MODEL_ID)?.info ?? null });
    if (!this.library.meta('selectedModelId')) this.library.setMeta('selectedModelId', DEMO_MODEL_ID);
    void this.fillMissingModelInfo();
  }

  /** Models registered before their facts were known (the demo model on first launch) get them in the background. */
  private async fillMissingModelInfo(): Promise<void> {
    if (!this.pool) return;
    for (const m of this.library.listModels()) {
      if (m.info || !existsSync(m.path) || this.disposed) continue;
      try {
        await this.modelInfo(m);
        if (!this.disposed) this.opts.emit('library.changed', { kind: 'models' });
      } catch { /* reported when the model is used */ }
    }
  }

  /** Validates and answers one request. Errors carry a contract code. */
  async handle(channel: string, payload: unknown): Promise<unknown> {
    const req = parseRequest(channel, payload);
    return this.dispatch(channel as Channel, req);
  }

  /** Typed entry point for in-process callers (CLI, tests). */
  async call<C extends Channel>(channel: C, payload: ParsedRequestOf<C> | Record<string, unknown>): Promise<ResponseOf<C>> {
    return (await this.handle(channel, payload)) as ResponseOf<C>;
  }

  private async dispatch(channel: Channel, req: unknown): Promise<unknown> {
    switch (channel) {
      case 'app.info': return this.appInfo();
      case 'documents.add': return this.addDocument((req as ParsedRequestOf<'documents.add'>).path);
      case 'documents.upload': {
        const r = req as ParsedRequestOf<'documents.upload'>;
        const doc = await ingestBytes(r.name, Buffer.from(r.dataBase64, 'base64'));
        return this.storeDocument(`upload:${basename(r.name)}`, doc);
      }
      case 'documents.list': return this.library.listDocuments();
      case 'documents.get': {
        const d = this.library.document((req as ParsedRequestOf<'documents.get'>).id);
        if (!d) throw new IpcError('NOT_FOUND', 'no such document');
        return d;
      }
      case 'documents.remove': {
        const { removed, cacheFiles } = this.library.removeDocument((req as ParsedRequestOf<'documents.remove'>).id);
        for (const f of cacheFiles) rmSync(f, { force: true });
        if (removed) this.opts.emit('library.changed', { kind: 'documents' });
        return { removed };
      }
      case 'models.list': return this.library.listModels().map((m) => this.modelSummary(m));
      case 'models.add': return this.addModel((req as ParsedRequestOf<'models.add'>).path);
      case 'models.remove': {
        const id = (req as ParsedRequestOf<'models.remove'>).id;
        if (id === DEMO_MODEL_ID) throw new IpcError('NOT_SUPPORTED', 'the demo model cannot be removed');
        this.pool?.dropModel(id);
        const removed = this.library.removeModel(id);
        if (this.library.meta('selectedModelId') === id) this.library.setMeta('selectedModelId', DEMO_MODEL_ID);
        if (removed) this.opts.emit('library.changed', { kind: 'models' });
        return { removed };
      }
      case 'models.select': {
        const m = this.storedModel((req as ParsedRequestOf<'models.select'>).id);
        this.library.setMeta('selectedModelId', m.id);
        this.opts.emit('library.changed', { kind: 'models' });
        return this.modelSummary(m);
      }
      case 'models.estimate': return this.estimate(req as ParsedRequestOf<'models.estimate'>);
      case 'presets.list': {
        const p = this.presets();
        const m = this.library.model(this.selectedModelId());
        const info = m?.info ? (JSON.parse(m.info) as ModelInfo) : null;
        const resolved = m && info ? {
          modelId: m.id,
          recipes: Object.fromEntries(p.presets.map((x) => [x.id, resolveRecipe(p, x, { architecture: info.architecture, nLayer: info.nLayer, isDemo: m.isDemo })])),
        } : null;
        return { presets: p.presets, faLayerParity: p.faLayerParity, resolved };
      }
      case 'runs.ask': {
        const r = req as ParsedRequestOf<'runs.ask'>;
        return { runId: (await this.enqueue({ ...r, compareId: null })).id };
      }
      case 'runs.compare': {
        const r = req as ParsedRequestOf<'runs.compare'>;
        const presets = this.presets();
        for (const id of r.presetIds) findPreset(presets, id); // refuse the whole comparison up front
        const compareId = randomUUID();
        const runs: { presetId: string; runId: string }[] = [];
        for (const presetId of r.presetIds) {
          const run = await this.enqueue({ documentId: r.documentId, modelId: r.modelId, question: r.question, presetId, maxTokens: r.maxTokens, compareId });
          runs.push({ presetId, runId: run.id });
        }
        return { compareId, runs };
      }
      case 'runs.cancel': return { cancelled: this.cancel((req as ParsedRequestOf<'runs.cancel'>).runId) };
      case 'runs.list': {
        const r = req as ParsedRequestOf<'runs.list'>;
        return this.library.listRuns(r.documentId, r.limit);
      }
      case 'runs.get': {
        const run = this.library.run((req as ParsedRequestOf<'runs.get'>).runId);
        if (!run) throw new IpcError('NOT_FOUND', 'no such run');
        return run;
      }
      case 'settings.get': return this.library.settings();
      case 'settings.set': {
        const s = this.library.updateSettings(req as ParsedRequestOf<'settings.set'>);
        this.opts.emit('library.changed', { kind: 'settings' });
        return s;
      }
    }
  }

  // -- info ------------------------------------------------------------------------------------

  private appInfo(): AppInfo {
    const settings = this.library.settings();
    return {
      appVersion: appVersion(),
      runtimeVersion: this.runtime?.version() ?? null,
      runtimeProblem: this.runtimeProblem,
      backend: this.backend,
      threads: settings.threads || Math.min(8, cpus().length),
      cpuCount: cpus().length,
      totalMemBytes: totalmem(),
      platform: process.platform,
      arch: process.arch,
      mode: this.opts.mode,
      dataDir: this.opts.dataDir,
      hostRestarts: this.opts.hostRestarts ?? 0,
    };
  }

  // -- documents -------------------------------------------------------------------------------

  private async addDocument(path: string): Promise<DocumentSummary> {
    const abs = resolve(path);
    return this.storeDocument(abs, await ingestFile(abs));
  }

  private storeDocument(path: string, doc: Awaited<ReturnType<typeof ingestBytes>>): DocumentSummary {
    const { summary, existed } = this.library.addDocument(path, doc);
    if (!existed) this.opts.emit('library.changed', { kind: 'documents' });
    return summary;
  }

  // -- models ----------------------------------------------------------------------------------

  private storedModel(id: string): StoredModel {
    const m = this.library.model(id);
    if (!m) throw new IpcError('MODEL_NOT_FOUND', `no model "${id}"`);
    return m;
  }

  private selectedModelId(): string {
    return this.library.meta('selectedModelId') ?? DEMO_MODEL_ID;
  }

  private modelSummary(m: StoredModel): ModelSummary {
    const settings = this.library.settings();
    const info = m.info ? (JSON.parse(m.info) as ModelInfo) : null;
    const exists = existsSync(m.path);
    const problem = !exists
      ? (m.isDemo ? 'the demo model is not built yet (models/demo/demo.gguf)' : `the file is gone: ${m.path}`)
      : this.runtimeProblem;
    return {
      id: m.id, path: m.path, name: info?.name || m.name, isDemo: m.isDemo, selected: m.id === this.selectedModelId(),
      available: exists && this.runtime !== null, problem,
      architecture: info?.architecture ?? null, weightType: info?.weightType ?? null, nParams: info?.nParams ?? null,
      nLayer: info?.nLayer ?? null, nHead: info?.nHead ?? null, nHeadKv: info?.nHeadKv ?? null, headDim: info?.headDim ?? null,
      fileType: info?.fileType ?? null, nCtxTrain: info?.nCtxTrain ?? null, fileBytes: exists ? fileSize(m.path) : m.fileBytes,
      weightBytes: info?.weightBytes ?? null,
      kvBytesAtContext: info ? fullKvBytes(info, settings.contextSize) : null,
      contextSize: settings.contextSize, addedAt: m.addedAt,
    };
  }

  private requireRuntime(): Runtime {
    if (!this.runtime || !this.pool) throw new IpcError('RUNTIME_UNAVAILABLE', this.runtimeProblem ?? 'the runtime is not available');
    return this.runtime;
  }

  private async addModel(path: string): Promise<ModelSummary> {
    const runtime = this.requireRuntime();
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
      const settings = this.library.settings();
      const fit = memoryFit(model.info.weightBytes, model.estimateKvBytes({ contextSize: settings.contextSize, recipe: FULL_ATTENTION }));
      if (!fit.fits) throw new IpcError('MODEL_TOO_LARGE', `${basename(abs)}: ${fit.reason}`);
      const stored = this.library.upsertModel({ path: abs, name: model.info.name || basename(abs), isDemo: false,
        fileBytes: model.info.fileBytes, info: JSON.stringify(model.info) });
      this.opts.emit('library.changed', { kind: 'models' });
      return this.modelSummary(stored);
    } finally {
      model.dispose();
    }
  }

  private async estimate(r: ParsedRequestOf<'models.estimate'>): Promise<MemoryEstimate> {
    this.requireRuntime();
    const m = this.storedModel(r.id);
    const model = await this.pool!.model(m.id, m.path);
    this.rememberInfo(m, model.info);
    const settings = this.library.settings();
    const contextSize = r.contextSize ?? settings.contextSize;
    const recipe = r.recipe ?? (r.presetId ? resolveRecipe(this.presets(), findPreset(this.presets(), r.presetId),
      { architecture: model.info.architecture, nLayer: model.info.nLayer, isDemo: m.isDemo }) : FULL_ATTENTION);
    const kvBytes = model.estimateKvBytes({ contextSize, recipe, chunkSize: settings.chunkSize });
    const fit = memoryFit(model.info.weightBytes, kvBytes);
    return { modelId: m.id, contextSize, recipe, weightBytes: model.info.weightBytes, kvBytes, totalBytes: fit.totalBytes,
      systemBytes: totalmem(), fits: fit.fits, reason: fit.reason };
  }

  private rememberInfo(m: StoredModel, info: ModelInfo): void {
    if (!m.info) this.library.upsertModel({ ...m, info: JSON.stringify(info), fileBytes: info.fileBytes });
  }

  private presets(): PresetsFile {
    return loadPresets(this.presetsPath);
  }

  // -- runs ------------------------------------------------------------------------------------

  /** The model's facts: stored at registration or first load; loads the model once when unknown. */
  private async modelInfo(stored: StoredModel): Promise<ModelInfo> {
    if (stored.info) return JSON.parse(stored.info) as ModelInfo;
    const model = await this.pool!.model(stored.id, stored.path);
    this.rememberInfo(stored, model.info);
    return model.info;
  }

  private async enqueue(r: { documentId: string; modelId?: string; question: string; presetId?: string; recipe?: Recipe;
    maxTokens?: number; compareId: string | null }): Promise<RunRecord> {
    this.requireRuntime();
    if (!this.library.documentSummary(r.documentId)) throw new IpcError('NOT_FOUND', 'no such document');
    const stored = this.storedModel(r.modelId ?? this.selectedModelId());
    if (!existsSync(stored.path)) throw new IpcError('MODEL_NOT_FOUND', this.modelSummary(stored).problem ?? 'model file missing');
    const settings = this.library.settings();
    let presetId: string | null = null;
    let recipe: Recipe;
    if (r.recipe) {
      recipe = r.recipe;
    } else {
      presetId = r.presetId ?? settings.defaultPresetId;
      const presets = this.presets();
      const preset = findPreset(presets, presetId);
      const info = await this.modelInfo(stored);
      recipe = resolveRecipe(presets, preset, { architecture: info.architecture, nLayer: info.nLayer, isDemo: stored.isDemo });
    }
    const run = this.library.createRun({ documentId: r.documentId, modelId: stored.id, compareId: r.compareId,
      question: r.question, presetId, recipe, maxTokens: r.maxTokens ?? settings.maxTokens });
    this.queue.push({ run, abort: new AbortController() });
    this.opts.emit('run.started', { runId: run.id, documentId: run.documentId, modelId: run.modelId, compareId: run.compareId,
      presetId: run.presetId, recipe: run.recipe, question: run.question });
    void this.drain();
    return run;
  }

  private cancel(runId: string): boolean {
    if (this.active?.run.id === runId) {
      this.active.abort.abort();
      return true;
    }
    const i = this.queue.findIndex((j) => j.run.id === runId);
    if (i < 0) return false;
    const [job] = this.queue.splice(i, 1);
    const done = this.library.finishRun(job!.run.id, { status: 'cancelled', answer: '', stopReason: 'cancelled', error: null, metrics: null });
    this.opts.emit('run.done', { runId, run: done! });
    return true;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.disposed && this.queue.length > 0) {
        const job = this.queue.shift()!;
        this.active = job;
        await this.execute(job);
        this.active = null;
      }
    } finally {
      this.draining = false;
    }
  }

  private async execute(job: Job): Promise<void> {
    const { run, abort } = job;
    let answer = '';
    try {
      const result = await this.runAsk(run, abort.signal, (text) => { answer += text; });
      const status = result.stopReason === 'cancelled' ? 'cancelled' : 'done';
      const done = this.library.finishRun(run.id, { status, answer: result.answer, stopReason: result.stopReason, error: null, metrics: result.metrics });
      this.opts.emit('run.done', { runId: run.id, run: done! });
    } catch (err) {
      const e = toIpcError(err);
      if (e.code === 'SWAA_ERR_CANCELLED' || e.code === 'CANCELLED') {
        const done = this.library.finishRun(run.id, { status: 'cancelled', answer, stopReason: 'cancelled', error: null, metrics: null });
        this.opts.emit('run.done', { runId: run.id, run: done! });
      } else {
        this.library.finishRun(run.id, { status: 'error', answer, stopReason: null, error: e, metrics: null });
        this.opts.emit('run.error', { runId: run.id, error: e });
      }
    }
    this.opts.emit('library.changed', { kind: 'runs' });
  }

  private async runAsk(run: RunRecord, signal: AbortSignal, onText: (t: string) => void):
    Promise<{ answer: string; stopReason: NonNullable<RunRecord['stopReason']>; metrics: RunMetrics }> {
    const pool = this.pool!;
    const stored = this.storedModel(run.modelId);
    const settings = this.library.settings();
    const doc = this.library.document(run.documentId);
    if (!doc) throw new IpcError('NOT_FOUND', 'the document was removed');
    const t0 = performance.now();
    const loadStart = performance.now();
    const model = await pool.model(stored.id, stored.path, (f) => this.opts.emit('run.progress', {
      runId: run.id, phase: 'load', done: Math.round(f * 1000), total: 1000, elapsedMs: performance.now() - loadStart,
    }), signal);
    this.rememberInfo(stored, model.info);
    if (signal.aborted) throw new IpcError('CANCELLED', 'cancelled');
    const prompt = model.buildPrompt(doc.text, run.question);
    this.library.setTokenCount(doc.id, stored.id, prompt.documentTokens.length);
    const promptTokens = prompt.documentTokens.length + prompt.questionTokens.length;
    if (promptTokens + MIN_ANSWER_ROOM > settings.contextSize) {
      throw new IpcError('SWAA_ERR_CONTEXT_OVERFLOW', `the document and question take ${promptTokens} tokens, but the context holds ` +
        `${settings.contextSize} (and ${MIN_ANSWER_ROOM} are kept for the answer). Raise the context size in Settings or use a shorter document.`);
    }
    const ctxOptions = { contextSize: settings.contextSize, chunkSize: settings.chunkSize, threads: settings.threads, recipe: run.recipe };
    const cacheKey = kvCacheKey(model.hash, { contextSize: ctxOptions.contextSize, chunkSize: ctxOptions.chunkSize, recipe: ctxOptions.recipe }, prompt.documentTokens);
    let restored = false;
    let entry = pool.context(stored.id, model, ctxOptions, prompt.documentTokens);
    if (!entry.ctx.holdsDocument(prompt.documentTokens)) {
      const r = await this.restoreKv(entry.ctx, cacheKey, prompt.documentTokens, run.id);
      restored = r === 'restored';
      if (r === 'dirty') {
        // The load left the context in an unknown state: replace it and prefill.
        pool.discard(entry);
        entry = pool.context(stored.id, model, ctxOptions, prompt.documentTokens);
      }
    }
    const loadMs = performance.now() - t0;
    let tokenIndex = 0;
    let report: RunReport;
    entry.used = true;
    try {
      report = await entry.ctx.ask({
        documentTokens: prompt.documentTokens, questionTokens: prompt.questionTokens, maxTokens: run.maxTokens,
        sampler: { temperature: settings.temperature, seed: 42 }, signal,
        onProgress: (p) => this.opts.emit('run.progress', { runId: run.id, ...p }),
        onToken: (_t, text) => {
          onText(text);
          this.opts.emit('run.token', { runId: run.id, text, index: tokenIndex++ });
        },
      });
    } catch (err) {
      // A run that failed or was cancelled mid-prefill leaves a partial state: start clean next time.
      // A saved state that failed on its first use is dropped (memory and disk), never tried again.
      const badRestore = restored && !signal.aborted;
      if (badRestore || !entry.ctx.holdsDocument(prompt.documentTokens)) pool.discard(entry);
      const kv = badRestore ? this.library.kvCacheEntry(cacheKey) : null;
      if (kv) { this.library.deleteKvCache(cacheKey); rmSync(kv.file, { force: true }); }
      throw err;
    }
    this.backend = report.metrics.backend;
    if (!report.documentCached && !restored && settings.persistKvCache && settings.kvCacheCapBytes > 0) {
      await this.saveKv(entry.ctx, cacheKey, doc.id, stored.id, settings.kvCacheCapBytes).catch(() => undefined);
    }
    const m = report.metrics;
    return {
      answer: report.answer,
      stopReason: report.stopReason,
      metrics: {
        documentCached: report.documentCached || restored, documentTokens: report.documentTokens, questionTokens: report.questionTokens,
        prefillTokens: report.prefillTokens, prefillMs: report.prefillMs, prefillTokPerS: report.prefillTokPerS,
        timeToFirstTokenMs: report.timeToFirstTokenMs + loadMs, decodeTokens: report.decodeTokens, decodeMs: report.decodeMs,
        decodeTokPerS: report.decodeTokPerS, totalMs: report.totalMs + loadMs, loadMs, restoredFromDisk: restored,
        kvBytes: m.kvBytes, computeBytes: m.computeBytes, deviceBytes: m.deviceBytes, peakRssBytes: m.peakRssBytes,
        attnRowsDocument: m.attnRowsDocument, attnRowsQuestion: m.attnRowsQuestion, attnRowsDecode: m.attnRowsDecode,
        threads: m.threads, backend: m.backend, contextSize: entry.ctx.contextSize,
      },
    };
  }

  // -- on-disk document KV cache -----------------------------------------------------------------

  /** Loads a saved document state into a fresh context: 'restored', 'none' (no entry) or 'dirty' (failed after touching it). */
  private async restoreKv(ctx: RuntimeContext, key: string, documentTokens: readonly number[], runId: string): Promise<'restored' | 'none' | 'dirty'> {
    const entry = this.library.kvCacheEntry(key);
    if (!entry) return 'none';
    if (!existsSync(entry.file)) { this.library.deleteKvCache(key); return 'none'; }
    const t0 = performance.now();
    this.opts.emit('run.progress', { runId, phase: 'load', done: 0, total: 1000, elapsedMs: 0 });
    try {
      await ctx.loadState(entry.file);
      // A saved state holds exactly the document (saved right after a rewind); its end is the checkpoint.
      ctx.checkpoint();
    } catch {
      // Damaged, or from another runtime build: drop it and prefill instead.
      this.library.deleteKvCache(key);
      rmSync(entry.file, { force: true });
      return 'dirty';
    }
    this.opts.emit('run.progress', { runId, phase: 'load', done: 1000, total: 1000, elapsedMs: performance.now() - t0 });
    if (!ctx.holdsDocument(documentTokens)) {
      this.library.deleteKvCache(key);
      rmSync(entry.file, { force: true });
      return 'dirty';
    }
    this.library.touchKvCache(key);
    return 'restored';
  }

  private async saveKv(ctx: RuntimeContext, key: string, documentId: string, modelId: string, capBytes: number): Promise<void> {
    ctx.rewind();
    const file = join(this.cacheDir, `${key}.kv`);
    const tmp = `${file}.tmp`;
    await ctx.saveState(tmp);
    renameSync(tmp, file);
    this.library.putKvCache({ key, documentId, modelId, file, bytes: fileSize(file) });
    for (const old of this.library.kvCacheOverCap(capBytes)) {
      rmSync(old.file, { force: true });
      this.library.deleteKvCache(old.key);
    }
  }

  /** Cancels everything and releases models, contexts and the database. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const j of this.queue.splice(0)) j.abort.abort();
    this.active?.abort.abort();
    this.pool?.dispose();
    this.library.close();
  }

  /** Settles when no run is active or queued (tests, CLI). */
  async idle(): Promise<void> {
    while (this.active || this.queue.length > 0 || this.draining) await new Promise((r) => setTimeout(r, 10));
  }

  settings(): Settings { return this.library.settings(); }
}

function fileSize(path: string): number {
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

function kvCacheKey(modelHash: string, options: object, documentTokens: readonly number[]): string {
  const h = createHash('sha256');
  h.update(modelHash).update(JSON.stringify(options)).update(Int32Array.from(documentTokens));
  return h.digest('hex').slice(0, 40);
}
