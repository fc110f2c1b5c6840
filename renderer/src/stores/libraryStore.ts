/**
 * The document library: the list, the chosen document, the one opened for reading, and what
 * happened to each dropped file (uploading, or the reason it was refused).
 */
import { createStore } from 'zustand/vanilla';
import type { DocumentDetail, DocumentSummary, Unsubscribe } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import { bytesToBase64 } from '../lib/files';
import type { StoreBridge } from './bridgeTypes';

/** The parts of a DOM File the store reads (a fake in tests). */
export interface DroppedFile {
  readonly name: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface FileProblem {
  name: string;
  error: FriendlyError;
}

export interface LibraryState {
  documents: DocumentSummary[];
  selectedId: string | null;
  opened: DocumentDetail | null;
  /** Names of files being read or uploaded now. */
  adding: string[];
  /** Files that could not be added, each with its reason; shown under the drop zone. */
  problems: FileProblem[];
  /** The list itself could not be loaded or changed. */
  error: FriendlyError | null;
  /** Tokens the engine keeps for the answer (from documents.tokens), once known. */
  answerRoom: number | null;
  /** "documentId|modelId" of counts being made now. */
  counting: string[];
  /** Why a document could not be counted, by "documentId|modelId". */
  countErrors: Record<string, FriendlyError>;
  /** Makes sure the document's tokens for the model are known (the engine counts them when not). */
  countTokens(documentId: string, modelId: string): Promise<void>;
  refresh(): Promise<void>;
  addFiles(files: readonly DroppedFile[]): Promise<void>;
  addPath(path: string): Promise<void>;
  remove(id: string): Promise<void>;
  select(id: string | null): void;
  open(id: string): Promise<void>;
  close(): void;
  dismissProblem(index: number): void;
  listen(): Unsubscribe;
}

export function createLibraryStore(bridge: StoreBridge) {
  return createStore<LibraryState>()((set, get) => {
    /** Adds one document and selects it; a failure is recorded against the file's name. */
    async function addOne(name: string, add: () => Promise<DocumentSummary>): Promise<void> {
      set((s) => ({ adding: [...s.adding, name] }));
      try {
        const doc = await add();
        set((s) => ({
          documents: [doc, ...s.documents.filter((d) => d.id !== doc.id)],
          selectedId: doc.id,
        }));
      } catch (e) {
        set((s) => ({ problems: [...s.problems, { name, error: describeError(e) }] }));
      } finally {
        set((s) => {
          const i = s.adding.indexOf(name);
          return { adding: s.adding.filter((_, j) => j !== i) };
        });
      }
    }

    return {
      documents: [],
      selectedId: null,
      opened: null,
      adding: [],
      problems: [],
      error: null,
      answerRoom: null,
      counting: [],
      countErrors: {},
      async countTokens(documentId, modelId) {
        const key = `${documentId}|${modelId}`;
        const known = get().documents.find((d) => d.id === documentId)?.tokenCounts[modelId];
        if ((known !== undefined && get().answerRoom !== null) || get().counting.includes(key) || get().countErrors[key]) return;
        set((s) => ({ counting: [...s.counting, key] }));
        try {
          const r = await bridge.invoke('documents.tokens', { id: documentId, modelId });
          set((s) => ({
            answerRoom: r.answerRoom,
            documents: s.documents.map((d) => (d.id === documentId ? { ...d, tokenCounts: { ...d.tokenCounts, [modelId]: r.tokens } } : d)),
          }));
        } catch (e) {
          set((s) => ({ countErrors: { ...s.countErrors, [key]: describeError(e) } }));
        } finally {
          set((s) => ({ counting: s.counting.filter((k) => k !== key) }));
        }
      },
      async refresh() {
        try {
          const documents = await bridge.invoke('documents.list', {});
          const selectedId = get().selectedId;
          const stillThere = documents.some((d) => d.id === selectedId);
          set({ documents, selectedId: stillThere ? selectedId : (documents[0]?.id ?? null), error: null });
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
      async addFiles(files) {
        for (const file of files) {
          const path = bridge.pathForFile?.(file as unknown as File) ?? '';
          await addOne(file.name, async () => path
            ? bridge.invoke('documents.add', { path })
            : bridge.invoke('documents.upload', {
              name: file.name,
              dataBase64: bytesToBase64(new Uint8Array(await file.arrayBuffer())),
            }));
        }
      },
      async addPath(path) {
        const name = path.split(/[\\/]/).pop() || path;
        await addOne(name, () => bridge.invoke('documents.add', { path }));
      },
      async remove(id) {
        try {
          await bridge.invoke('documents.remove', { id });
          set((s) => {
            const documents = s.documents.filter((d) => d.id !== id);
            return {
              documents,
              selectedId: s.selectedId === id ? (documents[0]?.id ?? null) : s.selectedId,
              opened: s.opened?.id === id ? null : s.opened,
              error: null,
            };
          });
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
      select(id) { set({ selectedId: id }); },
      async open(id) {
        try {
          set({ opened: await bridge.invoke('documents.get', { id }), error: null });
        } catch (e) {
          set({ error: describeError(e) });
        }
      },
      close() { set({ opened: null }); },
      dismissProblem(index) {
        set((s) => ({ problems: s.problems.filter((_, i) => i !== index) }));
      },
      listen() {
        return bridge.on('library.changed', ({ kind }) => {
          // A run fills in the document's token count for its model.
          if (kind === 'documents' || kind === 'runs') void get().refresh();
        });
      },
    };
  });
}
export type LibraryStore = ReturnType<typeof createLibraryStore>;
