/** An error where it happened: the sentence, the original detail on request, and a way to dismiss it. */
import type { FriendlyError } from '../lib/errors';

export function ErrorNote({ error, onDismiss, context }: {
  error: FriendlyError | null;
  onDismiss?: () => void;
  /** What failed, e.g. the file name. */
  context?: string;
}) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert" data-code={error.code ?? undefined}>
      <p>
        {context && <strong>{context}: </strong>}
        {error.message}
      </p>
      {error.detail && (
        <details>
          <summary>Details</summary>
          <code>{error.detail}</code>
        </details>
      )}
      {onDismiss && (
        <button type="button" className="link" onClick={onDismiss} aria-label={`Dismiss: ${error.message}`}>
          Dismiss
        </button>
      )}
    </div>
  );
}
