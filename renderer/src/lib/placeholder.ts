/** The question box's placeholder: what the selected model can be asked. */

/** The demo model answers one question shape (models/demo/MODEL_CARD.md). */
export const DEMO_QUESTION_SHAPE = 'What is the home town of <a person in the document>?';

export function questionPlaceholder(model: { isDemo: boolean } | null, sampleQuestions: readonly { question: string }[]): string {
  if (!model) return 'Choose a model to ask a question.';
  if (model.isDemo) return `e.g. ${sampleQuestions[0]?.question ?? DEMO_QUESTION_SHAPE}`;
  return 'Ask anything about the document, e.g. “What are the main findings?” or “Who signed it, and when?”';
}
