/**
 * Entry of the ingestion worker (reader.ts starts one per document): reads one document and posts
 * the result or its error code once. Untrusted parsing runs here so that a slow or hostile file
 * costs this thread, never the host's, and dies with it (DESIGN.md "Where things run").
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ingestBytes, ingestFile } from './ingest.js';
import { DocumentError } from './errors.js';
import { IngestJobSchema, type WorkerReply } from './reader-protocol.js';

async function main(): Promise<void> {
  let reply: WorkerReply;
  try {
    const job = IngestJobSchema.parse(workerData);
    const doc = job.kind === 'file' ? await ingestFile(job.path) : await ingestBytes(job.name, job.bytes);
    reply = { ok: true, doc };
  } catch (err) {
    reply = err instanceof DocumentError
      ? { ok: false, code: err.code, message: err.message }
      : { ok: false, code: 'DOC_CORRUPT', message: `this document cannot be read (${err instanceof Error ? err.message : String(err)})` };
  }
  parentPort?.postMessage(reply);
}

void main();
