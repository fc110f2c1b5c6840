import { describe, expect, it } from 'vitest';
import { contextFit, overflowAdvice, overflowReason, QUESTION_ALLOWANCE, roundUpToStep } from './contextFit';

const base = { answerRoom: 16, contextSize: 8192, trainedContext: 8192, maxTokens: 256 };

describe('context fit before asking', () => {
  it('is unknown while the document is being counted', () => {
    expect(contextFit({ ...base, tokens: null }).kind).toBe('unknown');
  });

  it('fits with room for a question and a full answer', () => {
    const fit = contextFit({ ...base, tokens: 3000 });
    expect(fit).toMatchObject({ kind: 'fits', room: 5192, pastTrained: false });
  });

  it('is tight when the answer could be cut short, and overflows past the answer room', () => {
    expect(contextFit({ ...base, contextSize: 3200, tokens: 3000 }).kind).toBe('tight');
    expect(contextFit({ ...base, contextSize: 3016, tokens: 3000 }).kind).toBe('tight');
    expect(contextFit({ ...base, contextSize: 3015, tokens: 3000 }).kind).toBe('overflow');
  });

  it('suggests a context in whole steps that holds the document and a question', () => {
    const fit = contextFit({ ...base, contextSize: 1024, tokens: 4022 });
    expect(fit.suggested).toBe(roundUpToStep(4022 + 16 + QUESTION_ALLOWANCE));
    expect(fit.suggested! % 256).toBe(0);
    expect(fit.suggested! - 256).toBeLessThan(4022 + 16 + QUESTION_ALLOWANCE);
    expect(fit.canRaise).toBe(true);
    expect(overflowReason(fit, 'memo.md')).toBe(
      `memo.md is 4,022 tokens but the context holds 1,024. Raise Context (tokens) in the Model panel to ${fit.suggested!.toLocaleString('en-US')} or more.`);
  });

  it('does not suggest going past the trained context, and warns when the setting already is', () => {
    const tooLong = contextFit({ ...base, tokens: 9000 });
    expect(tooLong).toMatchObject({ kind: 'overflow', canRaise: false });
    expect(overflowReason(tooLong, 'big.pdf')).toMatch(/longer than this model's trained context \(8,192\)/);
    expect(contextFit({ ...base, contextSize: 16384, tokens: 100 }).pastTrained).toBe(true);
    expect(contextFit({ ...base, trainedContext: null, contextSize: 16384, tokens: 100 }).pastTrained).toBe(false);
  });

  it('turns an engine overflow into the control to raise, or says the model is too short', () => {
    expect(overflowAdvice({ promptTokens: 4100, contextSize: 4096, answerRoom: 16, neededContext: 4352, trainedContext: 8192 }))
      .toBe('The document and question take 4,100 tokens but the context holds 4,096. Raise Context (tokens) in the Model panel to 4,352 or more.');
    expect(overflowAdvice({ promptTokens: 9000, contextSize: 8192, answerRoom: 16, neededContext: 9216, trainedContext: 8192 }))
      .toMatch(/more than this model's trained context/);
  });
});
