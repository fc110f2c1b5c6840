/**
 * Bytes → string for plain text, Markdown and HTML files: a BOM wins, then strict UTF-8, then the
 * encoding jschardet detects (decoded by iconv-lite). Binary files are refused, not decoded as noise.
 */
import jschardet from 'jschardet';
import iconv from 'iconv-lite';
import { SNIFF_BYTES } from './limits.js';
import { UnsupportedDocumentError } from './errors.js';

export interface DecodedText {
  text: string;
  /** Lower-case encoding name as iconv-lite knows it, e.g. "utf-8", "windows-1252", "utf-16le". */
  encoding: string;
}

/** jschardet reports a confidence in 0..1; below this its guess is no better than Latin-1. */
const MIN_DETECT_CONFIDENCE = 0.2;
/** Above this confidence jschardet's guess is taken even when Western European is also a candidate. */
const CONFIDENT_GUESS = 0.9;
/** The fallback for 8-bit text that is not UTF-8: the superset of Latin-1 most such files use. */
const FALLBACK_ENCODING = 'windows-1252';

function bomEncoding(bytes: Uint8Array): { encoding: string; skip: number } | null {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  return null;
}

/** Share of the sniffed byte pairs whose high byte is 0 above which BOM-less text is taken as
 * UTF-16: ASCII-range text in UTF-16 has a 0 in every pair; binary files do not hold zeros at one
 * parity only. */
const UTF16_ZERO_SHARE = 0.4;
/** …while the other parity may hold at most this share of zeros. */
const UTF16_OTHER_ZERO_SHARE = 0.02;

/** UTF-16 without a BOM, told by zeros at odd (LE) or even (BE) offsets only. */
export function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, SNIFF_BYTES) & ~1;
  if (n < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  if (odd / pairs >= UTF16_ZERO_SHARE && even / pairs <= UTF16_OTHER_ZERO_SHARE) return 'utf-16le';
  if (even / pairs >= UTF16_ZERO_SHARE && odd / pairs <= UTF16_OTHER_ZERO_SHARE) return 'utf-16be';
  return null;
}

/** NUL bytes in the head of a file that is not UTF-16 (BOM or not) mean it is binary. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bomEncoding(bytes) || utf16WithoutBom(bytes)) return false;
  const n = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bom = bomEncoding(bytes);
  if (bom) return { text: iconv.decode(buf.subarray(bom.skip), bom.encoding), encoding: bom.encoding };
  const wide = utf16WithoutBom(bytes);
  if (wide) return { text: iconv.decode(buf, wide), encoding: wide };
  if (looksBinary(bytes)) throw new UnsupportedDocumentError('this is a binary file, not text');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // not UTF-8: detect below
  }
  const sample = buf.subarray(0, 256 * 1024);
  const guess = jschardet.detect(sample);
  let name = guess.encoding && guess.confidence >= MIN_DETECT_CONFIDENCE ? guess.encoding.toLowerCase() : FALLBACK_ENCODING;
  // Single-byte code pages are hard to tell apart; an unsure guess at e.g. Greek for accented
  // Western text is the classic mistake. When unsure and Western is a candidate, take Western.
  if (guess.confidence < CONFIDENT_GUESS && jschardet.detectAll(sample).some((c) => c.encoding.toLowerCase() === FALLBACK_ENCODING)) {
    name = FALLBACK_ENCODING;
  }
  const encoding = iconv.encodingExists(name) && name !== 'ascii' && name !== 'utf-8' ? name : FALLBACK_ENCODING;
  return { text: iconv.decode(buf, encoding), encoding };
}
