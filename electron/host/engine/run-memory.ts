/**
 * Peak memory of one run, not of the process's whole life.
 *
 * The runtime's own figure (native/src/context.cc peak_rss_bytes, getrusage ru_maxrss) is the
 * process's all-time high-water mark: after one large run every later run reports the same peak, and
 * a comparison makes the later presets look hungrier. Runs execute one at a time in the engine host
 * process, so the process's peak between a run's start and its end is that run's peak. Two ways to
 * get it, both used where both exist, and the larger wins:
 *  - Linux: reset the kernel's high-water mark at the start (writing "5" to /proc/self/clear_refs
 *    sets VmHWM to the current RSS) and read VmHWM at the end. Exact, nothing is missed between samples.
 *  - Everywhere: sample the process RSS every few milliseconds while the run lasts. The native work
 *    runs off the JS thread, so timers keep firing during prefill and decode; a short spike between
 *    two samples can be missed, which is why the high-water mark is preferred where it exists.
 * What the peak includes: everything resident in the engine host process — the weights, this run's KV
 * cache and compute buffers, and any other context the engine keeps alive for re-asking. `startBytes`
 * (RSS when the run began) lets a reader tell what the run itself added.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** How the peak was obtained: the kernel high-water mark (with samples as a floor), or samples alone. */
export type PeakMethod = 'highWaterMark' | 'sampled';

export interface RunMemory {
  /** Largest resident set seen from start() to stop(), in bytes. */
  peakBytes: number;
  /** Resident set when the run started. */
  startBytes: number;
  method: PeakMethod;
}

/** The OS facts the sampler reads; injectable so tests can drive it without a kernel. */
export interface MemoryProbe {
  /** Resident set size of this process now (bytes). */
  rss(): number;
  /** Resets the kernel's peak-RSS counter to the current RSS; false where the OS does not allow it. */
  resetHighWater(): boolean;
  /** The kernel's peak RSS since the last reset (bytes), or null where it cannot be read. */
  readHighWater(): number | null;
}

/** Often enough to catch a chunk's compute buffers on a desktop; cheap (one syscall per sample). */
export const SAMPLE_INTERVAL_MS = 20;

export const processProbe: MemoryProbe = {
  rss: () => process.memoryUsage.rss(),
  resetHighWater() {
    if (process.platform !== 'linux') return false;
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      return true;
    } catch {
      return false; // e.g. a sandbox without write access to /proc
    }
  },
  readHighWater() {
    if (process.platform !== 'linux') return null;
    try {
      const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
      return m ? Number(m[1]) * 1024 : null;
    } catch {
      return null;
    }
  },
};

export class RunMemorySampler {
  private peak = 0;
  private startBytes = 0;
  private highWaterReset = false;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly probe: MemoryProbe = processProbe, private readonly intervalMs = SAMPLE_INTERVAL_MS) {}

  /** Begins a run's measurement: resets the high-water mark where possible and starts sampling. */
  start(): void {
    this.stopTimer();
    this.highWaterReset = this.probe.resetHighWater();
    this.startBytes = this.probe.rss();
    this.peak = this.startBytes;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // Sampling must never keep a CLI or test process alive on its own.
    this.timer.unref?.();
  }

  sample(): void {
    const rss = this.probe.rss();
    if (rss > this.peak) this.peak = rss;
  }

  /** Ends the measurement and returns the run's peak. */
  stop(): RunMemory {
    this.stopTimer();
    this.sample();
    const hwm = this.highWaterReset ? this.probe.readHighWater() : null;
    if (hwm !== null) return { peakBytes: Math.max(this.peak, hwm), startBytes: this.startBytes, method: 'highWaterMark' };
    return { peakBytes: this.peak, startBytes: this.startBytes, method: 'sampled' };
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Runs `work` between start() and stop(). A failed run stops the sampling and reports nothing. */
export async function measureRun<T>(work: () => Promise<T>, sampler = new RunMemorySampler()): Promise<{ value: T; memory: RunMemory }> {
  sampler.start();
  let value: T;
  try {
    value = await work();
  } catch (err) {
    sampler.stop();
    throw err;
  }
  return { value, memory: sampler.stop() };
}
