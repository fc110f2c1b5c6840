/**
 * Per-model sampling: defaults (greedy for the embedded demo model, which is trained to answer with
 * its single most likely continuation; a GGUF's own `general.sampling.*` values for other models;
 * llama.cpp's defaults for what a file does not say), the person's changes per model (kept in the
 * library), and the concrete sampling a run uses and records.
 */
import { randomInt } from 'node:crypto';
import { statSync } from 'node:fs';
import {
  SamplingConfigSchema, SamplingPatchSchema, SamplingSchema,
  type Sampling, type SamplingConfig, type SamplingInfo, type SamplingPatch,
} from '../shared/contract.js';
import type { SamplerOptions } from '../../native/addon/types.js';
import type { Library, StoredModel } from './library/library.js';
import { readGgufMetadata } from './engine/gguf-meta.js';

/** llama.cpp's common_params_sampling defaults (temp 0.8, top-k 40, top-p 0.95, min-p 0.05, no repeat penalty). */
export const RUNTIME_SAMPLING_DEFAULTS: SamplingConfig = Object.freeze({
  temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1, repeatLastN: 64, seed: null,
});

/** The demo model's scores (npm run eval) are greedy answers: the app answers the same way. */
export const DEMO_SAMPLING_DEFAULTS: SamplingConfig = Object.freeze({ ...RUNTIME_SAMPLING_DEFAULTS, temperature: 0 });

/** GGUF key → sampling field (llama.cpp gguf-py Keys.General.SAMPLING_*). */
const GGUF_KEYS: Record<string, keyof Sampling> = {
  'general.sampling.temp': 'temperature',
  'general.sampling.top_k': 'topK',
  'general.sampling.top_p': 'topP',
  'general.sampling.min_p': 'minP',
  'general.sampling.penalty_repeat': 'repeatPenalty',
  'general.sampling.penalty_last_n': 'repeatLastN',
};

/** Float32 values (0.95 stored as 0.949999988…) are shown and stored as people wrote them. */
const tidy = (v: number) => Number(v.toPrecision(6));

/**
 * The sampling values a GGUF publishes, each checked against the contract's range (a value out of
 * range, e.g. penalty_last_n = -1 for "the whole context", is ignored). {} when none or unreadable.
 */
export function ggufSamplingDefaults(path: string): SamplingPatch {
  let meta;
  try {
    meta = readGgufMetadata(path, (k) => k in GGUF_KEYS);
  } catch {
    return {};
  }
  const out: Record<string, number> = {};
  for (const [key, field] of Object.entries(GGUF_KEYS)) {
    const raw = meta.get(key);
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof v !== 'number') continue;
    const value = tidy(v);
    if (SamplingSchema.shape[field].safeParse(value).success) out[field] = value;
  }
  return out;
}

const fileDefaults = new Map<string, { stamp: string; patch: SamplingPatch }>();

/** A model's defaults and where they come from (the file is read once per path and modification time). */
export function modelSamplingDefaults(model: Pick<StoredModel, 'path' | 'isDemo'>): Pick<SamplingInfo, 'defaults' | 'defaultsFrom'> {
  if (model.isDemo) return { defaults: { ...DEMO_SAMPLING_DEFAULTS }, defaultsFrom: 'demo' };
  let stamp = 'missing';
  try { const s = statSync(model.path); stamp = `${s.size}:${s.mtimeMs}`; } catch { /* file gone: runtime defaults */ }
  let hit = fileDefaults.get(model.path);
  if (!hit || hit.stamp !== stamp) {
    hit = { stamp, patch: stamp === 'missing' ? {} : ggufSamplingDefaults(model.path) };
    fileDefaults.set(model.path, hit);
  }
  const fromFile = Object.keys(hit.patch).length > 0;
  return { defaults: { ...RUNTIME_SAMPLING_DEFAULTS, ...hit.patch }, defaultsFrom: fromFile ? 'gguf' : 'runtime' };
}

const metaKey = (modelId: string) => `sampling.${modelId}`;

/** The person's changes for a model; a stored value that no longer validates counts as none. */
export function storedOverrides(library: Library, modelId: string): SamplingPatch {
  const raw = library.meta(metaKey(modelId));
  if (!raw) return {};
  try {
    const parsed = SamplingPatchSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function samplingInfo(library: Library, model: StoredModel): SamplingInfo {
  const { defaults, defaultsFrom } = modelSamplingDefaults(model);
  const overrides = storedOverrides(library, model.id);
  return { modelId: model.id, defaultsFrom, defaults, overrides, effective: SamplingConfigSchema.parse({ ...defaults, ...overrides }) };
}

/** Replaces a model's overrides; values equal to the defaults are not kept, so later default changes reach them. */
export function setSamplingOverrides(library: Library, model: StoredModel, overrides: SamplingPatch): SamplingInfo {
  const { defaults } = modelSamplingDefaults(model);
  const kept = Object.fromEntries(Object.entries(overrides).filter(([k, v]) => v !== undefined && defaults[k as keyof SamplingConfig] !== v));
  library.setMeta(metaKey(model.id), Object.keys(kept).length ? JSON.stringify(kept) : null);
  return samplingInfo(library, model);
}

/** A seed the runtime accepts (it reserves 0xFFFFFFFF for "random"). */
export function randomSeed(): number {
  return randomInt(0, 0xffff_ffff);
}

/** What one run uses: the model's sampling, this request's changes, and a concrete seed (drawn when none is set). */
export function runSampling(effective: SamplingConfig, request: SamplingPatch | undefined, draw: () => number = randomSeed): Sampling {
  const merged = { ...effective, ...request };
  return SamplingSchema.parse({ ...merged, seed: merged.seed ?? draw() });
}

/** The runtime's sampler options for a stored sampling (same names; the compiler checks they still match). */
export function samplerOptions(s: Sampling): Required<SamplerOptions> {
  return { temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, repeatPenalty: s.repeatPenalty, repeatLastN: s.repeatLastN, seed: s.seed };
}
