/**
 * The client side of a remote engine: an OpenAI-compatible server (llama.cpp's llama-server, vLLM).
 * Lists its models (GET /v1/models) and streams one chat completion (POST /v1/chat/completions,
 * `stream: true`, Server-Sent Events). Cancelling aborts the fetch: the connection closes, which is
 * how both servers learn to stop generating. Everything the server sends is validated (zod) before
 * it is used, and every failure becomes an IpcError whose message says what to do.
 */
import { z } from 'zod';
import { IpcError } from '../../shared/contract.js';
import { readSseData } from '../../shared/sse.js';
import type { RemoteKind } from '../../shared/engines.js';

export interface RemoteEndpoint {
  /** Normalised base URL (normalizeBaseUrl). */
  baseUrl: string;
  apiKey: string | null;
  /** Longest silence (no header, no chunk) before the request fails with REMOTE_TIMEOUT. */
  timeoutMs: number;
}

/** "http://h:8080/v1/" → "http://h:8080": entries store one spelling, requests add /v1 themselves. */
export function normalizeBaseUrl(url: string): string {
  const u = new URL(url);
  let path = u.pathname.replace(/\/+$/, '');
  if (path.endsWith('/v1')) path = path.slice(0, -3);
  return `${u.protocol}//${u.host}${path}`;
}

/** host:port for labels ("remote: 127.0.0.1:8080"). */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}

const ModelsSchema = z.object({
  data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() })),
});

const ErrorBodySchema = z.object({
  error: z.union([z.string(), z.object({ message: z.string() })]),
});

const TimingsSchema = z.object({
  prompt_n: z.number(), prompt_ms: z.number(), predicted_n: z.number(), predicted_ms: z.number(), cache_n: z.number(),
}).partial();

const UsageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial();

const ChunkSchema = z.object({
  choices: z.array(z.object({
    delta: z.object({ content: z.string().nullable().optional() }).optional(),
    finish_reason: z.string().nullable().optional(),
  })).optional(),
  usage: UsageSchema.nullable().optional(),
  timings: TimingsSchema.optional(),
  error: z.unknown().optional(),
});

export type RemoteTimings = z.infer<typeof TimingsSchema>;
export type RemoteUsage = z.infer<typeof UsageSchema>;

/** Why the request's own controller was aborted: the person (cancel) or our silence timer. */
type AbortCause = 'cancelled' | 'timeout';

/** Runs `fetch` with the endpoint's key and a silence timer that restarts on every `touch()`. */
class RemoteRequest {
  readonly controller = new AbortController();
  cause: AbortCause | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly onOuterAbort = () => this.abort('cancelled');

  constructor(private readonly ep: RemoteEndpoint, private readonly outer?: AbortSignal) {
    if (outer?.aborted) this.abort('cancelled');
    outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    this.touch();
  }

  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.abort('timeout'), this.ep.timeoutMs);
  }

  abort(cause: AbortCause): void {
    if (this.cause) return;
    this.cause = cause;
    this.controller.abort();
  }

  done(): void {
    if (this.timer) clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  async fetch(path: string, init: { method: 'GET' | 'POST'; body?: unknown }): Promise<Response> {
    const headers: Record<string, string> = { accept: init.body === undefined ? 'application/json' : 'text/event-stream' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (this.ep.apiKey) headers.authorization = `Bearer ${this.ep.apiKey}`;
    let res: Response;
    try {
      res = await fetch(`${this.ep.baseUrl}${path}`, {
        method: init.method, headers, signal: this.controller.signal,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (err) {
      throw this.failure(err);
    }
    this.touch();
    if (!res.ok) throw await httpError(res, this.ep.baseUrl);
    return res;
  }

  /** Any error of a request as the IpcError a person can act on. */
  failure(err: unknown): IpcError {
    if (err instanceof IpcError) return err;
    if (this.cause === 'cancelled') return new IpcError('CANCELLED', 'cancelled');
    if (this.cause === 'timeout') {
      return new IpcError('REMOTE_TIMEOUT', `${this.ep.baseUrl} sent nothing for ${Math.round(this.ep.timeoutMs / 100) / 10} s; ` +
        'the server may be overloaded, or the timeout too short for this prompt');
    }
    const code = networkCode(err);
    if (!this.started && code !== null && ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
      return new IpcError('REMOTE_UNREACHABLE', `cannot reach ${this.ep.baseUrl} (${code}): is the server running at that address?`);
    }
    const why = code ?? (err instanceof Error ? err.message : String(err));
    return new IpcError(this.started ? 'REMOTE_FAILED' : 'REMOTE_UNREACHABLE',
      this.started ? `${this.ep.baseUrl} closed the connection mid-answer (${why})` : `cannot reach ${this.ep.baseUrl} (${why})`);
  }

  /** True once the server's answer began (a later network error is a broken stream, not an absent server). */
  started = false;
}

function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

async function httpError(res: Response, baseUrl: string): Promise<IpcError> {
  const text = await res.text().catch(() => '');
  let detail = text.slice(0, 300);
  try {
    const body = ErrorBodySchema.safeParse(JSON.parse(text));
    if (body.success) detail = typeof body.data.error === 'string' ? body.data.error : body.data.error.message;
  } catch { /* not JSON: keep the text */ }
  if (res.status === 401 || res.status === 403) {
    return new IpcError('REMOTE_UNAUTHORIZED', `${baseUrl} refused the API key (HTTP ${res.status}${detail ? `: ${detail}` : ''}); check the key of this server`);
  }
  return new IpcError('REMOTE_FAILED', `${baseUrl} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
}

/** The server's models and what kind of server it looks like (from `owned_by`). */
export async function listRemoteModels(ep: RemoteEndpoint, signal?: AbortSignal): Promise<{ models: string[]; kind: RemoteKind }> {
  const req = new RemoteRequest(ep, signal);
  try {
    const res = await req.fetch('/v1/models', { method: 'GET' });
    const body = ModelsSchema.safeParse(await res.json().catch(() => null));
    if (!body.success) throw new IpcError('REMOTE_FAILED', `${ep.baseUrl}/v1/models is not an OpenAI-compatible model list`);
    const owners = new Set(body.data.data.map((m) => m.owned_by ?? ''));
    const kind: RemoteKind = owners.has('llamacpp') ? 'llama-server' : owners.has('vllm') ? 'vllm' : 'openai';
    return { models: body.data.data.map((m) => m.id), kind };
  } catch (err) {
    throw req.failure(err);
  } finally {
    req.done();
  }
}

export interface ChatRequest {
  model: string;
  /** The one user message (native/addon/prompt.ts qaUserMessage): the server applies its own template. */
  message: string;
  maxTokens: number;
  /** OpenAI + server-specific sampling fields (temperature, top_p, seed, …). */
  sampling: Record<string, number>;
  /** Extra top-level fields (the SWAA recipe for a patched vLLM). */
  extra?: Record<string, unknown>;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export interface ChatReport {
  answer: string;
  /** 'cancelled' when the signal stopped it after the answer began. */
  stopReason: 'eog' | 'maxTokens' | 'cancelled';
  /** Content chunks received (a lower bound on tokens when the server reports no counts). */
  chunks: number;
  timings: RemoteTimings | null;
  usage: RemoteUsage | null;
  /** Client-side, network included. */
  timeToFirstTokenMs: number | null;
  totalMs: number;
}

/** The request body of one streamed chat completion. */
export function chatBody(req: ChatRequest): Record<string, unknown> {
  return {
    ...req.extra,
    model: req.model,
    messages: [{ role: 'user', content: req.message }],
    stream: true,
    // Token counts in the last chunk (vLLM, OpenAI); llama-server also sends `timings`.
    stream_options: { include_usage: true },
    max_tokens: req.maxTokens,
    ...req.sampling,
  };
}

/** Streams one chat completion; resolves with the whole answer, rejects with an IpcError. */
export async function streamChat(ep: RemoteEndpoint, req: ChatRequest): Promise<ChatReport> {
  const t0 = performance.now();
  const r = new RemoteRequest(ep, req.signal);
  let answer = '';
  let chunks = 0;
  let finish: string | null = null;
  let timings: RemoteTimings | null = null;
  let usage: RemoteUsage | null = null;
  let tFirst: number | null = null;
  let ended = false;
  try {
    const res = await r.fetch('/v1/chat/completions', { method: 'POST', body: chatBody(req) });
    r.started = true;
    if (!res.body) throw new IpcError('REMOTE_FAILED', `${ep.baseUrl} sent no body`);
    await readSseData(res.body, (data) => {
      r.touch();
      if (ended) return;
      if (data.trim() === '[DONE]') { ended = true; return; }
      let json: unknown;
      try { json = JSON.parse(data); } catch { throw new IpcError('REMOTE_FAILED', `${ep.baseUrl} streamed something that is not JSON`); }
      const chunk = ChunkSchema.safeParse(json);
      if (!chunk.success) throw new IpcError('REMOTE_FAILED', `${ep.baseUrl} streamed a chunk that is not a chat completion`);
      if (chunk.data.error !== undefined) {
        const e = ErrorBodySchema.safeParse(chunk.data);
        throw new IpcError('REMOTE_FAILED', `${ep.baseUrl}: ${e.success ? (typeof e.data.error === 'string' ? e.data.error : e.data.error.message) : 'error mid-answer'}`);
      }
      if (chunk.data.timings) timings = chunk.data.timings;
      if (chunk.data.usage) usage = chunk.data.usage;
      for (const c of chunk.data.choices ?? []) {
        const text = c.delta?.content;
        if (text) {
          if (tFirst === null) tFirst = performance.now() - t0;
          answer += text;
          chunks++;
          req.onText?.(text);
        }
        if (c.finish_reason) finish = c.finish_reason;
      }
    });
    if (!ended && finish === null) {
      // The body ended without [DONE] or a finish reason: the server went away mid-answer.
      throw new IpcError('REMOTE_FAILED', `${ep.baseUrl} closed the connection mid-answer`);
    }
  } catch (err) {
    const e = r.failure(err);
    // Whatever failed here, the connection is closed now, so the server stops generating too.
    r.controller.abort();
    // A cancel once the answer began is a normal end: the partial answer and its numbers are kept.
    if (e.code === 'CANCELLED' && r.started) {
      return { answer, stopReason: 'cancelled', chunks, timings, usage, timeToFirstTokenMs: tFirst, totalMs: performance.now() - t0 };
    }
    throw Object.assign(e, { partialAnswer: answer });
  } finally {
    r.done();
  }
  return { answer, stopReason: finish === 'length' ? 'maxTokens' : 'eog', chunks, timings, usage, timeToFirstTokenMs: tFirst, totalMs: performance.now() - t0 };
}
