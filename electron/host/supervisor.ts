/**
 * Runs the engine host in a child process and keeps it running: requests are validated before they
 * leave, answered by id, and events are validated when they arrive. When the child dies, pending
 * requests fail with HOST_CRASHED, runs in flight end with a run.error, a new child is started and
 * a host.status 'restarted' event is sent. The library is a SQLite file the child reopens, so a
 * crash never loses it. The process kind is pluggable: fork (Node) or Electron's utilityProcess.
 */
import {
  IpcError, openEnvelope, parseEvent, parseRequest,
  type AnyEvent, type Channel, type EventName, type EventOf, type Listener, type RequestOf, type ResponseOf, type Unsubscribe,
} from '../shared/contract.js';
import { FromHostSchema, HOST_CONFIG_ENV, type FromHost, type HostConfig, type ToHost } from './protocol.js';

/** One started child process, whatever kind. */
export interface HostProcess {
  readonly pid: number | undefined;
  send(msg: ToHost): void;
  onMessage(listener: (msg: unknown) => void): void;
  onExit(listener: (code: number | null, reason: string) => void): void;
  kill(): void;
}
export type SpawnHost = (env: Record<string, string>) => HostProcess;

/** Crashes tolerated within RESTART_WINDOW_MS before giving up (a host that dies at start would loop). */
export const MAX_RESTARTS_IN_WINDOW = 5;
export const RESTART_WINDOW_MS = 60_000;
/** Wait before restarting, so a crash loop does not spin the CPU. */
export const RESTART_DELAY_MS = 200;
/** How long a child may take to say it is ready (model-free start: ~1 s; generous for slow disks). */
export const READY_TIMEOUT_MS = 30_000;
/** Heartbeat: a ping this often; a host whose thread answers none for HEARTBEAT_TIMEOUT_MS is stuck (a
 *  runaway in code that should never run long on its thread) and is killed and restarted. Heavy work
 *  (prefill, reading documents, templates) runs off that thread, so a minute of silence is never normal. */
export const HEARTBEAT_MS = 5_000;
export const HEARTBEAT_TIMEOUT_MS = 60_000;

export interface SupervisorOptions {
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Seals and opens API keys for the child (Electron main: safeStorage); absent, the child keeps keys in memory. */
  vault?: (op: 'seal' | 'open', text: string) => Promise<string | null>;
}

/** What the CLI, the web server and Electron main talk to. */
export interface HostClient {
  invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe;
  onAny(listener: (e: AnyEvent) => void): Unsubscribe;
}

interface Pending { resolve: (v: unknown) => void; reject: (e: unknown) => void }

export class HostSupervisor implements HostClient {
  private child: HostProcess | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(e: AnyEvent) => void>();
  private readonly activeRuns = new Set<string>();
  private readonly crashTimes: number[] = [];
  private restarts = 0;
  private stopped = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  /** Why the current child is being killed by the supervisor (it stopped answering), else null. */
  private killReason: string | null = null;

  constructor(private readonly spawn: SpawnHost, private readonly config: HostConfig, private readonly options: SupervisorOptions = {}) {}

  get pid(): number | undefined { return this.child?.pid; }
  get restartCount(): number { return this.restarts; }

  /** Starts the child; resolves when it is ready. */
  start(): Promise<void> {
    this.stopped = false;
    if (!this.ready) this.ready = this.launch();
    return this.ready;
  }

  async invoke<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    return (await this.invokeUnknown(channel, request)) as ResponseOf<C>;
  }

  /** For transports (HTTP, IPC) whose payloads are untyped: validated here before they go anywhere. */
  async invokeUnknown(channel: string, request: unknown): Promise<unknown> {
    const payload = parseRequest(channel, request);
    if (this.stopped) throw new IpcError('HOST_UNAVAILABLE', 'the engine host is stopped');
    await this.start();
    const child = this.child;
    if (!child) throw new IpcError('HOST_UNAVAILABLE', 'the engine host is not running');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        child.send({ type: 'request', id, channel, payload });
      } catch (err) {
        this.pending.delete(id);
        reject(new IpcError('HOST_UNAVAILABLE', `could not reach the engine host: ${String(err)}`));
      }
    });
  }

  on<E extends EventName>(event: E, listener: Listener<E>): Unsubscribe {
    return this.onAny((e) => { if (e.event === event) listener(e.payload as EventOf<E>); });
  }

  onAny(listener: (e: AnyEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Kills the child the hard way (tests: simulates a native crash). */
  killChild(): void { this.child?.kill(); }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopHeartbeat();
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { child.kill(); resolve(); }, 3000);
      child.onExit(() => { clearTimeout(timer); resolve(); });
      try { child.send({ type: 'shutdown' }); } catch { child.kill(); }
    });
    this.child = null;
    this.ready = null;
    this.emit({ event: 'host.status', payload: { state: 'stopped', restarts: this.restarts, reason: null, at: new Date().toISOString() } });
  }

  private emit(e: AnyEvent): void {
    if (e.event === 'run.started') this.activeRuns.add(e.payload.runId);
    if (e.event === 'run.done' || e.event === 'run.error') this.activeRuns.delete(e.payload.runId);
    for (const l of this.listeners) {
      try { l(e); } catch { /* a listener's bug must not break the stream */ }
    }
  }

  private launch(): Promise<void> {
    const env = { [HOST_CONFIG_ENV]: JSON.stringify({ ...this.config, restarts: this.restarts }) };
    const child = this.spawn(env);
    this.child = child;
    if (this.restarts === 0) this.emit({ event: 'host.status', payload: { state: 'starting', restarts: 0, reason: null, at: new Date().toISOString() } });
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new IpcError('HOST_UNAVAILABLE', 'the engine host did not start in time'));
        child.kill();
      }, READY_TIMEOUT_MS);
      child.onMessage((raw) => {
        const parsed = FromHostSchema.safeParse(raw);
        if (!parsed.success) return;
        const msg: FromHost = parsed.data;
        switch (msg.type) {
          case 'ready':
            if (!settled) { settled = true; clearTimeout(timer); resolve(); }
            this.startHeartbeat(child);
            this.emit({ event: 'host.status', payload: {
              state: this.restarts > 0 ? 'restarted' : 'ready', restarts: this.restarts,
              reason: this.restarts > 0 ? 'the engine host stopped unexpectedly and was restarted' : null, at: new Date().toISOString() } });
            break;
          case 'fatal':
            if (!settled) { settled = true; clearTimeout(timer); reject(new IpcError(msg.error.code, msg.error.message)); }
            break;
          case 'response': {
            const p = this.pending.get(msg.id);
            if (!p) break;
            this.pending.delete(msg.id);
            try { p.resolve(openEnvelope(msg, 'the engine host')); } catch (e) { p.reject(e); }
            break;
          }
          case 'vault': {
            const reply = (r: { ok: boolean; text: string | null; error?: string }) => child.send({ type: 'vault-reply', id: msg.id, ...r });
            if (!this.options.vault) { reply({ ok: false, text: null, error: 'this parent keeps no keys' }); break; }
            this.options.vault(msg.op, msg.text).then((text) => reply({ ok: true, text }),
              (e: unknown) => reply({ ok: false, text: null, error: e instanceof Error ? e.message : String(e) }));
            break;
          }
          case 'event': {
            const e = parseEvent({ event: msg.event, payload: msg.payload });
            if (e) this.emit(e);
            break;
          }
          case 'pong':
            this.lastPong = Date.now();
            break;
        }
      });
      child.onExit((code, exitReason) => {
        clearTimeout(timer);
        if (this.child !== child) return;
        this.stopHeartbeat();
        const reason = this.killReason ?? exitReason;
        this.killReason = null;
        this.child = null;
        this.ready = null;
        if (!settled) { settled = true; reject(new IpcError('HOST_CRASHED', `the engine host exited while starting (${reason})`)); }
        this.onCrash(code, reason);
      });
    });
  }

  private lastPong = 0;

  /** Pings the child; one that has not answered for the timeout is killed (onExit restarts it). */
  private startHeartbeat(child: HostProcess): void {
    this.stopHeartbeat();
    const every = this.options.heartbeatMs ?? HEARTBEAT_MS;
    const timeout = this.options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    this.lastPong = Date.now();
    let id = 0;
    this.heartbeat = setInterval(() => {
      if (this.child !== child) return this.stopHeartbeat();
      if (Date.now() - this.lastPong > timeout) {
        this.killReason = `it stopped answering for ${Math.round(timeout / 1000)} s`;
        this.stopHeartbeat();
        child.kill();
        return;
      }
      try { child.send({ type: 'ping', id: ++id }); } catch { /* its exit is handled by onExit */ }
    }, every);
    this.heartbeat.unref?.();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private onCrash(code: number | null, reason: string): void {
    const error = { code: 'HOST_CRASHED', message: `the engine host stopped (${reason}); it is being restarted` };
    for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(new IpcError(error.code, error.message)); }
    for (const runId of [...this.activeRuns]) this.emit({ event: 'run.error', payload: { runId, error } });
    if (this.stopped) return;
    this.emit({ event: 'host.status', payload: { state: 'crashed', restarts: this.restarts, reason, at: new Date().toISOString() } });
    const now = Date.now();
    this.crashTimes.push(now);
    while (this.crashTimes.length && now - this.crashTimes[0]! > RESTART_WINDOW_MS) this.crashTimes.shift();
    if (this.crashTimes.length > MAX_RESTARTS_IN_WINDOW) {
      this.stopped = true;
      this.emit({ event: 'host.status', payload: { state: 'stopped', restarts: this.restarts,
        reason: `the engine host crashed ${this.crashTimes.length} times in a minute (last: ${reason}, exit code ${code}); not restarting`, at: new Date().toISOString() } });
      return;
    }
    this.restarts++;
    setTimeout(() => {
      if (this.stopped || this.ready) return;
      this.ready = this.launch();
      this.ready.catch(() => undefined);
    }, RESTART_DELAY_MS);
  }
}
