-- 030_search.sql (H6, search): full-text index over chunk content, an index
-- to list the corpus's embedding models cheaply, and rapport_knn(), the
-- nearest-neighbour helper that scopes pgvector's scan settings to one
-- statement.

-- Full-text search: a stored tsvector of each chunk (english configuration),
-- GIN-indexed. Stored rather than an expression index so ts_rank_cd reads the
-- vector instead of re-parsing every matching chunk.
ALTER TABLE data_chunks ADD COLUMN IF NOT EXISTS content_tsv tsvector
	GENERATED ALWAYS AS (to_tsvector('english'::regconfig, content)) STORED;
CREATE INDEX IF NOT EXISTS idx_data_chunks_content_tsv ON data_chunks USING gin (content_tsv);

-- The embedding model recorded with each chunk (metadata->>'embedding_model'):
-- search lists the distinct models with a loose index scan (a few probes).
CREATE INDEX IF NOT EXISTS idx_data_chunks_embedding_model
	ON data_chunks ((metadata ->> 'embedding_model'));

-- rapport_knn(sql, ef_search, iterative, params): runs `sql` (a query that
-- returns (chunk_id uuid, distance float8), built by src/db/search.c, with up
-- to 16 text parameters $1..$16) after setting hnsw.ef_search and, when
-- `iterative`, hnsw.iterative_scan = relaxed_order for the current
-- transaction only (set_config(..., true) = SET LOCAL). One statement, no
-- session state left behind: safe behind a transaction-mode pooler. The
-- function runs with the caller's rights, so row-level security applies.
-- The vector type is only named inside `sql`, so this function exists (and
-- text search works) on a server without pgvector.
CREATE OR REPLACE FUNCTION rapport_knn(sql text, ef_search integer, iterative boolean,
                                       p text[])
RETURNS TABLE (chunk_id uuid, distance double precision)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $fn$
BEGIN
	IF ef_search IS NOT NULL THEN
		PERFORM set_config('hnsw.ef_search', ef_search::text, true);
	END IF;
	IF iterative THEN
		PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
	END IF;
	RETURN QUERY EXECUTE sql USING p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8],
		p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16];
END
$fn$;
