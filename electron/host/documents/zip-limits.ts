/**
 * Refuses a ZIP package (DOCX) that would inflate past what reading it needs, before mammoth (whose
 * JSZip inflates whole entries into memory, outside the worker's heap limit) sees it.
 * 1. The central directory's declared sizes are checked for every entry before anything is inflated
 *    (entry count, each entry, all together, duplicate names).
 * 2. The entries mammoth parses (XML and relationships) are then inflated as streams, keeping nothing,
 *    and stopped as soon as one yields more than its declared size, so a lying directory is caught
 *    after at most that many bytes.
 * yauzl does the ZIP parsing (the widely used streaming reader, already in our tree through
 * electron's extract-zip). Its own size check (validateEntrySizes) is off: yauzl 2.x overrides the
 * stream's destroy(), so on Node ≥ 14 that error is swallowed and the read never ends; we count.
 */
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { CorruptDocumentError, DocumentBombError } from './errors.js';
import { MAX_ZIP_ENTRIES, MAX_ZIP_ENTRY_BYTES, MAX_ZIP_TOTAL_BYTES } from './limits.js';

export interface ZipReport { entries: number; declaredBytes: number; verifiedBytes: number }

const MiB = 2 ** 20;

function openZip(buf: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(new CorruptDocumentError(`this package is not a readable ZIP (${err?.message ?? 'no archive'})`, err));
      else resolve(zip);
    });
  });
}

function listEntries(zip: ZipFile): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    const names = new Set<string>();
    let declared = 0;
    zip.on('entry', (e: Entry) => {
      if (names.has(e.fileName)) return reject(new CorruptDocumentError(`the package holds "${e.fileName}" twice`));
      names.add(e.fileName);
      if (e.uncompressedSize > MAX_ZIP_ENTRY_BYTES) {
        return reject(new DocumentBombError(`"${e.fileName}" inflates to ${(e.uncompressedSize / MiB).toFixed(0)} MiB; at most ${MAX_ZIP_ENTRY_BYTES / MiB} MiB per part are read (a decompression bomb?)`));
      }
      declared += e.uncompressedSize;
      if (declared > MAX_ZIP_TOTAL_BYTES) {
        return reject(new DocumentBombError(`the package inflates to more than ${MAX_ZIP_TOTAL_BYTES / MiB} MiB (a decompression bomb?)`));
      }
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new CorruptDocumentError(`this package is a broken ZIP (${err.message})`, err)));
    zip.readEntry();
  });
}

/** Inflates one entry, counting and discarding, and stops it once it passes its declared size. */
function verifyEntry(zip: ZipFile, entry: Entry): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(new CorruptDocumentError(`"${entry.fileName}" cannot be read (${err?.message ?? 'no stream'})`, err));
      let n = 0;
      let done = false;
      const fail = (e: Error) => { if (!done) { done = true; stream.destroy(); reject(e); } };
      stream.on('data', (c: Buffer) => {
        n += c.length;
        if (n > entry.uncompressedSize) {
          fail(new DocumentBombError(`"${entry.fileName}" inflates to more than the ${entry.uncompressedSize} bytes its package declares (a decompression bomb?)`));
        }
      });
      stream.on('end', () => {
        if (done) return;
        done = true;
        if (n < entry.uncompressedSize) reject(new CorruptDocumentError(`"${entry.fileName}" is shorter than its package declares`));
        else resolve(n);
      });
      stream.on('error', (e: Error) => fail(new CorruptDocumentError(`"${entry.fileName}" is damaged (${e.message})`, e)));
    });
  });
}

/** Throws DOC_BOMB or DOC_CORRUPT for a package that must not be handed to a ZIP library that inflates whole entries. */
export async function checkZipLimits(bytes: Uint8Array, mustVerify: (name: string) => boolean): Promise<ZipReport> {
  const zip = await openZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    if (zip.entryCount > MAX_ZIP_ENTRIES) {
      throw new DocumentBombError(`the package has ${zip.entryCount} parts; at most ${MAX_ZIP_ENTRIES} are read`);
    }
    const entries = await listEntries(zip);
    let verified = 0;
    for (const e of entries) if (mustVerify(e.fileName) && !e.fileName.endsWith('/')) verified += await verifyEntry(zip, e);
    return { entries: entries.length, declaredBytes: entries.reduce((s, e) => s + e.uncompressedSize, 0), verifiedBytes: verified };
  } finally {
    zip.close();
  }
}
