/**
 * Per-position diagnosis: max |Δlogit| / logit RMS of the SWAA runtime against llama.cpp with flash
 * attention, next to llama.cpp without flash attention against llama.cpp with it (the reference's own
 * noise). A runtime bug shows up as swaa-fa far above nofa-fa.
 *
 *   npx tsx native/tests/parity/diag.ts [model=qwen3-f16] [prompt index=2] [kv=f16]
 */
import { ensureTestModel, TEST_MODELS, loadVocab } from '../support/test-models.js';
import { ReferenceEngine, SwaaEngine } from './engines.js';
import { parityPrompts } from './corpus.js';
const name = (process.argv[2] ?? 'qwen3-f16') as keyof typeof TEST_MODELS;
const spec = TEST_MODELS[name];
const f = await ensureTestModel(spec);
const nVocab = loadVocab(spec.tokenizer, spec.padVocabTo).tokens.length;
const fa = await ReferenceEngine.load(f.path, { threads: 2, contextSize: 2048, flashAttention: true, nVocab, slice: 16 });
const nofa = await ReferenceEngine.load(f.path, { threads: 2, contextSize: 2048, flashAttention: false, nVocab, slice: 16 });
const sw = await SwaaEngine.load(f.path, { threads: 2, contextSize: 2048, kvType: (process.argv[4] ?? 'f16') as 'f16' });
const p = parityPrompts(spec.tokenizer)[Number(process.argv[3] ?? 2)];
const toks = [...(fa.addBos ? [fa.bos] : []), ...fa.tokenize(p.text)];
const pos = toks.map((_, i) => i).filter((i) => i % 4 === 0 || i === toks.length - 1);
for (const e of [fa, nofa, sw]) await e.beginLogits(toks, pos);
const rms = (x: Float32Array) => Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length);
const md = (a: Float32Array, b: Float32Array) => { let m = 0; for (let t = 0; t < a.length; t++) m = Math.max(m, Math.abs(a[t] - b[t])); return m; };
for (const i of pos) {
  const A = await fa.logitsAt(i), B = await nofa.logitsAt(i), C = await sw.logitsAt(i);
  const s = rms(A);
  console.log(i, 'swaa-fa', (md(C, A) / s).toFixed(4), 'nofa-fa', (md(B, A) / s).toFixed(4), 'swaa-nofa', (md(C, B) / s).toFixed(4));
}
for (const e of [fa, nofa, sw]) await e.dispose();
