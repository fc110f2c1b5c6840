/** models.* and presets.list: the registered models, the selection, memory estimates and the presets resolved for the selected model. */
import type { ModelInfo } from '../engine/runtime.js';
import { resolveRecipe } from '../engine/presets.js';
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type ModelChannel = 'models.list' | 'models.add' | 'models.remove' | 'models.select' | 'models.estimate' | 'presets.list';

export function modelHandlers(s: HostServices): Handlers<ModelChannel> {
  const changed = () => s.emit('library.changed', { kind: 'models' });
  return {
    'models.list': () => s.models.list(),
    'models.add': async ({ path }) => {
      const summary = await s.models.add(path);
      changed();
      return summary;
    },
    'models.remove': ({ id }) => {
      const removed = s.models.remove(id);
      if (removed) changed();
      return { removed };
    },
    'models.select': ({ id }) => {
      const m = s.models.select(id);
      changed();
      s.tokens.countSoon(); // the documents' counts for this model, before anyone asks
      return s.models.summary(m);
    },
    'models.estimate': (r) => s.models.estimate(r),
    'presets.list': () => {
      const p = s.presets();
      const m = s.library.model(s.models.selectedId());
      const info = m?.info ? (JSON.parse(m.info) as ModelInfo) : null;
      const resolved = m && info ? {
        modelId: m.id,
        recipes: Object.fromEntries(p.presets.map((x) => [x.id, resolveRecipe(p, x, { architecture: info.architecture, nLayer: info.nLayer, isDemo: m.isDemo })])),
      } : null;
      return { presets: p.presets, faLayerParity: p.faLayerParity, resolved };
    },
  };
}
