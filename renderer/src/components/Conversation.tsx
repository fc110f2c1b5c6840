/**
 * The selected document's conversation: every question asked of it with its answer(s), recipe,
 * sampling and key numbers, oldest first, read from the library (so it is there after a reload).
 * A comparison is one question with an answer per recipe. "Show" re-opens a run as the answer card.
 */
import { useMemo } from 'react';
import { useRecipes, useRuns, useStores } from '../bridge/stores';
import type { RunRecord } from '../contract';
import { formatBytes, formatMs } from '../lib/format';
import { samplingShort } from '../lib/samplingText';
import { Answer } from './Answer';
import { cacheLabel, stopNote, stopTag } from '../../../electron/shared/run-facts';

interface Turn { key: string; question: string; runs: RunRecord[] }

/** Stored runs (newest first) → turns in asking order; runs of one comparison form one turn. */
export function conversationTurns(history: readonly RunRecord[]): Turn[] {
  const turns: Turn[] = [];
  const byCompare = new Map<string, Turn>();
  for (const r of [...history].reverse()) {
    const group = r.compareId ? byCompare.get(r.compareId) : undefined;
    if (group) { group.runs.push(r); continue; }
    const turn = { key: r.compareId ?? r.id, question: r.question, runs: [r] };
    if (r.compareId) byCompare.set(r.compareId, turn);
    turns.push(turn);
  }
  return turns;
}

export function Conversation() {
  const { runs } = useStores();
  const history = useRuns((s) => s.history);
  const presets = useRecipes((s) => s.presets);
  const turns = useMemo(() => conversationTurns(history), [history]);
  if (turns.length === 0) return null;
  const label = (id: string | null) => presets.find((p) => p.id === id)?.label ?? id ?? 'Custom recipe';
  return (
    <details className="conversation" open data-testid="conversation">
      <summary>Conversation on this document ({turns.length} question{turns.length === 1 ? '' : 's'})</summary>
      <ol className="turns">
        {turns.map((t) => (
          <li key={t.key} className="turn" data-testid="turn">
            <p className="turn-question"><span className="sr-only">Question: </span>{t.question}</p>
            {t.runs.map((r) => (
              <div key={r.id} className="turn-answer" data-run-id={r.id}>
                <div className="turn-meta muted small-text">
                  <span className="chip">{label(r.presetId)}</span>
                  {r.status !== 'done' && <span className={`chip status-${r.status}`}>{r.status === 'error' ? 'failed' : r.status}</span>}
                  {stopTag(r.stopReason) && <span className="chip stop" title={stopNote(r) ?? undefined}>{stopTag(r.stopReason)}</span>}
                  {r.metrics && (
                    <span>
                      first token {formatMs(r.metrics.timeToFirstTokenMs)}
                      {' · '}{Math.round(r.metrics.decodeTokPerS)} tok/s
                      {' · '}KV {formatBytes(r.metrics.kvBytes)}
                      {' · '}document {cacheLabel(r.metrics)}
                    </span>
                  )}
                  {r.sampling && <span>{samplingShort(r.sampling)}</span>}
                  <button type="button" className="link small" onClick={() => runs.getState().openRun(r)}
                    aria-label={`Show the answer to “${r.question}” with ${label(r.presetId)} as a card`}>Show</button>
                </div>
                {r.answer ? <Answer text={r.answer} streaming={false} /> : <p className="muted">{r.error?.message ?? 'No answer.'}</p>}
              </div>
            ))}
          </li>
        ))}
      </ol>
    </details>
  );
}
