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
 * Postings per query term read first, best impact first: their documents' partial scores give a
 * first lower bound θ on the k-th score. Deeper costs more up front, shallower a weaker bound.
 */
export const SEED_DEPTH = 64;

/**
 * Candidates scored exactly, beyond the k asked for, at each of the two points where the search
 * raises θ (after the seed, after reading the essential terms). 10 was the best on SciFact at 100k.
 */
export const GUESS_EXTRA = 10;

/** A posting's stored impact: BM25's tf saturation (k1 + 1)·tf / (tf + k1·(1 − b + b·len/avgdl)), without the IDF. */
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

/**
 * From this many postings over all query terms the statement prunes; below, it scores every
 * posting, which is as fast when there are few (docs/benchmarks.md, "Postgres at scale").
 */
export const PRUNE_FROM_POSTINGS = 20_000;

export function searchParams(p: SearchParams, seedDepth = SEED_DEPTH, guessExtra = GUESS_EXTRA): unknown[] {
  return [p.source, p.textSearchConfig, p.query, p.limit, p.updatedAfter, p.principals, p.docCount, p.avgdl, p.words, p.dfs, seedDepth, guessExtra];
}

/** The statistics and query terms both statements share ($1, $2, $3, $7–$10). */
function statsAndTerms(s: string): string {
  const { k1, b } = BM25;
  return `
stats AS MATERIALIZED (
  -- BM25's length norm k1·(1 − b + b·len/avgdl) as c0 + c1·len, folded once per query. rho widens
  -- the stored impacts' bounds when the average length has grown since they were computed.
  SELECT n, local_n, ${k1 * (1 - b)}::float8 AS c0, ${k1 * b}::float8 / avgdl AS c1,
         greatest(1, avgdl / coalesce(impact_avgdl, 1e-9)) * 1.000001 AS rho
  FROM (SELECT coalesce($7::float8, doc_count::float8) AS n, greatest(doc_count, 1)::float8 AS local_n, impact_avgdl,
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
  SELECT t.term_id, t.df AS postings, w.weight,
         -- the largest contribution any posting of this term can make
         w.weight / ${k1 + 1}::float8 * t.max_impact * stats.rho AS m
  FROM (SELECT lexeme, coalesce(array_length(positions, 1), 1)::float8 AS qtf
        FROM unnest(to_tsvector($2::regconfig, $3::text))) x
  JOIN ${s}.terms t ON t.source = $1::text AND t.term = x.lexeme AND t.df > 0
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

/** θ is lowered by this share so that a document tied with the k-th to float4 precision is never pruned. */
const TIE_SLACK = 1e-6;

/** Posting `p`'s contribution to its document's score: BM25 with the query's statistics (CTE `stats`). */
function contributionSql(p: string, weight = 'q.weight'): string {
  return `${weight} * ${p}.tf / (${p}.tf + stats.c0 + stats.c1 * ${p}.length)`;
}

/** Every document holding a query term with its exact score, from every posting (the short path). */
function everyPostingSql(s: string, where: string): string {
  return `SELECT p.doc_key, sum(${contributionSql('p')}) AS score
    FROM query_terms q JOIN ${s}.postings p ON p.term_id = q.term_id CROSS JOIN stats
    WHERE ${where}
    GROUP BY p.doc_key`;
}

/** The hit rows both statements end with, from a CTE `top (doc_key, score)`. */
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
 * The best `limit` rows (doc_key, column) of `rows`, by `column` descending, that the caller may
 * read. Filtered, the rows are sorted first (OFFSET 0 keeps the filter out of the subquery) and
 * checked best first until enough pass: a caller who may read most documents costs ~k checks
 * instead of one per candidate (1.5× → ~1.1× the unfiltered search on SciFact, bench:acl).
 */
function allowedTop(s: string, rows: string, column: string, filtered: boolean, limitAndOffset: string): string {
  const order = column === 'score' ? rankOrder('r') : `r.${column} DESC`;
  if (!filtered) return `SELECT r.doc_key, r.${column} FROM (${rows}) r WHERE ${allowedSql(s, 'r.doc_key', false)} ORDER BY ${order} ${limitAndOffset}`;
  return `SELECT r.doc_key, r.${column} FROM (SELECT * FROM (${rows}) r ORDER BY ${order} OFFSET 0) r
  WHERE ${allowedSql(s, 'r.doc_key', true)} ${limitAndOffset}`;
}

/**
 * Exact BM25 top-k that reads only the postings that can matter (parameters: `searchParams`),
 * MaxScore (Turtle and Flood, 1995) in set-at-a-time SQL.
 * Rows: id, title, url, updated_at, content_hash, score, body_head (for the snippet), query_lexemes.
 *
 * 1. θ, a score at least k allowed documents reach: the seed (the SEED_DEPTH best-impact
 *    postings of every term) gives partial scores, and its best documents are scored exactly.
 *    (Also reading the rarest essential terms first to raise θ was measured: slower at p50 and
 *    p99 on SciFact at 100k, 9.1 vs 7.0 ms p50.)
 * 2. Terms sorted by m, the most one posting can add: the longest prefix whose m add up to less
 *    than θ is non-essential. A document holding only those terms scores below θ, so every hit
 *    holds an essential term: their postings (the rarer terms: few) are read in full.
 * 3. θ is raised again by scoring the best essential candidates exactly.
 * 4. The candidates then walk through the non-essential terms, largest m first, one primary-key
 *    lookup per candidate and term; after each step a candidate whose score so far plus the m of
 *    the terms still ahead is below θ drops out. Most drop out at the first step.
 * The survivors' scores are exact (every term counted), computed from tf and length with the
 * current statistics as the exhaustive statement does; impacts only decide what is read. Filters
 * (ACL, updated_after) apply to θ's documents and to the survivors, before the top-k cut.
 */
export function buildSearchSql(schema: string, filtered: boolean, pruneFromPostings: number = PRUNE_FROM_POSTINGS): string {
  const s = quoteIdent(schema);
  /** The exact score of document `key`: every query term looked up by primary key. */
  const exact = (key: string) => `(SELECT coalesce(sum(${contributionSql('p')}), 0) FROM query_terms q CROSS JOIN stats
      JOIN ${s}.postings p ON p.term_id = q.term_id AND p.doc_key = ${key})`;
  /** The k-th best `column` among allowed rows of `from`, or 0 when there are fewer than k. */
  const kth = (from: string, column: string) =>
    `coalesce((SELECT k.${column} FROM (${allowedTop(s, `SELECT doc_key, ${column} FROM ${from}`, column, filtered, 'OFFSET $4::int - 1 LIMIT 1')}) k), 0)`;
  return `
WITH RECURSIVE ${statsAndTerms(s)},
size AS MATERIALIZED (
  SELECT coalesce(sum(postings), 0) < ${Math.max(0, Math.floor(pruneFromPostings))} AS small FROM query_terms
),
-- few postings: score them all (the exhaustive statement); only one of the two tops runs
small_top AS (
  ${allowedTop(s, everyPostingSql(s, '(SELECT small FROM size)'), 'score', filtered, 'LIMIT $4::int')}
),
seed AS MATERIALIZED (
  SELECT p.doc_key, sum(${contributionSql('p')}) AS lb
  FROM query_terms q CROSS JOIN stats
  CROSS JOIN LATERAL (
    SELECT pp.doc_key, pp.tf, pp.length FROM ${s}.postings pp WHERE pp.term_id = q.term_id ORDER BY pp.impact DESC LIMIT $11::int
  ) p
  WHERE NOT (SELECT small FROM size)
  GROUP BY p.doc_key
),
seed_exact AS MATERIALIZED (
  SELECT g.doc_key, ${exact('g.doc_key')} AS score
  FROM (SELECT doc_key FROM seed ORDER BY lb DESC, doc_key LIMIT $4::int + $12::int) g
),
seed_theta AS MATERIALIZED (
  SELECT greatest(${kth('seed', 'lb')}, ${kth('seed_exact', 'score')}) * ${1 - TIE_SLACK}::float8 AS theta
),
split AS MATERIALIZED (
  -- terms by m ascending ("below": the m of those before); non-essential while the sum stays under θ
  SELECT o.term_id, o.weight, o.m, o.below, o.below + o.m < t.theta AS skip
  FROM (SELECT q.term_id, q.weight, q.m, coalesce(sum(q.m) OVER (ORDER BY q.m, q.term_id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below
        FROM query_terms q) o
  CROSS JOIN seed_theta t
),
skipped AS MATERIALIZED (
  SELECT coalesce(sum(m), 0) AS total, count(*)::int AS n FROM split WHERE skip
),
steps AS MATERIALIZED (
  -- the non-essential terms, largest m first; after step i, the m still ahead is the term's "below"
  SELECT row_number() OVER (ORDER BY m DESC, term_id DESC)::int AS step, term_id, weight, below FROM split WHERE skip
),
essential AS MATERIALIZED (
  SELECT p.doc_key, sum(${contributionSql('p')}) AS lb
  FROM split q JOIN ${s}.postings p ON p.term_id = q.term_id CROSS JOIN stats
  WHERE NOT q.skip AND NOT (SELECT small FROM size)
  GROUP BY p.doc_key
),
essential_exact AS MATERIALIZED (
  SELECT g.doc_key, g.lb + (SELECT coalesce(sum(${contributionSql('p')}), 0) FROM split q CROSS JOIN stats
                            JOIN ${s}.postings p ON p.term_id = q.term_id AND p.doc_key = g.doc_key WHERE q.skip) AS score
  FROM (SELECT doc_key, lb FROM essential ORDER BY lb DESC, doc_key LIMIT $4::int + $12::int) g
),
theta AS MATERIALIZED (
  SELECT greatest((SELECT theta FROM seed_theta), ${kth('essential_exact', 'score')} * ${1 - TIE_SLACK}::float8) AS theta
),
walk (step, doc_key, score) AS (
  SELECT 0, e.doc_key, e.lb FROM essential e CROSS JOIN skipped CROSS JOIN theta WHERE e.lb + skipped.total >= theta.theta
  UNION ALL
  SELECT st.step, w.doc_key, w.score + coalesce(x.part, 0)
  FROM walk w JOIN steps st ON st.step = w.step + 1 CROSS JOIN theta
  LEFT JOIN LATERAL (
    SELECT ${contributionSql('p', 'st.weight')} AS part FROM ${s}.postings p CROSS JOIN stats WHERE p.term_id = st.term_id AND p.doc_key = w.doc_key
  ) x ON true
  WHERE w.score + coalesce(x.part, 0) + st.below >= theta.theta
),
pruned_top AS (
  ${allowedTop(s, 'SELECT w.doc_key, w.score FROM walk w WHERE NOT (SELECT small FROM size) AND w.step = (SELECT n FROM skipped)', 'score', filtered, 'LIMIT $4::int')}
),
top AS (SELECT * FROM small_top UNION ALL SELECT * FROM pruned_top)${hitRows(s)}`;
}

/**
 * The short statement: scores every posting of every query term (same parameters as
 * buildSearchSql, $11 and $12 unused). A small embedded PGlite source runs this one, faster there
 * (see the connector); it is also the benchmark's baseline and the exactness tests' reference.
 */
export function buildExhaustiveSearchSql(schema: string, filtered: boolean): string {
  const s = quoteIdent(schema);
  return `
WITH ${statsAndTerms(s)},
top AS (
  ${allowedTop(s, everyPostingSql(s, '($11::int IS NOT NULL AND $12::int IS NOT NULL) OR true'), 'score', filtered, 'LIMIT $4::int')}
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
  LEFT JOIN ${s}.terms t ON t.source = $1::text AND t.term = l.lexeme
  GROUP BY w.word
)
SELECT coalesce(st.doc_count, 0)::float8 AS doc_count,
       greatest(coalesce(st.total_length, 0)::float8 / greatest(coalesce(st.doc_count, 0), 1), 1) AS avgdl,
       coalesce((SELECT array_agg(word ORDER BY word) FROM per_word), '{}') AS words,
       coalesce((SELECT array_agg(df ORDER BY word) FROM per_word), '{}') AS dfs
FROM (SELECT 1) one LEFT JOIN ${s}.source_stats st ON st.source = $1::text`;
}

/**
 * The block statement (same parameters as buildSearchSql; the filters, $4–$6 and $11–$12 are
 * for the hits statement and unused here): one row per query term, with its weight, the length
 * norm and its posting blocks concatenated (migrations/004_posting_blocks.sql), for the connector
 * to add up (block-scores.ts). Postgres reads a common term as ~1 row per 1,024 documents instead
 * of one per posting, and sends one value per term.
 */
export function buildBlockSearchSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
WITH ${statsAndTerms(s)}
SELECT q.weight, stats.c0, stats.c1,
       (SELECT string_agg(pb.postings, '' ORDER BY pb.block) FROM ${s}.posting_blocks pb WHERE pb.term_id = q.term_id) AS blocks
FROM query_terms q CROSS JOIN stats
WHERE ($4::int IS NULL OR true) AND ($5::timestamptz IS NULL OR true) AND ($6::text[] IS NULL OR true)
  AND ($11::int IS NULL OR true) AND ($12::int IS NULL OR true)`;
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
