/** The CLI's sampling flags: numbers become a patch, bad input a clear message, nothing given = the model's sampling. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { samplingArgOptions, samplingFromArgs, samplingText } from './sampling-args.js';
import { parseRequest } from '../shared/contract.js';

const parse = (args: string[]) => samplingFromArgs(parseArgs({ args, options: samplingArgOptions }).values);

test('flags become a sampling patch the contract accepts', () => {
  const patch = parse(['--temperature', '0.7', '--top-p', '0.9', '--repeat-penalty', '1.1', '--seed', '7', '--top-k', '20', '--min-p', '0']);
  assert.deepEqual(patch, { temperature: 0.7, topP: 0.9, repeatPenalty: 1.1, seed: 7, topK: 20, minP: 0 });
  assert.deepEqual(parseRequest('runs.ask', { documentId: 'd', question: 'q', sampling: patch }).sampling, patch);
  assert.equal(parse([]), undefined);
  assert.deepEqual(parse(['--seed', 'random']), { seed: null });
});

test('a flag that is not a number is refused by name; a number out of range by the contract', () => {
  assert.throws(() => parse(['--temperature', 'hot']), /--temperature needs a number, got "hot"/);
  const patch = parse(['--top-p', '1.5']);
  assert.throws(() => parseRequest('runs.ask', { documentId: 'd', question: 'q', sampling: patch }), /topP/);
});

test('the sampling used reads in one line', () => {
  const base = { temperature: 0.7, topK: 40, topP: 0.9, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, seed: 7 };
  assert.equal(samplingText(base), 'temperature 0.7 · top-k 40 · top-p 0.9 · min-p 0.05 · repeat penalty 1.1 (last 64) · seed 7');
  assert.equal(samplingText({ ...base, temperature: 0, repeatPenalty: 1 }), 'greedy · seed 7');
});
