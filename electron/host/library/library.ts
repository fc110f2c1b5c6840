/**
 * The library: documents, models, conversations, runs, settings and the index of saved KV caches,
 * in one SQLite file that outlives any crash of the engine. Rows become contract types here.
 */
import { randomUUID } from 'node:crypto';
import type {
  DocumentDetail, DocumentSummary, IpcErrorShape, Recipe, RunMetrics, RunRecord, RunStatus, Sampling, Settings,
} from '../../shared/contract.js';
import { RecipeSchema, RunMetricsSchema, SamplingSchema, SettingsSchema } from '../../shared/contract.js';
import type { IngestedDocument } from '../documents/ingest.js';
import { openDatabase, type Db } from './db.js';

export const DEFAULT_SETTINGS: Settings = {
  contextSize: 8192,
  threads: 0,
  chunkSize: 512,
  maxTokens: 256,
  temperature: 0,
  defaultPresetId: 'balanced',
  kvCacheCapBytes: 4 * 1024 ** 3,
  persistKvCache: true,
  theme: 'system',
};

export interface StoredModel {
  id: string;
  path: string;
  name: string;
  isDemo: boolean;
  fileBytes: number;
  /** JSON facts captured at registration (ModelInfo), or null. */
  info: string | null;
  addedAt: string;
}

export interface KvCacheEntry {
  key: string;
  documentId: string;
  modelId: string;
  file: string;
  bytes: number;
  lastUsedAt: number;
}

export interface NewRun {
  documentId: string;
  modelId: string;
  compareId: string | null;
  question: string;
  presetId: string | null;
  recipe: Recipe;
  maxTokens: number;
  sampling: Sampling;
}

export interface RunResult {
  status: Exclude<RunStatus, 'running'>;
  answer: string;
  stopReason: RunRecord['stopReason'];
  error: IpcErrorShape | null;
  metrics: RunMetrics | null;
}

interface DocumentRow {
  id: string; path: string; name: string; format: DocumentSummary['format']; sha256: string; file_bytes: number;
  chars: number; pages: number | null; encoding: string | null; warnings: string; added_at: string; text?: string;
}
interface RunRow {
  id: string; document_id: string; model_id: string; compare_id: string | null; question: string; preset_id: string | null;
  recipe: string; max_tokens: number; status: RunStatus; answer: string; stop_reason: RunRecord['stopReason'];
  error: string | null; metrics: string | null; sampling: string | null; created_at: string; finished_at: string | null;
}

const now = () => new Date().toISOString();

export class Library {
  readonly db: Db;

  constructor(path: string) {
    this.db = openDatabase(path);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // -- documents ---------------------------------------------------------------------------------

  /** Stores a document; the same bytes added twice give the existing entry. */
  addDocument(path: string, doc: IngestedDocument): { summary: DocumentSummary; existed: boolean } {
    const existing = this.db.prepare('SELECT id FROM documents WHERE sha256 = ?').get(doc.sha256) as { id: string } | undefined;
    if (existing) return { summary: this.documentSummary(existing.id)!, existed: true };
    const id = randomUUID();
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO documents (id, path, name, format, sha256, file_bytes, chars, pages, encoding, warnings, text, added_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(id, path, doc.name, doc.format, doc.sha256, doc.fileBytes,
        doc.text.length, doc.pages, doc.encoding, JSON.stringify(doc.warnings), doc.text, now());
      this.db.prepare('INSERT INTO conversations (id, document_id, title, created_at) VALUES (?, ?, ?, ?)')
        .run(randomUUID(), id, doc.name, now());
    })();
    return { summary: this.documentSummary(id)!, existed: false };
  }

  listDocuments(): DocumentSummary[] {
    const rows = this.db.prepare(`SELECT id, path, name, format, sha256, file_bytes, chars, pages, encoding, warnings, added_at
      FROM documents ORDER BY added_at DESC, rowid DESC`).all() as DocumentRow[];
    return rows.map((r) => this.toSummary(r));
  }

  documentSummary(id: string): DocumentSummary | null {
    const r = this.db.prepare(`SELECT id, path, name, format, sha256, file_bytes, chars, pages, encoding, warnings, added_at
      FROM documents WHERE id = ?`).get(id) as DocumentRow | undefined;
    return r ? this.toSummary(r) : null;
  }

  document(id: string): DocumentDetail | null {
    const r = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return r ? { ...this.toSummary(r), text: r.text ?? '' } : null;
  }

  /** Removes a document with its runs, token counts and cache entries; returns the cache files to delete. */
  removeDocument(id: string): { removed: boolean; cacheFiles: string[] } {
    const files = (this.db.prepare('SELECT file FROM kv_cache WHERE document_id = ?').all(id) as { file: string }[]).map((r) => r.file);
    const info = this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
    return { removed: info.changes > 0, cacheFiles: info.changes > 0 ? files : [] };
  }

  setTokenCount(documentId: string, modelId: string, tokens: number): void {
    this.db.prepare(`INSERT INTO document_tokens (document_id, model_id, tokens) VALUES (?, ?, ?)
      ON CONFLICT(document_id, model_id) DO UPDATE SET tokens = excluded.tokens`).run(documentId, modelId, tokens);
  }

  private toSummary(r: DocumentRow): DocumentSummary {
    const counts = this.db.prepare('SELECT model_id, tokens FROM document_tokens WHERE document_id = ?').all(r.id) as { model_id: string; tokens: number }[];
    return {
      id: r.id, path: r.path, name: r.name, format: r.format, sha256: r.sha256, fileBytes: r.file_bytes, chars: r.chars,
      pages: r.pages, encoding: r.encoding, tokenCounts: Object.fromEntries(counts.map((c) => [c.model_id, c.tokens])),
      warnings: JSON.parse(r.warnings) as string[], addedAt: r.added_at,
    };
  }

  // -- models ------------------------------------------------------------------------------------

  listModels(): StoredModel[] {
    const rows = this.db.prepare('SELECT * FROM models ORDER BY is_demo DESC, added_at').all() as
      { id: string; path: string; name: string; is_demo: number; file_bytes: number; info: string | null; added_at: string }[];
    return rows.map((r) => ({ id: r.id, path: r.path, name: r.name, isDemo: r.is_demo === 1, fileBytes: r.file_bytes, info: r.info, addedAt: r.added_at }));
  }

  model(id: string): StoredModel | null {
    return this.listModels().find((m) => m.id === id) ?? null;
  }

  modelByPath(path: string): StoredModel | null {
    return this.listModels().find((m) => m.path === path) ?? null;
  }

  upsertModel(m: Omit<StoredModel, 'id' | 'addedAt'> & { id?: string }): StoredModel {
    const existing = this.modelByPath(m.path);
    const id = existing?.id ?? m.id ?? randomUUID();
    this.db.prepare(`INSERT INTO models (id, path, name, is_demo, file_bytes, info, added_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(id) DO UPDATE SET path = excluded.path, name = excluded.name, is_demo = excluded.is_demo,
        file_bytes = excluded.file_bytes, info = COALESCE(excluded.info, models.info)`)
      .run(id, m.path, m.name, m.isDemo ? 1 : 0, m.fileBytes, m.info, existing?.addedAt ?? now());
    return this.model(id)!;
  }

  removeModel(id: string): boolean {
    return this.db.prepare('DELETE FROM models WHERE id = ? AND is_demo = 0').run(id).changes > 0;
  }

  // -- runs --------------------------------------------------------------------------------------

  createRun(r: NewRun): RunRecord {
    const id = randomUUID();
    const conv = this.db.prepare('SELECT id FROM conversations WHERE document_id = ? ORDER BY created_at LIMIT 1').get(r.documentId) as { id: string } | undefined;
    this.db.prepare(`INSERT INTO runs (id, document_id, conversation_id, model_id, compare_id, question, preset_id, recipe, max_tokens, sampling, status, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?)`).run(id, r.documentId, conv?.id ?? null, r.modelId, r.compareId,
      r.question, r.presetId, JSON.stringify(r.recipe), r.maxTokens, JSON.stringify(r.sampling), now());
    return this.run(id)!;
  }

  finishRun(id: string, res: RunResult): RunRecord | null {
    this.db.prepare(`UPDATE runs SET status = ?, answer = ?, stop_reason = ?, error = ?, metrics = ?, prefill_ms = ?, ttft_ms = ?,
      kv_bytes = ?, finished_at = ? WHERE id = ?`).run(res.status, res.answer, res.stopReason,
      res.error ? JSON.stringify(res.error) : null, res.metrics ? JSON.stringify(res.metrics) : null,
      res.metrics?.prefillMs ?? null, res.metrics?.timeToFirstTokenMs ?? null, res.metrics?.kvBytes ?? null, now(), id);
    return this.run(id);
  }

  /** Runs left 'running' by a host that died: they end as errors so nothing looks stuck. */
  /** The answer so far of a running run: a host that dies mid-answer leaves it behind, marked partial by the
   *  error failInterruptedRuns gives it on the next start. */
  saveRunAnswer(id: string, answer: string): void {
    this.db.prepare(`UPDATE runs SET answer = ? WHERE id = ? AND status = 'running'`).run(answer, id);
  }

  failInterruptedRuns(error: IpcErrorShape): number {
    return this.db.prepare(`UPDATE runs SET status = 'error', error = ?, finished_at = ? WHERE status = 'running'`)
      .run(JSON.stringify(error), now()).changes;
  }

  run(id: string): RunRecord | null {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return r ? toRun(r) : null;
  }

  listRuns(documentId: string, limit = 200): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE document_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(documentId, limit) as RunRow[]).map(toRun);
  }

  // -- settings ----------------------------------------------------------------------------------

  settings(): Settings {
    const rows = this.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
    const stored: Record<string, unknown> = {};
    for (const r of rows) stored[r.key] = JSON.parse(r.value);
    // A stored value that no longer validates (older version) falls back to its default.
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const [k, v] of Object.entries(stored)) {
      const field = SettingsSchema.shape[k as keyof Settings];
      if (field && field.safeParse(v).success) merged[k] = v;
    }
    return SettingsSchema.parse(merged);
  }

  updateSettings(patch: Partial<Settings>): Settings {
    const put = this.db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) put.run(k, JSON.stringify(v));
    })();
    return this.settings();
  }

  /** Small internal values (e.g. the selected model) kept beside the settings, outside the settings schema. */
  meta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(`meta.${key}`) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as string) : null;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM settings WHERE key = ?').run(`meta.${key}`);
    else this.db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`)
      .run(`meta.${key}`, JSON.stringify(value));
  }

  // -- KV cache index ----------------------------------------------------------------------------

  kvCacheEntry(key: string): KvCacheEntry | null {
    const r = this.db.prepare('SELECT * FROM kv_cache WHERE key = ?').get(key) as
      { key: string; document_id: string; model_id: string; file: string; bytes: number; last_used_at: number } | undefined;
    return r ? { key: r.key, documentId: r.document_id, modelId: r.model_id, file: r.file, bytes: r.bytes, lastUsedAt: r.last_used_at } : null;
  }

  touchKvCache(key: string): void {
    this.db.prepare('UPDATE kv_cache SET last_used_at = ? WHERE key = ?').run(Date.now(), key);
  }

  putKvCache(e: Omit<KvCacheEntry, 'lastUsedAt'>): void {
    this.db.prepare(`INSERT INTO kv_cache (key, document_id, model_id, file, bytes, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET file = excluded.file, bytes = excluded.bytes, last_used_at = excluded.last_used_at`)
      .run(e.key, e.documentId, e.modelId, e.file, e.bytes, now(), Date.now());
  }

  deleteKvCache(key: string): void {
    this.db.prepare('DELETE FROM kv_cache WHERE key = ?').run(key);
  }

  /** Entries to drop, least recently used first, so the rest fit in capBytes. */
  kvCacheOverCap(capBytes: number): KvCacheEntry[] {
    const rows = this.db.prepare('SELECT key FROM kv_cache ORDER BY last_used_at DESC').all() as { key: string }[];
    const all = rows.map((r) => this.kvCacheEntry(r.key)!);
    let total = 0;
    const drop: KvCacheEntry[] = [];
    for (const e of all) {
      total += e.bytes;
      if (total > capBytes) drop.push(e);
    }
    return drop.reverse();
  }
}

function toRun(r: RunRow): RunRecord {
  return {
    id: r.id, documentId: r.document_id, modelId: r.model_id, compareId: r.compare_id, question: r.question,
    presetId: r.preset_id, recipe: RecipeSchema.parse(JSON.parse(r.recipe)), maxTokens: r.max_tokens, status: r.status,
    answer: r.answer, stopReason: r.stop_reason, error: r.error ? (JSON.parse(r.error) as IpcErrorShape) : null,
    metrics: r.metrics ? RunMetricsSchema.parse(JSON.parse(r.metrics)) : null,
    sampling: r.sampling ? SamplingSchema.parse(JSON.parse(r.sampling)) : null, createdAt: r.created_at, finishedAt: r.finished_at,
  };
}
