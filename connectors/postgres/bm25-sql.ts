// BM25 in plain SQL over the postings kept at ingest: query terms come from to_tsvector of the
// user's text (a parameter, never spliced), so any input is just words. Pure SQL builders.
import { quoteIdent } from './identifiers.js';

/** Lucene's defaults; on SciFact's training queries k1 0.9–1.5 and b 0.4–0.9 all land within 0.01 nDCG@10. */
export const BM25 = { k1: 1.2, b: 0.75, titleWeight: 2 } as const;

/** Body text is indexed in slices: one tsvector keeps at most 16,383 positions. */
export const INDEX_SLICE_CHARS = 10_000;

/** Snippets are cut from this much of the start of a hit's body. */
export const SNIPPET_SOURCE_CHARS = 20_000;

/**
 * Parameters: $1 source, $2 regconfig, $3 query text, $4 limit, $5 updated_after (timestamptz or null),
 * and the federation's global statistics (issue 17), all null to use the source's own:
 * $6 document count, $7 average length, $8 query words, $9 their document frequencies (each word
 * lexized with $2; a lexeme of the query without a word takes its own df scaled to $6).
 * Rows: id, title, url, updated_at, content_hash, score, body_head (for the snippet), query_lexemes.
 */
export function buildSearchSql(schema: string, withUpdatedAfter: boolean): string {
  const s = quoteIdent(schema);
  const { k1, b } = BM25;
  const filter = withUpdatedAfter
    ? `JOIN ${s}.documents fd ON fd.doc_key = scored.doc_key WHERE fd.updated_at >= $5::timestamptz`
    : `WHERE $5::timestamptz IS NULL`;
  return `
WITH stats AS MATERIALIZED (
  -- BM25's length norm k1·(1 − b + b·len/avgdl) as c0 + c1·len, folded once per query
  SELECT coalesce($6::float8, doc_count::float8) AS n, greatest(doc_count::float8, 1) AS own_n, ${k1 * (1 - b)}::float8 AS c0,
         ${k1 * b}::float8 / greatest(coalesce($7::float8, total_length::float8 / greatest(doc_count, 1)), 1) AS c1
  FROM ${s}.source_stats WHERE source = $1::text
),
word_df AS MATERIALIZED (
  SELECT v.lexeme, max(w.df) AS df
  FROM unnest($8::text[], $9::float8[]) AS w(word, df)
  CROSS JOIN LATERAL unnest(to_tsvector($2::regconfig, w.word)) v
  GROUP BY v.lexeme
),
query_terms AS MATERIALIZED (
  SELECT t.term_id, ln(1 + greatest(stats.n - g.df + 0.5::float8, 0) / (g.df + 0.5::float8)) * x.qtf * ${k1 + 1}::float8 AS weight
  FROM (SELECT lexeme, coalesce(array_length(positions, 1), 1)::float8 AS qtf
        FROM unnest(to_tsvector($2::regconfig, $3::text))) x
  JOIN ${s}.terms t ON t.source = $1::text AND t.term = x.lexeme AND t.df > 0
  CROSS JOIN stats
  LEFT JOIN word_df wd ON wd.lexeme = x.lexeme
  CROSS JOIN LATERAL (SELECT coalesce(wd.df, t.df * stats.n / stats.own_n) AS df) g
),
scored AS (
  SELECT p.doc_key,
         sum(q.weight * p.tf / (p.tf + stats.c0 + stats.c1 * p.length)) AS score
  FROM query_terms q
  JOIN ${s}.postings p ON p.term_id = q.term_id
  CROSS JOIN stats
  GROUP BY p.doc_key
),
top AS (
  SELECT scored.doc_key, scored.score FROM scored
  ${filter}
  ORDER BY scored.score DESC, scored.doc_key
  LIMIT $4::int
),
query_lexemes AS MATERIALIZED (
  SELECT coalesce(array_agg(DISTINCT lexeme), '{}') AS lexemes FROM unnest(to_tsvector($2::regconfig, $3::text))
)
SELECT d.id, d.title, d.url, d.updated_at, d.content_hash, top.score,
       left(d.body, ${SNIPPET_SOURCE_CHARS}) AS body_head, ql.lexemes AS query_lexemes
FROM top JOIN ${s}.documents d ON d.doc_key = top.doc_key CROSS JOIN query_lexemes ql
ORDER BY top.score DESC, top.doc_key`;
}

/**
 * The source's own statistics for some words (issue 17). $1 source, $2 regconfig, $3 words.
 * A word's df is its lexeme's (the largest, for a word Postgres splits); stop words are left out.
 */
export function buildStatisticsSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
SELECT coalesce((SELECT doc_count FROM ${s}.source_stats WHERE source = $1::text), 0)::float8 AS n,
       coalesce((SELECT total_length FROM ${s}.source_stats WHERE source = $1::text), 0)::float8 AS total_length,
       coalesce((
         SELECT jsonb_object_agg(word, df) FROM (
           SELECT w.word, coalesce(max(t.df), 0) AS df
           FROM unnest($3::text[]) AS w(word)
           CROSS JOIN LATERAL unnest(to_tsvector($2::regconfig, w.word)) v
           LEFT JOIN ${s}.terms t ON t.source = $1::text AND t.term = v.lexeme
           GROUP BY w.word
         ) x
       ), '{}'::jsonb) AS dfs`;
}
