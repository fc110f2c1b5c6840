/** Document ingestion: every supported format read for real, every bad input refused with its own error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestBytes, ingestFile } from './ingest.js';
import { makeDocx, makePdf, tempDir } from '../../test/fixtures.js';
import { DocumentError } from './errors.js';
import { MAX_FILE_BYTES } from './limits.js';

async function rejectsWith(p: Promise<unknown>, code: string, className: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof DocumentError, `expected DocumentError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.name, className);
    return true;
  });
}

test('reads the text of a multi-page PDF made by pdfkit', async () => {
  const pdf = await makePdf({ pages: ['The harbour master is Ingrid Solberg.', 'The lighthouse was built in 1893.'] });
  const doc = await ingestBytes('report.pdf', pdf);
  assert.equal(doc.format, 'pdf');
  assert.equal(doc.pages, 2);
  assert.match(doc.text, /harbour master is Ingrid Solberg/);
  assert.match(doc.text, /built in 1893/);
  assert.equal(doc.sha256.length, 64);
});

test('refuses a password-protected PDF with DOC_ENCRYPTED', async () => {
  const pdf = await makePdf({ pages: ['secret'], userPassword: 'hunter2' });
  await rejectsWith(ingestBytes('locked.pdf', pdf), 'DOC_ENCRYPTED', 'EncryptedDocumentError');
});

test('refuses a truncated PDF with DOC_CORRUPT', async () => {
  const pdf = await makePdf({ pages: ['some text here'] });
  await rejectsWith(ingestBytes('cut.pdf', pdf.subarray(0, 200)), 'DOC_CORRUPT', 'CorruptDocumentError');
});

test('refuses a .pdf that is not a PDF with DOC_CORRUPT', async () => {
  await rejectsWith(ingestBytes('fake.pdf', Buffer.from('hello, I am text')), 'DOC_CORRUPT', 'CorruptDocumentError');
});

test('refuses a PDF without any text layer with DOC_EMPTY', async () => {
  const pdf = await makePdf({ pages: ['', ''] });
  await rejectsWith(ingestBytes('scan.pdf', pdf), 'DOC_EMPTY', 'EmptyDocumentError');
});

test('reads a DOCX made by the docx package', async () => {
  const docx = await makeDocx('Annual report', ['Revenue grew by 12 percent.', 'The CFO is Marta Lindqvist.']);
  const doc = await ingestBytes('annual.docx', docx);
  assert.equal(doc.format, 'docx');
  assert.match(doc.text, /Annual report/);
  assert.match(doc.text, /The CFO is Marta Lindqvist\./);
});

test('refuses a corrupt DOCX with DOC_CORRUPT', async () => {
  const docx = await makeDocx('x', ['y']);
  await rejectsWith(ingestBytes('broken.docx', docx.subarray(0, docx.length >> 1)), 'DOC_CORRUPT', 'CorruptDocumentError');
  await rejectsWith(ingestBytes('plain.docx', Buffer.from('not a zip at all')), 'DOC_CORRUPT', 'CorruptDocumentError');
});

test('reads Markdown and normalises line ends and blank runs', async () => {
  const doc = await ingestBytes('notes.md', Buffer.from('# Title\r\n\r\n\r\n\r\nBody   \r\n'));
  assert.equal(doc.format, 'markdown');
  assert.equal(doc.text, '# Title\n\nBody');
  assert.equal(doc.encoding, 'utf-8');
});

test('detects the encoding of non-UTF-8 text', async () => {
  const text = 'Größe und Qualität: Ærø, façade, naïve café — déjà vu. '.repeat(20);
  const doc = await ingestBytes('latin.txt', iconv.encode(text, 'windows-1252'));
  assert.match(doc.text, /Größe und Qualität/);
  assert.notEqual(doc.encoding, 'utf-8');
  const utf16 = await ingestBytes('wide.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Ünïcode text', 'utf-16le')]));
  assert.equal(utf16.text, 'Ünïcode text');
  assert.equal(utf16.encoding, 'utf-16le');
});

test('reads HTML as text only: no scripts, styles or tags, entities decoded', async () => {
  const html = '<!doctype html><html><head><title>T</title><style>p{color:red}</style></head><body>' +
    '<script>alert(1)</script><h1>Heading</h1><p>Fish &amp; chips &lt;b&gt; &#233;t&eacute;</p><div>Second<br>line</div></body></html>';
  const doc = await ingestBytes('page.html', Buffer.from(html));
  assert.equal(doc.format, 'html');
  assert.doesNotMatch(doc.text, /alert|color:red|<p>/);
  assert.match(doc.text, /Heading\n/);
  assert.match(doc.text, /Fish & chips <b> ét/);
  assert.match(doc.text, /Second\nline/);
});

test('refuses unsupported types with DOC_UNSUPPORTED_TYPE', async () => {
  await rejectsWith(ingestBytes('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])), 'DOC_UNSUPPORTED_TYPE', 'UnsupportedDocumentError');
  await rejectsWith(ingestBytes('slides.pptx', Buffer.from('PK\x03\x04')), 'DOC_UNSUPPORTED_TYPE', 'UnsupportedDocumentError');
  await rejectsWith(ingestBytes('blob.bin', Buffer.from([1, 2, 0, 0, 5, 6])), 'DOC_UNSUPPORTED_TYPE', 'UnsupportedDocumentError');
});

test('refuses empty and whitespace-only documents with DOC_EMPTY', async () => {
  await rejectsWith(ingestBytes('empty.txt', Buffer.alloc(0)), 'DOC_EMPTY', 'EmptyDocumentError');
  await rejectsWith(ingestBytes('blank.md', Buffer.from(' \n\n\t \r\n')), 'DOC_EMPTY', 'EmptyDocumentError');
  const docx = await makeDocx('', []);
  await rejectsWith(ingestBytes('blank.docx', docx), 'DOC_EMPTY', 'EmptyDocumentError');
});

test('refuses files over the size limit before reading them', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const big = join(dir, 'big.txt');
    writeFileSync(big, Buffer.alloc(MAX_FILE_BYTES + 1, 0x61));
    await rejectsWith(ingestFile(big), 'DOC_TOO_LARGE', 'DocumentTooLargeError');
    await rejectsWith(ingestFile(join(dir, 'missing.txt')), 'DOC_NOT_FOUND', 'DocumentNotFoundError');
  } finally {
    cleanup();
  }
});
