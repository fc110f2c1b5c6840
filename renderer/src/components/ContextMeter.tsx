/**
 * The selected document against the context, before Ask: its tokens for the selected model (the
 * engine counts them when the document is added or selected), whether it fits, and — when it does
 * not — the context that would hold it, one click away. Also the fix offered after an overflow.
 */
import { useEffect } from 'react';
import { useApp, useLibrary, useModels, useStores } from '../bridge/stores';
import { contextFit, type ContextFit } from '../lib/contextFit';
import { formatCount } from '../lib/format';
import type { FriendlyError } from '../lib/errors';
import { selectedModel } from '../stores/modelStore';
import type { ContextOverflow, DocumentSummary, ModelSummary } from '../contract';

export interface DocumentFit {
  doc: DocumentSummary;
  model: ModelSummary;
  fit: ContextFit;
  countError: FriendlyError | null;
}

/** The selected document's fit in the selected model's context; asks the engine to count it when unknown. */
export function useDocumentFit(): DocumentFit | null {
  const { library } = useStores();
  const doc = useLibrary((s) => s.documents.find((d) => d.id === s.selectedId) ?? null);
  const model = useModels((s) => selectedModel(s.models));
  const answerRoom = useLibrary((s) => s.answerRoom);
  const countError = useLibrary((s) => (doc && model ? s.countErrors[`${doc.id}|${model.id}`] ?? null : null));
  const settings = useApp((s) => s.settings);
  const tokens = doc && model ? doc.tokenCounts[model.id] ?? null : null;
  useEffect(() => {
    if (doc && model?.available && (tokens === null || answerRoom === null)) void library.getState().countTokens(doc.id, model.id);
  }, [doc?.id, model?.id, model?.available, tokens, answerRoom, library]);
  if (!doc || !model || !settings) return null;
  // Until the engine has said how much it keeps for the answer, the fit is not known yet.
  const fit = contextFit({ tokens: answerRoom === null ? null : tokens, answerRoom: answerRoom ?? 0,
    contextSize: settings.contextSize, trainedContext: model.nCtxTrain, maxTokens: settings.maxTokens });
  return { doc, model, fit, countError };
}

/** Puts the keyboard on the context control (Model panel), where the size is changed. */
export function focusContextControl(): void {
  const el = document.getElementById('context-size');
  el?.scrollIntoView({ block: 'center' });
  el?.focus();
}

/** "Use a 4,352-token context" + "Change it…": the fix for a context that is too small. */
export function RaiseContext({ to }: { to: number }) {
  const { app } = useStores();
  return (
    <span className="fix-buttons">
      <button type="button" className="small" onClick={() => void app.getState().updateSettings({ contextSize: to })}>
        Use a {formatCount(to)}-token context
      </button>
      <button type="button" className="link small" onClick={focusContextControl}>Context control</button>
    </span>
  );
}

/** After an overflow the engine reported: the same fix, when the model's trained context allows it. */
export function OverflowFix({ overflow }: { overflow: ContextOverflow }) {
  if (overflow.trainedContext !== null && overflow.neededContext > overflow.trainedContext) return null;
  return <RaiseContext to={overflow.neededContext} />;
}

export function ContextMeter({ state }: { state: DocumentFit | null }) {
  if (!state) return null;
  const { doc, model, fit, countError } = state;
  if (fit.kind === 'unknown') {
    return (
      <div className="context-fit" data-testid="context-fit" data-fit="unknown">
        {countError
          ? <span className="muted">Tokens of {doc.name} unknown: {countError.message}</span>
          : model.available
            ? <span className="muted" role="status">Counting the tokens of {doc.name} for {model.name}…</span>
            : <span className="muted">Tokens unknown: the model is not available.</span>}
      </div>
    );
  }
  const tokens = fit.tokens ?? 0;
  return (
    <div className={`context-fit fit-${fit.kind}`} data-testid="context-fit" data-fit={fit.kind}>
      <div className="context-fit-line">
        <meter min={0} max={fit.contextSize} value={Math.min(tokens, fit.contextSize)} optimum={0}
          low={fit.contextSize * 0.75} high={fit.contextSize * 0.95} aria-label="Document tokens against the context size" />
        <span>
          <strong>{formatCount(tokens)}</strong> document tokens of a {formatCount(fit.contextSize)}-token context
          {fit.kind === 'fits' && <> · <span className="ok-text">fits</span></>}
          {fit.kind === 'tight' && <> · fits, {formatCount(Math.max(0, fit.room ?? 0))} left for the question and answer</>}
          {fit.kind === 'overflow' && <> · <span className="error-text">does not fit</span></>}
        </span>
      </div>
      {fit.kind === 'tight' && fit.canRaise && fit.suggested !== null && (
        <p className="small-text muted">A long answer may be cut short. <RaiseContext to={fit.suggested} /></p>
      )}
      {fit.kind === 'overflow' && fit.canRaise && fit.suggested !== null && <p className="small-text"><RaiseContext to={fit.suggested} /></p>}
      {fit.pastTrained && fit.trainedContext !== null && (
        <p className="warn-text small-text" data-testid="past-trained">
          The context ({formatCount(fit.contextSize)}) is past what {model.name} was trained on ({formatCount(fit.trainedContext)} tokens):
          answers may get worse.
        </p>
      )}
    </div>
  );
}
