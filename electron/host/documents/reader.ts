/**
 * The host's way to read documents: each one in a fresh worker thread with a heap limit and a time
 * limit, cancellable, so the host's thread keeps answering every other channel while a document is
 * read, and a hostile document costs at most one worker (issue 21). Documents are read one at a
 * time: a second waits for the first (reading is CPU-bound; parallel readers only multiply memory).
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpcError } from '../../shared/contract.js';
import { CorruptDocumentError, DocumentError, DocumentTimeoutError, DocumentTooLargeError } from './errors.js';
import type { IngestedDocument } from './ingest.js';
import { INGEST_WORKER_HEAP_MB, MAX_INGEST_MS } from './limits.js';
import { WorkerReplySchema, type IngestJob } from './reader-protocol.js';

const here = dirname(fileURLToPath(import.meta.url));


export interface ReaderOptions {
  /** Default MAX_INGEST_MS. */
  timeoutMs?: number;
  /** Old-generation heap of a worker in MB. Default INGEST_WORKER_HEAP_MB. */
  heapMb?: number;
}

export class DocumentReader {
  private readonly running = new Set<Worker>();
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: ReaderOptions = {}) {}

  /** Reads a file by path (its size is checked before it is read). */
  readFile(path: string, signal?: AbortSignal): Promise<IngestedDocument> {
    return this.enqueue({ kind: 'file', path }, signal);
  }

  /** Reads uploaded bytes; `name` gives the extension and display name. The bytes are copied. */
  readBytes(name: string, bytes: Uint8Array, signal?: AbortSignal): Promise<IngestedDocument> {
    return this.enqueue({ kind: 'bytes', name, bytes }, signal);
  }

  /** Stops every worker; reads in progress or queued reject with CANCELLED. */
  close(): void {
    this.closed = true;
    for (const w of this.running) void w.terminate();
  }

  private enqueue(job: IngestJob, signal?: AbortSignal): Promise<IngestedDocument> {
    const run = this.tail.then(() => this.run(job, signal));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private run(job: IngestJob, signal?: AbortSignal): Promise<IngestedDocument> {
    if (this.closed || signal?.aborted) return Promise.reject(new IpcError('CANCELLED', 'reading the document was cancelled'));
    const { entry, eval: isEval } = workerEntry(here, 'ingest-worker');
    const timeoutMs = this.opts.timeoutMs ?? MAX_INGEST_MS;
    return new Promise<IngestedDocument>((resolve, reject) => {
      const worker = new Worker(entry, {
        workerData: job, eval: isEval,
        resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? INGEST_WORKER_HEAP_MB, maxYoungGenerationSizeMb: 64, stackSizeMb: 8 },
      });
      this.running.add(worker);
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.running.delete(worker);
        void worker.terminate();
        outcome();
      };
      const timer = setTimeout(() => settle(() => reject(new DocumentTimeoutError(
        `reading this document took longer than ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} and was stopped`))), timeoutMs);
      const onAbort = () => settle(() => reject(new IpcError('CANCELLED', 'reading the document was cancelled')));
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (msg: unknown) => {
        const reply = WorkerReplySchema.safeParse(msg);
        settle(() => {
          if (!reply.success) reject(new CorruptDocumentError('the document reader gave an unexpected answer'));
          else if (reply.data.ok) resolve(reply.data.doc);
          else reject(new DocumentError(reply.data.code, reply.data.message));
        });
      });
      worker.on('error', (err: Error & { code?: string }) => settle(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new DocumentTooLargeError(`reading this document needs more than the ${this.opts.heapMb ?? INGEST_WORKER_HEAP_MB} MB the reader may use`)
        : new CorruptDocumentError(`this document cannot be read (${err.message})`, err))));
      worker.on('exit', (code) => settle(() => reject(this.closed
        ? new IpcError('CANCELLED', 'reading the document was cancelled')
        : new CorruptDocumentError(`the document reader stopped unexpectedly (exit code ${code})`))));
    });
  }
}
