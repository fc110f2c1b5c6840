/**
 * A stand-in runtime for testing the host protocol (streaming, cancel, crash/restart, library)
 * where swaa.node is not built. It is never used by the app: only when SWAA_RUNTIME=scripted.
 * Tokens are words; prefill advances one chunk per tick; the answer is a fixed sentence.
 * It implements the same contract as the native runtime (phases, checkpoint reuse, cancel).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { SwaaError } from '../../../native/addon/types.js';
import type { Metrics } from '../../../native/addon/types.js';
import type { AskRequest, RunReport, Runtime, RuntimeContext, RuntimeModel } from './runtime.js';

/** ms per prefill chunk and per generated token (tests slow it down to cancel mid-prefill). */
const tickMs = () => Number(process.env.SWAA_SCRIPTED_TICK_MS ?? 2);
const CHUNK = 64;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vocabId(word: string): number {
  return createHash('sha1').update(word).digest().readUInt32LE(0) % 50_000;
}

function tokenize(text: string): number[] {
  return text.split(/\s+/).filter(Boolean).map(vocabId);
}

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SwaaError('SWAA_ERR_CANCELLED', 'cancelled');
}

class ScriptedContext implements RuntimeContext {
  private tokens: number[] = [];
  private checkpointAt = -1;
  constructor(readonly contextSize: number) {}

  holdsDocument(documentTokens: readonly number[]): boolean {
    return this.checkpointAt === documentTokens.length && documentTokens.every((t, i) => this.tokens[i] === t);
  }

  rewind(): void { if (this.checkpointAt >= 0) this.tokens.length = this.checkpointAt; }

  checkpoint(): void { this.checkpointAt = this.tokens.length; }

  private async prefill(tokens: readonly number[], phase: 'document' | 'question', req: AskRequest): Promise<void> {
    const t0 = performance.now();
    for (let done = 0; done < tokens.length;) {
      cancelled(req.signal);
      await sleep(tickMs());
      done = Math.min(tokens.length, done + CHUNK);
      req.onProgress?.({ done, total: tokens.length, elapsedMs: performance.now() - t0, phase });
    }
    this.tokens.push(...tokens);
  }

  async ask(req: AskRequest): Promise<RunReport> {
    // Tests of the supervisor's heartbeat: a host whose thread is stuck (here: busy for this long).
    const blockMs = Number(process.env.SWAA_SCRIPTED_BLOCK_MS ?? 0);
    for (const end = Date.now() + blockMs; Date.now() < end;) { /* the thread answers nothing meanwhile */ }
    const total = req.documentTokens.length + req.questionTokens.length;
    if (total >= this.contextSize) throw new SwaaError('SWAA_ERR_CONTEXT_OVERFLOW', `the prompt has ${total} tokens but the context holds ${this.contextSize}`);
    const t0 = performance.now();
    let documentCached = false;
    if (this.holdsDocument(req.documentTokens)) {
      this.rewind();
      documentCached = true;
    } else {
      this.tokens = [];
      this.checkpointAt = -1;
      await this.prefill(req.documentTokens, 'document', req);
      this.checkpointAt = this.tokens.length;
    }
    await this.prefill(req.questionTokens, 'question', req);
    const tPrefill = performance.now();
    const words = 'This is a scripted answer from the test runtime.'.split(' ');
    let answer = '';
    let n = 0;
    let tFirst = 0;
    let stopReason: RunReport['stopReason'] = 'eog';
    for (const [i, w] of words.entries()) {
      if (n >= (req.maxTokens ?? 256)) { stopReason = 'maxTokens'; break; }
      if (req.signal?.aborted) { stopReason = 'cancelled'; break; }
      await sleep(tickMs());
      const piece = (i ? ' ' : '') + w;
      answer += piece;
      n++;
      if (!tFirst) tFirst = performance.now();
      this.tokens.push(vocabId(w));
      req.onToken?.(vocabId(w), piece);
    }
    const tEnd = performance.now();
    const prefillTokens = documentCached ? req.questionTokens.length : total;
    const metrics: Metrics = {
      promptTokens: prefillTokens, prefillMs: tPrefill - t0, decodeTokens: n, decodeMs: tEnd - tPrefill,
      kvBytes: this.contextSize * 1024, computeBytes: 0, deviceBytes: 0, peakRssBytes: process.memoryUsage().rss,
      hostBytes: this.contextSize * 1024, kvDeviceBytes: 0, nLayerDevice: 0,
      attnRowsDocument: 0, attnRowsQuestion: 0, attnRowsDecode: 0, threads: 1, backend: 'scripted',
    };
    return {
      answer, answerTokens: words.slice(0, n).map(vocabId), stopReason, documentCached,
      documentTokens: req.documentTokens.length, questionTokens: req.questionTokens.length, prefillTokens,
      prefillMs: metrics.prefillMs, prefillTokPerS: metrics.prefillMs > 0 ? prefillTokens * 1000 / metrics.prefillMs : 0,
      timeToFirstTokenMs: (tFirst || tPrefill) - t0, decodeTokens: n, decodeMs: metrics.decodeMs,
      decodeTokPerS: metrics.decodeMs > 0 ? n * 1000 / metrics.decodeMs : 0, totalMs: tEnd - t0, metrics,
    };
  }

  async saveState(path: string): Promise<void> {
    await writeFile(path, JSON.stringify({ tokens: this.tokens.slice(0, Math.max(0, this.checkpointAt)), checkpointAt: this.checkpointAt }));
  }

  async loadState(path: string): Promise<void> {
    const s = JSON.parse(await readFile(path, 'utf8')) as { tokens: number[] };
    this.tokens = s.tokens;
    this.checkpointAt = -1; // like the native runtime: a loaded state has no checkpoint
  }

  dispose(): void { this.tokens = []; }
}

export function scriptedRuntime(): Runtime {
  return {
    name: 'scripted',
    version: () => 'scripted-0',
    async loadModel(path): Promise<RuntimeModel> {
      let fileBytes: number;
      try { fileBytes = statSync(path).size; } catch { throw new SwaaError('SWAA_ERR_IO', `cannot open ${path}`); }
      const head = await readFile(path).then((b) => b.subarray(0, 4).toString('latin1'));
      if (head !== 'GGUF') throw new SwaaError('SWAA_ERR_NOT_GGUF', `${basename(path)} is not a GGUF file`);
      return {
        path,
        hash: createHash('sha256').update(path).digest('hex'),
        info: {
          architecture: 'qwen3', name: basename(path), weightType: 'F32', fileType: 'ALL_F32', backend: 'CPU',
          nParams: 1000, fileBytes, weightBytes: fileBytes, repackedBytes: 0, nVocab: 50_000, nCtxTrain: 32768, nEmbd: 64, nLayer: 4,
          nHead: 4, nHeadKv: 2, headDim: 16, nFf: 128, ropeFreqBase: 10000, ropeFreqScale: 1, tiedEmbeddings: true,
          nLayerDevice: 0, deviceWeightBytes: 0, hostWeightBytes: fileBytes,
        },
        estimateKvBytes: (o) => (o.contextSize ?? 4096) * 1024,
        buildPrompt: (document, question) => {
          const documentTokens = tokenize(document);
          const questionTokens = tokenize(`Question: ${question} Answer:`);
          return { documentTokens, questionTokens, text: `${document}\nQuestion: ${question}\nAnswer:`, documentStart: 0, questionStart: document.length + 1 };
        },
        createContext: (o) => new ScriptedContext(o.contextSize ?? 4096),
        dispose: () => undefined,
      };
    },
  };
}
