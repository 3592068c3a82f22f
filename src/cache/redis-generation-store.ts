// Ingest generations in Redis (INCR per source) so an ingest on any instance invalidates every
// instance. Reads are memoised for `refreshMs`: other instances see a bump within that time,
// this instance at once.
import { z } from 'zod';
import { raceWithSignal } from '../../connectors/contract/abort.js';
import type { StateLogger } from '../shared-state/logger.js';
import type { RedisLink } from '../shared-state/redis-link.js';
import type { GenerationStore } from './generation-store.js';

const mgetReply = z.array(z.string().nullable());

export interface RedisGenerationStoreOptions {
  link: RedisLink;
  keyPrefix: string;
  logger: StateLogger;
  /** How long a read generation is trusted before Redis is asked again. Default 1000 ms. */
  refreshMs?: number;
  clock?: () => number;
}

interface Known {
  generation: number;
  readAt: number;
}

export class RedisGenerationStore implements GenerationStore {
  readonly #link: RedisLink;
  readonly #prefix: string;
  readonly #logger: StateLogger;
  readonly #refreshMs: number;
  readonly #clock: () => number;
  readonly #known = new Map<string, Known>();
  readonly #pending = new Map<string, Promise<void>>();
  #version = 0;

  constructor(options: RedisGenerationStoreOptions) {
    this.#link = options.link;
    this.#prefix = `${options.keyPrefix}gen:`;
    this.#logger = options.logger;
    this.#refreshMs = options.refreshMs ?? 1000;
    this.#clock = options.clock ?? Date.now;
    // Bumps made elsewhere during an outage were not seen here: forget everything on recovery.
    options.link.onChange((degraded) => {
      if (!degraded) this.#forget();
    });
  }

  get version(): number {
    return this.#version;
  }

  trustedUntil(sources: readonly string[]): number {
    let until = Number.POSITIVE_INFINITY;
    for (const source of sources) {
      const known = this.#known.get(source);
      if (known === undefined) return Number.NEGATIVE_INFINITY;
      until = Math.min(until, known.readAt + this.#refreshMs);
    }
    return until;
  }

  async read(sources: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, number> | null> {
    if (this.#link.isDegraded()) return null;
    const now = this.#clock();
    const due = sources.filter((source) => {
      const known = this.#known.get(source);
      return known === undefined || now - known.readAt >= this.#refreshMs;
    });
    if (due.length > 0) {
      try {
        await this.#fetch(due, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        return null;
      }
    }
    const generations = new Map<string, number>();
    for (const source of sources) {
      const known = this.#known.get(source);
      if (known === undefined) return null;
      generations.set(source, known.generation);
    }
    return generations;
  }

  async bump(source: string, signal: AbortSignal): Promise<number | null> {
    try {
      const generation = await this.#link.run((client) => client.incr(this.#key(source)), signal);
      this.#learn(source, generation, this.#clock());
      return generation;
    } catch (error) {
      if (signal.aborted) throw error;
      this.#logger.warn({ source }, 'could not record an ingest generation (redis unreachable); cached answers expire by TTL');
      return null;
    }
  }

  // One MGET per distinct set of due sources at a time, however many requests ask at once.
  #fetch(sources: readonly string[], signal: AbortSignal): Promise<void> {
    const id = [...sources].sort().join('\u0000');
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = this.#link
        .run((client) => client.mget(...sources.map((source) => this.#key(source))))
        .then((reply) => {
          const values = mgetReply.parse(reply);
          const readAt = this.#clock();
          for (const [index, source] of sources.entries()) this.#learn(source, Number(values[index] ?? 0), readAt);
        })
        .finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return raceWithSignal(pending, signal);
  }

  #learn(source: string, generation: number, readAt: number): void {
    const known = this.#known.get(source);
    if (known !== undefined && known.generation !== generation) this.#version += 1;
    this.#known.set(source, { generation, readAt });
  }

  #forget(): void {
    this.#known.clear();
    this.#version += 1;
  }

  #key(source: string): string {
    return `${this.#prefix}${source}`;
  }
}
