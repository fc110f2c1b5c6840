/**
 * The host's FA-layer calibrations: runs one at a time (progress and cancel as calibration.* events),
 * stores each per model hash in <dataDir>/calibration/<hash>.json, and finds a model's calibration
 * again without loading the model, so presets.list can offer its "Calibrated" presets cheaply.
 *
 * Finding it: the hash is exact but needs a load, so an index (<dataDir>/calibration/index.json) maps
 * each calibrated model id to its hash together with the file's path, size and mtime at the time; the
 * entry counts only while the file is unchanged. The demo model's committed calibration
 * (models/demo/calibration.json, beside demo.gguf) counts when its recorded size equals the demo file's.
 *
 * A calibration loads its own model instance (memory-mapped, so the weights are shared with the pool's)
 * rather than the pool's, because the pool may dispose a model it evicts while the calibration still reads it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { IpcError, toIpcError, type Calibration, type ParsedRequestOf } from '../../shared/contract.js';
import { calibratedPresets } from '../../shared/calibration.js';
import { HELDOUT_DEFAULTS, calibrationPath, readCalibration, runCalibration, writeCalibration, type CalibrationSource } from '../../../models/calibration/calibration.js';
import type { EmitFn } from '../emit.js';
import type { Library, StoredModel } from '../library/library.js';
import type { ModelRegistry } from '../models/registry.js';
import type { EnginePool } from './pool.js';
import type { Runtime, RuntimeModel } from './runtime.js';
import { findPreset, resolveRecipe, type PresetsFile } from './presets.js';

const IndexSchema = z.record(z.string(), z.object({ hash: z.string(), path: z.string(), fileBytes: z.number(), mtimeMs: z.number() }));
type CalibrationIndex = z.infer<typeof IndexSchema>;

export interface CalibrationDeps {
  /** <dataDir>/calibration */
  dir: string;
  library: Library;
  models: ModelRegistry;
  /** The engine pool, or null without a runtime: a model it holds already tells its exact hash. */
  pool: EnginePool | null;
  emit: EmitFn;
  /** The presets as written (not including calibrated ones): the default window and sinks come from Fast. */
  basePresets(): PresetsFile;
  /** Where the demo model's committed calibration is looked for. */
  demoCalibrationPath: string;
}

interface Active { id: string; modelId: string; abort: AbortController; done: Promise<void> }

/** The presets file with a model's calibrated presets appended (when it has a calibration). */
export function withCalibratedPresets(file: PresetsFile, calibration: Calibration | null): PresetsFile {
  if (!calibration) return file;
  const own = new Set(file.presets.map((p) => p.id));
  return { ...file, presets: [...file.presets, ...calibratedPresets(calibration).filter((p) => !own.has(p.id))] };
}

export class CalibrationService {
  private active: Active | null = null;

  constructor(private readonly deps: CalibrationDeps) {}

  /** Starts calibrating a model; one at a time (BUSY otherwise). Events: calibration.progress, calibration.done. */
  start(req: ParsedRequestOf<'calibration.run'>): { calibrationId: string } {
    const { models, library } = this.deps;
    const { runtime } = models.requireRuntime();
    if (this.active) throw new IpcError('BUSY', 'a calibration is already running; cancel it or wait for it');
    const stored = models.stored(req.modelId ?? models.selectedId());
    if (!existsSync(stored.path)) throw new IpcError('MODEL_NOT_FOUND', models.summary(stored).problem ?? 'model file missing');
    // Held-out questions come two per document, spread over the default lengths.
    const q = req.questions;
    let source: CalibrationSource = q === undefined ? { kind: 'heldout' }
      : { kind: 'heldout', documents: Math.max(1, Math.ceil(q / (2 * HELDOUT_DEFAULTS.lengths.length))) };
    if (req.documentId) {
      const doc = library.document(req.documentId);
      if (!doc) throw new IpcError('NOT_FOUND', 'no such document');
      source = { kind: 'document', name: doc.name, text: doc.text, questions: q };
    }
    const id = randomUUID();
    const abort = new AbortController();
    const active: Active = { id, modelId: stored.id, abort, done: Promise.resolve() };
    this.active = active;
    active.done = this.execute(active, stored, source, req, runtime).finally(() => {
      if (this.active === active) this.active = null;
    });
    return { calibrationId: id };
  }

  cancel(calibrationId: string): boolean {
    if (this.active?.id !== calibrationId) return false;
    this.active.abort.abort();
    return true;
  }

  /** Settles when no calibration runs (tests, dispose). */
  async idle(): Promise<void> { await this.active?.done; }

  dispose(): void { this.active?.abort.abort(); }

  /** A model's stored calibration, found without loading it (see the header), or null. */
  forModel(modelId: string): Calibration | null {
    const stored = this.deps.library.model(modelId);
    if (!stored) return null;
    const hash = this.knownHash(stored);
    if (hash) {
      const c = readCalibration(calibrationPath(this.deps.dir, hash));
      if (c) return c;
    }
    if (stored.isDemo) {
      const c = readCalibration(this.deps.demoCalibrationPath);
      const size = fileStat(stored.path)?.size;
      if (c && size !== undefined && c.model.fileBytes === size && (!hash || c.model.hash === hash)) return c;
    }
    return null;
  }

  private knownHash(stored: StoredModel): string | null {
    const loaded = this.deps.pool?.loadedModel(stored.id);
    if (loaded && loaded.path === stored.path) return loaded.hash;
    const e = this.readIndex()[stored.id];
    const st = fileStat(stored.path);
    return e && st && e.path === stored.path && e.fileBytes === st.size && e.mtimeMs === st.mtimeMs ? e.hash : null;
  }

  private readIndex(): CalibrationIndex {
    try {
      const r = IndexSchema.safeParse(JSON.parse(readFileSync(join(this.deps.dir, 'index.json'), 'utf8')));
      return r.success ? r.data : {};
    } catch {
      return {};
    }
  }

  private remember(stored: StoredModel, hash: string): void {
    const st = fileStat(stored.path);
    if (!st) return;
    const index = { ...this.readIndex(), [stored.id]: { hash, path: stored.path, fileBytes: st.size, mtimeMs: st.mtimeMs } };
    writeJsonAtomic(join(this.deps.dir, 'index.json'), index);
  }

  private async execute(active: Active, stored: StoredModel, source: CalibrationSource, req: ParsedRequestOf<'calibration.run'>,
                        runtime: Runtime): Promise<void> {
    const { emit, library, models } = this.deps;
    const { id, modelId, abort } = active;
    let model: RuntimeModel | null = null;
    try {
      model = await runtime.loadModel(stored.path, { signal: abort.signal });
      models.rememberInfo(stored, model.info);
      const m = model;
      const calibrate = m.calibrate?.bind(m);
      if (!calibrate) throw new IpcError('NOT_SUPPORTED', 'this runtime cannot calibrate (it reads no logits)');
      const presets = this.deps.basePresets();
      const fast = resolveRecipe(presets, findPreset(presets, 'fast'), { architecture: m.info.architecture, nLayer: m.info.nLayer, isDemo: stored.isDemo });
      const calibration = await runCalibration({ hash: m.hash, info: m.info, calibrate }, source, {
        seed: req.seed ?? 1, window: req.window ?? fast.window ?? 256, sinks: req.sinks ?? fast.sinks,
        threads: library.settings().threads, signal: abort.signal,
        onProgress: (p) => emit('calibration.progress', { calibrationId: id, modelId, ...p }),
      }).catch((err: unknown) => {
        // The held-out generator is a Python script beside the demo model's sources: not in every install.
        if (source.kind === 'heldout' && !(err instanceof IpcError) && !isCancel(err) && /python|make_heldout|ENOENT/i.test(String(err))) {
          throw new IpcError('NOT_SUPPORTED', 'the held-out question generator (python3, models/demo/data.py) is not available here: calibrate on a document instead');
        }
        throw err;
      });
      writeCalibration(calibrationPath(this.deps.dir, m.hash), calibration);
      this.remember(stored, m.hash);
      emit('calibration.done', { calibrationId: id, modelId, status: 'done', calibration, error: null });
      emit('library.changed', { kind: 'models' }); // presets.list now has the calibrated presets
    } catch (err) {
      if (isCancel(err) || abort.signal.aborted) {
        emit('calibration.done', { calibrationId: id, modelId, status: 'cancelled', calibration: null, error: null });
      } else {
        emit('calibration.done', { calibrationId: id, modelId, status: 'error', calibration: null, error: toIpcError(err) });
      }
    } finally {
      model?.dispose();
    }
  }
}

function isCancel(err: unknown): boolean {
  const code = toIpcError(err).code;
  return code === 'SWAA_ERR_CANCELLED' || code === 'CANCELLED';
}

function fileStat(path: string): { size: number; mtimeMs: number } | null {
  try { const s = statSync(path); return { size: s.size, mtimeMs: s.mtimeMs }; } catch { return null; }
}

/** Atomic like writeCalibration: a crash never leaves half an index. */
function writeJsonAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
