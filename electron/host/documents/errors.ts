/**
 * Why a document could not be read. Each failure has its own class and stable code (the contract's
 * ErrorCode), so the UI can say exactly what went wrong and nothing half-read is ever stored.
 */
export type DocumentErrorCode =
  | 'DOC_UNSUPPORTED_TYPE' | 'DOC_ENCRYPTED' | 'DOC_CORRUPT' | 'DOC_EMPTY' | 'DOC_TOO_LARGE' | 'DOC_NOT_FOUND';

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
