/**
 * Hostile documents, generated in a few milliseconds and a few MB however much they claim to hold:
 * deflate data is built from one compressed MiB repeated (full-flush blocks are byte-aligned and
 * reset the dictionary, so copies concatenate into one valid stream). Used by the malformed-input
 * tests and by bench/hostile.ts.
 */
import { constants, deflateRawSync } from 'node:zlib';

const MiB = 2 ** 20;

/** Raw deflate data that inflates to `mib` MiB of `byte`. */
export function deflateBomb(mib: number, byte = 0x20): Buffer {
  const block = deflateRawSync(Buffer.alloc(MiB, byte), { finishFlush: constants.Z_FULL_FLUSH });
  // 0x03 0x00: an empty final block with fixed codes, ending the stream.
  return Buffer.concat([...Array.from({ length: mib }, () => block), Buffer.from([0x03, 0x00])]);
}

/** Adler-32 of `n` bytes all equal to `byte` (zlib's trailer), by formula rather than by reading. */
function adler32OfRepeated(n: bigint, byte: bigint): number {
  const M = 65521n;
  const a = (1n + n * byte) % M;
  const b = (n + byte * (n * (n + 1n) / 2n)) % M;
  return Number((b << 16n) | a);
}

/** zlib data (as PDF FlateDecode wants) that inflates to `mib` MiB of spaces. */
export function zlibBomb(mib: number): Buffer {
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32BE(adler32OfRepeated(BigInt(mib) * BigInt(MiB), 0x20n) >>> 0);
  return Buffer.concat([Buffer.from([0x78, 0x9c]), deflateBomb(mib), trailer]);
}

export interface ZipEntrySpec {
  name: string;
  /** Deflated data (method 8), or stored bytes when `stored`. */
  data: Buffer;
  /** Size the central directory declares after inflating. */
  uncompressedSize: number;
  stored?: boolean;
}

/** A ZIP archive with exactly the declared sizes given (CRCs are 0: the readers under test refuse before checking them). */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.stored ? 0 : 8, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.stored ? 0 : 8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.uncompressedSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
  + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
  + '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
  + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

/**
 * A DOCX whose word/document.xml inflates to `mib` MiB. `declaredMib` is what its central directory
 * claims (default: the truth); a smaller claim is the lying-archive variant.
 */
export function docxBomb(mib: number, declaredMib = mib): Buffer {
  const small = (s: string) => ({ name: '', data: Buffer.from(s), uncompressedSize: Buffer.byteLength(s), stored: true });
  return makeZip([
    { ...small(CONTENT_TYPES), name: '[Content_Types].xml' },
    { ...small(RELS), name: '_rels/.rels' },
    { name: 'word/document.xml', data: deflateBomb(mib), uncompressedSize: Math.min(declaredMib * MiB, 0xffffffff) },
  ]);
}

/** A one-page PDF whose content stream is `mib` MiB of spaces, Flate-compressed (~1 KiB per MiB). */
export function pdfFlateBomb(mib: number): Buffer {
  const data = zlibBomb(mib);
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  const add = (b: Buffer | string) => { const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b; parts.push(buf); size += buf.length; };
  add('%PDF-1.4\n');
  const obj = (n: number, body: string) => { offsets[n] = size; add(`${n} 0 obj\n${body}\nendobj\n`); };
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, '<< /Type /Pages /Kids [3 0 R] /Count 1 >>');
  obj(3, '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>');
  offsets[4] = size;
  add(`4 0 obj\n<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`);
  add(data);
  add('\nendstream\nendobj\n');
  const xref = size;
  add(`xref\n0 5\n0000000000 65535 f \n${[1, 2, 3, 4].map((n) => `${String(offsets[n]).padStart(10, '0')} 00000 n \n`).join('')}`);
  add(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** HTML of about `bytes` bytes made of unclosed tags of the kinds that broke the regex reader. */
export function unclosedTagsHtml(bytes: number): string {
  const unit = '<div><span><p class="x" <!-- <script>';
  return `<!doctype html><p>Visible start</p>${'<div><b><i><span>'.repeat(Math.floor(bytes / 2 / 17))}text in the middle`
    + `${unit.repeat(Math.floor(bytes / 2 / unit.length))}`;
}
