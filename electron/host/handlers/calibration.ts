/** calibration.*: NLL-guided FA-layer calibration of a model (engine/calibration.ts), its progress, cancel and stored result. */
import type { HostServices } from '../services.js';
import type { Handlers } from './types.js';

type CalibrationChannel = 'calibration.run' | 'calibration.cancel' | 'calibration.get';

export function calibrationHandlers(s: HostServices): Handlers<CalibrationChannel> {
  return {
    'calibration.run': (r) => s.calibration.start(r),
    'calibration.cancel': ({ calibrationId }) => ({ cancelled: s.calibration.cancel(calibrationId) }),
    'calibration.get': ({ modelId }) => {
      const id = modelId ?? s.models.selectedId();
      s.models.stored(id); // MODEL_NOT_FOUND for an unknown id
      return { modelId: id, calibration: s.calibration.forModel(id) };
    },
  };
}
