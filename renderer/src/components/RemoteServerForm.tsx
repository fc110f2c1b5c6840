/**
 * "Remote server": adds a model entry that runs on an OpenAI-compatible server (llama-server, vLLM),
 * lists the ones added, and says which presets each server cannot run and why (docs/remote.md). The
 * key goes to the host once and is kept sealed there; this form never shows a stored key.
 */
import { useState, type FormEvent } from 'react';
import { useStores } from '../bridge/stores';
import type { RequestOf, ResponseOf } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import { ErrorNote } from './ErrorNote';

type Engine = ResponseOf<'engines.list'>[number];
type Kind = NonNullable<RequestOf<'engines.addRemote'>['kind']>;

const KINDS: { value: Kind; label: string }[] = [
  { value: 'auto', label: 'Detect' },
  { value: 'llama-server', label: 'llama-server' },
  { value: 'vllm', label: 'vLLM' },
  { value: 'vllm-swaa', label: 'vLLM + SWAA patch' },
  { value: 'openai', label: 'Other OpenAI-compatible' },
];

const asError = describeError;

export function RemoteServerForm() {
  const { bridge, models } = useStores();
  const [engines, setEngines] = useState<Engine[]>([]);
  const [url, setUrl] = useState('');
  const [key, setKey] = useState('');
  const [model, setModel] = useState('');
  const [offered, setOffered] = useState<string[]>([]);
  const [kind, setKind] = useState<Kind>('auto');
  const [layers, setLayers] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FriendlyError | null>(null);

  const refresh = () => bridge.invoke('engines.list', {}).then(setEngines, (e: unknown) => setError(asError(e)));

  async function probe() {
    setBusy(true);
    setError(null);
    try {
      const r = await bridge.invoke('engines.probe', { baseUrl: url.trim(), ...(key ? { apiKey: key } : {}) });
      setOffered(r.models);
      if (!model && r.models[0]) setModel(r.models[0]);
    } catch (e) {
      setError(asError(e));
    } finally {
      setBusy(false);
    }
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const n = Number(layers);
      await bridge.invoke('engines.addRemote', { baseUrl: url.trim(), kind, ...(key ? { apiKey: key } : {}), ...(model ? { model } : {}),
        ...(layers && Number.isInteger(n) && n > 0 ? { nLayer: n } : {}) });
      setKey(''); // the host keeps it sealed; the form forgets it at once
      await Promise.all([refresh(), models.getState().refresh()]);
    } catch (err) {
      setError(asError(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: string) {
    await bridge.invoke('engines.remove', { id }).catch((e: unknown) => setError(asError(e)));
    await Promise.all([refresh(), models.getState().refresh()]);
  }

  return (
    // The servers are listed when the section is opened: nothing is asked of the host before someone looks.
    <details className="remote-server" data-testid="remote-server" onToggle={(e) => { if (e.currentTarget.open) void refresh(); }}>
      <summary>Remote server</summary>
      <form className="field" onSubmit={(e) => void add(e)}>
        <label htmlFor="remote-url">Server URL</label>
        <input id="remote-url" type="url" placeholder="http://127.0.0.1:8080" value={url} onChange={(e) => setUrl(e.target.value)} required />
        <label htmlFor="remote-key">API key</label>
        <input id="remote-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
        <label htmlFor="remote-model">Model</label>
        <span className="inline">
          <input id="remote-model" list="remote-models" value={model} onChange={(e) => setModel(e.target.value)} placeholder="first one listed" />
          <datalist id="remote-models">{offered.map((m) => <option key={m} value={m} />)}</datalist>
          <button type="button" disabled={busy || !url.trim()} onClick={() => void probe()}>List models</button>
        </span>
        <label htmlFor="remote-kind">Kind</label>
        <select id="remote-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {KINDS.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
        </select>
        {kind === 'vllm-swaa' && (
          <>
            <label htmlFor="remote-layers">Model layers (for FA-layer patterns)</label>
            <input id="remote-layers" type="number" min={1} value={layers} onChange={(e) => setLayers(e.target.value)} />
          </>
        )}
        <button type="submit" disabled={busy || !url.trim()}>{busy ? 'Asking the server…' : 'Add server'}</button>
      </form>
      <ErrorNote error={error} onDismiss={() => setError(null)} />
      {engines.length > 0 && (
        <ul className="remote-engines" aria-label="Remote servers">
          {engines.map((e) => (
            <li key={e.id} data-testid="remote-engine">
              <strong>{e.model}</strong> at {e.host} · {e.kind}{e.hasKey ? ` · key: ${e.keyStore}` : ' · no key'}
              {' '}<button type="button" className="link small" onClick={() => void remove(e.id)}>Remove</button>
              <ul className="small-text">
                {Object.entries(e.presetSupport).filter(([, why]) => why !== null).map(([id, why]) => (
                  <li key={id} className="muted" data-testid="preset-refused"><strong>{id}</strong>: {why}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
