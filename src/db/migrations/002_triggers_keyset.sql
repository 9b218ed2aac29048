-- 002_triggers_keyset.sql: updated_at maintained by the database, and the
-- indexes the browser's keyset paging reads ((parent, name, id) so a page is
-- an index range scan whatever its position).

-- clock_timestamp(), not now(): two saves in one transaction or one second
-- still get different concurrency tokens.
CREATE OR REPLACE FUNCTION rapport_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.updated_at := clock_timestamp();
	RETURN NEW;
END
$$;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['coaching_companies', 'coaches', 'client_organizations',
	                         'clients', 'coaching_models', 'data_items'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_trigger
		               WHERE tgrelid = t::regclass AND tgname = 'rapport_touch_updated_at') THEN
			EXECUTE format('CREATE TRIGGER rapport_touch_updated_at BEFORE UPDATE ON %I
			                FOR EACH ROW EXECUTE FUNCTION rapport_touch_updated_at()', t);
		END IF;
	END LOOP;
END
$$;

CREATE INDEX IF NOT EXISTS idx_companies_name ON coaching_companies(name, id);
CREATE INDEX IF NOT EXISTS idx_orgs_name ON client_organizations(name, id);
CREATE INDEX IF NOT EXISTS idx_models_name ON coaching_models(name, id);
CREATE INDEX IF NOT EXISTS idx_models_company_name ON coaching_models(coaching_company_id, name, id);
CREATE INDEX IF NOT EXISTS idx_coaches_company_name ON coaches(coaching_company_id, name, id);
CREATE INDEX IF NOT EXISTS idx_clients_coach_name ON clients(primary_coach_id, name, id);
CREATE INDEX IF NOT EXISTS idx_clients_org_name ON clients(client_organization_id, name, id);
CREATE INDEX IF NOT EXISTS idx_cma_model ON coach_model_associations(coaching_model_id);
-- One primary coaching model per coach.
CREATE UNIQUE INDEX IF NOT EXISTS idx_cma_one_primary ON coach_model_associations(coach_id)
	WHERE is_primary;
