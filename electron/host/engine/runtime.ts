/**
 * The slice of the SWAA runtime the host uses, as an interface: the real one wraps
 * native/addon (loadModel, buildQaPrompt, qa.ask); a scripted one (scripted-runtime.ts) stands in
 * for protocol tests where the addon is not built. Everything the host does with a model goes
 * through here, so the host never touches the native objects directly.
 */
import type { AskRequest, RunReport } from '../../../native/addon/qa.js';
import type { ContextOptions, ModelInfo } from '../../../native/addon/types.js';
import type { QaPrompt } from '../../../native/addon/prompt.js';
import type { CalibrateOptions, CalibrationItem, LayerCalibration } from '../../../native/addon/calibrate.js';

export type { AskRequest, RunReport, ContextOptions, ModelInfo, QaPrompt };

export interface RuntimeModel {
  readonly path: string;
  readonly info: ModelInfo;
  /** Content hash of the weights (cache keys). */
  readonly hash: string;
  estimateKvBytes(options: ContextOptions): number;
  buildPrompt(document: string, question: string): QaPrompt;
  createContext(options: ContextOptions): RuntimeContext;
  /** NLL-guided FA-layer calibration (native/addon/calibrate.ts); absent where the runtime cannot read logits (the scripted one). */
  calibrate?(items: CalibrationItem[], options: CalibrateOptions): Promise<LayerCalibration>;
  dispose(): void;
}

export interface RuntimeContext {
  readonly contextSize: number;
  /** True when the context's checkpoint holds exactly these document tokens. */
  holdsDocument(documentTokens: readonly number[]): boolean;
  ask(req: AskRequest): Promise<RunReport>;
  /** Drops everything after the document checkpoint. */
  rewind(): void;
  /** Marks the current end (e.g. of a restored document) as the checkpoint. */
  checkpoint(): void;
  saveState(path: string): Promise<void>;
  loadState(path: string): Promise<void>;
  dispose(): void;
}

export interface Runtime {
  readonly name: 'native' | 'scripted';
  version(): string;
  loadModel(path: string, options: { signal?: AbortSignal; onProgress?: (fraction: number) => void }): Promise<RuntimeModel>;
}

/**
 * The runtime on swaa.node. Throws (with a clear message) when the addon is not built. Models load on
 * SWAA_DEVICE when set ('auto' | 'cpu' | 'gpu' | a device name such as "Vulkan0"; `npm run ask --
 * --device`), else 'auto'; every run's metrics name the device.
 */
export async function loadNativeRuntime(): Promise<Runtime> {
  const device = process.env.SWAA_DEVICE || 'auto';
  const api = await import('../../../native/addon/index.js');
  const { buildQaPrompt, templateInputs } = await import('../../../native/addon/prompt.js');
  const { checkedSkeleton } = await import('./template-check.js');
  const qa = await import('../../../native/addon/qa.js');
  const { calibrateLayers } = await import('../../../native/addon/calibrate.js');
  const version = api.runtimeVersion(); // loads the binding: fails here if it is missing
  return {
    name: 'native',
    version: () => version,
    async loadModel(path, options) {
      const model = await api.loadModel(path, { device, signal: options.signal, onProgress: options.onProgress });
      // The chat template runs once, in a worker with limits; prompts are its skeleton filled in.
      let skeleton: Awaited<ReturnType<typeof checkedSkeleton>>;
      try {
        skeleton = await checkedSkeleton(templateInputs(model));
      } catch (err) {
        model.dispose();
        throw err;
      }
      return {
        path,
        info: model.info,
        hash: model.hash,
        estimateKvBytes: (o) => model.estimateKvBytes(o),
        buildPrompt: (document, question) => buildQaPrompt(model, document, question, skeleton),
        createContext(o) {
          const ctx = model.createContext(o);
          return {
            get contextSize() { return ctx.contextSize; },
            holdsDocument: (tokens) => qa.holdsDocument(ctx, tokens),
            ask: (req) => qa.ask(ctx, req),
            rewind: () => ctx.rewind(),
            checkpoint: () => ctx.checkpoint(),
            saveState: (p) => ctx.saveState(p),
            loadState: (p) => ctx.loadState(p),
            dispose: () => ctx.dispose(),
          };
        },
        calibrate: (items, o) => calibrateLayers(model, items, o),
        dispose: () => model.dispose(),
      };
    },
  };
}
