// Ingest generations: one counter per source, bumped after every ingest and folded into every
// cache key that involved the source, so new documents are visible at once. In-memory version here.

export interface GenerationStore {
  /**
   * The current generation of each source (0 when never bumped), or null when they cannot be
   * known right now (Redis unreachable) — the caller must then not use the cache.
   */
  read(sources: readonly string[], signal: AbortSignal): Promise<ReadonlyMap<string, number> | null>;
  /**
   * Invalidates every cached answer built from `source`. Returns the new generation, or null when
   * it could not be recorded (then those answers live on until their TTL ends).
   */
  bump(source: string, signal: AbortSignal): Promise<number | null>;
  /**
   * Changes whenever a generation this store reported may have changed here (a bump, a newer
   * value read, a reconnection): what was looked up under an older version must be looked up again.
   */
  readonly version: number;
  /**
   * Until when (epoch ms) the generations last read for `sources` stand without reading them
   * again; Infinity when only this process changes them.
   */
  trustedUntil(sources: readonly string[]): number;
}

export class MemoryGenerationStore implements GenerationStore {
  readonly #generations = new Map<string, number>();
  #version = 0;

  get version(): number {
    return this.#version;
  }

  trustedUntil(): number {
    return Number.POSITIVE_INFINITY;
  }

  async read(sources: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return new Map(sources.map((source) => [source, this.#generations.get(source) ?? 0]));
  }

  async bump(source: string): Promise<number> {
    const next = (this.#generations.get(source) ?? 0) + 1;
    this.#generations.set(source, next);
    this.#version += 1;
    return next;
  }
}
