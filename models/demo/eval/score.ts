/**
 * Scoring of the demo model's answers. The model is trained to answer
 *   " The {attribute} of {name} is {value}."  then <|endoftext|>
 * The value is what was asked, so the primary score is an exact match of the value parsed out of
 * that sentence: strict (the whole value, nothing more, nothing less; "4821" ≠ "48211", "Astrid
 * Xiong" ≠ "Astrid"), fair (case and runs of whitespace do not count, nor does text after the
 * sentence). `exact` additionally requires the whole sentence to be the expected one (restated
 * attribute and name too), like models/demo/eval_pt.py's exact match.
 */

export interface ParsedAnswer {
  /** The restated attribute, or null when the answer is not in the trained form. */
  attribute: string | null;
  name: string | null;
  /** The value: the text after "… is " up to the sentence's final period; null if there is none. */
  value: string | null;
  /** The sentence was closed by a period (not cut off by maxTokens). */
  complete: boolean;
}

export interface Score {
  /** The parsed value equals the expected value. */
  valueMatch: boolean;
  /** The first sentence equals the expected answer sentence. */
  exact: boolean;
  parsed: ParsedAnswer;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Parses "The {attribute} of {name} is {value}." A value may hold commas and spaces ("March 3,
 * 1999", "$12,345", "Tamarind Cove") but no period followed by whitespace/end, which is where the
 * sentence ends. Without the restatement the answer still counts when it is "is {value}." only if
 * it begins with the value itself ("4821."), which the model is not trained to do but is a fair
 * reading.
 */
export function parseAnswer(text: string): ParsedAnswer {
  // only the first line/sentence matters; special tokens, if rendered, end the answer
  let t = text.replace(/<\|[^|]*\|>[\s\S]*$/, '');
  t = t.split('\n')[0] ?? '';
  t = t.trim();
  // end of the first sentence: a period followed by whitespace or end of text
  const m = /\.(?=\s|$)/.exec(t);
  const complete = m !== null;
  const sentence = m ? t.slice(0, m.index) : t;
  const full = /^The (.+?) of (.+?) is (.+)$/s.exec(sentence);
  if (full) {
    const value = full[3].trim();
    return { attribute: full[1].trim(), name: full[2].trim(), value: complete && value ? value : null, complete };
  }
  // bare value ("4821.") — no " is " and no restatement
  if (complete && sentence && !/\bis\b/.test(sentence) && !/^The /.test(sentence)) {
    return { attribute: null, name: null, value: sentence.trim(), complete };
  }
  return { attribute: null, name: null, value: null, complete };
}

export function scoreAnswer(text: string, expected: { value: string; answer: string }): Score {
  const parsed = parseAnswer(text);
  const valueMatch = parsed.value !== null && norm(parsed.value) === norm(expected.value);
  const exp = expected.answer.trim().replace(/\.$/, '');
  const got = parsed.attribute !== null && parsed.value !== null
    ? `The ${parsed.attribute} of ${parsed.name} is ${parsed.value}` : null;
  const exact = got !== null && norm(got) === norm(exp);
  return { valueMatch, exact, parsed };
}
