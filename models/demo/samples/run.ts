/**
 * `npm run samples [-- --preset P] [--model FILE]` — asks every question of
 * models/demo/samples/questions.json about its sample document the way the app does (documents.add,
 * runs.ask on the engine host, the app's default settings) and scores the answers with the eval's
 * scorer. Ends with `samples: <correct>/<total> correct (<preset>)`; exits 1 when a run fails.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { openHeadlessHost } from '../../../electron/host/headless.js';
import { toIpcError } from '../../../electron/shared/contract.js';
import { scoreAnswer } from '../eval/score.js';

const here = dirname(fileURLToPath(import.meta.url));

const SamplesSchema = z.array(z.object({
  file: z.string(),
  approx_tokens: z.number().optional(),
  questions: z.array(z.object({ question: z.string(), expected_answer: z.string(), value: z.string() })).min(1),
})).min(1);
export type Samples = z.infer<typeof SamplesSchema>;

export function loadSamples(path = join(here, 'questions.json')): Samples {
  return SamplesSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { preset: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log('usage: npm run samples -- [--preset full|quality|balanced|fast|fastest|naive] [--model FILE.gguf]');
    return 0;
  }
  const presetId = values.preset ?? 'full';
  const host = await openHeadlessHost(values.model ? { demoModelPath: resolve(values.model) } : {});
  let correct = 0;
  let total = 0;
  let failed = 0;
  try {
    for (const f of loadSamples()) {
      const doc = await host.call('documents.add', { path: join(here, f.file) });
      for (const q of f.questions) {
        total++;
        try {
          const run = await host.ask({ documentId: doc.id, question: q.question, presetId });
          const ok = scoreAnswer(run.answer, { value: q.value, answer: q.expected_answer }).valueMatch;
          if (ok) correct++;
          console.log(`${ok ? 'ok  ' : 'MISS'} ${f.file}: ${q.question}\n     → ${run.answer.trim()}${ok ? '' : `   (expected ${q.value})`}`);
        } catch (e) {
          failed++;
          const err = toIpcError(e);
          console.log(`FAIL ${f.file}: ${q.question}\n     → [${err.code}] ${err.message}`);
        }
      }
    }
  } finally {
    host.dispose();
  }
  console.log(`samples: ${correct}/${total} correct (${presetId})`);
  return failed ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (e: unknown) => { console.error(e); process.exit(1); });
}
