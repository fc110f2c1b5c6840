/**
 * "Calibrate" for the selected model: NLL-guided FA-layer calibration run by the engine host
 * (calibration.run), with its progress and a cancel, and the stored result — the layer ranking, the
 * answer NLL per windowed layer and the "Calibrated" presets it adds. useCalibration is shared with the
 * recipe editor's layer strip, which marks the ranking.
 */
import { useEffect, useState } from 'react';
import type { Calibration, EventOf, SwaaBridge } from '../contract';
import { useLibrary, useRecipes, useStores } from '../bridge/stores';

/** A model's stored calibration (null: none, or the host cannot say), refreshed when one finishes. */
export function useCalibration(modelId: string | null): Calibration | null {
  const { bridge } = useStores();
  const [calibration, setCalibration] = useState<Calibration | null>(null);
  useEffect(() => {
    setCalibration(null);
    if (!modelId) return undefined;
    let live = true;
    const load = () => bridge.invoke('calibration.get', { modelId })
      .then((r) => { if (live) setCalibration(r.calibration); }, () => { if (live) setCalibration(null); });
    void load();
    const off = bridge.on('calibration.done', (e) => { if (e.modelId === modelId && e.status === 'done') void load(); });
    return () => { live = false; off(); };
  }, [bridge, modelId]);
  return calibration;
}

type Progress = EventOf<'calibration.progress'>;
const STAGE: Record<Progress['stage'], string> = {
  reference: 'Writing reference answers',
  single: 'Windowing one layer at a time',
  greedy: 'Adding full-attention layers greedily',
};

async function start(bridge: Pick<SwaaBridge, 'invoke'>, modelId: string, documentId: string | null): Promise<string> {
  const r = await bridge.invoke('calibration.run', { modelId, ...(documentId ? { documentId } : {}) });
  return r.calibrationId;
}

export function CalibratePanel({ modelId }: { modelId: string }) {
  const { bridge, recipes } = useStores();
  const calibration = useCalibration(modelId);
  const documentId = useLibrary((s) => s.selectedId);
  const presetsLoaded = useRecipes((s) => s.presets.length);
  const [onDocument, setOnDocument] = useState(false);
  const [running, setRunning] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (!running) return undefined;
    const offs = [
      bridge.on('calibration.progress', (e) => { if (e.calibrationId === running) setProgress(e); }),
      bridge.on('calibration.done', (e) => {
        if (e.calibrationId !== running) return;
        setRunning(null);
        setProgress(null);
        setNote(e.status === 'done' ? null : e.status === 'cancelled' ? 'Calibration cancelled.' : `Calibration failed: ${e.error?.message ?? 'unknown error'}`);
        // The calibrated presets join the list for this model.
        if (e.status === 'done' && presetsLoaded) void recipes.getState().load();
      }),
    ];
    return () => { for (const off of offs) off(); };
  }, [bridge, running, recipes, presetsLoaded]);

  async function run() {
    setNote(null);
    try {
      setRunning(await start(bridge, modelId, onDocument ? documentId : null));
    } catch (err) {
      setNote(`Calibration could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <div className="calibrate" data-testid="calibrate">
      <div className="calibrate-head">
        {running
          ? <button type="button" className="small" onClick={() => void bridge.invoke('calibration.cancel', { calibrationId: running })}>Cancel calibration</button>
          : <button type="button" className="small" onClick={() => void run()}
              title="Finds the layers whose sliding window raises the answer's NLL most, and adds Calibrated presets at 1/4 and 1/2 of the layers.">
              Calibrate
            </button>}
        {documentId && !running && (
          <label className="small-text"><input type="checkbox" checked={onDocument} onChange={(e) => setOnDocument(e.target.checked)} /> on the open document</label>
        )}
      </div>
      {running && (
        <div className="prefill">
          <div className="prefill-label">
            <span>{progress ? STAGE[progress.stage] : 'Starting'}</span>
            <span className="muted">{progress ? `${progress.done} / ${progress.total} prompts · ${percent}%` : ''}</span>
          </div>
          <progress max={100} value={percent} aria-label={`Calibration: ${percent}%`} />
        </div>
      )}
      {calibration && !running && (
        <p className="muted small-text" data-testid="calibration-result">
          Layers ranked {calibration.ranking.join(', ')} (W={calibration.window}, k={calibration.sinks}; answer NLL
          {' '}{calibration.nllFull.toFixed(3)} full, {calibration.nllWindowed.toFixed(3)} all windowed; rise per windowed layer
          {' '}{calibration.single.map((s) => `${s.layer}: ${s.rise >= 0 ? '+' : ''}${s.rise.toFixed(3)}`).join(', ')}).
        </p>
      )}
      {note && <p className="muted small-text" role="status">{note}</p>}
    </div>
  );
}
