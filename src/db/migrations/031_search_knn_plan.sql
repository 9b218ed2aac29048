-- 031_search_knn_plan.sql (H6, search): rapport_knn() chooses its access
-- path on purpose.
--   approximate (default): full scans of data_chunks are disabled for the
--     kNN statement, so the planner takes the HNSW index (or, for a narrow
--     scope, the scope's index path). PostgreSQL prices a 1536-dimension
--     distance like any operator and, with hnsw.ef_search = 100, estimated a
--     10,000-chunk scan cheaper than the index: 90-120 ms instead of 3 ms.
--   exact: index scans are disabled, giving brute-force distances (to check
--     the index's recall: rapport search --exact).
-- The function's SET clauses restore both planner settings when it returns,
-- so nothing outlives the call, even inside a caller's transaction.
DROP FUNCTION IF EXISTS rapport_knn(text, integer, boolean, text[]);
CREATE OR REPLACE FUNCTION rapport_knn(sql text, ef_search integer, iterative boolean,
                                       exact boolean, p text[])
RETURNS TABLE (chunk_id uuid, distance double precision)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET enable_seqscan = on
SET enable_indexscan = on
AS $fn$
BEGIN
	IF exact THEN
		PERFORM set_config('enable_indexscan', 'off', true);
	ELSE
		PERFORM set_config('enable_seqscan', 'off', true);
		IF ef_search IS NOT NULL THEN
			PERFORM set_config('hnsw.ef_search', ef_search::text, true);
		END IF;
		IF iterative THEN
			PERFORM set_config('hnsw.iterative_scan', 'relaxed_order', true);
		END IF;
	END IF;
	RETURN QUERY EXECUTE sql USING p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8],
		p[9], p[10], p[11], p[12], p[13], p[14], p[15], p[16];
END
$fn$;
