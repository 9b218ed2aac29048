-- 001_schema.sql: the spec's 8 tables and every index it names
-- (shared/spec/database-schema-reference.md). Everything is IF NOT EXISTS so a
-- database whose schema the platform's own tooling created is adopted as is.
--
-- pgvector: created when the server offers it. Without it (or when the test
-- setting rapport.disable_pgvector = 'on' is set on the database) the
-- embedding column is real[] of the same meaning, db_caps reports
-- has_pgvector = false, and search falls back to full-text only.
-- The spec's IVFFlat index on the embedding is replaced by HNSW with the
-- same name (IVFFlat built on an empty table has poor recall).

DO $$
BEGIN
	IF coalesce(current_setting('rapport.disable_pgvector', true), '') <> 'on'
	   AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
		BEGIN
			CREATE EXTENSION IF NOT EXISTS vector;
		EXCEPTION WHEN insufficient_privilege THEN
			RAISE NOTICE 'pgvector is available but this role may not create it; semantic search stays off until a superuser runs CREATE EXTENSION vector';
		END;
	END IF;
END
$$;

CREATE TABLE IF NOT EXISTS coaching_companies (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE,
	metadata JSONB DEFAULT '{}'::jsonb,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS coaches (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	coaching_company_id UUID NOT NULL REFERENCES coaching_companies(id),
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	bio TEXT,
	metadata JSONB DEFAULT '{}'::jsonb,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS client_organizations (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE,
	industry TEXT,
	metadata JSONB DEFAULT '{}'::jsonb,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS clients (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	client_organization_id UUID NOT NULL REFERENCES client_organizations(id),
	primary_coach_id UUID REFERENCES coaches(id),
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	title TEXT,
	metadata JSONB DEFAULT '{}'::jsonb,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS coaching_models (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	coaching_company_id UUID NOT NULL REFERENCES coaching_companies(id),
	name TEXT NOT NULL,
	slug TEXT NOT NULL UNIQUE,
	description TEXT,
	content TEXT NOT NULL,
	metadata JSONB DEFAULT '{}'::jsonb,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS coach_model_associations (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	coach_id UUID NOT NULL REFERENCES coaches(id),
	coaching_model_id UUID NOT NULL REFERENCES coaching_models(id),
	is_primary BOOLEAN DEFAULT false,
	created_at TIMESTAMP NOT NULL DEFAULT NOW(),
	UNIQUE(coach_id, coaching_model_id)
);

CREATE TABLE IF NOT EXISTS data_items (
	id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
	data_type TEXT NOT NULL,
	coach_id UUID REFERENCES coaches(id),
	client_id UUID REFERENCES clients(id),
	client_organization_id UUID REFERENCES client_organizations(id),
	visibility_level TEXT DEFAULT 'private',
	raw_content TEXT,
	metadata JSONB,
	created_at TIMESTAMP DEFAULT NOW(),
	updated_at TIMESTAMP DEFAULT NOW()
);

DO $$
DECLARE
	emb text := 'real[]';
BEGIN
	IF to_regtype('vector') IS NOT NULL THEN
		emb := 'vector(1536)';
	END IF;
	EXECUTE format('CREATE TABLE IF NOT EXISTS data_chunks (
		id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
		data_item_id UUID NOT NULL REFERENCES data_items(id) ON DELETE CASCADE,
		chunk_index INTEGER NOT NULL,
		content TEXT NOT NULL,
		embedding %s,
		metadata JSONB,
		created_at TIMESTAMP DEFAULT NOW(),
		UNIQUE(data_item_id, chunk_index)
	)', emb);
END
$$;

-- Foreign keys
CREATE INDEX IF NOT EXISTS idx_coaches_company ON coaches(coaching_company_id);
CREATE INDEX IF NOT EXISTS idx_clients_org ON clients(client_organization_id);
CREATE INDEX IF NOT EXISTS idx_clients_coach ON clients(primary_coach_id);

-- JSONB GIN expression indexes
CREATE INDEX IF NOT EXISTS idx_coaches_metadata_active ON coaches USING GIN ((metadata -> 'active'));
CREATE INDEX IF NOT EXISTS idx_coaches_metadata_experience ON coaches USING GIN ((metadata -> 'experience_years'));
CREATE INDEX IF NOT EXISTS idx_orgs_metadata_size ON client_organizations USING GIN ((metadata -> 'size'));
CREATE INDEX IF NOT EXISTS idx_orgs_metadata_active ON client_organizations USING GIN ((metadata -> 'active'));
CREATE INDEX IF NOT EXISTS idx_clients_metadata_department ON clients USING GIN ((metadata -> 'department'));
CREATE INDEX IF NOT EXISTS idx_clients_metadata_active ON clients USING GIN ((metadata -> 'active'));

-- data_items
CREATE INDEX IF NOT EXISTS idx_data_items_type ON data_items(data_type);
CREATE INDEX IF NOT EXISTS idx_data_items_coach ON data_items(coach_id);
CREATE INDEX IF NOT EXISTS idx_data_items_client ON data_items(client_id);
CREATE INDEX IF NOT EXISTS idx_data_items_org ON data_items(client_organization_id);
CREATE INDEX IF NOT EXISTS idx_data_items_created_at ON data_items(created_at DESC);
CREATE INDEX IF NOT EXISTS idx_data_items_coach_type ON data_items(coach_id, data_type);
CREATE INDEX IF NOT EXISTS idx_data_items_org_type ON data_items(client_organization_id, data_type);

-- data_chunks
CREATE INDEX IF NOT EXISTS idx_data_chunks_item ON data_chunks(data_item_id);

-- The vector index: HNSW (cosine) under the spec's name, only when the column
-- is a pgvector type. pgvector 0.8.0 and 0.8.1 overflow in parallel HNSW
-- builds, so this build is serial.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_attribute
	           WHERE attrelid = 'data_chunks'::regclass AND attname = 'embedding'
	             AND atttypid = to_regtype('vector'))
	   AND to_regclass('idx_data_chunks_embedding') IS NULL THEN
		SET LOCAL max_parallel_maintenance_workers = 0;
		CREATE INDEX idx_data_chunks_embedding ON data_chunks
			USING hnsw (embedding vector_cosine_ops);
	END IF;
END
$$;
