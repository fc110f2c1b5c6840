/**
 * DOCX text through mammoth. A password-protected DOCX is not a ZIP but an OLE compound file that
 * wraps the encrypted package, so it is recognised by its signature before mammoth sees it.
 * Mammoth inflates whole entries into memory, so the package's sizes are checked first (zip-limits.ts).
 */
import mammoth from 'mammoth';
import { CorruptDocumentError, DocumentError, EncryptedDocumentError } from './errors.js';
import { checkZipLimits } from './zip-limits.js';

/** The parts mammoth parses: everything else (images, fonts) it never inflates for raw text. */
const PARSED_PART = /\.(xml|rels)$/i;

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

export function startsWith(bytes: Uint8Array, sig: readonly number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}
export const isOleFile = (bytes: Uint8Array) => startsWith(bytes, OLE_SIGNATURE);
export const isZipFile = (bytes: Uint8Array) => startsWith(bytes, ZIP_SIGNATURE);

export interface DocxText { text: string; warnings: string[] }

export async function extractDocxText(bytes: Uint8Array): Promise<DocxText> {
  if (isOleFile(bytes)) {
    // Encrypted OOXML is stored in an OLE container with an "EncryptionInfo" stream (UTF-16 name).
    const marker = Buffer.from('EncryptionInfo', 'utf16le');
    if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(marker)) {
      throw new EncryptedDocumentError('this Word document is password-protected; remove the password and add it again');
    }
    throw new CorruptDocumentError('this is an old binary Word file (.doc), not a .docx; save it as .docx');
  }
  if (!isZipFile(bytes)) throw new CorruptDocumentError('this .docx is not a valid Word document (not a ZIP package)');
  await checkZipLimits(bytes, (name) => PARSED_PART.test(name));
  try {
    const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    const warnings = result.messages.filter((m) => m.type === 'error').map((m) => m.message);
    return { text: result.value, warnings };
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw new CorruptDocumentError(`this .docx cannot be read (${err instanceof Error ? err.message : String(err)})`, err);
  }
}
