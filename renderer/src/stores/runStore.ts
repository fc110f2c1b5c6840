/**
 * Question runs: each run's streamed answer and raw prefill facts, what the answer area shows (one
 * run or one comparison), and the stored runs of the current document that the charts read.
 * Events can arrive before the request that started a run has returned, so any event creates its run.
 */
import { createStore } from 'zustand/vanilla';
import type {
  EventOf, PrefillPhase, PrefillProgress, Recipe, RequestOf, RunRecord, Unsubscribe,
} from '../contract';
import { describeError, isCancelled, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

/** 'pending': accepted, nothing processed yet (a compared run waits for the one before it). */
export type RunViewStatus = 'pending' | 'running' | 'done' | 'cancelled' | 'error';

export interface RunView {
  runId: string;
  documentId: string | null;
  question: string;
  presetId: string | null;
  recipe: Recipe | null;
  compareId: string | null;
  status: RunViewStatus;
  /** The latest raw facts of each prefill phase seen so far. */
  progress: Partial<Record<PrefillPhase, PrefillProgress>>;
  answer: string;
  /** Generated tokens so far. */
  tokenCount: number;
  /** The stored record with every metric, once the run has finished. */
  record: RunRecord | null;
  error: FriendlyError | null;
  cancelling: boolean;
}

export type RunFocus =
  | { kind: 'single'; runId: string }
  | { kind: 'compare'; compareId: string; runIds: string[] };

export interface RunState {
  runs: Record<string, RunView>;
  /** The latest run or comparison started or opened, on any document. */
  focus: RunFocus | null;
  /** What the answer area shows for each document: an answer belongs to its document. */
  focusByDocument: Record<string, RunFocus>;
  /** Stored runs of `historyDocumentId`, newest first. */
  history: RunRecord[];
  historyDocumentId: string | null;
  submitting: boolean;
  /** The request to start a run was refused (bad input, busy engine…). */
  submitError: FriendlyError | null;
  historyError: FriendlyError | null;
  ask(request: RequestOf<'runs.ask'>): Promise<string | null>;
  /**
   * Runs one question on several presets; `custom`, when given, joins them as one more queued run
   * (runs.compare takes preset ids only).
   */
  compare(request: RequestOf<'runs.compare'>, custom?: Recipe): Promise<string | null>;
  cancel(runId: string): Promise<void>;
  /** Shows a stored run (from the runs table or the conversation) as the document's answer card. */
  openRun(record: RunRecord): void;
  loadHistory(documentId: string | null): Promise<void>;
  listen(): Unsubscribe;
}

const FINISHED: ReadonlySet<RunViewStatus> = new Set(['done', 'cancelled', 'error']);

export function isFinished(run: RunView): boolean {
  return FINISHED.has(run.status);
}

/** The phase a run is in now, derived from what it has reported. */
export function runPhase(run: RunView): PrefillPhase | 'decode' | null {
  if (run.tokenCount > 0) return 'decode';
  if (run.progress.question) return 'question';
  if (run.progress.document) return 'document';
  if (run.progress.load) return 'load';
  return null;
}

function blankRun(runId: string, init: Partial<RunView> = {}): RunView {
  return {
    runId, documentId: null, question: '', presetId: null, recipe: null, compareId: null,
    status: 'pending', progress: {}, answer: '', tokenCount: 0, record: null, error: null, cancelling: false,
    ...init,
  };
}

function statusOf(record: RunRecord): RunViewStatus {
  return record.status === 'running' ? 'running' : record.status;
}

export function createRunStore(bridge: StoreBridge) {
  return createStore<RunState>()((set, get) => {
    /** Applies a change to one run, creating it when this is the first word of it. */
    function update(runId: string, change: (run: RunView) => Partial<RunView>): void {
      set((s) => {
        const run = s.runs[runId] ?? blankRun(runId);
        return { runs: { ...s.runs, [runId]: { ...run, ...change(run) } } };
      });
    }

    /** Shows `f` in the answer area of `documentId`. */
    function focusOn(documentId: string, f: RunFocus): void {
      set((s) => ({ focus: f, focusByDocument: { ...s.focusByDocument, [documentId]: f } }));
    }

    function onDone({ runId, run: record }: EventOf<'run.done'>): void {
      update(runId, () => ({
        status: statusOf(record), answer: record.answer, record, cancelling: false,
        documentId: record.documentId, presetId: record.presetId, recipe: record.recipe,
        compareId: record.compareId, question: record.question,
        error: record.error ? describeError(record.error) : null,
      }));
      if (record.documentId === get().historyDocumentId) {
        set((s) => ({ history: [record, ...s.history.filter((r) => r.id !== record.id)] }));
      }
    }

    return {
      runs: {},
      focus: null,
      focusByDocument: {},
      history: [],
      historyDocumentId: null,
      submitting: false,
      submitError: null,
      historyError: null,
      async ask(request) {
        set({ submitting: true, submitError: null });
        try {
          const { runId } = await bridge.invoke('runs.ask', request);
          update(runId, () => ({
            documentId: request.documentId, question: request.question,
            presetId: request.presetId ?? null, recipe: request.recipe ?? null,
          }));
          focusOn(request.documentId, { kind: 'single', runId });
          return runId;
        } catch (e) {
          set({ submitError: describeError(e) });
          return null;
        } finally {
          set({ submitting: false });
        }
      },
      async compare(request, custom) {
        set({ submitting: true, submitError: null });
        try {
          const { compareId, runs } = await bridge.invoke('runs.compare', request);
          for (const { presetId, runId } of runs) {
            update(runId, () => ({ documentId: request.documentId, question: request.question, presetId, compareId }));
          }
          const runIds = runs.map((r) => r.runId);
          focusOn(request.documentId, { kind: 'compare', compareId, runIds });
          if (custom) {
            const { runId } = await bridge.invoke('runs.ask', {
              documentId: request.documentId, modelId: request.modelId, question: request.question,
              recipe: custom, maxTokens: request.maxTokens, cold: request.cold,
            });
            update(runId, () => ({ documentId: request.documentId, question: request.question, recipe: custom }));
            focusOn(request.documentId, { kind: 'compare', compareId, runIds: [...runIds, runId] });
          }
          return compareId;
        } catch (e) {
          set({ submitError: describeError(e) });
          return null;
        } finally {
          set({ submitting: false });
        }
      },
      async cancel(runId) {
        update(runId, () => ({ cancelling: true }));
        try {
          const { cancelled } = await bridge.invoke('runs.cancel', { runId });
          // Nothing to cancel: the run had already finished; its done event says how.
          if (!cancelled) update(runId, () => ({ cancelling: false }));
        } catch (e) {
          update(runId, () => ({ cancelling: false, error: describeError(e) }));
        }
      },
      openRun(record) {
        update(record.id, (run) => ({
          status: statusOf(record), answer: record.answer, record, documentId: record.documentId, question: record.question,
          presetId: record.presetId, recipe: record.recipe, compareId: record.compareId,
          tokenCount: Math.max(run.tokenCount, record.metrics?.decodeTokens ?? 0),
          error: record.error ? describeError(record.error) : null,
        }));
        focusOn(record.documentId, { kind: 'single', runId: record.id });
      },
      async loadHistory(documentId) {
        set({ historyDocumentId: documentId, history: [], historyError: null });
        if (!documentId) return;
        try {
          const history = await bridge.invoke('runs.list', { documentId });
          if (get().historyDocumentId === documentId) set({ history });
        } catch (e) {
          set({ historyError: describeError(e) });
        }
      },
      listen() {
        const offs = [
          bridge.on('run.started', (e) => update(e.runId, () => ({
            documentId: e.documentId, question: e.question, presetId: e.presetId, recipe: e.recipe, compareId: e.compareId,
          }))),
          bridge.on('run.progress', ({ runId, phase, done, total, elapsedMs }) => update(runId, (run) => ({
            status: isFinished(run) ? run.status : 'running',
            progress: { ...run.progress, [phase]: { done, total, elapsedMs } },
          }))),
          bridge.on('run.token', ({ runId, text, index }) => update(runId, (run) => ({
            status: isFinished(run) ? run.status : 'running',
            answer: run.answer + text,
            tokenCount: Math.max(run.tokenCount, index + 1),
          }))),
          bridge.on('run.done', onDone),
          bridge.on('run.error', ({ runId, error }) => update(runId, () => (isCancelled(error)
            ? { status: 'cancelled', error: null, cancelling: false }
            : { status: 'error', error: describeError(error), cancelling: false }))),
        ];
        return () => { for (const off of offs) off(); };
      },
    };
  });
}
export type RunStore = ReturnType<typeof createRunStore>;
