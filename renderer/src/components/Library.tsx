/**
 * The library sidebar: a drop zone for documents and .gguf models, and the documents with their
 * pages, tokens and status. Document text is shown only as text (DocumentViewer).
 */
import { useRef, useState, type DragEvent } from 'react';
import { useLibrary, useModels, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { TryDemoButton } from './DemoIntro';
import { isModelFile } from '../lib/files';
import { formatBytes, formatCount } from '../lib/format';
import { selectedModel } from '../stores/modelStore';
import type { DocumentSummary } from '../contract';

const ACCEPT = '.pdf,.docx,.md,.markdown,.txt,.text,.html,.htm,.gguf';

export function Library() {
  const { bridge, library, models } = useStores();
  const documents = useLibrary((s) => s.documents);
  const selectedId = useLibrary((s) => s.selectedId);
  const adding = useLibrary((s) => s.adding);
  const problems = useLibrary((s) => s.problems);
  const error = useLibrary((s) => s.error);
  const model = useModels((s) => selectedModel(s.models));
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function take(files: readonly File[]) {
    const modelFiles = files.filter((f) => isModelFile(f.name));
    const docs = files.filter((f) => !isModelFile(f.name));
    for (const f of modelFiles) await models.getState().addFile(f);
    await library.getState().addFiles(docs);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    void take(Array.from(e.dataTransfer.files));
  }

  async function choose() {
    if (bridge.pickFiles) {
      for (const path of await bridge.pickFiles('document')) await library.getState().addPath(path);
    } else {
      input.current?.click();
    }
  }

  return (
    <aside className="library" aria-labelledby="library-title">
      <h2 id="library-title">Library</h2>
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragEnter={(e) => { e.preventDefault(); setOver(true); }}
        onDragOver={(e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop documents (PDF, DOCX, Markdown, HTML, text) or a .gguf model here</p>
        <button type="button" onClick={() => void choose()}>Choose files…</button>
        <input
          ref={input} type="file" multiple accept={ACCEPT} hidden tabIndex={-1}
          onChange={(e) => { void take(Array.from(e.target.files ?? [])); e.target.value = ''; }}
        />
      </div>
      {adding.length > 0 && (
        <p className="muted" role="status">Reading {adding.join(', ')}…</p>
      )}
      <div className="problems">
        {problems.map((p, i) => (
          <ErrorNote key={`${p.name}-${i}`} error={p.error} context={p.name}
            onDismiss={() => library.getState().dismissProblem(i)} />
        ))}
      </div>
      <ErrorNote error={error} />
      {documents.length === 0
        ? (
          <div className="empty-library">
            <p className="muted">No documents yet.</p>
            <TryDemoButton />
          </div>
        )
        : (
          <ul className="doc-list" aria-label="Documents">
            {documents.map((d) => (
              <DocumentItem key={d.id} doc={d} selected={d.id === selectedId} modelId={model?.id ?? null} />
            ))}
          </ul>
        )}
    </aside>
  );
}

function DocumentItem({ doc, selected, modelId }: { doc: DocumentSummary; selected: boolean; modelId: string | null }) {
  const { library } = useStores();
  const tokens = modelId ? doc.tokenCounts[modelId] : undefined;
  return (
    <li className={`doc${selected ? ' selected' : ''}`} data-testid="document">
      <button
        type="button" className="doc-main" aria-pressed={selected}
        onClick={() => library.getState().select(doc.id)}
        title={doc.path}
      >
        <span className="doc-name">{doc.name}</span>
        <span className="doc-facts muted">
          {doc.format.toUpperCase()}
          {doc.pages !== null && ` · ${formatCount(doc.pages)} pages`}
          {` · ${tokens !== undefined ? `${formatCount(tokens)} tokens` : `${formatCount(doc.chars)} chars`}`}
          {` · ${formatBytes(doc.fileBytes)}`}
        </span>
        <span className="doc-status">
          {tokens !== undefined ? 'Read by this model' : 'Not read yet'}
          {doc.warnings.length > 0 && ` · ${doc.warnings.length} warning${doc.warnings.length > 1 ? 's' : ''}`}
        </span>
      </button>
      <div className="doc-actions">
        <button type="button" className="small" onClick={() => void library.getState().open(doc.id)}
          aria-label={`Open ${doc.name}`}>Open</button>
        <button type="button" className="small danger" onClick={() => void library.getState().remove(doc.id)}
          aria-label={`Remove ${doc.name}`}>Remove</button>
      </div>
      {doc.warnings.length > 0 && selected && (
        <ul className="warnings">{doc.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
      )}
    </li>
  );
}
