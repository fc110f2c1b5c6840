/**
 * Attention recipes: the presets (from presets.list), which of them are toggled on for the next
 * question, and the custom recipe being edited. One toggled recipe = one run; several = compare.
 */
import { createStore } from 'zustand/vanilla';
import type { FaLayers, Preset, PresetRecipe, Recipe, ResponseOf } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

/** The id the custom recipe has among the toggles. */
export const CUSTOM_ID = 'custom';

/** Where the custom editor starts before the person changes anything: SWAA's recommended shape. */
export const DEFAULT_CUSTOM_RECIPE: Recipe = {
  window: 2048, sinks: 100, faLayers: { kind: 'odd' }, faDecode: true, questionFa: false,
};

export interface RecipeState {
  presets: Preset[];
  /** Per-model-family notes on which FA layers suit a family (from presets.list). */
  faLayerParity: Record<string, string>;
  /** Each preset as a concrete recipe for one model (the host resolves 'auto' FA layers), or null. */
  resolved: ResponseOf<'presets.list'>['resolved'];
  /** Toggled recipe ids, in the order they were toggled on (CUSTOM_ID for the custom recipe). */
  chosen: string[];
  custom: Recipe;
  error: FriendlyError | null;
  /** Re-read after the selected model changes: the resolved recipes depend on it. */
  load(): Promise<void>;
  toggle(id: string): void;
  /** Only this one. */
  choose(id: string): void;
  editCustom(patch: Partial<Recipe>): void;
  setFaLayers(faLayers: FaLayers): void;
  /** Starts the custom recipe from a preset's recipe and toggles it on. */
  customFrom(recipe: Recipe): void;
  /** Puts back a saved choice (selection.get); ids the presets no longer have are dropped. */
  restore(chosen: readonly string[], custom: Recipe | null): void;
}

export function createRecipeStore(bridge: StoreBridge) {
  return createStore<RecipeState>()((set, get) => ({
    presets: [],
    faLayerParity: {},
    resolved: null,
    chosen: [],
    custom: DEFAULT_CUSTOM_RECIPE,
    error: null,
    async load() {
      try {
        const { presets, faLayerParity, resolved } = await bridge.invoke('presets.list', {});
        const known = new Set([...presets.map((p) => p.id), CUSTOM_ID]);
        const kept = get().chosen.filter((id) => known.has(id));
        set({ presets, faLayerParity, resolved, chosen: kept.length > 0 ? kept : presets.slice(0, 1).map((p) => p.id), error: null });
      } catch (e) {
        set({ error: describeError(e) });
      }
    },
    toggle(id) {
      set((s) => ({ chosen: s.chosen.includes(id) ? s.chosen.filter((c) => c !== id) : [...s.chosen, id] }));
    },
    choose(id) { set({ chosen: [id] }); },
    editCustom(patch) { set((s) => ({ custom: { ...s.custom, ...patch } })); },
    setFaLayers(faLayers) { set((s) => ({ custom: { ...s.custom, faLayers } })); },
    restore(chosen, custom) {
      set((s) => {
        const known = new Set([...s.presets.map((p) => p.id), CUSTOM_ID]);
        // Before the presets are loaded every id is kept: load() filters them.
        const kept = s.presets.length > 0 ? chosen.filter((id) => known.has(id)) : [...chosen];
        return { chosen: kept.length > 0 ? kept : s.chosen, custom: custom ?? s.custom };
      });
    },
    customFrom(recipe) {
      set((s) => ({
        custom: structuredClone(recipe),
        chosen: s.chosen.includes(CUSTOM_ID) ? s.chosen : [...s.chosen, CUSTOM_ID],
      }));
    },
  }));
}
export type RecipeStore = ReturnType<typeof createRecipeStore>;

/**
 * The recipe a preset runs with on a model: the host's resolution for that model when there is one
 * (concrete layers), else the preset as written — the demo model has its own small-window variant.
 */
export function presetRecipe(
  preset: Preset, model: { id: string; isDemo: boolean } | null, resolved: RecipeState['resolved'],
): PresetRecipe {
  const concrete = model && resolved?.modelId === model.id ? resolved.recipes[preset.id] : undefined;
  return concrete ?? (model?.isDemo ? preset.demoRecipe : preset.recipe);
}

/** A preset's recipe when it is concrete (no 'auto' layers): only such a recipe can seed the custom editor. */
export function concreteRecipe(r: PresetRecipe): Recipe | null {
  return r.faLayers.kind === 'auto' ? null : (r as Recipe);
}
