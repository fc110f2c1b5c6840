/**
 * The web mode's HTTP server (node:http only): serves the built renderer and the host API on
 * 127.0.0.1 behind a per-launch random token.
 *   POST /api/invoke/<channel>   JSON body = request; answers { ok: true, result } | { ok: false, error }
 *   GET  /api/events             Server-Sent Events: `data: {"event":…,"payload":…}`
 * The token arrives as `?token=` on the first page load (then an HttpOnly SameSite=Strict cookie),
 * or as an `X-Swaa-Token` header. The Host header must name the loopback address (DNS rebinding),
 * and a cross-origin Origin is refused.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { MAX_UPLOAD_BASE64_CHARS, settle, toIpcError, type AnyEvent, type IpcErrorShape, type Unsubscribe } from '../shared/contract.js';

export interface WebHost {
  invokeUnknown(channel: string, request: unknown): Promise<unknown>;
  onAny(listener: (e: AnyEvent) => void): Unsubscribe;
}

export interface WebServerOptions {
  host: WebHost;
  token: string;
  rendererDir: string;
  port?: number;
  /** Model files, or folders of them, that `models.add` may name (the app's models folder and paths
   * allowed at the terminal at launch). The browser cannot open any other server-side path. */
  modelPaths?: string[];
  /** Largest request body; default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

/** HTTP status of an error answer, by contract code: the client's fault is 4xx, ours 5xx. */
export function httpStatusFor(code: string): number {
  switch (code) {
    case 'INVALID_PAYLOAD': return 400;
    case 'NOT_SUPPORTED': return 403;
    case 'UNKNOWN_CHANNEL': case 'NOT_FOUND': case 'DOC_NOT_FOUND': case 'MODEL_NOT_FOUND': case 'PRESET_NOT_FOUND': return 404;
    case 'BUSY': case 'CANCELLED': return 409;
    case 'DOC_TOO_LARGE': return 413;
    case 'RUNTIME_UNAVAILABLE': case 'HOST_CRASHED': case 'HOST_UNAVAILABLE': case 'PRESETS_MISSING': return 503;
    case 'INTERNAL': case 'SWAA_ERR_INTERNAL': return 500;
    default:
      // The request was understood but its content cannot be used: a bad document or model file,
      // a recipe the runtime refuses, a prompt past the context.
      return code.startsWith('DOC_') || code.startsWith('MODEL_') || code.startsWith('SWAA_ERR_') ? 422 : 500;
  }
}

/** Thrown by readBody: the request body passed the limit. */
class BodyTooLargeError extends Error {
  readonly code = 'DOC_TOO_LARGE';
}

/** Largest request body: a browser upload (base64 of the document size limit) plus JSON framing. */
export const MAX_BODY_BYTES = MAX_UPLOAD_BASE64_CHARS + 64 * 1024;
/** SSE comment sent this often so proxies and browsers keep the stream open. */
export const SSE_HEARTBEAT_MS = 15_000;
export const TOKEN_HEADER = 'x-swaa-token';
const COOKIE = 'swaa_token';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.woff': 'font/woff', '.map': 'application/json', '.txt': 'text/plain; charset=utf-8',
};

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return null;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

const MISSING_RENDERER_PAGE = `<!doctype html><meta charset="utf-8"><title>SWAA Desk</title>
<body style="font:16px system-ui;margin:3em;max-width:40em">
<h1>SWAA Desk — the user interface is not built</h1>
<p>The engine and its API are running, but <code>renderer/dist</code> does not exist yet.</p>
<p>Build it with <code>npm run build:renderer</code>, then reload this page.</p>
<p>Meanwhile the terminal client works: <code>npm run ask -- --doc FILE --question "…"</code>.</p></body>`;

export class WebServer {
  readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private unsubscribe: Unsubscribe | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private port = 0;

  constructor(private readonly opts: WebServerOptions) {
    this.server = createServer((req, res) => { this.route(req, res).catch((e: unknown) => this.fail(res, e)); });
  }

  get url(): string { return `http://127.0.0.1:${this.port}/?token=${encodeURIComponent(this.opts.token)}`; }
  get origin(): string { return `http://127.0.0.1:${this.port}`; }

  async listen(): Promise<void> {
    await new Promise<void>((resolveListen, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port ?? 0, '127.0.0.1', () => resolveListen());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.unsubscribe = this.opts.host.onAny((e) => this.broadcast(e));
    this.heartbeat = setInterval(() => { for (const s of this.streams) s.write(': keep-alive\n\n'); }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.streams) s.end();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private broadcast(e: AnyEvent): void {
    const frame = `data: ${JSON.stringify(e)}\n\n`;
    for (const s of this.streams) s.write(frame);
  }

  private allowedHost(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${this.port}` || host === `localhost:${this.port}`;
  }

  private authorized(req: IncomingMessage, url: URL): boolean {
    const given = (req.headers[TOKEN_HEADER] as string | undefined) ?? url.searchParams.get('token') ?? cookieToken(req);
    return typeof given === 'string' && safeEqual(given, this.opts.token);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    securityHeaders(res);
    if (!this.allowedHost(req)) return sendJson(res, 421, { ok: false, error: { code: 'HOST_UNAVAILABLE', message: 'wrong Host header' } });
    let url: URL;
    try {
      url = new URL(req.url ?? '/', this.origin);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'INVALID_PAYLOAD', message: 'malformed URL' } });
    }
    const origin = req.headers.origin;
    if (origin && origin !== this.origin && origin !== `http://localhost:${this.port}`) {
      return sendJson(res, 403, { ok: false, error: { code: 'INVALID_PAYLOAD', message: 'cross-origin request refused' } });
    }
    if (!this.authorized(req, url)) {
      res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('SWAA Desk: open the URL printed by `npm run web` (it carries the access token).\n');
    }
    if (url.pathname.startsWith('/api/')) return this.api(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); return void res.end(); }
    if (url.searchParams.has('token')) {
      res.setHeader('Set-Cookie', `${COOKIE}=${this.opts.token}; HttpOnly; SameSite=Strict; Path=/`);
    }
    return this.serveStatic(url.pathname, res);
  }

  private async api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (url.pathname === '/api/events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
      res.write(': connected\n\n');
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return;
    }
    const m = /^\/api\/invoke\/([a-z]+\.[a-zA-Z]+)$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return sendJson(res, 404, { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no route ${req.method} ${url.pathname}` } });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return sendJson(res, 415, { ok: false, error: { code: 'INVALID_PAYLOAD', message: 'send application/json' } });
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, this.opts.maxBodyBytes ?? MAX_BODY_BYTES));
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        // Answer 413 and close; the rest of the body is read and discarded (readBody keeps
        // draining), so the client gets the answer instead of a reset connection.
        res.setHeader('Connection', 'close');
        return sendJson(res, 413, { ok: false, error: toIpcError(e) });
      }
      return sendJson(res, 400, { ok: false, error: { code: 'INVALID_PAYLOAD', message: 'the body is not JSON' } });
    }
    const channel = m[1]!;
    const refused = this.refusePaths(channel, body);
    if (refused) return sendJson(res, httpStatusFor(refused.code), { ok: false, error: refused });
    const answer = await settle(() => this.opts.host.invokeUnknown(channel, body));
    sendJson(res, answer.ok ? 200 : httpStatusFor(answer.error.code), answer);
  }

  /**
   * Web mode opens no server-side path a browser names: documents arrive only as uploads, and a
   * model only from `modelPaths`. An allowed model path is replaced by its real path (symlinks
   * and `..` resolved), so what the host opens is what was checked. Returns the refusal, if any.
   */
  private refusePaths(channel: string, body: unknown): IpcErrorShape | null {
    if (channel === 'documents.add') {
      return { code: 'NOT_SUPPORTED', message: 'in web mode documents are uploaded (documents.upload); server-side paths are not opened' };
    }
    if (channel !== 'models.add') return null;
    const path = (body as { path?: unknown } | null)?.path;
    if (typeof path !== 'string' || path === '') return null; // the host's schema check answers
    let real: string;
    try {
      real = realpathSync(resolve(path));
    } catch {
      return { code: 'NOT_SUPPORTED', message: 'in web mode models are opened only from the models folder or paths allowed at launch' };
    }
    const allowed = (this.opts.modelPaths ?? []).some((p) => {
      let root: string;
      try { root = realpathSync(resolve(p)); } catch { return false; }
      return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
    });
    if (!allowed) {
      return { code: 'NOT_SUPPORTED', message: 'in web mode models are opened only from the models folder or paths allowed at launch (npm run web -- --allow-model PATH)' };
    }
    (body as { path: string }).path = real;
    return null;
  }

  private serveStatic(pathname: string, res: ServerResponse): void {
    const root = resolve(this.opts.rendererDir);
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" });
      return void res.end(MISSING_RENDERER_PAGE);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return sendJson(res, 400, { ok: false, error: { code: 'INVALID_PAYLOAD', message: 'malformed URL' } });
    }
    let file = normalize(join(root, decoded));
    if (file !== root && !file.startsWith(root + sep)) { res.writeHead(403); return void res.end(); }
    if (!existsSync(file) || statSync(file).isDirectory()) file = index; // single-page app routes
    const type = MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = { 'Content-Type': type, 'Cache-Control': file === index ? 'no-store' : 'max-age=3600' };
    if (file === index) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (res.headersSent) { res.end(); return; }
    sendJson(res, 500, { ok: false, error: toIpcError(e) });
  }
}

/** The body as text, or BodyTooLargeError once it passes `limit` (by Content-Length or as it
 * arrives). Past the limit nothing more is kept, but the body is still read (and dropped) so the
 * 413 answer reaches the client. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const tooLarge = () => {
      over = true;
      chunks.length = 0;
      reject(new BodyTooLargeError(`the request is larger than ${limit} bytes`));
    };
    if (Number(req.headers['content-length']) > limit) tooLarge();
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) return tooLarge();
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
