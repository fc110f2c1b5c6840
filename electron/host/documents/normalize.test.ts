/**
 * Normalisation is linear: the same output as the old regex pipeline (kept here as the reference)
 * on thousands of random short texts, and on 1 MB pathological inputs a loop-step count bounded by
 * the input length (issue 21: `/[ \t]+$/gm` took minutes on a long run of spaces).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeText, type NormalizeMeter } from './normalize.js';

/** The pre-issue-21 implementation: correct, but quadratic on long runs of spaces. */
function reference(raw: string): string {
  return raw.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\u2028|\u2029/g, '\n')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g, '').replace(/\u00A0/g, ' ')
    .replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('gives the same text as the reference pipeline on 5000 random texts', () => {
  const alphabet = [' ', ' ', '\t', '\n', '\n', '\r', '\r\n', '\u00A0', '\u2028', '\u2029', 'a', 'b', '\u0001', '\u007F', '\u0085',
    '\uFEFF', '\u3000', 'e\u0301', '\u00E9', '.', '\u000B'];
  const next = rng(21);
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const len = Math.floor(next() * 40);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(next() * alphabet.length)];
    assert.equal(normalizeText(s), reference(s), `input ${JSON.stringify(s)}`);
  }
});

const MB = 1 << 20;
const pathological: Array<[string, string, string]> = [
  ['1 MB of spaces, then a letter', ' '.repeat(MB) + 'x', 'x'],
  ['a letter, 1 MB of spaces and tabs, a letter', 'a' + ' \t'.repeat(MB / 2) + 'b', 'a' + ' \t'.repeat(MB / 2) + 'b'],
  ['1 MB of spaces before each of a few newlines', (' '.repeat(MB / 4) + 'y\n').repeat(4), (' '.repeat(MB / 4) + 'y\n').repeat(4).trim()],
  ['1 MB of newlines between words', 'a' + '\n'.repeat(MB) + 'b', 'a\n\nb'],
  ['1 MB of " \\n"', ' \n'.repeat(MB / 2) + 'z', 'z'],
  ['1 MB of no-break spaces and controls', 'q' + '\u00A0\u0001'.repeat(MB / 2) + 'r', 'q' + ' '.repeat(MB / 2) + 'r'],
];

for (const [name, input, expected] of pathological) {
  test(`linear work on ${name}`, () => {
    const meter: NormalizeMeter = { steps: 0 };
    assert.equal(normalizeText(input, { meter }), expected);
    // Each character is looked at at most once by the trailing-space scan, plus one step per line.
    assert.ok(meter.steps <= 2 * input.length + 2, `${meter.steps} steps for ${input.length} characters`);
  });
}

test('refuses a text longer than maxChars with DOC_TOO_LARGE', () => {
  assert.throws(() => normalizeText('word '.repeat(1000), { maxChars: 100 }), { code: 'DOC_TOO_LARGE' });
  assert.equal(normalizeText('  ok  ', { maxChars: 2 }), 'ok');
});
