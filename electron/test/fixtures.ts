/**
 * Test documents made with well-kept libraries (pdfkit for PDF, including a password-protected one;
 * docx for Word files) rather than hand-written bytes, so the readers are tested on files as real
 * tools write them.
 */
import PDFDocument from 'pdfkit';
import { Document, Packer, Paragraph, TextRun, HeadingLevel } from 'docx';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PdfOptions {
  pages: string[];
  /** Sets a user password: the file cannot be opened without it. */
  userPassword?: string;
}

export function makePdf(opts: PdfOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      autoFirstPage: false,
      compress: true,
      info: { Title: 'SWAA Desk test document' },
      ...(opts.userPassword ? { userPassword: opts.userPassword, ownerPassword: `${opts.userPassword}-owner`, pdfVersion: '1.7' as const } : {}),
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const text of opts.pages) {
      doc.addPage();
      if (text) doc.fontSize(12).text(text);
    }
    doc.end();
  });
}

export async function makeDocx(title: string, paragraphs: string[]): Promise<Buffer> {
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
        ...paragraphs.map((p) => new Paragraph({ children: [new TextRun(p)] })),
      ],
    }],
  });
  return Packer.toBuffer(doc);
}

/** A temporary folder removed when the returned function is called. */
export function tempDir(prefix = 'swaa-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
