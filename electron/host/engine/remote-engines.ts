/**
 * Remote engines as model entries. A remote entry is a row in the library's models table (so
 * selection, runs and the model picker treat it like any model) whose path is `remote:<url>#<model>`;
 * its settings live beside it in the library's meta, with the API key sealed by a KeyVault (never in
 * clear). Runs on such an entry send the one QA user message to the server and map what the server
 * reports onto the same RunMetrics as a local run, marking what it did not report.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { qaUserMessage } from '../../../native/addon/prompt.js';
import { IpcError, type ParsedRequestOf, type Recipe, type RunMetrics, type RunRecord, type Sampling } from '../../shared/contract.js';
import { DEFAULT_REMOTE_TIMEOUT_MS, RemoteKindSchema, type RemoteEngineSummary, type RemoteKind } from '../../shared/engines.js';
import type { Library } from '../library/library.js';
import { resolveKey, type KeyVault } from './key-vault.js';
import { findPreset, resolveRecipe, type PresetsFile } from './presets.js';
import { hostOf, listRemoteModels, normalizeBaseUrl, streamChat, type ChatReport } from './remote.js';
import { remoteRecipe } from './remote-recipe.js';

export const REMOTE_PATH_PREFIX = 'remote:';

export function isRemotePath(path: string): boolean {
  return path.startsWith(REMOTE_PATH_PREFIX);
}

/** What the library keeps of an entry (validated when read back: the file edge). */
const StoredEngineSchema = z.object({
  id: z.string(),
  kind: RemoteKindSchema,
  baseUrl: z.string(),
  model: z.string(),
  nLayer: z.number().int().nullable(),
  architecture: z.string().nullable(),
  /** KeyVault.seal output, or null (no key / the environment's). */
  sealedKey: z.string().nullable(),
  keyStore: z.enum(['os', 'memory', 'none']),
  timeoutMs: z.number().int(),
  addedAt: z.string(),
});
type StoredEngine = z.infer<typeof StoredEngineSchema>;

const metaKey = (id: string) => `remoteEngine.${id}`;

/** RunMetrics fields a server never reports: stored as 0 and listed as unknown. */
const NEVER_REPORTED = ['documentTokens', 'questionTokens', 'kvBytes', 'computeBytes', 'deviceBytes', 'peakRssBytes',
  'attnRowsDocument', 'attnRowsQuestion', 'attnRowsDecode', 'threads', 'contextSize'] as const;

/** A remote run's numbers as RunMetrics: llama-server's `timings`, else `usage` counts, else unknown. */
export function remoteRunMetrics(report: ChatReport, host: string): RunMetrics {
  const unknown: string[] = [...NEVER_REPORTED];
  const t = report.timings ?? {};
  const u = report.usage ?? {};
  const prefillTokens = t.prompt_n ?? u.prompt_tokens;
  const prefillMs = t.prompt_ms;
  // Without counts, the streamed chunks are the best lower bound (servers usually send a token a chunk).
  const decodeTokens = t.predicted_n ?? u.completion_tokens;
  const decodeMs = t.predicted_ms;
  if (prefillTokens === undefined) unknown.push('prefillTokens');
  if (prefillMs === undefined) unknown.push('prefillMs');
  if (prefillTokens === undefined || !prefillMs) unknown.push('prefillTokPerS');
  if (decodeTokens === undefined) unknown.push('decodeTokens');
  if (decodeMs === undefined) unknown.push('decodeMs');
  if (decodeTokens === undefined || !decodeMs) unknown.push('decodeTokPerS');
  if (report.timeToFirstTokenMs === null) unknown.push('timeToFirstTokenMs');
  return {
    // llama-server's cache_n: prompt tokens it reused from its own cache (the document, when re-asked).
    documentCached: (t.cache_n ?? 0) > 0, documentTokens: 0, questionTokens: 0,
    prefillTokens: prefillTokens ?? 0, prefillMs: prefillMs ?? 0,
    prefillTokPerS: prefillTokens !== undefined && prefillMs ? (prefillTokens * 1000) / prefillMs : 0,
    timeToFirstTokenMs: report.timeToFirstTokenMs ?? 0,
    decodeTokens: decodeTokens ?? report.chunks, decodeMs: decodeMs ?? 0,
    decodeTokPerS: decodeTokens !== undefined && decodeMs ? (decodeTokens * 1000) / decodeMs : 0,
    totalMs: report.totalMs, loadMs: 0, restoredFromDisk: false,
    kvBytes: 0, computeBytes: 0, deviceBytes: 0, peakRssBytes: 0,
    attnRowsDocument: 0, attnRowsQuestion: 0, attnRowsDecode: 0, threads: 0,
    backend: `remote: ${host}`, contextSize: 0,
    engine: 'remote', unknown,
  };
}

/** A run's sampling as the request fields this kind of server reads (greedy = temperature 0). */
export function remoteSampling(kind: RemoteKind, s: Sampling | null): Record<string, number> {
  if (!s || s.temperature === 0) return { temperature: 0 };
  const out: Record<string, number> = { temperature: s.temperature, top_p: s.topP, seed: s.seed };
  if (kind === 'openai') return out;
  out.top_k = s.topK;
  out.min_p = s.minP;
  if (kind === 'llama-server') { out.repeat_penalty = s.repeatPenalty; out.repeat_last_n = s.repeatLastN; }
  else out.repetition_penalty = s.repeatPenalty;
  return out;
}

export interface RemoteEnginesDeps {
  library: Library;
  vault: KeyVault;
  presets(): PresetsFile;
  env?: NodeJS.ProcessEnv;
}

export interface RemoteAnswer {
  answer: string;
  stopReason: NonNullable<RunRecord['stopReason']>;
  metrics: RunMetrics;
}

export class RemoteEngines {
  constructor(private readonly deps: RemoteEnginesDeps) {}

  /** The entry's settings, or null when the model is not remote. */
  private stored(modelId: string): StoredEngine | null {
    const raw = this.deps.library.meta(metaKey(modelId));
    if (raw === null) return null;
    const parsed = StoredEngineSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new IpcError('INTERNAL', `the remote engine "${modelId}" is stored in a form this version cannot read`);
    return parsed.data;
  }

  owns(modelId: string): boolean {
    return this.deps.library.meta(metaKey(modelId)) !== null;
  }

  summary(e: StoredEngine): RemoteEngineSummary {
    const presets = this.deps.presets().presets;
    const presetSupport: Record<string, string | null> = {};
    for (const p of presets) {
      try {
        this.resolve(e, p.id);
        presetSupport[p.id] = null;
      } catch (err) {
        presetSupport[p.id] = err instanceof Error ? err.message : String(err);
      }
    }
    const env = this.deps.env ?? process.env;
    const keyStore = e.keyStore !== 'none' ? e.keyStore : env.SWAA_REMOTE_API_KEY ? 'environment' : 'none';
    return { id: e.id, kind: e.kind, baseUrl: e.baseUrl, model: e.model, host: hostOf(e.baseUrl), hasKey: keyStore !== 'none',
      keyStore, nLayer: e.nLayer, architecture: e.architecture, timeoutMs: e.timeoutMs, presetSupport, addedAt: e.addedAt };
  }

  list(): RemoteEngineSummary[] {
    return this.deps.library.listModels().flatMap((m) => {
      const e = isRemotePath(m.path) ? this.stored(m.id) : null;
      return e ? [this.summary(e)] : [];
    });
  }

  async probe(r: ParsedRequestOf<'engines.probe'>): Promise<{ models: string[]; kind: RemoteKind }> {
    const baseUrl = normalizeBaseUrl(r.baseUrl);
    const apiKey = r.apiKey ? r.apiKey : await resolveKey(this.deps.vault, null, this.deps.env);
    return listRemoteModels({ baseUrl, apiKey, timeoutMs: 15_000 });
  }

  /** Asks the server for its models with this key (a wrong URL or key fails here, not at the first run), then keeps the entry. */
  async add(r: ParsedRequestOf<'engines.addRemote'>): Promise<RemoteEngineSummary> {
    const { library, vault } = this.deps;
    const baseUrl = normalizeBaseUrl(r.baseUrl);
    const listed = await this.probe({ baseUrl, apiKey: r.apiKey });
    const model = r.model ?? listed.models[0];
    if (!model) throw new IpcError('NOT_FOUND', `${baseUrl} lists no models`);
    if (!listed.models.includes(model)) throw new IpcError('NOT_FOUND', `${baseUrl} has no model "${model}" (it has: ${listed.models.join(', ')})`);
    const kind = r.kind === undefined || r.kind === 'auto' ? listed.kind : r.kind;
    const path = `${REMOTE_PATH_PREFIX}${baseUrl}#${model}`;
    const previous = library.modelByPath(path);
    const row = library.upsertModel({ id: previous?.id ?? `remote-${randomUUID()}`, path, name: `${model} @ ${hostOf(baseUrl)}`,
      isDemo: false, fileBytes: 0, info: null });
    const before = previous ? this.stored(row.id) : null;
    const sealedKey = r.apiKey ? await vault.seal(r.apiKey) : (r.apiKey === '' ? null : before?.sealedKey ?? null);
    const e: StoredEngine = {
      id: row.id, kind, baseUrl, model, nLayer: r.nLayer ?? before?.nLayer ?? null, architecture: r.architecture ?? before?.architecture ?? null,
      sealedKey, keyStore: sealedKey ? (r.apiKey ? vault.kind : before?.keyStore ?? 'none') : 'none',
      timeoutMs: r.timeoutMs ?? before?.timeoutMs ?? DEFAULT_REMOTE_TIMEOUT_MS, addedAt: before?.addedAt ?? row.addedAt,
    };
    library.setMeta(metaKey(row.id), JSON.stringify(e));
    return this.summary(e);
  }

  remove(id: string): boolean {
    if (!this.owns(id)) return false;
    this.deps.library.setMeta(metaKey(id), null);
    this.deps.library.removeModel(id);
    if (this.deps.library.meta('selectedModelId') === id) this.deps.library.setMeta('selectedModelId', null);
    return true;
  }

  /** The run recipe for a preset on this entry, or RECIPE_UNSUPPORTED with the reason. */
  private resolve(e: StoredEngine, presetId: string | null, explicit?: Recipe): Recipe {
    let recipe: Recipe;
    if (explicit) recipe = explicit;
    else {
      const file = this.deps.presets();
      const preset = findPreset(file, presetId ?? 'full');
      // A server model's family and depth are what the person told us (no GGUF to read them from).
      recipe = resolveRecipe(file, preset, { architecture: e.architecture ?? 'unknown', nLayer: e.nLayer ?? 0, isDemo: false });
      if (preset.recipe.faLayers.kind === 'auto' && preset.recipe.window !== null && e.kind === 'vllm-swaa' && e.nLayer === null) {
        throw new IpcError('RECIPE_UNSUPPORTED', 'give this server\'s model layer count (nLayer) so the preset\'s FA layers can be chosen');
      }
    }
    const check = remoteRecipe(e.kind, recipe, e.nLayer);
    if (!check.ok) throw new IpcError('RECIPE_UNSUPPORTED', check.reason);
    return recipe;
  }

  /** The recipe a run on this remote entry will use (refused up front when the server cannot run it). */
  recipeFor(modelId: string, presetId: string | null, explicit?: Recipe): Recipe {
    const e = this.stored(modelId);
    if (!e) throw new IpcError('MODEL_NOT_FOUND', `no remote engine "${modelId}"`);
    return this.resolve(e, presetId, explicit);
  }

  /** Runs one question on the server; tokens go to onText as they stream. */
  async ask(run: RunRecord, document: string, signal: AbortSignal, onText: (text: string) => void): Promise<RemoteAnswer> {
    const e = this.stored(run.modelId);
    if (!e) throw new IpcError('MODEL_NOT_FOUND', 'the remote engine was removed');
    const check = remoteRecipe(e.kind, run.recipe, e.nLayer);
    if (!check.ok) throw new IpcError('RECIPE_UNSUPPORTED', check.reason);
    const apiKey = await resolveKey(this.deps.vault, e.sealedKey, this.deps.env);
    const report = await streamChat({ baseUrl: e.baseUrl, apiKey, timeoutMs: e.timeoutMs }, {
      model: e.model, message: qaUserMessage(document, run.question), maxTokens: run.maxTokens,
      sampling: remoteSampling(e.kind, run.sampling), extra: check.extra, signal, onText,
    });
    return { answer: report.answer, stopReason: report.stopReason, metrics: remoteRunMetrics(report, hostOf(e.baseUrl)) };
  }
}
