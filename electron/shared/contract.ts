/**
 * The IPC contract of SWAA Desk: every channel's request schema (zod), response type and every
 * streamed event, in one module. The Electron preload, the main-process handlers, the engine host,
 * the web server and the browser bridge are all typed from here, so a channel cannot be misspelt and
 * a payload cannot drift. Imports nothing but zod: the renderer may import it.
 *
 * Conventions
 * - Requests are validated with `requestSchemas[channel]` at every boundary that receives them.
 * - Responses are plain JSON (types here; schemas too, for boundaries that want to re-check).
 * - Streams are typed events keyed by `runId`; `SwaaBridge.on` returns an unsubscribe function.
 * - Progress events carry raw facts (done, total, elapsedMs, phase); the UI derives percent and ETA.
 * - Errors reach the caller as a rejected promise with an `IpcError` { code, message }.
 */
import { z } from 'zod';
import { SWAA_ERROR_CODES } from '../../native/addon/types.js';
import { engineRequestSchemas, REMOTE_ERROR_CODES, RemoteMetricsFields, type EngineResponseMap } from './engines.js';

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Ids are opaque strings made by the host (uuid-like); bounded so a payload cannot be huge. */
export const IdSchema = z.string().min(1).max(128);

/** Mirrors `FaLayers` of native/addon/types.ts (checked at compile time in host code). */
export const FaLayersSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('odd') }).strict(),
  z.object({ kind: z.literal('even') }).strict(),
  z.object({ kind: z.literal('everyN'), n: z.number().int().min(1).max(1024), offset: z.number().int().min(0).max(1024) }).strict(),
  z.object({ kind: z.literal('list'), layers: z.array(z.number().int().min(0).max(4096)).max(4096) }).strict(),
]);
export type FaLayers = z.infer<typeof FaLayersSchema>;

/** Mirrors `Recipe` of native/addon/types.ts. `window: null` = full attention. */
export const RecipeSchema = z.object({
  window: z.number().int().min(1).max(1 << 24).nullable(),
  sinks: z.number().int().min(0).max(1 << 20),
  faLayers: FaLayersSchema,
  faDecode: z.union([z.boolean(), z.array(z.number().int().min(0).max(4096)).max(4096)]),
  questionFa: z.boolean(),
}).strict();
export type Recipe = z.infer<typeof RecipeSchema>;

/** Known error codes. Runtime errors keep the `SWAA_ERR_*` names of swaa.h. */
export const ERROR_CODES = [
  'INVALID_PAYLOAD', 'UNKNOWN_CHANNEL', 'NOT_FOUND', 'NOT_SUPPORTED', 'BUSY', 'CANCELLED',
  'DOC_UNSUPPORTED_TYPE', 'DOC_ENCRYPTED', 'DOC_CORRUPT', 'DOC_EMPTY', 'DOC_TOO_LARGE', 'DOC_NOT_FOUND',
  'DOC_BOMB', 'DOC_TIMEOUT',
  'MODEL_INVALID', 'MODEL_TOO_LARGE', 'MODEL_NOT_FOUND', 'PRESET_NOT_FOUND', 'PRESETS_MISSING',
  'RUNTIME_UNAVAILABLE', 'HOST_CRASHED', 'HOST_UNAVAILABLE', 'INTERNAL',
  ...SWAA_ERROR_CODES,
  'DOWNLOAD_UNAUTHORIZED', 'DOWNLOAD_NOT_FOUND', 'DOWNLOAD_NETWORK', 'DOWNLOAD_CHECKSUM', 'DOWNLOAD_FAILED', 'DISK_FULL',
  ...REMOTE_ERROR_CODES,
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The numbers of a prompt that does not fit (SWAA_ERR_CONTEXT_OVERFLOW from the host), so that each
 * surface can say what to do where the person is (the app: its context control; the CLI: --context).
 */
export const ContextOverflowSchema = z.object({
  promptTokens: z.number(),
  contextSize: z.number(),
  /** Tokens the host keeps free for the answer. */
  answerRoom: z.number(),
  /** The smallest context size (in the settings' 256-token steps) that holds the prompt and the answer room. */
  neededContext: z.number(),
  /** The model's trained context, when known: past it answers degrade. */
  trainedContext: z.number().nullable(),
});
export type ContextOverflow = z.infer<typeof ContextOverflowSchema>;

/** Every failure crosses a boundary as this shape (never as a stack trace). */
export const IpcErrorSchema = z.object({
  /** One of ERROR_CODES; kept a string so an older UI tolerates a newer host. */
  code: z.string(),
  message: z.string(),
  /** Present on a context overflow the host detected before running. */
  overflow: ContextOverflowSchema.optional(),
});
export type IpcErrorShape = z.infer<typeof IpcErrorSchema>;

/** The error a bridge rejects with. */
export class IpcError extends Error implements IpcErrorShape {
  overflow?: ContextOverflow;
  constructor(readonly code: ErrorCode | (string & {}), message: string, overflow?: ContextOverflow) {
    super(message);
    this.name = 'IpcError';
    if (overflow) this.overflow = overflow;
  }
  toJSON(): IpcErrorShape { return { code: this.code, message: this.message, ...(this.overflow ? { overflow: this.overflow } : {}) }; }
}

/** Anything thrown → { code, message } (keeps `code` when the error carries one). */
export function toIpcError(err: unknown): IpcErrorShape {
  if (err instanceof z.ZodError) {
    return { code: 'INVALID_PAYLOAD', message: err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const overflow = ContextOverflowSchema.safeParse((err as { overflow?: unknown }).overflow);
    return { code: typeof code === 'string' ? code : 'INTERNAL', message: err.message, ...(overflow.success ? { overflow: overflow.data } : {}) };
  }
  return { code: 'INTERNAL', message: String(err) };
}

/**
 * The answer to one request as it crosses a process or network edge (Electron IPC, the host child's
 * messages, web mode's HTTP): stated once, wrapped by `settle` and opened by `openEnvelope` on every edge.
 */
export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: IpcErrorShape };
export const EnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: IpcErrorSchema }),
]);

/** Runs `work` and wraps its result or its error (with a contract code) as an envelope. */
export async function settle<T>(work: () => T | Promise<T>): Promise<Envelope<T>> {
  try {
    return { ok: true, result: await work() };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}

/** The result of an envelope from the other side of an edge, or its error thrown as an IpcError;
 *  anything that is not an envelope is an INTERNAL error naming `from`. */
export function openEnvelope(raw: unknown, from: string): unknown {
  const e = EnvelopeSchema.safeParse(raw);
  if (!e.success) throw new IpcError('INTERNAL', `${from} answered something that is not a response`);
  if (!e.data.ok) throw new IpcError(e.data.error.code, e.data.error.message, e.data.error.overflow);
  return e.data.result;
}

// ---------------------------------------------------------------------------------------------
// Entities (responses)
// ---------------------------------------------------------------------------------------------

export const DOCUMENT_FORMATS = ['pdf', 'docx', 'markdown', 'text', 'html'] as const;
export const DocumentFormatSchema = z.enum(DOCUMENT_FORMATS);
export type DocumentFormat = z.infer<typeof DocumentFormatSchema>;

export const DocumentSummarySchema = z.object({
  id: IdSchema,
  /** Absolute path it was read from, or "upload:NAME" for a browser upload. */
  path: z.string(),
  /** File name for display. */
  name: z.string(),
  format: DocumentFormatSchema,
  /** sha256 of the file's bytes (hex). */
  sha256: z.string(),
  fileBytes: z.number(),
  /** Characters of normalised text. */
  chars: z.number(),
  /** PDF pages; null for other formats. */
  pages: z.number().nullable(),
  /** Detected text encoding (text/markdown/html), else null. */
  encoding: z.string().nullable(),
  /** Prompt tokens of the document per model id (filled the first time a model reads it). */
  tokenCounts: z.record(z.string(), z.number()),
  /** Non-fatal notes from ingestion (e.g. "3 pages had no text layer"). */
  warnings: z.array(z.string()),
  addedAt: z.string(),
});
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const DocumentDetailSchema = DocumentSummarySchema.extend({
  /** The normalised text. Render it as text, never as HTML. */
  text: z.string(),
});
export type DocumentDetail = z.infer<typeof DocumentDetailSchema>;

export const ModelSummarySchema = z.object({
  id: IdSchema,
  path: z.string(),
  /** general.name, else the file name. */
  name: z.string(),
  /** True for the embedded demo model (cannot be removed). */
  isDemo: z.boolean(),
  selected: z.boolean(),
  /** False when the file is gone or cannot be opened; `problem` says why. */
  available: z.boolean(),
  problem: z.string().nullable(),
  architecture: z.string().nullable(),
  weightType: z.string().nullable(),
  nParams: z.number().nullable(),
  nLayer: z.number().nullable(),
  nHead: z.number().nullable(),
  nHeadKv: z.number().nullable(),
  headDim: z.number().nullable(),
  /** general.file_type as text, e.g. "MOSTLY_Q8_0". */
  fileType: z.string().nullable(),
  nCtxTrain: z.number().nullable(),
  fileBytes: z.number(),
  /** Weights in memory (bytes). */
  weightBytes: z.number().nullable(),
  /** KV cache bytes at the settings' context size with full attention (the worst case). */
  kvBytesAtContext: z.number().nullable(),
  contextSize: z.number(),
  addedAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

export const MemoryEstimateSchema = z.object({
  modelId: IdSchema,
  contextSize: z.number(),
  recipe: RecipeSchema,
  weightBytes: z.number(),
  kvBytes: z.number(),
  /** weights + KV + a fixed compute allowance. */
  totalBytes: z.number(),
  /** os.totalmem() of the machine running the host. */
  systemBytes: z.number(),
  fits: z.boolean(),
  /** Why it does not fit, or null. */
  reason: z.string().nullable(),
});
export type MemoryEstimate = z.infer<typeof MemoryEstimateSchema>;

export const PresetIdSchema = z.string().min(1).max(64);

/**
 * FA layers as a preset states them: a runtime FaLayers, or { kind: 'auto', fraction } = 1/fraction
 * of the layers, on the model family's parity (faLayerParity: qwen3 odd, llama even, …). The host
 * resolves 'auto' for a concrete model before a run; run recipes never contain it.
 */
export const PresetFaLayersSchema = z.union([
  FaLayersSchema,
  z.object({ kind: z.literal('auto'), fraction: z.number().int().min(1).max(64) }).strict(),
]);
export type PresetFaLayers = z.infer<typeof PresetFaLayersSchema>;
export const PresetRecipeSchema = RecipeSchema.extend({ faLayers: PresetFaLayersSchema });
export type PresetRecipe = z.infer<typeof PresetRecipeSchema>;

export const PresetSchema = z.object({
  id: PresetIdSchema,
  label: z.string(),
  tradeoff: z.string(),
  paperFigure: z.string(),
  /** As measured in the paper (real models). */
  recipe: PresetRecipeSchema,
  /** The same recipe scaled to the embedded demo model's short documents. */
  demoRecipe: PresetRecipeSchema,
  /** True when the recipe only works on SWA-adapted weights (collapses otherwise). */
  needsAdaptedWeights: z.boolean().optional(),
});
export type Preset = z.infer<typeof PresetSchema>;

/**
 * A model's FA-layer calibration (NLL-guided selection; native/addon/calibrate.ts says how it is
 * measured): the answer NLL per single windowed layer, the greedy curve, the ranking and the
 * "Calibrated" presets it yields. Stored per model hash; the same seed gives the same file.
 */
export const CalibrationSchema = z.object({
  version: z.literal(1),
  /** fileBytes lets the host match a model file to its calibration before it has loaded it (the hash needs a load). */
  model: z.object({ hash: z.string(), name: z.string(), architecture: z.string(), nLayer: z.number().int().min(1), fileBytes: z.number() }),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('heldout'), lengths: z.array(z.number()), documents: z.number(), questionsPerDocument: z.number() }),
    z.object({ kind: z.literal('document'), name: z.string(), sha256: z.string(), questions: z.number() }),
  ]),
  seed: z.number().int(),
  window: z.number().int().min(1),
  sinks: z.number().int().min(0),
  prompts: z.number(),
  answerTokens: z.number(),
  /** Mean answer NLL, nats per answer token. */
  nllFull: z.number(),
  nllWindowed: z.number(),
  single: z.array(z.object({ layer: z.number().int(), nll: z.number(), rise: z.number() })),
  greedy: z.array(z.object({ layer: z.number().int(), nll: z.number(), drop: z.number() })),
  /** Layers most worth full attention first. */
  ranking: z.array(z.number().int()),
  presets: z.array(z.object({ id: PresetIdSchema, label: z.string(), fraction: z.number().int(), budget: z.number().int(), recipe: RecipeSchema })),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** Every number of one run (see native/addon/qa.ts RunReport). Times in ms, sizes in bytes. */
export const RunMetricsSchema = z.object({
  documentCached: z.boolean(),
  documentTokens: z.number(),
  questionTokens: z.number(),
  prefillTokens: z.number(),
  prefillMs: z.number(),
  prefillTokPerS: z.number(),
  timeToFirstTokenMs: z.number(),
  decodeTokens: z.number(),
  decodeMs: z.number(),
  decodeTokPerS: z.number(),
  totalMs: z.number(),
  /** Time spent loading the model / restoring a saved document cache before the run. */
  loadMs: z.number(),
  /** The document's KV state came from the on-disk cache. */
  restoredFromDisk: z.boolean(),
  kvBytes: z.number(),
  computeBytes: z.number(),
  /** Backend device memory (weights + KV + compute on the GPU); 0 when the run used no device. */
  deviceBytes: z.number(),
  /**
   * Peak resident memory of the engine process during this run only (model load included): the kernel
   * high-water mark reset at the run's start where the OS allows (Linux), else RSS sampled while the
   * run lasts (electron/host/engine/run-memory.ts). It counts everything resident in that process:
   * weights, this run's KV and compute buffers, and other contexts kept alive for re-asking.
   * Runs stored before `peakRssMethod` existed hold the process's all-time peak instead.
   */
  peakRssBytes: z.number(),
  /** Resident memory when the run started: peakRssBytes minus this is what the run itself added. */
  rssAtStartBytes: z.number().optional(),
  /** How peakRssBytes was measured; absent on runs stored before it was run-scoped. */
  peakRssMethod: z.enum(['highWaterMark', 'sampled']).optional(),
  /** The run was asked to start cold (`cold: true`): the document's cached state was dropped first. */
  forcedCold: z.boolean().optional(),
  attnRowsDocument: z.number(),
  attnRowsQuestion: z.number(),
  attnRowsDecode: z.number(),
  threads: z.number(),
  backend: z.string(),
  contextSize: z.number(),
  /** Remote runs (electron/shared/engines.ts): which engine, and the numbers it did not report. */
  ...RemoteMetricsFields,
});
export type RunMetrics = z.infer<typeof RunMetricsSchema>;

// -- Sampling and selection (issue 19, items 6 and 7) -------------------------------------------

/**
 * How each answer token is drawn. Mirrors `SamplerOptions` of native/addon/types.ts (checked at
 * compile time in host code); the ranges are the runtime's own checks, narrowed to what is useful.
 * Stored with every run, so a run can be repeated exactly.
 */
export const SamplingSchema = z.object({
  /** 0 = greedy: always the most likely token (seed and the filters below do not matter then). */
  temperature: z.number().min(0).max(2),
  /** Keep only the k most likely tokens; 0 = off. */
  topK: z.number().int().min(0).max(1000),
  /** Keep the fewest tokens whose probabilities add up to p; 1 = off. */
  topP: z.number().gt(0).max(1),
  /** Drop tokens less likely than minP × the most likely one; 0 = off. */
  minP: z.number().min(0).max(1),
  /** Above 1 makes recently used tokens less likely; 1 = off. */
  repeatPenalty: z.number().min(0.5).max(2),
  /** How many recent tokens the repeat penalty looks at. */
  repeatLastN: z.number().int().min(0).max(4096),
  /** The random draw's seed (u32; the runtime reserves 0xFFFFFFFF for "random"). */
  seed: z.number().int().min(0).max(0xffff_fffe),
}).strict();
export type Sampling = z.infer<typeof SamplingSchema>;

/** Sampling as configured: `seed: null` = a new random seed for each run (recorded with the run). */
export const SamplingConfigSchema = SamplingSchema.extend({ seed: SamplingSchema.shape.seed.nullable() });
export type SamplingConfig = z.infer<typeof SamplingConfigSchema>;

/** Changes over a model's defaults (what a person set, or one request's choices). */
export const SamplingPatchSchema = SamplingConfigSchema.partial().strict();
export type SamplingPatch = z.infer<typeof SamplingPatchSchema>;

/** A model's sampling: where its defaults come from, what was changed, and what a run will use. */
export interface SamplingInfo {
  modelId: string;
  /** 'demo': the embedded model answers greedily; 'gguf': general.sampling.* of the file; 'runtime': llama.cpp-like defaults. */
  defaultsFrom: 'demo' | 'gguf' | 'runtime';
  defaults: SamplingConfig;
  overrides: SamplingPatch;
  effective: SamplingConfig;
}

/** What the window had chosen; kept by the host so the app and web mode agree after a reload. */
export interface Selection {
  /** null when nothing is chosen or the document was removed. */
  documentId: string | null;
  /** The selected model (models.select sets it). */
  modelId: string;
  /** Toggled recipe ids in toggle order ('custom' = the custom recipe). */
  presetIds: string[];
  customRecipe: Recipe | null;
}

export const RunStatusSchema = z.enum(['running', 'done', 'cancelled', 'error']);
export type RunStatus = z.infer<typeof RunStatusSchema>;
export const StopReasonSchema = z.enum(['eog', 'maxTokens', 'cancelled', 'contextFull']);

export const RunRecordSchema = z.object({
  id: IdSchema,
  documentId: IdSchema,
  modelId: IdSchema,
  /** Set when several presets were run on one question (runs.compare). */
  compareId: z.string().nullable(),
  question: z.string(),
  presetId: z.string().nullable(),
  recipe: RecipeSchema,
  maxTokens: z.number(),
  status: RunStatusSchema,
  answer: z.string(),
  stopReason: StopReasonSchema.nullable(),
  error: IpcErrorSchema.nullable(),
  metrics: RunMetricsSchema.nullable(),
  /** The sampling this run used (null: stored before sampling was recorded). */
  sampling: SamplingSchema.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const SettingsSchema = z.object({
  /** Tokens a context holds. Larger = longer documents, more KV memory. */
  contextSize: z.number().int().min(256).max(1 << 20),
  /** CPU threads; 0 = runtime default. */
  threads: z.number().int().min(0).max(256),
  /** Prefill chunk size (tokens): larger = faster prefill, coarser cancel. */
  chunkSize: z.number().int().min(16).max(8192),
  /** Default answer length cap (tokens). */
  maxTokens: z.number().int().min(1).max(8192),
  /** Superseded by per-model sampling (sampling.get/set); runs no longer read it. Kept so stored settings still validate. */
  temperature: z.number().min(0).max(2),
  /** Preset used when a request names none. */
  defaultPresetId: PresetIdSchema,
  /** Cap of the on-disk document KV cache (bytes); least recently used entries go first. */
  kvCacheCapBytes: z.number().int().min(0).max(2 ** 45),
  /** Save each document's KV state after its first prefill so later sessions restore it. */
  persistKvCache: z.boolean(),
  theme: z.enum(['system', 'light', 'dark']),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** One bundled sample document (models/demo/samples) and the questions written for it. */
export const SampleDocumentSchema = z.object({
  file: z.string(),
  /** The library's document with the same bytes, or null while it is not in the library. */
  documentId: IdSchema.nullable(),
  approxTokens: z.number().nullable(),
  questions: z.array(z.object({ question: z.string(), expectedAnswer: z.string().nullable() })),
});
export type SampleDocument = z.infer<typeof SampleDocumentSchema>;
export interface SampleSet {
  /** False when the samples folder is missing (e.g. a build without it); `problem` says why. */
  available: boolean;
  problem: string | null;
  samples: SampleDocument[];
}

export const AppInfoSchema = z.object({
  appVersion: z.string(),
  /** The runtime's version string, or null when the addon is not available. */
  runtimeVersion: z.string().nullable(),
  /** Why the runtime is not available (e.g. addon not built), or null. */
  runtimeProblem: z.string().nullable(),
  /** Backend of the selected model once loaded ("CPU", "CUDA0", "Metal"), else "unknown". */
  backend: z.string(),
  threads: z.number(),
  cpuCount: z.number(),
  totalMemBytes: z.number(),
  platform: z.string(),
  arch: z.string(),
  mode: z.enum(['electron', 'web', 'cli', 'test']),
  dataDir: z.string(),
  /** How many times the engine host was restarted after a crash in this session. */
  hostRestarts: z.number(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

// ---------------------------------------------------------------------------------------------
// Model catalog, downloads and the fit advisor (models/catalog.json; electron/host/models/)
// ---------------------------------------------------------------------------------------------

/** How a downloaded file is checked: against the catalog's sha256, the server's X-Linked-ETag, or not at all (no hash known). */
export const VerificationSchema = z.enum(['pinned', 'server', 'none']);

export const CatalogModelSchema = z.object({
  id: IdSchema,
  name: z.string(),
  family: z.string(),
  architecture: z.string(),
  repo: z.string(),
  revision: z.string(),
  file: z.string(),
  quantization: z.string(),
  /** null: not confirmed; the server's size is used. */
  bytes: z.number().nullable(),
  sha256: z.string().nullable(),
  verification: VerificationSchema,
  trainedContext: z.number(),
  nLayer: z.number(),
  nHeadKv: z.number(),
  headDim: z.number(),
  license: z.string(),
  gated: z.boolean(),
  presetId: z.string(),
  faParity: z.enum(['odd', 'even']),
  why: z.string(),
  source: z.string(),
  /** The library model made from this file, once downloaded. */
  modelId: z.string().nullable(),
});
export type CatalogModel = z.infer<typeof CatalogModelSchema>;

export const FitAdviceSchema = z.object({
  contextSize: z.number(),
  weightBytes: z.number().nullable(),
  kvBytes: z.number(),
  computeBytes: z.number(),
  totalBytes: z.number().nullable(),
  freeBytes: z.number(),
  machineBudgetBytes: z.number(),
  verdict: z.enum(['fits', 'tight', 'too-large', 'unknown']),
  maxContextNow: z.number(),
  maxContextMachine: z.number(),
  document: z.object({ tokens: z.number(), needsContext: z.number(), beyondTrained: z.boolean(), beyondMemory: z.boolean() }).nullable(),
  summary: z.string(),
  /** What the advice is for. */
  target: z.object({ kind: z.enum(['catalog', 'model']), id: z.string(), trainedContext: z.number(), presetId: z.string().nullable(), recipe: RecipeSchema }),
});
export type FitAdvice = z.infer<typeof FitAdviceSchema>;

export const DownloadStateSchema = z.enum(['checking', 'downloading', 'verifying', 'done', 'error', 'cancelled', 'paused']);
export const DownloadStatusSchema = z.object({
  id: IdSchema,
  catalogId: z.string().nullable(),
  /** Where it comes from (no token in it). */
  url: z.string(),
  file: z.string(),
  state: DownloadStateSchema,
  doneBytes: z.number(),
  totalBytes: z.number().nullable(),
  /** Measured over the last seconds; 0 when idle. */
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  verification: VerificationSchema,
  /** A partial file is kept and a new start resumes it (interrupted, not cancelled). */
  resumable: z.boolean(),
  error: IpcErrorSchema.nullable(),
  /** The library model, once done. */
  modelId: z.string().nullable(),
});
export type DownloadStatus = z.infer<typeof DownloadStatusSchema>;

// ---------------------------------------------------------------------------------------------
// Channels
// ---------------------------------------------------------------------------------------------

const Empty = z.object({}).strict();
const ById = z.object({ id: IdSchema }).strict();
/** A path the user chose (dialog, drop, command line). */
const PathSchema = z.string().min(1).max(4096);
/** Browser uploads (web mode) are capped here; the host applies the document limits as well. */
export const MAX_UPLOAD_BASE64_CHARS = Math.ceil((64 * 1024 * 1024 * 4) / 3) + 4;

export const requestSchemas = {
  'app.info': Empty,

  'documents.add': z.object({ path: PathSchema }).strict(),
  /** Web mode: the browser sends the bytes (no paths in a browser). */
  'documents.upload': z.object({ name: z.string().min(1).max(512), dataBase64: z.string().max(MAX_UPLOAD_BASE64_CHARS) }).strict(),
  'documents.list': Empty,
  'documents.get': ById,
  'documents.remove': ById,
  /** The document's prompt tokens for a model (default: the selected one), counted now when unknown. */
  'documents.tokens': z.object({ id: IdSchema, modelId: IdSchema.optional() }).strict(),
  /** The bundled sample documents and their questions (nothing is added). */
  'documents.samples': Empty,
  /** Adds the bundled sample documents from the app's own samples folder (never a path from the caller). */
  'documents.addSamples': Empty,

  'models.list': Empty,
  'models.add': z.object({ path: PathSchema }).strict(),
  'models.remove': ById,
  'models.select': ById,
  'models.estimate': z.object({
    id: IdSchema,
    contextSize: z.number().int().min(256).max(1 << 20).optional(),
    presetId: PresetIdSchema.optional(),
    recipe: RecipeSchema.optional(),
  }).strict(),

  'presets.list': Empty,

  'catalog.list': Empty,
  /** Memory a model needs at a context size under a preset, the largest context that fits, and a document's needs. */
  'models.fit': z.object({
    catalogId: IdSchema.optional(),
    modelId: IdSchema.optional(),
    contextSize: z.number().int().min(256).max(1 << 20).optional(),
    presetId: PresetIdSchema.optional(),
    documentId: IdSchema.optional(),
  }).strict().refine((r) => (r.catalogId === undefined) !== (r.modelId === undefined), { message: 'give catalogId or modelId' }),
  'downloads.start': z.union([
    z.object({ catalogId: IdSchema }).strict(),
    z.object({ url: z.string().url().max(4096) }).strict(),
  ]),
  'downloads.cancel': ById,
  'downloads.list': Empty,
  /** A Hugging Face access token for gated repositories (kept in the library, never returned or logged); '' clears it. */
  'downloads.setToken': z.object({ token: z.string().max(512) }).strict(),

  'runs.ask': z.object({
    documentId: IdSchema,
    /** Default: the selected model. */
    modelId: IdSchema.optional(),
    question: z.string().trim().min(1).max(16_384),
    /** A preset id, or an explicit recipe; neither = settings.defaultPresetId. */
    presetId: PresetIdSchema.optional(),
    recipe: RecipeSchema.optional(),
    /** Default: settings.maxTokens. */
    maxTokens: z.number().int().min(1).max(8192).optional(),
    /** For this run only, over the model's sampling (sampling.get). */
    sampling: SamplingPatchSchema.optional(),
    /**
     * Start cold: before the run, drop the document's cached state for this (model, recipe) — live
     * context and on-disk KV — so the whole document is read, and release the model's other live
     * contexts so the run's peak memory is its own. Default false (reuse what is cached).
     */
    cold: z.boolean().optional(),
  }).strict().refine((r) => !(r.presetId && r.recipe), { message: 'give presetId or recipe, not both' }),
  'runs.cancel': z.object({ runId: IdSchema }).strict(),
  'runs.list': z.object({ documentId: IdSchema, limit: z.number().int().min(1).max(1000).optional() }).strict(),
  'runs.get': z.object({ runId: IdSchema }).strict(),
  'runs.compare': z.object({
    documentId: IdSchema,
    modelId: IdSchema.optional(),
    question: z.string().trim().min(1).max(16_384),
    presetIds: z.array(PresetIdSchema).min(1).max(12),
    maxTokens: z.number().int().min(1).max(8192).optional(),
    /** For these runs only; a null seed draws one seed shared by every compared run. */
    sampling: SamplingPatchSchema.optional(),
    /** Every run reads the whole document: see runs.ask `cold`. */
    cold: z.boolean().optional(),
  }).strict(),

  /** Calibrates a model's FA layers (default: the selected model) on the demo generator's held-out
   *  questions, or on a library document with self-distilled answers; progress and the result arrive
   *  as calibration.* events keyed by calibrationId. */
  'calibration.run': z.object({
    modelId: IdSchema.optional(),
    documentId: IdSchema.optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    window: z.number().int().min(1).max(1 << 24).optional(),
    sinks: z.number().int().min(0).max(1 << 20).optional(),
    /** Questions to score (default 12 held-out, 8 on a document): more is steadier and slower. */
    questions: z.number().int().min(1).max(64).optional(),
  }).strict(),
  'calibration.cancel': z.object({ calibrationId: IdSchema }).strict(),
  /** The stored calibration of a model (default: the selected one), or null. */
  'calibration.get': z.object({ modelId: IdSchema.optional() }).strict(),

  'settings.get': Empty,
  'settings.set': SettingsSchema.partial().strict(),

  /** Default: the selected model. */
  'sampling.get': z.object({ modelId: IdSchema.optional() }).strict(),
  /** Replaces the model's overrides ({} = back to its defaults). */
  'sampling.set': z.object({ modelId: IdSchema.optional(), overrides: SamplingPatchSchema }).strict(),
  'selection.get': Empty,
  /** The model is chosen with models.select. */
  'selection.set': z.object({
    documentId: IdSchema.nullable().optional(),
    presetIds: z.array(PresetIdSchema).max(16).optional(),
    customRecipe: RecipeSchema.nullable().optional(),
  }).strict(),

  ...engineRequestSchemas,
} as const;

export type Channel = keyof typeof requestSchemas;
export const CHANNELS = Object.keys(requestSchemas) as Channel[];
/** What a caller sends (before defaults/transforms). */
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;
/** What a handler receives after validation. */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof requestSchemas)[C]>;

export interface DocumentTokens {
  documentId: string;
  modelId: string;
  /** Prompt tokens of the document alone (what every question on it shares). */
  tokens: number;
  /** Tokens the host keeps free for the answer: a prompt must leave this much of the context. */
  answerRoom: number;
}

export interface CompareStarted {
  compareId: string;
  runs: { presetId: string; runId: string }[];
}

export interface ResponseMap extends EngineResponseMap {
  'app.info': AppInfo;
  'documents.add': DocumentSummary;
  'documents.upload': DocumentSummary;
  'documents.list': DocumentSummary[];
  'documents.get': DocumentDetail;
  'documents.remove': { removed: boolean };
  'documents.tokens': DocumentTokens;
  'documents.samples': SampleSet;
  'documents.addSamples': SampleSet;
  'models.list': ModelSummary[];
  'models.add': ModelSummary;
  'models.remove': { removed: boolean };
  'models.select': ModelSummary;
  'models.estimate': MemoryEstimate;
  /**
   * The presets as written, plus each one resolved to a concrete Recipe for the selected model
   * (null while that model's facts are unknown, e.g. before it was first loaded).
   */
  'presets.list': {
    presets: Preset[];
    faLayerParity: Record<string, string>;
    resolved: { modelId: string; recipes: Record<string, Recipe> } | null;
  };
  /** The run starts at once; its tokens, progress and result arrive as events keyed by runId. */
  'catalog.list': { models: CatalogModel[]; endpoint: string; hasToken: boolean };
  'models.fit': FitAdvice;
  'downloads.start': DownloadStatus;
  'downloads.cancel': { cancelled: boolean };
  'downloads.list': DownloadStatus[];
  'downloads.setToken': { hasToken: boolean };
  'runs.ask': { runId: string };
  'runs.cancel': { cancelled: boolean };
  'runs.list': RunRecord[];
  'runs.get': RunRecord;
  /** Runs are queued one after another (one engine); each streams like runs.ask. */
  'runs.compare': CompareStarted;
  'calibration.run': { calibrationId: string };
  'calibration.cancel': { cancelled: boolean };
  'calibration.get': { modelId: string; calibration: Calibration | null };
  'settings.get': Settings;
  'settings.set': Settings;
  'sampling.get': SamplingInfo;
  'sampling.set': SamplingInfo;
  'selection.get': Selection;
  'selection.set': Selection;
}
export type ResponseOf<C extends Channel> = ResponseMap[C];

/** Validates a request for a channel; throws IpcError('INVALID_PAYLOAD' | 'UNKNOWN_CHANNEL'). */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): ParsedRequestOf<C>;
export function parseRequest(channel: string, payload: unknown): unknown;
export function parseRequest(channel: string, payload: unknown): unknown {
  if (!isChannel(channel)) throw new IpcError('UNKNOWN_CHANNEL', `unknown channel "${channel}"`);
  const result = requestSchemas[channel].safeParse(payload ?? {});
  if (!result.success) {
    throw new IpcError('INVALID_PAYLOAD', `${channel}: ${toIpcError(result.error).message}`);
  }
  return result.data;
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

export const PrefillPhaseSchema = z.enum(['load', 'document', 'question']);
export type PrefillPhase = z.infer<typeof PrefillPhaseSchema>;

export const eventSchemas = {
  /** A run was accepted and is queued or starting. */
  'run.started': z.object({
    runId: IdSchema, documentId: IdSchema, modelId: IdSchema, compareId: z.string().nullable(),
    presetId: z.string().nullable(), recipe: RecipeSchema, question: z.string(),
  }),
  /** Raw prefill facts. phase 'load': model load / cache restore (done,total in permille). */
  'run.progress': z.object({
    runId: IdSchema, phase: PrefillPhaseSchema, done: z.number(), total: z.number(), elapsedMs: z.number(),
  }),
  /** Text of one or more generated tokens, in order (`index` counts tokens from 0). */
  'run.token': z.object({ runId: IdSchema, text: z.string(), index: z.number() }),
  /** The run finished (done or cancelled); carries the stored record with every metric. */
  'run.done': z.object({ runId: IdSchema, run: RunRecordSchema }),
  /** The run failed; the stored record has status 'error'. */
  'run.error': z.object({ runId: IdSchema, error: IpcErrorSchema }),
  /** Engine host lifecycle: 'restarted' after a crash (the library is untouched). */
  'host.status': z.object({
    state: z.enum(['starting', 'ready', 'crashed', 'restarted', 'stopped']),
    restarts: z.number(), reason: z.string().nullable(), at: z.string(),
  }),
  /** A model download moved on (state change, or progress at most a few times a second). */
  'download.progress': DownloadStatusSchema,
  /** A calibration moved on: prompts scored of the total (stage: reference answers, single layers, greedy). */
  'calibration.progress': z.object({
    calibrationId: IdSchema, modelId: IdSchema, stage: z.enum(['reference', 'single', 'greedy']),
    done: z.number(), total: z.number(), elapsedMs: z.number(),
  }),
  /** A calibration ended: done (with the stored result), cancelled, or error. */
  'calibration.done': z.object({
    calibrationId: IdSchema, modelId: IdSchema, status: z.enum(['done', 'cancelled', 'error']),
    calibration: CalibrationSchema.nullable(), error: IpcErrorSchema.nullable(),
  }),
  /** Something in the library changed; lists should re-fetch. */
  'library.changed': z.object({ kind: z.enum(['documents', 'models', 'runs', 'settings']) }),
} as const;

export type EventName = keyof typeof eventSchemas;
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
export type EventOf<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
/** Discriminated union of every event, as transports carry them. */
export type AnyEvent = { [E in EventName]: { event: E; payload: EventOf<E> } }[EventName];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, name);
}

/** Validates an incoming event; returns null (and drops it) when it does not match. */
export function parseEvent(raw: unknown): AnyEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { event, payload } = raw as { event?: unknown; payload?: unknown };
  if (!isEventName(event)) return null;
  const r = eventSchemas[event].safeParse(payload);
  return r.success ? ({ event, payload: r.data } as AnyEvent) : null;
}

// ---------------------------------------------------------------------------------------------
// The bridge (window.swaa)
// ---------------------------------------------------------------------------------------------

export type Listener<E extends EventName> = (payload: EventOf<E>) => void;
export type Unsubscribe = () => void;

/**
 * What the renderer talks to. Implemented by the Electron preload (ipcRenderer.invoke/on) and by
 * electron/web/bridge-client.ts (HTTP + SSE). Every method validates what it sends.
 */
export interface SwaaBridge {
  /** 'electron' (preload) or 'web' (browser bridge). */
  readonly kind: 'electron' | 'web';
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe;
  /** Electron only: asks the user for files (native dialog); null in the browser. */
  readonly pickFiles: ((kind: 'document' | 'model') => Promise<string[]>) | null;
  /** Electron only: the path of a dropped File (webUtils.getPathForFile); null in the browser. */
  readonly pathForFile: ((file: File) => string) | null;
  /** Opens an http(s) link in the system browser after a check (Electron), or a new tab (web). */
  openExternal(url: string): Promise<void>;
}

declare global {
  interface Window {
    /** Present in Electron (preload); absent in the browser, where the web bridge is used. */
    swaa?: SwaaBridge;
  }
}

export interface RunHandlers {
  onStarted?: Listener<'run.started'>;
  onProgress?: Listener<'run.progress'>;
  onToken?: Listener<'run.token'>;
  onDone?: Listener<'run.done'>;
  onError?: Listener<'run.error'>;
}

/** Subscribes to one run's events; returns one unsubscribe for all of them. */
export function subscribeRun(bridge: Pick<SwaaBridge, 'on'>, runId: string, h: RunHandlers): Unsubscribe {
  const offs: Unsubscribe[] = [];
  if (h.onStarted) { const f = h.onStarted; offs.push(bridge.on('run.started', (e) => { if (e.runId === runId) f(e); })); }
  if (h.onProgress) { const f = h.onProgress; offs.push(bridge.on('run.progress', (e) => { if (e.runId === runId) f(e); })); }
  if (h.onToken) { const f = h.onToken; offs.push(bridge.on('run.token', (e) => { if (e.runId === runId) f(e); })); }
  if (h.onDone) { const f = h.onDone; offs.push(bridge.on('run.done', (e) => { if (e.runId === runId) f(e); })); }
  if (h.onError) { const f = h.onError; offs.push(bridge.on('run.error', (e) => { if (e.runId === runId) f(e); })); }
  return () => { for (const off of offs) off(); };
}

/** Allowed external link schemes (checked in main before shell.openExternal, and in the web bridge). */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** IPC channel names used by Electron (prefixed so they cannot collide with Electron's own). */
export const ELECTRON_INVOKE_CHANNEL = 'swaa:invoke';
export const ELECTRON_EVENT_CHANNEL = 'swaa:event';
export const ELECTRON_PICK_CHANNEL = 'swaa:pick-files';
export const ELECTRON_OPEN_EXTERNAL_CHANNEL = 'swaa:open-external';
