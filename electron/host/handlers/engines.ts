/** engines.*: remote OpenAI-compatible engines as model entries (electron/host/engine/remote-engines.ts). */
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type EngineChannel = 'engines.list' | 'engines.probe' | 'engines.addRemote' | 'engines.remove';

export function engineHandlers(s: HostServices): Handlers<EngineChannel> {
  const changed = () => s.emit('library.changed', { kind: 'models' });
  return {
    'engines.list': () => s.remote.list(),
    'engines.probe': (r) => s.remote.probe(r),
    'engines.addRemote': async (r) => {
      const summary = await s.remote.add(r);
      changed();
      return summary;
    },
    'engines.remove': ({ id }) => {
      const removed = s.remote.remove(id);
      if (removed) changed();
      return { removed };
    },
  };
}
