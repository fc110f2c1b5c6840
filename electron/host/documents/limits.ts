/** Limits of document ingestion. Each is a named number with the reason it has that value. */

/** Largest file read. 64 MiB holds a several-thousand-page text PDF; beyond it we would hold
 * hundreds of MB of JS strings for text no context on a desktop can read anyway. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Most PDF pages read. pdf.js keeps per-page state; 3000 pages is a very long book. */
export const MAX_PDF_PAGES = 3000;

/** Most characters kept after normalisation: ~4 chars per token → ~1M tokens, the largest
 * context any supported model family trains for. A longer text is refused, not cut silently. */
export const MAX_TEXT_CHARS = 4_000_000;

/** Bytes inspected to tell text from binary. */
export const SNIFF_BYTES = 8192;
