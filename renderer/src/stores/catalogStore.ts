/**
 * "Get models": the catalog, each entry's fit on this machine at the current context, downloads and
 * their progress (from download.progress events), the access token (write-only from here), and the
 * fit of the selected model beside the context control.
 */
import { createStore } from 'zustand/vanilla';
import type { CatalogModel, DownloadStatus, FitAdvice, Unsubscribe } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

export interface CatalogState {
  models: CatalogModel[];
  endpoint: string | null;
  hasToken: boolean;
  /** By download id; the newest status of each. */
  downloads: Record<string, DownloadStatus>;
  /** Fit of each catalog entry, by catalog id, at `fitContext`. */
  fits: Record<string, FitAdvice>;
  fitContext: number | null;
  /** The selected model's fit (beside the context control). */
  modelFit: FitAdvice | null;
  error: FriendlyError | null;
  load(): Promise<void>;
  loadFits(contextSize: number, documentId: string | null): Promise<void>;
  loadModelFit(modelId: string, contextSize: number, presetId: string | null, documentId: string | null): Promise<void>;
  start(req: { catalogId: string } | { url: string }): Promise<void>;
  cancel(id: string): Promise<void>;
  setToken(token: string): Promise<void>;
  dismissError(): void;
  listen(): Unsubscribe;
}

/** The download of a catalog entry, if any (the newest when there were several). */
export function downloadOf(state: Pick<CatalogState, 'downloads'>, catalogId: string): DownloadStatus | null {
  return Object.values(state.downloads).filter((d) => d.catalogId === catalogId).at(-1) ?? null;
}

export const ACTIVE_STATES: readonly DownloadStatus['state'][] = ['checking', 'downloading', 'verifying'];

export function createCatalogStore(bridge: StoreBridge) {
  let modelFitSeq = 0;
  return createStore<CatalogState>()((set, get) => ({
    models: [],
    endpoint: null,
    hasToken: false,
    downloads: {},
    fits: {},
    fitContext: null,
    modelFit: null,
    error: null,
    async load() {
      try {
        const [list, downloads] = await Promise.all([bridge.invoke('catalog.list', {}), bridge.invoke('downloads.list', {})]);
        set({ models: list.models, endpoint: list.endpoint, hasToken: list.hasToken, downloads: Object.fromEntries(downloads.map((d) => [d.id, d])), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async loadFits(contextSize, documentId) {
      const fits: Record<string, FitAdvice> = {};
      await Promise.all(get().models.map(async (m) => {
        try {
          fits[m.id] = await bridge.invoke('models.fit', { catalogId: m.id, contextSize, ...(documentId ? { documentId } : {}) });
        } catch { /* an entry without advice shows its size only */ }
      }));
      set({ fits, fitContext: contextSize });
    },
    async loadModelFit(modelId, contextSize, presetId, documentId) {
      const seq = ++modelFitSeq;
      try {
        const fit = await bridge.invoke('models.fit', { modelId, contextSize, ...(presetId ? { presetId } : {}), ...(documentId ? { documentId } : {}) });
        if (seq === modelFitSeq) set({ modelFit: fit });
      } catch {
        // A model not loaded yet has no shape: no advice rather than an error beside the context control.
        if (seq === modelFitSeq) set({ modelFit: null });
      }
    },
    async start(req) {
      try {
        const s = await bridge.invoke('downloads.start', req);
        set((st) => ({ downloads: { ...st.downloads, [s.id]: s }, error: null }));
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async cancel(id) {
      try {
        await bridge.invoke('downloads.cancel', { id });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async setToken(token) {
      try {
        const r = await bridge.invoke('downloads.setToken', { token });
        set({ hasToken: r.hasToken, error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    dismissError() { set({ error: null }); },
    listen() {
      const offs = [
        bridge.on('download.progress', (s) => {
          set((st) => ({ downloads: { ...st.downloads, [s.id]: s } }));
          // A finished download is a new library model: the catalog shows it as downloaded.
          if (s.state === 'done') void get().load();
        }),
      ];
      return () => { for (const off of offs) off(); };
    },
  }));
}
export type CatalogStore = ReturnType<typeof createCatalogStore>;
