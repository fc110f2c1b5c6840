/**
 * Document token counts per (document, model): what the UI shows against the context size before a
 * question is asked. Counted with the model's own prompt builder (the document part of
 * buildPrompt(document, '')), the same tokens a run prefills, and stored in the library.
 */
import { IpcError, type DocumentTokens } from '../../shared/contract.js';
import type { Library, StoredModel } from '../library/library.js';
import type { EnginePool } from '../engine/pool.js';
import type { RuntimeModel } from '../engine/runtime.js';
import type { EmitFn } from '../emit.js';

export interface TokenCounterDeps {
  library: Library;
  pool: EnginePool | null;
  runtimeProblem: string | null;
  emit: EmitFn;
  answerRoom: number;
  selectedModelId(): string;
  /** Called with every model this loads, so the host can keep the model's facts. */
  loaded(stored: StoredModel, model: RuntimeModel): void;
  disposed(): boolean;
}

export class TokenCounter {
  private readonly inFlight = new Map<string, Promise<DocumentTokens>>();
  private background: Promise<void> = Promise.resolve();

  constructor(private readonly deps: TokenCounterDeps) {}

  /** The stored count, or counts it now (loading the model when it is not loaded yet). */
  async count(documentId: string, modelId = this.deps.selectedModelId()): Promise<DocumentTokens> {
    const { library, answerRoom } = this.deps;
    const summary = library.documentSummary(documentId);
    if (!summary) throw new IpcError('NOT_FOUND', 'no such document');
    const known = summary.tokenCounts[modelId];
    if (known !== undefined) return { documentId, modelId, tokens: known, answerRoom };
    const key = `${documentId}|${modelId}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const p = this.countNow(documentId, modelId).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /**
   * Counts in the background, one document after another, for the selected model: after a document
   * is added or another model is selected, so the count is there before the person asks.
   * Failures stay silent here: a run or an explicit documents.tokens reports them.
   */
  countSoon(documentIds?: readonly string[]): void {
    if (!this.deps.pool) return;
    this.background = this.background.then(async () => {
      const modelId = this.deps.selectedModelId();
      const ids = documentIds ?? this.deps.library.listDocuments().filter((d) => d.tokenCounts[modelId] === undefined).map((d) => d.id);
      for (const id of ids) {
        if (this.deps.disposed()) return;
        await this.count(id, modelId).catch(() => undefined);
      }
    });
  }

  /** Settles when the background counting queued so far is done (tests). */
  settled(): Promise<void> { return this.background; }

  private async countNow(documentId: string, modelId: string): Promise<DocumentTokens> {
    const { library, pool, answerRoom } = this.deps;
    if (!pool) throw new IpcError('RUNTIME_UNAVAILABLE', this.deps.runtimeProblem ?? 'the runtime is not available');
    const stored = library.model(modelId);
    if (!stored) throw new IpcError('MODEL_NOT_FOUND', `no model "${modelId}"`);
    const model = await pool.model(stored.id, stored.path);
    this.deps.loaded(stored, model);
    const doc = library.document(documentId);
    if (!doc) throw new IpcError('NOT_FOUND', 'the document was removed');
    // The document part does not depend on the question: it is the prefix every question shares.
    const tokens = model.buildPrompt(doc.text, '').documentTokens.length;
    if (this.deps.disposed()) throw new IpcError('HOST_UNAVAILABLE', 'the engine is shutting down');
    library.setTokenCount(documentId, modelId, tokens);
    this.deps.emit('library.changed', { kind: 'documents' });
    return { documentId, modelId, tokens, answerRoom };
  }
}
