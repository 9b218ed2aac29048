-- 003_audit.sql: every write to a record (by rapport or by psql) leaves a row
-- in rapport_audit, written by an AFTER trigger in the same transaction:
-- who (the database role), when, which table and record, and before/after
-- (for updates only the keys that changed; updated_at alone is not a change).
-- Bulk loaders may skip it for their own transaction with
-- SET LOCAL rapport.skip_audit = 'on' (the scale seed does; documented).

CREATE TABLE IF NOT EXISTS rapport_audit (
	id BIGSERIAL PRIMARY KEY,
	at TIMESTAMPTZ NOT NULL DEFAULT now(),
	actor TEXT NOT NULL DEFAULT current_user,
	table_name TEXT NOT NULL,
	record_id UUID NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
	before JSONB,
	after JSONB
);
CREATE INDEX IF NOT EXISTS idx_rapport_audit_record ON rapport_audit(table_name, record_id, id);

CREATE OR REPLACE FUNCTION rapport_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb;
	n jsonb;
	b jsonb := '{}'::jsonb;
	a jsonb := '{}'::jsonb;
	k text;
BEGIN
	IF coalesce(current_setting('rapport.skip_audit', true), '') = 'on' THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO rapport_audit(table_name, record_id, action, after)
		VALUES (TG_TABLE_NAME, NEW.id, 'insert', to_jsonb(NEW));
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO rapport_audit(table_name, record_id, action, before)
		VALUES (TG_TABLE_NAME, OLD.id, 'delete', to_jsonb(OLD));
	ELSE
		o := to_jsonb(OLD);
		n := to_jsonb(NEW);
		FOR k IN SELECT jsonb_object_keys(n) LOOP
			IF k <> 'updated_at' AND (o -> k) IS DISTINCT FROM (n -> k) THEN
				b := b || jsonb_build_object(k, o -> k);
				a := a || jsonb_build_object(k, n -> k);
			END IF;
		END LOOP;
		IF a <> '{}'::jsonb THEN
			INSERT INTO rapport_audit(table_name, record_id, action, before, after)
			VALUES (TG_TABLE_NAME, NEW.id, 'update', b, a);
		END IF;
	END IF;
	RETURN NULL;
END
$$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['coaching_companies', 'coaches', 'client_organizations', 'clients',
	                         'coaching_models', 'data_items', 'coach_model_associations'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_trigger
		               WHERE tgrelid = t::regclass AND tgname = 'rapport_audit') THEN
			EXECUTE format('CREATE TRIGGER rapport_audit AFTER INSERT OR UPDATE OR DELETE ON %I
			                FOR EACH ROW EXECUTE FUNCTION rapport_audit_row()', t);
		END IF;
	END LOOP;
END
$$;
