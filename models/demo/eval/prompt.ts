/**
 * Where the asked fact sits in the app's prompt. The prompt itself comes from the one builder the app
 * uses (native/addon/prompt.ts: the model's chat template, which for the demo model renders the
 * trained layout `Document:\n{document}\n\nQuestion: {question}\nAnswer:`); this module only maps the
 * fact's character range in the document to token positions, for the eval's by-distance analysis.
 */
import { buildQaPrompt, tokenStartBytes, type PromptModel, type QaPrompt } from '../../../native/addon/prompt.js';

export interface DemoPrompt extends QaPrompt {
  /** Token index (in the whole prompt) of the asked fact's first and last token. */
  factStartToken: number;
  factEndToken: number;
  /** i - j from the first question token i back to the fact's last token j (1 = adjacent). An SWA layer
   *  with window W lets the question see the fact iff factDistance <= W. */
  factDistance: number;
  /** Tokens from the start of the fact to the last prompt token. */
  factReach: number;
}

const utf8Len = (s: string) => Buffer.byteLength(s, 'utf8');

/** Index of the token containing byte offset b (the last token starting at or before b). */
function tokenAt(starts: readonly number[], b: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= b) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** The app's prompt for (document, question), with the fact at document characters [charStart, charEnd) located in tokens. */
export function buildDemoPrompt(model: PromptModel, document: string, question: string,
                                fact: { charStart: number; charEnd: number }): DemoPrompt {
  const p = buildQaPrompt(model, document, question);
  const tokens = [...p.documentTokens, ...p.questionTokens];
  const starts = tokenStartBytes(model, tokens);
  if (starts[starts.length - 1] !== utf8Len(p.text)) throw new Error('the prompt tokens do not spell the prompt text');
  const base = utf8Len(p.text.slice(0, p.documentStart));
  const doc = p.text.slice(p.documentStart);
  const factStartToken = tokenAt(starts, base + utf8Len(doc.slice(0, fact.charStart)));
  const factEndToken = tokenAt(starts, base + utf8Len(doc.slice(0, fact.charEnd)) - 1);
  return {
    ...p, factStartToken, factEndToken,
    factDistance: p.documentTokens.length - factEndToken,
    factReach: tokens.length - 1 - factStartToken,
  };
}
