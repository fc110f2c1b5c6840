/**
 * Child process of the benchmark: runs one configuration (see job.ts) for every repeat and prints
 * its result as JSON after RESULT_MARKER. Usage: node --import tsx bench/worker.ts <job.json>
 *
 * Every repeat uses a fresh context: document prefill, question prefill, first token, decodeTokens
 * more tokens; then the context goes back to the end of the document and a second question is asked
 * (time to its first token). Both engines sample with the same llama.cpp sampler settings (see
 * SAMPLER) so that neither stops early at an end-of-generation token.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { RESULT_MARKER, type Job, type JobResult, type RepeatResult } from './job.js';

/**
 * Near-uniform sampling over the whole vocabulary (seeded): the demo model would otherwise end its
 * answer after ~12 tokens, and decode speed must be measured over the same number of tokens for every
 * configuration. Sampling costs ~1 ms per token at 152k tokens, the same on both engines.
 */
export const SAMPLER = { temperature: 100, topK: 0, topP: 1, minP: 0, repeatPenalty: 1, seed: 1234 } as const;

interface Tokens { document: number[]; question: number[]; question2: number[] }

function kvBytesComputed(nLayer: number, nCtx: number, nHeadKv: number, headDim: number): number {
  return 2 * nLayer * nCtx * nHeadKv * headDim * 2;
}

async function runSwaa(job: Job, tokens: Tokens): Promise<Omit<JobResult, 'job' | 'peakRssBytes'>> {
  const { loadModel, FULL_ATTENTION } = await import('../native/addon/index.js');
  const model = await loadModel(job.modelPath, { device: 'cpu' });
  const info = model.info;
  const repeats: RepeatResult[] = [];
  for (let r = 0; r < job.repeats; r++) {
    const ctx = model.createContext({
      contextSize: job.contextSize, chunkSize: job.chunk, threads: job.threads, kvType: 'f16',
      recipe: job.recipe ?? FULL_ATTENTION,
    });
    try {
      const t0 = performance.now();
      await ctx.prefill(tokens.document, { phase: 'document' });
      ctx.checkpoint();
      await ctx.prefill(tokens.question, { phase: 'question' });
      const tPrefilled = performance.now();
      const times: number[] = [];
      await ctx.generate({
        maxTokens: job.decodeTokens + 1,
        sampler: SAMPLER,
        onToken: () => { times.push(performance.now()); },
      });
      const m = ctx.metrics();
      // Re-ask: back to the end of the document, prefill only the second question.
      ctx.rewind();
      const t1 = performance.now();
      await ctx.prefill(tokens.question2, { phase: 'question' });
      let tFirst2 = 0;
      await ctx.generate({ maxTokens: 1, sampler: SAMPLER, onToken: () => { tFirst2 = performance.now(); } });
      repeats.push({
        promptTokens: tokens.document.length + tokens.question.length,
        prefillMs: tPrefilled - t0,
        ttftMs: (times[0] ?? tPrefilled) - t0,
        decodeTokens: Math.max(0, times.length - 1),
        decodeMs: times.length > 1 ? times[times.length - 1] - times[0] : 0,
        reaskTtftMs: (tFirst2 || performance.now()) - t1,
        reaskTokens: tokens.question2.length,
        kvBytes: m.kvBytes,
        kvBytesComputed: kvBytesComputed(info.nLayer, job.contextSize, info.nHeadKv, info.headDim),
        stateBytes: null,
        attnRowsDocument: m.attnRowsDocument,
        attnRowsQuestion: m.attnRowsQuestion,
        attnRowsDecode: m.attnRowsDecode,
        nativeDecodeMs: m.decodeMs,
        nativeDecodeTokens: m.decodeTokens,
        nativePrefillMs: m.prefillMs,
        threads: m.threads,
      });
    } finally {
      ctx.dispose();
    }
  }
  model.dispose();
  return { repeats, engineInfo: { engine: 'swaa', backend: info.backend, weightType: info.weightType, kvType: 'f16' } };
}

async function runLlamaCpp(job: Job, tokens: Tokens): Promise<Omit<JobResult, 'job' | 'peakRssBytes'>> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({
    gpu: false, build: 'never', logLevel: LlamaLogLevel.error, maxThreads: job.threads, progressLogs: false,
  });
  const model = await llama.loadModel({ modelPath: job.modelPath, gpuLayers: 0 });
  const meta = model.fileInfo.metadata as unknown as Record<string, Record<string, unknown>>;
  const arch = String((meta.general as Record<string, unknown>).architecture);
  const a = meta[arch] as Record<string, unknown>;
  const attn = a.attention as Record<string, number>;
  const nLayer = Number(a.block_count);
  const nHeadKv = Number(attn.head_count_kv);
  const headDim = Number(attn.key_length ?? Number(a.embedding_length) / Number(attn.head_count));
  const sampler = {
    temperature: SAMPLER.temperature, topK: SAMPLER.topK, topP: SAMPLER.topP, minP: SAMPLER.minP, seed: SAMPLER.seed,
    yieldEogToken: true,
  };
  const repeats: RepeatResult[] = [];
  let reportedFa: string | boolean = '';
  let threadsUsed = 0;
  for (let r = 0; r < job.repeats; r++) {
    const ctx = await model.createContext({
      contextSize: job.contextSize, batchSize: job.chunk, sequences: 1,
      threads: { ideal: job.threads, min: job.threads }, flashAttention: job.flashAttention,
    });
    reportedFa = ctx.flashAttention;
    threadsUsed = ctx.currentThreads;
    const seq = ctx.getSequence();
    try {
      const t0 = performance.now();
      await seq.evaluateWithoutGeneratingNewTokens(tokens.document as never);
      const times: number[] = [];
      for await (const _ of seq.evaluate(tokens.question as never, sampler)) {
        times.push(performance.now());
        if (times.length >= job.decodeTokens + 1) break;
      }
      const stateBytes = ctx.stateSize;
      // Re-ask: drop everything after the document (llama.cpp keeps the document's KV cells).
      await seq.eraseContextTokenRanges([{ start: tokens.document.length, end: seq.nextTokenIndex }]);
      const t1 = performance.now();
      let tFirst2 = 0;
      for await (const _ of seq.evaluate(tokens.question2 as never, sampler)) { tFirst2 = performance.now(); break; }
      repeats.push({
        promptTokens: tokens.document.length + tokens.question.length,
        prefillMs: times[0] - t0,
        ttftMs: times[0] - t0,
        decodeTokens: times.length - 1,
        decodeMs: times[times.length - 1] - times[0],
        reaskTtftMs: tFirst2 - t1,
        reaskTokens: tokens.question2.length,
        kvBytes: null,
        kvBytesComputed: kvBytesComputed(nLayer, job.contextSize, nHeadKv, headDim),
        stateBytes,
        attnRowsDocument: null, attnRowsQuestion: null, attnRowsDecode: null,
        nativeDecodeMs: null, nativeDecodeTokens: null, nativePrefillMs: null,
        threads: threadsUsed,
      });
    } finally {
      await ctx.dispose();
    }
  }
  await model.dispose();
  return {
    repeats,
    engineInfo: {
      engine: 'llama.cpp', binding: 'node-llama-cpp 3.22.1', flashAttention: String(reportedFa),
      gpu: String(llama.gpu), kvType: 'f16', threadsUsed,
    },
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Job;
  const tokens = JSON.parse(readFileSync(job.tokensPath, 'utf8')) as Tokens;
  let out: JobResult;
  try {
    const r = job.engine === 'llama.cpp' ? await runLlamaCpp(job, tokens) : await runSwaa(job, tokens);
    out = { job, ...r, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
  } catch (e) {
    out = { job, repeats: [], engineInfo: {}, peakRssBytes: process.resourceUsage().maxRSS * 1024, error: String((e as Error)?.stack ?? e) };
  }
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(out)}\n`);
  process.exit(0);
}

void main();
