/**
 * Sampling of the selected model: its defaults and where they come from, the person's changes
 * (kept by the host per model, used by every run of that model) and what the next run will use.
 */
import { createStore } from 'zustand/vanilla';
import type { SamplingInfo, SamplingPatch } from '../contract';
import { describeError, type FriendlyError } from '../lib/errors';
import type { StoreBridge } from './bridgeTypes';

export interface SamplingState {
  info: SamplingInfo | null;
  error: FriendlyError | null;
  /** Re-read when the selected model changes. */
  load(): Promise<void>;
  /** Changes some values, keeping the other changes. */
  change(patch: SamplingPatch): Promise<void>;
  /** Back to the model's defaults. */
  reset(): Promise<void>;
}

export function createSamplingStore(bridge: StoreBridge) {
  let seq = 0;
  return createStore<SamplingState>()((set, get) => {
    async function write(overrides: SamplingPatch, modelId: string | undefined): Promise<void> {
      const mine = ++seq;
      try {
        const info = await bridge.invoke('sampling.set', modelId ? { modelId, overrides } : { overrides });
        if (mine === seq) set({ info, error: null });
      } catch (e) {
        if (mine === seq) set({ error: describeError(e) });
      }
    }
    return {
      info: null,
      error: null,
      async load() {
        const mine = ++seq;
        try {
          const info = await bridge.invoke('sampling.get', {});
          if (mine === seq) set({ info, error: null });
        } catch (e) {
          if (mine === seq) set({ error: describeError(e) });
        }
      },
      async change(patch) {
        const info = get().info;
        await write({ ...info?.overrides, ...patch }, info?.modelId);
      },
      async reset() {
        await write({}, get().info?.modelId);
      },
    };
  });
}
export type SamplingStore = ReturnType<typeof createSamplingStore>;
