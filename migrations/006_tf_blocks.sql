-- Posting blocks a third the size: a posting keeps its document offset and tf, and the document
-- lengths live once per document in `length_blocks`, which the connector holds in memory and
-- refreshes by generation (connectors/postgres/document-lengths.ts). At 1M documents a search was
-- bound by the bytes of the blocks it read and sent (docs/benchmarks.md, "Twelfth session").
--
-- A tf block holds one term's postings for 1,024 consecutive doc_keys (block = doc_key >> 10), as
-- big-endian uint16s: a header (block >> 16, block & 65535, the count n, the count e of escapes),
-- then per posting by doc_key ((doc_key & 1023) << 6 | least(tf, 63)), then, for each posting
-- whose tf is 63 or more, in the same order, its tf as a uint32 (two uint16s); zero bytes pad it
-- to a multiple of 6. Base64 text, as in migration 004, so a term's blocks concatenated are one
-- base64 value. A length block holds one source's document lengths for 1,024 consecutive
-- doc_keys: the block as a uint32, 1,024, then a uint32 length per doc_key (0: none of the
-- source's); 4,104 bytes, a multiple of 6, so they concatenate the same way.
--
-- Expand, then contract: `posting_blocks` (migration 004) and its triggers stay, so the previous
-- release, which reads them, still answers after a rollback. A later migration drops them.

-- Writers wait until the blocks are built and the triggers are in place (an ingest by a server
-- still on the previous release would otherwise add postings the blocks never see); readers don't.
LOCK TABLE documents, postings IN SHARE MODE;

CREATE TABLE tf_blocks (
  term_id  integer NOT NULL,
  block    integer NOT NULL,
  postings text    NOT NULL,
  PRIMARY KEY (term_id, block)
);
ALTER TABLE tf_blocks ALTER COLUMN postings SET STORAGE EXTERNAL;

-- `generation`: the source's generation that first sees this version of the block (the ingest
-- batch that wrote it bumps the generation by one in the same transaction), so a connector that
-- holds generation g needs only the blocks with a greater one. Every write to `documents` bumps
-- its source's generation in the same transaction (the result cache relies on it too).
CREATE TABLE length_blocks (
  source     text    NOT NULL,
  block      integer NOT NULL,
  generation bigint  NOT NULL,
  lengths    text    NOT NULL,
  PRIMARY KEY (source, block)
);
ALTER TABLE length_blocks ALTER COLUMN lengths SET STORAGE EXTERNAL;
CREATE INDEX length_blocks_by_generation ON length_blocks (source, generation);

-- A posting's record: its offset in the block and its tf, 63 meaning "see the escapes".
CREATE FUNCTION tf_record(doc_key integer, tf integer) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN substring(int4send(((doc_key & 1023) << 6) | least(tf, 63)) FROM 3);

-- A block from its parts, in base64 without the line breaks encode() puts every 76 characters
-- (replace() takes them out 3× faster than migration 004's translate()).
CREATE FUNCTION pack_tf_block(block integer, n integer, e integer, records bytea, escapes bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(encode(
  int4send(block) || substring(int4send(n) FROM 3) || substring(int4send(e) FROM 3) || records || escapes
  || substring('\x000000000000'::bytea FROM 1 FOR (6 - (8 + 2 * n + 4 * e) % 6) % 6),
  'base64'), E'\n', '');

-- A length block: `stored` (null: none yet) with the slots in `offsets` set to `lengths`. A loop
-- of overlays: a join of the 1,024 slots against the changes cost ~0.3 s per ingest batch.
CREATE FUNCTION patch_length_block(block integer, stored text, offsets integer[], lengths integer[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  bytes bytea := coalesce(decode(stored, 'base64'), int4send(block) || int4send(1024) || decode(repeat('00', 4096), 'hex'));
BEGIN
  FOR i IN 1 .. coalesce(array_length(offsets, 1), 0) LOOP
    bytes := overlay(bytes PLACING int4send(lengths[i]) FROM 9 + 4 * offsets[i] FOR 4);
  END LOOP;
  RETURN replace(encode(bytes, 'base64'), E'\n', '');
END
$$;

INSERT INTO tf_blocks (term_id, block, postings)
SELECT term_id, doc_key >> 10,
       pack_tf_block(doc_key >> 10, count(*)::int, count(*) FILTER (WHERE tf >= 63)::int,
                     string_agg(tf_record(doc_key, tf), ''::bytea ORDER BY doc_key),
                     coalesce(string_agg(int4send(tf), ''::bytea ORDER BY doc_key) FILTER (WHERE tf >= 63), ''::bytea))
FROM postings GROUP BY term_id, doc_key >> 10;

INSERT INTO length_blocks (source, block, generation, lengths)
SELECT d.source, d.doc_key >> 10, coalesce(st.generation, 0),
       patch_length_block(d.doc_key >> 10, NULL, array_agg(d.doc_key & 1023), array_agg(d.length))
FROM documents d LEFT JOIN source_stats st ON st.source = d.source
GROUP BY d.source, d.doc_key >> 10, st.generation;

-- Rebuilds the tf blocks of the postings a statement inserted or deleted, as migration 004's
-- trigger does for posting_blocks: a batch of new documents appends its records and escapes to
-- the block as stored; anything else (deletes, re-ingested documents) packs it again from `postings`.
-- EXECUTE, so that the statement is planned on every call: PL/pgSQL would plan it once per
-- session and keep the plan, and an ingest's session plans it at its first batch, when tf_blocks
-- may still be empty; the plan made for an empty table then joined every block against every
-- changed one (seconds per batch once the table had grown). Planning takes about a millisecond.
CREATE FUNCTION rebuild_tf_blocks() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  EXECUTE $statement$
  WITH added AS (
    SELECT term_id, doc_key >> 10 AS block, count(*)::int AS n, min(doc_key) AS first_key,
           count(*) FILTER (WHERE tf >= 63)::int AS e,
           string_agg(tf_record(doc_key, tf), ''::bytea ORDER BY doc_key) AS records,
           coalesce(string_agg(int4send(tf), ''::bytea ORDER BY doc_key) FILTER (WHERE tf >= 63), ''::bytea) AS escapes
    FROM changed_postings WHERE $1 = 'INSERT'
    GROUP BY 1, 2
  ),
  stored AS MATERIALIZED (
    -- the block as it is: its counts in bytes 4–7, its records from byte 8, then its escapes
    SELECT a.*, s.prior, s.prior_n, s.prior_e,
           -- appendable: no block yet, or its last record's offset comes before the first new doc_key
           s.prior IS NULL OR (a.block << 10) + ((get_byte(s.prior, 6 + 2 * s.prior_n) * 256 + get_byte(s.prior, 7 + 2 * s.prior_n)) >> 6) < a.first_key AS appendable
    FROM added a
    LEFT JOIN LATERAL (
      SELECT p.prior, get_byte(p.prior, 4) * 256 + get_byte(p.prior, 5) AS prior_n, get_byte(p.prior, 6) * 256 + get_byte(p.prior, 7) AS prior_e
      FROM (SELECT decode(b.postings, 'base64') AS prior FROM tf_blocks b WHERE b.term_id = a.term_id AND b.block = a.block) p
    ) s ON true
  ),
  appended AS (
    SELECT term_id, block,
           pack_tf_block(block, coalesce(prior_n, 0) + n, coalesce(prior_e, 0) + e,
                         coalesce(substring(prior FROM 9 FOR 2 * prior_n), ''::bytea) || records,
                         coalesce(substring(prior FROM 9 + 2 * prior_n FOR 4 * prior_e), ''::bytea) || escapes) AS postings
    FROM stored WHERE appendable
  ),
  -- The blocks to pack again: an insert that cannot append, and every block a delete touched.
  to_repack AS (
    SELECT term_id, block FROM stored WHERE NOT appendable
    UNION
    SELECT term_id, doc_key >> 10 FROM changed_postings WHERE $1 = 'DELETE'
  ),
  repacked AS (
    SELECT t.term_id, t.block,
           pack_tf_block(t.block, count(p.doc_key)::int, count(p.doc_key) FILTER (WHERE p.tf >= 63)::int,
                         string_agg(tf_record(p.doc_key, p.tf), ''::bytea ORDER BY p.doc_key),
                         coalesce(string_agg(int4send(p.tf), ''::bytea ORDER BY p.doc_key) FILTER (WHERE p.tf >= 63), ''::bytea)) AS postings
    FROM to_repack t
    LEFT JOIN postings p ON p.term_id = t.term_id AND p.doc_key >= t.block << 10 AND p.doc_key < (t.block + 1) << 10
    GROUP BY t.term_id, t.block
  ),
  packed AS (
    SELECT term_id, block, postings FROM appended
    UNION ALL
    SELECT term_id, block, postings FROM repacked
  ),
  emptied AS (
    DELETE FROM tf_blocks b USING packed k
    WHERE k.postings IS NULL AND b.term_id = k.term_id AND b.block = k.block
  )
  INSERT INTO tf_blocks AS b (term_id, block, postings)
  SELECT term_id, block, postings FROM packed WHERE postings IS NOT NULL
  ON CONFLICT (term_id, block) DO UPDATE SET postings = excluded.postings
  $statement$ USING TG_OP;
  RETURN NULL;
END
$$;

CREATE TRIGGER postings_inserted_tf AFTER INSERT ON postings
  REFERENCING NEW TABLE AS changed_postings FOR EACH STATEMENT EXECUTE FUNCTION rebuild_tf_blocks();
CREATE TRIGGER postings_deleted_tf AFTER DELETE ON postings
  REFERENCING OLD TABLE AS changed_postings FOR EACH STATEMENT EXECUTE FUNCTION rebuild_tf_blocks();

-- Writes the lengths of the documents a statement inserted or updated into their length blocks,
-- tagged with the generation their batch commits (the source's current one + 1): missing blocks
-- are created empty, then every touched block is patched. A source's writers take turns (the
-- ingest lock), and blocks are per source, so no two transactions patch one block at once.
CREATE FUNCTION record_document_lengths() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO length_blocks (source, block, generation, lengths)
  SELECT DISTINCT c.source, c.doc_key >> 10, 0::bigint, patch_length_block(c.doc_key >> 10, NULL, '{}', '{}')
  FROM changed_documents c
  ON CONFLICT (source, block) DO NOTHING;
  UPDATE length_blocks b
  SET generation = greatest(b.generation, c.generation), lengths = patch_length_block(b.block, b.lengths, c.offsets, c.lengths)
  FROM (
    SELECT d.source, d.doc_key >> 10 AS block, array_agg(d.doc_key & 1023) AS offsets, array_agg(d.length) AS lengths,
           coalesce((SELECT st.generation FROM source_stats st WHERE st.source = d.source), 0) + 1 AS generation
    FROM changed_documents d GROUP BY d.source, d.doc_key >> 10
  ) c
  WHERE b.source = c.source AND b.block = c.block;
  RETURN NULL;
END
$$;

CREATE TRIGGER documents_inserted_lengths AFTER INSERT ON documents
  REFERENCING NEW TABLE AS changed_documents FOR EACH STATEMENT EXECUTE FUNCTION record_document_lengths();
CREATE TRIGGER documents_updated_lengths AFTER UPDATE ON documents
  REFERENCING NEW TABLE AS changed_documents FOR EACH STATEMENT EXECUTE FUNCTION record_document_lengths();

-- Planner statistics for the new tables, so the first searches after the upgrade plan well.
ANALYZE tf_blocks;
ANALYZE length_blocks;
