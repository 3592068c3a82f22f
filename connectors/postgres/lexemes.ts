// Asks Postgres which lexemes words stem to (the same to_tsvector that indexed them), with a
// bounded least-recently-used cache because the words of hits repeat from query to query.
import type { SqlClient } from './sql-client.js';

const CACHE_LIMIT = 20_000;

export const LEXIZE_SQL = `SELECT w AS word, coalesce((SELECT array_agg(lexeme) FROM unnest(to_tsvector($1::regconfig, w))), '{}') AS lexemes
FROM unnest($2::text[]) AS w`;

export class LexemeCache {
  readonly #cache = new Map<string, readonly string[]>();

  constructor(
    private readonly client: () => SqlClient,
    private readonly textSearchConfig: string,
    private readonly limit = CACHE_LIMIT,
  ) {}

  /** word → its lexemes (empty for stop words), for every word given. */
  async lexize(words: readonly string[], signal: AbortSignal): Promise<Map<string, readonly string[]>> {
    const out = new Map<string, readonly string[]>();
    const missing: string[] = [];
    for (const word of words) {
      const known = this.#cache.get(word);
      if (known) {
        out.set(word, known);
        // most recently used last: a Map iterates in insertion order, so eviction takes the oldest
        this.#cache.delete(word);
        this.#cache.set(word, known);
      } else missing.push(word);
    }
    if (missing.length === 0) return out;
    const rows = await this.client().query<{ word: string; lexemes: string[] }>(LEXIZE_SQL, [this.textSearchConfig, missing], signal, { name: 'kmcp_lexize' });
    for (const row of rows) {
      this.#cache.set(row.word, row.lexemes);
      out.set(row.word, row.lexemes);
    }
    // Evict the least recently used words rather than clearing everything: a full clear made every
    // word of the next few searches a miss at once (one more round trip per search).
    for (const word of this.#cache.keys()) {
      if (this.#cache.size <= this.limit) break;
      this.#cache.delete(word);
    }
    return out;
  }
}
