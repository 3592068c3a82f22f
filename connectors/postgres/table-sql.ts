// SQL for the read-only mode over an existing table or view with a column mapping. No BM25
// statistics can be kept for a table we don't write, so ranking is ts_rank over OR-ed terms.
import type { z } from 'zod';
import type { tableMappingSchema } from './config.js';
import { SNIPPET_SOURCE_CHARS } from './bm25-sql.js';
import { qualifiedName, quoteIdent } from './identifiers.js';

export type TableMapping = z.infer<typeof tableMappingSchema>;

/**
 * The tsvector expression matched against. Without a `tsvector` column it is computed per row;
 * the README tells how to index exactly this expression. The regconfig is a validated identifier
 * spliced as a literal so that such an expression index can match.
 */
export function tableVectorExpression(mapping: TableMapping, textSearchConfig: string): string {
  const { columns } = mapping;
  if (columns.tsvector) return `src.${quoteIdent(columns.tsvector)}`;
  return `to_tsvector('${quoteIdent(textSearchConfig).slice(1, -1)}'::regconfig, coalesce(src.${quoteIdent(columns.title)}::text, '') || ' ' || coalesce(src.${quoteIdent(columns.body)}::text, ''))`;
}

function selectList(mapping: TableMapping): string {
  const c = mapping.columns;
  return [
    `src.${quoteIdent(c.id)}::text AS id`,
    `coalesce(src.${quoteIdent(c.title)}::text, '') AS title`,
    `coalesce(src.${quoteIdent(c.body)}::text, '') AS body`,
    c.url ? `src.${quoteIdent(c.url)}::text AS url` : 'NULL::text AS url',
    c.updated_at ? `src.${quoteIdent(c.updated_at)}::timestamptz AS updated_at` : 'NULL::timestamptz AS updated_at',
  ].join(', ');
}

/** Rows the caller may read: $n principals (null = a service caller, who reads every row). */
function aclFilter(mapping: TableMapping, param: string): string {
  if (!mapping.acl_column) return `(${param}::text[] IS NULL OR true)`;
  const acl = `src.${quoteIdent(mapping.acl_column)}`;
  return `(${param}::text[] IS NULL OR ${acl} IS NULL OR ${acl}::text[] && ${param}::text[])`;
}

/** $1 regconfig, $2 query text, $3 limit, $4 updated_after or null, $5 principals or null. */
export function buildTableSearchSql(mapping: TableMapping, textSearchConfig: string): string {
  const table = qualifiedName(mapping.schema, mapping.name);
  const updatedAt = mapping.columns.updated_at ? `src.${quoteIdent(mapping.columns.updated_at)}::timestamptz` : 'NULL::timestamptz';
  return `
WITH q AS MATERIALIZED (SELECT replace(plainto_tsquery($1::regconfig, $2::text)::text, ' & ', ' | ')::tsquery AS query),
query_lexemes AS MATERIALIZED (
  SELECT coalesce(array_agg(DISTINCT lexeme), '{}') AS lexemes FROM unnest(to_tsvector($1::regconfig, $2::text))
),
top AS (
  SELECT ${selectList(mapping)}, ts_rank(${tableVectorExpression(mapping, textSearchConfig)}, q.query, 1) AS score
  FROM ${table} src CROSS JOIN q
  WHERE ${tableVectorExpression(mapping, textSearchConfig)} @@ q.query
    AND ($4::timestamptz IS NULL OR ${updatedAt} >= $4::timestamptz)
    AND ${aclFilter(mapping, '$5')}
  ORDER BY score DESC
  LIMIT $3::int
)
SELECT top.id, top.title, top.url, top.updated_at, top.score::float8 AS score,
       left(top.body, ${SNIPPET_SOURCE_CHARS}) AS body_head, ql.lexemes AS query_lexemes
FROM top CROSS JOIN query_lexemes ql
ORDER BY top.score DESC, top.id`;
}

/** $1 id, $2 principals or null. The id is compared in the column's own type so its index is used. */
export function buildTableGetSql(mapping: TableMapping): string {
  return `SELECT ${selectList(mapping)} FROM ${qualifiedName(mapping.schema, mapping.name)} src WHERE src.${quoteIdent(mapping.columns.id)} = $1
    AND ${aclFilter(mapping, '$2')} LIMIT 1`;
}

/** $1 the table's qualified name: the planner's row estimate (cheap), null for views. */
export const TABLE_COUNT_ESTIMATE_SQL = `SELECT CASE WHEN c.relkind IN ('r', 'p', 'm') AND c.reltuples >= 0 THEN c.reltuples::float8 END AS n
FROM pg_class c WHERE c.oid = $1::regclass`;
