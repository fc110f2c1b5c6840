/**
 * The models the benchmark runs: a random-weight model with Qwen3-0.6B's layer shape (generated once
 * with the test-model generator of native/tests/support and cached under ~/.cache/swaa-bench/, never
 * committed) and the embedded demo model.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTestModel, type TestModelSpec } from '../native/tests/support/test-models.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = process.env.SWAA_BENCH_CACHE ?? join(homedir(), '.cache', 'swaa-bench');
export const DEMO_MODEL_PATH = join(REPO_ROOT, 'models', 'demo', 'demo.gguf');

/**
 * Qwen3-0.6B's layer shape (hidden 1024, 16 q heads, 8 kv heads, head size 128, FFN 3072, tied
 * embeddings, the real 151,936-token Qwen3 vocabulary and tokenizer) with random Q8_0 weights.
 * The real model has 28 layers; 8 by default keeps the benchmark inside its time budget (attention
 * and matmul cost both scale linearly with the layer count, so the ratios hardly move).
 */
export function qwen3ShapeSpec(nLayer: number): TestModelSpec {
  return {
    name: `bench-qwen3-0.6b-shape-${nLayer}l`,
    layout: 'qwen3', tokenizer: 'qwen3', weightType: 'Q8_0',
    nEmbd: 1024, nLayer, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 3072,
    nCtxTrain: 40960, ropeFreqBase: 1_000_000, rmsEps: 1e-6, padVocabTo: 151936,
    logitStd: 4, logitTailSigma: 0.5, seed: 600,
  };
}

export interface BenchModel {
  /** Short id used in the results ("qwen3-0.6b-shape-8l", "demo"). */
  id: string;
  path: string;
  /** Presets use demoRecipe (windows scaled to the demo model's short documents). */
  demo: boolean;
  /** Longest context benchmarked by default. */
  maxContext: number;
  description: string;
}

export async function ensureQwen3Shape(nLayer: number, log: (s: string) => void): Promise<BenchModel> {
  const spec = qwen3ShapeSpec(nLayer);
  const file = await ensureTestModel(spec, { dir: CACHE_DIR, log });
  return {
    id: `qwen3-0.6b-shape-${nLayer}l`, path: file.path, demo: false, maxContext: 32768,
    description: `Qwen3-0.6B layer shape, ${nLayer} layers, random Q8_0 weights, Qwen3 tokenizer (151,936 tokens)`,
  };
}

export function demoModel(): BenchModel {
  return {
    id: 'demo', path: DEMO_MODEL_PATH, demo: true, maxContext: 8192,
    description: 'models/demo/demo.gguf: 4M-parameter qwen3-layout demo model, F16, trained context 8k',
  };
}
