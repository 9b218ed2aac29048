-- 021_ingest_deferred_index.sql (ingest): a large `rapport ingest` may load
-- its chunks first and build the HNSW vector index afterwards instead of
-- updating it row by row (src/db/ingest.c, "bulk path"). While the index is
-- away its exact definition is kept here, written before the index is
-- dropped, so that a run killed half-way leaves enough behind for the next
-- ingest to rebuild the same index. Normally empty.
CREATE TABLE IF NOT EXISTS ingest_deferred_indexes (
	index_name text PRIMARY KEY,
	definition text NOT NULL,
	deferred_at timestamptz NOT NULL DEFAULT now()
);
