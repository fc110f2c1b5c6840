/**
 * A compact "Sampling" section beside the recipes: temperature, top-p, top-k, min-p, repeat
 * penalty and seed for the selected model, starting from that model's defaults. Every run records
 * the values it used (seed included), so an answer can be drawn again.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useSampling, useStores } from '../bridge/stores';
import type { Sampling } from '../contract';
import { samplingShort } from '../lib/samplingText';
import { ErrorNote } from './ErrorNote';

type NumberField = Exclude<keyof Sampling, 'seed'>;

/** Ranges as the contract checks them (the input clamps to them, so nothing invalid is sent). */
const FIELDS: { key: NumberField; label: string; min: number; max: number; step: number; hint: string; integer?: boolean }[] = [
  { key: 'temperature', label: 'Temperature', min: 0, max: 2, step: 0.05, hint: '0 = greedy: always the most likely word.' },
  { key: 'topP', label: 'Top-p', min: 0.01, max: 1, step: 0.01, hint: 'Draw from the likeliest words that add up to p (1 = off).' },
  { key: 'topK', label: 'Top-k', min: 0, max: 1000, step: 1, integer: true, hint: 'Draw from the k likeliest words (0 = off).' },
  { key: 'minP', label: 'Min-p', min: 0, max: 1, step: 0.01, hint: 'Skip words below p × the likeliest (0 = off).' },
  { key: 'repeatPenalty', label: 'Repeat penalty', min: 0.5, max: 2, step: 0.05, hint: 'Above 1 avoids repeating recent words (1 = off).' },
];

const FROM: Record<string, string> = {
  demo: 'The demo model answers greedily by default: that is how it was evaluated.',
  gguf: 'Defaults from the model file.',
  runtime: 'The model file names no sampling: llama.cpp’s defaults.',
};

export function SamplingPanel() {
  const { sampling } = useStores();
  const info = useSampling((s) => s.info);
  const error = useSampling((s) => s.error);
  const eff = info?.effective ?? null;
  const changed = info ? Object.keys(info.overrides).length > 0 : false;
  return (
    <section className="panel sampling-panel" aria-labelledby="sampling-title" data-testid="sampling">
      <details>
        <summary>
          <h2 id="sampling-title">Sampling</h2>
          <span className="muted small-text" data-testid="sampling-summary">{eff ? samplingShort(eff) : '…'}{changed ? ' (changed)' : ''}</span>
        </summary>
        <ErrorNote error={error} />
        {info && eff && (
          <>
            <p className="muted small-text">{FROM[info.defaultsFrom]}</p>
            <div className="sampling-grid">
              {FIELDS.map((f) => (
                <NumberSetting key={f.key} id={`sampling-${f.key}`} label={f.label} value={eff[f.key]} min={f.min} max={f.max}
                  step={f.step} integer={f.integer} hint={f.hint} onCommit={(v) => void sampling.getState().change({ [f.key]: v })} />
              ))}
              <SeedSetting value={eff.seed} onCommit={(seed) => void sampling.getState().change({ seed })} />
            </div>
            {changed && (
              <button type="button" className="small" onClick={() => void sampling.getState().reset()}>Reset to the model’s defaults</button>
            )}
          </>
        )}
      </details>
    </section>
  );
}

function NumberSetting({ id, label, value, min, max, step, integer, hint, onCommit }: {
  id: string; label: string; value: number; min: number; max: number; step: number; integer?: boolean; hint: string;
  onCommit: (v: number) => void;
}) {
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);
  function apply(e?: FormEvent) {
    e?.preventDefault();
    const raw = Number(draft);
    if (draft.trim() === '' || !Number.isFinite(raw)) { setDraft(String(value)); return; }
    const n = Math.min(max, Math.max(min, integer ? Math.round(raw) : Number(raw.toPrecision(6))));
    setDraft(String(n));
    if (n !== value) onCommit(n);
  }
  return (
    <form className="field" onSubmit={apply} title={hint}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={min} max={max} step={step} value={draft}
        onChange={(e) => setDraft(e.target.value)} onBlur={() => apply()} />
      <button type="submit" hidden tabIndex={-1} />
    </form>
  );
}

/** Empty = a new random seed for each run (each run still records the seed it drew). */
function SeedSetting({ value, onCommit }: { value: number | null; onCommit: (v: number | null) => void }) {
  const shown = value === null ? '' : String(value);
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  function apply(e?: FormEvent) {
    e?.preventDefault();
    const t = draft.trim();
    const n = t === '' ? null : Number(t);
    if (n !== null && (!Number.isInteger(n) || n < 0 || n > 0xffff_fffe)) { setDraft(shown); return; }
    if (n !== value) onCommit(n);
  }
  return (
    <form className="field" onSubmit={apply} title="The same seed draws the same answer again. Empty: a new seed for each run.">
      <label htmlFor="sampling-seed">Seed</label>
      <input id="sampling-seed" inputMode="numeric" placeholder="random" value={draft}
        onChange={(e) => setDraft(e.target.value)} onBlur={() => apply()} />
      <button type="submit" hidden tabIndex={-1} />
    </form>
  );
}
