-- 040_metadata_schemas.sql: per-database overrides of rapport's built-in
-- metadata schemas (src/core/metaschema.c). A row replaces the built-in
-- schema of its table, or with "x-rapport-merge": true adds to it key by key.
-- Edit with psql or with rapport itself (`rapport meta` validates against the
-- schema in force). No row: the built-in schema applies.

CREATE TABLE IF NOT EXISTS rapport_metadata_schemas (
	table_name TEXT PRIMARY KEY
		CHECK (table_name IN ('coaching_companies', 'coaches', 'client_organizations',
		                      'clients', 'coaching_models', 'data_items')),
	schema JSONB NOT NULL CHECK (jsonb_typeof(schema) = 'object'),
	updated_at TIMESTAMP NOT NULL DEFAULT now()
);

COMMENT ON TABLE rapport_metadata_schemas IS
	'rapport: metadata JSON Schema overrides per table (replace, or merge with "x-rapport-merge": true)';
