// Builds what instances share through Redis — the connection, breaker state, rate limits — or
// their in-memory stand-ins when REDIS_URL is unset. The composition root calls this once.
import type { BreakerStateStore } from '../federation/breaker-state.js';
import { MemoryBreakerStateStore } from '../federation/memory-breaker-store.js';
import type { StateLogger } from './logger.js';
import { SharedRateLimiter, type RateLimiter, type RateLimitSettings } from './rate-limiter.js';
import { RedisBreakerStateStore } from './redis-breaker-state.js';
import type { RedisLink, RedisLinkOptions } from './redis-link.js';

export interface SharedStateOptions {
  redisUrl: string | null;
  logger: StateLogger;
  /** Prefix of every Redis key; give each deployment (and each test) its own. Default `kmcp:`. */
  keyPrefix?: string;
  redis?: Omit<RedisLinkOptions, 'url' | 'logger'>;
  rateLimits: Omit<RateLimitSettings, 'keyPrefix'>;
}

export interface SharedState {
  /** Null without REDIS_URL. Pass it to createCacheLayer; its status feeds /readyz. */
  link: RedisLink | null;
  breakers: BreakerStateStore;
  rateLimiter: RateLimiter;
  close(): Promise<void>;
}

/**
 * The Redis client (ioredis, ~20 MB once loaded) is imported only when REDIS_URL is set: a
 * single instance never loads it.
 */
export async function createSharedState(options: SharedStateOptions): Promise<SharedState> {
  const keyPrefix = options.keyPrefix ?? 'kmcp:';
  const link =
    options.redisUrl === null ? null : new (await import('./redis-link.js')).RedisLink({ ...options.redis, url: options.redisUrl, logger: options.logger });
  const breakers = link === null ? new MemoryBreakerStateStore() : new RedisBreakerStateStore({ link, keyPrefix });
  const rateLimiter = new SharedRateLimiter({ ...options.rateLimits, keyPrefix }, link);
  return {
    link,
    breakers,
    rateLimiter,
    async close() {
      await breakers.close();
      await link?.close();
    },
  };
}
