/**
 * Model downloads: resumable, verified, cancellable, into the app's models folder.
 *
 *   {modelsDir}/.partial/{id}.part   the bytes so far (never registered as a model)
 *   {modelsDir}/.partial/{id}.json   sidecar: URL, server ETag, expected size and sha256
 *   {modelsDir}/{file}               the verified file, renamed into place in one step
 *
 * Hugging Face's resolve endpoint answers a file request with a redirect to its storage and, on that
 * redirect, X-Linked-Size and X-Linked-ETag (the LFS sha256). We ask the resolve URL without following
 * the redirect, so both are read from Hugging Face itself; then fetch the bytes from where it points,
 * with a Range header when a partial file exists. The token (HF_TOKEN or the stored one) goes only to
 * the resolve URL's origin, never to the storage host it redirects to, and never into a message.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, statfs } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { IpcError, toIpcError, type DownloadStatus } from '../../shared/contract.js';
import { findCatalogEntry, hfEndpoint, resolveUrl, type CatalogFile } from './catalog.js';

/** Progress events at most this often (ms) between state changes: enough for a smooth bar, not a flood. */
const PROGRESS_EVERY_MS = 250;
/** Speed is measured over this window (ms): long enough to smooth bursts, short enough to follow a change. */
const SPEED_WINDOW_MS = 5000;
/** Room kept free on the disk beyond the file itself (a full disk breaks more than this download). */
export const DISK_MARGIN_BYTES = 256 * 1024 * 1024;

const SidecarSchema = z.object({
  url: z.string(),
  etag: z.string().nullable(),
  expectedBytes: z.number().int().nonnegative().nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  verification: z.enum(['pinned', 'server', 'none']),
  file: z.string(),
  catalogId: z.string().nullable(),
});
type Sidecar = z.infer<typeof SidecarSchema>;

export type DownloadRequest = { catalogId: string } | { url: string };

export interface DownloadOptions {
  modelsDir: string;
  catalog: () => CatalogFile;
  /** The access token for gated repositories, or null. */
  token: () => string | null;
  /** Called with each status change and progress step. */
  onUpdate: (status: DownloadStatus) => void;
  /** Registers a verified file as a library model; returns its id. A failure removes the file. */
  register: (path: string) => Promise<string>;
  /** Base URL of Hugging Face (default: HF_ENDPOINT or huggingface.co). */
  endpoint?: () => string;
  /** Free bytes on the disk holding dir (default fs.statfs); tests inject a small number. */
  freeBytes?: (dir: string) => Promise<number>;
  fetch?: typeof fetch;
  now?: () => number;
}

interface Job {
  status: DownloadStatus;
  abort: AbortController;
  done: Promise<DownloadStatus>;
}

/** Strips W/ and quotes: `"abc"` → abc. */
function cleanEtag(v: string | null): string | null {
  if (!v) return null;
  return v.trim().replace(/^W\//, '').replace(/^"|"$/g, '') || null;
}

const isSha256 = (s: string | null): s is string => s !== null && /^[0-9a-f]{64}$/.test(s);

/** A Hugging Face page link (…/blob/REV/FILE) becomes its download link (…/resolve/REV/FILE). */
export function normalizeModelUrl(raw: string): URL {
  let u: URL;
  try { u = new URL(raw); } catch { throw new IpcError('INVALID_PAYLOAD', `not a URL: ${raw}`); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new IpcError('INVALID_PAYLOAD', 'only http(s) URLs can be downloaded');
  if (u.username || u.password) throw new IpcError('INVALID_PAYLOAD', 'put the access token in the token setting, not in the URL');
  u.pathname = u.pathname.replace(/^(\/[^/]+\/[^/]+)\/blob\//, '$1/resolve/');
  if (!/\.gguf$/i.test(decodeURIComponent(u.pathname))) throw new IpcError('INVALID_PAYLOAD', 'the URL must name a .gguf file');
  return u;
}

function fileNameOf(u: URL): string {
  const name = basename(decodeURIComponent(u.pathname)).replace(/[^A-Za-z0-9._-]/g, '_');
  return name.toLowerCase().endsWith('.gguf') ? name : `${name}.gguf`;
}

function downloadId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

function httpError(status: number, where: string, repo: string | null, sentToken: boolean): IpcError {
  if (status === 401 || status === 403) {
    const page = repo ? ` Open https://huggingface.co/${repo} in a browser, sign in and accept its licence,` : ' If it needs an account,';
    return new IpcError('DOWNLOAD_UNAUTHORIZED', sentToken
      ? `The server refused the access token (HTTP ${status}) for ${where}.${page} then check that the token (HF_TOKEN or Get models → Access token) has read access.`
      : `The server wants an account for ${where} (HTTP ${status}): the repository is gated or private.${page} create a read token at https://huggingface.co/settings/tokens and set it in Get models → Access token (or the HF_TOKEN environment variable).`);
  }
  if (status === 404) return new IpcError('DOWNLOAD_NOT_FOUND', `There is no such file on the server (HTTP 404): ${where}. Check the repository, revision and file name.`);
  return new IpcError('DOWNLOAD_FAILED', `The server answered HTTP ${status} for ${where}.`);
}

export class DownloadManager {
  private readonly jobs = new Map<string, Job>();
  private readonly partialDir: string;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly opts: DownloadOptions) {
    this.partialDir = join(opts.modelsDir, '.partial');
    mkdirSync(this.partialDir, { recursive: true });
    this.fetchFn = opts.fetch ?? fetch;
    this.now = opts.now ?? (() => performance.now());
  }

  get modelsDir(): string { return this.opts.modelsDir; }

  /** Running and finished downloads of this session, and partial files left by earlier ones ('paused'). */
  list(): DownloadStatus[] {
    const out = [...this.jobs.values()].map((j) => ({ ...j.status }));
    for (const f of readdirSync(this.partialDir)) {
      if (!f.endsWith('.json')) continue;
      const id = f.slice(0, -5);
      if (this.jobs.has(id)) continue;
      const side = this.readSidecar(id);
      if (!side) continue;
      out.push({
        id, catalogId: side.catalogId, url: side.url, file: side.file, state: 'paused', doneBytes: this.partSize(id),
        totalBytes: side.expectedBytes, bytesPerSecond: 0, etaSeconds: null, verification: side.verification, resumable: true,
        error: null, modelId: null,
      });
    }
    return out;
  }

  /** Starts (or resumes) a download; progress arrives through onUpdate. A running one is returned as is. */
  start(req: DownloadRequest): DownloadStatus {
    const target = this.target(req);
    const id = downloadId(target.url.toString());
    const running = this.jobs.get(id);
    if (running && ['checking', 'downloading', 'verifying'].includes(running.status.state)) return { ...running.status };
    const status: DownloadStatus = {
      id, catalogId: target.catalogId, url: target.url.toString(), file: target.file, state: 'checking', doneBytes: this.partSize(id),
      totalBytes: target.bytes, bytesPerSecond: 0, etaSeconds: null, verification: target.sha256 ? 'pinned' : 'none',
      resumable: false, error: null, modelId: null,
    };
    const abort = new AbortController();
    const job: Job = { status, abort, done: Promise.resolve(status) };
    this.jobs.set(id, job);
    job.done = this.run(job, target).then(() => ({ ...job.status }));
    this.emit(job);
    return { ...status };
  }

  /** Stops a download and removes its partial file: nothing is left behind. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (job && ['checking', 'downloading', 'verifying'].includes(job.status.state)) {
      job.abort.abort();
      return true;
    }
    if (existsSync(this.sidecarPath(id)) || existsSync(this.partPath(id))) {
      this.removePartial(id);
      if (job) { job.status = { ...job.status, state: 'cancelled', resumable: false, doneBytes: 0 }; this.emit(job); }
      return true;
    }
    return false;
  }

  /** Settles when the download ends (done, error or cancelled). */
  async wait(id: string): Promise<DownloadStatus> {
    const job = this.jobs.get(id);
    if (!job) throw new IpcError('NOT_FOUND', `no download ${id}`);
    return job.done;
  }

  dispose(): void {
    for (const j of this.jobs.values()) j.abort.abort();
  }

  // -- internals --------------------------------------------------------------------------------

  private target(req: DownloadRequest): { url: URL; file: string; catalogId: string | null; bytes: number | null; sha256: string | null; repo: string | null } {
    const endpoint = (this.opts.endpoint ?? (() => hfEndpoint()))();
    if ('catalogId' in req) {
      const e = findCatalogEntry(this.opts.catalog(), req.catalogId);
      return { url: new URL(resolveUrl(e, endpoint)), file: e.file, catalogId: e.id, bytes: e.bytes, sha256: e.sha256, repo: e.repo };
    }
    const url = normalizeModelUrl(req.url);
    const m = /^\/([^/]+\/[^/]+)\/resolve\//.exec(url.pathname);
    return { url, file: fileNameOf(url), catalogId: null, bytes: null, sha256: null, repo: m && url.origin === new URL(endpoint).origin ? m[1]! : null };
  }

  private partPath(id: string): string { return join(this.partialDir, `${id}.part`); }
  private sidecarPath(id: string): string { return join(this.partialDir, `${id}.json`); }
  private partSize(id: string): number { try { return statSync(this.partPath(id)).size; } catch { return 0; } }

  private readSidecar(id: string): Sidecar | null {
    try {
      const r = SidecarSchema.safeParse(JSON.parse(readFileSync(this.sidecarPath(id), 'utf8')));
      return r.success ? r.data : null;
    } catch { return null; }
  }

  private removePartial(id: string): void {
    rmSync(this.partPath(id), { force: true });
    rmSync(this.sidecarPath(id), { force: true });
  }

  private emit(job: Job): void {
    this.opts.onUpdate({ ...job.status });
  }

  private set(job: Job, patch: Partial<DownloadStatus>): void {
    job.status = { ...job.status, ...patch };
    this.emit(job);
  }

  private authHeaders(url: URL, resolveOrigin: string): Record<string, string> {
    const token = this.opts.token();
    return token && url.origin === resolveOrigin ? { Authorization: `Bearer ${token}` } : {};
  }

  private async freeBytes(dir: string): Promise<number> {
    if (this.opts.freeBytes) return this.opts.freeBytes(dir);
    const s = await statfs(dir);
    return Number(s.bavail) * Number(s.bsize);
  }

  private async run(job: Job, t: ReturnType<DownloadManager['target']>): Promise<void> {
    const id = job.status.id;
    const signal = job.abort.signal;
    const resolveOrigin = t.url.origin;
    const sentToken = this.opts.token() !== null;
    try {
      // 1. Ask the resolve URL without following its redirect: Hugging Face puts size and sha256 on it.
      const head = await this.fetchFn(t.url, { method: 'HEAD', redirect: 'manual', headers: this.authHeaders(t.url, resolveOrigin), signal });
      if (head.status >= 400) throw httpError(head.status, t.catalogId ? `${t.repo}/${t.file}` : t.url.toString(), t.repo, sentToken);
      const linkedSha = cleanEtag(head.headers.get('x-linked-etag'));
      const linkedSize = Number(head.headers.get('x-linked-size') ?? NaN);
      const etag = cleanEtag(head.headers.get('x-linked-etag') ?? head.headers.get('etag'));
      let fileUrl = t.url;
      if (head.status >= 300 && head.status < 400) {
        const loc = head.headers.get('location');
        if (!loc) throw new IpcError('DOWNLOAD_FAILED', `the server redirected ${t.url} without saying where`);
        fileUrl = new URL(loc, t.url);
      }
      const serverSha = isSha256(linkedSha) ? linkedSha : null;
      if (t.sha256 && serverSha && serverSha !== t.sha256) {
        throw new IpcError('DOWNLOAD_CHECKSUM', `the server's ${t.file} (sha256 ${serverSha.slice(0, 12)}…) is not the file the catalog pins ` +
          `(${t.sha256.slice(0, 12)}…); nothing was downloaded`);
      }
      const sha256 = t.sha256 ?? serverSha;
      const verification = t.sha256 ? 'pinned' : serverSha ? 'server' : 'none';
      const headSize = Number(head.headers.get('content-length') ?? NaN);
      const expected = t.bytes ?? (Number.isFinite(linkedSize) && linkedSize > 0 ? linkedSize
        : head.status < 300 && Number.isFinite(headSize) && headSize > 0 ? headSize : null);
      if (t.bytes !== null && Number.isFinite(linkedSize) && linkedSize > 0 && linkedSize !== t.bytes) {
        throw new IpcError('DOWNLOAD_CHECKSUM', `the server's ${t.file} has ${linkedSize} bytes, the catalog pins ${t.bytes}; nothing was downloaded`);
      }

      // 2. Resume only the same bytes: same URL, same server ETag, same expected size.
      const side = this.readSidecar(id);
      const sidecar: Sidecar = { url: t.url.toString(), etag, expectedBytes: expected, sha256, verification, file: t.file, catalogId: t.catalogId };
      if (!side || side.url !== sidecar.url || side.etag !== sidecar.etag || side.expectedBytes !== sidecar.expectedBytes) this.removePartial(id);
      let have = this.partSize(id);
      if (expected !== null && have > expected) { this.removePartial(id); have = 0; }
      writeFileSync(this.sidecarPath(id), JSON.stringify(sidecar));
      this.set(job, { totalBytes: expected, doneBytes: have, verification, resumable: true });

      // 3. Room on the disk for the rest of the file (and a margin), before a byte is fetched.
      if (expected !== null) {
        const free = await this.freeBytes(this.opts.modelsDir);
        const need = expected - have + DISK_MARGIN_BYTES;
        if (need > free) {
          throw new IpcError('DISK_FULL', `Not enough disk space for ${t.file}: it needs ${gb(expected - have)} more (plus ${gb(DISK_MARGIN_BYTES)} kept free) ` +
            `and ${gb(free)} is free in ${this.opts.modelsDir}. Free some space and start it again; the part already downloaded is kept.`);
        }
      }

      // 4. Hash what is already there, then fetch the rest.
      const hash = createHash('sha256');
      if (have > 0) for await (const chunk of createReadStream(this.partPath(id), { end: have - 1 })) hash.update(chunk as Buffer);
      const needBytes = expected === null || have < expected;
      if (needBytes) {
        const res = await this.fetchFn(fileUrl, {
          headers: { ...this.authHeaders(fileUrl, resolveOrigin), ...(have > 0 ? { Range: `bytes=${have}-` } : {}) }, signal,
        });
        if (res.status === 416 && have > 0) {
          // The server has no bytes past ours: the file is complete (checked below).
        } else if (res.status >= 400) {
          throw httpError(res.status, t.catalogId ? `${t.repo}/${t.file}` : t.url.toString(), t.repo, sentToken);
        } else {
          if (res.status === 200 && have > 0) {
            // The server ignored the Range: start again from the first byte.
            rmSync(this.partPath(id), { force: true });
            have = 0;
            hash.destroy();
            return await this.restartWithFreshHash(job, t, res, sidecar, signal);
          }
          await this.receive(job, res, hash, have, expected, signal);
        }
      }
      await this.finish(job, t, sidecar, hash);
    } catch (err) {
      this.fail(job, err, signal);
    }
  }

  private async restartWithFreshHash(job: Job, t: ReturnType<DownloadManager['target']>, res: Response, sidecar: Sidecar, signal: AbortSignal): Promise<void> {
    const hash = createHash('sha256');
    await this.receive(job, res, hash, 0, sidecar.expectedBytes, signal);
    await this.finish(job, t, sidecar, hash);
  }

  /** Appends the body to the .part file, hashing and reporting progress as it goes. */
  private async receive(job: Job, res: Response, hash: ReturnType<typeof createHash>, start: number, expected: number | null, signal: AbortSignal): Promise<void> {
    if (!res.body) throw new IpcError('DOWNLOAD_NETWORK', 'the server sent no data');
    const fh = await open(this.partPath(job.status.id), 'a');
    let done = start;
    const samples: { t: number; bytes: number }[] = [{ t: this.now(), bytes: done }];
    let lastEmit = 0;
    this.set(job, { state: 'downloading', doneBytes: done });
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        if (signal.aborted) break;
        try {
          await fh.write(chunk);
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (code === 'ENOSPC' || code === 'EDQUOT') {
            throw new IpcError('DISK_FULL', `The disk filled up while writing ${job.status.file}. Free some space and start it again; the part already downloaded is kept.`);
          }
          throw err;
        }
        hash.update(chunk);
        done += chunk.byteLength;
        const now = this.now();
        samples.push({ t: now, bytes: done });
        while (samples.length > 2 && now - samples[0]!.t > SPEED_WINDOW_MS) samples.shift();
        if (now - lastEmit >= PROGRESS_EVERY_MS) {
          lastEmit = now;
          const first = samples[0]!;
          const bps = now > first.t ? ((done - first.bytes) * 1000) / (now - first.t) : 0;
          const eta = expected !== null && bps > 0 ? (expected - done) / bps : null;
          this.set(job, { doneBytes: done, bytesPerSecond: bps, etaSeconds: eta });
        }
      }
    } finally {
      await fh.close();
    }
    if (signal.aborted) throw new IpcError('CANCELLED', 'cancelled');
    if (expected !== null && done < expected) {
      throw new IpcError('DOWNLOAD_NETWORK', `The connection ended after ${gb(done)} of ${gb(expected)}. Start it again to resume from there.`);
    }
    this.set(job, { doneBytes: done, bytesPerSecond: 0, etaSeconds: 0 });
  }

  /** Size and sha256 checked, then one rename into the models folder, then the library. */
  private async finish(job: Job, t: ReturnType<DownloadManager['target']>, sidecar: Sidecar, hash: ReturnType<typeof createHash>): Promise<void> {
    const id = job.status.id;
    this.set(job, { state: 'verifying' });
    const size = this.partSize(id);
    if (sidecar.expectedBytes !== null && size !== sidecar.expectedBytes) {
      this.removePartial(id);
      throw new IpcError('DOWNLOAD_CHECKSUM', `${t.file} has ${size} bytes, expected ${sidecar.expectedBytes}; the download was removed`);
    }
    const digest = hash.digest('hex');
    if (sidecar.sha256 && digest !== sidecar.sha256) {
      this.removePartial(id);
      throw new IpcError('DOWNLOAD_CHECKSUM', `${t.file} does not match its sha256 (got ${digest.slice(0, 12)}…, expected ${sidecar.sha256.slice(0, 12)}…): ` +
        'the file was damaged or replaced on the way, and was removed. Start it again to download it afresh.');
    }
    const final = join(this.opts.modelsDir, t.file);
    renameSync(this.partPath(id), final);
    rmSync(this.sidecarPath(id), { force: true });
    let modelId: string;
    try {
      modelId = await this.opts.register(final);
    } catch (err) {
      rmSync(final, { force: true });
      throw err;
    }
    this.set(job, { state: 'done', doneBytes: size, totalBytes: size, resumable: false, modelId, bytesPerSecond: 0, etaSeconds: 0 });
  }

  private fail(job: Job, err: unknown, signal: AbortSignal): void {
    if (signal.aborted) {
      this.removePartial(job.status.id);
      this.set(job, { state: 'cancelled', resumable: false, doneBytes: 0, bytesPerSecond: 0, etaSeconds: null });
      return;
    }
    let e = toIpcError(err);
    if (e.code === 'INTERNAL' && err instanceof TypeError) {
      // fetch() failing outright (DNS, refused, reset): the network, not the file.
      e = { code: 'DOWNLOAD_NETWORK', message: `The network failed while fetching ${job.status.file} (${(err.cause as Error | undefined)?.message ?? err.message}). ` +
        'Check the connection and start it again; it resumes where it stopped.' };
    } else if (e.code === 'INTERNAL') {
      e = { code: 'DOWNLOAD_NETWORK', message: `The download of ${job.status.file} stopped: ${e.message}. Start it again to resume.` };
    }
    const resumable = existsSync(this.sidecarPath(job.status.id));
    this.set(job, { state: 'error', error: e, resumable, doneBytes: this.partSize(job.status.id), bytesPerSecond: 0, etaSeconds: null });
  }
}

function gb(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}
