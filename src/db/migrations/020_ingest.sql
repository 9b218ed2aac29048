-- 020_ingest.sql (H5, ingestion): ingestion is idempotent by content. Each
-- data item ingested by rapport records the SHA-256 of its raw_content in
-- metadata.content_sha256; this index makes "was this text ingested
-- already?" one index probe instead of a scan of every item.
CREATE INDEX IF NOT EXISTS idx_data_items_content_sha256
	ON data_items ((metadata ->> 'content_sha256'));
