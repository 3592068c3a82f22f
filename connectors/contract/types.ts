// The connector contract: the one small interface every source kind implements.
// The federation layer depends only on this file; concrete connectors never import each other.

/** What the federation asks of one source for one search. */
export interface SearchRequest {
  /** The user's text, already trimmed; 1..1000 characters. Never spliced into query syntax. */
  query: string;
  /** How many hits this source should return at most (enough to fill the requested page). */
  limit: number;
  /** Only documents updated at or after this instant; null = no filter. */
  updatedAfter: Date | null;
  /** Aborted when the caller gives up (timeout, deadline, client gone). Must cancel backend work. */
  signal: AbortSignal;
  /**
   * The caller's principals (`user:<sub>`, `user:<email>`, `group:<g>`; DESIGN §7). A source that
   * enforces document permissions returns only documents whose ACL is absent or names one of
   * them, filtering before it ranks. Absent or null: a service caller, who may read every document
   * of the source.
   */
  principals?: readonly string[] | null;
  /**
   * Collection statistics of the whole federation for this query's words (issue 17). A source
   * that scores with BM25 uses them instead of its own, so that its scores compare with every
   * other source's; absent: score with the source's own statistics.
   */
  statistics?: GlobalStatistics;
}

/**
 * What the federation asks a BM25-capable source before it searches: its own statistics for the
 * query's words. Words are the federation's tokens (case and accents folded, its stop words
 * dropped); each source analyses each word its own way (stemmer, stop words), so the answer is
 * keyed by the word as given and compares across engines. Counts are over the whole collection,
 * not one caller's readable documents: they are shared by every caller (and remembered).
 */
export interface StatisticsRequest {
  /** Distinct query words, folded, as `analyzeQuery(query, { stem: false })` gives them. */
  words: readonly string[];
  signal: AbortSignal;
}

/** One source's collection statistics for some words. */
export interface CollectionStatistics {
  /** Searchable documents in the source. */
  documentCount: number;
  /** Mean document length, in `lengthUnit`s (what the source's BM25 length norm counts). */
  averageLength: number;
  /**
   * Names what a length counts, e.g. `postgres:english` (lexemes of that text search config) or
   * `text-analysis` (the shared analyser's terms). Sources with one unit share a global average.
   */
  lengthUnit: string;
  /**
   * Documents that contain each word, as this source analyses it. A word the source does not
   * index (its stop word) is absent; a word it indexes but no document holds is 0.
   */
  documentFrequencies: Record<string, number>;
}

/** The federation's combined statistics, as one source receives them in `SearchRequest`. */
export interface GlobalStatistics {
  /** Documents in every source that reported statistics. */
  documentCount: number;
  /** Mean length over the sources that share the receiving source's length unit; null: use its own. */
  averageLength: number | null;
  /**
   * Per query word (keys as in `StatisticsRequest.words`): documents holding it across the
   * federation, scaled to `documentCount` when some sources do not index the word. A word that
   * is absent here: the source falls back to its own document frequency scaled to `documentCount`.
   */
  documentFrequencies: Record<string, number>;
}

/** BM25 as every source that takes `GlobalStatistics` computes it, so their scores share a scale. */
export const SHARED_BM25 = { k1: 1.2, b: 0.75, titleWeight: 2 } as const;

/** One ranked hit from one source, best first. IDs are native (the federation adds the prefix). */
export interface SourceHit {
  nativeId: string;
  title: string;
  /** Text around the matched terms; matched terms wrapped in `**…**`. Plain text otherwise. */
  snippet: string;
  url: string | null;
  /**
   * The source's relevance score (higher is better). Comparable across sources when it is BM25
   * computed with `SearchRequest.statistics`; otherwise only within one source.
   */
  score: number;
  /** ISO 8601 timestamp, or null when the source doesn't know. */
  updatedAt: string | null;
  /** Hash of the normalised body when cheap to compute; used for cross-source de-duplication. */
  contentHash?: string | null;
}

/** A whole document, as `get_document` returns it (before max_chars/offset paging). */
export interface SourceDocument {
  nativeId: string;
  title: string;
  url: string | null;
  updatedAt: string | null;
  /** Readable text or markdown (HTML and wiki markup already converted). */
  content: string;
  metadata: Record<string, unknown>;
}

export interface SourceHealth {
  ok: boolean;
  /** Number of searchable documents when the source knows it cheaply; null otherwise. */
  documentCount: number | null;
  /** One line for operators when not ok (no secrets). */
  detail?: string;
}

/** A document to ingest, as read from BEIR JSONL or a markdown folder. */
export interface IngestDocument {
  id: string;
  title: string;
  text: string;
  url?: string | null;
  updatedAt?: string | null;
  metadata?: Record<string, unknown>;
  /**
   * Principals who may read the document. Absent or null: everyone who may use the source;
   * `[]`: service callers only.
   */
  acl?: readonly string[] | null;
}

export interface IngestOptions {
  signal: AbortSignal;
  /**
   * Called after each committed batch with the number of documents committed so far (written or
   * unchanged; refused ones are not counted). A failed ingest reports this figure to the user.
   */
  onProgress?: (done: number) => void;
  batchSize?: number;
}

export interface IngestSummary {
  /** Documents written (inserted or updated). */
  written: number;
  /** Per-document failures with their reason (e.g. Elasticsearch bulk item errors). */
  failed: Array<{ id: string; reason: string }>;
}

/**
 * A searchable source. Implementations are small: build a backend request, parse its response.
 * Timeouts, breakers, concurrency caps and fusion belong to the federation, not here.
 * Failures throw `SourceError` (or any error; the federation wraps unknown ones).
 */
export interface Connector {
  /** Unique source name, `^[a-z][a-z0-9_-]{0,31}$`; the ID prefix. */
  readonly name: string;
  /** The connector kind (`postgres`, `markdown`, `elasticsearch`, `mediawiki`, `confluence`, …). */
  readonly kind: string;
  /** One sentence for agents and operators: what this source holds. */
  readonly description: string;

  /** Ranked hits, best first, at most `request.limit`. An empty list is a normal answer. */
  search(request: SearchRequest): Promise<SourceHit[]>;
  /**
   * The document with this native ID, or null when it does not exist or the caller's principals
   * (as in `SearchRequest.principals`) may not read it: the two answers are indistinguishable.
   */
  get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null>;
  /**
   * True when `search` scores with `SearchRequest.statistics` (BM25 with `SHARED_BM25`), so its
   * scores compare with other such sources'. The federation re-scores other sources' hits from
   * their title and snippet instead.
   */
  readonly usesGlobalStatistics?: boolean;
  /**
   * This source's own statistics for the query's words (issue 17), for the federation to combine
   * into `SearchRequest.statistics`. Absent on sources whose engine cannot tell (their hits are
   * re-scored by the federation from their text).
   */
  collectionStatistics?(request: StatisticsRequest): Promise<CollectionStatistics>;
  /** Cheap reachability check for /readyz and list_sources. */
  health(signal: AbortSignal): Promise<SourceHealth>;
  /** The native ID for a URL this source serves, or null when the URL is not one of its own. */
  recognizeUrl?(url: string): string | null;
  /** Write documents (idempotent upsert by id). Absent on read-only sources. */
  ingest?(documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<IngestSummary>;
  /** Prepare the source (migrations, index build). Called once before serving. */
  start?(signal: AbortSignal): Promise<void>;
  /** Release pools, watchers and timers. */
  close(): Promise<void>;
}

/** Context a factory receives from the composition root. */
export interface ConnectorContext {
  /** Child logger carrying `source`; pino-compatible subset. */
  logger: {
    debug(obj: object | string, msg?: string): void;
    info(obj: object | string, msg?: string): void;
    warn(obj: object | string, msg?: string): void;
    error(obj: object | string, msg?: string): void;
  };
  /** Directory for embedded data (PGlite), default `./data`. */
  dataDir: string;
}
