/** settings.*, sampling.* and selection.*: what a person set, per app and per model. */
import { samplingInfo, setSamplingOverrides } from '../sampling.js';
import { getSelection, setSelection } from '../selection.js';
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type SettingsChannel = 'settings.get' | 'settings.set' | 'sampling.get' | 'sampling.set' | 'selection.get' | 'selection.set';

export function settingsHandlers(s: HostServices): Handlers<SettingsChannel> {
  const changed = () => s.emit('library.changed', { kind: 'settings' });
  return {
    'settings.get': () => s.library.settings(),
    'settings.set': (patch) => {
      const settings = s.library.updateSettings(patch);
      changed();
      return settings;
    },
    'sampling.get': ({ modelId }) => samplingInfo(s.library, s.models.stored(modelId ?? s.models.selectedId())),
    'sampling.set': ({ modelId, overrides }) => {
      const info = setSamplingOverrides(s.library, s.models.stored(modelId ?? s.models.selectedId()), overrides);
      changed();
      return info;
    },
    'selection.get': () => getSelection(s.library, s.models.selectedId()),
    'selection.set': (patch) => setSelection(s.library, patch, s.models.selectedId()),
  };
}
