/**
 * Security policy of the Electron shell as pure functions (tested in plain Node): which URLs the
 * window may show, the renderer's CSP, which paths the renderer may ask the host to open.
 */
import { isSafeExternalUrl } from '../shared/contract.js';

/** The renderer is served from this privileged scheme (not file://, which would expose the disk). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'swaa';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** No inline script, no eval, no remote code; connect only to ourselves. */
export const RENDERER_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'", "frame-src 'none'", "worker-src 'self'",
].join('; ');

/** True for URLs the app window may load: our scheme, or the dev server when one is configured. */
export function isAppUrl(url: string, devServerUrl: string | null = null): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST) return true;
    if (devServerUrl) {
      const d = new URL(devServerUrl);
      return u.origin === d.origin;
    }
    return false;
  } catch {
    return false;
  }
}

/** What to do with a link the renderer tried to open or navigate to. */
export function linkDecision(url: string, devServerUrl: string | null = null): 'allow-in-app' | 'open-external' | 'deny' {
  if (isAppUrl(url, devServerUrl)) return 'allow-in-app';
  return isSafeExternalUrl(url) ? 'open-external' : 'deny';
}

/**
 * Paths the renderer may ask the host to open: only those the user chose in a dialog or dropped
 * (the preload registers a drop through webUtils.getPathForFile, which only knows real user files).
 */
export class UserPathPolicy {
  private readonly allowed = new Set<string>();

  allow(path: string): void {
    if (path) this.allowed.add(path);
  }

  /** Throws unless every path in the request was chosen by the user. */
  check(channel: string, payload: unknown): void {
    if (channel !== 'documents.add' && channel !== 'models.add') return;
    const path = (payload as { path?: unknown } | null)?.path;
    if (typeof path !== 'string' || !this.allowed.has(path)) {
      throw Object.assign(new Error('only files you chose (open dialog or drag and drop) can be opened'), { code: 'NOT_SUPPORTED' });
    }
  }
}

/** Maps a request path of app://swaa/… to a file below root, or null when it would escape root. */
export function resolveAppPath(root: string, pathname: string, sep = '/'): string | null {
  let decoded: string;
  try { decoded = decodeURIComponent(pathname); } catch { return null; }
  const parts: string[] = [];
  for (const seg of decoded.split(/[\\/]+/)) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' || seg.includes('\0') || /^[a-zA-Z]:$/.test(seg)) return null;
    parts.push(seg);
  }
  const rel = parts.length ? parts.join(sep) : 'index.html';
  return `${root.replace(/[\\/]+$/, '')}${sep}${rel}`;
}
