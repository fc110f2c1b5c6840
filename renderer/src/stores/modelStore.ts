/**
 * Models: the list, the selected one, adding one (dropped .gguf or a typed path) and the memory
 * estimate for the chosen context and recipe.
 */
import { createStore } from 'zustand/vanilla';
import type { MemoryEstimate, ModelSummary, Recipe, Unsubscribe } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';
import type { DroppedFile } from './libraryStore';

/** What the estimate is for: a preset by id, or an explicit recipe. */
export type RecipeChoice = { presetId: string } | { recipe: Recipe };

export interface ModelState {
  models: ModelSummary[];
  adding: boolean;
  error: FriendlyError | null;
  estimate: MemoryEstimate | null;
  estimateError: FriendlyError | null;
  refresh(): Promise<void>;
  select(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  addPath(path: string): Promise<void>;
  /** A dropped .gguf: needs its path on disk, which only the desktop app can give. */
  addFile(file: DroppedFile): Promise<void>;
  loadEstimate(modelId: string, contextSize: number, choice: RecipeChoice): Promise<void>;
  dismissError(): void;
  listen(): Unsubscribe;
}

/** Said when a .gguf is dropped into the browser: a model is gigabytes and is opened in place. */
export const BROWSER_MODEL_DROP =
  'In the browser a model cannot be opened by dropping it. Type its path under “Add a model by path”.';

export function selectedModel(models: readonly ModelSummary[]): ModelSummary | null {
  return models.find((m) => m.selected) ?? null;
}

export function createModelStore(bridge: StoreBridge) {
  let estimateSeq = 0;
  return createStore<ModelState>()((set, get) => ({
    models: [],
    adding: false,
    error: null,
    estimate: null,
    estimateError: null,
    async refresh() {
      try {
        set({ models: await bridge.invoke('models.list', {}), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async select(id) {
      try {
        const chosen = await bridge.invoke('models.select', { id });
        set((s) => ({
          models: s.models.map((m) => (m.id === chosen.id ? chosen : { ...m, selected: false })),
          error: null,
        }));
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async remove(id) {
      try {
        await bridge.invoke('models.remove', { id });
        await get().refresh();
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    async addPath(path) {
      set({ adding: true });
      try {
        const added = await bridge.invoke('models.add', { path });
        set((s) => ({ models: [...s.models.filter((m) => m.id !== added.id), added], error: null }));
      } catch (e) {
        set({ error: describeError(e) });
      } finally {
        set({ adding: false });
      }
    },
    async addFile(file) {
      const path = bridge.pathForFile?.(file as unknown as File) ?? '';
      if (!path) {
        set({ error: { code: null, message: BROWSER_MODEL_DROP, detail: file.name } });
        return;
      }
      await get().addPath(path);
    },
    async loadEstimate(modelId, contextSize, choice) {
      const seq = ++estimateSeq;
      try {
        const estimate = await bridge.invoke('models.estimate', { id: modelId, contextSize, ...choice });
        // A slower answer to an older question must not overwrite a newer one.
        if (seq === estimateSeq) set({ estimate, estimateError: null });
      } catch (e) {
        if (seq === estimateSeq) set({ estimate: null, estimateError: describeError(e) });
      }
    },
    dismissError() { set({ error: null }); },
    listen() {
      return bridge.on('library.changed', ({ kind }) => {
        // A model's facts (architecture, layers, context) are known once a run has loaded it.
        if (kind === 'models' || kind === 'runs') void get().refresh();
      });
    },
  }));
}
export type ModelStore = ReturnType<typeof createModelStore>;
