/**
 * Recipe presets as toggles beside the question (one on = ask with it; several = compare them), what
 * the chosen ones do, and the custom recipe editor with the model's layer strip.
 */
import { useState } from 'react';
import { useModels, useRecipes, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { useCalibration } from './CalibratePanel';
import { describeRecipe } from '../lib/recipeText';
import { faLayerMask, toggleFaLayer, describeFaLayers } from '../lib/faLayers';
import { selectedModel } from '../stores/modelStore';
import { concreteRecipe, CUSTOM_ID, presetRecipe } from '../stores/recipeStore';
import type { FaLayers, Recipe } from '../contract';

export function RecipePanel() {
  const { recipes } = useStores();
  const presets = useRecipes((s) => s.presets);
  const chosen = useRecipes((s) => s.chosen);
  const error = useRecipes((s) => s.error);
  const resolved = useRecipes((s) => s.resolved);
  const model = useModels((s) => selectedModel(s.models));
  const nLayer = model?.nLayer ?? undefined;
  const customOn = chosen.includes(CUSTOM_ID);

  return (
    <section className="recipe-panel" aria-labelledby="recipes-title">
      <div className="recipe-head">
        <h2 id="recipes-title">Recipe</h2>
        <span className="muted small-text">Turn on one to ask with it, or several to compare them.</span>
      </div>
      <ErrorNote error={error} />
      {/* Compact toggles right under the question; what each one does is said below for the chosen ones. */}
      <ul className="presets" aria-label="Recipe presets">
        {presets.map((p) => {
          const on = chosen.includes(p.id);
          return (
            <li key={p.id}>
              <button type="button" className={`preset${on ? ' on' : ''}`} aria-pressed={on} data-preset={p.id}
                title={`${p.tradeoff} (${describeRecipe(presetRecipe(p, model, resolved), nLayer)})`}
                onClick={() => recipes.getState().toggle(p.id)}>
                {p.label}{p.needsAdaptedWeights && <span className="preset-warn" aria-label="needs SWA-adapted weights"> ⚠</span>}
              </button>
            </li>
          );
        })}
        <li>
          <button type="button" className={`preset${customOn ? ' on' : ''}`} aria-pressed={customOn} data-preset={CUSTOM_ID}
            title="Your own window, sinks and full-attention layers." onClick={() => recipes.getState().toggle(CUSTOM_ID)}>
            Custom
          </button>
        </li>
      </ul>
      <ul className="chosen-presets" aria-label="Chosen recipes">
        {presets.filter((p) => chosen.includes(p.id)).map((p) => {
          const recipe = presetRecipe(p, model, resolved);
          const concrete = concreteRecipe(recipe);
          return (
            <li key={p.id} data-testid="chosen-preset">
              <strong>{p.label}</strong> — {p.tradeoff}{' '}
              <span className="preset-recipe muted">{describeRecipe(recipe, nLayer)}</span>
              {p.needsAdaptedWeights && <span className="preset-warn"> Needs SWA-adapted weights.</span>}
              {concrete && (
                <button type="button" className="link small" onClick={() => recipes.getState().customFrom(concrete)}
                  aria-label={`Edit a copy of ${p.label} as the custom recipe`}>Customise</button>
              )}
            </li>
          );
        })}
      </ul>
      {customOn && <CustomEditor nLayer={nLayer ?? 0} />}
    </section>
  );
}

function CustomEditor({ nLayer }: { nLayer: number }) {
  const { recipes } = useStores();
  const custom = useRecipes((s) => s.custom);
  const edit = (patch: Partial<Recipe>) => recipes.getState().editCustom(patch);
  const full = custom.window === null;
  return (
    <fieldset className="custom-editor"
      onKeyDown={(e) => { if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault(); }}>
      <legend>Custom recipe</legend>
      <label className="check">
        <input type="checkbox" checked={full} onChange={(e) => edit({ window: e.target.checked ? null : 2048 })} />
        Full attention (no window)
      </label>
      <div className="row">
        <label className="field">
          <span>Window W (tokens)</span>
          <NumberInput value={custom.window ?? 0} min={1} disabled={full} onChange={(window) => edit({ window })} />
        </label>
        <label className="field">
          <span>Sinks k (tokens)</span>
          <NumberInput value={custom.sinks} min={0} disabled={full} onChange={(sinks) => edit({ sinks })} />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={custom.faDecode === true} disabled={full}
          onChange={(e) => edit({ faDecode: e.target.checked })} />
        FA decode — answer tokens see the whole document (keeps the full KV cache)
      </label>
      <label className="check">
        <input type="checkbox" checked={custom.questionFa} disabled={full}
          onChange={(e) => edit({ questionFa: e.target.checked })} />
        Question FA — read the question with full attention
      </label>
      <LayerStrip faLayers={custom.faLayers} nLayer={nLayer} disabled={full}
        onChange={(faLayers) => recipes.getState().setFaLayers(faLayers)} />
    </fieldset>
  );
}

/** A number field that only reports whole numbers ≥ min, so a half-typed value is never sent. */
function NumberInput({ value, min, disabled, onChange }: {
  value: number; min: number; disabled?: boolean; onChange: (n: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input type="number" min={min} step={1} disabled={disabled} value={draft ?? String(value)}
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value !== '' && Number.isInteger(n) && n >= min) onChange(n);
      }}
      onBlur={() => setDraft(null)} />
  );
}

function LayerStrip({ faLayers, nLayer, disabled, onChange }: {
  faLayers: FaLayers; nLayer: number; disabled: boolean; onChange: (f: FaLayers) => void;
}) {
  // The calibrated ranking (when the model has one): rank 1 is the layer most worth full attention.
  const ranking = useCalibration(useModels((s) => selectedModel(s.models)?.id ?? null))?.ranking ?? [];
  const rankOf = (i: number) => { const r = ranking.indexOf(i); return r < 0 ? null : r + 1; };
  const [everyN, setEveryN] = useState(4);
  const [offset, setOffset] = useState(0);
  const mask = faLayerMask(faLayers, nLayer);
  return (
    <div className="layer-strip-box" role="group" aria-labelledby="strip-title">
      <div id="strip-title" className="strip-title">
        Full-attention layers: <strong>{describeFaLayers(faLayers, nLayer)}</strong>
      </div>
      <div className="pattern-buttons">
        <button type="button" className="small" disabled={disabled} onClick={() => onChange({ kind: 'none' })}>None</button>
        <button type="button" className="small" disabled={disabled} onClick={() => onChange({ kind: 'odd' })}>Odd</button>
        <button type="button" className="small" disabled={disabled} onClick={() => onChange({ kind: 'even' })}>Even</button>
        <span className="every-n">
          <button type="button" className="small" disabled={disabled}
            onClick={() => onChange({ kind: 'everyN', n: everyN, offset })}>Every</button>
          <input type="number" aria-label="Every n-th layer" min={1} value={everyN} disabled={disabled}
            onChange={(e) => setEveryN(Math.max(1, Math.round(Number(e.target.value)) || 1))} />
          <label>from <input type="number" aria-label="Starting at layer" min={0} value={offset} disabled={disabled}
            onChange={(e) => setOffset(Math.max(0, Math.round(Number(e.target.value)) || 0))} /></label>
        </span>
      </div>
      {nLayer === 0
        ? <p className="muted">Choose a model to see its layers.</p>
        : (
          <div className="layer-strip" data-testid="layer-strip">
            {mask.map((on, i) => (
              <button key={i} type="button" className={`layer${on ? ' fa' : ''}`} aria-pressed={on} disabled={disabled}
                aria-label={`Layer ${i}: ${on ? 'full attention' : 'sliding window'}`}
                title={`Layer ${i}: ${on ? 'full attention' : 'sliding window'}${rankOf(i) ? ` · calibrated rank ${rankOf(i)}` : ''}`}
                data-rank={rankOf(i) ?? undefined}
                onClick={() => onChange(toggleFaLayer(faLayers, i, nLayer))}>
                {i}{rankOf(i) && <sup className="rank">#{rankOf(i)}</sup>}
              </button>
            ))}
          </div>
        )}
      <p className="legend muted"><span className="swatch fa" /> full attention <span className="swatch" /> sliding window
        {ranking.length > 0 && <> · #n calibrated rank ({ranking.join(', ')})</>}</p>
    </div>
  );
}
