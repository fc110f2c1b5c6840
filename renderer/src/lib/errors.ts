/**
 * Error codes → sentences a person understands. Whatever the bridge rejects with is passed through
 * `describeError`, which prefers the code's sentence and keeps the original message as a detail.
 */
import type { ContextOverflow, ErrorCode } from '../contract';
import { overflowAdvice } from './contextFit';

/** One sentence per contract error code: a code added to the contract without one fails to compile. */
export const ERROR_SENTENCES: Readonly<Record<ErrorCode, string>> = {
  INVALID_PAYLOAD: 'The app sent the engine a request it could not accept.',
  UNKNOWN_CHANNEL: 'The engine does not know this request — the app and engine versions may differ.',
  NOT_FOUND: 'That item no longer exists.',
  NOT_SUPPORTED: 'This is not supported here.',
  BUSY: 'The engine is busy with another question. Wait for it to finish or cancel it.',
  CANCELLED: 'Cancelled.',
  DOC_UNSUPPORTED_TYPE: 'This kind of file cannot be read as a document. Use PDF, DOCX, Markdown, HTML or plain text.',
  DOC_ENCRYPTED: 'This document is password-protected, so its text cannot be read.',
  DOC_CORRUPT: 'This file is damaged and its text could not be read.',
  DOC_EMPTY: 'This document has no text in it.',
  DOC_TOO_LARGE: 'This document is larger than the app can read.',
  DOC_NOT_FOUND: 'The document file could not be found.',
  DOC_BOMB: 'This document is packed to expand far beyond any real document (a decompression bomb), so it was not read.',
  DOC_TIMEOUT: 'Reading this document took too long and was stopped.',
  MODEL_INVALID: 'This file is not a model the app can run.',
  MODEL_TOO_LARGE: 'This model is too large for this machine’s memory.',
  MODEL_NOT_FOUND: 'The model file could not be found.',
  PRESET_NOT_FOUND: 'That recipe preset does not exist.',
  PRESETS_MISSING: 'The recipe presets could not be loaded.',
  RUNTIME_UNAVAILABLE: 'The SWAA runtime is not available on this installation.',
  HOST_CRASHED: 'The engine stopped unexpectedly. Your library is safe; it is being restarted.',
  HOST_UNAVAILABLE: 'The app lost its connection to the engine.',
  INTERNAL: 'Something went wrong inside the app.',
  SWAA_ERR_INVALID_ARGUMENT: 'The request had a value the runtime does not accept.',
  SWAA_ERR_IO: 'The file could not be read from disk.',
  SWAA_ERR_NOT_GGUF: 'This file is not a GGUF model.',
  SWAA_ERR_TRUNCATED: 'The model file is incomplete — it may have been cut off while downloading or copying.',
  SWAA_ERR_UNSUPPORTED_ARCH: 'This model architecture is not supported yet (supported: llama, qwen2, qwen3).',
  SWAA_ERR_MISSING_TENSOR: 'The model file is missing weights it needs.',
  SWAA_ERR_SHAPE_MISMATCH: 'The model file’s weights do not have the shapes its header describes.',
  SWAA_ERR_UNSUPPORTED_TYPE: 'The model uses a weight type this runtime cannot run.',
  SWAA_ERR_BAD_METADATA: 'The model file’s metadata is damaged or incomplete.',
  SWAA_ERR_OUT_OF_MEMORY: 'There is not enough memory for this. Try a smaller context, a smaller window, or fewer full-attention layers.',
  SWAA_ERR_CONTEXT_OVERFLOW: 'The document and question are longer than the context can hold. Choose a larger context or a shorter document.',
  SWAA_ERR_CANCELLED: 'Cancelled.',
  SWAA_ERR_BACKEND: 'The compute backend (CPU/GPU) reported a failure.',
  SWAA_ERR_INVALID_RECIPE: 'This recipe is not valid for the model (check the window, sinks and layer numbers).',
  SWAA_ERR_PHASE: 'The engine is busy with another request. Wait for it to finish or cancel it.',
  SWAA_ERR_STATE_MISMATCH: 'The saved document cache belongs to another model, recipe or document, so it was not used.',
  SWAA_ERR_STATE_CORRUPT: 'The saved document cache is damaged, so it was not used.',
  SWAA_ERR_TOKENIZER: 'The text could not be tokenized by this model.',
  SWAA_ERR_INTERNAL: 'Something went wrong inside the runtime.',
  DOWNLOAD_UNAUTHORIZED: 'The server wants an account for this model: it is gated or private.',
  DOWNLOAD_NOT_FOUND: 'The server has no such file.',
  DOWNLOAD_NETWORK: 'The download was interrupted by the network. Start it again to resume.',
  DOWNLOAD_CHECKSUM: 'The downloaded file did not match its checksum, so it was removed.',
  DOWNLOAD_FAILED: 'The download failed.',
  DISK_FULL: 'There is not enough free disk space for this model.',
  REMOTE_UNREACHABLE: 'The remote server cannot be reached.',
  REMOTE_UNAUTHORIZED: 'The remote server refused the API key.',
  REMOTE_TIMEOUT: 'The remote server stopped answering.',
  REMOTE_FAILED: 'The remote server failed.',
  RECIPE_UNSUPPORTED: 'This server cannot run that recipe.',
};

function sentenceFor(code: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(ERROR_SENTENCES, code) ? ERROR_SENTENCES[code as ErrorCode] : undefined;
}

export interface FriendlyError {
  code: string | null;
  /** A sentence for a person. */
  message: string;
  /** The original message, when it adds something. */
  detail: string | null;
  /** The numbers of a prompt that did not fit, so the UI can offer the context that holds it. */
  overflow?: ContextOverflow;
}

function overflowOf(o: Record<string, unknown>): ContextOverflow | null {
  const v = o.overflow;
  if (!v || typeof v !== 'object') return null;
  const x = v as Record<string, unknown>;
  const num = (k: string) => typeof x[k] === 'number';
  return num('promptTokens') && num('contextSize') && num('answerRoom') && num('neededContext') &&
    (x.trainedContext === null || num('trainedContext')) ? (v as ContextOverflow) : null;
}

function pickString(o: Record<string, unknown>, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function describeError(err: unknown): FriendlyError {
  let code: string | null = null;
  let raw: string | null = null;
  let overflow: ContextOverflow | null = null;
  if (typeof err === 'string') raw = err;
  else if (err && typeof err === 'object') {
    const o = err as Record<string, unknown>;
    code = pickString(o, 'code');
    raw = pickString(o, 'message');
    overflow = overflowOf(o);
  }
  // The engine said how many tokens the prompt needs: say what to do here, with those numbers.
  if (overflow) return { code, message: overflowAdvice(overflow), detail: raw, overflow };
  // Errors that crossed Electron IPC may arrive flattened into "Error invoking remote method …: CODE: msg".
  if (!code && raw) code = raw.match(/\b[A-Z][A-Z_]{2,}\b/g)?.find((c) => sentenceFor(c) !== undefined) ?? null;
  const sentence = code ? sentenceFor(code) : undefined;
  const cleaned = raw?.replace(/^Error invoking remote method '[^']+':\s*(Error:\s*)?/, '') ?? null;
  if (sentence) {
    return { code, message: sentence, detail: cleaned && cleaned !== sentence ? cleaned : null };
  }
  return { code, message: cleaned ?? 'Something went wrong.', detail: null };
}

export function isCancelled(err: unknown): boolean {
  const code = describeError(err).code;
  return code === 'CANCELLED' || code === 'SWAA_ERR_CANCELLED' ||
    (err instanceof Error && err.name === 'AbortError');
}
