/**
 * What a stored calibration (contract CalibrationSchema) means to the app: its "Calibrated" presets at
 * FA budgets of 1/4 and 1/2 of the layers (the periodic presets Fast and Balanced use the same
 * budgets, so the two can be compared layer for layer). Pure, so the renderer can bundle it.
 */
import type { Calibration, Preset, Recipe } from './contract.js';

/** 1/fraction of the layers at full attention: 1/4 (like Fast) and 1/2 (like Balanced). */
export const CALIBRATION_FRACTIONS = [4, 2] as const;

/** FA layers at a budget of 1/fraction of nLayer: at least one, so a tiny model still gets a preset. */
export function calibrationBudget(nLayer: number, fraction: number): number {
  return Math.min(nLayer, Math.max(1, Math.round(nLayer / fraction)));
}

export const calibratedPresetId = (fraction: number): string => `calibrated-${fraction}`;

/**
 * The presets a ranking yields: the first `budget` ranked layers at full attention, under the
 * calibrated window and sinks, with FA decode like the periodic presets of the same budget.
 */
export function calibratedPresetEntries(ranking: readonly number[], nLayer: number, window: number, sinks: number): Calibration['presets'] {
  return CALIBRATION_FRACTIONS.map((fraction) => {
    const budget = calibrationBudget(nLayer, fraction);
    const recipe: Recipe = {
      window, sinks, faLayers: { kind: 'list', layers: ranking.slice(0, budget).sort((a, b) => a - b) }, faDecode: true, questionFa: false,
    };
    return { id: calibratedPresetId(fraction), label: `Calibrated 1/${fraction}`, fraction, budget, recipe };
  });
}

/** A calibration's presets as the contract's Preset (recipe and demoRecipe are the same: they are already this model's). */
export function calibratedPresets(c: Calibration): Preset[] {
  return c.presets.map((p) => ({
    id: p.id,
    label: p.label,
    tradeoff: `${p.budget} of ${c.model.nLayer} layers at full attention, chosen for this model by answer NLL ` +
      `(layers ${p.recipe.faLayers.kind === 'list' ? p.recipe.faLayers.layers.join(', ') : '-'}; calibrated at W=${c.window}, k=${c.sinks}).`,
    paperFigure: 'NLL-guided FA-layer selection (arXiv 2606.27791): 1/4 calibrated FA layers 64.6% vs 54.2% periodic 1/4 on Qwen3-4B / LongMemEval',
    recipe: p.recipe,
    demoRecipe: p.recipe,
  }));
}
