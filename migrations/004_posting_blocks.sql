-- Postings packed in blocks, so that a search reads a common term's postings as one wide value
-- instead of one row each (docs/benchmarks.md, "Postgres at scale": the executor's per-row cost
-- was the floor of the row-per-posting statements). The connector adds up the scores itself
-- (connectors/postgres/block-scores.ts).
--
-- A block holds one term's postings for 1,024 consecutive doc_keys (block = doc_key >> 10), as
-- big-endian uint16s: a header (block >> 16, block & 65535, the count n, flags: 1 = high halves
-- follow), then per posting by doc_key (doc_key & 1023, tf & 65535, length & 65535), then, only
-- when some tf or length passes 65,535, per posting (tf >> 16, length >> 16); zero bytes pad it
-- to a multiple of 12. Stored as base64 text: text goes out to the connector as it is stored,
-- where bytea is hex-encoded on every read, and a multiple of 3 bytes encodes without '=', so a
-- term's blocks concatenated are the base64 of their bytes concatenated: one value per term.
--
-- `postings` stays the source of truth: triggers rebuild the blocks a statement touched, in the
-- same transaction, so the blocks always hold exactly the rows of `postings`. Ingest only INSERTs
-- and DELETEs postings (an UPDATE recomputes impacts and never changes doc_key, tf or length), so
-- no UPDATE trigger is needed.
CREATE TABLE posting_blocks (
  term_id  integer NOT NULL,
  block    integer NOT NULL,
  postings text    NOT NULL,
  PRIMARY KEY (term_id, block)
);
-- Blocks are read whole and base64 hardly compresses: stored uncompressed, nothing to decompress.
ALTER TABLE posting_blocks ALTER COLUMN postings SET STORAGE EXTERNAL;

-- A block from its parts: the aggregates of `low` (6 bytes per posting) and `high` (4 bytes),
-- in base64 without the line breaks encode() puts every 76 characters.
CREATE FUNCTION pack_posting_block(block integer, n integer, wide boolean, low bytea, high bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN translate(encode(
  int4send(block) || substring(int4send(n) FROM 3) || CASE WHEN wide THEN '\x0001'::bytea ELSE '\x0000'::bytea END
  || low || CASE WHEN wide THEN high ELSE ''::bytea END
  || substring('\x0000000000000000000000'::bytea FROM 1 FOR (12 - (8 + n * CASE WHEN wide THEN 10 ELSE 6 END) % 12) % 12),
  'base64'), E'\n', '');

-- A posting's low halves (doc_key & 1023, tf & 65535, length & 65535) and high halves.
CREATE FUNCTION posting_block_low(doc_key integer, tf integer, length integer)
RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN substring(int4send(doc_key & 1023) FROM 3) || substring(int4send(tf) FROM 3) || substring(int4send(length) FROM 3);

CREATE FUNCTION posting_block_high(tf integer, length integer)
RETURNS bytea LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN substring(int4send(tf) FROM 1 FOR 2) || substring(int4send(length) FROM 1 FOR 2);

INSERT INTO posting_blocks (term_id, block, postings)
SELECT term_id, doc_key >> 10,
       pack_posting_block(doc_key >> 10, count(*)::int, max(tf) > 65535 OR max(length) > 65535,
                          string_agg(posting_block_low(doc_key, tf, length), ''::bytea ORDER BY doc_key),
                          string_agg(posting_block_high(tf, length), ''::bytea ORDER BY doc_key))
FROM postings GROUP BY term_id, doc_key >> 10;

-- Rebuilds the blocks of the postings a statement inserted or deleted. A batch of new documents
-- appends: its postings come after every doc_key their block holds, so when neither side needs
-- high halves the block is its records followed by the new ones, with no need to read the rows
-- it already holds. Anything else (deletes, re-ingested documents, high halves) packs the block
-- again from `postings`.
-- SET search_path FROM CURRENT: the function runs with this migration's schema, whatever the
-- session's search_path is when an ingest fires it.
CREATE FUNCTION rebuild_posting_blocks() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  WITH added AS (
    SELECT term_id, doc_key >> 10 AS block, count(*)::int AS n, min(doc_key) AS first_key,
           bool_or(tf > 65535 OR length > 65535) AS wide,
           string_agg(posting_block_low(doc_key, tf, length), ''::bytea ORDER BY doc_key) AS low
    FROM changed_postings WHERE TG_OP = 'INSERT'
    GROUP BY 1, 2
  ),
  stored AS (
    -- the block as it is (its count in bytes 4–5, its flags in 6–7, records from byte 8)
    SELECT a.*, s.prior, coalesce(get_byte(s.prior, 4) * 256 + get_byte(s.prior, 5), 0) AS prior_n
    FROM added a
    LEFT JOIN LATERAL (
      SELECT decode(b.postings, 'base64') AS prior FROM posting_blocks b WHERE b.term_id = a.term_id AND b.block = a.block
    ) s ON true
  ),
  appended AS (
    SELECT term_id, block,
           pack_posting_block(block, prior_n + n, false, coalesce(substring(prior FROM 9 FOR 6 * prior_n), ''::bytea) || low, ''::bytea) AS postings
    FROM stored
    WHERE NOT wide
      AND (prior IS NULL
           OR (get_byte(prior, 6) = 0 AND get_byte(prior, 7) = 0
               -- the last record's doc_key, before the first new one
               AND (block << 10) + get_byte(prior, 8 + 6 * (prior_n - 1)) * 256 + get_byte(prior, 9 + 6 * (prior_n - 1)) < first_key))
  ),
  repacked AS (
    SELECT t.term_id, t.block,
           pack_posting_block(t.block, count(p.doc_key)::int, max(p.tf) > 65535 OR max(p.length) > 65535,
                              string_agg(posting_block_low(p.doc_key, p.tf, p.length), ''::bytea ORDER BY p.doc_key),
                              string_agg(posting_block_high(p.tf, p.length), ''::bytea ORDER BY p.doc_key)) AS postings
    FROM (
      SELECT DISTINCT c.term_id, c.doc_key >> 10 AS block FROM changed_postings c
      WHERE NOT EXISTS (SELECT 1 FROM appended a WHERE a.term_id = c.term_id AND a.block = c.doc_key >> 10)
    ) t
    LEFT JOIN postings p ON p.term_id = t.term_id AND p.doc_key >= t.block << 10 AND p.doc_key < (t.block + 1) << 10
    GROUP BY t.term_id, t.block
  ),
  packed AS (
    SELECT term_id, block, postings FROM appended
    UNION ALL
    SELECT term_id, block, postings FROM repacked
  ),
  emptied AS (
    DELETE FROM posting_blocks b USING packed k
    WHERE k.postings IS NULL AND b.term_id = k.term_id AND b.block = k.block
  )
  INSERT INTO posting_blocks AS b (term_id, block, postings)
  SELECT term_id, block, postings FROM packed WHERE postings IS NOT NULL
  ON CONFLICT (term_id, block) DO UPDATE SET postings = excluded.postings;
  RETURN NULL;
END
$$;

CREATE TRIGGER postings_inserted AFTER INSERT ON postings
  REFERENCING NEW TABLE AS changed_postings FOR EACH STATEMENT EXECUTE FUNCTION rebuild_posting_blocks();
CREATE TRIGGER postings_deleted AFTER DELETE ON postings
  REFERENCING OLD TABLE AS changed_postings FOR EACH STATEMENT EXECUTE FUNCTION rebuild_posting_blocks();
