/**
 * A handler per contract channel, typed from the contract: the request is the channel's parsed
 * request, the result must be the channel's response. The host composes one map of every channel
 * (host.ts), so the compiler refuses a missing channel or a handler that returns the wrong thing.
 */
import type { Channel, ParsedRequestOf, ResponseOf } from '../../shared/contract.js';

export type Handler<C extends Channel> = (req: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;

/** Handlers of the channels C (a room's share of the contract). */
export type Handlers<C extends Channel = Channel> = { [K in C]: Handler<K> };
