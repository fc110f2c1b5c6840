/**
 * Keeps the window's choices (document, recipe toggles, custom recipe) in the host's library, so a
 * reload, a restart and web mode all open where the person left off. The model's choice is already
 * the host's (models.select). On start the saved choice is put back first; only then are changes
 * written, so the start-up defaults never overwrite what was saved.
 */
import type { RequestOf, Unsubscribe } from '../contract';
import type { StoreBridge } from './bridgeTypes';
import type { LibraryStore } from './libraryStore';
import type { RecipeStore } from './recipeStore';

export function syncSelection(bridge: StoreBridge, library: LibraryStore, recipes: RecipeStore): Unsubscribe {
  let stopped = false;
  const offs: Unsubscribe[] = [];
  // Saving is best effort: the choice is a convenience, and a failure must not disturb the window.
  const save = (patch: RequestOf<'selection.set'>) => { void bridge.invoke('selection.set', patch).catch(() => undefined); };

  void (async () => {
    try {
      const saved = await bridge.invoke('selection.get', {});
      if (stopped) return;
      if (saved.documentId) library.setState({ selectedId: saved.documentId });
      recipes.getState().restore(saved.presetIds, saved.customRecipe);
    } catch {
      // A host without the channel (older, or a test bridge): start as before.
    }
    if (stopped) return;
    offs.push(library.subscribe((s, prev) => {
      if (s.selectedId !== prev.selectedId) save({ documentId: s.selectedId });
    }));
    offs.push(recipes.subscribe((s, prev) => {
      if (s.chosen !== prev.chosen && s.chosen.join() !== prev.chosen.join()) save({ presetIds: s.chosen });
      if (s.custom !== prev.custom) save({ customRecipe: s.custom });
    }));
  })();

  return () => {
    stopped = true;
    for (const off of offs) off();
  };
}
