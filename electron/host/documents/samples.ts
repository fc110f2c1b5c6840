/**
 * The bundled sample documents of the demo model (models/demo/samples): their questions, and adding
 * them to the library. Only files named in the folder's questions.json, inside that folder, are read —
 * never a path from the caller — so web mode can offer "Try the demo" without accepting paths.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import type { DocumentSummary, SampleSet } from '../../shared/contract.js';
import { ingestFile, type IngestedDocument } from './ingest.js';
import type { Library } from '../library/library.js';

const QuestionsFileSchema = z.array(z.object({
  // A plain file name: the folder is ours, the names come from a file in it, and still no "../".
  file: z.string().min(1).max(255).refine((f) => basename(f) === f && f !== '..' && f !== '.', 'a plain file name'),
  approx_tokens: z.number().optional(),
  questions: z.array(z.object({ question: z.string().min(1), expected_answer: z.string().optional() })),
}));

export class Samples {
  constructor(
    private readonly dir: string,
    private readonly library: Library,
    private readonly store: (path: string, doc: IngestedDocument) => DocumentSummary,
  ) {}

  list(): SampleSet {
    const read = this.read();
    if ('problem' in read) return { available: false, problem: read.problem, samples: [] };
    const bySha = new Map(this.library.listDocuments().map((d) => [d.sha256, d.id]));
    return {
      available: true,
      problem: null,
      samples: read.entries.map((e) => ({
        file: e.file,
        documentId: e.sha256 ? (bySha.get(e.sha256) ?? null) : null,
        approxTokens: e.approxTokens,
        questions: e.questions,
      })),
    };
  }

  /** Adds every sample that is not in the library yet (the same bytes are never added twice). */
  async add(): Promise<SampleSet> {
    const read = this.read();
    if ('problem' in read) throw Object.assign(new Error(read.problem), { code: 'DOC_NOT_FOUND' });
    for (const e of read.entries) {
      const path = join(this.dir, e.file);
      this.store(path, await ingestFile(path));
    }
    return this.list();
  }

  private read(): { problem: string } | { entries: { file: string; sha256: string | null; approxTokens: number | null;
    questions: { question: string; expectedAnswer: string | null }[] }[] } {
    const questionsPath = join(this.dir, 'questions.json');
    if (!existsSync(questionsPath)) return { problem: `the sample documents are not installed (${this.dir})` };
    let parsed;
    try {
      parsed = QuestionsFileSchema.safeParse(JSON.parse(readFileSync(questionsPath, 'utf8')));
    } catch (e) {
      return { problem: `questions.json of the samples cannot be read: ${(e as Error).message}` };
    }
    if (!parsed.success) return { problem: 'questions.json of the samples is not in the expected shape' };
    const entries = parsed.data.filter((e) => existsSync(join(this.dir, e.file))).map((e) => ({
      file: e.file,
      // Matches the library's sha256 of the file's bytes, whether the sample was added here or dropped.
      sha256: createHash('sha256').update(readFileSync(join(this.dir, e.file))).digest('hex'),
      approxTokens: e.approx_tokens ?? null,
      questions: e.questions.map((q) => ({ question: q.question, expectedAnswer: q.expected_answer ?? null })),
    }));
    if (entries.length === 0) return { problem: `no sample documents in ${this.dir}` };
    return { entries };
  }
}
