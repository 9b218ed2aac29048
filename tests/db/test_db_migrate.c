/* Migrations: empty database, second run is a no-op, every spec index by
 * name, adopting a schema created by the platform's own tooling, and the
 * path without pgvector. Real server from PG* (tests/common/testdb). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "rapport/embedded.h"

static const char *const spec_tables[] = {
    "coaching_companies", "coaches", "client_organizations", "clients", "coaching_models",
    "coach_model_associations", "data_items", "data_chunks", NULL};

static const char *const spec_indexes[] = {
    "idx_coaches_company", "idx_clients_org", "idx_clients_coach",
    "idx_coaches_metadata_active", "idx_coaches_metadata_experience", "idx_orgs_metadata_size",
    "idx_orgs_metadata_active", "idx_clients_metadata_department", "idx_clients_metadata_active",
    "idx_data_items_type", "idx_data_items_coach", "idx_data_items_client", "idx_data_items_org",
    "idx_data_items_created_at", "idx_data_items_coach_type", "idx_data_items_org_type",
    "idx_data_chunks_item", "idx_data_chunks_embedding", NULL};

/* First value of a query as a malloc'd string (fails the test on error). */
static char *value(db *d, const char *sql)
{
	char *out = NULL;
	if (db_exec_value(d, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(d));
	return out;
}

/* Asserts the query's first value equals want. */
static void want_value(db *d, const char *sql, const char *want)
{
	char *got = value(d, sql);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got ? got : "(null)", want);
	free(got);
}

/* Fails the test when the server sent a notice (they reach the TUI's status line). */
static void expect_no_notice(db *d, const char *when)
{
	char *n = db_notice_pop(d);
	if (n) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s", n);
		free(n);
		fail_msg("%s: notice '%s'", when, msg);
	}
}

static int compiled_migrations(void)
{
	int n = 0;
	while (rapport_migrations[n].name)
		n++;
	return n;
}

/* Checks each of the spec's tables and named indexes exists. */
static void expect_spec_schema(db *d)
{
	char sql[300];
	for (int i = 0; spec_tables[i]; i++) {
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename='%s'",
		         spec_tables[i]);
		want_value(d, sql, "1");
	}
	for (int i = 0; spec_indexes[i]; i++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_indexes WHERE indexname='%s'",
		         spec_indexes[i]);
		want_value(d, sql, "1");
	}
}

static void test_migrate_empty_then_noop(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_mig_empty");
	int applied = -1;
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	assert_int_equal(applied, compiled_migrations());
	expect_spec_schema(d);
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	assert_int_equal(applied, 0);
	db_migration_state *v = NULL;
	size_t n = 0;
	assert_int_equal(db_migration_status(d, &v, &n), DB_OK);
	assert_int_equal(n, (size_t)compiled_migrations());
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].applied);
		assert_non_null(v[i].applied_at);
	}
	assert_string_equal(v[0].name, "001_schema.sql");
	db_migration_status_free(v, n);
	db_close(d);
	testdb_drop("h2_mig_empty");
}

static void test_status_before_migrate(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_mig_pending");
	db_migration_state *v = NULL;
	size_t n = 0;
	assert_int_equal(db_migration_status(d, &v, &n), DB_OK);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		assert_false(v[i].applied);
		assert_null(v[i].applied_at);
	}
	db_migration_status_free(v, n);
	db_close(d);
	testdb_drop("h2_mig_pending");
}

static void test_spec_columns(void **state)
{
	(void)state;
	db *d = testdb_open("h2_mig_cols");
	/* a sample of exact types, defaults and constraints */
	want_value(d,
	             "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
	             "attrelid='data_chunks'::regclass AND attname='embedding'",
	             "vector(1536)");
	want_value(d,
	             "SELECT confdeltype FROM pg_constraint WHERE conrelid='data_chunks'::regclass "
	             "AND contype='f'",
	             "c");
	/* every spec column with its exact type */
	want_value(d,
	           "SELECT count(*) FROM (VALUES "
	           "('coaching_companies','id','uuid'),('coaching_companies','name','text'),"
	           "('coaching_companies','slug','text'),('coaching_companies','metadata','jsonb'),"
	           "('coaching_companies','created_at','timestamp without time zone'),"
	           "('coaching_companies','updated_at','timestamp without time zone'),"
	           "('coaches','id','uuid'),('coaches','coaching_company_id','uuid'),"
	           "('coaches','email','text'),('coaches','name','text'),('coaches','bio','text'),"
	           "('coaches','metadata','jsonb'),"
	           "('coaches','created_at','timestamp without time zone'),"
	           "('coaches','updated_at','timestamp without time zone'),"
	           "('client_organizations','id','uuid'),('client_organizations','name','text'),"
	           "('client_organizations','slug','text'),('client_organizations','industry','text'),"
	           "('client_organizations','metadata','jsonb'),"
	           "('client_organizations','created_at','timestamp without time zone'),"
	           "('client_organizations','updated_at','timestamp without time zone'),"
	           "('clients','id','uuid'),('clients','client_organization_id','uuid'),"
	           "('clients','primary_coach_id','uuid'),('clients','email','text'),"
	           "('clients','name','text'),('clients','title','text'),"
	           "('clients','metadata','jsonb'),"
	           "('clients','created_at','timestamp without time zone'),"
	           "('clients','updated_at','timestamp without time zone'),"
	           "('coaching_models','id','uuid'),('coaching_models','coaching_company_id','uuid'),"
	           "('coaching_models','name','text'),('coaching_models','slug','text'),"
	           "('coaching_models','description','text'),('coaching_models','content','text'),"
	           "('coaching_models','metadata','jsonb'),"
	           "('coaching_models','created_at','timestamp without time zone'),"
	           "('coaching_models','updated_at','timestamp without time zone'),"
	           "('coach_model_associations','id','uuid'),"
	           "('coach_model_associations','coach_id','uuid'),"
	           "('coach_model_associations','coaching_model_id','uuid'),"
	           "('coach_model_associations','is_primary','boolean'),"
	           "('coach_model_associations','created_at','timestamp without time zone'),"
	           "('data_items','id','uuid'),('data_items','data_type','text'),"
	           "('data_items','coach_id','uuid'),('data_items','client_id','uuid'),"
	           "('data_items','client_organization_id','uuid'),"
	           "('data_items','visibility_level','text'),('data_items','raw_content','text'),"
	           "('data_items','metadata','jsonb'),"
	           "('data_items','created_at','timestamp without time zone'),"
	           "('data_items','updated_at','timestamp without time zone'),"
	           "('data_chunks','id','uuid'),('data_chunks','data_item_id','uuid'),"
	           "('data_chunks','chunk_index','integer'),('data_chunks','content','text'),"
	           "('data_chunks','embedding','vector(1536)'),('data_chunks','metadata','jsonb'),"
	           "('data_chunks','created_at','timestamp without time zone')) v(t, c, ty) "
	           "JOIN pg_attribute a ON a.attrelid = v.t::regclass AND a.attname = v.c "
	           "AND NOT a.attisdropped AND format_type(a.atttypid, a.atttypmod) = v.ty",
	           "61");
	want_value(d,
	             "SELECT column_default FROM information_schema.columns WHERE "
	             "table_name='data_items' AND column_name='visibility_level'",
	             "'private'::text");
	want_value(d,
	             "SELECT string_agg(attrelid::regclass || '.' || attname, ',' ORDER BY attrelid::regclass::text, attname) "
	             "FROM pg_attribute WHERE attnotnull AND attnum > 0 AND attname <> 'id' AND "
	             "attrelid IN ('coaches'::regclass, 'data_items'::regclass)",
	             "coaches.coaching_company_id,coaches.created_at,coaches.email,coaches.name,"
	             "coaches.updated_at,data_items.data_type");
	want_value(d,
	             "SELECT is_nullable FROM information_schema.columns WHERE "
	             "table_name='clients' AND column_name='primary_coach_id'",
	             "YES");
	want_value(d,
	             "SELECT count(*) FROM pg_constraint WHERE conrelid='coaches'::regclass AND "
	             "contype='u'",
	             "1");
	want_value(d, "SELECT amname FROM pg_class c JOIN pg_am a ON a.oid=c.relam "
	                "WHERE relname='idx_data_chunks_embedding'",
	             "hnsw");
	db_close(d);
	testdb_drop("h2_mig_cols");
}

/* The platform's tooling created the spec's schema (IVFFlat and all) with
 * some data before rapport ever ran: migrate adopts it, keeps the data. */
static void test_adopt_existing_schema(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_mig_adopt");
	testdb_exec(d,
	            "CREATE EXTENSION IF NOT EXISTS vector;"
	            "CREATE TABLE coaching_companies (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
	            " name TEXT NOT NULL, slug TEXT NOT NULL UNIQUE, metadata JSONB DEFAULT '{}'::jsonb,"
	            " created_at TIMESTAMP NOT NULL DEFAULT NOW(), updated_at TIMESTAMP NOT NULL DEFAULT NOW());"
	            "CREATE TABLE coaches (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
	            " coaching_company_id UUID NOT NULL REFERENCES coaching_companies(id),"
	            " email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, bio TEXT,"
	            " metadata JSONB DEFAULT '{}'::jsonb, created_at TIMESTAMP NOT NULL DEFAULT NOW(),"
	            " updated_at TIMESTAMP NOT NULL DEFAULT NOW());"
	            "CREATE TABLE data_items (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
	            " data_type TEXT NOT NULL, coach_id UUID REFERENCES coaches(id), client_id UUID,"
	            " client_organization_id UUID, visibility_level TEXT DEFAULT 'private',"
	            " raw_content TEXT, metadata JSONB, created_at TIMESTAMP DEFAULT NOW(),"
	            " updated_at TIMESTAMP DEFAULT NOW());"
	            "CREATE TABLE data_chunks (id UUID PRIMARY KEY DEFAULT gen_random_uuid(),"
	            " data_item_id UUID NOT NULL REFERENCES data_items(id) ON DELETE CASCADE,"
	            " chunk_index INTEGER NOT NULL, content TEXT NOT NULL, embedding vector(1536),"
	            " metadata JSONB, created_at TIMESTAMP DEFAULT NOW(), UNIQUE(data_item_id, chunk_index));"
	            "CREATE INDEX idx_coaches_company ON coaches(coaching_company_id);"
	            "CREATE INDEX idx_data_chunks_embedding ON data_chunks USING ivfflat (embedding vector_cosine_ops);"
	            "INSERT INTO coaching_companies(name, slug) VALUES ('Platform Co', 'platform-co');");
	for (char *n; (n = db_notice_pop(d)); free(n))
		;
	int applied = 0;
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	assert_int_equal(applied, compiled_migrations());
	/* "relation ... already exists, skipping" and the like stay on the server */
	expect_no_notice(d, "migrating an adopted schema");
	expect_spec_schema(d);
	want_value(d, "SELECT name FROM coaching_companies", "Platform Co");
	/* the platform's own vector index is kept, not replaced */
	want_value(d, "SELECT amname FROM pg_class c JOIN pg_am a ON a.oid=c.relam "
	                "WHERE relname='idx_data_chunks_embedding'",
	             "ivfflat");
	/* and rapport's triggers now serve the adopted tables */
	testdb_exec(d, "UPDATE coaching_companies SET metadata='{\"active\":false}'");
	want_value(d, "SELECT count(*) FROM rapport_audit WHERE table_name='coaching_companies' "
	                "AND action='update'",
	             "1");
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	assert_int_equal(applied, 0);
	db_close(d);
	testdb_drop("h2_mig_adopt");
}

/* A database where pgvector is not offered (the test-only setting makes the
 * migration take the same branch as a server without the extension). */
static void test_migrate_without_pgvector(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_mig_novec");
	testdb_exec(d, "ALTER DATABASE t_h2_mig_novec SET rapport.disable_pgvector = 'on'");
	db_close(d);
	d = testdb_connect("h2_mig_novec");
	int applied = 0;
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	want_value(d, "SELECT count(*) FROM pg_extension WHERE extname='vector'", "0");
	want_value(d,
	             "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE "
	             "attrelid='data_chunks'::regclass AND attname='embedding'",
	             "real[]");
	want_value(d, "SELECT count(*) FROM pg_indexes WHERE indexname='idx_data_chunks_embedding'",
	             "0");
	db_close(d);
	testdb_drop("h2_mig_novec");
}

/* A refused migration leaves nothing behind (one transaction each). */
static void test_readonly_migrate_refused(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_mig_ro");
	db_close(d);
	d = testdb_connect_opts("h2_mig_ro", (db_conn_opts){.read_only = true});
	int applied = 7;
	assert_int_equal(db_migrate(d, &applied), DB_READONLY);
	assert_int_equal(applied, 0);
	assert_non_null(strstr(db_errmsg(d), "read-only"));
	db_close(d);
	d = testdb_connect("h2_mig_ro");
	want_value(d, "SELECT count(*) FROM pg_tables WHERE schemaname='public'", "0");
	/* once migrated, a read-only session's migrate is a no-op, not an error */
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	db_close(d);
	d = testdb_connect_opts("h2_mig_ro", (db_conn_opts){.read_only = true});
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	assert_int_equal(applied, 0);
	db_close(d);
	testdb_drop("h2_mig_ro");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_migrate_empty_then_noop),
	    cmocka_unit_test(test_status_before_migrate),
	    cmocka_unit_test(test_spec_columns),
	    cmocka_unit_test(test_adopt_existing_schema),
	    cmocka_unit_test(test_migrate_without_pgvector),
	    cmocka_unit_test(test_readonly_migrate_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
