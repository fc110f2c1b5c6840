/**
 * One normal form for text from every format, so token counts and cache keys do not depend on how
 * a file happened to encode line ends or spaces: NFC, LF line ends, no control characters, no
 * trailing spaces, at most one blank line in a row.
 *
 * Linear time by construction (issue 21: `/[ \t]+$/gm` backtracked quadratically on a long run of
 * spaces): the regexes below match one fixed-length unit each, and trailing spaces are removed by a
 * backward scan per line that touches each character at most once more.
 */
import { DocumentTooLargeError } from './errors.js';

// C0/C1 controls except tab and newline, plus BOM and zero-width no-break space.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g;
const LINE_BREAKS = /\r\n|[\r\u2028\u2029]/g;

/** Counts the loop steps of normalizeText (tests prove the work is linear with it). */
export interface NormalizeMeter { steps: number }

export interface NormalizeOptions {
  /** Refuse (DOC_TOO_LARGE) when the output has more characters than this. The input is already
   * bounded by MAX_EXTRACTED_CHARS, so this is a check of the result, not a stop. */
  maxChars?: number;
  meter?: NormalizeMeter;
}

export function normalizeText(raw: string, options: NormalizeOptions = {}): string {
  const meter = options.meter ?? { steps: 0 };
  const maxChars = options.maxChars ?? Infinity;
  const lines = raw
    .normalize('NFC')
    .replace(LINE_BREAKS, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(/\u00A0/g, ' ')
    .split('\n');
  const out: string[] = [];
  let blankRun = 0;
  for (const line of lines) {
    let end = line.length;
    while (end > 0) {
      meter.steps++;
      const c = line.charCodeAt(end - 1);
      if (c !== 0x20 && c !== 0x09) break;
      end--;
    }
    meter.steps++;
    if (end === 0) {
      // At most one blank line in a row: "\n{3,}" → "\n\n".
      if (++blankRun > 1) continue;
      out.push('');
    } else {
      blankRun = 0;
      out.push(end === line.length ? line : line.slice(0, end));
    }
  }
  const text = out.join('\n').trim();
  if (text.length > maxChars) throw new DocumentTooLargeError(`the text has more than ${maxChars.toLocaleString('en')} characters`);
  return text;
}

/** True when a text holds nothing a reader could read. */
export function isBlank(text: string): boolean {
  return !/[\p{L}\p{N}\p{P}\p{S}]/u.test(text);
}
