-- 032_search_knn_jit.sql (H6, search): rapport_knn() runs with JIT off.
-- Disabling full scans (031) adds PostgreSQL's "disabled" cost to any plan
-- that still contains one (the row-level-security helper functions look up
-- small tables), which pushes the plan over jit_above_cost: 20-90 ms of JIT
-- compilation per search as a coach. A kNN statement never benefits from
-- JIT; the function's SET clause turns it off for the call only.
CREATE OR REPLACE FUNCTION rapport_knn(sql text, ef_search integer, iterative boolean,
                                       exact boolean, p text[])
RETURNS TABLE (chunk_id uuid, distance double precision)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET enable_seqscan = on
SET enable_indexscan = on
SET jit = off
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
