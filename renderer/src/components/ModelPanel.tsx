/**
 * The model picker: its facts, the context size, the memory a context of that size needs under the
 * first chosen recipe, and the backend and threads the engine runs on.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useApp, useModels, useRecipes, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { formatBytes, formatCount, formatParams } from '../lib/format';
import { selectedModel } from '../stores/modelStore';
import { CUSTOM_ID } from '../stores/recipeStore';

/** Context sizes move in these steps (the runtime's KV allocation granule is finer; this is for people). */
const CONTEXT_STEP = 256;

export function ModelPanel() {
  const { models: modelStore, app } = useStores();
  const models = useModels((s) => s.models);
  const error = useModels((s) => s.error);
  const adding = useModels((s) => s.adding);
  const estimate = useModels((s) => s.estimate);
  const estimateError = useModels((s) => s.estimateError);
  const info = useApp((s) => s.info);
  const settings = useApp((s) => s.settings);
  const firstChoice = useRecipes((s) => s.chosen[0] ?? null);
  const custom = useRecipes((s) => s.custom);
  const model = selectedModel(models);
  const contextSize = settings?.contextSize ?? model?.contextSize ?? 4096;
  const [contextDraft, setContextDraft] = useState(String(contextSize));
  const [path, setPath] = useState('');

  useEffect(() => setContextDraft(String(contextSize)), [contextSize]);

  useEffect(() => {
    if (!model || !firstChoice) return;
    const choice = firstChoice === CUSTOM_ID ? { recipe: custom } : { presetId: firstChoice };
    void modelStore.getState().loadEstimate(model.id, contextSize, choice);
  }, [model?.id, contextSize, firstChoice, custom, modelStore]);

  function applyContext(e?: FormEvent) {
    e?.preventDefault();
    const n = Math.round(Number(contextDraft) / CONTEXT_STEP) * CONTEXT_STEP;
    if (Number.isFinite(n) && n >= CONTEXT_STEP && n !== contextSize) void app.getState().updateSettings({ contextSize: n });
    else setContextDraft(String(contextSize));
  }

  function addByPath(e: FormEvent) {
    e.preventDefault();
    if (path.trim()) void modelStore.getState().addPath(path.trim()).then(() => setPath(''));
  }

  return (
    <section className="panel model-panel" aria-labelledby="model-title">
      <h2 id="model-title">Model</h2>
      <label className="field">
        <span>Model</span>
        <select
          value={model?.id ?? ''}
          onChange={(e) => void modelStore.getState().select(e.target.value)}
          disabled={models.length === 0}
        >
          {models.length === 0 && <option value="">No models</option>}
          {models.map((m) => (
            <option key={m.id} value={m.id} disabled={!m.available}>
              {m.name}{m.isDemo ? ' (demo)' : ''}{m.available ? '' : ' — unavailable'}
            </option>
          ))}
        </select>
      </label>
      {model && !model.available && model.problem && (
        <p className="error-note" role="alert">{model.problem}</p>
      )}
      {model && (
        <dl className="facts" aria-label="Model facts">
          <dt>Architecture</dt><dd>{model.architecture ?? '—'}</dd>
          <dt>Parameters</dt><dd>{model.nParams !== null ? formatParams(model.nParams) : '—'}</dd>
          <dt>Quantization</dt><dd>{model.weightType ?? '—'}</dd>
          <dt>Layers</dt><dd>{model.nLayer ?? '—'}</dd>
          <dt>Heads / KV heads</dt><dd title="Not reported by the engine yet">—</dd>
          <dt>Trained context</dt><dd>{model.nCtxTrain !== null ? `${formatCount(model.nCtxTrain)} tokens` : '—'}</dd>
          <dt>File</dt><dd>{formatBytes(model.fileBytes)}</dd>
        </dl>
      )}
      <form className="field inline" onSubmit={applyContext}>
        <label htmlFor="context-size">Context (tokens)</label>
        <input
          id="context-size" type="number" min={CONTEXT_STEP} step={CONTEXT_STEP}
          max={model?.nCtxTrain ?? undefined}
          value={contextDraft} onChange={(e) => setContextDraft(e.target.value)} onBlur={() => applyContext()}
        />
      </form>
      {estimate && model && estimate.modelId === model.id && (
        <div className={`estimate${estimate.fits ? '' : ' warn'}`} data-testid="memory-estimate">
          <div><span>KV cache at {formatCount(estimate.contextSize)} tokens</span><strong>{formatBytes(estimate.kvBytes)}</strong></div>
          <div><span>Weights</span><strong>{formatBytes(estimate.weightBytes)}</strong></div>
          <div><span>Total of {formatBytes(estimate.systemBytes)}</span><strong>{formatBytes(estimate.totalBytes)}</strong></div>
          {!estimate.fits && <p role="alert">{estimate.reason ?? 'This does not fit in memory.'}</p>}
        </div>
      )}
      <ErrorNote error={estimateError} context="Memory estimate" />
      <p className="muted engine-facts" data-testid="engine-facts">
        Backend <strong>{info?.backend ?? '…'}</strong> · {info?.threads ?? '…'} threads
        {info && ` of ${info.cpuCount} CPUs`}
        {info?.runtimeProblem && <span className="error-text"> · {info.runtimeProblem}</span>}
      </p>
      <form className="field inline" onSubmit={addByPath}>
        <label htmlFor="model-path">Add a model by path</label>
        <input id="model-path" type="text" placeholder="/path/to/model.gguf" value={path}
          onChange={(e) => setPath(e.target.value)} />
        <button type="submit" disabled={adding || !path.trim()}>{adding ? 'Adding…' : 'Add'}</button>
      </form>
      <ErrorNote error={error} onDismiss={() => modelStore.getState().dismissError()} />
    </section>
  );
}
