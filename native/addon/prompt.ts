/**
 * The one document-QA prompt builder. The app's host, the CLI, web mode, `npm run eval`, `npm run
 * samples` and `npm run bench` all build their prompts here, so what is measured is what users run.
 *
 * The prompt is the model's own chat template (tokenizer.chat_template, rendered with
 * @huggingface/jinja) over one user message, `{document}\n\nQuestion: {question}`. The demo GGUF's
 * template wraps that message as `Document:\n{message}\nAnswer:`, which is exactly its training layout.
 *
 * Tokenization follows llama.cpp's special-token parsing, with one difference that matters for
 * untrusted text: the rendered prompt is split at the special tokens the *template* wrote, and every
 * run of text between them (template text, document and question alike) is tokenized whole without
 * special parsing. So "<|im_end|>" inside a document stays text, while a template's own control
 * tokens become tokens; and text is never cut where the template did not cut it (".\n\n" is one
 * token in Qwen2-style vocabularies, so tokenizing the document and the question apart would give
 * tokens the model never saw).
 *
 * The result is split into a document phase and a question phase at the first token that starts at
 * or after the "Question:" text: a token that straddles the boundary stays with the document.
 */
import { Template } from '@huggingface/jinja';
import type { Model } from './index.js';

/** Used when a GGUF carries no template: the plain layout the demo model was trained on. */
export const FALLBACK_TEMPLATE =
  "{%- for m in messages -%}{%- if m['role'] == 'user' -%}{{ 'Document:\\n' ~ m['content'] ~ '\\nAnswer:' }}{%- endif -%}{%- endfor -%}";

/** Text between the document and the question, inside the user message. */
export const QUESTION_PREFIX = '\n\nQuestion: ';

/**
 * The one user message of a QA prompt. The local runtime renders it through the model's template; a
 * remote server (electron/host/engine/remote.ts) receives it as the chat message and applies its own.
 */
export function qaUserMessage(document: string, question: string): string {
  return `${document.trimEnd()}${QUESTION_PREFIX}${question.trim()}`;
}

/** Limits that keep a hostile template from running away (the host renders it on its own thread). */
const MAX_RENDERED_CHARS_OVER_CONTENT = 1 << 20;

/** Markers that locate the user content in the rendering. A document that happens to contain one makes
 *  the "renders the message once" check below fail with a clear error; it is never mis-split. */
const OPEN = '\uF8F0\uF8F1open\uF8F1\uF8F0';
const DOC_END = '\uF8F0\uF8F1doc-end\uF8F1\uF8F0';
const CLOSE = '\uF8F0\uF8F1close\uF8F1\uF8F0';

/** What the builder needs of a model (a Model, or a test double). */
export type PromptModel = Pick<Model, 'chatTemplate' | 'bos' | 'eos' | 'addBos' | 'tokenize' | 'tokenBytes' | 'detokenize'>;

export interface QaPrompt {
  /** Everything before the question: cached once, shared by every question on the document. */
  documentTokens: number[];
  /** The question and the generation prompt. */
  questionTokens: number[];
  /** The whole rendered prompt, special tokens as text (for display and debugging). */
  text: string;
  /** Offset in `text` (UTF-16 units) where the document begins: lets callers map document
   *  positions (a fact) to tokens with `tokenStartBytes`. */
  documentStart: number;
  /** Offset in `text` where the question text begins. */
  questionStart: number;
}

export class PromptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PromptError';
  }
}

type Piece = { special: number } | { text: string };

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The texts of the control tokens a template fragment contains (found by tokenizing it with special
 *  parsing and keeping the tokens that render only when special tokens are rendered). */
function controlTokensIn(model: PromptModel, fragment: string): Map<string, number> {
  const found = new Map<string, number>();
  if (!fragment) return found;
  for (const t of model.tokenize(fragment, { parseSpecial: true })) {
    if (model.tokenBytes(t, false).length > 0) continue;
    const text = Buffer.from(model.tokenBytes(t, true)).toString('utf8');
    if (text) found.set(text, t);
  }
  return found;
}

/** Splits a template fragment at its control tokens. */
function splitAtControlTokens(fragment: string, controls: Map<string, number>): Piece[] {
  const names = [...controls.keys()].sort((a, b) => b.length - a.length); // longest match first
  const pieces: Piece[] = [];
  let text = '';
  for (let i = 0; i < fragment.length;) {
    const hit = names.find((n) => fragment.startsWith(n, i));
    if (hit) {
      if (text) pieces.push({ text });
      text = '';
      pieces.push({ special: controls.get(hit)! });
      i += hit.length;
    } else {
      text += fragment[i];
      i += 1;
    }
  }
  if (text) pieces.push({ text });
  return pieces;
}

/** Byte offset where each token starts, plus the end; null when the pieces do not spell the text. */
export function tokenStartBytes(model: Pick<PromptModel, 'tokenBytes'>, tokens: readonly number[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const t of tokens) {
    starts.push(at);
    at += model.tokenBytes(t, true).length;
  }
  starts.push(at);
  return starts;
}

function renderTemplate(model: PromptModel, content: string): string {
  const source = model.chatTemplate ?? FALLBACK_TEMPLATE;
  let template: Template;
  try {
    template = new Template(source);
  } catch (err) {
    throw new PromptError(`the model's chat template cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
  }
  let rendered: string;
  try {
    rendered = template.render({
      messages: [{ role: 'user', content }],
      add_generation_prompt: true,
      bos_token: model.bos >= 0 ? model.detokenize([model.bos], true) : '',
      eos_token: model.eos >= 0 ? model.detokenize([model.eos], true) : '',
      enable_thinking: false,
    });
  } catch (err) {
    throw new PromptError(`the model's chat template failed to render: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rendered.length > content.length + MAX_RENDERED_CHARS_OVER_CONTENT) {
    throw new PromptError(`the model's chat template renders ${rendered.length} characters for ${content.length} of content`);
  }
  return rendered;
}

/** Builds the QA prompt for one document and one question, split into the document and question phases. */
export function buildQaPrompt(model: PromptModel, document: string, question: string): QaPrompt {
  const doc = document.trimEnd();
  const q = question.trim();
  const rendered = renderTemplate(model, `${OPEN}${doc}${DOC_END}${QUESTION_PREFIX}${q}${CLOSE}`);
  const open = rendered.indexOf(OPEN);
  const docEnd = rendered.indexOf(DOC_END);
  const close = rendered.indexOf(CLOSE);
  if (open < 0 || docEnd < open || close < docEnd || rendered.indexOf(OPEN, open + 1) >= 0 || rendered.indexOf(CLOSE, close + 1) >= 0) {
    throw new PromptError("the model's chat template does not render the user's message once and unchanged");
  }
  const head = rendered.slice(0, open);
  const content = rendered.slice(open + OPEN.length, close).replace(DOC_END, '');
  if (content !== qaUserMessage(doc, q)) {
    throw new PromptError("the model's chat template changes the user's message");
  }
  const tail = rendered.slice(close + CLOSE.length);
  const text = head + content + tail;
  const documentStart = head.length;
  const questionStart = documentStart + doc.length + QUESTION_PREFIX.length - QUESTION_PREFIX.trimStart().length;

  // The pieces: template fragments split at their control tokens, the user content as text; adjacent
  // texts join, so one run of text is tokenized as one string, as llama.cpp does.
  const controls = new Map([...controlTokensIn(model, head), ...controlTokensIn(model, tail)]);
  const pieces: Piece[] = [];
  const push = (p: Piece) => {
    const last = pieces[pieces.length - 1];
    if ('text' in p && last && 'text' in last) last.text += p.text; else pieces.push(p);
  };
  splitAtControlTokens(head, controls).forEach(push);
  push({ text: content });
  splitAtControlTokens(tail, controls).forEach(push);

  const tokens: number[] = [];
  let cut = -1;
  let textAt = 0; // offset in `text` where the current piece starts
  for (const p of pieces) {
    if ('special' in p) {
      tokens.push(p.special);
      textAt += Buffer.from(model.tokenBytes(p.special, true)).toString('utf8').length;
      continue;
    }
    const pieceStart = textAt;
    textAt += p.text.length;
    const containsCut = questionStart >= pieceStart && questionStart < textAt;
    if (!containsCut) {
      tokens.push(...model.tokenize(p.text, { parseSpecial: false }));
      continue;
    }
    const ids = model.tokenize(p.text, { parseSpecial: false });
    const starts = tokenStartBytes(model, ids);
    const cutByte = utf8Length(p.text.slice(0, questionStart - pieceStart));
    if (starts[starts.length - 1] === utf8Length(p.text)) {
      const k = starts.findIndex((b) => b >= cutByte);
      cut = tokens.length + k;
      tokens.push(...ids);
    } else {
      // Pieces that do not spell the text byte for byte (a vocabulary with a space prefix or byte
      // normalisation): tokenize the two sides apart, so the boundary is at least exact.
      const before = model.tokenize(p.text.slice(0, questionStart - pieceStart), { parseSpecial: false });
      tokens.push(...before);
      cut = tokens.length;
      tokens.push(...model.tokenize(p.text.slice(questionStart - pieceStart), { parseSpecial: false }));
    }
  }
  if (cut < 0) throw new PromptError('the question was not found in the rendered prompt');

  // BOS: added only when the model asks for it and the template did not write it.
  const bosText = model.bos >= 0 ? model.detokenize([model.bos], true) : '';
  const needsBos = model.addBos && model.bos >= 0 && tokens[0] !== model.bos && !(bosText && head.startsWith(bosText));
  const all = needsBos ? [model.bos, ...tokens] : tokens;
  const split = needsBos ? cut + 1 : cut;
  return {
    documentTokens: all.slice(0, split),
    questionTokens: all.slice(split),
    text: (needsBos ? bosText : '') + text,
    documentStart: (needsBos ? bosText.length : 0) + documentStart,
    questionStart: (needsBos ? bosText.length : 0) + questionStart,
  };
}
