/**
 * What the window had chosen (document, recipe toggles, custom recipe), kept in the library beside
 * the selected model, so that a reload, a restart and web mode all come back to the same place.
 */
import { RecipeSchema, type ParsedRequestOf, type Recipe, type Selection } from '../shared/contract.js';
import type { Library } from './library/library.js';

const DOC = 'selectedDocumentId';
const PRESETS = 'selectedPresetIds';
const CUSTOM = 'customRecipe';

function parseJson<T>(raw: string | null, check: (v: unknown) => T | null): T | null {
  if (!raw) return null;
  try { return check(JSON.parse(raw)); } catch { return null; }
}

const presetIds = (v: unknown): string[] | null =>
  (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v as string[] : null);
const recipe = (v: unknown): Recipe | null => {
  const r = RecipeSchema.safeParse(v);
  return r.success ? r.data : null;
};

export function getSelection(library: Library, modelId: string): Selection {
  const documentId = library.meta(DOC);
  return {
    // A document removed since (here or by another window) is no longer selected.
    documentId: documentId && library.documentSummary(documentId) ? documentId : null,
    modelId,
    presetIds: parseJson(library.meta(PRESETS), presetIds) ?? [],
    customRecipe: parseJson(library.meta(CUSTOM), recipe),
  };
}

export function setSelection(library: Library, patch: ParsedRequestOf<'selection.set'>, modelId: string): Selection {
  if (patch.documentId !== undefined) library.setMeta(DOC, patch.documentId);
  if (patch.presetIds !== undefined) library.setMeta(PRESETS, JSON.stringify(patch.presetIds));
  if (patch.customRecipe !== undefined) library.setMeta(CUSTOM, patch.customRecipe === null ? null : JSON.stringify(patch.customRecipe));
  return getSelection(library, modelId);
}
