/** The question box: asks with the one toggled recipe, or compares several. */
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useLibrary, useRecipes, useRuns, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { CUSTOM_ID } from '../stores/recipeStore';

export function AskBox() {
  const { runs, recipes } = useStores();
  const documentId = useLibrary((s) => s.selectedId);
  const documentName = useLibrary((s) => s.documents.find((d) => d.id === s.selectedId)?.name ?? null);
  const chosen = useRecipes((s) => s.chosen);
  const submitting = useRuns((s) => s.submitting);
  const submitError = useRuns((s) => s.submitError);
  const [question, setQuestion] = useState('');
  // Off by default: re-asking a read document is the fast path; on, every run reads the whole
  // document, so a comparison's timings and peaks are like for like.
  const [cold, setCold] = useState(false);
  const compare = chosen.length > 1;
  const presetIds = chosen.filter((id) => id !== CUSTOM_ID);
  const blocked = !documentId ? 'Add or choose a document first.'
    : chosen.length === 0 ? 'Turn on at least one recipe.'
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
    <form className="ask" onSubmit={submit} aria-labelledby="ask-title">
      <h2 id="ask-title" className="sr-only">Ask</h2>
      <label htmlFor="question">
        Question{documentName ? <> about <strong>{documentName}</strong></> : ''}
      </label>
      <textarea id="question" rows={3} value={question} onChange={(e) => setQuestion(e.target.value)} onKeyDown={onKey}
        placeholder="What does the document say about…" aria-describedby="ask-hint" />
      <div className="ask-row">
        <span id="ask-hint" className="muted small-text">
          {blocked ?? (compare ? `Compares ${chosen.length} recipes, one after another.` : 'Ctrl+Enter to ask.')}
        </span>
        <label className="cold-toggle small-text" title="Drop the document's cached state first (memory and disk), so each run reads the whole document and its memory peak is its own.">
          <input type="checkbox" data-testid="cold" checked={cold} onChange={(e) => setCold(e.target.checked)} /> Start cold
        </label>
        <button type="submit" className="primary" disabled={!question.trim() || blocked !== null || submitting}>
          {compare ? `Compare ${chosen.length} recipes` : 'Ask'}
        </button>
      </div>
      <ErrorNote error={submitError} />
    </form>
  );
}
