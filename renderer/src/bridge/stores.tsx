/**
 * One instance of each store, made from the bridge once at start-up and handed to components through
 * React context. Components read stores with the `use*` hooks and a selector.
 */
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { SwaaBridge } from '../contract';
import { createAppStore, type AppState, type AppStore } from '../stores/appStore';
import { createCatalogStore, type CatalogState, type CatalogStore } from '../stores/catalogStore';
import { createLibraryStore, type LibraryState, type LibraryStore } from '../stores/libraryStore';
import { createModelStore, type ModelState, type ModelStore } from '../stores/modelStore';
import { createRecipeStore, type RecipeState, type RecipeStore } from '../stores/recipeStore';
import { createRunStore, type RunState, type RunStore } from '../stores/runStore';
import { createSamplingStore, type SamplingState, type SamplingStore } from '../stores/samplingStore';
import { syncSelection } from '../stores/selectionSync';
import { createSampleStore, type SampleState, type SampleStore } from '../stores/sampleStore';

export interface Stores {
  bridge: SwaaBridge;
  app: AppStore;
  library: LibraryStore;
  models: ModelStore;
  recipes: RecipeStore;
  runs: RunStore;
  sampling: SamplingStore;
  samples: SampleStore;
  catalog: CatalogStore;
}

export function createStores(bridge: SwaaBridge): Stores {
  return {
    bridge,
    app: createAppStore(bridge),
    library: createLibraryStore(bridge),
    models: createModelStore(bridge),
    recipes: createRecipeStore(bridge),
    runs: createRunStore(bridge),
    sampling: createSamplingStore(bridge),
    samples: createSampleStore(bridge),
    catalog: createCatalogStore(bridge),
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  useEffect(() => {
    const offs = [
      stores.app.getState().listen(),
      stores.library.getState().listen(),
      stores.models.getState().listen(),
      stores.runs.getState().listen(),
      syncSelection(stores.bridge, stores.library, stores.recipes),
      stores.samples.getState().listen(),
      stores.catalog.getState().listen(),
    ];
    void stores.app.getState().load();
    void stores.library.getState().refresh();
    void stores.models.getState().refresh();
    void stores.samples.getState().load();
    void stores.catalog.getState().load();
    return () => { for (const off of offs) off(); };
  }, [stores]);
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const s = useContext(StoresContext);
  if (!s) throw new Error('useStores outside StoresProvider');
  return s;
}

export const useApp = <T,>(sel: (s: AppState) => T): T => useStore(useStores().app, sel);
export const useLibrary = <T,>(sel: (s: LibraryState) => T): T => useStore(useStores().library, sel);
export const useModels = <T,>(sel: (s: ModelState) => T): T => useStore(useStores().models, sel);
export const useRecipes = <T,>(sel: (s: RecipeState) => T): T => useStore(useStores().recipes, sel);
export const useCatalog = <T,>(sel: (s: CatalogState) => T): T => useStore(useStores().catalog, sel);
export const useRuns = <T,>(sel: (s: RunState) => T): T => useStore(useStores().runs, sel);
export const useSampling = <T,>(sel: (s: SamplingState) => T): T => useStore(useStores().sampling, sel);
export const useSamples = <T,>(sel: (s: SampleState) => T): T => useStore(useStores().samples, sel);
