/**
 * TypeScript face of the SWAA runtime: runtime → model → context → answer stream.
 * One wrapper class per native object, explicit dispose(), AbortSignal for cancellation.
 * The native addon (native/addon/*.cc) only marshals arguments and runs work off the JS thread.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FULL_ATTENTION, SwaaError,
  type BackendLibraries, type ContextOptions, type DeviceInfo, type DeviceKind, type GenerateOptions, type GenerateResult, type LayerPlan,
  type Metrics, type ModelInfo, type Phase, type PrefillProgress, type Recipe, type SwaaErrorCode,
} from './types.js';
import type { NativeAdapter, NativeBinding, NativeContext, NativeModel, NativeContextParams } from './binding.js';

export * from './types.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the built addon is looked for, first hit wins (SWAA_ADDON_PATH overrides). */
function addonCandidates(): string[] {
  const env = process.env.SWAA_ADDON_PATH;
  const fromRoot = (root: string) => [
    join(root, 'native', 'build', 'Release', 'swaa.node'),
    join(root, 'native', 'build', 'Debug', 'swaa.node'),
  ];
  // An installed app: this file is <resources>/app.asar/dist/native/addon/index.js and the addon sits
  // in <resources>/native/Release (electron-builder.yml, extraResources), keeping its build-tree
  // neighbour native/backends. <resources>/app is the unpacked copy npm run test:package runs.
  const appRoot = join(here, '..', '..', '..');
  const installed = basename(appRoot) === 'app.asar' || basename(appRoot) === 'app'
    ? [join(dirname(appRoot), 'native', 'Release', 'swaa.node')] : [];
  return [
    ...(env ? [env] : []),
    ...fromRoot(join(here, '..', '..')),
    ...fromRoot(appRoot), // compiled layout: dist/native/addon
    ...installed,
  ];
}

let binding: NativeBinding | undefined;

/** Loads swaa.node once. Throws a clear error naming the command that builds it. */
export function nativeBinding(): NativeBinding {
  if (binding) return binding;
  const require = createRequire(import.meta.url);
  const path = addonCandidates().find((p) => existsSync(p));
  if (!path) {
    throw new Error(`The SWAA native addon is not built (looked in ${addonCandidates().join(', ')}). Run \`npm run build:native\`.`);
  }
  // ggml runs each graph inside one OpenMP parallel region and synchronises with its own barriers;
  // OpenMP's default of spinning idle threads between regions made other threads' teams (libuv
  // workers) fight for the cores: the first prefill of a process ran 4-6x slower. libgomp reads this
  // when the addon loads it, so it must be set first. An explicit user setting wins.
  process.env.OMP_WAIT_POLICY ??= 'passive';
  binding = require(path) as NativeBinding;
  return binding;
}

/** Re-throws native errors (which carry `code`) as SwaaError. */
export function asSwaaError(err: unknown): unknown {
  if (err instanceof SwaaError) return err;
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (err instanceof Error && typeof code === 'string' && code.startsWith('SWAA_')) {
    return new SwaaError(code as SwaaErrorCode, err.message);
  }
  return err;
}

async function wrap<T>(p: () => Promise<T>): Promise<T> {
  try { return await p(); } catch (e) { throw asSwaaError(e); }
}
function wrapSync<T>(f: () => T): T {
  try { return f(); } catch (e) { throw asSwaaError(e); }
}

export function runtimeVersion(): string {
  return nativeBinding().version();
}

/** Devices the loaded backends offer (CPU always), with free and total memory now. */
export function devices(): DeviceInfo[] {
  return wrapSync(() => nativeBinding().devices());
}

/** The backend libraries the runtime considered at start, loaded or refused (and why). */
export function backendLibraries(): BackendLibraries {
  return wrapSync(() => nativeBinding().backendLibraries());
}

export interface LoadModelOptions {
  /** Default 'auto': the first GPU a loaded backend offers, else the CPU. Or a name from devices(). */
  device?: DeviceKind;
  /**
   * Layers on the device, the last ones (their weights and KV cache); the others run on the CPU.
   * Default -1: as many as fit the device's free memory with room for a `fitContext`-token cache.
   */
  gpuLayers?: number;
  /** Default 4096: the context size (full-attention KV) the automatic fit keeps device room for. */
  fitContext?: number;
  /** Default true: weights are memory-mapped on the CPU backend (no copy). */
  useMmap?: boolean;
  /**
   * Default true: on the CPU, weights whose type ggml has a faster interleaved layout for on this CPU
   * (Q4_0, Q4_K, IQ4_NL on AVX2) are converted at load, as llama.cpp does.
   */
  cpuRepack?: boolean;
  /** Fraction loaded, 0..1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** Loads and validates a GGUF model off the JS thread. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<Model> {
  const native = nativeBinding();
  const signal = options.signal;
  if (signal?.aborted) throw new SwaaError('SWAA_ERR_CANCELLED', 'model load cancelled');
  const handle = await wrap(() => native.loadModel(path, {
    device: options.device ?? 'auto',
    useMmap: options.useMmap ?? true,
    cpuRepack: options.cpuRepack ?? true,
    gpuLayers: options.gpuLayers ?? -1,
    fitContext: options.fitContext ?? 4096,
  }, (p: number) => {
    options.onProgress?.(p);
    return !signal?.aborted;
  }));
  return new Model(handle, path);
}

/** Quantizes the 2-D weights of a GGUF (like llama-quantize). */
export async function quantizeFile(inPath: string, outPath: string, type: string, threads = 0): Promise<void> {
  await wrap(() => nativeBinding().quantizeFile(inPath, outPath, type, threads));
}

function toNativeParams(options: ContextOptions): NativeContextParams {
  const recipe = options.recipe ?? FULL_ATTENTION;
  return {
    contextSize: options.contextSize ?? 4096,
    chunkSize: options.chunkSize ?? 512,
    threads: options.threads ?? 0,
    kvType: options.kvType ?? 'f16',
    recipe: {
      window: recipe.window ?? -1,
      sinks: recipe.sinks,
      faLayers: recipe.faLayers,
      faDecode: recipe.faDecode,
      questionFa: recipe.questionFa,
    },
  };
}

export class Model {
  readonly info: ModelInfo;
  readonly hash: string;
  readonly chatTemplate: string | null;
  private disposed = false;

  constructor(private readonly native: NativeModel, readonly path: string) {
    this.info = native.info();
    this.hash = native.hash();
    this.chatTemplate = native.chatTemplate();
  }

  get bos(): number { return this.native.bos(); }
  get eos(): number { return this.native.eos(); }
  get addBos(): boolean { return this.native.addBos(); }

  /** addSpecial (default false): add BOS/EOS as the model wants; parseSpecial (default true): "<|im_start|>" → its token. */
  tokenize(text: string, opts: { addSpecial?: boolean; parseSpecial?: boolean } = {}): number[] {
    this.check();
    return Array.from(wrapSync(() => this.native.tokenize(text, opts.addSpecial ?? false, opts.parseSpecial ?? true)));
  }

  /** The UTF-8 bytes of one token (may be part of a character). */
  tokenBytes(token: number, renderSpecial = false): Uint8Array {
    this.check();
    return wrapSync(() => this.native.tokenToPiece(token, renderSpecial));
  }

  /**
   * Text of a token sequence as the model's tokenizer writes it (llama.cpp's detokenizer, including
   * the space clean-up some vocabularies ask for). Streaming uses tokenBytes; this is for whole texts.
   */
  detokenize(tokens: readonly number[], renderSpecial = false): string {
    this.check();
    return wrapSync(() => this.native.detokenize(Int32Array.from(tokens), renderSpecial));
  }

  isEog(token: number): boolean { return this.native.isEog(token); }

  estimateKvBytes(options: ContextOptions = {}): number {
    this.check();
    return wrapSync(() => this.native.estimateKvBytes(toNativeParams(options)));
  }

  /** Allocates the KV cache for the given size and recipe. */
  createContext(options: ContextOptions = {}): Context {
    this.check();
    const params = toNativeParams(options);
    return new Context(wrapSync(() => this.native.createContext(params)), this, options);
  }

  /** Loads a LoRA adapter (llama.cpp's GGUF adapter format) for this model; shapes are checked. */
  loadAdapter(path: string): LoraAdapter {
    this.check();
    return new LoraAdapter(wrapSync(() => this.native.loadAdapter(path)), path);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
  }

  private check(): void {
    if (this.disposed) throw new SwaaError('SWAA_ERR_INVALID_ARGUMENT', 'the model was disposed');
  }
}

/** A LoRA adapter. SWAA applies its SWA-adapted adapters only to prompts longer than the window. */
export class LoraAdapter {
  constructor(readonly native: NativeAdapter, readonly path: string) {}
}

export interface PrefillOptions {
  phase: Exclude<Phase, 'decode'>;
  signal?: AbortSignal;
  onProgress?: (progress: PrefillProgress) => void;
  /** Keep logits for every position (tests, evaluation). Default false: only the last. */
  logitsAll?: boolean;
}

/** A holder of one token sequence and its KV cache, used by one caller at a time. */
export class Context {
  private busy = false;
  private disposed = false;

  constructor(private readonly native: NativeContext, readonly model: Model, readonly options: ContextOptions) {}

  get nPast(): number { return this.native.nPast(); }
  get contextSize(): number { return this.native.nCtx(); }
  get tokens(): number[] { return Array.from(this.native.tokens()); }
  /** Tokens at the checkpoint, or -1. */
  get checkpointNPast(): number { return this.native.checkpointNPast(); }

  /** Reads tokens in a prefill phase, chunk by chunk, off the JS thread. Cancel via signal: the read stops at the next chunk boundary after the cancel reaches the worker. */
  async prefill(tokens: readonly number[], options: PrefillOptions): Promise<void> {
    await this.exclusive(async () => {
      const signal = options.signal;
      const onAbort = () => this.native.cancel();
      if (signal?.aborted) throw new SwaaError('SWAA_ERR_CANCELLED', 'prefill cancelled before it started');
      signal?.addEventListener('abort', onAbort);
      try {
        await wrap(() => this.native.eval(Int32Array.from(tokens), options.phase, options.logitsAll ?? false,
          options.onProgress ? (done: number, total: number, elapsedMs: number) =>
            options.onProgress?.({ done, total, elapsedMs }) : undefined));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /** Logits of row i of the last eval (-1 = last row). */
  logits(i = -1): Float32Array { return this.native.logits(i); }
  get nLogits(): number { return this.native.nLogits(); }

  /** Samples and decodes until an end-of-generation token, maxTokens, cancel or a full context. */
  async generate(options: GenerateOptions = {}): Promise<GenerateResult> {
    return this.exclusive(async () => {
      const s = options.sampler ?? {};
      const signal = options.signal;
      const onAbort = () => this.native.cancel();
      signal?.addEventListener('abort', onAbort);
      const decoder = new TextDecoder('utf-8');
      let text = '';
      try {
        const result = await wrap(() => this.native.generate({
          maxTokens: options.maxTokens ?? 256,
          temperature: s.temperature ?? 0,
          topK: s.topK ?? 40,
          topP: s.topP ?? 0.95,
          minP: s.minP ?? 0.05,
          repeatPenalty: s.repeatPenalty ?? 1,
          repeatLastN: s.repeatLastN ?? 64,
          seed: s.seed ?? 0xffffffff,
          cancelled: signal?.aborted ?? false,
        }, (token: number, bytes: Uint8Array) => {
          const piece = decoder.decode(bytes, { stream: true });
          text += piece;
          options.onToken?.(token, piece);
        }));
        const tail = decoder.decode();
        text += tail;
        return { tokens: Array.from(result.tokens), text, stopReason: result.stopReason };
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  /**
   * The same as generate(), as an async iterator of { token, text }; its return value is the result.
   * Breaking out of the loop cancels the generation.
   */
  async *stream(options: Omit<GenerateOptions, 'onToken'> = {}): AsyncGenerator<{ token: number; text: string }, GenerateResult> {
    const queue: Array<{ token: number; text: string }> = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    let result: GenerateResult | undefined;
    const running = this.generate({ ...options, onToken: (token, text) => { queue.push({ token, text }); wake?.(); } })
      .then((r) => { result = r; }, (e: unknown) => { failure = e; })
      .finally(() => { finished = true; wake?.(); });
    try {
      for (;;) {
        const next = queue.shift();
        if (next) { yield next; continue; }
        if (finished) break;
        await new Promise<void>((resolve) => { wake = resolve; });
        wake = undefined;
      }
    } finally {
      if (!finished) this.cancel();
      await running;
    }
    if (failure) throw failure;
    return result as GenerateResult;
  }

  /**
   * Attaches a LoRA adapter (null detaches) before the first prefill of a sequence. It is used only
   * when that first prefill is longer than the recipe's window (see swaa.h).
   */
  setAdapter(adapter: LoraAdapter | null, scale = 1): void {
    wrapSync(() => this.native.setAdapter(adapter ? adapter.native : null, scale));
  }
  /** Whether the current sequence runs with the adapter. */
  get adapterActive(): boolean { return this.native.adapterActive(); }

  /** Empties the context (tokens and checkpoint); its memory is kept for the next sequence. */
  clear(): void { this.idle('clear'); wrapSync(() => this.native.clear()); }

  /** Remembers this point (e.g. the end of a document) to return to with rewind(). */
  checkpoint(): void { this.idle('checkpoint'); wrapSync(() => this.native.checkpoint()); }
  /** Drops everything after the checkpoint without re-prefilling. */
  rewind(): void { this.idle('rewind'); wrapSync(() => this.native.rewind()); }

  async saveState(path: string): Promise<void> { await this.exclusive(() => wrap(() => this.native.saveFile(path))); }
  /** Restores a saved state; it becomes the checkpoint (a saved state is a prefilled document). */
  async loadState(path: string): Promise<void> { await this.exclusive(() => wrap(() => this.native.loadFile(path))); }

  metrics(): Metrics { return this.native.metrics(); }
  resetMetrics(): void { this.native.resetMetrics(); }
  layerPlan(): LayerPlan[] {
    return Array.from({ length: this.model.info.nLayer }, (_, i) => this.native.layerPlan(i));
  }

  /** Stops a running prefill/generate at the next chunk or token. */
  cancel(): void { this.native.cancel(); }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
  }

  /** The synchronous state changes must not race a prefill or generation running on a worker thread. */
  private idle(what: string): void {
    if (this.busy) throw new SwaaError('SWAA_ERR_PHASE', `cannot ${what} while a prefill or generation is running`);
  }

  private async exclusive<T>(f: () => Promise<T>): Promise<T> {
    if (this.disposed) throw new SwaaError('SWAA_ERR_INVALID_ARGUMENT', 'the context was disposed');
    if (this.busy) throw new SwaaError('SWAA_ERR_PHASE', 'the context is busy with another call');
    this.busy = true;
    try { return await f(); } finally { this.busy = false; }
  }
}
