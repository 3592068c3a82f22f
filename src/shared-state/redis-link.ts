// The one Redis connection an instance shares between cache, generations, breakers and rate
// limits, and its health: commands fail fast, an outage is logged once, the client reconnects.
import { Redis } from 'ioredis';
import { raceWithSignal } from '../../connectors/contract/abort.js';
import type { StateLogger } from './logger.js';

export type RedisLinkState = 'connecting' | 'ok' | 'degraded';

export interface RedisLinkStatus {
  state: RedisLinkState;
  /** Epoch ms of the last state change. */
  since: number;
  /** Last connection or command error while not ok (no secrets: messages come from ioredis). */
  lastError: string | null;
}

export interface RedisLinkOptions {
  url: string;
  logger: StateLogger;
  /** Every command is bounded by this; a slow Redis counts as a down one. Default 100 ms. */
  commandTimeoutMs?: number;
  /** Default 1000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect back-off doubles from 50 ms up to this cap. Default 2000 ms. */
  maxReconnectDelayMs?: number;
  /** Consecutive failed commands (timeouts) on a live connection before it counts as down. Default 3. */
  failureThreshold?: number;
  /** While degraded on a live connection, PING this often to notice recovery. Default 1000 ms. */
  probeIntervalMs?: number;
  connectionName?: string;
}

/** Thrown by `run` while the link is not ok, without touching the network. */
export class RedisUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisUnavailableError';
  }
}

/** A command that got no answer within the link's command timeout. */
export class RedisTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`redis command timed out after ${timeoutMs} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * Rejects when `promise` has not settled `ms` after the call. Timers run before I/O in each
 * event-loop turn, so after a stall (a busy CPU) a reply may already sit in the socket when the
 * timer fires: the verdict waits one setImmediate, after the poll phase has delivered it. Without
 * this a loaded process reports a healthy Redis as down.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisTimeoutError(ms));
      });
    }, ms);
    promise.then(
      (value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Errors that mean "Redis answered, but not that" — not an outage. */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RedisLink {
  readonly client: Redis;
  readonly #logger: StateLogger;
  readonly #failureThreshold: number;
  readonly #probeIntervalMs: number;
  readonly #commandTimeoutMs: number;
  readonly #listeners = new Set<(degraded: boolean) => void>();
  #state: RedisLinkState = 'connecting';
  #since = Date.now();
  #lastError: string | null = null;
  #consecutiveFailures = 0;
  #probeTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: RedisLinkOptions) {
    this.#logger = options.logger;
    this.#failureThreshold = options.failureThreshold ?? 3;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 100;
    const maxDelay = options.maxReconnectDelayMs ?? 2000;
    this.client = new Redis(options.url, {
      // No ioredis commandTimeout: its timer rejects at once after an event-loop stall, before a
      // reply already in the socket is read. `run` bounds every call instead (withDeadline), and
      // while degraded nothing but the probe is sent, so unanswered commands cannot pile up.
      connectTimeout: options.connectTimeoutMs ?? 1000,
      // Fail fast instead of queueing while disconnected: the caller falls back to the sources.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectionName: options.connectionName ?? 'knowledge-mcp',
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 16), maxDelay) + Math.floor(Math.random() * 50),
    });
    this.client.on('ready', () => this.#markUp());
    // Without a listener ioredis prints every reconnect failure; we log once per outage instead.
    this.client.on('error', (error: unknown) => this.#markDown(describe(error)));
    this.client.on('close', () => this.#markDown('connection closed'));
  }

  isDegraded(): boolean {
    return this.#state !== 'ok';
  }

  status(): RedisLinkStatus {
    return { state: this.#state, since: this.#since, lastError: this.#state === 'ok' ? null : this.#lastError };
  }

  /** Called with true when the link goes down and false when it is back. Returns an unsubscribe. */
  onChange(listener: (degraded: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once connected, or after `timeoutMs` (start-up should not hang on a dead Redis). */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.#state === 'ok') return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(this.#state === 'ok');
      }, timeoutMs);
      const off = this.onChange((degraded) => {
        if (degraded) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
    });
  }

  /**
   * Runs one Redis operation with failure accounting. Throws RedisUnavailableError at once while
   * degraded; otherwise any error from the operation (timeout, connection) is rethrown.
   */
  async run<T>(operation: (client: Redis) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#state !== 'ok') throw new RedisUnavailableError(`redis ${this.#state}`);
    signal?.throwIfAborted();
    try {
      const bounded = withDeadline(operation(this.client), this.#commandTimeoutMs);
      const result = await (signal ? raceWithSignal(bounded, signal) : bounded);
      this.#consecutiveFailures = 0;
      return result;
    } catch (error) {
      if (!(signal?.aborted ?? false) && !isReplyError(error)) this.#recordFailure(error);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopProbe();
    this.#listeners.clear();
    try {
      if (this.client.status === 'ready') await this.client.quit();
      else this.client.disconnect();
    } catch {
      this.client.disconnect();
    }
  }

  #recordFailure(error: unknown): void {
    this.#consecutiveFailures += 1;
    const connectionLost = this.client.status !== 'ready';
    if (connectionLost || this.#consecutiveFailures >= this.#failureThreshold) this.#markDown(describe(error));
  }

  #markDown(reason: string): void {
    if (this.#closed) return;
    this.#lastError = reason;
    if (this.#state === 'degraded') return;
    const wasConnecting = this.#state === 'connecting';
    this.#setState('degraded');
    // The one log line of this outage; recovery logs one more.
    this.#logger.warn(
      { redis: { reason } },
      wasConnecting
        ? 'redis unreachable: cache bypassed, shared state kept per instance until it comes back'
        : 'redis down: cache bypassed, shared state kept per instance until it comes back',
    );
    this.#startProbe();
  }

  #markUp(): void {
    if (this.#closed || this.#state === 'ok') return;
    const previous = this.#state;
    const downForMs = Date.now() - this.#since;
    this.#consecutiveFailures = 0;
    this.#stopProbe();
    this.#setState('ok');
    if (previous === 'degraded') this.#logger.info({ redis: { downForMs } }, 'redis reachable again: cache and shared state back in use');
    else this.#logger.debug('redis connected');
  }

  #setState(state: RedisLinkState): void {
    this.#state = state;
    this.#since = Date.now();
    const degraded = state !== 'ok';
    for (const listener of this.#listeners) listener(degraded);
  }

  // A live connection whose commands time out gets no 'ready' event when it heals: probe it.
  #startProbe(): void {
    if (this.#probeTimer !== null) return;
    this.#probeTimer = setInterval(() => {
      if (this.client.status !== 'ready') return;
      withDeadline(this.client.ping(), this.#commandTimeoutMs).then(
        () => this.#markUp(),
        (error: unknown) => {
          this.#lastError = describe(error);
        },
      );
    }, this.#probeIntervalMs);
    this.#probeTimer.unref();
  }

  #stopProbe(): void {
    if (this.#probeTimer === null) return;
    clearInterval(this.#probeTimer);
    this.#probeTimer = null;
  }
}
