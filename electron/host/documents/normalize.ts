/**
 * One normal form for text from every format, so token counts and cache keys do not depend on how
 * a file happened to encode line ends or spaces: NFC, LF line ends, no control characters, no
 * trailing spaces, at most one blank line in a row.
 */
// C0/C1 controls except tab and newline, plus BOM and zero-width no-break space.
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFEFF]/g;

export function normalizeText(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\u2028|\u2029/g, '\n')
    .replace(CONTROL_CHARS, '')
    .replace(/\u00A0/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** True when a text holds nothing a reader could read. */
export function isBlank(text: string): boolean {
  return !/[\p{L}\p{N}\p{P}\p{S}]/u.test(text);
}
