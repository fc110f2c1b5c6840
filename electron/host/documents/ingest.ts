/**
 * Turns a user's file into normalised document text: picks the reader by extension and content
 * signature, applies the limits, and fails with a specific DocumentError (never a partial result).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DocumentFormat } from '../../shared/contract.js';
import { extractDocxText, isOleFile, isZipFile, startsWith } from './docx.js';
import {
  CorruptDocumentError, DocumentError, DocumentNotFoundError, DocumentTooLargeError, EmptyDocumentError,
  TextBudget, UnsupportedDocumentError,
} from './errors.js';
import { htmlToText } from './html.js';
import { MAX_EXTRACTED_CHARS, MAX_FILE_BYTES, MAX_TEXT_CHARS } from './limits.js';
import { isBlank, normalizeText } from './normalize.js';
import { extractPdfText } from './pdf.js';
import { decodeText, looksBinary } from './text.js';

export interface IngestedDocument {
  name: string;
  format: DocumentFormat;
  text: string;
  sha256: string;
  fileBytes: number;
  pages: number | null;
  encoding: string | null;
  warnings: string[];
}

const EXTENSION_FORMATS: Record<string, DocumentFormat> = {
  '.pdf': 'pdf', '.docx': 'docx', '.md': 'markdown', '.markdown': 'markdown', '.mdown': 'markdown',
  '.txt': 'text', '.text': 'text', '.log': 'text', '.csv': 'text', '.tsv': 'text', '.rst': 'text', '.json': 'text',
  '.html': 'html', '.htm': 'html', '.xhtml': 'html',
};

/** Formats people try that we do not read, with what to do instead. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  '.doc': 'old binary Word files are not supported; save it as .docx',
  '.rtf': 'RTF is not supported; save it as .docx or .txt',
  '.odt': 'OpenDocument text is not supported yet; save it as .docx',
  '.pptx': 'slides are not supported', '.ppt': 'slides are not supported',
  '.xlsx': 'spreadsheets are not supported', '.xls': 'spreadsheets are not supported',
  '.epub': 'EPUB is not supported yet',
  '.png': 'images are not supported (no OCR)', '.jpg': 'images are not supported (no OCR)', '.jpeg': 'images are not supported (no OCR)',
  '.gif': 'images are not supported', '.zip': 'archives are not supported', '.gguf': 'this is a model file: add it under Models',
};

const PDF_SIGNATURE = [0x25, 0x50, 0x44, 0x46, 0x2d]; // "%PDF-"

/** The format a file is read as, from its extension, else its first bytes. */
export function detectFormat(name: string, bytes: Uint8Array): DocumentFormat {
  const ext = extname(name).toLowerCase();
  const known = EXTENSION_FORMATS[ext];
  if (known) return known;
  if (KNOWN_UNSUPPORTED[ext]) throw new UnsupportedDocumentError(`${basename(name)}: ${KNOWN_UNSUPPORTED[ext]}`);
  // pdf.js accepts a signature anywhere in the first KB; we ask for it at the start for sniffing only.
  if (startsWith(bytes, PDF_SIGNATURE)) return 'pdf';
  if (isZipFile(bytes) || isOleFile(bytes)) {
    throw new UnsupportedDocumentError(`${basename(name)}: unknown packaged format; supported are PDF, DOCX, Markdown, text and HTML`);
  }
  if (!looksBinary(bytes)) {
    const head = Buffer.from(bytes.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
    return head.startsWith('<!doctype html') || head.startsWith('<html') ? 'html' : 'text';
  }
  throw new UnsupportedDocumentError(`${basename(name)}: unsupported file type${ext ? ` (${ext})` : ''}; supported are PDF, DOCX, Markdown, text and HTML`);
}

/** Decoded text, refused before any further work when it alone passes the extraction limit. */
function boundedText(name: string, text: string): string {
  new TextBudget(MAX_EXTRACTED_CHARS, basename(name)).ensureRoom(text.length);
  return text;
}

/**
 * Reads a document from bytes (uploads, tests). `name` gives the extension and display name.
 * Runs on whatever thread calls it: the host calls it through reader.ts, in a worker with limits.
 */
export async function ingestBytes(name: string, bytes: Uint8Array): Promise<IngestedDocument> {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    throw new DocumentTooLargeError(`${basename(name)} is ${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MiB`);
  }
  if (bytes.byteLength === 0) throw new EmptyDocumentError(`${basename(name)} is empty (0 bytes)`);
  const format = detectFormat(name, bytes);
  let raw: string;
  let pages: number | null = null;
  let encoding: string | null = null;
  let warnings: string[] = [];
  switch (format) {
    case 'pdf': {
      if (!startsWith(bytes, PDF_SIGNATURE) && !Buffer.from(bytes.subarray(0, 1024)).includes('%PDF-')) {
        throw new CorruptDocumentError(`${basename(name)} is not a PDF (no %PDF header)`);
      }
      const r = await extractPdfText(bytes, new TextBudget(MAX_EXTRACTED_CHARS, basename(name)));
      raw = r.text; pages = r.pages; warnings = r.warnings;
      break;
    }
    case 'docx': {
      const r = await extractDocxText(bytes);
      raw = boundedText(name, r.text); warnings = r.warnings;
      break;
    }
    case 'html': {
      const d = decodeText(bytes);
      raw = htmlToText(d.text, new TextBudget(MAX_EXTRACTED_CHARS, basename(name))); encoding = d.encoding;
      break;
    }
    case 'markdown':
    case 'text': {
      const d = decodeText(bytes);
      raw = boundedText(name, d.text); encoding = d.encoding;
      break;
    }
  }
  let text: string;
  try {
    text = normalizeText(raw, { maxChars: MAX_TEXT_CHARS });
  } catch (err) {
    if (err instanceof DocumentTooLargeError) {
      throw new DocumentTooLargeError(`${basename(name)} has more than ${MAX_TEXT_CHARS.toLocaleString('en')} characters; that is the limit`);
    }
    throw err;
  }
  if (isBlank(text)) throw new EmptyDocumentError(`${basename(name)} contains no text`);
  return {
    name: basename(name), format, text,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileBytes: bytes.byteLength, pages, encoding, warnings,
  };
}

/** Reads a document from a path, checking its size before reading it. */
export async function ingestFile(path: string): Promise<IngestedDocument> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new UnsupportedDocumentError(`${path} is not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw new DocumentNotFoundError(`cannot open ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (size > MAX_FILE_BYTES) {
    throw new DocumentTooLargeError(`${basename(path)} is ${(size / 2 ** 20).toFixed(1)} MiB; the limit is ${MAX_FILE_BYTES / 2 ** 20} MiB`);
  }
  const bytes = await readFile(path);
  return ingestBytes(path, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
