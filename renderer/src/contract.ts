/**
 * The renderer's one window on the IPC contract: types only, so nothing of the main process (nor
 * zod) is bundled through here. Everything the UI sends or receives is typed from these.
 */
export type {
  AppInfo, Calibration, CatalogModel, Channel, ContextOverflow, DownloadStatus, FitAdvice, DocumentDetail, DocumentTokens, SampleDocument, SampleSet, ErrorCode, DocumentSummary, EventName, EventOf, FaLayers, IpcErrorShape,
  Listener, MemoryEstimate, ModelSummary, Preset, PresetRecipe, PrefillPhase, Recipe, RequestOf, ResponseOf,
  RunMetrics, RunRecord, RunStatus, Sampling, SamplingConfig, SamplingInfo, SamplingPatch, Selection, Settings, SwaaBridge, Unsubscribe,
} from '../../electron/shared/contract';

/** Raw prefill facts (done, total, elapsed), as the runtime and the run.progress event carry them. */
export interface PrefillProgress { done: number; total: number; elapsedMs: number }

