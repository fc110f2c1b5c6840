/** One run: its recipe, prefill progress, streamed answer, metrics or error, and its cancel button. */
import { useRuns, useRecipes, useStores } from '../bridge/stores';
import { Answer } from './Answer';
import { ErrorNote } from './ErrorNote';
import { MetricsGrid } from './Metrics';
import { PrefillBar } from './PrefillBar';
import { OverflowFix } from './ContextMeter';
import { isFinished, runPhase, type RunView } from '../stores/runStore';
import type { PrefillPhase } from '../contract';
import { formatMs } from '../lib/format';
import { samplingShort } from '../lib/samplingText';
import { cacheLabel, stopNote } from '../../../electron/shared/run-facts';

const PHASES: PrefillPhase[] = ['load', 'document', 'question'];

const STATUS_TEXT: Record<RunView['status'], string> = {
  pending: 'Waiting',
  running: 'Running',
  done: 'Done',
  cancelled: 'Cancelled',
  error: 'Failed',
};

/** The document came from the cache: said as soon as the question is read without a document phase. */
export function documentCached(run: RunView): boolean {
  const m = run.record?.metrics;
  if (m) return m.documentCached;
  return run.progress.question !== undefined && run.progress.document === undefined;
}

export function RunCard({ runId }: { runId: string }) {
  const { runs } = useStores();
  const run = useRuns((s) => s.runs[runId]);
  const presetLabel = useRecipes((s) => s.presets.find((p) => p.id === run?.presetId)?.label);
  if (!run) return null;
  const finished = isFinished(run);
  const phase = runPhase(run);
  const label = presetLabel ?? (run.presetId ?? 'Custom recipe');
  const cached = documentCached(run);
  const m = run.record?.metrics ?? null;
  const stop = run.record ? stopNote(run.record) : null;
  return (
    <article className={`run-card status-${run.status}`} data-testid="run-card" data-run-id={run.runId} data-preset={run.presetId ?? 'custom'}
      data-status={run.status} aria-label={`Answer with ${label}`}>
      <header>
        <h3>{label}</h3>
        <span className={`chip status-${run.status}`}>{STATUS_TEXT[run.status]}</span>
        {cached && (
          <span className="chip cached" data-testid="document-cached"
            title="The document was already read with this recipe; only the question was read now.">
            document cached{m ? ` · first token in ${formatMs(m.timeToFirstTokenMs)}` : ''}
          </span>
        )}
        {m && !cached && (
          <span className="chip" data-testid="document-cold" title="The whole document was read in this run.">{cacheLabel(m)}</span>
        )}
        {!finished && (
          <button type="button" className="small danger" disabled={run.cancelling}
            onClick={() => void runs.getState().cancel(run.runId)}>
            {run.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </header>
      {run.question && <p className="run-question" data-testid="run-question"><span className="sr-only">Question: </span>{run.question}</p>}
      {run.record?.sampling && <p className="muted small-text run-sampling">Sampling: {samplingShort(run.record.sampling)}</p>}
      {run.status === 'pending' && <p className="muted">Waiting for the engine…</p>}
      {!finished && phase !== 'decode' && PHASES.map((p) => {
        const progress = run.progress[p];
        return progress ? <PrefillBar key={p} phase={p} progress={progress} /> : null;
      })}
      {(run.answer || phase === 'decode') && <Answer text={run.answer} streaming={!finished} />}
      {!finished && phase === 'decode' && <p className="muted small-text" role="status">{run.tokenCount} tokens</p>}
      {run.status === 'cancelled' && <p className="muted" role="status">Cancelled{run.answer ? ' — the answer above is partial.' : '.'}</p>}
      {run.status === 'error' && run.answer && <p className="muted" role="status" data-testid="partial-answer">The answer above is partial: the run stopped before it ended.</p>}
      {stop && (
        <p className="stop-note" role="status" data-testid="stop-note">
          {stop.charAt(0).toUpperCase() + stop.slice(1)}
          {run.record?.stopReason === 'maxTokens' ? ' — the answer may be cut short. Raise “Answer length” for a longer one.' : ' — raise “Context (tokens)”.'}
        </p>
      )}
      <ErrorNote error={run.error} />
      {run.error?.overflow && <OverflowFix overflow={run.error.overflow} />}
      {m && <MetricsGrid metrics={m} />}
    </article>
  );
}
