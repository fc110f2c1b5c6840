/**
 * The demo model's trained prompt, tokenized exactly as in training and split into the document
 * and question phases.
 *
 *   Document:\n{document, trailing whitespace stripped}\n\nQuestion: {question}\nAnswer:
 *
 * No BOS (the demo GGUF says add_bos_token = false). The whole prompt is tokenized at once (the
 * Qwen2 pre-tokenizer glues ".\n\n" into one piece, so tokenizing document and question
 * separately would not give the trained tokens) and then cut at the token where "Question:"
 * begins: everything before it is prefilled in the document phase, the rest in the question phase.
 */
import type { Model } from '../../../native/addon/index.js';

export interface DemoPrompt {
  documentTokens: number[];
  questionTokens: number[];
  /** Token index (in the whole prompt) of the asked fact's first and last token. */
  factStartToken: number;
  factEndToken: number;
  /** i - j from the first question token i back to the fact's last token j (1 = adjacent). An SWA layer
   *  with window W lets the question see the fact iff factDistance <= W. */
  factDistance: number;
  /** Tokens from the start of the fact to the last prompt token. */
  factReach: number;
}

export const DOC_PREFIX = 'Document:\n';
export const QUESTION_PREFIX = '\n\nQuestion: ';
export const ANSWER_PROMPT = '\nAnswer:';

export function buildPromptText(document: string, question: string): string {
  return `${DOC_PREFIX}${document.trimEnd()}${QUESTION_PREFIX}${question}${ANSWER_PROMPT}`;
}

/** Character offset where each token starts (the tokens must cover `text` exactly). */
export function tokenOffsets(model: Pick<Model, 'tokenBytes'>, tokens: readonly number[]): number[] {
  const offsets: number[] = [];
  let bytes = 0;
  for (const t of tokens) {
    offsets.push(bytes);
    bytes += model.tokenBytes(t).length;
  }
  offsets.push(bytes);
  return offsets; // in UTF-8 bytes; callers convert character offsets to bytes
}

const utf8Len = (s: string) => Buffer.byteLength(s, 'utf8');

/** Index of the token containing byte offset b (the last token starting at or before b). */
function tokenAt(offsets: readonly number[], b: number): number {
  let lo = 0;
  let hi = offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= b) lo = mid; else hi = mid - 1;
  }
  return lo;
}

export function buildDemoPrompt(model: Pick<Model, 'tokenize' | 'tokenBytes' | 'detokenize'>, document: string,
                                question: string, fact: { charStart: number; charEnd: number }): DemoPrompt {
  const doc = document.trimEnd();
  const text = buildPromptText(doc, question);
  const tokens = model.tokenize(text, { addSpecial: false, parseSpecial: false });
  const offsets = tokenOffsets(model, tokens);
  if (offsets[offsets.length - 1] !== utf8Len(text)) throw new Error('tokens do not cover the prompt text');
  // cut at the token holding "Question:"; a token that straddles the cut stays in the document
  const qByte = utf8Len(text.slice(0, text.lastIndexOf('Question: ')));
  let cut = tokenAt(offsets, qByte);
  if (offsets[cut] < qByte) cut += 1;
  const documentTokens = tokens.slice(0, cut);
  const questionTokens = tokens.slice(cut);
  if (!model.detokenize(questionTokens).startsWith('Question: ')) {
    throw new Error(`question phase does not start at "Question:": ${JSON.stringify(model.detokenize(questionTokens).slice(0, 20))}`);
  }
  const base = utf8Len(DOC_PREFIX);
  const factStartToken = tokenAt(offsets, base + utf8Len(doc.slice(0, fact.charStart)));
  const factEndToken = tokenAt(offsets, base + utf8Len(doc.slice(0, fact.charEnd)) - 1);
  return {
    documentTokens, questionTokens, factStartToken, factEndToken,
    factDistance: cut - factEndToken,
    factReach: tokens.length - 1 - factStartToken,
  };
}
