/**
 * The model picker: its facts, the context size, the memory a context of that size needs under the
 * first chosen recipe, and the backend and threads the engine runs on.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { SettingNumber } from './SettingNumber';
import { useApp, useModels, useRecipes, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { FitHint } from './FitHint';
import { CalibratePanel } from './CalibratePanel';
import { RemoteServerForm } from './RemoteServerForm';
import { formatBytes, formatCount, formatParams } from '../lib/format';
import { selectedModel } from '../stores/modelStore';
import { CUSTOM_ID } from '../stores/recipeStore';

/** Context sizes move in these steps: the contract's minimum, and a granule people can type. */
const CONTEXT_STEP = 256;
/** The contract's bounds of settings.chunkSize and settings.maxTokens. */
const CHUNK_MIN = 16;
const CHUNK_MAX = 8192;
const MAX_TOKENS_MAX = 8192;

export function ModelPanel() {
  const { models: modelStore, bridge, app } = useStores();
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
  const [path, setPath] = useState('');

  useEffect(() => {
    if (!model?.available || !firstChoice) return;
    const choice = firstChoice === CUSTOM_ID ? { recipe: custom } : { presetId: firstChoice };
    void modelStore.getState().loadEstimate(model.id, contextSize, choice);
  }, [model?.id, model?.available, contextSize, firstChoice, custom, modelStore]);

  async function chooseModel() {
    for (const p of await bridge.pickFiles?.('model') ?? []) await modelStore.getState().addPath(p);
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
          <dt>Quantization</dt><dd>{model.weightType ?? '—'}{model.fileType && model.fileType !== model.weightType ? ` (${model.fileType})` : ''}</dd>
          <dt>Layers</dt><dd>{model.nLayer ?? '—'}</dd>
          <dt>Heads / KV heads</dt><dd>{model.nHead !== null && model.nHeadKv !== null ? `${model.nHead} / ${model.nHeadKv}${model.headDim !== null ? ` × ${model.headDim}` : ''}` : '—'}</dd>
          <dt>Trained context</dt><dd>{model.nCtxTrain !== null ? `${formatCount(model.nCtxTrain)} tokens` : '—'}</dd>
          <dt>File</dt><dd>{formatBytes(model.fileBytes)}</dd>
        </dl>
      )}
      {/* Up to the model's trained context: past it a model was never trained to attend, and answers degrade. */}
      <SettingNumber id="context-size" label="Context (tokens)" setting="contextSize" step={CONTEXT_STEP}
        min={CONTEXT_STEP} max={model?.nCtxTrain ?? undefined}
        hint={model?.nCtxTrain ? `Up to ${formatCount(model.nCtxTrain)} tokens, the context this model was trained on.` : undefined} />
      {model?.nCtxTrain && contextSize > model.nCtxTrain ? (
        <p className="warn-text small-text" role="status" data-testid="context-past-trained">
          {formatCount(contextSize)} tokens is past the {formatCount(model.nCtxTrain)} this model was trained on: answers may get worse.
          {' '}<button type="button" className="link small"
            onClick={() => void app.getState().updateSettings({ contextSize: model.nCtxTrain! })}>Use {formatCount(model.nCtxTrain)}</button>
        </p>
      ) : null}
      {model && <FitHint model={model} />}
      {model?.available && <CalibratePanel modelId={model.id} />}
      {estimate && model && estimate.modelId === model.id && (
        <div className={`estimate${estimate.fits ? '' : ' warn'}`} data-testid="memory-estimate">
          <div><span>KV cache at {formatCount(estimate.contextSize)} tokens</span><strong>{formatBytes(estimate.kvBytes)}</strong></div>
          <div><span>Weights</span><strong>{formatBytes(estimate.weightBytes)}</strong></div>
          <div><span>Total of {formatBytes(estimate.systemBytes)}</span><strong>{formatBytes(estimate.totalBytes)}</strong></div>
          {!estimate.fits && <p role="alert">{estimate.reason ?? 'This does not fit in memory.'}</p>}
        </div>
      )}
      {model?.available && <ErrorNote error={estimateError} context="Memory estimate" />}
      <details className="engine-settings">
        <summary>Engine settings</summary>
        <SettingNumber id="prefill-chunk" label="Prefill chunk (tokens)" setting="chunkSize" step={1} min={CHUNK_MIN}
          max={CHUNK_MAX} hint="Larger reads faster; smaller cancels sooner." />
        <SettingNumber id="max-tokens" label="Answer length (tokens)" setting="maxTokens" step={1} min={1} max={MAX_TOKENS_MAX} />
        <SettingNumber id="threads" label="CPU threads (0 = auto)" setting="threads" step={1} min={0} max={256} />
      </details>
      <p className="muted engine-facts" data-testid="engine-facts">
        Backend <strong>{info?.backend ?? '…'}</strong>
        {info?.backend === 'unknown' && ' (chosen when the model first loads)'} · {info?.threads ?? '…'} threads
        {info && ` of ${info.cpuCount} CPUs`}
        {info?.runtimeProblem && <span className="error-text"> · {info.runtimeProblem}</span>}
      </p>
      {bridge.pickFiles
        ? (
          // The desktop app opens only files the person chose, so a model comes from the file dialog (or a drop).
          <button type="button" disabled={adding} onClick={() => void chooseModel()}>
            {adding ? 'Adding…' : 'Add a model file…'}
          </button>
        )
        : (
          <form className="field inline" onSubmit={addByPath}>
            <label htmlFor="model-path">Add a model by path</label>
            <input id="model-path" type="text" placeholder="/path/to/model.gguf" value={path}
              onChange={(e) => setPath(e.target.value)} />
            <button type="submit" disabled={adding || !path.trim()}>{adding ? 'Adding…' : 'Add'}</button>
          </form>
        )}
      <RemoteServerForm />
      <ErrorNote error={error} onDismiss={() => modelStore.getState().dismissError()} />
    </section>
  );
}
