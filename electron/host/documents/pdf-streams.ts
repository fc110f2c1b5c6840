/**
 * Refuses a PDF whose compressed streams would inflate past what text extraction can afford
 * (issue 21: a 1 MB PDF holding a 1 GiB Flate stream was accepted after a minute at 2.5 GB).
 *
 * pdf.js decodes a stream whole into one growing buffer (ArrayBuffer memory, outside the worker's
 * V8 heap limit), and offers no cap. So before pdf.js sees the file, every stream whose data starts
 * with a zlib header is inflated here, counting the bytes and keeping none, and stopped as soon as
 * it passes MAX_PDF_STREAM_BYTES. Streams cannot hide inside object streams (PDF 32000 §7.5.7), so
 * scanning the raw file for `stream` keywords finds them all.
 *
 * Known gaps (left to the worker's time limit): Flate wrapped in ASCIIHex/ASCII85, LZW streams, and
 * streams of PDFs encrypted with an empty user password are not inspected.
 */
import { constants, createInflate, inflateSync } from 'node:zlib';
import { DocumentBombError } from './errors.js';
import { MAX_PDF_INFLATED_BYTES, MAX_PDF_STREAM_BYTES } from './limits.js';

/** Deflate's largest expansion is 1032:1, so data this short inflates to at most ~4 MiB: inflated
 * synchronously in one call. Longer data is inflated as a stream, never held. */
const SYNC_INFLATE_MAX_INPUT = 4096;
/** How far before a `stream` keyword its dictionary is looked for. */
const DICT_LOOKBACK = 4096;

export interface PdfStreamReport { streams: number; inflatedBytes: number }

function isZlibHeader(b0: number | undefined, b1: number | undefined): boolean {
  return b0 !== undefined && b1 !== undefined && (b0 & 0x0f) === 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 === 0;
}

/** Inflated size of zlib `data`, counting no further than `limit + 1`. Broken data counts what inflated. */
async function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  if (data.length <= SYNC_INFLATE_MAX_INPUT) {
    try {
      return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).length;
    } catch {
      return 0; // pdf.js will report a broken stream its own way
    }
  }
  return new Promise((resolve) => {
    const z = createInflate({ finishFlush: constants.Z_SYNC_FLUSH, chunkSize: 64 * 1024 });
    let n = 0;
    let settled = false;
    const finish = () => { if (!settled) { settled = true; resolve(n); } };
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > limit) { finish(); z.destroy(); }
    });
    z.on('end', finish);
    z.on('error', finish);
    z.on('close', finish);
    z.end(data);
  });
}

/** Throws DOC_BOMB when a stream (or all of them together) would inflate past the limits. */
export async function checkPdfStreams(bytes: Uint8Array): Promise<PdfStreamReport> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let streams = 0;
  let total = 0;
  for (;;) {
    const at = buf.indexOf('stream', pos, 'latin1');
    if (at < 0) break;
    const prevEnd = pos;
    pos = at + 6;
    if (at >= 3 && buf.toString('latin1', at - 3, at) === 'end') continue;
    // The keyword is followed by CRLF or LF (a lone CR is tolerated, as pdf.js does).
    let start = at + 6;
    if (buf[start] === 0x0d) start++;
    if (buf[start] === 0x0a) start++;
    if (start === at + 6) continue;
    if (!isZlibHeader(buf[start], buf[start + 1])) continue;
    const endAt = buf.indexOf('endstream', start, 'latin1');
    const end = endAt < 0 ? buf.length : endAt;
    pos = end;
    // Text extraction never decodes image XObjects (pdf.js skips them), so their size is not ours
    // to limit. The dictionary is read no further back than the previous stream, keeping the scan linear.
    const dictFrom = Math.max(prevEnd, at - DICT_LOOKBACK);
    const window = buf.toString('latin1', dictFrom, at);
    const dict = window.slice(window.lastIndexOf('obj') + 1);
    if (/\/Subtype\s*\/Image\b/.test(dict)) continue;
    streams++;
    const limit = Math.min(MAX_PDF_STREAM_BYTES, MAX_PDF_INFLATED_BYTES - total);
    const size = await inflatedSize(buf.subarray(start, end), limit);
    if (size > limit) {
      throw new DocumentBombError(size > MAX_PDF_STREAM_BYTES || limit === MAX_PDF_STREAM_BYTES
        ? `this PDF has a compressed stream that inflates to more than ${MAX_PDF_STREAM_BYTES / 2 ** 20} MiB; it is refused as a decompression bomb`
        : `this PDF's compressed streams inflate to more than ${MAX_PDF_INFLATED_BYTES / 2 ** 20} MiB together; it is refused as a decompression bomb`);
    }
    total += size;
  }
  return { streams, inflatedBytes: total };
}
