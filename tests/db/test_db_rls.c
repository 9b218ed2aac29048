/* Row-level security (migration 004): the four visibility levels x creator /
 * item's coach / coach in the same organization / other coach / admin,
 * checked through the data-access module and through raw SQL as each role;
 * chunks follow their item; writes are limited; grant-coach. Real server;
 * the login roles are cluster-wide and reused across runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"

#define CO "00000000-0000-4000-8000-0000000000b1"
#define O1 "00000000-0000-4000-8000-0000000000a1"
#define O2 "00000000-0000-4000-8000-0000000000a2"
#define C_ID "00000000-0000-4000-8000-0000000000c1" /* creator */
#define K_ID "00000000-0000-4000-8000-0000000000c2" /* the items' coach */
#define M_ID "00000000-0000-4000-8000-0000000000c3" /* has a client in O1 */
#define X_ID "00000000-0000-4000-8000-0000000000c4" /* other coach (O2) */
#define K1 "00000000-0000-4000-8000-0000000000e1"
#define C_EMAIL "rls-creator@h2.test"
#define K_EMAIL "rls-coach@h2.test"
#define M_EMAIL "rls-member@h2.test"
#define X_EMAIL "rls-other@h2.test"
#define ADMIN "rls_admin_h2"
#define ITEM(n) "00000000-0000-4000-8000-0000000000f" #n

static db *S; /* superuser */

enum { CREATOR, COACH, MEMBER, OTHER, ADMINR, NROLES };
static const char *const role_names[NROLES] = {C_EMAIL, K_EMAIL, M_EMAIL, X_EMAIL, ADMIN};
/* Visible levels per role, in alphabetical order of level. */
static const char *const expected[NROLES] = {
    "coach_only,org_visible,private,public", /* creator */
    "coach_only,org_visible,public",         /* item's coach */
    "org_visible,public",                    /* coach with a client in the org */
    "public",                                /* other coach */
    "coach_only,org_visible,private,public", /* admin */
};

static int setup(void **state)
{
	(void)state;
	S = testdb_open("h2_rls");
	testdb_exec(S,
	            "INSERT INTO coaching_companies(id, name, slug) VALUES ('" CO "', 'Co', 'co');"
	            "INSERT INTO client_organizations(id, name, slug) VALUES ('" O1 "', 'O1', 'o1'),"
	            " ('" O2 "', 'O2', 'o2');"
	            "INSERT INTO coaches(id, coaching_company_id, email, name) VALUES"
	            " ('" C_ID "', '" CO "', '" C_EMAIL "', 'Creator'),"
	            " ('" K_ID "', '" CO "', '" K_EMAIL "', 'Coach'),"
	            " ('" M_ID "', '" CO "', '" M_EMAIL "', 'Member'),"
	            " ('" X_ID "', '" CO "', '" X_EMAIL "', 'Other');"
	            "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name) VALUES"
	            " ('" K1 "', '" O1 "', '" K_ID "', 'k1@o1.test', 'K1'),"
	            " (gen_random_uuid(), '" O1 "', '" M_ID "', 'm1@o1.test', 'M1'),"
	            " (gen_random_uuid(), '" O2 "', '" X_ID "', 'x1@o2.test', 'X1');"
	            "INSERT INTO data_items(id, data_type, coach_id, client_id, client_organization_id,"
	            " visibility_level, raw_content, metadata) VALUES"
	            " ('" ITEM(1) "', 'transcript', '" K_ID "', '" K1 "', '" O1 "', 'private', 'private text',"
	            "  '{\"created_by_user_id\": \"" C_ID "\"}'),"
	            " ('" ITEM(2) "', 'transcript', '" K_ID "', '" K1 "', '" O1 "', 'coach_only', 'coach text',"
	            "  '{\"created_by_user_id\": \"" C_ID "\"}'),"
	            " ('" ITEM(3) "', 'transcript', '" K_ID "', '" K1 "', '" O1 "', 'org_visible', 'org text',"
	            "  '{\"created_by_user_id\": \"" C_ID "\"}'),"
	            " ('" ITEM(4) "', 'transcript', '" K_ID "', '" K1 "', '" O1 "', 'public', 'public text',"
	            "  '{\"created_by_user_id\": \"" C_ID "\"}');"
	            "INSERT INTO data_chunks(data_item_id, chunk_index, content)"
	            " SELECT id, n, raw_content || ' #' || n FROM data_items, generate_series(0, 1) n;");
	for (int i = 0; i < ADMINR; i++) {
		bool created;
		if (db_grant_coach(S, role_names[i], i == CREATOR ? "s3cret pass" : NULL, &created) != DB_OK)
			fail_msg("grant %s: %s", role_names[i], db_errmsg(S));
	}
	testdb_exec_admin("DO $$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" ADMIN "')"
	                  " THEN CREATE ROLE " ADMIN " LOGIN; END IF; END$$;"
	                  "GRANT rapport_admin TO " ADMIN ";");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(S);
	testdb_drop("h2_rls");
	return 0;
}

static db *as(int role)
{
	return testdb_connect_opts("h2_rls", (db_conn_opts){.user = role_names[role]});
}

/* Number of comma-separated words in s. */
static long long words(const char *s)
{
	long long n = *s ? 1 : 0;
	for (; *s; s++)
		n += *s == ',';
	return n;
}

static void test_matrix_raw_sql(void **state)
{
	(void)state;
	for (int r = 0; r < NROLES; r++) {
		db *d = as(r);
		char *v = NULL, *c = NULL;
		assert_int_equal(db_exec_value(d, "SELECT coalesce(string_agg(visibility_level, ','"
		                                  " ORDER BY visibility_level), '') FROM data_items", &v),
		                 DB_OK);
		if (strcmp(v, expected[r]) != 0)
			fail_msg("%s sees %s, want %s", role_names[r], v, expected[r]);
		/* chunks follow their item, also when asked directly by item id */
		assert_int_equal(db_exec_value(d, "SELECT count(*) FROM data_chunks", &c), DB_OK);
		assert_int_equal(atoll(c), 2 * words(expected[r]));
		free(c);
		assert_int_equal(db_exec_value(d, "SELECT count(*) FROM data_chunks WHERE data_item_id = '"
		                                  ITEM(1) "'", &c),
		                 DB_OK);
		assert_string_equal(c, strstr(expected[r], "private") ? "2" : "0");
		free(c);
		free(v);
		db_close(d);
	}
}

static void test_matrix_module(void **state)
{
	(void)state;
	for (int r = 0; r < NROLES; r++) {
		db *d = as(r);
		db_detail *x = NULL;
		assert_int_equal(db_detail_get(d, DB_CLIENT, K1, &x), DB_OK);
		assert_int_equal(x->nitems_total, words(expected[r]));
		assert_int_equal((long long)x->nitems, words(expected[r]));
		for (size_t i = 0; i < x->nitems; i++) {
			assert_non_null(strstr(expected[r], x->items[i].visibility));
			assert_int_equal(x->items[i].nchunks, 2);
		}
		db_detail_free(x);
		char *text = NULL;
		size_t len;
		db_status st = db_item_content(d, ITEM(1), &text, &len);
		if (r == CREATOR || r == ADMINR) {
			assert_int_equal(st, DB_OK);
			assert_string_equal(text, "private text");
			free(text);
		} else {
			assert_int_equal(st, DB_NOTFOUND);
		}
		db_caps c;
		assert_int_equal(db_caps_get(d, &c), DB_OK);
		assert_true(c.rls_enabled);
		assert_int_equal(c.is_admin, r == ADMINR);
		assert_string_equal(db_user(d), role_names[r]);
		db_close(d);
	}
}

static void test_writes_limited(void **state)
{
	(void)state;
	db *k = as(COACH), *x = as(OTHER), *m = as(MEMBER);
	db_record *rec = NULL;
	assert_int_equal(db_record_get(k, DB_ITEM, ITEM(2), &rec), DB_OK);
	/* the other coach cannot see it, so cannot change it */
	assert_int_equal(db_update_metadata(x, DB_ITEM, ITEM(2), rec->updated_at, "{}", NULL), DB_NOTFOUND);
	/* the member sees the org_visible item but may not change it */
	db_record *r3 = NULL;
	assert_int_equal(db_record_get(m, DB_ITEM, ITEM(3), &r3), DB_OK);
	assert_int_equal(db_update_metadata(m, DB_ITEM, ITEM(3), r3->updated_at, "{}", NULL), DB_DENIED);
	assert_string_equal(db_errmsg(m), M_EMAIL " may not change this data item");
	assert_int_equal(db_record_delete(m, DB_ITEM, ITEM(3), r3->updated_at), DB_DENIED);
	db_record_free(r3);
	/* the item's coach can, and the audit row names them */
	assert_int_equal(db_update_metadata(k, DB_ITEM, ITEM(2), rec->updated_at,
	                                    "{\"created_by_user_id\": \"" C_ID "\", \"title\": \"t\"}", NULL),
	                 DB_OK);
	db_record_free(rec);
	char *actor = NULL;
	assert_int_equal(db_exec_value(S, "SELECT actor FROM rapport_audit WHERE record_id = '" ITEM(2)
	                                  "' ORDER BY id DESC LIMIT 1", &actor),
	                 DB_OK);
	assert_string_equal(actor, K_EMAIL);
	free(actor);
	/* nobody writes an item in another coach's name */
	const char *names[] = {"data_type", "coach_id", "visibility_level"};
	const char *vals[] = {"transcript", K_ID, "public"};
	char id[DB_UUID_LEN];
	assert_int_equal(db_record_insert(m, DB_ITEM, 3, names, vals, "{}", id), DB_DENIED);
	{ /* the server's words once, then who asked */
		const char *msg = db_errmsg(m), *first = strstr(msg, "permission denied");
		if (!first || strstr(first + 1, "permission denied") || !strstr(msg, "(role "))
			fail_msg("refusal worded as '%s'", msg);
	}
	const char *own[] = {"transcript", M_ID, "private"};
	/* a private item without a creator is nobody's: the insert cannot return it */
	assert_int_equal(db_record_insert(m, DB_ITEM, 3, names, own, "{}", id), DB_DENIED);
	if (db_record_insert(m, DB_ITEM, 3, names, own, "{\"created_by_user_id\": \"" M_ID "\"}", id) !=
	    DB_OK)
		fail_msg("own insert: %s", db_errmsg(m));
	/* and the audit table cannot be forged */
	char *v = NULL;
	assert_int_equal(db_exec_value(m, "INSERT INTO rapport_audit(actor, table_name, record_id, action)"
	                                  " VALUES ('" K_EMAIL "', 'coaches', '" K_ID "', 'update')", &v),
	                 DB_DENIED);
	db_close(k);
	db_close(x);
	db_close(m);
}

static void test_grant_coach(void **state)
{
	(void)state;
	bool created = true;
	assert_int_equal(db_grant_coach(S, "nobody@h2.test", NULL, &created), DB_NOTFOUND);
	assert_non_null(strstr(db_errmsg(S), "no coach has the email nobody@h2.test"));
	assert_int_equal(db_grant_coach(S, "not an email", NULL, &created), DB_INVALID);
	assert_int_equal(db_grant_coach(S, K_EMAIL, NULL, &created), DB_OK);
	assert_false(created); /* already there: refreshed */
	char *v = NULL;
	assert_int_equal(db_exec_value(S, "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = '"
	                                  C_EMAIL "'", &v),
	                 DB_OK);
	assert_string_equal(v, "SCRAM-SHA-256$");
	free(v);
	assert_int_equal(db_exec_value(S, "SELECT pg_has_role('" K_EMAIL "', 'rapport_coach', 'member')",
	                               &v),
	                 DB_OK);
	assert_string_equal(v, "t");
	free(v);
	/* a coach cannot create roles */
	db *k = as(COACH);
	assert_int_equal(db_grant_coach(k, X_EMAIL, NULL, &created), DB_DENIED);
	db_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix_raw_sql),
	    cmocka_unit_test(test_matrix_module),
	    cmocka_unit_test(test_writes_limited),
	    cmocka_unit_test(test_grant_coach),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
