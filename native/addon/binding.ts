/** The shape of swaa.node as the C++ addon exports it. Only index.ts uses this. */
import type { BackendLibraries, DeviceInfo, FaLayers, LayerPlan, Metrics, ModelInfo, StopReason } from './types.js';

export interface NativeContextParams {
  contextSize: number;
  chunkSize: number;
  threads: number;
  kvType: 'f16' | 'f32';
  recipe: { window: number; sinks: number; faLayers: FaLayers; faDecode: boolean | number[]; questionFa: boolean };
}

export interface NativeGenerateParams {
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  repeatPenalty: number;
  repeatLastN: number;
  seed: number;
  cancelled: boolean;
}

export interface NativeModel {
  info(): ModelInfo;
  hash(): string;
  chatTemplate(): string | null;
  bos(): number;
  eos(): number;
  addBos(): boolean;
  isEog(token: number): boolean;
  tokenize(text: string, addSpecial: boolean, parseSpecial: boolean): Int32Array;
  tokenToPiece(token: number, renderSpecial: boolean): Uint8Array;
  detokenize(tokens: Int32Array, renderSpecial: boolean): string;
  estimateKvBytes(params: NativeContextParams): number;
  createContext(params: NativeContextParams): NativeContext;
  loadAdapter(path: string): NativeAdapter;
  dispose(): void;
}

/** An opaque handle to a loaded LoRA adapter. */
export interface NativeAdapter { readonly __nativeAdapter: unique symbol }

export interface NativeContext {
  setAdapter(adapter: NativeAdapter | null, scale: number): void;
  adapterActive(): boolean;
  eval(tokens: Int32Array, phase: 'document' | 'question', logitsAll: boolean,
       onProgress?: (done: number, total: number, elapsedMs: number) => void): Promise<void>;
  generate(params: NativeGenerateParams, onToken: (token: number, bytes: Uint8Array) => void):
    Promise<{ tokens: Int32Array; stopReason: StopReason }>;
  logits(i: number): Float32Array;
  nLogits(): number;
  nPast(): number;
  nCtx(): number;
  tokens(): Int32Array;
  cancel(): void;
  clear(): void;
  checkpoint(): void;
  rewind(): void;
  checkpointNPast(): number;
  saveFile(path: string): Promise<void>;
  loadFile(path: string): Promise<void>;
  metrics(): Metrics;
  resetMetrics(): void;
  layerPlan(layer: number): LayerPlan;
  dispose(): void;
}

export interface NativeBinding {
  version(): string;
  loadModel(path: string, opts: { device: string; useMmap: boolean; cpuRepack: boolean; gpuLayers: number; fitContext: number }, onProgress: (p: number) => boolean): Promise<NativeModel>;
  devices(): DeviceInfo[];
  backendLibraries(): BackendLibraries;
  quantizeFile(inPath: string, outPath: string, type: string, threads: number): Promise<void>;
}
