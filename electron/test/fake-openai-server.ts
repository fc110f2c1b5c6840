/**
 * A fake OpenAI-compatible server for the remote-engine tests: GET /v1/models and a streamed
 * POST /v1/chat/completions in llama-server's shape (delta chunks, then a finish chunk with
 * `timings` and `usage`, then [DONE]). What it does per request is scripted (`mode`), and it records
 * each request's body and whether the client closed the connection before the answer ended, so a
 * test can see that a cancel reached the server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode =
  /** Streams `pieces`, then finishes (stop) with timings and usage. */
  | 'answer'
  /** Streams `pieces`, then keeps the connection open and sends nothing more (cancel, timeout mid-answer). */
  | 'stall-after-pieces'
  /** Never sends headers (timeout before the answer). */
  | 'hang'
  /** Streams `pieces`, then destroys the socket (a server that dies mid-answer). */
  | 'drop-after-pieces';

export interface SeenRequest {
  body: Record<string, unknown>;
  authorization: string | null;
  /** True when the client closed the connection before the server ended the answer. */
  closedByClient: boolean;
}

export interface FakeServer {
  url: string;
  port: number;
  mode: FakeMode;
  pieces: string[];
  /** Bearer key the server wants (null: any). */
  key: string | null;
  owner: string;
  models: string[];
  seen: SeenRequest[];
  /** Resolves when the client has closed the connection of request i. */
  clientClosed(i: number): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_TIMINGS = { prompt_n: 57, prompt_ms: 12.5, predicted_n: 3, predicted_ms: 6, cache_n: 0 };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { s += c; });
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });
}

export async function startFakeServer(init: Partial<Pick<FakeServer, 'mode' | 'pieces' | 'key' | 'owner' | 'models'>> = {}): Promise<FakeServer> {
  const closedWaiters = new Map<number, () => void>();
  const closed = new Set<number>();
  const sockets = new Set<import('node:net').Socket>();
  const state: Omit<FakeServer, 'url' | 'port' | 'clientClosed' | 'close'> = {
    mode: init.mode ?? 'answer', pieces: init.pieces ?? ['The code', ' is', ' 4812.'], key: init.key ?? null,
    owner: init.owner ?? 'llamacpp', models: init.models ?? ['demo'], seen: [],
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization ?? null;
    if (state.key !== null && auth !== `Bearer ${state.key}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Invalid API Key', type: 'authentication_error' } }));
      return;
    }
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: state.models.map((id) => ({ id, object: 'model', owned_by: state.owner })) }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const i = state.seen.length;
    const seen: SeenRequest = { body, authorization: auth, closedByClient: false };
    state.seen.push(seen);
    let ended = false;
    res.on('close', () => {
      if (ended) return;
      seen.closedByClient = true;
      closed.add(i);
      closedWaiters.get(i)?.();
    });
    if (state.mode === 'hang') return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (o: unknown) => res.write(`data: ${typeof o === 'string' ? o : JSON.stringify(o)}\n\n`);
    for (const p of state.pieces) send({ choices: [{ index: 0, delta: { content: p }, finish_reason: null }], object: 'chat.completion.chunk' });
    if (state.mode === 'stall-after-pieces') return;
    // Destroyed once the pieces are flushed (destroying at once would discard them unsent).
    if (state.mode === 'drop-after-pieces') { res.write(': bye\n\n', () => req.socket.destroy()); return; }
    send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], timings: FAKE_TIMINGS,
      usage: { prompt_tokens: FAKE_TIMINGS.prompt_n, completion_tokens: FAKE_TIMINGS.predicted_n, total_tokens: 60 } });
    send('[DONE]');
    ended = true;
    res.end();
  };
  const server: Server = createServer((req, res) => { void handle(req, res); });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    port,
    clientClosed: (i: number) => (closed.has(i) ? Promise.resolve() : new Promise<void>((r) => closedWaiters.set(i, r))),
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  });
}
