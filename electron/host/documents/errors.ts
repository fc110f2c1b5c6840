/**
 * Why a document could not be read. Each failure has its own class and stable code (the contract's
 * ErrorCode), so the UI can say exactly what went wrong and nothing half-read is ever stored.
 */
export const DOCUMENT_ERROR_CODES = [
  'DOC_UNSUPPORTED_TYPE', 'DOC_ENCRYPTED', 'DOC_CORRUPT', 'DOC_EMPTY', 'DOC_TOO_LARGE', 'DOC_NOT_FOUND',
  'DOC_BOMB', 'DOC_TIMEOUT',
] as const;
export type DocumentErrorCode = (typeof DOCUMENT_ERROR_CODES)[number];

export class DocumentError extends Error {
  constructor(readonly code: DocumentErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DocumentError';
  }
}

export class UnsupportedDocumentError extends DocumentError {
  constructor(message: string) { super('DOC_UNSUPPORTED_TYPE', message); this.name = 'UnsupportedDocumentError'; }
}
export class EncryptedDocumentError extends DocumentError {
  constructor(message: string) { super('DOC_ENCRYPTED', message); this.name = 'EncryptedDocumentError'; }
}
export class CorruptDocumentError extends DocumentError {
  constructor(message: string, cause?: unknown) { super('DOC_CORRUPT', message, { cause }); this.name = 'CorruptDocumentError'; }
}
export class EmptyDocumentError extends DocumentError {
  constructor(message: string) { super('DOC_EMPTY', message); this.name = 'EmptyDocumentError'; }
}
export class DocumentTooLargeError extends DocumentError {
  constructor(message: string) { super('DOC_TOO_LARGE', message); this.name = 'DocumentTooLargeError'; }
}
export class DocumentNotFoundError extends DocumentError {
  constructor(message: string) { super('DOC_NOT_FOUND', message); this.name = 'DocumentNotFoundError'; }
}
/** A compressed part (DOCX entry, PDF stream) that would inflate far past what a document needs. */
export class DocumentBombError extends DocumentError {
  constructor(message: string) { super('DOC_BOMB', message); this.name = 'DocumentBombError'; }
}
/** Reading took longer than MAX_INGEST_MS; the worker reading it was stopped. */
export class DocumentTimeoutError extends DocumentError {
  constructor(message: string) { super('DOC_TIMEOUT', message); this.name = 'DocumentTimeoutError'; }
}

/** Collects extracted text and stops extraction (throws DOC_TOO_LARGE) the moment it passes `limit`. */
export class TextBudget {
  private readonly parts: string[] = [];
  private used = 0;
  constructor(readonly limit: number, private readonly what = 'this document') {}
  get length(): number { return this.used; }
  /** Throws DOC_TOO_LARGE when `extra` more characters would not fit. */
  ensureRoom(extra: number): void {
    if (this.used + extra > this.limit) {
      throw new DocumentTooLargeError(`${this.what} has more than ${this.limit.toLocaleString('en')} characters of text; reading stopped there`);
    }
  }
  push(s: string): void {
    if (s.length === 0) return;
    this.ensureRoom(s.length);
    this.used += s.length;
    this.parts.push(s);
  }
  text(): string { return this.parts.join(''); }
}
