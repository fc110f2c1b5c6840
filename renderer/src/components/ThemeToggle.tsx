/** Light / dark / follow the system, kept in settings; applied as data-theme on <html>. */
import { useEffect, useState } from 'react';
import { useApp, useStores } from '../bridge/stores';
import type { Settings } from '../contract';

type Theme = Settings['theme'];
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

function systemDark(): boolean {
  return typeof window !== 'undefined' && (window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false);
}

export function ThemeToggle() {
  const { app } = useStores();
  const theme = useApp((s) => s.settings?.theme ?? 'system');
  const [dark, setDark] = useState(systemDark);

  useEffect(() => {
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)');
    if (!mq) return;
    const on = () => setDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);

  const effective = theme === 'system' ? (dark ? 'dark' : 'light') : theme;
  useEffect(() => { document.documentElement.dataset.theme = effective; }, [effective]);

  return (
    <button type="button" className="small" data-testid="theme-toggle"
      onClick={() => void app.getState().updateSettings({ theme: NEXT[theme] })}
      aria-label={`${LABEL[theme]} (click for ${LABEL[NEXT[theme]].toLowerCase()})`}>
      {theme === 'system' ? '◐ System' : theme === 'light' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
