/**
 * "Get models": models from the catalog with their size, how the download is checked, whether they fit
 * this machine at the current context (before anything is downloaded), and downloads with progress,
 * speed, ETA, cancel and resume. Also: any GGUF URL, and the access token for gated repositories.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useApp, useCatalog, useLibrary, useModels, useStores } from '../bridge/stores';
import type { CatalogModel, DownloadStatus } from '../contract';
import { formatBytes, formatCount } from '../lib/format';
import { downloadText, fitText } from '../lib/fitText';
import { ACTIVE_STATES, downloadOf } from '../stores/catalogStore';
import { ErrorNote } from './ErrorNote';

/** The catalog's <details> element: the context control's advice opens it. */
export const CATALOG_ID = 'get-models';

function Progress({ d, onCancel }: { d: DownloadStatus; onCancel: () => void }) {
  return (
    <div className="download" data-testid="download" data-state={d.state}>
      <progress max={d.totalBytes ?? undefined} value={d.totalBytes !== null ? d.doneBytes : undefined}
        aria-label={`Downloading ${d.file}`} />
      <span className="small-text" data-testid="download-progress">{downloadText(d)}</span>
      <button type="button" onClick={onCancel}>Cancel</button>
    </div>
  );
}

function Entry({ m }: { m: CatalogModel }) {
  const { catalog, models } = useStores();
  const d = useCatalog((s) => downloadOf(s, m.id));
  const fit = useCatalog((s) => s.fits[m.id] ?? null);
  const inUse = useModels((s) => m.modelId !== null && s.models.some((x) => x.id === m.modelId && x.selected));
  const active = d !== null && ACTIVE_STATES.includes(d.state);
  const partial = d !== null && !active && d.resumable && d.state !== 'done';
  return (
    <li className="catalog-entry" data-testid="catalog-model" data-catalog-id={m.id}>
      <div className="catalog-head">
        <strong>{m.name}</strong>
        <span className="chip">{m.quantization}</span>
        <span className="muted small-text">{m.bytes !== null ? formatBytes(m.bytes) : 'size from the server'}</span>
      </div>
      <p className="small-text">{m.why}</p>
      <p className="muted small-text">
        {m.license} · trained on {formatCount(m.trainedContext)} tokens · {m.repo} ·{' '}
        <span title={m.source}>{m.verification === 'pinned' ? 'sha256 pinned in the catalog' : 'checked against the server’s sha256'}</span>
      </p>
      {fit && (
        <p className={`fit fit-${fit.verdict}`} data-testid="fit-hint" data-verdict={fit.verdict}>
          {fitText(fit)}
          {fit.document?.beyondTrained && ` · your document (~${formatCount(fit.document.tokens)} tokens) is longer than it was trained on`}
        </p>
      )}
      {active && <Progress d={d} onCancel={() => void catalog.getState().cancel(d.id)} />}
      {!active && m.modelId && (inUse
        ? <span className="chip cached" data-testid="in-use">In use</span>
        : <button type="button" onClick={() => void models.getState().select(m.modelId!)}>Use this model</button>)}
      {!active && !m.modelId && (
        <div className="catalog-actions">
          <button type="button" onClick={() => void catalog.getState().start({ catalogId: m.id })}>
            {partial ? `Resume (${formatBytes(d.doneBytes)} kept)` : 'Download'}
          </button>
          {partial && <button type="button" className="link" onClick={() => void catalog.getState().cancel(d.id)}>Discard</button>}
        </div>
      )}
      {d?.state === 'error' && d.error && <p className="error-note" role="alert" data-code={d.error.code}>{d.error.message}</p>}
      {d?.state === 'cancelled' && <p className="muted small-text">Cancelled; nothing was kept.</p>}
    </li>
  );
}

export function CatalogPanel() {
  const { catalog } = useStores();
  const models = useCatalog((s) => s.models);
  const downloads = useCatalog((s) => s.downloads);
  const error = useCatalog((s) => s.error);
  const hasToken = useCatalog((s) => s.hasToken);
  const endpoint = useCatalog((s) => s.endpoint);
  const contextSize = useApp((s) => s.settings?.contextSize ?? null);
  const documentId = useLibrary((s) => s.selectedId);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');

  useEffect(() => {
    if (models.length > 0 && contextSize !== null) void catalog.getState().loadFits(contextSize, documentId);
  }, [models, contextSize, documentId, catalog]);

  const byUrl = Object.values(downloads).filter((d) => d.catalogId === null);

  function addUrl(e: FormEvent) {
    e.preventDefault();
    if (url.trim()) void catalog.getState().start({ url: url.trim() }).then(() => setUrl(''));
  }
  function saveToken(e: FormEvent) {
    e.preventDefault();
    void catalog.getState().setToken(token).then(() => setToken(''));
  }

  return (
    <section className="panel catalog-panel" aria-labelledby="catalog-title">
      <details id={CATALOG_ID} data-testid="catalog">
        <summary><h2 id="catalog-title">Get models</h2></summary>
        <p className="muted small-text">
          Real models from Hugging Face{endpoint && endpoint !== 'https://huggingface.co' ? ` (through ${endpoint})` : ''}. Fit at{' '}
          {contextSize !== null ? `${formatCount(contextSize)} tokens` : 'the current context'} on this machine.
        </p>
        <ul className="catalog-list">
          {models.map((m) => <Entry key={m.id} m={m} />)}
        </ul>
        <form className="field inline" onSubmit={addUrl}>
          <label htmlFor="gguf-url">Any GGUF URL</label>
          <input id="gguf-url" type="url" placeholder="https://huggingface.co/…/file.gguf" value={url} onChange={(e) => setUrl(e.target.value)} />
          <button type="submit" disabled={!url.trim()}>Download</button>
        </form>
        {byUrl.map((d) => (
          <div key={d.id} className="catalog-entry" data-testid="url-download">
            <strong>{d.file}</strong>
            {ACTIVE_STATES.includes(d.state) && <Progress d={d} onCancel={() => void catalog.getState().cancel(d.id)} />}
            {d.state === 'done' && <span className="muted small-text"> downloaded{d.verification === 'none' ? ' (no sha256 published: not verified)' : ', sha256 verified'}</span>}
            {d.state === 'error' && d.error && <p className="error-note" role="alert">{d.error.message}</p>}
          </div>
        ))}
        <details className="token">
          <summary>Access token for gated models {hasToken ? '(set)' : ''}</summary>
          <form className="field inline" onSubmit={saveToken}>
            <label htmlFor="hf-token">Hugging Face read token</label>
            <input id="hf-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
            <button type="submit" disabled={!token.trim()}>Save</button>
            {hasToken && <button type="button" className="link" onClick={() => void catalog.getState().setToken('')}>Forget it</button>}
          </form>
          <p className="muted small-text">Kept by the engine on this machine and sent only to Hugging Face. HF_TOKEN, when set, takes its place.</p>
        </details>
        <ErrorNote error={error} onDismiss={() => catalog.getState().dismissError()} />
      </details>
    </section>
  );
}
