/**
 * The run-scoped peak: the sampler's arithmetic on a scripted probe, and on this very process a
 * "small run after a large run" that must report a small peak (an all-time high-water mark would
 * report the large one again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { measureRun, processProbe, RunMemorySampler, type MemoryProbe } from './run-memory.js';

const MIB = 1024 * 1024;

/** A probe whose RSS readings come from a list (the last one repeats) and whose high-water mark is set by the test. */
function scriptedProbe(readings: number[], hwm: { canReset: boolean; value: number | null }) {
  let i = 0;
  const calls: string[] = [];
  const probe: MemoryProbe = {
    rss: () => readings[Math.min(i++, readings.length - 1)]!,
    resetHighWater: () => { calls.push('reset'); return hwm.canReset; },
    readHighWater: () => { calls.push('read'); return hwm.value; },
  };
  return { probe, calls, reads: () => i };
}

test('without a resettable high-water mark the peak is the largest sample, start and end included', () => {
  const { probe, calls } = scriptedProbe([100, 300, 250, 120], { canReset: false, value: 999 });
  const s = new RunMemorySampler(probe, 60_000);
  s.start();
  s.sample();
  s.sample();
  const m = s.stop();
  assert.deepEqual(m, { peakBytes: 300, startBytes: 100, method: 'sampled' });
  // A mark that was never reset holds the process's whole life: it must not be read.
  assert.deepEqual(calls, ['reset']);
});

test('with a reset high-water mark the peak is the larger of the mark and the samples', () => {
  const spike = scriptedProbe([100, 150], { canReset: true, value: 400 });
  const a = new RunMemorySampler(spike.probe, 60_000);
  a.start();
  assert.deepEqual(a.stop(), { peakBytes: 400, startBytes: 100, method: 'highWaterMark' });
  assert.deepEqual(spike.calls, ['reset', 'read']);

  const unreadable = scriptedProbe([100, 180], { canReset: true, value: null });
  const b = new RunMemorySampler(unreadable.probe, 60_000);
  b.start();
  assert.deepEqual(b.stop(), { peakBytes: 180, startBytes: 100, method: 'sampled' });
});

test('the timer samples while the work runs off the JS thread', async () => {
  // Readings rise then fall again; only timer samples taken while the work waits can see the top.
  const readings = [10, 20, 30, 500, 40, 10];
  const { probe, reads } = scriptedProbe(readings, { canReset: false, value: null });
  const { value, memory } = await measureRun(async () => {
    // Waits until the timer has taken every reading (a condition, not a duration).
    while (reads() < readings.length) await new Promise((r) => setTimeout(r, 1));
    return 'done';
  }, new RunMemorySampler(probe, 1));
  assert.equal(value, 'done');
  assert.deepEqual(memory, { peakBytes: 500, startBytes: 10, method: 'sampled' });
});

test('a failed run stops sampling and passes its error on', async () => {
  const { probe } = scriptedProbe([1], { canReset: false, value: null });
  await assert.rejects(measureRun(async () => { throw new Error('boom'); }, new RunMemorySampler(probe, 1)), /boom/);
});

const gcAvailable = (): (() => void) | null => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
  return gc;
};

test('this process: a small run after a large one reports a small peak', {
  skip: processProbe.resetHighWater() ? false : 'the high-water mark cannot be reset on this OS (sampling alone is covered above)',
}, async () => {
  const gc = gcAvailable();
  assert.ok(gc, 'gc can be exposed');
  const LARGE = 256 * MIB;
  let big: Buffer | null = null;
  const large = await measureRun(async () => {
    big = Buffer.allocUnsafeSlow(LARGE);
    big.fill(7); // touch every page so it is resident
    return big.length;
  });
  big = null;
  // Frees the buffer (large backing stores go back to the OS when collected); waits until RSS shows it.
  for (let i = 0; i < 100 && process.memoryUsage.rss() > large.memory.peakBytes - LARGE / 2; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const small = await measureRun(async () => {
    const b = Buffer.allocUnsafeSlow(4 * MIB);
    b.fill(1);
    return b.length;
  });
  assert.equal(large.memory.method, 'highWaterMark');
  assert.ok(large.memory.peakBytes >= large.memory.startBytes + LARGE, `the large run's peak holds its buffer: ${JSON.stringify(large.memory)}`);
  assert.ok(small.memory.peakBytes < large.memory.peakBytes - LARGE / 2,
    `small run ${small.memory.peakBytes / MIB} MiB vs large run ${large.memory.peakBytes / MIB} MiB`);
});
