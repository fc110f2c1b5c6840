/**
 * The shipped demo model under full attention: our runtime and llama.cpp (node-llama-cpp, CPU) tokenize
 * held-out prompts identically and give the same greedy answers, token for token. Held-out documents
 * come from the demo's own generator (make_heldout.py, 'eval' split), at lengths that cross the
 * runtime's 512-token prefill chunk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { demoModelPath, missingPrerequisite } from '../../../native/tests/ts/fixtures.js';
import { ReferenceEngine, SwaaEngine } from '../../../native/tests/parity/engines.js';
import { makeHeldout } from './heldout.js';
import { buildQaPrompt } from '../../../native/addon/prompt.js';

const skip = missingPrerequisite() ?? (existsSync(demoModelPath) ? null : 'no demo model');
if (skip) console.log(`# skipped: ${skip}`);

const THREADS = 2;
const MAX_TOKENS = 40;

test('demo model: our runtime and llama.cpp give the same greedy answers under full attention', { skip: skip ?? false, timeout: 600_000 }, async () => {
  const docs = makeHeldout({ lengths: [400, 1500], n: 3, questions: 1, seed: 2027 });
  const ours = await SwaaEngine.load(demoModelPath, { threads: THREADS, contextSize: 2048, kvType: 'f16' });
  const ref = await ReferenceEngine.load(demoModelPath, { threads: THREADS, contextSize: 2048, flashAttention: true, nVocab: ours.nVocab });
  try {
    assert.equal(ref.addBos, ours.addBos, 'BOS handling');
    for (const d of docs) {
      const q = d.questions[0];
      const text = buildQaPrompt(ours.model, d.document, q.question).text; // the app's prompt
      const tokens = ref.tokenize(text);
      assert.deepEqual(ours.tokenize(text), tokens, `tokenization of held-out document ${d.length}/${d.index}`);
      const a = await ref.greedy(tokens, MAX_TOKENS);
      const b = await ours.greedy(tokens, MAX_TOKENS);
      const at = a.tokens.findIndex((t, i) => t !== b.tokens[i]);
      assert.ok(at < 0 && a.tokens.length === b.tokens.length,
        `document ${d.length}/${d.index} (${tokens.length} tokens): greedy answers differ at step ${at} ` +
        `(llama.cpp margin there ${a.margins?.[at]?.toFixed(4) ?? 'n/a'}): ` +
        `llama.cpp ${JSON.stringify(ref.detokenize(a.tokens))}, ours ${JSON.stringify(ours.detokenize(b.tokens))}`);
      assert.equal(b.stopReason === 'eog', a.stopReason === 'eog', `stop reasons ${a.stopReason} / ${b.stopReason}`);
      console.log(`# ${d.length}/${d.index} (${tokens.length} tokens): ${JSON.stringify(ours.detokenize(b.tokens))}` +
        ` — expected ${JSON.stringify(q.answer)}`);
    }
  } finally {
    await ours.dispose();
    await ref.dispose();
  }
});
