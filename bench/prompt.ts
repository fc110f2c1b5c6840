/**
 * Benchmark prompts: the demo model's sample documents, repeated until the document fills the context,
 * built by the app's one prompt builder (native/addon/prompt.ts: the model's chat template). The same
 * token ids go to both engines (they read the same GGUF vocabulary), so tokenizers never differ between rows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Model } from '../native/addon/index.js';
import { buildQaPrompt } from '../native/addon/prompt.js';
import { REPO_ROOT } from './models.js';

const SAMPLES = ['expedition_log.txt', 'town_chronicle.txt', 'company_memo.md'];
const QUESTION = 'What is the manager of Dagny Zimmerli?';
const QUESTION_2 = 'What is the budget of Dagny Zimmerli?';

/** Room left in the context after the prompt: the generated tokens plus slack. */
export const CONTEXT_HEADROOM = 64;

export interface BenchTokens { document: number[]; question: number[]; question2: number[] }

/**
 * A prompt of exactly contextSize − CONTEXT_HEADROOM tokens (document + question): the app's prompt for
 * the repeated samples, with the document phase cut to length (the question phase is the app's, whole).
 */
export function benchTokens(model: Model, contextSize: number): BenchTokens {
  const unit = SAMPLES.map((f) => readFileSync(join(REPO_ROOT, 'models', 'demo', 'samples', f), 'utf8').trimEnd()).join('\n\n');
  const unitTokens = model.tokenize(unit, { parseSpecial: false }).length;
  const first = buildQaPrompt(model, unit, QUESTION);
  const want = contextSize - CONTEXT_HEADROOM - first.questionTokens.length;
  const copies = Math.max(1, Math.ceil(want / Math.max(1, unitTokens)) + 1);
  const text = Array.from({ length: copies }, () => unit).join('\n\n');
  const p = buildQaPrompt(model, text, QUESTION);
  const document = p.documentTokens.slice(0, want);
  if (document.length < want) throw new Error(`bench prompt: ${document.length} document tokens, wanted ${want}`);
  return { document, question: p.questionTokens, question2: buildQaPrompt(model, text, QUESTION_2).questionTokens };
}
