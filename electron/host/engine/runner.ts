/**
 * The run queue and ask execution: runs are recorded in the library when asked, then executed one at a
 * time (one engine, one set of cores). A run loads its model, builds the prompt with the model's one
 * builder, takes a pooled context (or the saved document state), asks, streams tokens and progress as
 * events, and stores its answer and metrics. Metrics come from the runtime's report through one pure
 * mapping (toRunMetrics).
 */
import { existsSync } from 'node:fs';
import { IpcError, toIpcError, type Recipe, type RunMetrics, type RunRecord, type SamplingPatch } from '../../shared/contract.js';
import type { EmitFn } from '../emit.js';
import type { Library } from '../library/library.js';
import type { ModelRegistry } from '../models/registry.js';
import { runSampling, samplerOptions, samplingInfo } from '../sampling.js';
import { contextOverflow, contextOverflowError } from './context-fit.js';
import type { KvStore } from './kv-store.js';
import type { EnginePool } from './pool.js';
import { findPreset, resolveRecipe, type PresetsFile } from './presets.js';
import { measureRun } from './run-memory.js';
import { dropLiveState, withRunMemory } from './run-scope.js';
import type { RemoteEngines } from './remote-engines.js';
import type { RunReport } from './runtime.js';

/** Tokens reserved after the prompt: a prompt that leaves less room than this for the answer is refused. */
export const MIN_ANSWER_ROOM = 16;
/** How often the answer so far is written to the library while it streams: a crash loses at most this much. */
export const ANSWER_SAVE_INTERVAL_MS = 100;

export interface RunRequest {
  documentId: string;
  modelId?: string;
  question: string;
  presetId?: string;
  recipe?: Recipe;
  maxTokens?: number;
  compareId: string | null;
  sampling?: SamplingPatch;
  /** Drop the document's cached state for the run's model and recipe before it starts. */
  cold?: boolean;
}

interface Job {
  run: RunRecord;
  abort: AbortController;
  cold: boolean;
}

/** What a run measured, as the contract's RunMetrics: the runtime's report plus what the host added. */
export function toRunMetrics(report: RunReport, extra: { loadMs: number; restoredFromDisk: boolean; contextSize: number }): RunMetrics {
  const m = report.metrics;
  return {
    documentCached: report.documentCached || extra.restoredFromDisk, documentTokens: report.documentTokens, questionTokens: report.questionTokens,
    prefillTokens: report.prefillTokens, prefillMs: report.prefillMs, prefillTokPerS: report.prefillTokPerS,
    timeToFirstTokenMs: report.timeToFirstTokenMs + extra.loadMs, decodeTokens: report.decodeTokens, decodeMs: report.decodeMs,
    decodeTokPerS: report.decodeTokPerS, totalMs: report.totalMs + extra.loadMs, loadMs: extra.loadMs, restoredFromDisk: extra.restoredFromDisk,
    kvBytes: m.kvBytes, computeBytes: m.computeBytes, deviceBytes: m.deviceBytes, peakRssBytes: m.peakRssBytes,
    attnRowsDocument: m.attnRowsDocument, attnRowsQuestion: m.attnRowsQuestion, attnRowsDecode: m.attnRowsDecode,
    threads: m.threads, backend: m.backend, contextSize: extra.contextSize,
  };
}

export interface RunnerDeps {
  library: Library;
  models: ModelRegistry;
  kvStore: KvStore;
  emit: EmitFn;
  presets(): PresetsFile;
  /** Model entries that run on a remote server (absent: local only). */
  remote?: Pick<RemoteEngines, 'owns' | 'recipeFor' | 'ask'>;
}

export class Runner {
  private readonly queue: Job[] = [];
  private active: Job | null = null;
  private draining = false;
  private disposed = false;
  /** Backend of the last run ("CPU", "Vulkan0", …), for app.info. */
  backend = 'unknown';

  constructor(private readonly deps: RunnerDeps) {}

  /** Records the run, queues it and says so (run.started); it executes after the runs before it. */
  async enqueue(r: RunRequest): Promise<RunRecord> {
    const { library, models } = this.deps;
    const stored = models.stored(r.modelId ?? models.selectedId());
    const remote = this.deps.remote?.owns(stored.id) ? this.deps.remote : null;
    if (!remote) models.requireRuntime();
    if (!library.documentSummary(r.documentId)) throw new IpcError('NOT_FOUND', 'no such document');
    if (!remote && !existsSync(stored.path)) throw new IpcError('MODEL_NOT_FOUND', models.summary(stored).problem ?? 'model file missing');
    const settings = library.settings();
    let presetId: string | null = null;
    let recipe: Recipe;
    if (remote) {
      // Refused here, with the reason, when the server cannot run the recipe (SWAA on llama-server).
      presetId = r.recipe ? null : r.presetId ?? settings.defaultPresetId;
      recipe = remote.recipeFor(stored.id, presetId, r.recipe);
    } else if (r.recipe) {
      recipe = r.recipe;
    } else {
      presetId = r.presetId ?? settings.defaultPresetId;
      const presets = this.deps.presets();
      const preset = findPreset(presets, presetId);
      const info = await models.info(stored);
      recipe = resolveRecipe(presets, preset, { architecture: info.architecture, nLayer: info.nLayer, isDemo: stored.isDemo });
    }
    const run = library.createRun({ documentId: r.documentId, modelId: stored.id, compareId: r.compareId,
      question: r.question, presetId, recipe, maxTokens: r.maxTokens ?? settings.maxTokens,
      sampling: runSampling(samplingInfo(library, stored).effective, r.sampling) });
    this.queue.push({ run, abort: new AbortController(), cold: r.cold ?? false });
    this.deps.emit('run.started', { runId: run.id, documentId: run.documentId, modelId: run.modelId, compareId: run.compareId,
      presetId: run.presetId, recipe: run.recipe, question: run.question });
    void this.drain();
    return run;
  }

  /** Cancels the active run (it stops at the next chunk or token) or removes a queued one. */
  cancel(runId: string): boolean {
    if (this.active?.run.id === runId) {
      this.active.abort.abort();
      return true;
    }
    const i = this.queue.findIndex((j) => j.run.id === runId);
    if (i < 0) return false;
    const [job] = this.queue.splice(i, 1);
    const done = this.deps.library.finishRun(job!.run.id, { status: 'cancelled', answer: '', stopReason: 'cancelled', error: null, metrics: null });
    this.deps.emit('run.done', { runId, run: done! });
    return true;
  }

  /** True while a run is active or queued. */
  busy(): boolean {
    return this.active !== null || this.queue.length > 0 || this.draining;
  }

  dispose(): void {
    this.disposed = true;
    for (const j of this.queue.splice(0)) j.abort.abort();
    this.active?.abort.abort();
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
    const { run, abort, cold } = job;
    const { library, emit } = this.deps;
    let answer = '';
    // The answer so far goes to the library as it streams (the first piece at once, then every
    // ANSWER_SAVE_INTERVAL_MS), so a host that dies mid-answer leaves it, marked partial, not nothing.
    let savedAt = -Infinity;
    const onText = (text: string) => {
      answer += text;
      const now = performance.now();
      if (now - savedAt >= ANSWER_SAVE_INTERVAL_MS) { savedAt = now; library.saveRunAnswer(run.id, answer); }
    };
    try {
      const remote = this.deps.remote?.owns(run.modelId) ? this.deps.remote : null;
      if (cold && !remote) dropLiveState(this.deps.models.requireRuntime().pool, run.modelId);
      let tokenIndex = 0;
      const onRemoteText = (text: string) => { onText(text); emit('run.token', { runId: run.id, text, index: tokenIndex++ }); };
      // Runs execute one at a time, so the process's peak while this one lasts is its own.
      const { value: result, memory } = await measureRun(() => (remote
        ? remote.ask(run, this.documentText(run.documentId), abort.signal, onRemoteText)
        : this.ask(run, abort.signal, onText, cold)));
      // A remote run's memory is the server's, which it does not report: this process's peak would mislead.
      const metrics = remote ? result.metrics : withRunMemory(result.metrics, memory, cold);
      const status = result.stopReason === 'cancelled' ? 'cancelled' : 'done';
      const done = library.finishRun(run.id, { status, answer: result.answer, stopReason: result.stopReason, error: null, metrics });
      emit('run.done', { runId: run.id, run: done! });
    } catch (err) {
      const e = toIpcError(err);
      if (e.code === 'SWAA_ERR_CANCELLED' || e.code === 'CANCELLED') {
        const done = library.finishRun(run.id, { status: 'cancelled', answer, stopReason: 'cancelled', error: null, metrics: null });
        emit('run.done', { runId: run.id, run: done! });
      } else {
        library.finishRun(run.id, { status: 'error', answer, stopReason: null, error: e, metrics: null });
        emit('run.error', { runId: run.id, error: e });
      }
    }
    emit('library.changed', { kind: 'runs' });
  }

  private documentText(documentId: string): string {
    const doc = this.deps.library.document(documentId);
    if (!doc) throw new IpcError('NOT_FOUND', 'the document was removed');
    return doc.text;
  }

  private async ask(run: RunRecord, signal: AbortSignal, onText: (t: string) => void, cold: boolean):
    Promise<{ answer: string; stopReason: NonNullable<RunRecord['stopReason']>; metrics: RunMetrics }> {
    const { library, models, kvStore, emit } = this.deps;
    const { pool } = models.requireRuntime();
    const stored = models.stored(run.modelId);
    const settings = library.settings();
    const doc = library.document(run.documentId);
    if (!doc) throw new IpcError('NOT_FOUND', 'the document was removed');
    const t0 = performance.now();
    const model = await pool.model(stored.id, stored.path, (f) => emit('run.progress', {
      runId: run.id, phase: 'load', done: Math.round(f * 1000), total: 1000, elapsedMs: performance.now() - t0,
    }), signal);
    models.rememberInfo(stored, model.info);
    if (signal.aborted) throw new IpcError('CANCELLED', 'cancelled');
    const prompt = model.buildPrompt(doc.text, run.question);
    library.setTokenCount(doc.id, stored.id, prompt.documentTokens.length);
    const promptTokens = prompt.documentTokens.length + prompt.questionTokens.length;
    if (promptTokens + MIN_ANSWER_ROOM > settings.contextSize) {
      throw contextOverflowError(contextOverflow(promptTokens, settings.contextSize, MIN_ANSWER_ROOM, model.info.nCtxTrain || null));
    }
    const ctxOptions = { contextSize: settings.contextSize, chunkSize: settings.chunkSize, threads: settings.threads, recipe: run.recipe };
    const cacheKey = kvStore.key(model.hash, ctxOptions, prompt.documentTokens);
    if (cold) kvStore.drop(cacheKey);
    let restored = false;
    let entry = pool.context(stored.id, model, ctxOptions, prompt.documentTokens);
    if (!entry.ctx.holdsDocument(prompt.documentTokens)) {
      const r = await kvStore.restore(entry.ctx, cacheKey, prompt.documentTokens, run.id);
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
    pool.markUsed(entry);
    try {
      report = await entry.ctx.ask({
        documentTokens: prompt.documentTokens, questionTokens: prompt.questionTokens, maxTokens: run.maxTokens,
        sampler: run.sampling ? samplerOptions(run.sampling) : { temperature: 0 }, signal,
        onProgress: (p) => emit('run.progress', { runId: run.id, ...p }),
        onToken: (_t, text) => {
          onText(text);
          emit('run.token', { runId: run.id, text, index: tokenIndex++ });
        },
      });
    } catch (err) {
      // A run that failed or was cancelled mid-prefill leaves a partial state: start clean next time.
      // A saved state that failed on its first use is dropped (memory and disk), never tried again.
      const badRestore = restored && !signal.aborted;
      if (badRestore || !entry.ctx.holdsDocument(prompt.documentTokens)) pool.discard(entry);
      if (badRestore) kvStore.drop(cacheKey);
      throw err;
    }
    this.backend = report.metrics.backend;
    if (!report.documentCached && !restored && settings.persistKvCache && settings.kvCacheCapBytes > 0) {
      await kvStore.save(entry.ctx, cacheKey, doc.id, stored.id, settings.kvCacheCapBytes).catch(() => undefined);
    }
    return {
      answer: report.answer,
      stopReason: report.stopReason,
      metrics: toRunMetrics(report, { loadMs, restoredFromDisk: restored, contextSize: entry.ctx.contextSize }),
    };
  }
}
