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
 * Postings per query term read first, best impact first, to find a score the k-th hit will at
 * least reach. Deeper costs more up front; shallower gives a weaker bound and a wider second scan.
 */
export const SEED_DEPTH = 64;

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

/**
 * From this many postings over all query terms the statement prunes; below, it scores every
 * posting as before. Measured on SciFact grown to 100k documents (docs/benchmarks.md), the pruned
 * path read ~75 % of the postings and its per-posting overhead made it slower than scoring them
 * all (p50 594 vs 276 ms on a loaded machine, identical rankings), so it is off by default
 * (2^31 − 1: never) until the bound prunes more; pass a lower value to buildSearchSql to use it.
 */
export const PRUNE_FROM_POSTINGS = 2 ** 31 - 1;

/** Share of θ the impact cutoff aims at (0 < share ≤ 1; see buildSearchSql). */
export const CUTOFF_SHARE = 0.5;

export function searchParams(p: SearchParams, seedDepth = SEED_DEPTH, cutoffShare = CUTOFF_SHARE): unknown[] {
  return [p.source, p.textSearchConfig, p.query, p.limit, p.updatedAfter, p.principals, p.docCount, p.avgdl, p.words, p.dfs, seedDepth, cutoffShare];
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
         -- the largest contribution any posting of this term can make, and its impact threshold factor
         w.weight / ${k1 + 1}::float8 * t.max_impact * stats.rho AS m,
         w.weight / ${k1 + 1}::float8 * stats.rho AS per_impact
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

/** The hit rows both statements end with, from a CTE `top (doc_key, score)`. */
function hitRows(s: string): string {
  return `
SELECT d.id, d.title, d.url, d.updated_at, d.content_hash, top.score,
       left(d.body, ${SNIPPET_SOURCE_CHARS}) AS body_head, ql.lexemes AS query_lexemes
FROM top JOIN ${s}.documents d ON d.doc_key = top.doc_key CROSS JOIN query_lexemes ql
ORDER BY top.score DESC, top.doc_key`;
}

/** Whether a candidate passes updated_after ($5) and the caller's principals ($6); `true` when unfiltered. */
function allowedSql(s: string, docKey: string, filtered: boolean): string {
  // unfiltered, both are null; referenced anyway so every statement takes the same parameters
  if (!filtered) return '($5::timestamptz IS NULL AND $6::text[] IS NULL)';
  return `EXISTS (SELECT 1 FROM ${s}.documents f WHERE f.doc_key = ${docKey}
    AND ($5::timestamptz IS NULL OR f.updated_at >= $5::timestamptz)
    AND ($6::text[] IS NULL OR f.acl IS NULL OR f.acl && $6::text[]))`;
}

/**
 * Exact BM25 top-k that reads only the postings that can matter (parameters: `searchParams`).
 * Rows: id, title, url, updated_at, content_hash, score, body_head (for the snippet), query_lexemes.
 *
 * 1. seed: the SEED_DEPTH best-impact postings of every query term; the k-th best partial score
 *    among allowed documents, θ, is a score the k-th hit reaches at least.
 * 2. cutoff: the largest c with Σ_t min(c, m_t) < θ (m_t: a term's largest contribution). A
 *    document whose every posting contributes less than c scores below θ, so reading, per term,
 *    only the postings contributing ≥ c (an impact range scan) misses no hit.
 * 3. candidates: partial scores from those postings, and an upper bound adding min(c, m_t) for
 *    every term not read; those whose bound can't reach the k-th partial score are dropped.
 * 4. the rest get their missing terms looked up (primary key) and are ranked exactly.
 * Scores are computed from tf and length with the current statistics, as the exhaustive
 * statement does: the impacts only decide what is read. Filters apply before the top-k cut.
 */
export function buildSearchSql(schema: string, filtered: boolean, pruneFromPostings: number = PRUNE_FROM_POSTINGS): string {
  const s = quoteIdent(schema);
  const part = (p: string) => `q.weight * ${p}.tf / (${p}.tf + stats.c0 + stats.c1 * ${p}.length)`;
  /** The exact score of document `key`: every query term looked up by primary key. */
  const exact = (key: string) => `(SELECT coalesce(sum(${part('p')}), 0) FROM query_terms q CROSS JOIN stats
      JOIN ${s}.postings p ON p.term_id = q.term_id AND p.doc_key = ${key})`;
  return `
WITH ${statsAndTerms(s)},
size AS MATERIALIZED (
  SELECT coalesce(sum(postings), 0) < ${Math.max(0, Math.floor(pruneFromPostings))} AS small FROM query_terms
),
-- few postings: score them all (the exhaustive statement); only one of the two tops runs
small_top AS (
  SELECT scored.doc_key, scored.score FROM (
    SELECT p.doc_key, sum(${part('p')}) AS score
    FROM query_terms q JOIN ${s}.postings p ON p.term_id = q.term_id CROSS JOIN stats
    WHERE (SELECT small FROM size)
    GROUP BY p.doc_key
  ) scored
  WHERE ${allowedSql(s, 'scored.doc_key', filtered)}
  ORDER BY scored.score DESC, scored.doc_key
  LIMIT $4::int
),
seed AS MATERIALIZED (
  SELECT p.doc_key, sum(${part('p')}) AS lb
  FROM query_terms q CROSS JOIN stats
  CROSS JOIN LATERAL (
    SELECT pp.doc_key, pp.tf, pp.length FROM ${s}.postings pp WHERE pp.term_id = q.term_id ORDER BY pp.impact DESC LIMIT $11::int
  ) p
  GROUP BY p.doc_key
),
theta AS MATERIALIZED (
  SELECT coalesce((SELECT sd.lb FROM seed sd WHERE ${allowedSql(s, 'sd.doc_key', filtered)} ORDER BY sd.lb DESC OFFSET $4::int - 1 LIMIT 1), 0)
         * (1 - 1e-9) AS theta
),
bounds AS MATERIALIZED (
  SELECT q.m, lag(q.m, 1, 0::float8) OVER w AS prev_m,
         coalesce(sum(q.m) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below,
         count(*) OVER () - row_number() OVER w + 1 AS rest
  FROM query_terms q WINDOW w AS (ORDER BY q.m)
),
cutoff AS MATERIALIZED (
  -- Σ min(c, m_t) is piecewise linear in c: solve it on the piece where the answer lies (0: read all).
  -- Aiming at a share $12 of θ rather than θ itself reads more postings but leaves less doubt per
  -- candidate, so fewer need their missing terms looked up.
  SELECT coalesce((SELECT max(x.c) FROM bounds b CROSS JOIN theta
                   CROSS JOIN LATERAL (SELECT (theta.theta * $12::float8 - b.below) / b.rest AS c) x
                   WHERE x.c >= b.prev_m AND x.c <= b.m), 0) AS c
),
scan AS MATERIALIZED (
  SELECT p.doc_key, ${part('p')} AS part, least(cutoff.c, q.m) AS gap
  FROM query_terms q CROSS JOIN stats CROSS JOIN cutoff
  CROSS JOIN LATERAL (
    SELECT pp.doc_key, pp.tf, pp.length FROM ${s}.postings pp
    WHERE pp.term_id = q.term_id AND pp.impact >= cutoff.c / q.per_impact
  ) p
  WHERE cutoff.c <= q.m OR cutoff.c = 0
),
candidates AS MATERIALIZED (
  -- lb: the postings read; ub: plus, for every term not read, the most it could add
  SELECT r.doc_key, sum(r.part) AS lb, sum(r.part) + (SELECT sum(least(cutoff.c, q.m)) FROM query_terms q CROSS JOIN cutoff) - sum(r.gap) AS ub
  FROM scan r GROUP BY r.doc_key
),
guess AS MATERIALIZED (
  -- the best candidates so far, scored exactly: their k-th score is a floor every hit reaches
  SELECT g.doc_key, ${exact('g.doc_key')} AS score
  FROM (SELECT doc_key FROM candidates ORDER BY lb DESC LIMIT 2 * $4::int) g
),
cut AS MATERIALIZED (
  SELECT greatest((SELECT theta FROM theta),
    coalesce((SELECT g.score FROM guess g WHERE ${allowedSql(s, 'g.doc_key', filtered)} ORDER BY g.score DESC OFFSET $4::int - 1 LIMIT 1), 0) * (1 - 1e-9)) AS floor
),
pruned_top AS (
  SELECT v.doc_key, ${exact('v.doc_key')} AS score
  FROM candidates v CROSS JOIN cut
  WHERE NOT (SELECT small FROM size) AND v.ub >= cut.floor AND ${allowedSql(s, 'v.doc_key', filtered)}
  ORDER BY score DESC, v.doc_key
  LIMIT $4::int
),
top AS (SELECT * FROM small_top UNION ALL SELECT * FROM pruned_top)${hitRows(s)}`;
}

/**
 * Today's reference: scores every posting of every query term (same parameters as buildSearchSql,
 * $11 unused). Kept for the benchmark's same-run baseline and the exactness tests.
 */
export function buildExhaustiveSearchSql(schema: string, filtered: boolean): string {
  const s = quoteIdent(schema);
  return `
WITH ${statsAndTerms(s)},
scored AS (
  SELECT p.doc_key, sum(q.weight * p.tf / (p.tf + stats.c0 + stats.c1 * p.length)) AS score
  FROM query_terms q
  JOIN ${s}.postings p ON p.term_id = q.term_id
  CROSS JOIN stats
  WHERE ($11::int IS NOT NULL AND $12::float8 IS NOT NULL) OR true
  GROUP BY p.doc_key
),
top AS (
  SELECT scored.doc_key, scored.score FROM scored
  WHERE ${allowedSql(s, 'scored.doc_key', filtered)}
  ORDER BY scored.score DESC, scored.doc_key
  LIMIT $4::int
)${hitRows(s)}`;
}

/**
 * $1 source, $2 regconfig, $3 query text → the source's own statistics for that query: document
 * count, total length, average length, the lexemes to_tsvector produced for the query and each
 * one's document frequency (0 when no document has it). One cheap statement (index lookups).
 */
export function buildTermStatisticsSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
WITH lex AS (SELECT DISTINCT lexeme FROM unnest(to_tsvector($2::regconfig, $3::text)))
SELECT coalesce(st.doc_count, 0)::float8 AS doc_count, coalesce(st.total_length, 0)::float8 AS total_length,
       greatest(coalesce(st.total_length, 0)::float8 / greatest(coalesce(st.doc_count, 0), 1), 1) AS avgdl,
       coalesce((SELECT array_agg(lex.lexeme ORDER BY lex.lexeme) FROM lex), '{}') AS lexemes,
       coalesce((SELECT array_agg(coalesce(t.df, 0)::float8 ORDER BY lex.lexeme) FROM lex
                 LEFT JOIN ${s}.terms t ON t.source = $1::text AND t.term = lex.lexeme), '{}') AS dfs
FROM (SELECT 1) one LEFT JOIN ${s}.source_stats st ON st.source = $1::text`;
}
