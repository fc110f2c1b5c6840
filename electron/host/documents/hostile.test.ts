/**
 * The malformed-document corpus (issue 21): each input, read the way the host reads documents (in
 * the ingestion worker), gives its specific error code or a correct clean text, and the reader
 * still reads a normal document afterwards. Bombs are generated (a few MB claiming GBs); the
 * benchmark bench/hostile.ts measures their time and peak memory.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { DocumentReader } from './reader.js';
import { htmlToText } from './html.js';
import { TextBudget } from './errors.js';
import { checkPdfStreams } from './pdf-streams.js';
import { makeDocx, makePdf } from '../../test/fixtures.js';
import { docxBomb, pdfFlateBomb, unclosedTagsHtml, zlibBomb } from '../../test/hostile.js';

const reader = new DocumentReader();
after(() => reader.close());

type Expect = { code: string; message?: RegExp } | { text: RegExp | string };
const MB = 1 << 20;

async function corpus(): Promise<Array<[string, string, Buffer, Expect]>> {
  const pdf = await makePdf({ pages: ['The harbour master is Ingrid Solberg.'] });
  return [
    ['empty file', 'empty.txt', Buffer.alloc(0), { code: 'DOC_EMPTY' }],
    ['binary garbage', 'noise.txt', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), { code: 'DOC_UNSUPPORTED_TYPE' }],
    ['binary garbage named .pdf', 'noise.pdf', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), { code: 'DOC_CORRUPT' }],
    ['truncated PDF', 'cut.pdf', pdf.subarray(0, 300), { code: 'DOC_CORRUPT' }],
    ['encrypted PDF', 'locked.pdf', await makePdf({ pages: ['secret'], userPassword: 'pw' }), { code: 'DOC_ENCRYPTED' }],
    ['PDF with a 1 GiB Flate stream', 'bomb.pdf', pdfFlateBomb(1024), { code: 'DOC_BOMB', message: /compressed stream/ }],
    ['DOCX inflating to 2 GiB (honest central directory)', 'bomb.docx', docxBomb(2048), { code: 'DOC_BOMB', message: /2048 MiB/ }],
    ['DOCX inflating to 2 GiB (central directory claims 1 MiB)', 'liar.docx', docxBomb(2048, 1), { code: 'DOC_BOMB', message: /declares/ }],
    ['truncated DOCX', 'cut.docx', (await makeDocx('t', ['p'])).subarray(0, 200), { code: 'DOC_CORRUPT' }],
    ['HTML with thousands of unclosed tags, comments and scripts', 'tags.html', Buffer.from(unclosedTagsHtml(MB)),
      { text: 'Visible start\n\ntext in the middle' }],
    ['HTML that is one unclosed <!--', 'comment.html', Buffer.from(`<p>kept</p><!--${' '.repeat(MB)}`), { text: 'kept' }],
    ['HTML that is one unclosed <script>', 'script.html', Buffer.from(`<p>kept</p><script>${'x='.repeat(MB / 2)}`), { text: 'kept' }],
    ['1 MB of spaces', 'spaces.txt', Buffer.alloc(MB, 0x20), { code: 'DOC_EMPTY' }],
    ['1 MB of spaces around a word', 'word.txt', Buffer.from(`${' '.repeat(MB / 2)}word${' '.repeat(MB / 2)}`), { text: 'word' }],
    ['invalid UTF-8', 'bad.txt', Buffer.from([0x48, 0x69, 0x20, 0xc3, 0x28, 0xa0, 0xa1, 0x20, 0x6f, 0x6b]), { text: /^Hi .+ ok$/ }],
    ['UTF-16LE without BOM', 'wide.txt', iconv.encode('Ünïcode text without a byte order mark', 'utf-16le'), { text: 'Ünïcode text without a byte order mark' }],
    ['UTF-16BE without BOM', 'wide-be.md', iconv.encode('# Big end\n\nfirst', 'utf-16be'), { text: '# Big end\n\nfirst' }],
    ['only control characters', 'ctl.txt', Buffer.from('\u0001\u0002\u0003\u001b\u007f'.repeat(100)), { code: 'DOC_EMPTY' }],
  ];
}

test('every corpus document gives its specific error or a clean text, read in the worker', async () => {
  for (const [what, name, bytes, expect] of await corpus()) {
    const outcome: { text?: string; code?: string; message?: string } = await reader.readBytes(name, bytes)
      .then((d) => ({ text: d.text }), (e: { code?: string; message?: string }) => ({ code: e.code, message: e.message }));
    if ('code' in expect) {
      assert.equal(outcome.code, expect.code, `${what}: ${JSON.stringify(outcome).slice(0, 200)}`);
      if (expect.message) assert.match(outcome.message ?? '', expect.message, what);
    } else {
      assert.equal(typeof outcome.text, 'string', `${what}: ${JSON.stringify(outcome).slice(0, 200)}`);
      if (typeof expect.text === 'string') assert.equal(outcome.text, expect.text, what);
      else assert.match(outcome.text ?? '', expect.text, what);
    }
  }
  // …and the reader still works.
  const ok = await reader.readBytes('fine.docx', await makeDocx('After the storm', ['All documents still read.']));
  assert.match(ok.text, /All documents still read\./);
});

test('HTML extraction stops at the text limit instead of reading on', () => {
  const budget = new TextBudget(1000);
  let chars = 0;
  const html = `<p>${'word '.repeat(200_000)}</p>`;
  assert.throws(() => htmlToText(html, budget), { code: 'DOC_TOO_LARGE' });
  chars = budget.length;
  assert.ok(chars <= 1000, `kept ${chars} characters`);
});

test('the PDF stream check counts what streams inflate to and stops at the per-stream cap', async () => {
  const ordinary = await makePdf({ pages: ['Some text.', 'More text.'] });
  const report = await checkPdfStreams(ordinary);
  assert.ok(report.streams >= 2, `${report.streams} streams`);
  assert.ok(report.inflatedBytes > 0 && report.inflatedBytes < MB);
  await assert.rejects(checkPdfStreams(pdfFlateBomb(65)), { code: 'DOC_BOMB' });
  // Exactly at the cap is allowed: the check is "more than", and counts what the data really holds.
  const atCap = Buffer.concat([Buffer.from('1 0 obj\n<< /Filter /FlateDecode >>\nstream\n'), zlibBomb(64), Buffer.from('\nendstream\nendobj\n')]);
  assert.equal((await checkPdfStreams(atCap)).inflatedBytes, 64 * MB);
});
