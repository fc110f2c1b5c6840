/**
 * PDF text through pdf.js (legacy build: runs in plain Node without a DOM). Encrypted files and
 * broken files get their own errors; pages without a text layer are counted and reported.
 * Bounded: streams are checked for decompression bombs first (pdf-streams.ts), the page count is
 * checked on open, and each page's text streams in (streamTextContent) so reading stops as soon as
 * a page or the whole text passes its limit.
 */
import { CorruptDocumentError, DocumentTooLargeError, EmptyDocumentError, EncryptedDocumentError, TextBudget } from './errors.js';
import { MAX_EXTRACTED_CHARS, MAX_PDF_PAGE_CHARS, MAX_PDF_PAGES } from './limits.js';
import { checkPdfStreams } from './pdf-streams.js';

export interface PdfText {
  text: string;
  pages: number;
  warnings: string[];
}

/** One chunk of pdf.js's text stream, as far as we read it (validated: the stream is untyped). */
function chunkItems(value: unknown): unknown[] {
  const items = (value as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

async function pageText(page: { streamTextContent(): ReadableStream }, pageNo: number, budget: TextBudget): Promise<string> {
  const reader = (page.streamTextContent() as ReadableStream<unknown>).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const item of chunkItems(value)) {
        const { str, hasEOL } = item as { str?: unknown; hasEOL?: unknown };
        if (typeof str !== 'string') continue;
        text += hasEOL === true ? `${str}\n` : str;
        if (text.length > MAX_PDF_PAGE_CHARS) {
          throw new DocumentTooLargeError(`page ${pageNo} of this PDF has more than ${MAX_PDF_PAGE_CHARS.toLocaleString('en')} characters of text; reading stopped there`);
        }
        budget.ensureRoom(text.length);
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

export async function extractPdfText(bytes: Uint8Array, budget = new TextBudget(MAX_EXTRACTED_CHARS, 'this PDF')): Promise<PdfText> {
  await checkPdfStreams(bytes);
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = err instanceof Error ? err.name : '';
    if (name === 'PasswordException') throw new EncryptedDocumentError('this PDF is password-protected; remove the password and add it again');
    throw new CorruptDocumentError(`this PDF cannot be read (${err instanceof Error ? err.message : String(err)})`, err);
  }
  try {
    if (doc.numPages > MAX_PDF_PAGES) {
      throw new DocumentTooLargeError(`this PDF has ${doc.numPages} pages; at most ${MAX_PDF_PAGES} are read`);
    }
    let blankPages = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const text = await pageText(page, p, budget);
      page.cleanup();
      if (text.trim() === '') blankPages++;
      budget.push(p > 1 ? `\n\n${text}` : text);
    }
    if (blankPages === doc.numPages) {
      throw new EmptyDocumentError('this PDF has no text layer (a scan?); text recognition (OCR) is not supported');
    }
    const warnings = blankPages > 0 ? [`${blankPages} of ${doc.numPages} pages have no text layer and were skipped`] : [];
    return { text: budget.text(), pages: doc.numPages, warnings };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
