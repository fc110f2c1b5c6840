/** The part of the bridge the stores use; the unit tests give them a fake with the same shape. */
import type { SwaaBridge } from '../contract';

export type StoreBridge = Pick<SwaaBridge, 'invoke' | 'on' | 'kind' | 'pathForFile' | 'pickFiles'>;
