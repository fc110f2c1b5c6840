/**
 * Benchmark prompts: the demo model's sample documents (models/demo/samples), repeated until the
 * document fills the context, in the demo model's prompt format. The same token ids go to both
 * engines (they read the same GGUF vocabulary), so tokenizers never differ between rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../native/addon/index.js';
import { REPO_ROOT } from './models.js';

const SAMPLES = ['expedition_log.txt', 'town_chronicle.txt', 'company_memo.md'];
const QUESTION = '\n\nQuestion: What is the manager of Dagny Zimmerli?\nAnswer:';
const QUESTION_2 = '\n\nQuestion: What is the budget of Dagny Zimmerli?\nAnswer:';

/** Room left in the context after the prompt: the generated tokens plus slack. */
export const CONTEXT_HEADROOM = 64;

export interface BenchTokens { document: number[]; question: number[]; question2: number[] }

/** A prompt of exactly contextSize − CONTEXT_HEADROOM tokens (document + question). */
export function benchTokens(model: Model, contextSize: number): BenchTokens {
  const text = SAMPLES.map((f) => readFileSync(join(REPO_ROOT, 'models', 'demo', 'samples', f), 'utf8').trimEnd()).join('\n\n');
  const question = model.tokenize(QUESTION);
  const question2 = model.tokenize(QUESTION_2);
  const want = contextSize - CONTEXT_HEADROOM - question.length;
  const unit = model.tokenize(`${text}\n\n`);
  const document = model.tokenize('Document:\n');
  while (document.length < want) document.push(...unit);
  document.length = want;
  return { document, question, question2 };
}
