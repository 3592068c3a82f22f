// Agents repeat searches. A warm search asked again by the same caller with the same arguments is
// answered with the very output of the last time, for as long as the cache's lease says a lookup
// would find the same entry: no plan, no key hashing, no generations, no store. Returning the same
// (frozen) object also lets the tool layer send the bytes it encoded last time (result-wire.ts).
// Only answers the normal path would give identically are replayed: fresh hits, took_ms 0.
import type { CacheLease } from './cache-port.js';
import { principalScope } from './cache-key.js';
import type { RequestLine } from './settings.js';
import type { Caller, SearchInput, SearchOutput } from './types.js';

/** What the per-search info log line reports about a page, computed once per remembered answer. */
export interface PageSummary {
  offset: number;
  partial: boolean;
  results: number;
  sources: ReadonlyArray<{ name: string; status: string; took_ms: number; count: number }>;
}

export interface RepeatedSearch {
  /** Frozen, with `cached: true` and `took_ms: 0`. */
  output: Readonly<SearchOutput>;
  summary: PageSummary;
  lease: CacheLease;
  /** Logs a replay's info event: the fields that never change are bound once. */
  logReplay: RequestLine;
}

/** Bounded; the oldest remembered answer goes first. */
export const DEFAULT_MAX_REPEATED_SEARCHES = 512;

const principalDigests = new WeakMap<readonly string[], string>();

/** Everything about the caller that shapes an answer: key name (cursors), source scope, principals. */
function callerPart(caller: Caller): unknown[] {
  const principals = caller.principals;
  let digest = '*';
  if (principals !== null && principals !== undefined) {
    const known = principalDigests.get(principals);
    digest = known ?? principalScope(caller);
    if (known === undefined) principalDigests.set(principals, digest);
  }
  const scope = caller.allowedSources === null ? '*' : [...caller.allowedSources].sort();
  return [caller.keyName, scope, digest];
}

export class RepeatedSearches {
  readonly #entries = new Map<string, RepeatedSearch>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_MAX_REPEATED_SEARCHES) {
    this.#maxEntries = maxEntries;
  }

  /** One string per (caller, arguments): a different order of the same arguments is just another key. */
  key(input: SearchInput, caller: Caller): string {
    return JSON.stringify([...callerPart(caller), input.query, input.limit, input.sources ?? null, input.updated_after ?? null, input.cursor ?? null]);
  }

  /** The remembered answer while its lease holds; a lapsed one is forgotten. */
  find(key: string): RepeatedSearch | undefined {
    const repeat = this.#entries.get(key);
    if (repeat === undefined) return undefined;
    if (repeat.lease.isValid()) return repeat;
    this.#entries.delete(key);
    return undefined;
  }

  /** Remembers a fresh hit's answer (given with took_ms 0) under its lease. */
  remember(key: string, repeat: Omit<RepeatedSearch, 'output'> & { output: SearchOutput }): void {
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { ...repeat, output: Object.freeze({ ...repeat.output, cached: true, took_ms: 0 }) });
  }

  get size(): number {
    return this.#entries.size;
  }
}
