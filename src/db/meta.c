/* Metadata schemas at the edge: the per-database override table
 * (rapport_metadata_schemas, migration 040), the schema in force for a kind,
 * and the time-zone existence check against the system's zoneinfo. */
#include "db/internal.h"
#include "rapport/metaschema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* True when the override table exists (older databases may lack it). */
static db_status meta_table_exists(db *d, bool *exists)
{
	PGresult *res = NULL;
	db_status st = dbi_query(d, "SELECT to_regclass('rapport_metadata_schemas') IS NOT NULL", 0,
	                         NULL, &res);
	*exists = st == DB_OK && PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return st;
}

db_status meta_schema_override_get(db *d, const char *table, char **json_out)
{
	*json_out = NULL;
	bool exists = false;
	db_status st = meta_table_exists(d, &exists);
	if (st != DB_OK || !exists)
		return st;
	const char *p[1] = {table};
	PGresult *res = NULL;
	st = dbi_query(d, "SELECT schema::text FROM rapport_metadata_schemas WHERE table_name = $1",
	               1, p, &res);
	if (st == DB_OK && PQntuples(res) == 1)
		*json_out = dbi_strdup_field(res, 0, 0);
	PQclear(res);
	return st;
}

db_status meta_schema_override_set(db *d, const char *table, const char *json)
{
	const char *p[2] = {table, json};
	if (!json)
		return dbi_exec(d, "DELETE FROM rapport_metadata_schemas WHERE table_name = $1", 1,
		                p);
	return dbi_exec(
	    d,
	    "INSERT INTO rapport_metadata_schemas(table_name, schema) VALUES ($1, $2::jsonb)"
	    " ON CONFLICT (table_name) DO UPDATE SET schema = EXCLUDED.schema,"
	    " updated_at = now()",
	    2, p);
}

db_status meta_schema_load(db *d, db_kind k, metaschema **out, char **err)
{
	char *ov = NULL;
	*out = NULL;
	if (err)
		*err = NULL;
	db_status st = meta_schema_override_get(d, db_kind_table(k), &ov);
	if (st != DB_OK)
		return st;
	*out = metaschema_for_table(db_kind_table(k), ov, err);
	free(ov);
	if (!*out) {
		dbi_seterr(d, "%s", err && *err ? *err : "invalid metadata schema override");
		return DB_ERROR;
	}
	return DB_OK;
}

bool meta_zone_exists(const char *zone, void *ctx)
{
	(void)ctx;
	struct stat st;
	if (!ms_is_timezone_syntax(zone))
		return false;
	if (stat("/usr/share/zoneinfo", &st) != 0 || !S_ISDIR(st.st_mode))
		return ms_timezone_known(zone);
	char path[160];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char magic[4] = {0};
	size_t n = fread(magic, 1, 4, f);
	fclose(f);
	return n == 4 && memcmp(magic, "TZif", 4) == 0;
}
