/* Demo and scale seeding against a real server (tests/common/testdb): the
 * demo's minimums and metadata conventions, chunks whose offsets round-trip
 * and whose embeddings have the catalog's dimension, determinism across two
 * databases, --replace, the scale loader's exact counts and FK consistency
 * with the schema's indexes intact, the path without pgvector, and the CLI. */
/* cmocka.h needs setjmp.h, stdarg.h and stddef.h first: */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "common/testdb.h"
#include "rapport/cli.h"
#include "rapport/metaschema.h"
#include "rapport/seed.h"

static const char *const tables[] = {
    "coaching_companies",       "coaches",    "client_organizations", "clients", "coaching_models",
    "coach_model_associations", "data_items", "data_chunks",          NULL};

/* First value of a query (malloc'd); fails the test on error. */
static char *value(db *d, const char *sql)
{
	char *out = NULL;
	if (db_exec_value(d, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(d));
	return out;
}

static long long num(db *d, const char *sql)
{
	char *v = value(d, sql);
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

/* Asserts that the query's number is at least min. */
static void at_least(db *d, const char *sql, long long min)
{
	long long n = num(d, sql);
	if (n < min)
		fail_msg("%s: got %lld, want at least %lld", sql, n, min);
}

static void exactly(db *d, const char *sql, long long want)
{
	long long n = num(d, sql);
	if (n != want)
		fail_msg("%s: got %lld, want %lld", sql, n, want);
}

/* Chunk checks shared by demo and scale: offsets round-trip to raw_content,
 * every chunk has an embedding of the catalog dimension, made by hash-v1. */
static void check_chunks(db *d)
{
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	assert_true(caps.embedding_dim > 0);
	exactly(d,
	        "SELECT count(*) FROM data_chunks c JOIN data_items i ON i.id = c.data_item_id "
	        "WHERE c.content IS DISTINCT FROM convert_from(substring(convert_to(i.raw_content, "
	        "'UTF8') FROM (c.metadata->>'start')::int + 1 FOR (c.metadata->>'end')::int - "
	        "(c.metadata->>'start')::int), 'UTF8')",
	        0);
	exactly(d,
	        "SELECT count(*) FROM data_chunks c JOIN data_items i ON i.id = c.data_item_id "
	        "WHERE c.content IS DISTINCT FROM substr(i.raw_content, "
	        "(c.metadata->>'char_start')::int "
	        "+ 1, (c.metadata->>'char_end')::int - (c.metadata->>'char_start')::int)",
	        0);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_chunks WHERE embedding IS NULL OR "
	         "vector_dims(embedding) <> %d",
	         caps.embedding_dim);
	exactly(d, sql, 0);
	exactly(d,
	        "SELECT count(*) FROM data_chunks WHERE metadata->>'embedding_model' IS DISTINCT "
	        "FROM 'hash-v1'",
	        0);
	exactly(d,
	        "SELECT count(*) FROM data_items i WHERE NOT EXISTS (SELECT 1 FROM data_chunks c "
	        "WHERE c.data_item_id = i.id)",
	        0);
	/* chunk_index runs 0..n-1 per item */
	exactly(d,
	        "SELECT count(*) FROM (SELECT data_item_id FROM data_chunks GROUP BY data_item_id "
	        "HAVING max(chunk_index) <> count(*) - 1 OR min(chunk_index) <> 0) x",
	        0);
}

static void check_one_primary(db *d)
{
	exactly(
	    d,
	    "SELECT count(*) FROM coaches c WHERE (SELECT count(*) FROM coach_model_associations a "
	    "WHERE a.coach_id = c.id AND a.is_primary) <> 1",
	    0);
}

/* Every row's metadata passes the built-in metadata schema of its table (the
 * one the form editor enforces): no errors, though unknown keys may exist. */
static void check_metadata_valid(db *d)
{
	for (int i = 0; tables[i]; i++) {
		if (!metaschema_builtin_text(tables[i]))
			continue;
		char sql[160], *err = NULL;
		snprintf(sql, sizeof sql, "SELECT json_agg(metadata ORDER BY id) FROM %s",
		         tables[i]);
		char *all = value(d, sql);
		cJSON *arr = all ? cJSON_Parse(all) : NULL;
		metaschema *ms = metaschema_for_table(tables[i], NULL, &err);
		assert_non_null(arr);
		assert_non_null(ms);
		const cJSON *row;
		cJSON_ArrayForEach(row, arr)
		{
			ms_report *r = metaschema_validate(ms, row, NULL);
			const ms_issue *e = ms_report_first_error(r);
			if (e)
				fail_msg("%s metadata invalid: %s", tables[i], e->text);
			ms_report_free(r);
		}
		metaschema_free(ms);
		cJSON_Delete(arr);
		free(all);
	}
}

static void test_demo_minimums(void **state)
{
	(void)state;
	db *d = testdb_open("h3_seed_demo");
	int empty = 0;
	assert_int_equal(seed_is_empty(d, &empty), DB_OK);
	assert_true(empty);
	seed_stats st = {0};
	assert_int_equal(seed_demo(d, 1, 0, NULL, &st), DB_OK);
	assert_int_equal(seed_is_empty(d, &empty), DB_OK);
	assert_false(empty);
	/* counts reported = counts stored, and the issue's minimums */
	exactly(d, "SELECT count(*) FROM coaching_companies", st.companies);
	exactly(d, "SELECT count(*) FROM coaches", st.coaches);
	exactly(d, "SELECT count(*) FROM client_organizations", st.orgs);
	exactly(d, "SELECT count(*) FROM clients", st.clients);
	exactly(d, "SELECT count(*) FROM coaching_models", st.models);
	exactly(d, "SELECT count(*) FROM data_items", st.items);
	exactly(d, "SELECT count(*) FROM data_chunks", st.chunks);
	at_least(d, "SELECT count(*) FROM coaching_companies", 3);
	exactly(d,
	        "SELECT count(*) FROM coaching_companies WHERE slug = 'insideout-leadership' AND "
	        "name = 'InsideOut Leadership'",
	        1);
	at_least(d, "SELECT count(*) FROM coaches", 12);
	at_least(d, "SELECT count(*) FROM client_organizations", 6);
	at_least(d, "SELECT count(DISTINCT industry) FROM client_organizations", 6);
	/* the spec's example queries find rows */
	at_least(d,
	         "SELECT count(*) FROM client_organizations WHERE industry = 'Technology' AND "
	         "metadata->>'size' = 'enterprise'",
	         1);
	at_least(d, "SELECT count(*) FROM coaching_companies WHERE metadata->>'active' = 'true'",
	         2);
	at_least(
	    d,
	    "SELECT count(*) FROM coaches c JOIN coaching_companies cc ON c.coaching_company_id = "
	    "cc.id WHERE cc.slug = 'insideout-leadership' AND c.metadata->>'active' = 'true'",
	    4);
	at_least(d,
	         "SELECT count(*) FROM data_items di JOIN clients cl ON di.client_id = cl.id WHERE "
	         "di.data_type = 'assessment' AND cl.metadata->>'active' = 'true'",
	         40);
	exactly(d,
	        "SELECT count(DISTINCT metadata->>'size') FROM client_organizations WHERE metadata "
	        "? 'size'",
	        3);
	at_least(d, "SELECT count(*) FROM clients", 60);
	at_least(d, "SELECT count(*) FROM coaching_models WHERE length(content) > 1000", 4);
	at_least(d, "SELECT count(*) FROM data_items WHERE data_type = 'transcript'", 150);
	at_least(d,
	         "SELECT count(*) FROM data_items WHERE data_type = 'assessment' AND raw_content "
	         "LIKE 'DISC%'",
	         60);
	at_least(d,
	         "SELECT count(*) FROM data_items WHERE data_type = 'assessment' AND raw_content "
	         "LIKE '%MBTI%'",
	         10);
	at_least(d,
	         "SELECT count(*) FROM data_items WHERE data_type = 'company_doc' AND raw_content "
	         "LIKE '%OKRs%'",
	         6);
	at_least(d, "SELECT count(*) FROM data_items WHERE data_type = 'coaching_model'", 4);
	check_one_primary(d);
	exactly(d, "SELECT count(DISTINCT visibility_level) FROM data_items", 4);
	exactly(d,
	        "SELECT count(*) FROM data_items WHERE visibility_level NOT IN "
	        "('private','coach_only','org_visible','public')",
	        0);
	/* transcripts: real dialogue, the coach and the client speak by name, 1.5-6 KB, all
	 * distinct */
	exactly(d,
	        "SELECT count(*) FROM data_items WHERE data_type = 'transcript' AND "
	        "octet_length(raw_content) NOT BETWEEN 1500 AND 6000",
	        0);
	exactly(d, "SELECT count(*) - count(DISTINCT md5(raw_content)) FROM data_items", 0);
	exactly(d,
	        "SELECT count(*) FROM data_items i JOIN coaches k ON k.id = i.coach_id JOIN "
	        "clients c ON "
	        "c.id = i.client_id WHERE i.data_type = 'transcript' AND NOT (i.raw_content LIKE "
	        "split_part(k.name, ' ', 1) || ': %' AND i.raw_content LIKE '%' || chr(10) || "
	        "split_part(replace(c.name, 'Dr. ', ''), ' ', 1) || ': %')",
	        0);
	at_least(d,
	         "SELECT count(DISTINCT metadata->>'topic') FROM data_items WHERE data_type = "
	         "'transcript'",
	         12);
	/* the issue's topics each have several sessions, and clients' goals come up */
	static const char *const topics[] = {"delegation",
	                                     "feedback",
	                                     "strategy",
	                                     "burnout",
	                                     "peer_conflict",
	                                     "promotion",
	                                     "managing_up",
	                                     "hiring",
	                                     "remote_teams",
	                                     "board_presentation",
	                                     "imposter",
	                                     "work_life",
	                                     "difficult_conversation",
	                                     NULL};
	for (int i = 0; topics[i]; i++) {
		char sql[200];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM data_items WHERE data_type = 'transcript' AND "
		         "metadata->>'topic' = '%s'",
		         topics[i]);
		at_least(d, sql, 3);
	}
	exactly(d,
	        "SELECT (count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements_text("
	        "c.metadata->'goals') g WHERE strpos(i.raw_content, g) > 0)) * 10 / count(*) >= "
	        "8)::int "
	        "FROM data_items i JOIN clients c ON c.id = i.client_id WHERE i.data_type = "
	        "'transcript' "
	        "AND jsonb_array_length(c.metadata->'goals') > 0",
	        1);
	/* metadata conventions: present, and missing on purpose */
	exactly(d, "SELECT count(*) FROM data_items WHERE NOT metadata ? 'title'", 0);
	exactly(d,
	        "SELECT count(*) FROM data_items WHERE data_type = 'transcript' AND NOT metadata ? "
	        "'session_date'",
	        0);
	exactly(d,
	        "SELECT count(*) FROM data_items WHERE coach_id IS NOT NULL AND "
	        "metadata->>'created_by_user_id' IS DISTINCT FROM coach_id::text",
	        0);
	at_least(d, "SELECT count(*) FROM data_items WHERE NOT metadata ? 'created_by_user_id'", 1);
	at_least(d, "SELECT count(*) FROM coaches WHERE metadata->>'active' = 'false'", 1);
	at_least(d, "SELECT count(*) FROM coaches WHERE NOT metadata ? 'active'", 1);
	at_least(d, "SELECT count(*) FROM coaches WHERE (metadata->>'experience_years')::int >= 10",
	         3);
	at_least(d, "SELECT count(*) FROM coaches WHERE NOT metadata ? 'experience_years'", 1);
	at_least(d, "SELECT count(*) FROM coaches WHERE NOT metadata ? 'certifications'", 1);
	at_least(d,
	         "SELECT count(*) FROM coaches WHERE metadata->'certifications' @> '[\"ICF-PCC\"]'",
	         3);
	at_least(d, "SELECT count(*) FROM coaches WHERE NOT metadata ? 'timezone'", 1);
	at_least(d, "SELECT count(*) FROM coaches WHERE bio IS NULL", 1);
	at_least(
	    d, "SELECT count(*) FROM coaches WHERE metadata->'specializations' @> '[\"C-suite\"]'",
	    1);
	at_least(d, "SELECT count(*) FROM clients WHERE NOT metadata ? 'timezone'", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE NOT metadata ? 'department'", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE NOT metadata ? 'active'", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE metadata->>'active' = 'false'", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE primary_coach_id IS NULL", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE title IS NULL", 1);
	at_least(d, "SELECT count(*) FROM clients WHERE jsonb_array_length(metadata->'goals') = 0",
	         1);
	at_least(d, "SELECT count(*) FROM clients WHERE metadata->>'department' = 'Engineering'",
	         5);
	exactly(d,
	        "SELECT count(*) FROM clients WHERE metadata->>'start_date' !~ "
	        "'^\\d{4}-\\d{2}-\\d{2}$'",
	        0);
	at_least(d,
	         "SELECT count(*) FROM client_organizations WHERE NOT metadata ? 'employee_count'",
	         1);
	at_least(d, "SELECT count(*) FROM client_organizations WHERE metadata->>'active' = 'false'",
	         1);
	at_least(d, "SELECT count(*) FROM coaching_companies WHERE NOT metadata ? 'active'", 1);
	exactly(d,
	        "SELECT count(*) FROM coaching_models WHERE NOT metadata ?& "
	        "array['version','model_type','author','tags']",
	        0);
	check_chunks(d);
	check_metadata_valid(d);
	/* loading twice is refused; --replace gives the same data set again */
	assert_int_equal(seed_demo(d, 1, 0, NULL, NULL), DB_ERROR);
	assert_non_null(strstr(db_errmsg(d), "--replace"));
	char *before =
	    value(d, "SELECT md5(string_agg(md5(raw_content), '' ORDER BY id)) FROM data_items");
	seed_stats again = {0};
	assert_int_equal(seed_demo(d, 1, 1, NULL, &again), DB_OK);
	assert_memory_equal(&st, &again, sizeof st);
	char *after =
	    value(d, "SELECT md5(string_agg(md5(raw_content), '' ORDER BY id)) FROM data_items");
	assert_string_equal(before, after);
	exactly(d, "SELECT count(*) FROM data_chunks", st.chunks);
	exactly(d, "SELECT count(*) FROM rapport_audit", 0);
	free(before);
	free(after);
	db_close(d);
	testdb_drop("h3_seed_demo");
}

/* md5 of every spec table's rows in id order, one line per table (malloc'd). */
static char *dump_md5(db *d)
{
	size_t cap = 4096, len = 0;
	char *out = calloc(1, cap);
	for (int i = 0; tables[i]; i++) {
		char sql[200];
		snprintf(sql, sizeof sql,
		         "SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t.id)), '-') "
		         "FROM %s t",
		         tables[i]);
		char *v = value(d, sql);
		len += (size_t)snprintf(out + len, cap - len, "%s %s\n", tables[i], v ? v : "");
		free(v);
	}
	return out;
}

static void test_demo_deterministic(void **state)
{
	(void)state;
	db *a = testdb_open("h3_seed_det_a");
	db *b = testdb_open("h3_seed_det_b");
	assert_int_equal(seed_demo(a, 1, 0, NULL, NULL), DB_OK);
	assert_int_equal(seed_demo(b, 1, 0, NULL, NULL), DB_OK);
	char *da = dump_md5(a), *db_ = dump_md5(b);
	assert_string_equal(da, db_);
	/* another seed composes different transcripts under the same ids */
	assert_int_equal(seed_demo(b, 2, 1, NULL, NULL), DB_OK);
	char *other = dump_md5(b);
	assert_string_not_equal(da, other);
	exactly(b, "SELECT count(*) FROM coaching_companies WHERE slug = 'insideout-leadership'",
	        1);
	check_one_primary(b);
	free(da);
	free(db_);
	free(other);
	db_close(a);
	db_close(b);
	testdb_drop("h3_seed_det_a");
	testdb_drop("h3_seed_det_b");
}

static const char index_sql[] = "SELECT md5(string_agg(indexname || ' ' || indexdef, E'\\n' ORDER "
                                "BY indexname)) FROM pg_indexes "
                                "WHERE schemaname = 'public'";

static void test_scale_counts(void **state)
{
	(void)state;
	db *d = testdb_open("h3_seed_scale");
	char *ix_before = value(d, index_sql);
	seed_stats st = {0};
	assert_int_equal(seed_scale(d, 5000, 2000, 7, NULL, &st), DB_OK);
	assert_int_equal(st.clients, 5000);
	assert_int_equal(st.companies, 1);
	assert_int_equal(st.coaches, 200);
	assert_int_equal(st.orgs, 25);
	assert_int_equal(st.chunks, 2000);
	exactly(d, "SELECT count(*) FROM clients", 5000);
	exactly(d, "SELECT count(*) FROM coaching_companies", 1);
	exactly(d, "SELECT count(*) FROM coaches", 200);
	exactly(d, "SELECT count(*) FROM client_organizations", 25);
	exactly(d, "SELECT count(*) FROM coaching_models", 4);
	exactly(d, "SELECT count(*) FROM data_chunks", 2000);
	exactly(d, "SELECT count(*) FROM data_items", st.items);
	assert_true(st.items >= 2000 / 7 && st.items <= 2000);
	/* FK-consistent and coherent: item owners match the client's coach and org */
	exactly(d, "SELECT count(*) FROM clients WHERE primary_coach_id IS NULL", 0);
	exactly(d,
	        "SELECT count(*) FROM data_items i JOIN clients c ON c.id = i.client_id WHERE "
	        "i.coach_id IS DISTINCT FROM c.primary_coach_id OR i.client_organization_id IS "
	        "DISTINCT "
	        "FROM c.client_organization_id",
	        0);
	exactly(d, "SELECT count(*) FROM data_items WHERE client_id IS NULL", 0);
	exactly(d, "SELECT count(DISTINCT email) FROM clients", 5000);
	exactly(d, "SELECT count(DISTINCT visibility_level) FROM data_items", 4);
	check_one_primary(d);
	check_chunks(d);
	check_metadata_valid(d);
	/* text search finds generated dialogue */
	at_least(d,
	         "SELECT count(*) FROM data_chunks WHERE content_tsv @@ "
	         "websearch_to_tsquery('english', 'delegate feedback')",
	         1);
	/* the empty-schema fast path restored every index */
	char *ix_after = value(d, index_sql);
	assert_string_equal(ix_before, ix_after);
	/* the same seed twice is refused; another seed adds to non-empty tables */
	assert_int_equal(seed_scale(d, 100, 10, 7, NULL, NULL), DB_ERROR);
	assert_int_equal(seed_scale(d, 400, 30, 8, NULL, &st), DB_OK);
	exactly(d, "SELECT count(*) FROM clients", 5400);
	exactly(d, "SELECT count(*) FROM data_chunks", 2030);
	check_chunks(d);
	char *ix_end = value(d, index_sql);
	assert_string_equal(ix_before, ix_end);
	free(ix_before);
	free(ix_after);
	free(ix_end);
	db_close(d);
	testdb_drop("h3_seed_scale");
}

static void test_scale_deterministic(void **state)
{
	(void)state;
	db *a = testdb_open("h3_seed_sdet_a");
	db *b = testdb_open("h3_seed_sdet_b");
	/* one database starts with the demo (indexes in place), the other empty */
	assert_int_equal(seed_demo(b, 1, 0, NULL, NULL), DB_OK);
	assert_int_equal(seed_scale(a, 1000, 300, 3, NULL, NULL), DB_OK);
	assert_int_equal(seed_scale(b, 1000, 300, 3, NULL, NULL), DB_OK);
	const char *q[] = {"SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) FROM clients t "
	                   "WHERE email LIKE '%-3-%'",
	                   "SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) FROM data_chunks "
	                   "t JOIN data_items i ON i.id = t.data_item_id JOIN clients c ON c.id = "
	                   "i.client_id WHERE c.email LIKE '%-3-%'",
	                   NULL};
	for (int i = 0; q[i]; i++) {
		char *va = value(a, q[i]), *vb = value(b, q[i]);
		assert_non_null(va);
		assert_string_equal(va, vb);
		free(va);
		free(vb);
	}
	db_close(a);
	db_close(b);
	testdb_drop("h3_seed_sdet_a");
	testdb_drop("h3_seed_sdet_b");
}

/* The tables' owner without superuser (as on managed services): indexes are
 * rebuilt but foreign-key and audit triggers stay on; a role that only may
 * insert is refused in one line because row-level security forbids COPY. */
static void test_scale_owner_role(void **state)
{
	(void)state;
	testdb_exec_admin(
	    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
	    "'h3_seed_owner') THEN CREATE ROLE h3_seed_owner LOGIN; END IF; IF NOT EXISTS "
	    "(SELECT 1 FROM pg_roles WHERE rolname = 'h3_seed_writer') THEN CREATE ROLE "
	    "h3_seed_writer LOGIN; END IF; END $$;");
	db *d = testdb_open("h3_seed_role");
	testdb_exec(
	    d,
	    "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO h3_seed_writer, h3_seed_owner");
	testdb_exec(
	    d, "ALTER DATABASE t_h3_seed_role OWNER TO h3_seed_owner; GRANT CREATE ON SCHEMA "
	       "public TO h3_seed_owner; ALTER TABLE coaching_companies OWNER TO h3_seed_owner; "
	       "ALTER TABLE coaches OWNER "
	       "TO h3_seed_owner; ALTER TABLE client_organizations OWNER TO h3_seed_owner; ALTER "
	       "TABLE clients OWNER TO h3_seed_owner; ALTER TABLE coaching_models OWNER TO "
	       "h3_seed_owner; ALTER TABLE coach_model_associations OWNER TO h3_seed_owner; ALTER "
	       "TABLE data_items OWNER TO h3_seed_owner; ALTER TABLE data_chunks OWNER TO "
	       "h3_seed_owner");
	char *ix_before = value(d, index_sql);
	db *w = testdb_connect_opts("h3_seed_role", (db_conn_opts){.user = "h3_seed_writer"});
	assert_int_equal(seed_scale(w, 100, 10, 21, NULL, NULL), DB_DENIED);
	assert_non_null(strstr(db_errmsg(w), "row-level security"));
	assert_int_equal(seed_demo(w, 1, 0, NULL, NULL), DB_DENIED);
	db_close(w);
	exactly(d, "SELECT count(*) FROM clients", 0);
	db *o = testdb_connect_opts("h3_seed_role", (db_conn_opts){.user = "h3_seed_owner"});
	seed_stats st = {0};
	if (seed_scale(o, 1500, 120, 21, NULL, &st) != DB_OK)
		fail_msg("seed_scale as the owner: %s", db_errmsg(o));
	exactly(d, "SELECT count(*) FROM clients", 1500);
	exactly(d, "SELECT count(*) FROM data_chunks", 120);
	exactly(d, "SELECT count(*) FROM data_items", st.items);
	check_one_primary(d);
	check_chunks(d);
	char *ix_after = value(d, index_sql);
	assert_string_equal(ix_before, ix_after);
	exactly(d, "SELECT count(*) FROM rapport_audit", 0);
	free(ix_before);
	free(ix_after);
	db_close(o);
	db_close(d);
	testdb_drop("h3_seed_role");
}

static void test_no_pgvector(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h3_seed_novec");
	testdb_exec(d, "ALTER DATABASE t_h3_seed_novec SET rapport.disable_pgvector = 'on'");
	db_close(d);
	d = testdb_connect("h3_seed_novec");
	assert_int_equal(db_migrate(d, NULL), DB_OK);
	seed_stats st = {0};
	assert_int_equal(seed_demo(d, 1, 0, NULL, &st), DB_OK);
	assert_true(st.chunks > 0);
	exactly(d, "SELECT count(*) FROM data_chunks WHERE embedding IS NOT NULL", 0);
	exactly(d, "SELECT count(*) FROM data_chunks", st.chunks);
	assert_int_equal(seed_scale(d, 300, 40, 5, NULL, &st), DB_OK);
	exactly(d, "SELECT count(*) FROM data_chunks WHERE embedding IS NOT NULL", 0);
	db_close(d);
	testdb_drop("h3_seed_novec");
}

static void test_no_schema(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h3_seed_noschema");
	assert_int_equal(seed_demo(d, 1, 0, NULL, NULL), DB_NOSCHEMA);
	assert_non_null(strstr(db_errmsg(d), "rapport db migrate"));
	assert_int_equal(seed_scale(d, 10, 0, 1, NULL, NULL), DB_NOSCHEMA);
	db_close(d);
	testdb_drop("h3_seed_noschema");
}

static int run_cli(const char *conninfo, int argc, const char **argv)
{
	rapport_globals g = {0};
	g.conn.dbname = conninfo;
	return cli_db_seed(&g, argc, (char **)argv);
}

static void test_cli(void **state)
{
	(void)state;
	db *d = testdb_open("h3_seed_cli");
	char *ci = testdb_conninfo("h3_seed_cli");
	const char *help[] = {"seed", "--help"};
	assert_int_equal(run_cli(ci, 2, help), EXIT_OK);
	const char *none[] = {"seed"};
	assert_int_equal(run_cli(ci, 1, none), EXIT_USAGE);
	const char *both[] = {"seed", "--demo", "--scale", "10"};
	assert_int_equal(run_cli(ci, 4, both), EXIT_USAGE);
	const char *bad[] = {"seed", "--scale", "many"};
	assert_int_equal(run_cli(ci, 3, bad), EXIT_USAGE);
	const char *unknown[] = {"seed", "--demo", "--frobnicate"};
	assert_int_equal(run_cli(ci, 3, unknown), EXIT_USAGE);
	const char *scale[] = {"seed", "--scale=2k", "--chunks", "100", "--seed", "11"};
	assert_int_equal(run_cli(ci, 6, scale), EXIT_OK);
	exactly(d, "SELECT count(*) FROM clients", 2000);
	exactly(d, "SELECT count(*) FROM data_chunks", 100);
	const char *demo[] = {"seed", "--demo"};
	assert_int_equal(run_cli(ci, 2, demo), EXIT_OK);
	assert_int_equal(run_cli(ci, 2, demo), EXIT_FAIL); /* already loaded */
	const char *replace[] = {"seed", "--demo", "--replace", "--seed", "4"};
	assert_int_equal(run_cli(ci, 5, replace), EXIT_OK);
	at_least(d, "SELECT count(*) FROM clients", 2060);
	free(ci);
	db_close(d);
	testdb_drop("h3_seed_cli");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_demo_minimums),    cmocka_unit_test(test_demo_deterministic),
	    cmocka_unit_test(test_scale_counts),     cmocka_unit_test(test_scale_deterministic),
	    cmocka_unit_test(test_scale_owner_role), cmocka_unit_test(test_no_pgvector),
	    cmocka_unit_test(test_no_schema),        cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
