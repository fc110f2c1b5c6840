/** A prefill phase's progress bar with speed and time left, derived from its raw facts. */
import type { PrefillPhase, PrefillProgress } from '../contract';
import { prefillView } from '../lib/progress';
import { formatCount, formatMs, formatRate } from '../lib/format';

const PHASE_LABEL: Record<PrefillPhase, string> = {
  load: 'Loading model and cache',
  document: 'Reading the document',
  question: 'Reading the question',
};

export function PrefillBar({ phase, progress }: { phase: PrefillPhase; progress: PrefillProgress }) {
  const view = prefillView(progress);
  // 'load' reports permille, not tokens.
  const facts = phase === 'load'
    ? `${view.percent}%`
    : `${formatCount(progress.done)} / ${formatCount(progress.total)} tokens · ${view.percent}%`;
  return (
    <div className="prefill" data-phase={phase}>
      <div className="prefill-label">
        <span>{PHASE_LABEL[phase]}</span>
        <span className="muted">
          {facts}
          {phase !== 'load' && view.tokPerS !== null && ` · ${formatRate(view.tokPerS)}`}
          {view.etaMs !== null && view.percent < 100 && ` · about ${formatMs(view.etaMs)} left`}
        </span>
      </div>
      <progress max={100} value={view.percent} aria-label={`${PHASE_LABEL[phase]}: ${view.percent}%`} />
    </div>
  );
}
