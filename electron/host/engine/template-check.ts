/**
 * A model's chat template is run once, in a worker thread with a heap limit and a time limit, to make
 * its prompt skeleton (native/addon/prompt.ts renderSkeleton): a template that loops, balloons or
 * throws is refused with MODEL_INVALID and a reason, and the host's thread never runs template code.
 * Every prompt for the model is then the skeleton with the document and question put in.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { IpcError } from '../../shared/contract.js';
import type { PromptSkeleton, TemplateInputs } from '../../../native/addon/prompt.js';

/** A real template renders a skeleton in milliseconds; seconds mean a loop. */
export const TEMPLATE_TIMEOUT_MS = 5_000;
/** Heap for rendering one short message: a template that needs more is building something huge. */
export const TEMPLATE_HEAP_MB = 64;

const here = dirname(fileURLToPath(import.meta.url));

const ReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), skeleton: z.object({ head: z.string(), tail: z.string() }) }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);


export function checkedSkeleton(inputs: TemplateInputs, limits: { timeoutMs?: number; heapMb?: number } = {}): Promise<PromptSkeleton> {
  const { entry, eval: isEval } = workerEntry(here, 'template-worker');
  const timeoutMs = limits.timeoutMs ?? TEMPLATE_TIMEOUT_MS;
  const refuse = (why: string) => new IpcError('MODEL_INVALID', `the model's chat template cannot be used: ${why}`);
  return new Promise<PromptSkeleton>((resolve, reject) => {
    const worker = new Worker(entry, {
      workerData: inputs, eval: isEval,
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb ?? TEMPLATE_HEAP_MB, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    // The timer starts with the worker, so its start-up counts: generous for that, short for a loop.
    const timer = setTimeout(() => settle(() => reject(refuse(`it did not finish within ${timeoutMs / 1000} s`))), timeoutMs);
    worker.on('message', (msg: unknown) => {
      const reply = ReplySchema.safeParse(msg);
      settle(() => {
        if (!reply.success) reject(refuse('the template worker gave an unexpected answer'));
        else if (reply.data.ok) resolve(reply.data.skeleton);
        else reject(refuse(reply.data.message));
      });
    });
    worker.on('error', (err: Error & { code?: string }) => settle(() => reject(refuse(err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `it needs more than ${limits.heapMb ?? TEMPLATE_HEAP_MB} MB to render one message` : err.message))));
    worker.on('exit', (code) => settle(() => reject(refuse(`the template worker stopped (exit code ${code})`))));
  });
}
