/**
 * Whether a prompt fits the context, and the error when it does not. The error carries the numbers
 * (ContextOverflow) and a message that names no control: the app points to its context control,
 * the CLI to --context, each from the same numbers.
 */
import { IpcError, type ContextOverflow } from '../../shared/contract.js';

/** Context sizes move in these steps (the settings' minimum; the UI's control uses the same step). */
export const CONTEXT_STEP = 256;

/** The smallest context, in CONTEXT_STEP steps, that holds `promptTokens` plus the answer room. */
export function neededContext(promptTokens: number, answerRoom: number): number {
  return Math.max(CONTEXT_STEP, Math.ceil((promptTokens + answerRoom) / CONTEXT_STEP) * CONTEXT_STEP);
}

export function contextOverflow(promptTokens: number, contextSize: number, answerRoom: number, trainedContext: number | null): ContextOverflow {
  return { promptTokens, contextSize, answerRoom, neededContext: neededContext(promptTokens, answerRoom), trainedContext };
}

const n = (x: number) => x.toLocaleString('en');

export function contextOverflowError(o: ContextOverflow): IpcError {
  const pastTrained = o.trainedContext !== null && o.neededContext > o.trainedContext
    ? `, more than the model's trained context of ${n(o.trainedContext)} tokens, so use a shorter document or a model with a longer context`
    : '';
  return new IpcError('SWAA_ERR_CONTEXT_OVERFLOW', `the document and question take ${n(o.promptTokens)} tokens, but the context holds ` +
    `${n(o.contextSize)} (and ${o.answerRoom} are kept for the answer): they need a context of at least ${n(o.neededContext)} tokens${pastTrained}`, o);
}
