/**
 * Shared set-up for host tests: a temporary data folder, a presets file, and what the real runtime
 * needs (addon, demo model, presets). `realRuntimeMissing()` says precisely what is absent so a test
 * can skip with that reason instead of passing silently.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineHost, type HostOptions } from '../host/host.js';
import { projectRoot } from '../host/paths.js';
import { loadRuntime } from '../host/start-host.js';
import type { AnyEvent, EventOf } from '../shared/contract.js';

export const ROOT = projectRoot();
export const ADDON_PATH = join(ROOT, 'native', 'build', 'Release', 'swaa.node');
export const DEMO_MODEL = join(ROOT, 'models', 'demo', 'demo.gguf');
export const PRESETS = join(ROOT, 'models', 'presets.json');

export function realRuntimeMissing(): string | null {
  const missing: string[] = [];
  if (!existsSync(ADDON_PATH) && !process.env.SWAA_ADDON_PATH) missing.push(`native addon not built (${ADDON_PATH})`);
  if (!existsSync(DEMO_MODEL)) missing.push(`demo model not trained yet (${DEMO_MODEL})`);
  if (!existsSync(PRESETS)) missing.push(`presets not written yet (${PRESETS})`);
  return missing.length ? `needs the real runtime: ${missing.join('; ')}` : null;
}

const recipe = (window: number | null, faLayers: { kind: 'none' } | { kind: 'odd' }) =>
  ({ window, sinks: 4, faLayers, faDecode: window !== null, questionFa: window !== null });

/** A presets file in the shape of models/presets.json, for the scripted runtime. */
export function writeTestPresets(dir: string): string {
  const path = join(dir, 'presets.json');
  const preset = (id: string, window: number | null, fa: 'none' | 'odd') => ({
    id, label: id, tradeoff: `${id} trade-off`, paperFigure: 'test', recipe: recipe(window, { kind: fa }), demoRecipe: recipe(window, { kind: fa }),
  });
  writeFileSync(path, JSON.stringify({
    version: 1,
    presets: [preset('full', null, 'none'), preset('balanced', 256, 'odd'), preset('fast', 128, 'none')],
    faLayerParity: { qwen3: 'odd', llama: 'even' },
  }));
  return path;
}

/** A file the scripted runtime accepts as a model (it checks the GGUF magic only). */
export function writeScriptedModel(dir: string): string {
  const path = join(dir, 'scripted.gguf');
  writeFileSync(path, Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(60)]));
  return path;
}

/** Collects events and waits for the first that matches. */
export class EventLog {
  readonly events: AnyEvent[] = [];
  private waiters: { match: (e: AnyEvent) => boolean; resolve: (e: AnyEvent) => void }[] = [];

  push = (e: AnyEvent): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
  };

  waitFor(match: (e: AnyEvent) => boolean, timeoutMs = 60_000): Promise<AnyEvent> {
    const hit = this.events.find(match);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for an event')), timeoutMs);
      this.waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  of<E extends AnyEvent['event']>(event: E, runId?: string): EventOf<E>[] {
    const out: EventOf<E>[] = [];
    for (const e of this.events) {
      if (e.event !== event) continue;
      const p = e.payload as EventOf<E>;
      if (runId === undefined || (p as { runId?: string }).runId === runId) out.push(p);
    }
    return out;
  }
}

/** A long document: many distinct sentences, with one fact in the middle. */
export function longText(sentences: number, fact = 'The vault code is 4812.'): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    out.push(i === Math.floor(sentences / 2) ? fact : `Sentence ${i} talks about harbour ${i % 17} and ship number ${i * 7 % 101}.`);
  }
  return out.join(' ');
}

/** An engine host on the scripted runtime with its data in `dir` (its own stand-in model and presets),
 *  every event it emits in `log`. `extra` overrides any option (a samples folder, a catalog…). */
export async function scriptedHost(dir: string, extra: Partial<HostOptions> = {}): Promise<{ host: EngineHost; log: EventLog }> {
  const log = new EventLog();
  const host = new EngineHost({
    dataDir: join(dir, 'data'), mode: 'test', runtime: await loadRuntime('scripted'),
    emit: (event, payload) => log.push({ event, payload } as AnyEvent),
    demoModelPath: writeScriptedModel(dir), presetsPath: writeTestPresets(dir), ...extra,
  });
  return { host, log };
}
