// The read-only mode: an existing table or view, mapped column by column, searched in place.
import { SourceError } from '../contract/errors.js';
import type { Connector, SearchRequest, SourceDocument, SourceHealth, SourceHit } from '../contract/types.js';
import { resolveTarget, type PostgresSourceConfig } from './config.js';
import { healthDetail, isInvalidInputError, toSourceError } from './errors.js';
import { qualifiedName } from './identifiers.js';
import { toIsoString, type PostgresConnectorContext } from './managed-connector.js';
import { openSqlClient } from './open-client.js';
import { highlightHits } from './highlight.js';
import { LexemeCache } from './lexemes.js';
import { cleanQueryText } from './snippet.js';
import type { SqlClient } from './sql-client.js';
import { buildTableGetSql, buildTableSearchSql, TABLE_COUNT_ESTIMATE_SQL, type TableMapping } from './table-sql.js';

interface Row {
  id: string;
  title: string;
  body?: string;
  url: string | null;
  updated_at: Date | string | null;
  score?: number;
  body_head?: string;
  query_lexemes?: string[];
}

export class PostgresTableConnector implements Connector {
  readonly kind = 'postgres';
  readonly name: string;
  readonly description: string;
  readonly #config: PostgresSourceConfig;
  readonly #mapping: TableMapping;
  readonly #context: PostgresConnectorContext;
  readonly #searchSql: string;
  readonly #getSql: string;
  #client: SqlClient | null = null;
  readonly #lexemes: LexemeCache;

  constructor(config: PostgresSourceConfig & { table: TableMapping }, context: PostgresConnectorContext) {
    this.#config = config;
    this.#mapping = config.table;
    this.#context = context;
    this.name = config.name;
    this.#lexemes = new LexemeCache(() => this.#ready(), config.text_search_config);
    this.description = config.description ?? `Rows of the Postgres table ${config.table.name} (read-only).`;
    this.#searchSql = buildTableSearchSql(config.table, config.text_search_config);
    this.#getSql = buildTableGetSql(config.table);
  }

  async start(signal: AbortSignal): Promise<void> {
    if (this.#client) return;
    this.#client = await openSqlClient(resolveTarget(this.#config, this.#context.env, this.#context.dataDir), this.#config, this.#context.logger, signal);
  }

  #ready(): SqlClient {
    if (!this.#client) throw new SourceError('SOURCE_UNAVAILABLE', 'postgres source is not started');
    return this.#client;
  }

  async search(request: SearchRequest): Promise<SourceHit[]> {
    const client = this.#ready();
    try {
      const rows = await client.query<Row>(
        this.#searchSql,
        [
          this.#config.text_search_config,
          cleanQueryText(request.query),
          request.limit,
          request.updatedAfter?.toISOString() ?? null,
          request.principals === undefined || request.principals === null ? null : [...request.principals],
        ],
        request.signal,
        { name: 'kmcp_table_search' },
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
        score: Number(row.score ?? 0),
        updatedAt: toIsoString(row.updated_at),
      }));
    } catch (error) {
      throw toSourceError(error, 'search', this.#context.logger);
    }
  }

  async get(nativeId: string, signal: AbortSignal, principals?: readonly string[] | null): Promise<SourceDocument | null> {
    const client = this.#ready();
    try {
      // A row the caller may not read answers exactly as a missing one.
      const [row] = await client.query<Row>(
        this.#getSql,
        [cleanQueryText(nativeId), principals === undefined || principals === null ? null : [...principals]],
        signal,
        { name: 'kmcp_table_get' },
      );
      if (!row) return null;
      return { nativeId: row.id, title: row.title, url: row.url, updatedAt: toIsoString(row.updated_at), content: row.body ?? '', metadata: {} };
    } catch (error) {
      // An id that isn't even of the id column's type (text for an integer key) names no row.
      if (isInvalidInputError(error)) return null;
      throw toSourceError(error, 'get', this.#context.logger);
    }
  }

  async health(signal: AbortSignal): Promise<SourceHealth> {
    if (!this.#client) return { ok: false, documentCount: null, detail: 'not started' };
    try {
      const [row] = await this.#client.query<{ n: number | null }>(
        TABLE_COUNT_ESTIMATE_SQL,
        [qualifiedName(this.#mapping.schema, this.#mapping.name)],
        signal,
        {
          name: 'kmcp_table_count',
        },
      );
      return { ok: true, documentCount: row?.n === null || row?.n === undefined ? null : Math.round(Number(row.n)) };
    } catch (error) {
      return { ok: false, documentCount: null, detail: healthDetail(toSourceError(error, 'health', this.#context.logger)) };
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    await client?.close();
  }
}
