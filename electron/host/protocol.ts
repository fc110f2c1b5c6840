/**
 * Messages between a host parent (Electron main, the web server, tests) and the engine host child
 * process. Requests carry a contract channel and its payload; the child answers once per request
 * and streams contract events. Both sides validate what they receive.
 */
import { z } from 'zod';
import { IpcErrorSchema } from '../shared/contract.js';

export const ToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('request'), id: z.number().int(), channel: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('shutdown') }),
  /** Heartbeat: a host whose thread answers no ping for a while is stuck and is restarted. */
  z.object({ type: z.literal('ping'), id: z.number().int() }),
  /** The parent's answer to a `vault` request (engine/parent-key-vault.ts). */
  z.object({ type: z.literal('vault-reply'), id: z.number().int(), ok: z.boolean(), text: z.string().nullable(), error: z.string().optional() }),
]);
export type ToHost = z.infer<typeof ToHostSchema>;

export const FromHostSchema = z.union([
  z.object({ type: z.literal('ready'), pid: z.number(), runtime: z.string().nullable(), problem: z.string().nullable() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: z.number().int(), ok: z.literal(false), error: IpcErrorSchema }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ type: z.literal('fatal'), error: IpcErrorSchema }),
  z.object({ type: z.literal('pong'), id: z.number().int() }),
  /** Seal or open a remote engine's API key with the parent's OS keychain (Electron safeStorage lives in main). */
  z.object({ type: z.literal('vault'), id: z.number().int(), op: z.enum(['seal', 'open']), text: z.string() }),
]);
export type FromHost = z.infer<typeof FromHostSchema>;

/** What the child reads from its environment (set by the parent). */
export const HostConfigSchema = z.object({
  dataDir: z.string(),
  mode: z.enum(['electron', 'web', 'cli', 'test']),
  /** 'scripted' only in protocol tests where the addon is not built. */
  runtime: z.enum(['native', 'scripted']).default('native'),
  demoModelPath: z.string().optional(),
  presetsPath: z.string().optional(),
  restarts: z.number().int().default(0),
});
export type HostConfig = z.input<typeof HostConfigSchema>;
export const HOST_CONFIG_ENV = 'SWAA_HOST_CONFIG';
