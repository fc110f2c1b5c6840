/** App facts (runtime, backend, threads), settings and the engine host's health. */
import { createStore } from 'zustand/vanilla';
import type { AppInfo, EventOf, Settings, Unsubscribe } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

export interface AppState {
  info: AppInfo | null;
  settings: Settings | null;
  host: EventOf<'host.status'> | null;
  error: FriendlyError | null;
  load(): Promise<void>;
  updateSettings(patch: Partial<Settings>): Promise<void>;
  /** Listens for host restarts and settings changes; returns the unsubscribe. */
  listen(): Unsubscribe;
}

export function createAppStore(bridge: StoreBridge) {
  return createStore<AppState>()((set, get) => ({
    info: null,
    settings: null,
    host: null,
    error: null,
    async load() {
      try {
        const [info, settings] = await Promise.all([
          bridge.invoke('app.info', {}),
          bridge.invoke('settings.get', {}),
        ]);
        set({ info, settings, error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async updateSettings(patch) {
      try {
        const settings = await bridge.invoke('settings.set', patch);
        set({ settings, error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    listen() {
      const offHost = bridge.on('host.status', (status) => {
        set({ host: status });
        // A restarted host may have another backend or thread count.
        if (status.state === 'restarted' || status.state === 'ready') void get().load();
      });
      const offLib = bridge.on('library.changed', ({ kind }) => {
        // The backend in use is known once a run has loaded the model.
        if (kind === 'settings' || kind === 'runs') void get().load();
      });
      return () => { offHost(); offLib(); };
    },
  }));
}
export type AppStore = ReturnType<typeof createAppStore>;
