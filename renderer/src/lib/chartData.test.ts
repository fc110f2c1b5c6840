import { describe, expect, it } from 'vitest';
import { coincidingSeries, legendSorter, rowsByRecipe } from './chartData';
import { metrics, preset, record, SWA_ODD, FULL } from '../test/fixtures';

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
