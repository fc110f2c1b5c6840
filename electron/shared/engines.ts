/**
 * The engines part of the contract (issue 26): a model entry runs on the local runtime or on a remote
 * OpenAI-compatible server (llama.cpp's llama-server, vLLM, vLLM with the SWAA paper's patch). Kept
 * in its own module so contract.ts only spreads it in; like the contract it imports nothing but zod,
 * so the renderer may import it.
 */
import { z } from 'zod';

/**
 * What kind of server an entry talks to. It decides which recipes a run may ask for:
 * - 'llama-server', 'vllm', 'openai': full attention only (they cannot be told a SWAA recipe);
 * - 'vllm-swaa': vLLM with the SWAA patch; the recipe travels in the `swaa_config` request field
 *   (docs/remote.md; unverified here: no such server runs on our machines).
 * 'auto' (adding only) reads `owned_by` from /v1/models: llamacpp → llama-server, vllm → vllm.
 */
export const REMOTE_KINDS = ['llama-server', 'vllm', 'vllm-swaa', 'openai'] as const;
export const RemoteKindSchema = z.enum(REMOTE_KINDS);
export type RemoteKind = z.infer<typeof RemoteKindSchema>;

/** Failures of a remote engine, each with a message that says what to do. */
export const REMOTE_ERROR_CODES = [
  /** Nothing answered at the address (server stopped, wrong port, DNS). */
  'REMOTE_UNREACHABLE',
  /** The server refused the API key (401/403). */
  'REMOTE_UNAUTHORIZED',
  /** The server went quiet for longer than the entry's timeout. */
  'REMOTE_TIMEOUT',
  /** The server answered with an error, or something that is not an OpenAI-compatible answer. */
  'REMOTE_FAILED',
  /** The run's recipe cannot be run by that server (e.g. SWAA on llama-server); the message says why. */
  'RECIPE_UNSUPPORTED',
] as const;

/** Seconds of silence from a server before a run fails: long, because a big prompt may prefill for minutes. */
export const DEFAULT_REMOTE_TIMEOUT_MS = 10 * 60 * 1000;

/** http(s) only, no credentials in the URL (a key goes in its own field, kept sealed). */
export const RemoteBaseUrlSchema = z.string().max(2048).refine((s) => {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}, { message: 'give an http(s) URL without user:password, e.g. http://127.0.0.1:8080' });

export const RemoteEngineSummarySchema = z.object({
  /** The model entry's id (models.list, runs.ask modelId). */
  id: z.string(),
  kind: RemoteKindSchema,
  /** Normalised: no trailing slash, no /v1. */
  baseUrl: z.string(),
  /** The server's model name (sent as `model`). */
  model: z.string(),
  /** The host:port shown with every run ("remote: host:port"). */
  host: z.string(),
  /** A key is kept (sealed); never the key itself. */
  hasKey: z.boolean(),
  /** Where the key is kept: the OS keychain (Electron safeStorage), this process's memory, or the environment. */
  keyStore: z.enum(['os', 'memory', 'environment', 'none']),
  nLayer: z.number().nullable(),
  architecture: z.string().nullable(),
  timeoutMs: z.number(),
  /** Per preset id: null when the server can run it, else why not (shown beside the preset). */
  presetSupport: z.record(z.string(), z.string().nullable()),
  addedAt: z.string(),
});
export type RemoteEngineSummary = z.infer<typeof RemoteEngineSummarySchema>;

export const engineRequestSchemas = {
  /** The remote engines (their model entries are in models.list too). */
  'engines.list': z.object({}).strict(),
  /** The models a server offers (GET /v1/models), before adding it. */
  'engines.probe': z.object({ baseUrl: RemoteBaseUrlSchema, apiKey: z.string().max(4096).optional() }).strict(),
  /** Adds (or updates) a remote model entry after asking the server for its models with this key. */
  'engines.addRemote': z.object({
    baseUrl: RemoteBaseUrlSchema,
    /** Kept sealed (OS keychain in the app); '' or absent = no key (or SWAA_REMOTE_API_KEY in headless modes). */
    apiKey: z.string().max(4096).optional(),
    /** Default: the server's first model. */
    model: z.string().min(1).max(512).optional(),
    kind: z.union([RemoteKindSchema, z.literal('auto')]).optional(),
    /** The model's layer count: needed to turn a preset's FA-layer pattern into the patch's layer list. */
    nLayer: z.number().int().min(1).max(4096).optional(),
    /** The model family (qwen3, llama, …): which parity of FA layers the presets use. */
    architecture: z.string().min(1).max(64).optional(),
    timeoutMs: z.number().int().min(50).max(24 * 3600 * 1000).optional(),
  }).strict(),
  'engines.remove': z.object({ id: z.string().min(1).max(128) }).strict(),
} as const;

export interface EngineResponseMap {
  'engines.list': RemoteEngineSummary[];
  'engines.probe': { models: string[]; kind: RemoteKind };
  'engines.addRemote': RemoteEngineSummary;
  'engines.remove': { removed: boolean };
}

/** Marks run metrics of a remote engine: which numbers the server did not report (stored as 0). */
export const RemoteMetricsFields = {
  /** 'remote' when the run ran on a server; absent = the local runtime. */
  engine: z.enum(['local', 'remote']).optional(),
  /** RunMetrics fields the engine did not report: stored as 0, shown as unknown. */
  unknown: z.array(z.string()).optional(),
};
