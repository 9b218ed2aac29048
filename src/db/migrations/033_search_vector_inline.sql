-- 033_search_vector_inline.sql (H6, search): chunk embeddings stored inline.
-- A 1536-dimension vector is 6 KB: with the type's default (EXTENDED) storage
-- every one lives in the TOAST table, and each exact distance (a scoped
-- search computes one per chunk in scope) first reassembles it from TOAST.
-- Stored PLAIN (inline, uncompressed) the same 1,028 distances took a median
-- 6 ms instead of 18 ms. A row must still fit in a page, so this applies only
-- up to 1,800 dimensions (larger vectors keep the default); content, tsvector
-- and metadata stay TOASTable. Rows written before this migration keep their
-- layout until rewritten (VACUUM FULL data_chunks, or rapport reembed --all).
-- ALTER COLUMN ... TYPE resets the storage to the type's default.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_attribute
	           WHERE attrelid = 'data_chunks'::regclass AND attname = 'embedding'
	             AND atttypid = to_regtype('vector') AND atttypmod BETWEEN 1 AND 1800) THEN
		ALTER TABLE data_chunks ALTER COLUMN embedding SET STORAGE PLAIN;
	END IF;
END
$$;
