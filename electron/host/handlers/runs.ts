/** runs.*: asking, comparing presets, cancelling, and reading runs back. */
import { randomUUID } from 'node:crypto';
import { IpcError } from '../../shared/contract.js';
import { findPreset } from '../engine/presets.js';
import { randomSeed, samplingInfo } from '../sampling.js';
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type RunChannel = 'runs.ask' | 'runs.compare' | 'runs.cancel' | 'runs.list' | 'runs.get';

export function runHandlers(s: HostServices): Handlers<RunChannel> {
  return {
    'runs.ask': async (r) => ({ runId: (await s.runner.enqueue({ ...r, compareId: null })).id }),
    'runs.compare': async (r) => {
      const presets = s.presets();
      for (const id of r.presetIds) findPreset(presets, id); // refuse the whole comparison up front
      const compareId = randomUUID();
      const runs: { presetId: string; runId: string }[] = [];
      // Compared presets draw with one seed, so sampling is not what tells their answers apart.
      const effective = samplingInfo(s.library, s.models.stored(r.modelId ?? s.models.selectedId())).effective;
      const seed = r.sampling?.seed !== undefined ? r.sampling.seed : effective.seed;
      const sampling = { ...r.sampling, seed: seed ?? randomSeed() };
      for (const presetId of r.presetIds) {
        const run = await s.runner.enqueue({ documentId: r.documentId, modelId: r.modelId, question: r.question, presetId,
          maxTokens: r.maxTokens, compareId, sampling, cold: r.cold });
        runs.push({ presetId, runId: run.id });
      }
      return { compareId, runs };
    },
    'runs.cancel': ({ runId }) => ({ cancelled: s.runner.cancel(runId) }),
    'runs.list': ({ documentId, limit }) => s.library.listRuns(documentId, limit),
    'runs.get': ({ runId }) => {
      const run = s.library.run(runId);
      if (!run) throw new IpcError('NOT_FOUND', 'no such run');
      return run;
    },
  };
}
