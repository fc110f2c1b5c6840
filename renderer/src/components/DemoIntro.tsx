/**
 * First run: what the demo model can and cannot answer, said plainly, and "Try the demo", which adds
 * the bundled sample documents (the engine reads them from its own folder; nothing is uploaded).
 */
import { useEffect, useState } from 'react';
import { useLibrary, useModels, useSamples, useStores } from '../bridge/stores';
import { ErrorNote } from './ErrorNote';
import { selectedModel } from '../stores/modelStore';
import { missingSamples } from '../stores/sampleStore';

/** Adds the samples and selects the first one, so its question chips show at once. */
export function useTryDemo(): { canTry: boolean; adding: boolean; tryDemo: () => Promise<void> } {
  const { samples, library } = useStores();
  const available = useSamples((s) => s.available === true);
  const missing = useSamples((s) => missingSamples(s.samples).length);
  const adding = useSamples((s) => s.adding);
  return {
    canTry: available && missing > 0,
    adding,
    async tryDemo() {
      const first = await samples.getState().addAll();
      await library.getState().refresh();
      if (first) library.getState().select(first);
    },
  };
}

export function TryDemoButton({ className }: { className?: string }) {
  const { canTry, adding, tryDemo } = useTryDemo();
  if (!canTry) return null;
  return (
    <button type="button" className={className} disabled={adding} onClick={() => void tryDemo()} data-testid="try-demo">
      {adding ? 'Adding the samples…' : 'Try the demo'}
    </button>
  );
}

export function DemoIntro() {
  const model = useModels((s) => selectedModel(s.models));
  const hasDocuments = useLibrary((s) => s.documents.length > 0);
  const error = useSamples((s) => s.error);
  // Open on a first run; once there are documents it folds to one line, so the question stays in view.
  const [open, setOpen] = useState(!hasDocuments);
  useEffect(() => { if (hasDocuments) setOpen(false); }, [hasDocuments]);
  if (!model?.isDemo) return null;
  return (
    <section className="demo-intro" aria-label="The demo model" data-testid="demo-intro">
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <strong>Demo model:</strong> answers only <q>What is the <em>attribute</em> of <em>name</em>?</q>
          {!open && <span className="muted"> — what it can and cannot do</span>}
        </summary>
        <p>
          A 1.3M-parameter model trained on synthetic documents. It looks up one fact about a person in the document:
          their manager, home town, start date, budget, badge number, office room, phone extension or project.
        </p>
        <p className="muted small-text">
          It cannot summarise, explain, compare or answer anything else, and it does not understand real documents.
          For those, add a Qwen3, Qwen2 or Llama 3 GGUF model in the Model panel.
        </p>
      </details>
      <TryDemoButton className="primary" />
      <ErrorNote error={error} context="Samples" />
    </section>
  );
}
