// Per-key rate limits (rate-limiter-flexible): counted in Redis so every instance shares them,
// in memory without Redis or while it is down. A refusal carries Retry-After seconds for the 429.
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisLink } from './redis-link.js';

export interface RateLimitPolicy {
  /** Requests allowed per window; 0 = unlimited. */
  points: number;
  /** Window length in seconds. */
  durationSec: number;
}

export interface RateLimitSettings {
  /** Applies to every key without its own policy (e.g. RATE_LIMIT_PER_MINUTE → {points, 60}). */
  defaultPolicy: RateLimitPolicy;
  /** Per key name (API key names from config, or whatever identity the HTTP layer uses). */
  perKey?: Readonly<Record<string, RateLimitPolicy>>;
  /** Prefix shared with the other shared-state keys, e.g. `kmcp:`. */
  keyPrefix: string;
}

export type RateDecision =
  | { allowed: true /** Left in this window; null when unlimited. */; remaining: number | null }
  | { allowed: false /** Whole seconds for the Retry-After header, at least 1. */; retryAfterSeconds: number };

/** Per-key request budgets: what the edge asks before letting a request through. */
export interface RateLimiter {
  /**
   * Counts one request for `key` and says whether it may proceed. `policy` overrides the
   * configured one for this call (the HTTP layer passes the key's limit). Never throws for
   * backend trouble.
   */
  consume(key: string, policy?: RateLimitPolicy, signal?: AbortSignal): Promise<RateDecision>;
}

interface LimiterPair {
  shared: RateLimiterRedis | null;
  local: RateLimiterMemory;
}

function refusal(result: RateLimiterRes): RateDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
}

function grant(result: RateLimiterRes): RateDecision {
  return { allowed: true, remaining: result.remainingPoints };
}

/** rate-limiter-flexible rejects with a RateLimiterRes for "limit reached" and with an Error for trouble. */
function toDecision(consumed: Promise<RateLimiterRes>): Promise<RateDecision> {
  return consumed.then(grant, (reason: unknown) => {
    if (reason instanceof RateLimiterRes) return refusal(reason);
    throw reason;
  });
}

export class SharedRateLimiter implements RateLimiter {
  readonly #link: RedisLink | null;
  readonly #settings: RateLimitSettings;
  // One limiter pair per distinct policy; its key prefix names the policy so a changed
  // limit starts fresh counters instead of inheriting ones counted under another window.
  readonly #pairs = new Map<string, LimiterPair>();

  constructor(settings: RateLimitSettings, link: RedisLink | null) {
    this.#settings = settings;
    this.#link = link;
  }

  async consume(key: string, override?: RateLimitPolicy, signal?: AbortSignal): Promise<RateDecision> {
    const policy = override ?? this.#settings.perKey?.[key] ?? this.#settings.defaultPolicy;
    if (policy.points <= 0) return { allowed: true, remaining: null };
    const pair = this.#pairFor(policy);
    if (pair.shared !== null && this.#link !== null && !this.#link.isDegraded()) {
      const shared = pair.shared;
      try {
        return await this.#link.run(() => toDecision(shared.consume(key)), signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        // Redis failed mid-call: count locally rather than refuse or wave everything through.
      }
    }
    return toDecision(pair.local.consume(key));
  }

  #pairFor(policy: RateLimitPolicy): LimiterPair {
    const id = `${policy.points}/${policy.durationSec}`;
    let pair = this.#pairs.get(id);
    if (pair === undefined) {
      const keyPrefix = `${this.#settings.keyPrefix}rl:${id}`;
      const options = { points: policy.points, duration: policy.durationSec, keyPrefix };
      pair = {
        shared: this.#link === null ? null : new RateLimiterRedis({ ...options, storeClient: this.#link.client }),
        local: new RateLimiterMemory(options),
      };
      this.#pairs.set(id, pair);
    }
    return pair;
  }
}
