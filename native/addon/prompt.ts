/**
 * Builds a document-QA prompt from the model's own chat template (tokenizer.chat_template, rendered
 * with @huggingface/jinja) and splits it where the document ends, so that the document and the
 * question can be prefilled as separate phases (SWAA question FA, document cache reuse).
 */
import { Template } from '@huggingface/jinja';
import type { Model } from './index.js';

/** Used when a GGUF carries no template: a plain, model-agnostic layout. */
const FALLBACK_TEMPLATE =
  '{% for m in messages %}{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}Answer:{% endif %}';

/** A marker that no document contains; the rendered prompt is cut at it. */
const SPLIT_MARKER = '\u0000SWAA_DOCUMENT_END\u0000';

export interface QaPrompt {
  /** Everything up to and including the document: cached once, shared by every question. */
  documentTokens: number[];
  /** The question and the generation prompt. */
  questionTokens: number[];
  /** The whole rendered prompt (for display and debugging). */
  text: string;
}

export interface PromptOptions {
  /** Text placed between the document and the question. */
  questionPrefix?: string;
  /** Extra variables for templates (e.g. enable_thinking for Qwen3). */
  templateVariables?: Record<string, unknown>;
}

/** Renders the chat template with one user message: document, then question. */
export function buildQaPrompt(model: Model, document: string, question: string, options: PromptOptions = {}): QaPrompt {
  const questionPrefix = options.questionPrefix ?? '\n\nQuestion: ';
  const content = `${document}${SPLIT_MARKER}${questionPrefix}${question}`;
  const template = new Template(model.chatTemplate ?? FALLBACK_TEMPLATE);
  const rendered = template.render({
    messages: [{ role: 'user', content }],
    add_generation_prompt: true,
    bos_token: model.bos >= 0 ? model.detokenize([model.bos], true) : '',
    eos_token: model.eos >= 0 ? model.detokenize([model.eos], true) : '',
    ...options.templateVariables,
  });
  const cut = rendered.indexOf(SPLIT_MARKER);
  if (cut < 0) throw new Error('the chat template dropped the document text');
  const head = rendered.slice(0, cut);
  const tail = rendered.slice(cut + SPLIT_MARKER.length);
  // BOS is added explicitly by the template when it wants one (bos_token); add it only if the
  // model asks for it and the template did not render it.
  const bosText = model.bos >= 0 ? model.detokenize([model.bos], true) : '';
  const needsBos = model.addBos && model.bos >= 0 && !(bosText && head.startsWith(bosText));
  const documentTokens = [...(needsBos ? [model.bos] : []), ...model.tokenize(head, { parseSpecial: true })];
  const questionTokens = model.tokenize(tail, { parseSpecial: true });
  return { documentTokens, questionTokens, text: head + tail };
}
