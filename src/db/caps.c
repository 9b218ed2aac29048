/* Capability detection: server and pgvector versions, the embedding
 * dimension from the catalog, schema presence and version, RLS, admin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"

static const char caps_sql[] =
    "SELECT current_setting('server_version_num')::int,"
    " (SELECT extversion FROM pg_extension WHERE extname = 'vector'),"
    " (SELECT CASE WHEN a.atttypid = to_regtype('vector') THEN a.atttypmod ELSE 0 END"
    "    FROM pg_attribute a WHERE a.attrelid = to_regclass('data_chunks')"
    "    AND a.attname = 'embedding' AND NOT a.attisdropped),"
    " (SELECT count(*) FROM unnest(ARRAY['coaching_companies', 'coaches',"
    "    'client_organizations', 'clients', 'coaching_models', 'coach_model_associations',"
    "    'data_items', 'data_chunks']) AS t(name) WHERE to_regclass(t.name) IS NOT NULL) = 8,"
    " to_regclass('rapport_schema_migrations') IS NOT NULL,"
    " coalesce((SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass('data_items')), false),"
    " (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)"
    "  OR CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rapport_admin')"
    "     THEN pg_has_role(current_user, 'rapport_admin', 'member') ELSE false END";

/* True when version text "a.b.c" is at least major.minor. */
static bool version_at_least(const char *v, int major, int minor)
{
	int a = 0, b = 0;
	if (sscanf(v, "%d.%d", &a, &b) < 1)
		return false;
	return a > major || (a == major && b >= minor);
}

/* Highest applied migration number (the NNN_ prefix), 0 when none. */
static db_status schema_version(db *d, int *out)
{
	PGresult *res = NULL;
	*out = 0;
	db_status st = dbi_query(d, "SELECT max(name) FROM rapport_schema_migrations", 0, NULL, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		*out = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return DB_OK;
}

db_status db_caps_get(db *d, db_caps *out)
{
	PGresult *res = NULL;
	memset(out, 0, sizeof *out);
	db_status st = dbi_query(d, caps_sql, 0, NULL, &res);
	if (st != DB_OK)
		return st;
	out->server_version = atoi(PQgetvalue(res, 0, 0));
	if (!PQgetisnull(res, 0, 1)) {
		out->has_pgvector = true;
		snprintf(out->pgvector_version, sizeof out->pgvector_version, "%s",
		         PQgetvalue(res, 0, 1));
		out->iterative_scan = version_at_least(out->pgvector_version, 0, 8);
	}
	if (!PQgetisnull(res, 0, 2))
		out->embedding_dim = atoi(PQgetvalue(res, 0, 2));
	if (out->embedding_dim < 0)
		out->embedding_dim = 0;
	out->schema_present = PQgetvalue(res, 0, 3)[0] == 't';
	bool versioned = PQgetvalue(res, 0, 4)[0] == 't';
	out->rls_enabled = PQgetvalue(res, 0, 5)[0] == 't';
	out->is_admin = PQgetvalue(res, 0, 6)[0] == 't';
	PQclear(res);
	if (versioned)
		return schema_version(d, &out->schema_version);
	return DB_OK;
}
