/**
 * SwaaBridge for the browser (web mode): requests are validated with the contract's schemas and
 * POSTed to /api/invoke/<channel>; events arrive as Server-Sent Events read through fetch (so the
 * token travels in a header, never in a URL after the first load) and are validated before any
 * listener sees them. Reconnects after the server or the host restarts.
 * The renderer uses it when window.swaa (the Electron preload) is absent.
 */
import {
  IpcError, isSafeExternalUrl, openEnvelope, parseEvent, parseRequest,
  type AnyEvent, type Channel, type EventName, type EventOf, type Listener, type RequestOf, type ResponseOf, type SwaaBridge, type Unsubscribe,
} from '../shared/contract.js';
import { readSseData } from '../shared/sse.js';

export interface WebBridgeOptions {
  /** Default: the page's origin. */
  baseUrl?: string;
  /** Default: `?token=` of the page URL (then kept in sessionStorage and removed from the address bar). */
  token?: string;
  fetch?: typeof fetch;
  /** Delay before reconnecting the event stream (ms). */
  reconnectMs?: number;
}

export interface WebBridge extends SwaaBridge {
  /** Stops the event stream. */
  close(): void;
}

const TOKEN_KEY = 'swaa.token';
/** Reconnect delay of the event stream: short, the server is on this machine. */
const DEFAULT_RECONNECT_MS = 1000;

function tokenFromPage(): string {
  if (typeof window === 'undefined') return '';
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try { window.sessionStorage.setItem(TOKEN_KEY, fromUrl); } catch { /* storage disabled */ }
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.toString());
    return fromUrl;
  }
  try { return window.sessionStorage.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}

export function createWebBridge(options: WebBridgeOptions = {}): WebBridge {
  const base = (options.baseUrl ?? (typeof window !== 'undefined' ? window.location.origin : '')).replace(/\/$/, '');
  const token = options.token ?? tokenFromPage();
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const reconnectMs = options.reconnectMs ?? DEFAULT_RECONNECT_MS;
  const listeners = new Set<(e: AnyEvent) => void>();
  let stream: AbortController | null = null;
  let closed = false;

  const headers = { 'Content-Type': 'application/json', 'X-Swaa-Token': token };

  async function invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    parseRequest(channel, request); // refuse bad payloads before they leave the page
    let res: Response;
    try {
      res = await doFetch(`${base}/api/invoke/${channel}`, { method: 'POST', headers, body: JSON.stringify(request ?? {}), credentials: 'same-origin' });
    } catch (e) {
      throw new IpcError('HOST_UNAVAILABLE', `the SWAA Desk server is not reachable (${String(e)})`);
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      // A proxy or an older server may answer an oversized upload with a bare 413.
      if (res.status === 413) throw new IpcError('DOC_TOO_LARGE', 'the upload is larger than the server accepts');
      throw new IpcError('HOST_UNAVAILABLE', `unexpected answer from the server (HTTP ${res.status})`);
    }
    return openEnvelope(body, `the SWAA Desk server (HTTP ${res.status})`) as ResponseOf<C>;
  }

  function dispatch(raw: string): void {
    let data: unknown;
    try { data = JSON.parse(raw); } catch { return; }
    const e = parseEvent(data);
    if (!e) return;
    for (const l of listeners) {
      try { l(e); } catch { /* a listener's bug must not end the stream */ }
    }
  }

  async function readStream(): Promise<void> {
    while (!closed && listeners.size > 0) {
      stream = new AbortController();
      try {
        const res = await doFetch(`${base}/api/events`, { headers: { 'X-Swaa-Token': token, Accept: 'text/event-stream' }, signal: stream.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        await readSseData(res.body, dispatch);
      } catch {
        // fall through to reconnect
      }
      if (closed) return;
      await new Promise((r) => setTimeout(r, reconnectMs));
    }
    stream = null;
  }

  function onAny(listener: (e: AnyEvent) => void): Unsubscribe {
    listeners.add(listener);
    if (!stream && !closed) void readStream();
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) { stream?.abort(); stream = null; }
    };
  }

  return {
    kind: 'web',
    invoke,
    on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
      return onAny((e) => { if (e.event === event) listener(e.payload as EventOf<E>); });
    },
    pickFiles: null,
    pathForFile: null,
    async openExternal(url: string): Promise<void> {
      if (!isSafeExternalUrl(url)) throw new IpcError('NOT_SUPPORTED', 'only http(s) links can be opened');
      if (typeof window !== 'undefined') window.open(url, '_blank', 'noopener,noreferrer');
    },
    close(): void {
      closed = true;
      stream?.abort();
      listeners.clear();
    },
  };
}
