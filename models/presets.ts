/**
 * Recipe presets (models/presets.json): loading, validation and resolution against a model.
 * A preset's faLayers may be { kind: 'auto', fraction } — resolved to the model family's FA-layer
 * parity (SWAA: dense Qwen3 wants the odd layers, Qwen3-MoE and Llama the even ones).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { FaLayers, Recipe } from '../native/addon/types.js';
import { PresetSchema, type Preset, type PresetRecipe } from '../electron/shared/contract.js';

/**
 * The presets file: the preset schema is the IPC contract's (electron/shared/contract.ts), so the app,
 * the bench and the eval accept exactly the same recipes.
 */
export const presetsFileSchema = z.object({
  version: z.literal(1),
  faLayerParity: z.record(z.string(), z.enum(['odd', 'even'])),
  presets: z.array(PresetSchema).min(1),
});

export type { Preset, PresetRecipe };
export type PresetsFile = z.infer<typeof presetsFileSchema>;

export const PRESETS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'presets.json');

export function loadPresets(path = PRESETS_PATH): PresetsFile {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return presetsFileSchema.parse(raw);
}

/** The FA-layer parity for an architecture (unknown families default to even). */
export function faParity(file: Pick<PresetsFile, 'faLayerParity'>, architecture: string): 'odd' | 'even' {
  return file.faLayerParity[architecture] ?? 'even';
}

/** Turns a preset recipe into a runtime Recipe for a model with nLayer layers of this family. */
export function resolveRecipe(file: Pick<PresetsFile, 'faLayerParity'>, recipe: PresetRecipe, architecture: string, nLayer: number): Recipe {
  let faLayers: FaLayers;
  const f = recipe.faLayers;
  if (f.kind === 'auto') {
    const offset = faParity(file, architecture) === 'odd' ? 1 : 0;
    faLayers = f.fraction === 1 ? { kind: 'everyN', n: 1, offset: 0 }
      : f.fraction === 2 ? { kind: offset === 1 ? 'odd' : 'even' }
        : { kind: 'everyN', n: f.fraction, offset: Math.min(offset, Math.max(0, nLayer - 1)) };
  } else {
    faLayers = f;
  }
  return { window: recipe.window, sinks: recipe.sinks, faLayers, faDecode: recipe.faDecode, questionFa: recipe.questionFa };
}

/** A preset resolved for a model: the demo model uses the scaled recipe. */
export function presetRecipe(file: PresetsFile, presetId: string, model: { architecture: string; nLayer: number },
                             opts: { demo: boolean }): Recipe {
  const preset = file.presets.find((p) => p.id === presetId);
  if (!preset) throw new Error(`unknown preset '${presetId}' (known: ${file.presets.map((p) => p.id).join(', ')})`);
  return resolveRecipe(file, opts.demo ? preset.demoRecipe : preset.recipe, model.architecture, model.nLayer);
}
