/**
 * Whether the selected document fits the context, said before Ask: the document's tokens for the
 * selected model against the context size, the room left for the question and the answer, and the
 * context to raise it to. Pure, so the words and numbers are tested without a window.
 */
import type { ContextOverflow } from '../contract';
import { formatCount } from './format';

/** The context control's step (and the contract's minimum context size). */
export const CONTEXT_STEP = 256;
/** Room assumed for a typical question when suggesting a context (the host counts the real one). */
export const QUESTION_ALLOWANCE = 64;

export type FitKind = 'unknown' | 'fits' | 'tight' | 'overflow';

export interface ContextFit {
  kind: FitKind;
  /** Document tokens for the model, or null while they are being counted. */
  tokens: number | null;
  contextSize: number;
  /** Tokens left for the question and the answer. */
  room: number | null;
  /** A context size (whole steps) that holds the document, a question and the answer room. */
  suggested: number | null;
  /** The suggestion stays within the model's trained context (null: unknown, so allowed). */
  canRaise: boolean;
  /** The context is set past the model's trained context. */
  pastTrained: boolean;
  trainedContext: number | null;
}

export function roundUpToStep(n: number): number {
  return Math.max(CONTEXT_STEP, Math.ceil(n / CONTEXT_STEP) * CONTEXT_STEP);
}

export function contextFit(o: {
  tokens: number | null; answerRoom: number; contextSize: number; trainedContext: number | null; maxTokens: number;
}): ContextFit {
  const pastTrained = o.trainedContext !== null && o.contextSize > o.trainedContext;
  const base = { tokens: o.tokens, contextSize: o.contextSize, pastTrained, trainedContext: o.trainedContext };
  if (o.tokens === null) return { ...base, kind: 'unknown', room: null, suggested: null, canRaise: false };
  const room = o.contextSize - o.tokens;
  const suggested = roundUpToStep(o.tokens + o.answerRoom + QUESTION_ALLOWANCE);
  const canRaise = o.trainedContext === null || suggested <= o.trainedContext;
  const kind: FitKind = o.tokens + o.answerRoom > o.contextSize ? 'overflow'
    // Fits, but a question and a full-length answer may not: the answer would be cut short.
    : room < o.answerRoom + QUESTION_ALLOWANCE + o.maxTokens ? 'tight' : 'fits';
  return { ...base, kind, room, suggested, canRaise };
}

/** Why Ask is off for a document that does not fit, pointing to the control that fixes it. */
export function overflowReason(fit: ContextFit, documentName: string): string {
  const t = formatCount(fit.tokens ?? 0);
  if (!fit.canRaise && fit.trainedContext !== null) {
    return `${documentName} is ${t} tokens: longer than this model's trained context (${formatCount(fit.trainedContext)}). ` +
      'Use a shorter document or a model with a longer context.';
  }
  return `${documentName} is ${t} tokens but the context holds ${formatCount(fit.contextSize)}. ` +
    `Raise Context (tokens) in the Model panel to ${formatCount(fit.suggested ?? 0)} or more.`;
}

/** The same advice for an overflow the engine reported after Ask (the question made it too long). */
export function overflowAdvice(o: ContextOverflow): string {
  if (o.trainedContext !== null && o.neededContext > o.trainedContext) {
    return `The document and question take ${formatCount(o.promptTokens)} tokens, more than this model's trained context ` +
      `(${formatCount(o.trainedContext)}). Use a shorter document or a model with a longer context.`;
  }
  return `The document and question take ${formatCount(o.promptTokens)} tokens but the context holds ${formatCount(o.contextSize)}. ` +
    `Raise Context (tokens) in the Model panel to ${formatCount(o.neededContext)} or more.`;
}
