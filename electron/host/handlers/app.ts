/** app.info: what the engine is and runs on. */
import { cpus, totalmem } from 'node:os';
import { appVersion } from '../paths.js';
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

export function appHandlers(s: HostServices): Handlers<'app.info'> {
  return {
    'app.info': () => {
      const settings = s.library.settings();
      return {
        appVersion: appVersion(),
        runtimeVersion: s.runtime?.version() ?? null,
        runtimeProblem: s.runtimeProblem,
        backend: s.runner.backend,
        threads: settings.threads || Math.min(8, cpus().length),
        cpuCount: cpus().length,
        totalMemBytes: totalmem(),
        platform: process.platform,
        arch: process.arch,
        mode: s.mode,
        dataDir: s.dataDir,
        hostRestarts: s.hostRestarts,
      };
    },
  };
}
