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
 * A posting's stored impact: BM25's tf saturation (k1 + 1)·tf / (tf + k1·(1 − b + b·len/avgdl)),
 * without the IDF. No search reads it since the posting blocks (migration 005); ingest still
 * stores it so that a server rolled back to the pruning statement finds its bounds consistent.
 */
export function impactSql(tf: string, length: string, avgdl: string): string {
  const { k1, b } = BM25;
  return `(${k1 + 1}::float8 * ${tf} / (${tf} + ${k1 * (1 - b)}::float8 + ${k1 * b}::float8 * ${length} / ${avgdl}))::real`;
}

/**
 * The parameters every search statement takes, in this order. The statistics overrides are the
 * federation's global statistics (issue 17): null means the source's own.
 */
export interface SearchParams {
  source: string;
  textSearchConfig: string;
  query: string;
  limit: number;
  updatedAfter: string | null;
  /** null: a service caller, no permission filter. */
  principals: readonly string[] | null;
  /** Global document count, or null for the source's own. */
  docCount: number | null;
  /** Global average length, or null for the source's own. */
  avgdl: number | null;
  /** Words (analysed in SQL with the source's text search config) and their global document frequencies. */
  words: readonly string[] | null;
  dfs: readonly number[] | null;
}

/** A search without filters, ranked with the source's own statistics (benchmarks and tests). */
export const UNFILTERED_OWN_STATISTICS = { updatedAfter: null, principals: null, docCount: null, avgdl: null, words: null, dfs: null } as const;

export function searchParams(p: SearchParams): unknown[] {
  return [p.source, p.textSearchConfig, p.query, p.limit, p.updatedAfter, p.principals, p.docCount, p.avgdl, p.words, p.dfs];
}

/** The statistics and query terms both statements share ($1, $2, $3, $7–$10). */
function statsAndTerms(s: string): string {
  const { k1, b } = BM25;
  return `
stats AS MATERIALIZED (
  -- BM25's length norm k1·(1 − b + b·len/avgdl) as c0 + c1·len, folded once per query.
  SELECT n, local_n, ${k1 * (1 - b)}::float8 AS c0, ${k1 * b}::float8 / avgdl AS c1
  FROM (SELECT coalesce($7::float8, doc_count::float8) AS n, greatest(doc_count, 1)::float8 AS local_n,
               greatest(coalesce($8::float8, total_length::float8 / greatest(doc_count, 1)), 1) AS avgdl
        FROM ${s}.source_stats WHERE source = $1::text) st
),
global_dfs AS MATERIALIZED (
  -- the federation's words ($9) analysed as this source analyses them, with their global frequencies ($10)
  SELECT lx.lexeme, max(g.df) AS df
  FROM unnest($9::text[], $10::float8[]) g(word, df) CROSS JOIN LATERAL unnest(to_tsvector($2::regconfig, g.word)) lx
  GROUP BY lx.lexeme
),
query_terms AS MATERIALIZED (
  SELECT t.term_id, w.weight
  FROM (SELECT lexeme, coalesce(array_length(positions, 1), 1)::float8 AS qtf
        FROM unnest(to_tsvector($2::regconfig, $3::text))) x
  -- LATERAL … LIMIT 1 keeps this a probe of terms' (source, term) key per query lexeme: joined
  -- plainly, the planner guesses 10 lexemes and scans a small source's whole dictionary instead
  CROSS JOIN LATERAL (SELECT t.term_id, t.df FROM ${s}.terms t WHERE t.source = $1::text AND t.term = x.lexeme AND t.df > 0 LIMIT 1) t
  CROSS JOIN stats
  LEFT JOIN global_dfs g ON g.lexeme = x.lexeme
  -- a term without a global frequency: its own, scaled to the global document count
  CROSS JOIN LATERAL (SELECT least(coalesce(g.df, t.df::float8 * stats.n / stats.local_n), stats.n) AS df) d
  CROSS JOIN LATERAL (SELECT ln(1 + (stats.n - d.df + 0.5::float8) / (d.df + 0.5::float8)) * x.qtf * ${k1 + 1}::float8 AS weight) w
),
query_lexemes AS MATERIALIZED (
  SELECT coalesce(array_agg(DISTINCT lexeme), '{}') AS lexemes FROM unnest(to_tsvector($2::regconfig, $3::text))
)`;
}

/**
 * Scores equal to float4 precision (~7 digits) are ties, ranked by doc_key: the same document
 * summed in another order (one statement scores term by term, another document by document)
 * differs in the last bits of a float8, and must not change places with its equal.
 */
function rankOrder(row: string): string {
  return `${row}.score::real DESC, ${row}.doc_key`;
}

/** Posting `p`'s contribution to its document's score: BM25 with the query's statistics (CTE `stats`). */
function contributionSql(p: string): string {
  return `q.weight * ${p}.tf / (${p}.tf + stats.c0 + stats.c1 * ${p}.length)`;
}

/** Every document holding a query term with its exact score, from every posting. */
function everyPostingSql(s: string): string {
  return `SELECT p.doc_key, sum(${contributionSql('p')}) AS score
    FROM query_terms q JOIN ${s}.postings p ON p.term_id = q.term_id CROSS JOIN stats
    GROUP BY p.doc_key`;
}

/** The hit rows the exhaustive statement ends with, from a CTE `top (doc_key, score)`. */
function hitRows(s: string): string {
  return `
SELECT d.id, d.title, d.url, d.updated_at, d.content_hash, top.score,
       left(d.body, ${SNIPPET_SOURCE_CHARS}) AS body_head, ql.lexemes AS query_lexemes
FROM top JOIN ${s}.documents d ON d.doc_key = top.doc_key CROSS JOIN query_lexemes ql
ORDER BY ${rankOrder('top')}`;
}

/**
 * Whether a candidate passes updated_after ($5) and the caller's principals ($6); `true` when
 * unfiltered. A scalar subquery, not EXISTS: the planner would turn EXISTS into a semi-join that
 * checks every candidate, while this is evaluated row by row, so `allowedTop` stops at the k-th pass.
 */
function allowedSql(s: string, docKey: string, filtered: boolean): string {
  // unfiltered, both are null; referenced anyway so every statement takes the same parameters
  if (!filtered) return '($5::timestamptz IS NULL AND $6::text[] IS NULL)';
  return `coalesce((SELECT true FROM ${s}.documents f WHERE f.doc_key = ${docKey}
    AND ($5::timestamptz IS NULL OR f.updated_at >= $5::timestamptz)
    AND ($6::text[] IS NULL OR f.acl IS NULL OR f.acl && $6::text[])), false)`;
}

/**
 * The best $4 rows (doc_key, score) of `rows`, by score descending, that the caller may read.
 * Filtered, the rows are sorted first (OFFSET 0 keeps the filter out of the subquery) and
 * checked best first until enough pass: a caller who may read most documents costs ~k checks
 * instead of one per candidate (1.5× → ~1.1× the unfiltered search on SciFact, bench:acl).
 */
function allowedTop(s: string, rows: string, filtered: boolean): string {
  const order = rankOrder('r');
  if (!filtered) return `SELECT r.doc_key, r.score FROM (${rows}) r WHERE ${allowedSql(s, 'r.doc_key', false)} ORDER BY ${order} LIMIT $4::int`;
  return `SELECT r.doc_key, r.score FROM (SELECT * FROM (${rows}) r ORDER BY ${order} OFFSET 0) r
  WHERE ${allowedSql(s, 'r.doc_key', true)} LIMIT $4::int`;
}

/**
 * The short statement: scores every posting of every query term (parameters: `searchParams`). A
 * small embedded PGlite source runs this one, faster there (see the connector); it is also the
 * benchmark's baseline and the exactness tests' reference.
 */
export function buildExhaustiveSearchSql(schema: string, filtered: boolean): string {
  const s = quoteIdent(schema);
  return `
WITH ${statsAndTerms(s)},
top AS (
  ${allowedTop(s, everyPostingSql(s), filtered)}
)${hitRows(s)}`;
}

/**
 * $1 source, $2 regconfig, $3 words (text[]) → the source's document count and average length,
 * and per word (as given, sorted) the largest document frequency of the lexemes it stems to (0
 * when none is indexed); a stop word (no lexeme) is left out. Issue 17's statistics in one
 * statement: stemming the words and looking up their frequencies were two, and embedded PGlite
 * runs statements one after another.
 */
export function buildWordStatisticsSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
WITH per_word AS (
  SELECT w.word, max(coalesce(t.df, 0))::float8 AS df
  FROM (SELECT DISTINCT word FROM unnest($3::text[]) AS u(word)) w
  CROSS JOIN LATERAL unnest(to_tsvector($2::regconfig, w.word)) l
  -- a key probe per lexeme, as in query_terms
  LEFT JOIN LATERAL (SELECT t.df FROM ${s}.terms t WHERE t.source = $1::text AND t.term = l.lexeme LIMIT 1) t ON true
  GROUP BY w.word
)
SELECT coalesce(st.doc_count, 0)::float8 AS doc_count,
       greatest(coalesce(st.total_length, 0)::float8 / greatest(coalesce(st.doc_count, 0), 1), 1) AS avgdl,
       coalesce((SELECT array_agg(word ORDER BY word) FROM per_word), '{}') AS words,
       coalesce((SELECT array_agg(df ORDER BY word) FROM per_word), '{}') AS dfs
FROM (SELECT 1) one LEFT JOIN ${s}.source_stats st ON st.source = $1::text`;
}

/**
 * The block statement (parameters: `searchParams`, then the length_blocks table and the
 * generation whose lengths the connector holds, -1 for none; the limit and filters, $4–$6, are
 * for the hits statement and unused here): one row per query term, with its weight, the length
 * norm and its tf blocks concatenated (migrations/006_tf_blocks.sql), for the connector to add up
 * (block-scores.ts); then one row with the source's generation, the length_blocks table and the
 * length blocks written since the generation held (document-lengths.ts), from the same snapshot.
 * Postgres reads a common term as ~1 row per 1,024 documents instead of one per posting, and
 * sends one value per term.
 */
export function buildBlockSearchSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
WITH ${statsAndTerms(s)},
lengths_table AS MATERIALIZED (
  SELECT coalesce((SELECT lb.tableoid::int8::float8 FROM ${s}.length_blocks lb WHERE lb.source = $1::text LIMIT 1), -1) AS oid
)
SELECT q.weight, stats.c0, stats.c1,
       (SELECT string_agg(tb.postings, '' ORDER BY tb.block) FROM ${s}.tf_blocks tb WHERE tb.term_id = q.term_id) AS blocks,
       NULL::float8 AS generation, NULL::float8 AS lengths_table, NULL::text AS lengths
FROM query_terms q CROSS JOIN stats
WHERE ($4::int IS NULL OR true) AND ($5::timestamptz IS NULL OR true) AND ($6::text[] IS NULL OR true)
UNION ALL
SELECT NULL, NULL, NULL, NULL, st.generation::float8, t.oid,
       (SELECT string_agg(lb.lengths, '' ORDER BY lb.block) FROM ${s}.length_blocks lb
        WHERE lb.source = $1::text AND lb.generation > CASE WHEN t.oid = $11::float8 THEN $12::bigint ELSE -1 END)
FROM ${s}.source_stats st CROSS JOIN lengths_table t
WHERE st.source = $1::text`;
}

/**
 * $1 doc_keys (int[], best first), $2 limit, $3 updated_after, $4 principals, $5 regconfig,
 * $6 query → the hit rows of the first $2 keys the caller may read, in the order given, with
 * `doc_key` instead of a score (the connector has it). Permissions are checked on the covering
 * filter index first, so the bodies of only the hits are read.
 */
export function buildBlockHitsSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
WITH allowed AS MATERIALIZED (
  SELECT c.doc_key, c.ord
  FROM unnest($1::int[]) WITH ORDINALITY c(doc_key, ord) JOIN ${s}.documents f ON f.doc_key = c.doc_key
  WHERE ($3::timestamptz IS NULL OR f.updated_at >= $3::timestamptz)
    AND ($4::text[] IS NULL OR f.acl IS NULL OR f.acl && $4::text[])
  ORDER BY c.ord LIMIT $2::int
)
SELECT d.doc_key, d.id, d.title, d.url, d.updated_at, d.content_hash, left(d.body, ${SNIPPET_SOURCE_CHARS}) AS body_head,
       (SELECT coalesce(array_agg(DISTINCT lexeme), '{}') FROM unnest(to_tsvector($5::regconfig, $6::text))) AS query_lexemes
FROM allowed a JOIN ${s}.documents d ON d.doc_key = a.doc_key
ORDER BY a.ord`;
}
