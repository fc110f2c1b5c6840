/**
 * Where a greedy continuation splits: runs llama.cpp's and our greedy decoding on one prompt, and at
 * the first differing step re-evaluates prompt + the shared tokens as one prompt in llama.cpp (with
 * and without flash attention) and in our runtime, printing each engine's top two tokens there. If
 * our prompt-mode top-1 matches llama.cpp while our decode chose otherwise, the decode path differs.
 *
 *   npx tsx native/tests/parity/diag-greedy.ts [model=qwen3-f16] [prompt index=4] [threads=2]
 */
import { ensureTestModel, TEST_MODELS, loadVocab } from '../support/test-models.js';
import { ReferenceEngine, SwaaEngine } from './engines.js';
import { parityPrompts } from './corpus.js';

const name = (process.argv[2] ?? 'qwen3-f16') as keyof typeof TEST_MODELS;
const spec = TEST_MODELS[name];
const f = await ensureTestModel(spec);
const threads = Number(process.argv[4] ?? 2);
const nVocab = loadVocab(spec.tokenizer, spec.padVocabTo).tokens.length;
const fa = await ReferenceEngine.load(f.path, { threads, contextSize: 2048, flashAttention: true, nVocab, slice: 16 });
const nofa = await ReferenceEngine.load(f.path, { threads, contextSize: 2048, flashAttention: false, nVocab, slice: 16 });
const sw = await SwaaEngine.load(f.path, { threads, contextSize: 2048, kvType: 'f16' });
const p = parityPrompts(spec.tokenizer)[Number(process.argv[3] ?? 4)];
const prompt = [...(fa.addBos ? [fa.bos] : []), ...fa.tokenize(p.text)];
const ref = await fa.greedy(prompt, 64);
const ours = await sw.greedy(prompt, 64);
const k = ref.tokens.findIndex((t, i) => t !== ours.tokens[i]);
console.log(`${name} "${p.label}", ${threads} thread(s): prompt ${prompt.length} tokens; greedy split at ${k} (llama.cpp margin ${ref.margins?.[k]?.toFixed(4) ?? "n/a"})`);
if (k >= 0) {
  const seq = [...prompt, ...ref.tokens.slice(0, k)];
  const last = seq.length - 1;
  const top2 = (x: Float32Array) => {
    let a = 0, b = 1;
    if (x[b] > x[a]) [a, b] = [b, a];
    for (let t = 2; t < x.length; t++) { if (x[t] > x[a]) { b = a; a = t; } else if (x[t] > x[b]) b = t; }
    return `${a} (${x[a].toFixed(3)}) > ${b} (${x[b].toFixed(3)})`;
  };
  const md = (a: Float32Array, b: Float32Array) => { let m = 0; for (let t = 0; t < a.length; t++) m = Math.max(m, Math.abs(a[t] - b[t])); return m; };
  const out: Record<string, Float32Array> = {};
  for (const [label, e] of [['llama.cpp FA', fa], ['llama.cpp no FA', nofa], ['swaa', sw]] as const) {
    await e.beginLogits(seq, [last]);
    out[label] = await e.logitsAt(last);
    console.log(`  prompt-mode at ${last}: ${label.padEnd(16)} ${top2(out[label])}`);
  }
  console.log(`  decode chose: llama.cpp ${ref.tokens[k]}, swaa ${ours.tokens[k]}`);
  console.log(`  max|Δ| swaa vs FA ${md(out.swaa, out['llama.cpp FA']).toFixed(4)}, no-FA vs FA ${md(out['llama.cpp no FA'], out['llama.cpp FA']).toFixed(4)}`);
}
for (const e of [fa, nofa, sw]) await e.dispose();
