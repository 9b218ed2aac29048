-- 004_rls.sql: visibility of data_items (and their chunks) enforced by
-- PostgreSQL row-level security, so psql as the same role is held to the same
-- rules as rapport.
--   identity  a login role per coach, named exactly as the coach's email,
--             member of rapport_coach (rapport db grant-coach EMAIL)
--   creator   data_items.metadata->>'created_by_user_id' (a coach id)
--   private      only the creator
--   coach_only   the item's coach and the creator
--   org_visible  coaches with a client in the item's client organization,
--                the item's coach, and the creator
--   public       everyone
--   rapport_admin members, superusers and the tables' owner see everything.
-- A chunk is visible exactly when its item is.
-- Roles are cluster-wide: created once, reused by every database.

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_coach') THEN
		CREATE ROLE rapport_coach NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_admin') THEN
		CREATE ROLE rapport_admin NOLOGIN;
	END IF;
EXCEPTION WHEN insufficient_privilege THEN
	RAISE NOTICE 'this role may not create roles: rapport_coach/rapport_admin must be created by an administrator';
END
$$;

-- The coach id of a login role (its email), NULL for anyone else.
CREATE OR REPLACE FUNCTION rapport_coach_id(role_name name) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
	SELECT id FROM public.coaches WHERE email = role_name::text
$$;

-- True when the role is a rapport_admin member (false when that role is absent).
CREATE OR REPLACE FUNCTION rapport_is_admin(role_name name) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_admin')
	            THEN pg_has_role(role_name, 'rapport_admin', 'member') ELSE false END
$$;

-- The organizations where the role's coach has a client.
CREATE OR REPLACE FUNCTION rapport_coach_orgs(role_name name) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
	SELECT DISTINCT c.client_organization_id FROM public.clients c
	WHERE c.primary_coach_id = (SELECT id FROM public.coaches WHERE email = role_name::text)
$$;

ALTER TABLE data_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE data_chunks ENABLE ROW LEVEL SECURITY;

-- Per-role values are scalar subqueries: computed once per statement, not per row.
DROP POLICY IF EXISTS rapport_read ON data_items;
CREATE POLICY rapport_read ON data_items FOR SELECT
	USING (visibility_level = 'public'
	       OR (SELECT rapport_is_admin(current_user))
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text
	       OR (visibility_level = 'coach_only' AND coach_id = (SELECT rapport_coach_id(current_user)))
	       OR (visibility_level = 'org_visible'
	           AND (coach_id = (SELECT rapport_coach_id(current_user))
	                OR client_organization_id IN (SELECT rapport_coach_orgs(current_user)))));
-- Writes: the item's coach, its creator, or an admin.
DROP POLICY IF EXISTS rapport_write ON data_items;
DROP POLICY IF EXISTS rapport_insert ON data_items;
CREATE POLICY rapport_insert ON data_items FOR INSERT
	WITH CHECK ((SELECT rapport_is_admin(current_user)) OR coach_id = (SELECT rapport_coach_id(current_user))
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text);
DROP POLICY IF EXISTS rapport_update ON data_items;
CREATE POLICY rapport_update ON data_items FOR UPDATE
	USING ((SELECT rapport_is_admin(current_user)) OR coach_id = (SELECT rapport_coach_id(current_user))
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text)
	WITH CHECK ((SELECT rapport_is_admin(current_user)) OR coach_id = (SELECT rapport_coach_id(current_user))
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text);
DROP POLICY IF EXISTS rapport_delete ON data_items;
CREATE POLICY rapport_delete ON data_items FOR DELETE
	USING ((SELECT rapport_is_admin(current_user)) OR coach_id = (SELECT rapport_coach_id(current_user))
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text);

DROP POLICY IF EXISTS rapport_read ON data_chunks;
CREATE POLICY rapport_read ON data_chunks FOR SELECT
	USING (EXISTS (SELECT 1 FROM data_items i WHERE i.id = data_item_id));
DROP POLICY IF EXISTS rapport_write ON data_chunks;
CREATE POLICY rapport_write ON data_chunks FOR INSERT
	WITH CHECK (EXISTS (SELECT 1 FROM data_items i WHERE i.id = data_item_id
	                    AND ((SELECT rapport_is_admin(current_user)) OR i.coach_id = (SELECT rapport_coach_id(current_user))
	                    OR i.metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text)));
DROP POLICY IF EXISTS rapport_update ON data_chunks;
CREATE POLICY rapport_update ON data_chunks FOR UPDATE
	USING (EXISTS (SELECT 1 FROM data_items i WHERE i.id = data_item_id
	               AND ((SELECT rapport_is_admin(current_user)) OR i.coach_id = (SELECT rapport_coach_id(current_user))
	                    OR i.metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text)));
DROP POLICY IF EXISTS rapport_delete ON data_chunks;
CREATE POLICY rapport_delete ON data_chunks FOR DELETE
	USING (EXISTS (SELECT 1 FROM data_items i WHERE i.id = data_item_id
	               AND ((SELECT rapport_is_admin(current_user)) OR i.coach_id = (SELECT rapport_coach_id(current_user))
	                    OR i.metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text)));

-- The audit trail: a coach reads the history of what they may see, and the
-- trigger (running as the coach) may only write rows in the coach's name.
ALTER TABLE rapport_audit ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS rapport_read ON rapport_audit;
CREATE POLICY rapport_read ON rapport_audit FOR SELECT
	USING ((SELECT rapport_is_admin(current_user))
	       OR table_name NOT IN ('data_items', 'data_chunks')
	       OR EXISTS (SELECT 1 FROM data_items i WHERE i.id = record_id));
DROP POLICY IF EXISTS rapport_insert ON rapport_audit;
CREATE POLICY rapport_insert ON rapport_audit FOR INSERT WITH CHECK (actor = current_user::text);

-- Creates (or refreshes) a coach's login role; the password, when given, is
-- already SCRAM-hashed by the client. Needs CREATEROLE. Returns 'created' or
-- 'updated'.
CREATE OR REPLACE FUNCTION rapport_grant_coach(p_email text, p_password text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
	result text := 'updated';
BEGIN
	IF NOT EXISTS (SELECT 1 FROM public.coaches WHERE email = p_email) THEN
		RAISE EXCEPTION 'no coach has the email %', p_email USING ERRCODE = 'no_data_found';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_email) THEN
		EXECUTE format('CREATE ROLE %I LOGIN', p_email);
		result := 'created';
	END IF;
	EXECUTE format('GRANT rapport_coach TO %I', p_email);
	EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_email);
	IF p_password IS NOT NULL THEN
		EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_email, p_password);
	END IF;
	RETURN result;
END
$$;
REVOKE ALL ON FUNCTION rapport_grant_coach(text, text) FROM PUBLIC;

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_coach') THEN
		GRANT USAGE ON SCHEMA public TO rapport_coach;
		GRANT SELECT, INSERT, UPDATE, DELETE ON coaching_companies, coaches, client_organizations,
			clients, coaching_models, coach_model_associations, data_items, data_chunks
			TO rapport_coach;
		GRANT SELECT, INSERT ON rapport_audit TO rapport_coach;
		GRANT USAGE ON SEQUENCE rapport_audit_id_seq TO rapport_coach;
		GRANT SELECT ON rapport_schema_migrations TO rapport_coach;
		-- tables later migrations create (search, metadata schemas) are readable too
		ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO rapport_coach;
		ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO rapport_coach;
		GRANT rapport_coach TO rapport_admin;
	END IF;
END
$$;
