/**
 * A model answer: markdown rendered by marked and sanitised by DOMPurify; <think> sections fold
 * away (open while they are still being written).
 */
import { useMemo } from 'react';
import { splitThink } from '../lib/think';
import { renderMarkdown } from '../lib/markdown';

function Markdown({ source }: { source: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  // Sanitised above; model output is the only HTML the app renders.
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}

export function Answer({ text, streaming }: { text: string; streaming: boolean }) {
  const parts = splitThink(text);
  return (
    <div className="answer" aria-live={streaming ? 'polite' : 'off'} aria-busy={streaming}>
      {parts.map((part, i) => part.kind === 'think'
        ? (
          <details key={i} className="think" open={part.open}>
            <summary>{part.open ? 'Thinking…' : 'Thoughts'}</summary>
            <Markdown source={part.text} />
          </details>
        )
        : <Markdown key={i} source={part.text} />)}
      {streaming && <span className="cursor" aria-hidden="true" />}
    </div>
  );
}
