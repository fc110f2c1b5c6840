/** The window: header, library on the left, question with the recipes beside it and answers in the middle, model on the right. */
import { lazy, Suspense, useEffect } from 'react';
import { useApp, useLibrary, useModels, useStores } from './bridge/stores';
import { selectedModel } from './stores/modelStore';
import { Library } from './components/Library';
import { DocumentViewer } from './components/DocumentViewer';
import { ModelPanel } from './components/ModelPanel';
import { CatalogPanel } from './components/CatalogPanel';
import { AskBox } from './components/AskBox';
import { Answers } from './components/Answers';
import { Conversation } from './components/Conversation';
import { SamplingPanel } from './components/SamplingPanel';
import { ThemeToggle } from './components/ThemeToggle';
import { ErrorNote } from './components/ErrorNote';
import { DemoIntro } from './components/DemoIntro';

// The charting library is most of the bundle: it loads after the first paint.
const Charts = lazy(() => import('./components/Charts').then((m) => ({ default: m.Charts })));

export function App() {
  const { runs, recipes, sampling } = useStores();
  const documentId = useLibrary((s) => s.selectedId);
  const modelId = useModels((s) => selectedModel(s.models)?.id ?? null);
  const appError = useApp((s) => s.error);
  const host = useApp((s) => s.host);
  const info = useApp((s) => s.info);

  useEffect(() => { void runs.getState().loadHistory(documentId); }, [documentId, runs]);
  // Presets come resolved for the selected model, so they are read again when it changes.
  useEffect(() => { void recipes.getState().load(); }, [modelId, recipes]);
  // Sampling is per model: its defaults and the person's changes follow the selected model.
  useEffect(() => { if (modelId) void sampling.getState().load(); }, [modelId, sampling]);

  return (
    <div className="app">
      <a className="skip" href="#question"
        onClick={(e) => { e.preventDefault(); document.getElementById('question')?.focus(); }}>Skip to the question</a>
      <header className="topbar">
        <h1>SWAA Desk</h1>
        <span className="muted small-text">
          {info ? `${info.mode === 'web' ? 'Web' : 'Desktop'} · runtime ${info.runtimeVersion ?? 'unavailable'}` : 'Connecting…'}
        </span>
        {host && host.state !== 'ready' && (
          <span className={`chip host-${host.state}`} role="status">
            Engine {host.state}{host.reason ? `: ${host.reason}` : ''}
          </span>
        )}
        <span className="spacer" />
        <ThemeToggle />
      </header>
      <ErrorNote error={appError} />
      <div className="columns">
        <Library />
        <main className="center">
          <DemoIntro />
          <AskBox />
          <Answers />
          <Conversation />
          <Suspense fallback={<p className="muted">Loading charts…</p>}>
            <Charts />
          </Suspense>
        </main>
        <div className="side">
          <ModelPanel />
          <CatalogPanel />
          <SamplingPanel />
        </div>
      </div>
      <DocumentViewer />
    </div>
  );
}
