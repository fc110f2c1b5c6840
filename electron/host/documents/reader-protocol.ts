/** Messages between the host (reader.ts) and an ingestion worker, validated on both sides. */
import { z } from 'zod';
import { DocumentFormatSchema } from '../../shared/contract.js';
import { DOCUMENT_ERROR_CODES } from './errors.js';
import type { IngestedDocument } from './ingest.js';

export const IngestJobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), path: z.string().min(1) }),
  z.object({ kind: z.literal('bytes'), name: z.string().min(1), bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes must be a Uint8Array') }),
]);
export type IngestJob = z.infer<typeof IngestJobSchema>;

export const IngestedDocumentSchema = z.object({
  name: z.string(),
  format: DocumentFormatSchema,
  text: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileBytes: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative().nullable(),
  encoding: z.string().nullable(),
  warnings: z.array(z.string()),
});

export const WorkerReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), doc: IngestedDocumentSchema }),
  z.object({ ok: z.literal(false), code: z.enum(DOCUMENT_ERROR_CODES), message: z.string() }),
]);
export type WorkerReply = { ok: true; doc: IngestedDocument } | { ok: false; code: (typeof DOCUMENT_ERROR_CODES)[number]; message: string };
