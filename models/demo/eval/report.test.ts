/**
 * The eval report's full-attention check: with a second held-out draw it passes only when both
 * draws reach 90%, and EVAL.md shows the second draw by length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown, shapeChecks, summarize, type EvalRecord, type EvalResults } from './report.js';

const lengths = [500, 4000];

/** `right` of `n` questions answered correctly at each length, under full attention. */
function fullRecords(right: number, n: number): EvalRecord[] {
  return lengths.flatMap((length) => Array.from({ length: n }, (_, i): EvalRecord => ({
    recipe: 'full', length, doc: i, q: 0, question: 'What is the badge number of Ada Quill?', expected: '1234',
    answer: i < right ? 'The badge number of Ada Quill is 1234.' : 'The badge number of Ada Quill is 4321.',
    parsedValue: i < right ? '1234' : '4321', valueMatch: i < right, exact: i < right, stopReason: 'eog',
    documentTokens: length, questionTokens: 12, factStartToken: 10, factEndToken: 20, factDistance: length - 20,
    window: null, beyondWindow: null, documentCached: false, prefillTokens: length + 12, prefillMs: 10,
    decodeTokens: 10, decodeMs: 5, kvBytes: 1024, contextSize: 4352,
  })));
}

function results(records: EvalRecord[], confirm?: EvalRecord[]): EvalResults {
  return {
    meta: {
      date: '2026-12-02T00:00:00.000Z', command: 'npm run eval', model: 'models/demo/demo.gguf', modelMtime: '', modelHash: '0123456789abcdef',
      modelInfo: { name: 'demo', architecture: 'qwen3', nLayer: 4, nEmbd: 128, nParams: 1.3e6, weightType: 'F16' } as EvalResults['meta']['modelInfo'],
      runtime: 'test', split: 'eval', lengths, documentsPerLength: 20, questionsPerDocument: 1, seed: 4321, maxTokens: 40, threads: 2,
      contextSizes: { 500: 768, 4000: 4352 }, kvEstimate: {}, machine: 'test', seconds: { total: 1, generate: 0 },
    },
    recipes: [{ id: 'full', label: 'Full attention', kind: 'reference', recipe: { window: null, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false }, note: '', description: 'full' }],
    records,
    ...(confirm ? { confirm: { seed: 9876, records: confirm } } : {}),
  };
}

const fullCheck = (res: EvalResults) => shapeChecks(res, summarize(res))[0]!;

test('one draw at 95%: passes, and says it is one draw', () => {
  const c = fullCheck(results(fullRecords(19, 20)));
  assert.equal(c.ok, true);
  assert.match(c.text, /one held-out draw only/);
});

test('95% on the first draw but 85% on the second: fails, naming both numbers', () => {
  const res = results(fullRecords(19, 20), fullRecords(17, 20));
  const c = fullCheck(res);
  assert.equal(c.ok, false);
  assert.match(c.text, /95\.0% on seed 4321/);
  assert.match(c.text, /85\.0% on seed 9876/);
  assert.match(c.text, /72\/80/);
  assert.match(renderMarkdown(res, summarize(res)), /second held-out draw \(seed 9876[^\n]*500 tok 85% \(17\/20\)[^\n]*\*\*85%\*\*/);
});

test('both draws at 90% or more: passes', () => {
  assert.equal(fullCheck(results(fullRecords(18, 20), fullRecords(19, 20))).ok, true);
});
