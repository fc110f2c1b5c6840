import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDemoPrompt } from './prompt.js';

/** A toy tokenizer with the property that matters: punctuation glues to the newlines after it (".\n\n").
 *  No chat template: the builder's fallback template is the demo model's layout. */
function fakeModel() {
  const vocab: string[] = [];
  const id = (piece: string) => { let i = vocab.indexOf(piece); if (i < 0) { i = vocab.length; vocab.push(piece); } return i; };
  return {
    chatTemplate: null, bos: -1, eos: -1, addBos: false,
    tokenize: (text: string) => (text.match(/ ?[A-Za-z0-9$]+|[^\sA-Za-z0-9]+[\r\n]*|\s*[\r\n]+|\s+/g) ?? []).map(id),
    tokenBytes: (t: number) => new Uint8Array(Buffer.from(vocab[t], 'utf8')),
    detokenize: (ts: readonly number[]) => ts.map((t) => vocab[t]).join(''),
  };
}

test('split: the question phase starts at "Question:", tokens equal the whole prompt tokenized at once', () => {
  const m = fakeModel();
  const doc = 'Tea was served at four. Astrid Xiong keys in the access code 4821 each morning.\n\nThe evening passed without incident.';
  const fact = 'Astrid Xiong keys in the access code 4821 each morning.';
  const a = doc.indexOf(fact);
  const p = buildDemoPrompt(m, `${doc}\n`, 'What is the access code of Astrid Xiong?', { charStart: a, charEnd: a + fact.length });
  assert.equal(p.text, `Document:\n${doc}\n\nQuestion: What is the access code of Astrid Xiong?\nAnswer:`);
  const whole = m.tokenize(p.text);
  assert.deepEqual([...p.documentTokens, ...p.questionTokens], whole);
  assert.ok(m.detokenize(p.questionTokens).startsWith('Question: '));
  assert.ok(m.detokenize(p.documentTokens).endsWith('incident.\n\n'));
  const all = [...p.documentTokens, ...p.questionTokens];
  assert.equal(m.detokenize(all.slice(p.factStartToken, p.factEndToken + 1)).trim(), fact);
  // i - j from the first question token to the fact's last token ("morning.\n\n"); 6 tokens lie between
  // ("The evening passed without incident.\n\n"), so the distance is 7 and W=7 would still see it
  assert.equal(p.factDistance, p.documentTokens.length - p.factEndToken);
  assert.equal(p.factDistance, 7);
});
