/**
 * The preload: exposes `window.swaa` (SwaaBridge) through contextBridge. Sandboxed, so it is
 * bundled to one CommonJS file (build-preload.mjs). It validates every request with the contract's
 * schemas before sending, and every event before handing it on; the renderer never sees ipcRenderer.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, ELECTRON_OPEN_EXTERNAL_CHANNEL, ELECTRON_PICK_CHANNEL,
  IpcError, isSafeExternalUrl, openEnvelope, parseEvent, parseRequest,
  type AnyEvent, type Channel, type EventName, type EventOf, type Listener, type RequestOf, type ResponseOf, type SwaaBridge, type Unsubscribe,
} from '../shared/contract.js';

const listeners = new Set<(e: AnyEvent) => void>();
ipcRenderer.on(ELECTRON_EVENT_CHANNEL, (_e, raw: unknown) => {
  const ev = parseEvent(raw);
  if (!ev) return;
  for (const l of listeners) {
    try { l(ev); } catch { /* a listener's bug must not stop the others */ }
  }
});

const bridge: SwaaBridge = {
  kind: 'electron',
  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    parseRequest(channel, request);
    return openEnvelope(await ipcRenderer.invoke(ELECTRON_INVOKE_CHANNEL, channel, request), 'the main process') as ResponseOf<C>;
  },
  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    const l = (e: AnyEvent) => { if (e.event === event) listener(e.payload as EventOf<E>); };
    listeners.add(l);
    return () => { listeners.delete(l); };
  },
  pickFiles: async (kind) => {
    const paths = await ipcRenderer.invoke(ELECTRON_PICK_CHANNEL, kind) as unknown;
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
  },
  pathForFile: (file) => {
    const path = webUtils.getPathForFile(file);
    if (path) ipcRenderer.send('swaa:user-path', path);
    return path;
  },
  async openExternal(url: string): Promise<void> {
    if (!isSafeExternalUrl(url)) throw new IpcError('NOT_SUPPORTED', 'only http(s) links can be opened');
    await ipcRenderer.invoke(ELECTRON_OPEN_EXTERNAL_CHANNEL, url);
  },
};

contextBridge.exposeInMainWorld('swaa', bridge);
