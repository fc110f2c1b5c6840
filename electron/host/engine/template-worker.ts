/**
 * Entry of the chat-template worker (template-check.ts starts one per model): renders the template's
 * skeleton once and posts it, or the reason it cannot be used. A model's template is untrusted code
 * from a file; here it can only cost this thread, which is stopped on time and memory limits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { renderSkeleton } from '../../../native/addon/prompt.js';

const InputsSchema = z.object({ chatTemplate: z.string().nullable(), bosText: z.string(), eosText: z.string() });

try {
  parentPort?.postMessage({ ok: true, skeleton: renderSkeleton(InputsSchema.parse(workerData)) });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
