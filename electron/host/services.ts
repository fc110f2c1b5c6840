/**
 * What the host's rooms share: the library, the event stream, the model registry, the run queue and
 * the document services. host.ts builds one of these; every handler module reads from it and nothing
 * else, so the data flows one way: contract request → handler → service → library / runtime → event.
 */
import type { AppInfo, DocumentSummary } from '../shared/contract.js';
import type { IngestedDocument } from './documents/ingest.js';
import type { DocumentReader } from './documents/reader.js';
import type { Samples } from './documents/samples.js';
import type { TokenCounter } from './documents/token-counter.js';
import type { EmitFn } from './emit.js';
import type { CalibrationService } from './engine/calibration.js';
import type { PresetsFile } from './engine/presets.js';
import type { RemoteEngines } from './engine/remote-engines.js';
import type { Runner } from './engine/runner.js';
import type { Runtime } from './engine/runtime.js';
import type { Library } from './library/library.js';
import type { CatalogService } from './models/catalog-service.js';
import type { ModelRegistry } from './models/registry.js';

export interface HostServices {
  readonly library: Library;
  readonly emit: EmitFn;
  readonly models: ModelRegistry;
  readonly runner: Runner;
  /** Remote OpenAI-compatible engines (model entries that run on a server). */
  readonly remote: RemoteEngines;
  /** The model catalog, downloads and the fit advisor. */
  readonly catalog: CatalogService;
  readonly tokens: TokenCounter;
  /** FA-layer calibrations: running them and finding a model's stored one. */
  readonly calibration: CalibrationService;
  readonly samples: Samples;
  /** Reads documents off the host's thread, in a worker with time and memory limits. */
  readonly reader: DocumentReader;
  /** The runtime, or null with the reason in runtimeProblem (documents, library and settings still work). */
  readonly runtime: Runtime | null;
  readonly runtimeProblem: string | null;
  readonly mode: AppInfo['mode'];
  readonly dataDir: string;
  readonly hostRestarts: number;
  /** The presets, with the selected model's calibrated presets when it has a calibration. */
  presets(): PresetsFile;
  /** Puts an ingested document in the library, says so, and counts its tokens for the selected model. */
  storeDocument(path: string, doc: IngestedDocument): DocumentSummary;
}
