// CacheStore in Redis: encoded entries with a PX expiry at the end of their stale window, and
// SET NX PX locks released by a compare-and-delete script. Every call goes through the RedisLink.
import { randomUUID } from 'node:crypto';
import type { RedisLink } from '../shared-state/redis-link.js';
import { defineScript } from '../shared-state/redis-script.js';
import { decodeEntry, encodeEntry, type CodecOptions } from './codec.js';
import type { CacheEntry } from './entry.js';
import type { CacheStore } from './store.js';

const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisCacheStore implements CacheStore {
  readonly shared = true;
  readonly #link: RedisLink;
  readonly #codec: CodecOptions;
  readonly #clock: () => number;
  readonly #releaseLock: ReturnType<typeof defineScript>;

  constructor(link: RedisLink, codec: CodecOptions, clock: () => number = Date.now) {
    this.#link = link;
    this.#codec = codec;
    this.#clock = clock;
    this.#releaseLock = defineScript(link.client, 'kmcpReleaseLock', RELEASE_LOCK_LUA, 1);
  }

  async get(key: string, signal: AbortSignal): Promise<CacheEntry | null> {
    const bytes = await this.#link.run((client) => client.getBuffer(key), signal);
    return bytes === null ? null : decodeEntry(bytes);
  }

  async set(key: string, entry: CacheEntry, signal: AbortSignal): Promise<void> {
    const keepMs = Math.ceil(entry.staleUntil - this.#clock());
    if (keepMs <= 0) return;
    const bytes = encodeEntry(entry, this.#codec);
    await this.#link.run((client) => client.set(key, bytes, 'PX', keepMs), signal);
  }

  async delete(key: string, signal: AbortSignal): Promise<void> {
    await this.#link.run((client) => client.del(key), signal);
  }

  async acquireLock(key: string, ttlMs: number, signal: AbortSignal): Promise<string | null> {
    const token = randomUUID();
    const reply = await this.#link.run((client) => client.set(key, token, 'PX', ttlMs, 'NX'), signal);
    return reply === 'OK' ? token : null;
  }

  async releaseLock(key: string, token: string, signal: AbortSignal): Promise<void> {
    await this.#link.run(() => this.#releaseLock([key], [token]), signal);
  }

  /** The link belongs to the composition root. */
  async close(): Promise<void> {}
}
