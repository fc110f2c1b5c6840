/**
 * The question box with the recipe presets beside it: asks with the one toggled recipe, or compares
 * several. Before Ask it shows whether the document fits the context (and why Ask is off when it
 * does not); for a sample document, its questions as chips that fill the box.
 */
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLibrary, useModels, useRecipes, useRuns, useSamples, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { ContextMeter, useDocumentFit } from './ContextMeter';
import { RecipePanel } from './RecipePanel';
import { CUSTOM_ID } from '../stores/recipeStore';
import { selectedModel } from '../stores/modelStore';
import { sampleQuestions } from '../stores/sampleStore';
import { overflowReason } from '../lib/contextFit';
import { questionPlaceholder } from '../lib/placeholder';

/** Sample questions shown before "All n": the question box and Ask stay in view at 700 px high. */
const CHIPS_SHOWN = 3;

export function AskBox() {
  const { runs, recipes } = useStores();
  const documentId = useLibrary((s) => s.selectedId);
  const documentName = useLibrary((s) => s.documents.find((d) => d.id === s.selectedId)?.name ?? null);
  const model = useModels((s) => selectedModel(s.models));
  const samples = useSamples((s) => s.samples);
  const chosen = useRecipes((s) => s.chosen);
  const submitting = useRuns((s) => s.submitting);
  const submitError = useRuns((s) => s.submitError);
  const fitState = useDocumentFit();
  const [question, setQuestion] = useState('');
  const [allChips, setAllChips] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  // Off by default: re-asking a read document is the fast path; on, every run reads the whole
  // document, so a comparison's timings and peaks are like for like.
  const [cold, setCold] = useState(false);
  const compare = chosen.length > 1;
  const presetIds = chosen.filter((id) => id !== CUSTOM_ID);
  const chips = sampleQuestions(samples, documentId);
  const blocked = !documentId ? 'Add or choose a document first.'
    : chosen.length === 0 ? 'Turn on at least one recipe.'
      : fitState?.fit.kind === 'overflow' ? overflowReason(fitState.fit, fitState.doc.name)
        : null;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    const q = question.trim();
    if (!q || blocked || !documentId || submitting) return;
    if (compare) {
      const custom = chosen.includes(CUSTOM_ID) ? recipes.getState().custom : undefined;
      await runs.getState().compare({ documentId, question: q, presetIds, cold }, custom);
    } else if (chosen[0] === CUSTOM_ID) {
      await runs.getState().ask({ documentId, question: q, recipe: recipes.getState().custom, cold });
    } else {
      await runs.getState().ask({ documentId, question: q, presetId: chosen[0]!, cold });
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit();
  }

  return (
    <div className="ask-area">
      <form className="ask" onSubmit={submit} aria-labelledby="ask-title">
        <h2 id="ask-title" className="sr-only">Ask</h2>
        <label htmlFor="question">
          Question{documentName ? <> about <strong>{documentName}</strong></> : ''}
        </label>
        <textarea id="question" ref={box} rows={3} value={question} onChange={(e) => setQuestion(e.target.value)} onKeyDown={onKey}
          placeholder={questionPlaceholder(model, chips)} aria-describedby="ask-hint" />
        {chips.length > 0 && (
          <div className="sample-chips" role="group" aria-label="Sample questions for this document">
            <span className="muted small-text">Sample questions:</span>
            {(allChips ? chips : chips.slice(0, CHIPS_SHOWN)).map((c) => (
              <button key={c.question} type="button" className="chip-button" data-testid="sample-question"
                title={c.expectedAnswer ? `Expected: ${c.expectedAnswer}` : undefined}
                onClick={() => { setQuestion(c.question); box.current?.focus(); }}>
                {c.question}
              </button>
            ))}
            {chips.length > CHIPS_SHOWN && (
              <button type="button" className="link small" aria-expanded={allChips} onClick={() => setAllChips(!allChips)}>
                {allChips ? 'Fewer' : `All ${chips.length}`}
              </button>
            )}
          </div>
        )}
        <RecipePanel />
        <ContextMeter state={fitState} />
        <div className="ask-row">
          <span id="ask-hint" className={blocked && fitState?.fit.kind === 'overflow' ? 'error-text small-text' : 'muted small-text'}
            data-testid="ask-hint">
            {blocked ?? (compare ? `Compares ${chosen.length} recipes, one after another.` : 'Ctrl+Enter to ask.')}
          </span>
          <label className="cold-toggle small-text" title="Drop the document's cached state first (memory and disk), so each run reads the whole document and its memory peak is its own.">
            <input type="checkbox" data-testid="cold" checked={cold} onChange={(e) => setCold(e.target.checked)} /> Start cold
          </label>
          <button type="submit" className="primary" disabled={!question.trim() || blocked !== null || submitting}
            title={blocked ?? undefined}>
            {compare ? `Compare ${chosen.length} recipes` : 'Ask'}
          </button>
        </div>
        <ErrorNote error={submitError} />
      </form>
    </div>
  );
}
