-- The contract half of migration 006: `posting_blocks` (migration 004), its triggers and its
-- functions go. Searches have read `tf_blocks` since 006, so only a release before 006 needed
-- them, and every ingest still repacked them: a fifth of ingest's speed (docs/benchmarks.md,
-- "Thirteenth session"). After this migration a rollback reaches the release that applied 006,
-- not one before it.
--
-- IF EXISTS throughout: the operations page told operators how to drop the same by hand.
-- The triggers go first: dropping one waits for the ingests that hold `postings` and then keeps
-- them out, so no ingest is left holding `postings` while it waits for `posting_blocks`, which
-- this transaction would then hold (the other order could deadlock with an ingest's trigger).
DROP TRIGGER IF EXISTS postings_inserted ON postings;
DROP TRIGGER IF EXISTS postings_deleted ON postings;
DROP FUNCTION IF EXISTS rebuild_posting_blocks();
DROP TABLE IF EXISTS posting_blocks;
DROP FUNCTION IF EXISTS pack_posting_block(integer, integer, boolean, bytea, bytea);
DROP FUNCTION IF EXISTS posting_block_low(integer, integer, integer);
DROP FUNCTION IF EXISTS posting_block_high(integer, integer);
