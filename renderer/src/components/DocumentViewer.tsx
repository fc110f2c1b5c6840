/** The opened document's text, in a modal dialog. Rendered as text: documents are never HTML here. */
import { useEffect, useRef } from 'react';
import { useLibrary, useStores } from '../bridge/stores';
import { formatCount } from '../lib/format';

export function DocumentViewer() {
  const { library } = useStores();
  const opened = useLibrary((s) => s.opened);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d || typeof d.showModal !== 'function') return;
    if (opened && !d.open) d.showModal();
    if (!opened && d.open) d.close();
  }, [opened]);

  return (
    <dialog ref={dialog} className="viewer" aria-labelledby="viewer-title"
      onClose={() => library.getState().close()}>
      {opened && (
        <>
          <header>
            <h2 id="viewer-title">{opened.name}</h2>
            <span className="muted">{formatCount(opened.chars)} characters</span>
            <button type="button" onClick={() => library.getState().close()} autoFocus>Close</button>
          </header>
          <pre className="doc-text" data-testid="document-text">{opened.text}</pre>
        </>
      )}
    </dialog>
  );
}
