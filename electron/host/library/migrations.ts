/**
 * Versioned schema of the library. Each entry moves the database from version i to i+1 (stored in
 * PRAGMA user_version) inside one transaction. Never edit a shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: documents, models, conversations, runs, settings, on-disk KV cache index.
  `
  CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    file_bytes INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    pages INTEGER,
    encoding TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    text TEXT NOT NULL,
    added_at TEXT NOT NULL
  );
  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    is_demo INTEGER NOT NULL DEFAULT 0,
    file_bytes INTEGER NOT NULL DEFAULT 0,
    info TEXT,
    added_at TEXT NOT NULL
  );
  CREATE TABLE document_tokens (
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    PRIMARY KEY (document_id, model_id)
  );
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX conversations_by_document ON conversations(document_id);
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES conversations(id) ON DELETE SET NULL,
    model_id TEXT NOT NULL,
    compare_id TEXT,
    question TEXT NOT NULL,
    preset_id TEXT,
    recipe TEXT NOT NULL,
    max_tokens INTEGER NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    stop_reason TEXT,
    error TEXT,
    metrics TEXT,
    prefill_ms REAL,
    ttft_ms REAL,
    kv_bytes INTEGER,
    created_at TEXT NOT NULL,
    finished_at TEXT
  );
  CREATE INDEX runs_by_document ON runs(document_id, created_at);
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE kv_cache (
    key TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    model_id TEXT NOT NULL,
    file TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at INTEGER NOT NULL
  );
  `,
  // 2: the sampling each run used (JSON of Sampling), so a run can be repeated exactly; NULL for runs
  // stored before. Runs of a document in question order are its conversation: index that read.
  `
  ALTER TABLE runs ADD COLUMN sampling TEXT;
  CREATE INDEX runs_by_conversation ON runs(conversation_id, created_at);
  `,
];
