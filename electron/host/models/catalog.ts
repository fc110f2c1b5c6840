/**
 * The model catalog (models/catalog.json): GGUF files on Hugging Face that the runtime runs, with what
 * a download needs (repo, revision, file, size, sha256) and what the fit advisor needs before the file
 * exists (trained context, KV shape). Validated with zod when read: a bad catalog is refused whole,
 * with the path of the first bad field, rather than shown half-right.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IpcError } from '../../shared/contract.js';
import { defaultCatalogPath } from '../paths.js';

export { defaultCatalogPath };

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits');

export const CatalogShapeSchema = z.object({
  nLayer: z.number().int().min(1).max(4096),
  nHeadKv: z.number().int().min(1).max(4096),
  headDim: z.number().int().min(1).max(4096),
}).strict();
export type CatalogShape = z.infer<typeof CatalogShapeSchema>;

export const CatalogEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  name: z.string().min(1),
  family: z.string().min(1),
  /** general.architecture of the GGUF: one the runtime implements. */
  architecture: z.enum(['qwen3', 'qwen2', 'llama']),
  repo: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /** A commit (40 hex digits) pins the bytes; a branch name ("main") does not, and is allowed only without a sha256. */
  revision: z.string().regex(/^([0-9a-f]{40}|[A-Za-z0-9._-]{1,64})$/),
  file: z.string().regex(/^[A-Za-z0-9._-]+\.gguf$/),
  quantization: z.string().min(1),
  /** LFS size in bytes, or null when not confirmed (the server's X-Linked-Size is used). */
  bytes: z.number().int().positive().nullable(),
  /** LFS sha256, or null when not confirmed (the server's X-Linked-ETag is used). */
  sha256: Sha256Schema.nullable(),
  trainedContext: z.number().int().min(256),
  shape: CatalogShapeSchema,
  license: z.string().min(1),
  gated: z.boolean(),
  recipe: z.object({ presetId: z.string().min(1), faParity: z.enum(['odd', 'even']) }).strict(),
  why: z.string().min(1),
  source: z.string().min(1),
}).strict().refine((e) => e.sha256 === null || /^[0-9a-f]{40}$/.test(e.revision), {
  message: 'a pinned sha256 needs a pinned commit: a branch can move to other bytes', path: ['revision'],
});
export type CatalogEntry = z.infer<typeof CatalogEntrySchema>;

export const CatalogFileSchema = z.object({
  $comment: z.string().optional(),
  version: z.literal(1),
  models: z.array(CatalogEntrySchema).min(1),
}).strict().refine((c) => new Set(c.models.map((m) => m.id)).size === c.models.length, { message: 'catalog ids must be unique' });
export type CatalogFile = z.infer<typeof CatalogFileSchema>;

/** models/catalog.json, or SWAA_CATALOG (tests point it at a catalog of generated models). */

export function loadCatalog(path = defaultCatalogPath()): CatalogFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new IpcError('NOT_FOUND', `the model catalog ${path} cannot be read: ${(err as Error).message}`);
  }
  const parsed = CatalogFileSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new IpcError('INVALID_PAYLOAD', `the model catalog ${path} is not valid: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return parsed.data;
}

export function findCatalogEntry(catalog: CatalogFile, id: string): CatalogEntry {
  const e = catalog.models.find((m) => m.id === id);
  if (!e) throw new IpcError('NOT_FOUND', `no catalog model "${id}" (known: ${catalog.models.map((m) => m.id).join(', ')})`);
  return e;
}

/**
 * Hugging Face's base URL: HF_ENDPOINT (the convention huggingface_hub and llama.cpp follow), else
 * huggingface.co. Trailing slashes are dropped so paths join cleanly.
 */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
}

/** The resolve URL of a catalog file: `{endpoint}/{repo}/resolve/{revision}/{file}`. */
export function resolveUrl(entry: Pick<CatalogEntry, 'repo' | 'revision' | 'file'>, endpoint = hfEndpoint()): string {
  return `${endpoint}/${entry.repo}/resolve/${encodeURIComponent(entry.revision)}/${encodeURIComponent(entry.file)}`;
}
