/** Limits of document ingestion. Each is a named number with the reason it has that value. */

/** Largest file read. 64 MiB holds a several-thousand-page text PDF; beyond it we would hold
 * hundreds of MB of JS strings for text no context on a desktop can read anyway. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Most PDF pages read. pdf.js keeps per-page state; 3000 pages is a very long book. */
export const MAX_PDF_PAGES = 3000;

/** Most characters kept after normalisation: ~4 chars per token → ~1M tokens, the largest
 * context any supported model family trains for. A longer text is refused, not cut silently. */
export const MAX_TEXT_CHARS = 4_000_000;

/** Most characters an extractor produces before normalisation. Extraction stops (and the
 * document is refused) as soon as it passes this, instead of finishing and checking afterwards.
 * Twice the kept limit leaves room for the whitespace normalisation removes, so a real document
 * near MAX_TEXT_CHARS is not refused for its spacing. */
export const MAX_EXTRACTED_CHARS = 2 * MAX_TEXT_CHARS;

/** Most characters of text on one PDF page. A dense 6-point page holds ~15k; a page with more than
 * this is generated (or a bomb), and is refused while its text streams in. */
export const MAX_PDF_PAGE_CHARS = 200_000;

/** Most bytes one PDF stream may inflate to. Content streams, fonts and object streams (what text
 * extraction decodes) are far smaller; pdf.js holds a decoded stream whole, so this bounds its memory. */
export const MAX_PDF_STREAM_BYTES = 64 * 1024 * 1024;

/** Most bytes all of a PDF's Flate streams may inflate to together (image streams excepted). */
export const MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024;

/** Most entries in a DOCX package. Word writes a few dozen; thousands are a crafted archive. */
export const MAX_ZIP_ENTRIES = 10_000;

/** Most bytes one DOCX entry may inflate to: the document.xml of a text at MAX_TEXT_CHARS with
 * heavy formatting markup is well under this. */
export const MAX_ZIP_ENTRY_BYTES = 128 * 1024 * 1024;

/** Most bytes all DOCX entries may inflate to together, as the ZIP central directory declares them. */
export const MAX_ZIP_TOTAL_BYTES = 256 * 1024 * 1024;

/** Time one document may take to read. A 3000-page PDF takes about a minute on a slow laptop. */
export const MAX_INGEST_MS = 120_000;

/** JS heap of the ingestion worker (MB). Holds pdf.js's page objects or mammoth's XML tree for a
 * document at the limits above; a document needing more is refused with DOC_TOO_LARGE. */
export const INGEST_WORKER_HEAP_MB = 1536;

/** Bytes inspected to tell text from binary. */
export const SNIFF_BYTES = 8192;
