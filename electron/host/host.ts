/**
 * The engine host's composition root. It builds the rooms — the library, the model registry, the
 * engine pool, the on-disk KV store, the run queue, the document services — and one handler map that
 * answers every contract channel (handlers/, typed against the contract). It runs in a child process
 * (child.ts) in the app and the web server, and in-process in the CLI, the eval and tests.
 *
 * Data flows one way: request → parseRequest (contract schemas) → handler → services → library /
 * runtime → events (emit). Runs execute one at a time (engine/runner.ts).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IpcError, isChannel, parseRequest, type AppInfo, type Channel, type ParsedRequestOf, type ResponseOf, type Settings } from '../shared/contract.js';
import type { IngestedDocument } from './documents/ingest.js';
import { DocumentReader } from './documents/reader.js';
import { Samples } from './documents/samples.js';
import { TokenCounter } from './documents/token-counter.js';
import type { EmitFn } from './emit.js';
import { CalibrationService, withCalibratedPresets } from './engine/calibration.js';
import { KvStore } from './engine/kv-store.js';
import { EnginePool } from './engine/pool.js';
import { loadPresets, type PresetsFile } from './engine/presets.js';
import { MemoryKeyVault, type KeyVault } from './engine/key-vault.js';
import { RemoteEngines } from './engine/remote-engines.js';
import { MIN_ANSWER_ROOM, Runner } from './engine/runner.js';
import type { Runtime } from './engine/runtime.js';
import { appHandlers } from './handlers/app.js';
import { calibrationHandlers } from './handlers/calibration.js';
import { catalogHandlers } from './handlers/catalog.js';
import { documentHandlers } from './handlers/documents.js';
import { engineHandlers } from './handlers/engines.js';
import { modelHandlers } from './handlers/models.js';
import { runHandlers } from './handlers/runs.js';
import { settingsHandlers } from './handlers/settings.js';
import type { Handler, Handlers } from './handlers/types.js';
import { Library } from './library/library.js';
import { CatalogService, type CatalogDeps } from './models/catalog-service.js';
import { ModelRegistry } from './models/registry.js';
import { defaultDemoModelPath, defaultPresetsPath, defaultSamplesDir, modelsDirOf } from './paths.js';
import type { HostServices } from './services.js';

export type { EmitFn } from './emit.js';
export { MIN_ANSWER_ROOM } from './engine/runner.js';
export { DEMO_MODEL_ID, COMPUTE_ALLOWANCE_BYTES, MAX_MEMORY_FRACTION, fullKvBytes, memoryFit } from './models/registry.js';

export interface HostOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  /** The runtime, or why it is not available (the host still serves documents, library, settings). */
  runtime: Runtime | { problem: string };
  emit: EmitFn;
  demoModelPath?: string;
  presetsPath?: string;
  /** The bundled sample documents (default: paths.ts defaultSamplesDir()). */
  samplesDir?: string;
  /** Restarts of the host process so far (set by the supervisor through the environment). */
  hostRestarts?: number;
  /** Catalog and download settings (tests: a local catalog, a small disk). */
  catalog?: Partial<Pick<CatalogDeps, 'modelsDir' | 'catalogPath' | 'freeDiskBytes' | 'memory' | 'env'>>;
  /** Where remote engines' API keys are sealed (the app: safeStorage through main); default: this process's memory. */
  keyVault?: KeyVault;
}

export class EngineHost {
  readonly library: Library;
  /** The catalog and its downloads (the CLI's `npm run model` waits on them). */
  readonly catalog: CatalogService;
  private readonly services: HostServices;
  private readonly handlers: Handlers;
  private readonly pool: EnginePool | null;
  private disposed = false;

  constructor(opts: HostOptions) {
    mkdirSync(opts.dataDir, { recursive: true });
    const library = new Library(join(opts.dataDir, 'library.sqlite'));
    this.library = library;
    const runtime = 'problem' in opts.runtime ? null : opts.runtime;
    const runtimeProblem = 'problem' in opts.runtime ? opts.runtime.problem : null;
    this.pool = runtime ? new EnginePool(runtime) : null;
    const presetsPath = opts.presetsPath ?? defaultPresetsPath();
    const basePresets = () => loadPresets(presetsPath);
    // The selected model's "Calibrated" presets join the written ones wherever presets are read.
    const presets = (): PresetsFile => withCalibratedPresets(basePresets(), calibration.forModel(models.selectedId()));
    // A previous host that died mid-run left rows 'running': end them so nothing looks stuck.
    library.failInterruptedRuns({ code: 'HOST_CRASHED', message: 'the engine stopped during this run; the answer so far is kept' });
    const models = new ModelRegistry({ library, runtime, runtimeProblem, pool: this.pool, presets },
      resolve(opts.demoModelPath ?? defaultDemoModelPath()));
    const kvStore = new KvStore(library, join(opts.dataDir, 'kv-cache'), opts.emit);
    const remote = new RemoteEngines({ library, vault: opts.keyVault ?? new MemoryKeyVault(), presets });
    const runner = new Runner({ library, models, kvStore, emit: opts.emit, presets, remote });
    const calibration = new CalibrationService({ dir: join(opts.dataDir, 'calibration'), library, models, pool: this.pool, emit: opts.emit,
      basePresets, demoCalibrationPath: join(dirname(resolve(opts.demoModelPath ?? defaultDemoModelPath())), 'calibration.json') });
    const tokens = new TokenCounter({ library, pool: this.pool, runtimeProblem, emit: opts.emit, answerRoom: MIN_ANSWER_ROOM,
      selectedModelId: () => models.selectedId(), loaded: (m, model) => models.rememberInfo(m, model.info),
      disposed: () => this.disposed });
    const storeDocument = (path: string, doc: IngestedDocument) => {
      const { summary, existed } = library.addDocument(path, doc);
      if (!existed) opts.emit('library.changed', { kind: 'documents' });
      if (summary.tokenCounts[models.selectedId()] === undefined) tokens.countSoon([summary.id]);
      return summary;
    };
    const samples = new Samples(opts.samplesDir ?? defaultSamplesDir(), library, storeDocument);
    // Documents are read in worker threads with time and memory limits: a hostile file cannot freeze the host.
    const reader = new DocumentReader();
    this.catalog = new CatalogService({ modelsDir: modelsDirOf(opts.dataDir), library, emit: opts.emit, presets,
      addModel: async (p) => {
        const summary = await models.add(p);
        opts.emit('library.changed', { kind: 'models' });
        return summary;
      },
      loadedModel: (id) => this.pool?.loadedModel(id) ?? null, ...opts.catalog });
    this.services = {
      library, emit: opts.emit, models, runner, remote, tokens, calibration, samples, reader, catalog: this.catalog, runtime, runtimeProblem, presets, storeDocument,
      mode: opts.mode, dataDir: opts.dataDir, hostRestarts: opts.hostRestarts ?? 0,
    };
    this.handlers = {
      ...appHandlers(this.services),
      ...calibrationHandlers(this.services),
      ...catalogHandlers(this.services),
      ...documentHandlers(this.services),
      ...engineHandlers(this.services),
      ...modelHandlers(this.services),
      ...runHandlers(this.services),
      ...settingsHandlers(this.services),
    };
    void models.fillMissingInfo(() => this.disposed).then((filled) => {
      if (filled && !this.disposed) opts.emit('library.changed', { kind: 'models' });
    });
  }

  /** Validates and answers one request from outside (IPC, HTTP). Errors carry a contract code. */
  async handle(channel: string, payload: unknown): Promise<unknown> {
    if (!isChannel(channel)) throw new IpcError('UNKNOWN_CHANNEL', `unknown channel "${channel}"`);
    return this.dispatch(channel, payload);
  }

  /** Typed entry point (CLI, eval, tests); the payload is validated like any other. */
  async call<C extends Channel>(channel: C, payload: ParsedRequestOf<C> | Record<string, unknown>): Promise<ResponseOf<C>> {
    return this.dispatch(channel, payload);
  }

  private async dispatch<C extends Channel>(channel: C, payload: unknown): Promise<ResponseOf<C>> {
    const req = parseRequest(channel, payload);
    const handler: Handler<C> = this.handlers[channel];
    return handler(req);
  }

  /** Cancels everything and releases models, contexts and the database. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.services.runner.dispose();
    this.services.calibration.dispose();
    this.services.reader.close();
    this.catalog.dispose();
    this.pool?.dispose();
    this.library.close();
  }

  /** Settles when no run is active or queued and no count is pending (tests, CLI). */
  async idle(): Promise<void> {
    while (this.services.runner.busy()) await new Promise((r) => setTimeout(r, 10));
    await this.services.tokens.settled();
  }

  settings(): Settings { return this.library.settings(); }
}
