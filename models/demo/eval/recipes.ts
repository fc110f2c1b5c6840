/**
 * The recipes the evaluation runs: every preset of models/presets.json (demo-scaled recipe,
 * resolved for the model) plus two diagnostics that show SWAA's shape:
 *  - naive: window only (no sinks, no FA decode, no FA layers) — the paper's collapse case.
 *    Taken from the 'naive' preset when there is one, else built from the 'fastest' window.
 *  - question-fa: Fastest + questionFa (the question is read with full attention; our extension).
 * With --calibration, calibrationRecipes below adds calibrated vs periodic FA layers.
 */
import type { Recipe } from '../../../native/addon/index.js';
import { loadPresets, presetRecipe, resolveRecipe, type PresetsFile } from '../../presets.js';
import type { Calibration } from '../../../electron/shared/contract.js';

export interface EvalRecipe {
  id: string;
  label: string;
  kind: 'preset' | 'diagnostic';
  recipe: Recipe;
  note: string;
}

export function describeRecipe(r: Recipe): string {
  if (r.window === null) return 'full attention everywhere';
  const fa = r.faLayers.kind === 'none' ? 'no FA layers'
    : r.faLayers.kind === 'list' ? `FA layers [${r.faLayers.layers.join(',')}]`
      : r.faLayers.kind === 'everyN' ? `FA layers every ${r.faLayers.n} from ${r.faLayers.offset}`
        : `${r.faLayers.kind} FA layers`;
  const dec = r.faDecode === true ? 'FA decode' : Array.isArray(r.faDecode) ? `FA decode in [${r.faDecode.join(',')}]` : 'SWA decode';
  return `W=${r.window}, sinks ${r.sinks}, ${fa}, ${dec}${r.questionFa ? ', question FA' : ''}`;
}

export function evalRecipes(model: { architecture: string; nLayer: number }, file: PresetsFile = loadPresets()): EvalRecipe[] {
  const out: EvalRecipe[] = [];
  for (const p of file.presets) {
    const recipe = presetRecipe(file, p.id, model, { demo: true });
    out.push({ id: p.id, label: p.label, kind: p.id === 'naive' ? 'diagnostic' : 'preset', recipe, note: p.tradeoff });
  }
  const fastest = out.find((r) => r.id === 'fastest')?.recipe
    ?? out.find((r) => r.recipe.window !== null)?.recipe;
  if (!fastest) return out;
  if (!out.some((r) => r.id === 'naive')) {
    out.push({
      id: 'naive', label: 'Naive SWA', kind: 'diagnostic',
      recipe: { window: fastest.window, sinks: 0, faLayers: { kind: 'none' }, faDecode: false, questionFa: false },
      note: 'Window only: no sinks, no FA decode, no FA layers.',
    });
  }
  out.push({
    id: 'question-fa', label: 'Question FA', kind: 'diagnostic',
    recipe: { ...fastest, questionFa: true },
    note: 'Fastest + the question read with full attention (our extension).',
  });
  return out;
}

/**
 * Calibrated against periodic FA layers at equal budgets (1/4 and 1/2 of the layers), each with and
 * without FA decode, all at the calibration's window and sinks (issue 23 item 4). Periodic is the
 * presets' rule (faLayers 'auto': the family's parity); calibrated is the calibration's ranking.
 * Diagnostics, so the eval sends them to the host as explicit recipes.
 */
export function calibrationRecipes(model: { architecture: string; nLayer: number }, calibration: Calibration,
                                   file: PresetsFile = loadPresets()): EvalRecipe[] {
  const out: EvalRecipe[] = [];
  const { window, sinks } = calibration;
  for (const p of calibration.presets) {
    const periodic = resolveRecipe(file, { window, sinks, faLayers: { kind: 'auto', fraction: p.fraction }, faDecode: false, questionFa: false },
      model.architecture, model.nLayer);
    for (const faDecode of [true, false]) {
      const tag = `${p.fraction}${faDecode ? '-fad' : ''}`;
      const dec = faDecode ? 'FA decode' : 'SWA decode';
      out.push({
        id: `calibrated-${tag}`, label: `Calibrated 1/${p.fraction}${faDecode ? ' + FA decode' : ''}`, kind: 'diagnostic',
        recipe: { ...p.recipe, faDecode },
        note: `FA layers chosen by answer NLL (${p.budget} of ${model.nLayer}), ${dec}.`,
      });
      out.push({
        id: `periodic-${tag}`, label: `Periodic 1/${p.fraction}${faDecode ? ' + FA decode' : ''}`, kind: 'diagnostic',
        recipe: { ...periodic, faDecode },
        note: `FA layers by the paper's rule (every ${p.fraction}th on the family's parity), ${dec}.`,
      });
    }
  }
  return out;
}
