// SQL of one ingest batch. Postings, document frequencies and lengths are derived inside
// Postgres from to_tsvector, so stemming at ingest and at query time is the same code.
import { BM25, impactSql, INDEX_SLICE_CHARS } from './bm25-sql.js';
import { quoteIdent } from './identifiers.js';

export function buildIngestSql(schema: string) {
  const s = quoteIdent(schema);
  return {
    /** $1 lock key. Serialises ingests of one source so df and totals stay exact. */
    lock: 'SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))',

    /** A batch is bulk work: the interactive statement timeout would cut it off on a busy server. */
    settings: "SET LOCAL statement_timeout = '15min'; SET LOCAL synchronous_commit = off",

    /** $1 source, $2 ids → the stored revision and length of those that exist. */
    existing: `SELECT id, revision, length FROM ${s}.documents WHERE source = $1::text AND id = ANY($2::text[])`,

    /** $1 source, $2 ids of changed documents: retract their postings and document frequencies. */
    retract: `
WITH old AS (
  SELECT doc_key, unnest(term_ids) AS term_id FROM ${s}.documents WHERE source = $1::text AND id = ANY($2::text[])
),
removed AS (
  DELETE FROM ${s}.postings p USING old WHERE p.term_id = old.term_id AND p.doc_key = old.doc_key RETURNING p.term_id
)
UPDATE ${s}.terms t SET df = t.df - c.n
FROM (SELECT term_id, count(*)::int AS n FROM removed GROUP BY term_id) c
WHERE t.term_id = c.term_id`,

    /**
     * $1 source, $2 jsonb array of documents, $3 regconfig. Upserts documents, terms (df, max
     * impact) and postings (tf, length, impact) in one statement; returns the sum of the written
     * documents' lengths and the average length the impacts were computed with. No search reads
     * the impacts any more (migrations/005_retire_impact_index.sql): they are kept, computed with
     * the source's first average length and never recomputed, so that a server rolled back to the
     * statement that pruned by them still finds valid bounds (it widened them by the drift).
     */
    write: `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($2::jsonb) AS i(id text, title text, body text, url text,
    updated_at timestamptz, metadata jsonb, content_hash text, revision text, acl text[])
),
lexemes AS MATERIALIZED (
  SELECT i.id, x.lexeme, sum(x.n * x.w)::int AS tf, sum(x.n)::int AS raw
  FROM input i
  CROSS JOIN LATERAL (
    SELECT v.lexeme, coalesce(array_length(v.positions, 1), 1) AS n, ${BM25.titleWeight} AS w
    FROM unnest(to_tsvector($3::regconfig, i.title)) v
    UNION ALL
    SELECT v.lexeme, coalesce(array_length(v.positions, 1), 1), 1
    FROM generate_series(0, greatest(length(i.body) - 1, 0) / ${INDEX_SLICE_CHARS}) g(k)
    CROSS JOIN LATERAL unnest(to_tsvector($3::regconfig, substr(i.body, g.k * ${INDEX_SLICE_CHARS} + 1, ${INDEX_SLICE_CHARS}))) v
  ) x
  GROUP BY i.id, x.lexeme
),
lengths AS MATERIALIZED (
  SELECT id, sum(raw)::int AS length FROM lexemes GROUP BY id
),
-- The source's impact average length; the first batch of a source sets it from its own documents.
ref AS MATERIALIZED (
  SELECT coalesce((SELECT impact_avgdl FROM ${s}.source_stats WHERE source = $1::text),
                  (SELECT greatest(avg(length)::float8, 1) FROM lengths), 1) AS avgdl
),
impacts AS MATERIALIZED (
  SELECT l.id, l.lexeme, l.tf, len.length,
         ${impactSql('l.tf', 'len.length', 'ref.avgdl')} AS impact
  FROM lexemes l JOIN lengths len ON len.id = l.id CROSS JOIN ref
),
new_terms AS (
  INSERT INTO ${s}.terms AS t (source, term, df, max_impact)
  SELECT $1::text, lexeme, count(*)::int, max(impact) FROM impacts GROUP BY lexeme
  ON CONFLICT (source, term) DO UPDATE SET df = t.df + excluded.df, max_impact = greatest(t.max_impact, excluded.max_impact)
  RETURNING t.term_id, t.term
),
per_doc AS (
  SELECT l.id, array_agg(nt.term_id ORDER BY nt.term_id) AS term_ids
  FROM lexemes l JOIN new_terms nt ON nt.term = l.lexeme
  GROUP BY l.id
),
written AS (
  INSERT INTO ${s}.documents AS d (source, id, title, body, url, updated_at, metadata, content_hash, revision, length, term_ids, acl)
  SELECT $1::text, i.id, i.title, i.body, i.url, i.updated_at, coalesce(i.metadata, '{}'::jsonb), i.content_hash, i.revision,
         coalesce(len.length, 0), coalesce(pd.term_ids, '{}'::int[]), i.acl
  FROM input i LEFT JOIN per_doc pd ON pd.id = i.id LEFT JOIN lengths len ON len.id = i.id
  ON CONFLICT (source, id) DO UPDATE SET
    title = excluded.title, body = excluded.body, url = excluded.url, updated_at = excluded.updated_at,
    metadata = excluded.metadata, content_hash = excluded.content_hash, revision = excluded.revision,
    length = excluded.length, term_ids = excluded.term_ids, acl = excluded.acl, ingested_at = now()
  RETURNING d.doc_key, d.id, d.length
),
posted AS (
  INSERT INTO ${s}.postings (term_id, doc_key, tf, length, impact)
  SELECT nt.term_id, w.doc_key, im.tf, w.length, im.impact
  FROM impacts im JOIN new_terms nt ON nt.term = im.lexeme JOIN written w ON w.id = im.id
  RETURNING 1
)
SELECT coalesce(sum(length), 0)::float8 AS total_length, (SELECT count(*)::int FROM posted) AS postings,
       (SELECT avgdl FROM ref) AS impact_avgdl FROM written`,

    /** $1 source, $2 new documents, $3 length delta, $4 impact avgdl of the batch. One generation per committed batch. */
    stats: `
INSERT INTO ${s}.source_stats AS st (source, doc_count, total_length, generation, impact_avgdl)
VALUES ($1::text, $2::bigint, $3::bigint, 1, $4::float8)
ON CONFLICT (source) DO UPDATE SET doc_count = st.doc_count + excluded.doc_count,
  total_length = st.total_length + excluded.total_length, generation = st.generation + 1, updated_at = now(),
  impact_avgdl = coalesce(st.impact_avgdl, excluded.impact_avgdl)`,

    /** $1 source → its document count. */
    documentCount: `SELECT coalesce((SELECT doc_count FROM ${s}.source_stats WHERE source = $1::text), 0)::float8 AS n`,

    /**
     * Lays tf_blocks out again in (term_id, block) order, so that a search reads each term's
     * blocks from neighbouring pages: ingest writes them batch by batch, spread over the table
     * (migrations/006_tf_blocks.sql). A copy in order, swapped in for the table: the SHARE lock
     * keeps every writer (any source's ingest in this schema) out while searches go on reading;
     * only the swap itself waits for the readers of the moment.
     */
    regroupBlocks: `
SET LOCAL statement_timeout = 0;
LOCK TABLE ${s}.tf_blocks IN SHARE MODE;
CREATE TABLE ${s}.tf_blocks_regrouped (LIKE ${s}.tf_blocks INCLUDING ALL);
INSERT INTO ${s}.tf_blocks_regrouped SELECT * FROM ${s}.tf_blocks ORDER BY term_id, block;
DROP TABLE ${s}.tf_blocks;
ALTER TABLE ${s}.tf_blocks_regrouped RENAME TO tf_blocks;
ALTER INDEX ${s}.tf_blocks_regrouped_pkey RENAME TO tf_blocks_pkey;`,

    /** Fresh planner statistics and visibility map, so scoring stays an index-only scan. */
    maintenance: `VACUUM (ANALYZE) ${s}.postings, ${s}.tf_blocks, ${s}.length_blocks, ${s}.terms, ${s}.documents, ${s}.source_stats`,

    /** Share of postings pages VACUUM could mark all-visible (index-only scans need them to be). */
    visibility: `SELECT coalesce(relallvisible::float8 / nullif(relpages, 0), 1) AS visible FROM pg_class WHERE oid = '${s}.postings'::regclass`,
  };
}
