/**
 * A local HTTP server that answers like Hugging Face's resolve endpoint, for download tests without
 * the internet:
 *   HEAD|GET /{owner}/{repo}/resolve/{revision}/{file}
 *       → 302 to /cdn/{file}, with X-Linked-Size, X-Linked-ETag ("sha256") and X-Repo-Commit, as HF sends
 *         for LFS files; 401 without the right token on a gated repo; 404 for an unknown file
 *   GET /cdn/{file}  → 200 or 206 (Range: bytes=N-) with ETag and Content-Range, on a second server
 *                      (another origin, as HF's storage is another host: a token must not follow there)
 * Knobs: a file may be gated, may send bytes that do not match its advertised sha256, and may drop the
 * connection after N bytes (once), like a lost network.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  repo: string;
  file: string;
  bytes: Buffer;
  /** Needs `Authorization: Bearer {token}` on the resolve URL. */
  token?: string;
  /** Send these bytes instead (the advertised size and sha256 stay those of `bytes`). */
  corruptWith?: Buffer;
  /** Close the connection after this many body bytes, the first time only. */
  dropAfterBytes?: number;
  /** Send the body in pieces with pauses, so a person (or an e2e test) can watch the progress. */
  throttle?: { chunkBytes: number; pauseMs: number };
}

export interface FakeHf {
  url: string;
  /** Requests seen, in order: method, path, whether Authorization came along, the Range header. */
  log: { method: string; path: string; auth: boolean; range: string | null }[];
  close(): Promise<void>;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export async function startFakeHf(files: FakeFile[]): Promise<FakeHf> {
  const log: FakeHf['log'] = [];
  const dropped = new Set<string>();
  let cdnOrigin = '';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    log.push({ method: req.method ?? '', path, auth: req.headers.authorization !== undefined, range: req.headers.range ?? null });
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) {
      const f = files.find((x) => x.repo === resolve[1] && x.file === resolve[3]);
      if (!f) { res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('Entry not found'); return; }
      if (f.token && req.headers.authorization !== `Bearer ${f.token}`) {
        res.writeHead(401, { 'X-Error-Code': 'GatedRepo' }).end('Access to this model is restricted.');
        return;
      }
      const sha = sha256Hex(f.bytes);
      res.writeHead(302, {
        Location: `${cdnOrigin}/cdn/${encodeURIComponent(f.file)}`, 'X-Linked-Size': String(f.bytes.length), 'X-Linked-ETag': `"${sha}"`,
        'X-Repo-Commit': resolve[2]!, ETag: `"${sha.slice(0, 40)}"`,
      }).end();
      return;
    }
    const cdn = /^\/cdn\/(.+)$/.exec(path);
    const f = cdn ? files.find((x) => x.file === cdn[1]) : undefined;
    if (!f) { res.writeHead(404).end(); return; }
    const body = f.corruptWith ?? f.bytes;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= body.length && m) { res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end(); return; }
    const part = body.subarray(start);
    res.writeHead(m ? 206 : 200, {
      'Content-Length': String(part.length), 'Accept-Ranges': 'bytes', ETag: `"${sha256Hex(f.bytes)}"`,
      ...(m ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') { res.end(); return; }
    if (f.dropAfterBytes !== undefined && !dropped.has(f.file)) {
      dropped.add(f.file);
      res.write(part.subarray(0, f.dropAfterBytes), () => res.destroy());
      return;
    }
    if (f.throttle) {
      const { chunkBytes, pauseMs } = f.throttle;
      let at = 0;
      const next = () => {
        if (res.destroyed) return;
        if (at >= part.length) { res.end(); return; }
        res.write(part.subarray(at, at + chunkBytes));
        at += chunkBytes;
        setTimeout(next, pauseMs);
      };
      next();
      return;
    }
    res.end(part);
  };
  const servers: Server[] = [createServer(handler), createServer(handler)];
  for (const srv of servers) await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const [api, cdn] = servers.map((srv) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}`);
  cdnOrigin = cdn!;
  return {
    url: api!,
    log,
    close: async () => {
      for (const srv of servers) await new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); });
    },
  };
}
