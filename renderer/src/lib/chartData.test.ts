import { describe, expect, it } from 'vitest';
import { coincidingSeries, comparisonRows, documentRows, legendSorter, rowsByRecipe } from './chartData';
import { metrics, preset, record, SWA_ODD, FULL } from '../test/fixtures';
import type { RunView } from '../stores/runStore';
import type { RunRecord } from '../contract';

function view(r: RunRecord): RunView {
  return {
    runId: r.id, documentId: r.documentId, question: r.question, presetId: r.presetId, recipe: r.recipe, compareId: r.compareId,
    status: r.status, progress: {}, answer: r.answer, tokenCount: 0, record: r, error: null, cancelling: false,
  };
}

describe('chart rows', () => {
  const presets = [preset('full', FULL), preset('swa')];

  it('gives one row per recipe in preset order, preferring a run that read the whole document', () => {
    const history = [
      record('r4', { presetId: 'full', metrics: metrics({ documentCached: true, timeToFirstTokenMs: 5 }) }),
      record('r3', { presetId: 'swa', recipe: SWA_ODD, metrics: metrics({ timeToFirstTokenMs: 300 }) }),
      record('r2', { presetId: 'full', metrics: metrics({ timeToFirstTokenMs: 900 }) }),
      record('r1', { presetId: 'full', metrics: metrics({ timeToFirstTokenMs: 1000 }) }),
    ];
    const rows = rowsByRecipe(history, presets);
    expect(rows.map((r) => [r.key, r.metrics.timeToFirstTokenMs, r.cached])).toEqual([
      ['full', 900, false],
      ['swa', 300, false],
    ]);
  });

  it('skips unfinished runs and names explicit recipes', () => {
    const history = [
      record('a', { presetId: null, recipe: SWA_ODD }),
      record('b', { presetId: 'swa', status: 'cancelled', metrics: null }),
      record('c', { presetId: 'full', status: 'error', metrics: null }),
    ];
    const rows = rowsByRecipe(history, presets);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBe('Custom 1');
  });
});

describe('one source for the chart and the tables', () => {
  const presets = [preset('full', FULL), preset('swa')];
  // An older cold run of 'swa' and a comparison whose 'swa' run found the document cached.
  const older = record('old', { presetId: 'swa', recipe: SWA_ODD, metrics: metrics({ timeToFirstTokenMs: 700 }) });
  const c0 = record('c0', { presetId: 'full', compareId: 'k', metrics: metrics({ timeToFirstTokenMs: 900, forcedCold: true }) });
  const c1 = record('c1', { presetId: 'swa', recipe: SWA_ODD, compareId: 'k', stopReason: 'maxTokens', maxTokens: 32,
    metrics: metrics({ documentCached: true, restoredFromDisk: true, timeToFirstTokenMs: 30 }) });
  const runs = { c0: view(c0), c1: view(c1), old: view(older) };
  const history = [c1, c0, older];

  it('while a comparison on the document is shown, the chart rows are its rows, labelled cached or cold', () => {
    const state = { focus: { kind: 'compare' as const, compareId: 'k', runIds: ['c0', 'c1'] }, runs, history, historyDocumentId: 'd1' };
    const rows = documentRows(state, presets);
    expect(rows).toEqual(comparisonRows(['c0', 'c1'], runs, presets));
    expect(rows.map((r) => [r.label, r.metrics?.timeToFirstTokenMs, r.cache, r.stopTag])).toEqual([
      ['FULL', 900, 'cold (forced)', null],
      ['SWA', 30, 'cached (disk)', 'token limit'],
    ]);
    expect(rows[1]!.stop).toBe('stopped at the 32-token limit');
  });

  it('a comparison on another document, or none, leaves the per-recipe rows of this document', () => {
    const elsewhere = { focus: { kind: 'compare' as const, compareId: 'k', runIds: ['c0', 'c1'] }, runs, history, historyDocumentId: 'd2' };
    const none = { focus: null, runs, history, historyDocumentId: 'd1' };
    for (const state of [elsewhere, none]) {
      expect(documentRows(state, presets).map((r) => [r.runId, r.cache])).toEqual([['c0', 'cold (forced)'], ['old', 'cold']]);
    }
  });

  it('a pending comparison run has a row without numbers', () => {
    const rows = comparisonRows(['c0', 'later'], runs, presets);
    expect(rows[1]).toMatchObject({ runId: 'later', metrics: null, cache: null, status: 'pending' });
  });
});

describe('KV curve', () => {
  it('names the recipes whose lines lie on top of each other', () => {
    const points = [{ context: 1024, A: 2, B: 2, C: 1, D: 1, E: 3 }, { context: 2048, A: 4, B: 4, C: 1, D: 1, E: 3 }];
    expect(coincidingSeries(['A', 'B', 'C', 'D', 'E'], points)).toEqual([['A', 'B'], ['C', 'D']]);
    expect(coincidingSeries(['A'], [])).toEqual([]);
  });
});

describe('legend order', () => {
  it('follows the order the series are drawn in, not the alphabet', () => {
    const order = ['First token (ms)', 'Prefill (ms)', 'Decode (ms)'];
    const items = [...order].sort().map((dataKey) => ({ dataKey }));
    expect(items.map((i) => i.dataKey)).not.toEqual(order);
    const sorter = legendSorter(order);
    expect([...items].sort((a, b) => sorter(a) - sorter(b)).map((i) => i.dataKey)).toEqual(order);
    expect(sorter({ dataKey: 'unknown' })).toBe(order.length);
  });
});
