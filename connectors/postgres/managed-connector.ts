// The managed mode: documents written by ingest into `<schema>.documents`, ranked by BM25
// over postings kept at ingest and packed in blocks that the search adds up here (bm25-sql.ts,
// block-scores.ts), on a pg server or embedded PGlite.
import { SourceError } from '../contract/errors.js';
import type { Connector, ConnectorContext, IngestDocument, IngestOptions, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../contract/types.js';
import { type SearchParams, buildBlockHitsSql, buildBlockSearchSql, buildExhaustiveSearchSql, buildWordStatisticsSql, searchParams } from './bm25-sql.js';
import { allDocuments, decodeBlocks, rankedBatches, topDocuments, type Candidate, type ScoredTerm } from './block-scores.js';
import { resolveTarget, type PostgresSourceConfig } from './config.js';
import { DocumentLengths } from './document-lengths.js';
import { healthDetail, toSourceError } from './errors.js';
import { quoteIdent } from './identifiers.js';
import { ingestDocuments, type PostgresIngestSummary } from './ingest.js';
import { migrate } from './migrate.js';
import { openSqlClient } from './open-client.js';
import { highlightHits } from './highlight.js';
import { LexemeCache } from './lexemes.js';
import { cleanQueryText } from './snippet.js';
import type { SqlClient } from './sql-client.js';

export interface PostgresConnectorContext extends ConnectorContext {
  env: Record<string, string | undefined>;
}

interface HitRow {
  id: string;
  title: string;
  url: string | null;
  updated_at: Date | string | null;
  content_hash: string;
  score: number;
  body_head: string;
  query_lexemes: string[];
}

/** A query term's row of the block statement, or (weight null) its row of the lengths. */
interface TermBlocksRow {
  weight: number | null;
  c0: number;
  c1: number;
  /** The term's tf blocks in base64, as stored (migrations/006_tf_blocks.sql); null: none. */
  blocks: string | null;
  generation: number | null;
  lengths_table: number | null;
  /** Length blocks written since the generation the connector holds; null: none. */
  lengths: string | null;
}

interface BlockHitRow extends Omit<HitRow, 'score'> {
  doc_key: number;
}

interface DocumentRow {
  id: string;
  title: string;
  body: string;
  url: string | null;
  updated_at: Date | string | null;
  metadata: Record<string, unknown> | null;
}

/**
 * Statistics to score with instead of the source's own (issue 17's global statistics). Frequencies
 * are keyed by word; each word is analysed with the source's text search config in SQL.
 */
export interface BM25StatisticsOverride {
  documentCount: number;
  /** null: the source's own average length. */
  averageLength: number | null;
  documentFrequencies: Readonly<Record<string, number>>;
}

interface WordStatisticsRow {
  doc_count: number;
  avgdl: number;
  words: string[];
  dfs: number[];
}

/**
 * Below this many documents PGlite runs the short statement: scoring a small source outright in
 * one statement is faster than two statements through the worker.
 */
export const PGLITE_BLOCKS_FROM_DOCUMENTS = 20_000;

export function toIsoString(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export class PostgresConnector implements Connector {
  readonly kind = 'postgres';
  /** Its BM25 takes the federation's N, average length and per-word df as parameters. */
  readonly usesGlobalStatistics = true;
  readonly name: string;
  readonly description: string;
  readonly #config: PostgresSourceConfig;
  readonly #context: PostgresConnectorContext;
  readonly #schema: string;
  #client: SqlClient | null = null;
  readonly #lexemes: LexemeCache;
  #opening: Promise<SqlClient> | null = null;
  #migrated = false;
  #lastMigrateAttempt = 0;
  /** The source's document count as last read (health; on PGlite also after start and ingest); picks PGlite's statement. */
  #documentCount = 0;
  /** Document lengths for the tf blocks, refreshed by the block statement. */
  readonly #lengths = new DocumentLengths();

  constructor(config: PostgresSourceConfig, context: PostgresConnectorContext) {
    this.#config = config;
    this.#context = context;
    this.name = config.name;
    this.#lexemes = new LexemeCache(() => this.#ready(), config.text_search_config);
    this.#schema = quoteIdent(config.schema);
    this.description =
      config.description ?? `Documents ingested into Postgres (${config.url || config.url_env ? 'server' : 'embedded PGlite'}), ranked by BM25.`;
  }

  /** Which database this source uses, for status lines. */
  get backend(): 'pg' | 'pglite' {
    return this.#config.url !== undefined || this.#config.url_env !== undefined ? 'pg' : 'pglite';
  }

  async #open(signal: AbortSignal): Promise<SqlClient> {
    if (this.#client) return this.#client;
    this.#opening ??= openSqlClient(resolveTarget(this.#config, this.#context.env, this.#context.dataDir), this.#config, this.#context.logger, signal)
      .then((client) => (this.#client = client))
      .finally(() => (this.#opening = null));
    return this.#opening;
  }

  #ready(): SqlClient {
    if (!this.#client) throw new SourceError('SOURCE_UNAVAILABLE', 'postgres source is not started');
    return this.#client;
  }

  /** Applies missing migrations; returns the ones applied now. The CLI's `migrate` calls this. */
  async migrate(signal: AbortSignal): Promise<string[]> {
    const client = await this.#open(signal);
    this.#lastMigrateAttempt = Date.now();
    const applied = await migrate(client, { schema: this.#config.schema, signal });
    this.#migrated = true;
    if (applied.length > 0) this.#context.logger.info({ applied }, 'postgres migrations applied');
    return applied;
  }

  /** A server that was down at start gets its migrations once it answers (tried at most every 10 s). */
  async #ensureMigrated(signal: AbortSignal): Promise<void> {
    if (this.#migrated || !this.#config.migrate || Date.now() - this.#lastMigrateAttempt < 10_000) return;
    await this.migrate(signal).catch((error: unknown) => {
      this.#context.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'postgres migrations still pending');
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    await this.#open(signal);
    if (this.#config.migrate) await this.migrate(signal);
    if (this.backend === 'pglite') await this.health(signal);
  }

  /**
   * Ranked hits. `request.statistics`, when given, replaces the source's N, average length and
   * document frequencies (the federation's global statistics); `request.principals` filters
   * by document ACL before the top-k cut, without changing the statistics.
   */
  async search(request: SearchRequest & { statistics?: BM25StatisticsOverride | null }): Promise<SourceHit[]> {
    const client = this.#ready();
    await this.#ensureMigrated(request.signal);
    const principals = request.principals ?? null;
    const filtered = request.updatedAfter !== null || principals !== null;
    const statistics = request.statistics ?? null;
    const words = statistics ? Object.keys(statistics.documentFrequencies) : null;
    const params: SearchParams = {
      source: this.name,
      textSearchConfig: this.#config.text_search_config,
      query: cleanQueryText(request.query),
      limit: request.limit,
      updatedAfter: request.updatedAfter?.toISOString() ?? null,
      principals: principals === null ? null : [...principals],
      docCount: statistics?.documentCount ?? null,
      avgdl: statistics?.averageLength ?? null,
      words,
      dfs: words && statistics ? words.map((word) => Number(statistics.documentFrequencies[word])) : null,
    };
    try {
      // A small embedded source is scored outright in one statement: faster there than two.
      const rows =
        client.backend === 'pglite' && this.#documentCount < PGLITE_BLOCKS_FROM_DOCUMENTS
          ? await client.query<HitRow>(buildExhaustiveSearchSql(this.#config.schema, filtered), searchParams(params), request.signal, {
              name: `kmcp_search${filtered ? '_filtered' : ''}`,
            })
          : await this.#searchBlocks(client, params, filtered, request.signal);
      const snippets = await highlightHits(
        rows.map((row) => row.body_head ?? ''),
        rows[0]?.query_lexemes ?? [],
        this.#lexemes,
        request.signal,
      );
      return rows.map((row, index) => ({
        nativeId: row.id,
        title: row.title,
        snippet: snippets[index] ?? '',
        url: row.url,
        score: Number(row.score),
        updatedAt: toIsoString(row.updated_at),
        contentHash: row.content_hash,
      }));
    } catch (error) {
      throw toSourceError(error, 'search', this.#context.logger);
    }
  }

  /**
   * Exact BM25 from the posting blocks: one statement reads the query terms' blocks, the
   * connector sums them (block-scores.ts), a second statement returns the best hits the caller
   * may read. Filtered, candidates go to that statement best first in growing batches until
   * `limit` pass, so a caller who may read most documents costs one batch.
   */
  async #searchBlocks(client: SqlClient, params: SearchParams, filtered: boolean, signal: AbortSignal): Promise<HitRow[]> {
    const rows = await client.query<TermBlocksRow>(buildBlockSearchSql(this.#config.schema), [...searchParams(params), ...this.#lengths.held], signal, {
      name: 'kmcp_search_blocks',
    });
    const scored: ScoredTerm[] = [];
    for (const row of rows) {
      if (row.weight === null) {
        this.#lengths.update({ table: Number(row.lengths_table), generation: Number(row.generation), blocks: row.lengths });
      } else if (row.blocks !== null) {
        scored.push({ weight: Number(row.weight), c0: Number(row.c0), c1: Number(row.c1), blocks: decodeBlocks(row.blocks) });
      }
    }
    const { lengths } = this.#lengths;
    // Unfiltered, the best `limit` are the hits; filtered, candidates go best first until enough pass.
    const batches: Iterable<Candidate[]> = filtered
      ? rankedBatches(allDocuments(scored, lengths), params.limit * 4)
      : [topDocuments(scored, lengths, params.limit)];
    const hits: HitRow[] = [];
    for (const batch of batches) {
      if (batch.length === 0) break;
      const scores = new Map(batch.map((candidate) => [candidate.key, candidate.score]));
      const rows = await client.query<BlockHitRow>(
        buildBlockHitsSql(this.#config.schema),
        [batch.map((candidate) => candidate.key), params.limit - hits.length, params.updatedAfter, params.principals, params.textSearchConfig, params.query],
        signal,
        { name: 'kmcp_block_hits' },
      );
      for (const row of rows) hits.push({ ...row, score: scores.get(Number(row.doc_key)) ?? 0 });
      if (hits.length >= params.limit || !filtered) break;
    }
    return hits;
  }

  /**
   * The same per word (issue 17's contract): each word's frequency is that of the lexeme it
   * stems to; stop words (no lexeme) are left out. One statement.
   */
  async collectionStatistics(request: { words: readonly string[]; signal: AbortSignal }): Promise<{
    documentCount: number;
    averageLength: number;
    lengthUnit: string;
    documentFrequencies: Record<string, number>;
  }> {
    const client = this.#ready();
    try {
      const [row] = await client.query<WordStatisticsRow>(
        buildWordStatisticsSql(this.#config.schema),
        [this.name, this.#config.text_search_config, request.words.map(cleanQueryText)],
        request.signal,
        { name: 'kmcp_word_statistics' },
      );
      const words = row?.words ?? [];
      return {
        documentCount: Number(row?.doc_count ?? 0),
        averageLength: Number(row?.avgdl ?? 1),
        lengthUnit: `postgres:${this.#config.text_search_config}`,
        documentFrequencies: Object.fromEntries(words.map((word, index) => [word, Number(row?.dfs[index] ?? 0)])),
      };
    } catch (error) {
      throw toSourceError(error, 'statistics', this.#context.logger);
    }
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    const client = this.#ready();
    try {
      // A document the caller may not read answers exactly as a missing one.
      const [row] = await client.query<DocumentRow>(
        `SELECT id, title, body, url, updated_at, metadata FROM ${this.#schema}.documents WHERE source = $1::text AND id = $2::text
         AND ($3::text[] IS NULL OR acl IS NULL OR acl && $3::text[])`,
        [this.name, cleanQueryText(nativeId), principals === undefined || principals === null ? null : [...principals]],
        signal,
        { name: 'kmcp_get' },
      );
      if (!row) return null;
      return { nativeId: row.id, title: row.title, url: row.url, updatedAt: toIsoString(row.updated_at), content: row.body, metadata: row.metadata ?? {} };
    } catch (error) {
      throw toSourceError(error, 'get', this.#context.logger);
    }
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    if (!this.#client) return { ok: false, documentCount: null, detail: 'not started' };
    await this.#ensureMigrated(signal);
    try {
      const [row] = await this.#client.query<{ n: number }>(
        `SELECT coalesce((SELECT doc_count FROM ${this.#schema}.source_stats WHERE source = $1::text), 0)::int AS n`,
        [this.name],
        signal,
        { name: 'kmcp_health' },
      );
      this.#documentCount = Number(row?.n ?? 0);
      return { ok: true, documentCount: this.#documentCount };
    } catch (error) {
      return { ok: false, documentCount: null, detail: healthDetail(toSourceError(error, 'health', this.#context.logger)) };
    }
  }

  /** Bumped by every committed ingest batch that changed something; 0 = never ingested. */
  async generation(signal: AbortSignal): Promise<number> {
    const client = this.#ready();
    try {
      const [row] = await client.query<{ g: number }>(
        `SELECT coalesce((SELECT generation FROM ${this.#schema}.source_stats WHERE source = $1::text), 0)::float8 AS g`,
        [this.name],
        signal,
        { name: 'kmcp_generation' },
      );
      return Number(row?.g ?? 0);
    } catch (error) {
      throw toSourceError(error, 'generation', this.#context.logger);
    }
  }

  async ingest(documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<PostgresIngestSummary> {
    const client = this.#ready();
    try {
      return await ingestDocuments(
        { client, schema: this.#config.schema, source: this.name, textSearchConfig: this.#config.text_search_config, logger: this.#context.logger },
        documents,
        { ...options, batchSize: options.batchSize ?? this.#config.ingest_batch_size },
      );
    } finally {
      if (this.backend === 'pglite') await this.health(AbortSignal.timeout(10_000));
    }
  }

  async close(): Promise<void> {
    const client = this.#client ?? (await this.#opening?.catch(() => null)) ?? null;
    this.#client = null;
    await client?.close();
  }
}
