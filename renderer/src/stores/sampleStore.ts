/**
 * The bundled sample documents of the demo model and their questions: "Try the demo" adds them, and
 * a sample document shows its questions as chips. The engine reads the samples from its own folder.
 */
import { createStore } from 'zustand/vanilla';
import type { SampleDocument, Unsubscribe } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

export interface SampleState {
  /** Null until loaded. */
  available: boolean | null;
  samples: SampleDocument[];
  adding: boolean;
  error: FriendlyError | null;
  load(): Promise<void>;
  /** Adds every sample; returns the library id of the first one (to select it), or null. */
  addAll(): Promise<string | null>;
  listen(): Unsubscribe;
}

/** The sample questions of a library document (none when it is not a sample). */
export function sampleQuestions(samples: readonly SampleDocument[], documentId: string | null): SampleDocument['questions'] {
  if (!documentId) return [];
  return samples.find((s) => s.documentId === documentId)?.questions ?? [];
}

/** Samples that are not in the library yet. */
export function missingSamples(samples: readonly SampleDocument[]): SampleDocument[] {
  return samples.filter((s) => s.documentId === null);
}

export function createSampleStore(bridge: StoreBridge) {
  return createStore<SampleState>()((set, get) => ({
    available: null,
    samples: [],
    adding: false,
    error: null,
    async load() {
      try {
        const r = await bridge.invoke('documents.samples', {});
        set({ available: r.available, samples: r.samples, error: null });
      } catch (e) {
        set({ available: false, error: describeError(e) });
      }
    },
    async addAll() {
      set({ adding: true, error: null });
      try {
        const r = await bridge.invoke('documents.addSamples', {});
        set({ available: r.available, samples: r.samples });
        return r.samples.find((s) => s.documentId !== null)?.documentId ?? null;
      } catch (e) {
        set({ error: describeError(e) });
        return null;
      } finally {
        set({ adding: false });
      }
    },
    listen() {
      // A sample removed from, or dropped into, the library changes which ids the questions belong to.
      return bridge.on('library.changed', ({ kind }) => { if (kind === 'documents' && !get().adding) void get().load(); });
    },
  }));
}
export type SampleStore = ReturnType<typeof createSampleStore>;
