/** How the host's rooms send contract events (tokens, progress, library changes) to whoever listens. */
import type { EventName, EventOf } from '../shared/contract.js';

export type EmitFn = <E extends EventName>(event: E, payload: EventOf<E>) => void;
