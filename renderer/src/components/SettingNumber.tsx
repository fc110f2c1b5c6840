/** A numeric setting edited in place: saved on Enter or when focus leaves, rounded to its step and clamped. */
import { useEffect, useState, type FormEvent } from 'react';
import { useApp, useStores } from '../bridge/stores';
import type { Settings } from '../contract';

type NumericKey = { [K in keyof Settings]: Settings[K] extends number ? K : never }[keyof Settings];

export function SettingNumber({ id, label, setting, step, min, max, hint }: {
  id: string; label: string; setting: NumericKey; step: number; min: number; max?: number; hint?: string;
}) {
  const { app } = useStores();
  const value = useApp((s) => s.settings?.[setting]);
  const [draft, setDraft] = useState(value === undefined ? '' : String(value));
  useEffect(() => setDraft(value === undefined ? '' : String(value)), [value]);

  function apply(e?: FormEvent) {
    e?.preventDefault();
    const raw = Number(draft);
    if (draft.trim() === '' || !Number.isFinite(raw) || value === undefined) { setDraft(value === undefined ? '' : String(value)); return; }
    const n = Math.min(max ?? Infinity, Math.max(min, Math.round(raw / step) * step));
    setDraft(String(n));
    if (n !== value) void app.getState().updateSettings({ [setting]: n });
  }

  return (
    <form className="field inline" onSubmit={apply}>
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" min={min} max={max} step={step} value={draft} disabled={value === undefined}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onChange={(e) => setDraft(e.target.value)} onBlur={() => apply()} />
      {hint && <span id={`${id}-hint`} className="muted small-text">{hint}</span>}
    </form>
  );
}
