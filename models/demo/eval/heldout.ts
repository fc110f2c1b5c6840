/** Runs make_heldout.py (the demo generator's held-out 'eval' split) and reads its JSONL. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface HeldoutQuestion {
  question: string;
  answer: string;
  value: string;
  name: string;
  attribute: string;
  fact: string;
  fact_char_start: number;
  fact_char_end: number;
}

export interface HeldoutDoc {
  length: number;
  index: number;
  theme: string;
  document: string;
  questions: HeldoutQuestion[];
}

const here = dirname(fileURLToPath(import.meta.url));

export function makeHeldout(opts: { lengths: number[]; n: number; questions: number; seed: number; split?: 'eval' | 'train'; python?: string }): HeldoutDoc[] {
  const dir = mkdtempSync(join(tmpdir(), 'swaa-eval-'));
  const out = join(dir, 'heldout.jsonl');
  try {
    execFileSync(opts.python ?? process.env.PYTHON ?? 'python3', [
      join(here, 'make_heldout.py'), '--lengths', opts.lengths.join(','), '--n', String(opts.n),
      '--questions', String(opts.questions), '--seed', String(opts.seed), '--split', opts.split ?? 'eval', '--out', out,
    ], { stdio: ['ignore', 'inherit', 'inherit'] });
    return readFileSync(out, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as HeldoutDoc);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
