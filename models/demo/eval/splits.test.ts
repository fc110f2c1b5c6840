import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The held-out evaluation is only held out if training never sees its words and phrasings. Training
 * draws synthetic names and composed fact phrasings (models/demo/data.py), so disjointness is checked on
 * generated documents, not only on the fixed pools.
 */
const demo = dirname(dirname(fileURLToPath(import.meta.url)));
const python = process.env.PYTHON ?? 'python3';
const runPython = (args: string[]) => execFileSync(python, args, { cwd: demo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('training documents contain no held-out name, place, project or phrasing', () => {
  const out = runPython(['data.py', '--check-splits', '300']);
  assert.match(out, /300 training documents, no held-out word or phrasing/);
});

test('the leak check finds held-out words and phrasings in held-out documents', () => {
  // the check itself must be able to fail: an eval-split document holds held-out names and phrasings
  const out = runPython(['-c', [
    'import random, data',
    'ex = data.make_example(random.Random(5), "eval", 400)',
    'leaks = data.held_out_leaks(ex["document"])',
    'print(len([l for l in leaks if "{" in l]), len([l for l in leaks if "{" not in l]))',
  ].join('\n')]);
  const [templates, words] = out.trim().split(' ').map(Number);
  assert.ok(templates > 0, `held-out phrasings found in a held-out document (got ${templates})`);
  assert.ok(words > 0, `held-out words found in a held-out document (got ${words})`);
});
