// The managed mode: documents written by ingest into `<schema>.documents`, ranked by BM25
// over postings kept at ingest (bm25-sql.ts), on a pg server or embedded PGlite.
import { SourceError } from '../contract/errors.js';
import type {
  CollectionStatistics,
  Connector,
  ConnectorContext,
  IngestDocument,
  IngestOptions,
  SearchRequest,
  SourceDocument,
  SourceHealth,
  SourceHit,
  StatisticsRequest,
} from '../contract/types.js';
import { buildSearchSql, buildStatisticsSql } from './bm25-sql.js';
import { resolveTarget, type PostgresSourceConfig } from './config.js';
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

interface DocumentRow {
  id: string;
  title: string;
  body: string;
  url: string | null;
  updated_at: Date | string | null;
  metadata: Record<string, unknown> | null;
}

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
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    const client = this.#ready();
    await this.#ensureMigrated(request.signal);
    const filtered = request.updatedAfter !== null;
    const global = request.statistics;
    const words = global ? Object.keys(global.documentFrequencies) : null;
    try {
      const rows = await client.query<HitRow>(
        buildSearchSql(this.#config.schema, filtered),
        [
          this.name,
          this.#config.text_search_config,
          cleanQueryText(request.query),
          request.limit,
          request.updatedAfter?.toISOString() ?? null,
          global?.documentCount ?? null,
          global?.averageLength ?? null,
          words?.map(cleanQueryText) ?? null,
          words?.map((word) => global!.documentFrequencies[word]!) ?? null,
        ],
        request.signal,
        { name: `kmcp_search${filtered ? '_since' : ''}` },
      );
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

  async collectionStatistics(request: StatisticsRequest): Promise<CollectionStatistics> {
    const client = this.#ready();
    try {
      const [row] = await client.query<{ n: number; total_length: number; dfs: Record<string, number> }>(
        buildStatisticsSql(this.#config.schema),
        [this.name, this.#config.text_search_config, request.words.map(cleanQueryText)],
        request.signal,
        { name: 'kmcp_statistics' },
      );
      const documentCount = Number(row?.n ?? 0);
      return {
        documentCount,
        averageLength: documentCount > 0 ? Number(row?.total_length ?? 0) / documentCount : 0,
        lengthUnit: `postgres:${this.#config.text_search_config}`,
        documentFrequencies: row?.dfs ?? {},
      };
    } catch (error) {
      throw toSourceError(error, 'statistics', this.#context.logger);
    }
  }

  async get(nativeId: string, signal: AbortSignal): Promise<SourceDocument | null> {
    const client = this.#ready();
    try {
      const [row] = await client.query<DocumentRow>(
        `SELECT id, title, body, url, updated_at, metadata FROM ${this.#schema}.documents WHERE source = $1::text AND id = $2::text`,
        [this.name, cleanQueryText(nativeId)],
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
      );
      return { ok: true, documentCount: Number(row?.n ?? 0) };
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
      );
      return Number(row?.g ?? 0);
    } catch (error) {
      throw toSourceError(error, 'generation', this.#context.logger);
    }
  }

  async ingest(documents: AsyncIterable<IngestDocument>, options: IngestOptions): Promise<PostgresIngestSummary> {
    const client = this.#ready();
    return ingestDocuments(
      { client, schema: this.#config.schema, source: this.name, textSearchConfig: this.#config.text_search_config, logger: this.#context.logger },
      documents,
      { ...options, batchSize: options.batchSize ?? this.#config.ingest_batch_size },
    );
  }

  async close(): Promise<void> {
    const client = this.#client ?? (await this.#opening?.catch(() => null)) ?? null;
    this.#client = null;
    await client?.close();
  }
}
