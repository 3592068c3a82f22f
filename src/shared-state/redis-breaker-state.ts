// BreakerStateStore in Redis: one hash per source updated atomically by a Lua script, and a
// NX lease for the half-open probe, so every instance sees a source suspended by any of them.
// Falls back to per-instance memory while Redis is down.
import { z } from 'zod';
import { breakerState, CLOSED_BREAKER, type BreakerPolicy, type BreakerSnapshot, type BreakerStateStore } from '../federation/breaker-state.js';
import { MemoryBreakerStateStore } from '../federation/memory-breaker-store.js';
import type { RedisLink } from './redis-link.js';
import { defineScript } from './redis-script.js';

// Mirrors applyFailure (federation/breaker-state.ts); the integration test holds both to the same cases.
const RECORD_FAILURE_LUA = `
local now = tonumber(ARGV[1])
local state = redis.call('HMGET', KEYS[1], 'f', 'u', 't')
local f = tonumber(state[1] or '0') + 1
local u = tonumber(state[2] or '0')
local t = tonumber(state[3] or '0')
if f >= tonumber(ARGV[2]) and now >= u then
  local d = tonumber(ARGV[3]) * (2 ^ t)
  if d > tonumber(ARGV[4]) then d = tonumber(ARGV[4]) end
  u = now + d
  t = t + 1
  redis.call('DEL', KEYS[2])
end
redis.call('HSET', KEYS[1], 'f', f, 'u', u, 't', t)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {f, u, t}
`;

const scriptReply = z.tuple([z.coerce.number(), z.coerce.number(), z.coerce.number()]);
const hashReply = z.tuple([z.string().nullable(), z.string().nullable(), z.string().nullable()]);

export interface RedisBreakerStateStoreOptions {
  link: RedisLink;
  /** Key prefix shared with the other shared-state keys, e.g. `kmcp:`. */
  keyPrefix: string;
  /**
   * How long a source read as healthy (no failures recorded anywhere) is taken as healthy without
   * asking Redis again (default 1 s, as long as ingest generations are trusted). Every source call
   * read its breaker first: four round trips to Redis per uncached search over two sources. Another
   * instance's trip is seen within this time; this instance's own failures at once.
   */
  trustHealthyMs?: number;
}

const DEFAULT_TRUST_HEALTHY_MS = 1_000;

export class RedisBreakerStateStore implements BreakerStateStore {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #fallback: MemoryBreakerStateStore;
  readonly #recordFailureScript: ReturnType<typeof defineScript>;
  readonly #trustHealthyMs: number;
  /** Source → until when (the callers' clock, epoch ms) its last healthy read stands. */
  readonly #healthyUntil = new Map<string, number>();

  constructor(options: RedisBreakerStateStoreOptions) {
    this.#link = options.link;
    this.#trustHealthyMs = options.trustHealthyMs ?? DEFAULT_TRUST_HEALTHY_MS;
    this.#prefix = `${options.keyPrefix}breaker:`;
    this.#fallback = new MemoryBreakerStateStore();
    this.#recordFailureScript = defineScript(options.link.client, 'kmcpBreakerFailure', RECORD_FAILURE_LUA, 2);
  }

  async get(source: string, now: number, signal?: AbortSignal): Promise<BreakerSnapshot> {
    const healthyUntil = this.#healthyUntil.get(source);
    if (healthyUntil !== undefined && now < healthyUntil) return CLOSED_BREAKER;
    try {
      const reply = await this.#link.run((client) => client.hmget(this.#stateKey(source), 'f', 'u', 't'), signal);
      const [f, u, t] = hashReply.parse(reply);
      if (f === null) {
        this.#healthyUntil.set(source, now + this.#trustHealthyMs);
        return CLOSED_BREAKER;
      }
      this.#healthyUntil.delete(source);
      return { failures: Number(f), suspendedUntil: Number(u ?? 0), trips: Number(t ?? 0) };
    } catch (error) {
      if (signal?.aborted) throw error;
      return this.#fallback.get(source, now);
    }
  }

  async recordFailure(source: string, now: number, policy: BreakerPolicy, signal?: AbortSignal): Promise<BreakerSnapshot> {
    this.#healthyUntil.delete(source);
    // Keep the local copy in step so an outage starts from a sensible count.
    const local = await this.#fallback.recordFailure(source, now, policy);
    try {
      const reply = await this.#link.run(
        () =>
          this.#recordFailureScript(
            [this.#stateKey(source), this.#probeKey(source)],
            [now, policy.failureThreshold, policy.baseSuspendMs, policy.maxSuspendMs, policy.idleResetMs],
          ),
        signal,
      );
      const [failures, suspendedUntil, trips] = scriptReply.parse(reply);
      return { failures, suspendedUntil, trips };
    } catch (error) {
      if (signal?.aborted) throw error;
      return local;
    }
  }

  async recordSuccess(source: string, signal?: AbortSignal): Promise<void> {
    await this.#fallback.recordSuccess(source);
    try {
      await this.#link.run((client) => client.del(this.#stateKey(source), this.#probeKey(source)), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
    }
  }

  async tryAcquireProbe(source: string, now: number, policy: BreakerPolicy, signal?: AbortSignal): Promise<boolean> {
    const snapshot = await this.get(source, now, signal);
    if (breakerState(snapshot, now) !== 'half-open') return false;
    try {
      const reply = await this.#link.run((client) => client.set(this.#probeKey(source), String(now), 'PX', policy.probeLeaseMs, 'NX'), signal);
      return reply === 'OK';
    } catch (error) {
      if (signal?.aborted) throw error;
      return this.#fallback.tryAcquireProbe(source, now, policy);
    }
  }

  /** The link belongs to the composition root; only local state is dropped here. */
  async close(): Promise<void> {
    await this.#fallback.close();
  }

  #stateKey(source: string): string {
    return `${this.#prefix}${source}`;
  }

  #probeKey(source: string): string {
    return `${this.#prefix}${source}:probe`;
  }
}
