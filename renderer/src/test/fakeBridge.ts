/**
 * An in-memory bridge for unit tests only (never e2e): each channel answers from a handler the test
 * supplies, and `emit` delivers events the way the real bridges do.
 */
import type { Channel, EventName, EventOf, Listener, RequestOf, ResponseOf } from '../contract';
import type { StoreBridge } from '../stores/bridgeTypes';

type Handlers = { [C in Channel]?: (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>> };

export interface FakeBridge extends StoreBridge {
  calls: { channel: Channel; request: unknown }[];
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  listenerCount(): number;
}

export class FakeIpcError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

export function fakeBridge(handlers: Handlers, opts: { pathForFile?: (f: File) => string } = {}): FakeBridge {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const calls: FakeBridge['calls'] = [];
  return {
    kind: 'web',
    pickFiles: null,
    pathForFile: opts.pathForFile ?? null,
    calls,
    async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      calls.push({ channel, request });
      const h = handlers[channel] as ((r: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>) | undefined;
      if (!h) throw new FakeIpcError('UNKNOWN_CHANNEL', `no fake handler for ${channel}`);
      return h(request);
    },
    on<E extends EventName>(event: E, listener: Listener<E>) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => { set.delete(l); };
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    listenerCount() {
      let n = 0;
      for (const s of listeners.values()) n += s.size;
      return n;
    },
  };
}
