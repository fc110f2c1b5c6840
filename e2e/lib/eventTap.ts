/**
 * A second listener on the web server's event stream (/api/events), from the test process: it sees
 * every event the page sees, one server frame at a time, so streaming can be checked where it
 * happens (one `run.token` event per generated token, all before `run.done`) instead of through
 * the DOM, where React rightly folds tokens that arrive within one frame into a single render.
 */
import { parseEvent, type AnyEvent } from '../../electron/shared/contract.js';
import { readSseData } from '../../electron/shared/sse.js';

export interface EventTap {
  /** Events in arrival order (validated against the contract; anything else lands in `invalid`). */
  events: AnyEvent[];
  invalid: string[];
  stop(): void;
}

export async function tapEvents(serverUrl: string): Promise<EventTap> {
  const url = new URL(serverUrl);
  const token = url.searchParams.get('token');
  if (!token) throw new Error(`the web server URL carries no access token: ${serverUrl}`);
  const abort = new AbortController();
  const res = await fetch(`${url.origin}/api/events`, {
    headers: { 'X-Swaa-Token': token, Accept: 'text/event-stream' }, signal: abort.signal,
  });
  if (!res.ok || !res.body) throw new Error(`event stream: HTTP ${res.status}`);
  const events: AnyEvent[] = [];
  const invalid: string[] = [];
  readSseData(res.body, (data) => {
    let e: AnyEvent | null = null;
    try { e = parseEvent(JSON.parse(data)); } catch { /* not JSON: recorded below */ }
    if (e) events.push(e); else invalid.push(data.slice(0, 200));
  }).catch((err: unknown) => {
    if (!abort.signal.aborted) invalid.push(`stream ended: ${(err as Error).message}`);
  });
  return { events, invalid, stop: () => abort.abort() };
}
