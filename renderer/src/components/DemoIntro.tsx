/**
 * First run: what the demo model can and cannot answer, said plainly, and "Try the demo", which adds
 * the bundled sample documents (the engine reads them from its own folder; nothing is uploaded).
 */
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
  if (!model?.isDemo) return null;
  return (
    <section className={`demo-intro${hasDocuments ? '' : ' first-run'}`} aria-labelledby="demo-title" data-testid="demo-intro">
      <div className="demo-text">
        <h2 id="demo-title">The demo model</h2>
        <p>
          A 1.3M-parameter model trained on synthetic documents. It answers one kind of question:
          {' '}<q>What is the <em>attribute</em> of <em>name</em>?</q> — a person’s manager, home town, start date, budget,
          badge number, office room, phone extension or project, looked up in the document.
        </p>
        <p className="muted small-text">
          It cannot summarise, explain, compare or answer anything else, and it does not understand real documents.
          For those, add a Qwen3, Qwen2 or Llama 3 GGUF model in the Model panel.
        </p>
      </div>
      <TryDemoButton className="primary" />
      <ErrorNote error={error} context="Samples" />
    </section>
  );
}
