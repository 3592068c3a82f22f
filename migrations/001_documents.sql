-- Managed documents and the BM25 statistics kept beside them at ingest.
-- Applied with search_path set to the connector's schema; one row set per source name.

-- Per-source totals for BM25 (N, average length) and the ingest generation caches fold in.
CREATE TABLE source_stats (
  source       text PRIMARY KEY,
  doc_count    bigint NOT NULL DEFAULT 0,
  total_length bigint NOT NULL DEFAULT 0,
  generation   bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  doc_key      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source       text NOT NULL,
  id           text NOT NULL,
  title        text NOT NULL,
  body         text NOT NULL,
  url          text,
  updated_at   timestamptz,
  metadata     jsonb NOT NULL DEFAULT '{}',
  -- sha256 of the normalised body, for cross-source de-duplication
  content_hash text NOT NULL,
  -- sha256 of every ingested field: an unchanged re-ingest writes nothing
  revision     text NOT NULL,
  -- BM25 document length: indexed tokens of title and body
  length       integer NOT NULL,
  -- the terms this document posted, so a re-ingest can retract exactly those postings
  term_ids     integer[] NOT NULL DEFAULT '{}',
  ingested_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, id)
);
CREATE INDEX documents_source_updated_at ON documents (source, updated_at);

-- Term dictionary with document frequencies, per source.
CREATE TABLE terms (
  term_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source  text NOT NULL,
  term    text NOT NULL,
  df      integer NOT NULL,
  UNIQUE (source, term)
);

-- One row per (term, document). The key INCLUDEs tf and length so that scoring is an
-- index-only scan: no heap visits, no tsvector de-TOASTing at query time.
CREATE TABLE postings (
  term_id integer NOT NULL,
  doc_key integer NOT NULL,
  -- term frequency, title occurrences counted twice
  tf      integer NOT NULL,
  -- copy of documents.length
  length  integer NOT NULL,
  PRIMARY KEY (term_id, doc_key) INCLUDE (tf, length)
);
