/**
 * PDF text through pdf.js (legacy build: runs in plain Node without a DOM). Encrypted files and
 * broken files get their own errors; pages without a text layer are counted and reported.
 */
import { CorruptDocumentError, DocumentTooLargeError, EmptyDocumentError, EncryptedDocumentError } from './errors.js';
import { MAX_PDF_PAGES } from './limits.js';

export interface PdfText {
  text: string;
  pages: number;
  warnings: string[];
}

interface PdfTextItem { str?: unknown; hasEOL?: unknown }

export async function extractPdfText(bytes: Uint8Array): Promise<PdfText> {
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
    const pages: string[] = [];
    let blankPages = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items as PdfTextItem[]) {
        if (typeof item.str !== 'string') continue;
        text += item.str;
        if (item.hasEOL === true) text += '\n';
      }
      page.cleanup();
      if (text.trim() === '') blankPages++;
      pages.push(text);
    }
    if (blankPages === doc.numPages) {
      throw new EmptyDocumentError('this PDF has no text layer (a scan?); text recognition (OCR) is not supported');
    }
    const warnings = blankPages > 0 ? [`${blankPages} of ${doc.numPages} pages have no text layer and were skipped`] : [];
    return { text: pages.join('\n\n'), pages: doc.numPages, warnings };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}
