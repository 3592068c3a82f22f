-- Impact-ordered postings so a search can stop before reading every posting of a common term.
-- A posting's impact is BM25's term-frequency saturation without the IDF,
--   (k1 + 1)·tf / (tf + k1·(1 − b + b·length/impact_avgdl)),   k1 = 1.2, b = 0.75 (bm25-sql.ts),
-- so any IDF (the source's own, or global statistics from a federation) can be applied at query
-- time. Impacts are only used as upper bounds for pruning; the scores returned are computed
-- exactly from tf and length with the current average length. impact_avgdl is the average length
-- the stored impacts were computed with; while the real one drifts away from it, the search widens
-- its bounds by avgdl/impact_avgdl, and ingest recomputes the impacts when the drift passes 10 %.

ALTER TABLE source_stats ADD COLUMN impact_avgdl float8;
UPDATE source_stats SET impact_avgdl = greatest(total_length::float8 / greatest(doc_count, 1), 1);

-- The largest stored impact of each term's postings (an upper bound after retractions).
ALTER TABLE terms ADD COLUMN max_impact real NOT NULL DEFAULT 0;

ALTER TABLE postings ADD COLUMN impact real;
UPDATE postings p SET impact = (2.2 * p.tf / (p.tf + 0.3 + 0.9 * p.length / s.impact_avgdl))::real
FROM terms t JOIN source_stats s ON s.source = t.source
WHERE t.term_id = p.term_id;
-- Postings without statistics (none expected) get the largest impact any posting can have: a safe bound.
UPDATE postings SET impact = 2.2 WHERE impact IS NULL;
ALTER TABLE postings ALTER COLUMN impact SET NOT NULL;

UPDATE terms t SET max_impact = m.max_impact
FROM (SELECT term_id, max(impact) AS max_impact FROM postings GROUP BY term_id) m
WHERE m.term_id = t.term_id;

-- Each term's postings, best impact first, with what exact scoring needs (index-only scans).
CREATE INDEX postings_by_impact ON postings (term_id, impact DESC) INCLUDE (doc_key, tf, length);
