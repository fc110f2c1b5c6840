import { describe, expect, it } from 'vitest';
import { compactRanges, describeFaLayers, faLayerList, toggleFaLayer } from './faLayers';
import { prefillView } from './progress';
import { describeError } from './errors';
import { questionPlaceholder } from './placeholder';
import { splitThink } from './think';
import { formatBytes, formatMs } from './format';
import { contextSteps } from './contextSteps';
import { bytesToBase64, isModelFile } from './files';

describe('FA layer patterns', () => {
  it('expands the named patterns', () => {
    expect(faLayerList({ kind: 'odd' }, 6)).toEqual([1, 3, 5]);
    expect(faLayerList({ kind: 'even' }, 6)).toEqual([0, 2, 4]);
    expect(faLayerList({ kind: 'everyN', n: 4, offset: 1 }, 12)).toEqual([1, 5, 9]);
    expect(faLayerList({ kind: 'list', layers: [7, 2] }, 6)).toEqual([2]);
  });
  it('turns a pattern into a list when one layer is clicked', () => {
    expect(toggleFaLayer({ kind: 'odd' }, 3, 6)).toEqual({ kind: 'list', layers: [1, 5] });
    expect(toggleFaLayer({ kind: 'none' }, 2, 6)).toEqual({ kind: 'list', layers: [2] });
    expect(toggleFaLayer({ kind: 'list', layers: [2] }, 2, 6)).toEqual({ kind: 'none' });
  });
  it('describes patterns in words', () => {
    expect(describeFaLayers({ kind: 'odd' }, 28)).toBe('odd layers (14 of 28)');
    expect(describeFaLayers({ kind: 'everyN', n: 4, offset: 0 })).toBe('every 4th layer from 0');
    expect(compactRanges([0, 1, 2, 5, 7, 8])).toBe('0–2, 5, 7–8');
  });
});

describe('prefill progress', () => {
  it('derives percent, speed and time left from raw facts', () => {
    expect(prefillView({ done: 1000, total: 4000, elapsedMs: 500 })).toEqual({ percent: 25, tokPerS: 2000, etaMs: 1500 });
  });
  it('gives no speed before there is enough to measure', () => {
    expect(prefillView({ done: 0, total: 4000, elapsedMs: 0 })).toEqual({ percent: 0, tokPerS: null, etaMs: null });
    expect(prefillView({ done: 0, total: 0, elapsedMs: 0 }).percent).toBe(100);
  });
});

describe('error sentences', () => {
  it('prefers the code’s sentence and keeps the message as detail', () => {
    expect(describeError({ code: 'DOC_ENCRYPTED', message: 'PasswordException' })).toEqual({
      code: 'DOC_ENCRYPTED', message: 'This document is password-protected, so its text cannot be read.', detail: 'PasswordException',
    });
  });
  it('finds a code inside an Electron IPC message', () => {
    const e = new Error("Error invoking remote method 'swaa:invoke': Error: SWAA_ERR_TRUNCATED: short read");
    expect(describeError(e).code).toBe('SWAA_ERR_TRUNCATED');
  });
  it('keeps the message of an unknown code', () => {
    expect(describeError({ code: 'NEW_THING', message: 'a newer host said so' }).message).toBe('a newer host said so');
  });
});

describe('think sections', () => {
  it('splits closed and still-open sections', () => {
    expect(splitThink('<think>plan</think>\n\nAnswer <think>more')).toEqual([
      { kind: 'think', text: 'plan', open: false },
      { kind: 'text', text: '\n\nAnswer ' },
      { kind: 'think', text: 'more', open: true },
    ]);
  });
});

describe('formatting', () => {
  it('formats bytes and durations', () => {
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GiB');
    expect(formatMs(850)).toBe('850 ms');
    expect(formatMs(2500)).toBe('2.50 s');
    expect(formatMs(125_000)).toBe('2 min 5 s');
  });
  it('charts contexts in powers of two up to the model’s', () => {
    expect(contextSteps(6000)).toEqual([1024, 2048, 4096, 6000]);
    expect(contextSteps(512)).toEqual([512]);
  });
  it('encodes uploads and recognises models', () => {
    const big = new Uint8Array(100_000).map((_, i) => i % 251);
    expect(bytesToBase64(big)).toBe(Buffer.from(big).toString('base64'));
    expect(isModelFile('Qwen3.Q8_0.GGUF')).toBe(true);
  });
});

describe('context overflow from the engine', () => {
  it('says which control to raise and to what, keeping the engine’s words as the detail', () => {
    const overflow = { promptTokens: 4100, contextSize: 4096, answerRoom: 16, neededContext: 4352, trainedContext: 8192 };
    const e = describeError({ code: 'SWAA_ERR_CONTEXT_OVERFLOW', message: 'the document and question take 4,100 tokens', overflow });
    expect(e.message).toMatch(/Raise Context \(tokens\) in the Model panel to 4,352/);
    expect(e.message).not.toMatch(/Settings/);
    expect(e.detail).toBe('the document and question take 4,100 tokens');
    expect(e.overflow).toEqual(overflow);
  });

  it('ignores a malformed overflow and falls back to the code’s sentence', () => {
    const e = describeError({ code: 'SWAA_ERR_CONTEXT_OVERFLOW', message: 'x', overflow: { promptTokens: 'many' } });
    expect(e.message).toMatch(/longer than the context can hold/);
    expect(e.overflow).toBeUndefined();
  });
});

describe('question placeholder', () => {
  it('offers a sample question for the demo model and a general prompt for a real one', () => {
    expect(questionPlaceholder({ isDemo: true }, [{ question: 'What is the budget of Priya Nakamura?' }]))
      .toBe('e.g. What is the budget of Priya Nakamura?');
    expect(questionPlaceholder({ isDemo: true }, [])).toMatch(/^e\.g\. What is the home town of/);
    expect(questionPlaceholder({ isDemo: false }, [{ question: 'What is the budget of Priya Nakamura?' }])).toMatch(/^Ask anything about the document/);
  });
});
