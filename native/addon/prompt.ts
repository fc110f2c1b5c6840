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
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import type { Model } from './index.js';

/** Used when a GGUF carries no template: the plain layout the demo model was trained on. */
export const FALLBACK_TEMPLATE =
  "{%- for m in messages -%}{%- if m['role'] == 'user' -%}{{ 'Document:\\n' ~ m['content'] ~ '\\nAnswer:' }}{%- endif -%}{%- endfor -%}";

/** Text between the document and the question, inside the user message. */
export const QUESTION_PREFIX = '\n\nQuestion: ';

/** A template that renders more than this around one short message is refused (a hostile one could balloon). */
const MAX_RENDERED_CHARS = 1 << 20;

/**
 * The one user message of a QA prompt. The local runtime renders it through the model's template; a
 * remote server (electron/host/engine/remote.ts) receives it as the chat message and applies its own.
 */
export function qaUserMessage(document: string, question: string): string {
  return `${document.trimEnd()}${QUESTION_PREFIX}${question.trim()}`;
}

/** Markers that locate the user's message in the rendering; the document never goes through the
 *  template (see renderSkeleton), so no document can collide with them. */
const OPEN = '\uF8F0\uF8F1open\uF8F1\uF8F0';
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

/** The most values a template's range() may make: real templates count messages; a hostile one asks
 *  for billions, and an array that size is not an error V8 can recover from, even in a worker. */
export const MAX_TEMPLATE_RANGE = 100_000;

function boundedRange(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  if (step === 0) throw new Error('range() step must not be zero');
  const n = Math.max(0, Math.ceil((to - from) / step));
  if (!Number.isFinite(n) || n > MAX_TEMPLATE_RANGE) throw new Error(`range() of ${n} values (at most ${MAX_TEMPLATE_RANGE})`);
  return Array.from({ length: n }, (_, i) => from + i * step);
}

function strftimeNow(format: string): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const month = (style: 'long' | 'short') => new Intl.DateTimeFormat('en', { month: style }).format(d);
  return format.replace(/%[YmdbBHM%]/g, (t) => ({
    '%Y': String(d.getFullYear()), '%m': pad(d.getMonth() + 1), '%d': pad(d.getDate()), '%b': month('short'),
    '%B': month('long'), '%H': pad(d.getHours()), '%M': pad(d.getMinutes()), '%%': '%',
  })[t] ?? t);
}

/** Template.render with the library's globals, except a range() that refuses huge ranges. */
function renderBounded(template: Template, items: Record<string, unknown>): string {
  const env = new Environment();
  const globals: Record<string, unknown> = {
    false: false, true: true, none: null, False: false, True: true, None: null,
    raise_exception: (message: string) => { throw new Error(message); },
    range: boundedRange,
    strftime_now: strftimeNow,
  };
  for (const [k, v] of Object.entries({ ...globals, ...items })) env.set(k, v);
  const result = new Interpreter(env).run(template.parsed);
  return String(result.value);
}

/** What the template needs besides the message: the special tokens' texts. */
export interface TemplateInputs {
  chatTemplate: string | null;
  bosText: string;
  eosText: string;
}

export function templateInputs(model: PromptModel): TemplateInputs {
  return {
    chatTemplate: model.chatTemplate,
    bosText: model.bos >= 0 ? model.detokenize([model.bos], true) : '',
    eosText: model.eos >= 0 ? model.detokenize([model.eos], true) : '',
  };
}

/**
 * The rendered template around the user's message: everything before it (`head`) and after it
 * (`tail`). A chat template treats the message as opaque text (the check below refuses one that
 * changes it), so the template is rendered once per model with slots for the document and the
 * question, and each prompt is the skeleton with the texts put in — a template runs once, on slots,
 * never on a document. The engine host renders it in a worker with time and memory limits
 * (electron/host/engine/template-check.ts), so a template that loops or balloons is refused there.
 */
export interface PromptSkeleton {
  head: string;
  tail: string;
}

const DOC_SLOT = '\uF8F0\uF8F1document\uF8F1\uF8F0';
const QUESTION_SLOT = '\uF8F0\uF8F1question\uF8F1\uF8F0';

export function renderSkeleton(inputs: TemplateInputs): PromptSkeleton {
  let template: Template;
  try {
    template = new Template(inputs.chatTemplate ?? FALLBACK_TEMPLATE);
  } catch (err) {
    throw new PromptError(`the model's chat template cannot be parsed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const content = `${DOC_SLOT}${QUESTION_PREFIX}${QUESTION_SLOT}`;
  let rendered: string;
  try {
    rendered = renderBounded(template, {
      messages: [{ role: 'user', content: `${OPEN}${content}${CLOSE}` }],
      add_generation_prompt: true,
      bos_token: inputs.bosText,
      eos_token: inputs.eosText,
      enable_thinking: false,
    });
  } catch (err) {
    throw new PromptError(`the model's chat template failed to render: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rendered.length > MAX_RENDERED_CHARS) {
    throw new PromptError(`the model's chat template renders ${rendered.length} characters around one message`);
  }
  const open = rendered.indexOf(OPEN);
  const close = rendered.indexOf(CLOSE);
  if (open < 0 || close < open || rendered.indexOf(OPEN, open + 1) >= 0 || rendered.indexOf(CLOSE, close + 1) >= 0) {
    throw new PromptError("the model's chat template does not render the user's message once and unchanged");
  }
  if (rendered.slice(open + OPEN.length, close) !== content) {
    throw new PromptError("the model's chat template changes the user's message");
  }
  return { head: rendered.slice(0, open), tail: rendered.slice(close + CLOSE.length) };
}

/** Builds the QA prompt for one document and one question, split into the document and question phases. */
export function buildQaPrompt(model: PromptModel, document: string, question: string,
                              skeleton: PromptSkeleton = renderSkeleton(templateInputs(model))): QaPrompt {
  const doc = document.trimEnd();
  const q = question.trim();
  const { head, tail } = skeleton;
  const content = qaUserMessage(doc, q);
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
