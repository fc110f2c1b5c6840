/**
 * Beside the context control: the largest context that fits now for the selected model and recipe,
 * and, when the selected document is longer than the model was trained on (or than the context), a
 * clear choice instead of a run that fails.
 */
import { useEffect } from 'react';
import { useApp, useCatalog, useLibrary, useRecipes, useStores } from '../bridge/stores';
import type { ModelSummary } from '../contract';
import { formatCount } from '../lib/format';
import { fitText } from '../lib/fitText';
import { CUSTOM_ID } from '../stores/recipeStore';
import { CATALOG_ID } from './CatalogPanel';

const STEP = 256;

function openCatalog() {
  const el = document.getElementById(CATALOG_ID);
  if (el instanceof HTMLDetailsElement) {
    el.open = true;
    el.scrollIntoView({ block: 'start' });
    el.querySelector('summary')?.focus();
  }
}

export function FitHint({ model }: { model: ModelSummary }) {
  const { catalog, app } = useStores();
  const fit = useCatalog((s) => s.modelFit);
  const longer = useCatalog((s) => s.models);
  const contextSize = useApp((s) => s.settings?.contextSize ?? null);
  const documentId = useLibrary((s) => s.selectedId);
  const firstChoice = useRecipes((s) => s.chosen[0] ?? null);
  const presetId = firstChoice && firstChoice !== CUSTOM_ID ? firstChoice : null;

  useEffect(() => {
    if (contextSize === null || !model.available || model.nLayer === null) return;
    void catalog.getState().loadModelFit(model.id, contextSize, presetId, documentId);
  }, [model.id, model.available, model.nLayer, contextSize, presetId, documentId, catalog]);

  if (!fit || fit.target.id !== model.id || contextSize === null) return null;
  const doc = fit.document;
  const roundUp = (n: number) => Math.ceil(n / STEP) * STEP;
  const candidates = doc ? longer.filter((m) => m.trainedContext >= doc.needsContext).map((m) => m.name) : [];
  return (
    <div className="fit-hint" data-testid="context-fit-hint">
      <p className={`fit fit-${fit.verdict} small-text`}>{fitText(fit)}</p>
      {doc && doc.beyondTrained && (
        <div className="choice" role="group" aria-label="The document is longer than the model's trained context" data-testid="context-choice">
          <p>
            This document is about {formatCount(doc.tokens)} tokens; {model.name} was trained on {formatCount(fit.target.trainedContext)}.
            Past that length its answers are not to be trusted.
          </p>
          <button type="button" onClick={openCatalog}>
            Get a model with a longer context{candidates.length ? ` (${candidates.slice(0, 2).join(', ')})` : ''}
          </button>
          {!doc.beyondMemory && (
            <button type="button" className="link" onClick={() => void app.getState().updateSettings({ contextSize: roundUp(doc.needsContext) })}>
              Read it all anyway at {formatCount(roundUp(doc.needsContext))} tokens
            </button>
          )}
          {doc.beyondMemory && <p className="small-text">Reading it all would not fit in this machine’s memory either.</p>}
        </div>
      )}
      {doc && !doc.beyondTrained && doc.needsContext > contextSize && (
        <div className="choice" role="group" aria-label="The document is longer than the context" data-testid="context-choice">
          <p>This document needs about {formatCount(doc.needsContext)} tokens of context; it is set to {formatCount(contextSize)}.</p>
          {!doc.beyondMemory
            ? <button type="button" onClick={() => void app.getState().updateSettings({ contextSize: roundUp(doc.needsContext) })}>
                Set the context to {formatCount(roundUp(doc.needsContext))} tokens
              </button>
            : <button type="button" onClick={openCatalog}>That does not fit in memory: get a smaller model</button>}
        </div>
      )}
    </div>
  );
}
