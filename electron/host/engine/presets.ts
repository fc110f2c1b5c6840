/**
 * Recipe presets, read at run time from models/presets.json (written with the runtime), validated,
 * and resolved for one model: the demo model uses each preset's demoRecipe, and odd/even FA-layer
 * patterns follow the model family's parity (faLayerParity) because which half matters is model specific.
 */
import { readFileSync } from 'node:fs';
import { IpcError, type Preset, type Recipe } from '../../shared/contract.js';
import { presetsFileSchema, resolveRecipe as resolvePresetRecipe, type PresetsFile } from '../../../models/presets.js';

export type { PresetsFile };

export function loadPresets(path: string): PresetsFile {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new IpcError('PRESETS_MISSING', `no presets file at ${path}`);
  }
  const parsed = presetsFileSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new IpcError('PRESETS_MISSING', `${path} is not a valid presets file: ${parsed.error.message}`);
  return parsed.data;
}

export function findPreset(file: PresetsFile, id: string): Preset {
  const p = file.presets.find((x) => x.id === id);
  if (!p) throw new IpcError('PRESET_NOT_FOUND', `no preset "${id}" (known: ${file.presets.map((x) => x.id).join(', ')})`);
  return p;
}

/**
 * The recipe a preset means for one model: the demo model uses demoRecipe; { kind: 'auto', fraction }
 * becomes 1/fraction of the layers starting on the family's parity (models/presets.ts does the work).
 */
export function resolveRecipe(file: PresetsFile, preset: Preset, model: { architecture: string; nLayer: number; isDemo: boolean }): Recipe {
  return resolvePresetRecipe(file, model.isDemo ? preset.demoRecipe : preset.recipe, model.architecture, model.nLayer);
}
