/**
 * Splits a streaming answer into <think> sections and visible text. An unclosed <think> at the end
 * is a section still being written (open: true), so it can be shown expanded while it streams.
 */
export type AnswerPart =
  | { kind: 'text'; text: string }
  | { kind: 'think'; text: string; open: boolean };

const OPEN = '<think>';
const CLOSE = '</think>';

export function splitThink(answer: string): AnswerPart[] {
  const parts: AnswerPart[] = [];
  let rest = answer;
  while (rest.length > 0) {
    const start = rest.indexOf(OPEN);
    if (start < 0) { parts.push({ kind: 'text', text: rest }); break; }
    if (start > 0) parts.push({ kind: 'text', text: rest.slice(0, start) });
    const body = rest.slice(start + OPEN.length);
    const end = body.indexOf(CLOSE);
    if (end < 0) { parts.push({ kind: 'think', text: body, open: true }); break; }
    parts.push({ kind: 'think', text: body.slice(0, end), open: false });
    rest = body.slice(end + CLOSE.length);
  }
  return parts.filter((p) => p.kind === 'think' || p.text.trim().length > 0);
}
