/* Records: get/find, optimistic concurrency across two connections,
 * constraint messages in words, insert/delete/impact, associations (one
 * primary), the audit trail in the same transaction, and the detail in one
 * round trip. Real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "common/testdb.h"

#define COMPANY "00000000-0000-4000-8000-0000000000b1"
#define COACH "00000000-0000-4000-8000-0000000000c1"
#define COACH2 "00000000-0000-4000-8000-0000000000c2"
#define ORG "00000000-0000-4000-8000-0000000000a1"
#define CLIENT "00000000-0000-4000-8000-0000000000e1"
#define CLIENT2 "00000000-0000-4000-8000-0000000000e2"
#define MODEL1 "00000000-0000-4000-8000-0000000000d1"
#define MODEL2 "00000000-0000-4000-8000-0000000000d2"
#define ITEM "00000000-0000-4000-8000-0000000000f1"
#define MISSING "00000000-0000-4000-8000-00000000ffff"

static db *D;

static int setup(void **state)
{
	(void)state;
	D = testdb_open("h2_record");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(D);
	testdb_drop("h2_record");
	return 0;
}

/* Fresh data for each test. */
static int reset(void **state)
{
	(void)state;
	testdb_exec(D,
	            "TRUNCATE coaching_companies, coaches, client_organizations, clients, coaching_models,"
	            " coach_model_associations, data_items, data_chunks, rapport_audit CASCADE;"
	            "INSERT INTO coaching_companies(id, name, slug) VALUES ('" COMPANY "', 'Acme', 'acme');"
	            "INSERT INTO coaches(id, coaching_company_id, email, name, bio, metadata) VALUES"
	            " ('" COACH "', '" COMPANY "', 'ana@acme.test', 'Ana', 'bio',"
	            "  '{\"experience_years\": 12, \"timezone\": \"Europe/Paris\"}'),"
	            " ('" COACH2 "', '" COMPANY "', 'bo@acme.test', 'Bo', NULL, NULL);"
	            "INSERT INTO client_organizations(id, name, slug) VALUES ('" ORG "', 'Org', 'org');"
	            "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name, title)"
	            " VALUES ('" CLIENT "', '" ORG "', '" COACH "', 'cy@org.test', 'Cy', 'CTO'),"
	            " ('" CLIENT2 "', '" ORG "', '" COACH "', 'di@org.test', 'Di', NULL);"
	            "INSERT INTO coaching_models(id, coaching_company_id, name, slug, content) VALUES"
	            " ('" MODEL1 "', '" COMPANY "', 'GROW', 'grow', 'content'),"
	            " ('" MODEL2 "', '" COMPANY "', 'Adaptive', 'adaptive', 'content');"
	            "INSERT INTO data_items(id, data_type, coach_id, client_id, client_organization_id,"
	            " visibility_level, raw_content, metadata) VALUES ('" ITEM "', 'transcript', '" COACH "',"
	            " '" CLIENT "', '" ORG "', 'coach_only', E'Session one\\nCoach: hello', '{}');"
	            "INSERT INTO data_items(data_type, coach_id, client_id, raw_content, created_at)"
	            " SELECT 'assessment', '" COACH "', '" CLIENT "', 'DISC ' || i, now() - i * interval '1 day'"
	            " FROM generate_series(1, 3) i;"
	            "INSERT INTO data_chunks(data_item_id, chunk_index, content) VALUES"
	            " ('" ITEM "', 0, 'Session one'), ('" ITEM "', 1, 'Coach: hello');"
	            "TRUNCATE rapport_audit;");
	return 0;
}

static char *value(const char *sql)
{
	char *out = NULL;
	if (db_exec_value(D, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(D));
	return out;
}

static void want(const char *sql, const char *expect)
{
	char *got = value(sql);
	if (!got || strcmp(got, expect) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got ? got : "(null)", expect);
	free(got);
}

static void test_get_and_find(void **state)
{
	(void)state;
	db_record *r = NULL;
	assert_int_equal(db_record_get(D, DB_COACH, COACH, &r), DB_OK);
	assert_string_equal(r->id, COACH);
	assert_string_equal(db_record_field(r, "email"), "ana@acme.test");
	assert_string_equal(db_record_field(r, "coaching_company_id"), COMPANY);
	assert_null(db_record_field(r, "nope"));
	assert_int_equal(r->nfields, 4);
	assert_string_equal(r->fields[0].name, "coaching_company_id");
	assert_non_null(strstr(r->metadata, "\"experience_years\": 12"));
	assert_false(r->metadata_null);
	assert_true(strlen(r->updated_at) >= 19);
	db_record_free(r);
	assert_int_equal(db_record_find(D, DB_COACH, "bo@acme.test", &r), DB_OK);
	assert_string_equal(r->metadata, "{}");
	assert_true(r->metadata_null);
	assert_null(db_record_field(r, "bio"));
	db_record_free(r);
	assert_int_equal(db_record_find(D, DB_COMPANY, "acme", &r), DB_OK);
	assert_string_equal(db_record_field(r, "name"), "Acme");
	db_record_free(r);
	assert_int_equal(db_record_find(D, DB_MODEL, MODEL1, &r), DB_OK);
	db_record_free(r);
	assert_int_equal(db_record_find(D, DB_CLIENT, "nobody@org.test", &r), DB_NOTFOUND);
	assert_null(r);
	assert_int_equal(db_record_get(D, DB_CLIENT, MISSING, &r), DB_NOTFOUND);
	assert_int_equal(db_record_get(D, DB_CLIENT, "x'; DROP TABLE clients; --", &r), DB_INVALID);
	assert_int_equal(db_record_find(D, DB_ITEM, "slug", &r), DB_INVALID);
}

static void test_update_metadata_tokens(void **state)
{
	(void)state;
	db_record *r = NULL;
	char t1[DB_TS_LEN], t2[DB_TS_LEN];
	assert_int_equal(db_record_get(D, DB_CLIENT, CLIENT, &r), DB_OK);
	assert_int_equal(db_update_metadata(D, DB_CLIENT, CLIENT, r->updated_at,
	                                    "{\"department\": \"Product\"}", t1),
	                 DB_OK);
	assert_string_not_equal(t1, r->updated_at);
	/* two saves in a row (same second): different tokens */
	assert_int_equal(db_update_metadata(D, DB_CLIENT, CLIENT, t1, "{\"department\": \"Sales\"}", t2),
	                 DB_OK);
	assert_string_not_equal(t1, t2);
	/* the old token no longer matches */
	assert_int_equal(db_update_metadata(D, DB_CLIENT, CLIENT, r->updated_at, "{}", NULL),
	                 DB_CONFLICT);
	assert_non_null(strstr(db_errmsg(D), "changed by someone else"));
	want("SELECT metadata->>'department' FROM clients WHERE id = '" CLIENT "'", "Sales");
	/* bad JSON: refused, nothing written */
	assert_int_equal(db_update_metadata(D, DB_CLIENT, CLIENT, t2, "{not json", NULL), DB_INVALID);
	assert_int_equal(db_update_metadata(D, DB_CLIENT, MISSING, t2, "{}", NULL), DB_NOTFOUND);
	db_record_free(r);
}

/* Two connections load the same record; the second save is a conflict and
 * the first save's data stands. */
static void test_two_connection_conflict(void **state)
{
	(void)state;
	db *b = testdb_connect("h2_record");
	db_record *ra = NULL, *rb = NULL;
	assert_int_equal(db_record_get(D, DB_COACH, COACH, &ra), DB_OK);
	assert_int_equal(db_record_get(b, DB_COACH, COACH, &rb), DB_OK);
	assert_string_equal(ra->updated_at, rb->updated_at);
	assert_int_equal(db_update_metadata(D, DB_COACH, COACH, ra->updated_at, "{\"who\": \"A\"}", NULL),
	                 DB_OK);
	const char *names[] = {"bio"}, *vals[] = {"B's bio"};
	assert_int_equal(db_update_fields(b, DB_COACH, COACH, rb->updated_at, 1, names, vals, NULL),
	                 DB_CONFLICT);
	assert_int_equal(db_update_metadata(b, DB_COACH, COACH, rb->updated_at, "{\"who\": \"B\"}", NULL),
	                 DB_CONFLICT);
	want("SELECT metadata->>'who' || '/' || bio FROM coaches WHERE id = '" COACH "'", "A/bio");
	/* B reloads and saves: fine */
	db_record_free(rb);
	assert_int_equal(db_record_get(b, DB_COACH, COACH, &rb), DB_OK);
	assert_int_equal(db_update_fields(b, DB_COACH, COACH, rb->updated_at, 1, names, vals, NULL),
	                 DB_OK);
	want("SELECT bio FROM coaches WHERE id = '" COACH "'", "B's bio");
	db_record_free(ra);
	db_record_free(rb);
	db_close(b);
}

typedef struct blocked_save {
	db *d;
	char token[DB_TS_LEN];
	db_status st;
} blocked_save;

/* Thread body: a save that waits on another session's row lock. */
static void *save_thread(void *arg)
{
	blocked_save *b = arg;
	b->st = db_update_metadata(b->d, DB_COACH, COACH, b->token, "{\"who\": \"B\"}", NULL);
	return NULL;
}

/* B's save waits for A's open transaction on the row; A commits first: B
 * gets DB_CONFLICT (never "denied"), and A's data stands. */
static void test_conflict_after_lock_wait(void **state)
{
	(void)state;
	db *a = testdb_connect("h2_record");
	blocked_save b = {.d = testdb_connect("h2_record")};
	db_record *r = NULL;
	assert_int_equal(db_record_get(b.d, DB_COACH, COACH, &r), DB_OK);
	snprintf(b.token, sizeof b.token, "%s", r->updated_at);
	db_record_free(r);
	testdb_exec(a, "BEGIN; UPDATE coaches SET metadata = '{\"who\": \"A\"}' WHERE id = '" COACH "'");
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, save_thread, &b), 0);
	/* wait until B is blocked on A's row lock (poll the server, no sleep) */
	char *waiting = NULL;
	for (int i = 0; i < 1000000; i++) {
		free(waiting);
		waiting = value("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
		                " AND wait_event_type = 'Lock'");
		if (strcmp(waiting, "1") == 0)
			break;
	}
	assert_string_equal(waiting, "1");
	free(waiting);
	testdb_exec(a, "COMMIT");
	pthread_join(t, NULL);
	assert_int_equal(b.st, DB_CONFLICT);
	want("SELECT metadata->>'who' FROM coaches WHERE id = '" COACH "'", "A");
	db_close(a);
	db_close(b.d);
}

static void test_update_fields_and_constraints(void **state)
{
	(void)state;
	db_record *r = NULL;
	char tok[DB_TS_LEN];
	assert_int_equal(db_record_get(D, DB_CLIENT, CLIENT2, &r), DB_OK);
	snprintf(tok, sizeof tok, "%s", r->updated_at);
	db_record_free(r);
	const char *bad[] = {"metadata"}, *v1[] = {"x"};
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 1, bad, v1, NULL), DB_INVALID);
	const char *inj[] = {"name = 'x', email"};
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 1, inj, v1, NULL), DB_INVALID);
	assert_non_null(strstr(db_errmsg(D), "no editable column"));
	const char *email[] = {"email"}, *dup[] = {"cy@org.test"};
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 1, email, dup, NULL), DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "email cy@org.test is already used by another client");
	const char *name[] = {"name"}, *null[] = {NULL};
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 1, name, null, NULL), DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "name is required for a client");
	const char *coach[] = {"primary_coach_id"}, *missing[] = {MISSING};
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 1, coach, missing, NULL),
	                 DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "primary_coach_id: the chosen coach does not exist");
	/* move the client to the other coach, and set two columns at once */
	const char *two[] = {"primary_coach_id", "title"}, *tv[] = {COACH2, "VP"};
	char tok2[DB_TS_LEN];
	assert_int_equal(db_update_fields(D, DB_CLIENT, CLIENT2, tok, 2, two, tv, tok2), DB_OK);
	want("SELECT primary_coach_id || ' ' || title FROM clients WHERE id = '" CLIENT2 "'",
	     COACH2 " VP");
	const char *slug[] = {"slug"}, *sv[] = {"grow"};
	assert_int_equal(db_record_get(D, DB_MODEL, MODEL2, &r), DB_OK);
	assert_int_equal(db_update_fields(D, DB_MODEL, MODEL2, r->updated_at, 1, slug, sv, NULL),
	                 DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "slug grow is already used by another coaching model");
	db_record_free(r);
}

static void test_insert_delete_impact(void **state)
{
	(void)state;
	char id[DB_UUID_LEN] = "";
	const char *names[] = {"coaching_company_id", "email", "name"};
	const char *vals[] = {COMPANY, "new@acme.test", "Newton"};
	assert_int_equal(db_record_insert(D, DB_COACH, 3, names, vals, "{\"active\": true}", id), DB_OK);
	assert_true(db_is_uuid(id));
	const char *dupv[] = {COMPANY, "ana@acme.test", "Ana 2"};
	assert_int_equal(db_record_insert(D, DB_COACH, 3, names, dupv, NULL, NULL), DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "email ana@acme.test is already used by another coach");
	const char *nm[] = {"coaching_company_id", "email"};
	assert_int_equal(db_record_insert(D, DB_COACH, 2, nm, vals, NULL, NULL), DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "name is required for a coach");
	const char *bogus[] = {"coaching_company_id", "email", "name", "is_admin"};
	assert_int_equal(db_record_insert(D, DB_COACH, 4, bogus, vals, NULL, NULL), DB_INVALID);
	/* client-generated id */
	const char *withid[] = {"id", "name", "slug"};
	const char *wv[] = {"00000000-0000-4000-8000-000000000777", "Gamma", "gamma"};
	assert_int_equal(db_record_insert(D, DB_COMPANY, 3, withid, wv, NULL, id), DB_OK);
	assert_string_equal(id, wv[0]);

	long long items, chunks, children;
	assert_int_equal(db_delete_impact(D, DB_COACH, COACH, &items, &chunks, &children), DB_OK);
	assert_int_equal(items, 4);
	assert_int_equal(chunks, 2);
	assert_int_equal(children, 2);
	/* a coach with clients cannot go: words, and nothing deleted */
	assert_int_equal(db_record_delete(D, DB_COACH, COACH, NULL), DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "cannot delete this coach: clients still refer to it "
	                                  "(move or delete them first)");
	want("SELECT count(*) FROM data_items", "4");
	/* a client goes with its data items and their chunks */
	assert_int_equal(db_delete_impact(D, DB_CLIENT, CLIENT, &items, &chunks, &children), DB_OK);
	assert_int_equal(items, 4);
	assert_int_equal(chunks, 2);
	db_record *r = NULL;
	assert_int_equal(db_record_get(D, DB_CLIENT, CLIENT, &r), DB_OK);
	assert_int_equal(db_record_delete(D, DB_CLIENT, CLIENT, "2001-01-01 00:00:00"), DB_CONFLICT);
	assert_int_equal(db_record_delete(D, DB_CLIENT, CLIENT, r->updated_at), DB_OK);
	assert_int_equal(db_record_delete(D, DB_CLIENT, CLIENT, r->updated_at), DB_NOTFOUND);
	db_record_free(r);
	want("SELECT count(*) || '/' || (SELECT count(*) FROM data_chunks) FROM data_items", "0/0");
	/* the coach's associations go with the coach */
	assert_int_equal(db_assoc_set(D, COACH2, MODEL1, true), DB_OK);
	assert_int_equal(db_record_delete(D, DB_COACH, COACH2, NULL), DB_OK);
	want("SELECT count(*) FROM coach_model_associations", "0");
}

static void test_assoc_one_primary(void **state)
{
	(void)state;
	assert_int_equal(db_assoc_set(D, COACH, MODEL1, true), DB_OK);
	assert_int_equal(db_assoc_set(D, COACH, MODEL2, false), DB_OK);
	want("SELECT string_agg(coaching_model_id || ':' || is_primary, ',' ORDER BY coaching_model_id)"
	     " FROM coach_model_associations WHERE coach_id = '" COACH "'",
	     MODEL1 ":true," MODEL2 ":false");
	assert_int_equal(db_assoc_set(D, COACH, MODEL2, true), DB_OK);
	want("SELECT string_agg(coaching_model_id || ':' || is_primary, ',' ORDER BY coaching_model_id)"
	     " FROM coach_model_associations WHERE coach_id = '" COACH "'",
	     MODEL1 ":false," MODEL2 ":true");
	/* the rule holds for raw SQL too */
	char *err = NULL;
	assert_int_equal(db_exec_value(D, "UPDATE coach_model_associations SET is_primary = true", &err),
	                 DB_CONSTRAINT);
	assert_string_equal(db_errmsg(D), "this coach already has a primary coaching model");
	assert_int_equal(db_assoc_set(D, COACH, MISSING, false), DB_CONSTRAINT);
	assert_int_equal(db_assoc_remove(D, COACH, MODEL2), DB_OK);
	assert_int_equal(db_assoc_remove(D, COACH, MODEL2), DB_NOTFOUND);
	want("SELECT count(*) FROM coach_model_associations", "1");
	/* deleting the model takes its associations along */
	assert_int_equal(db_record_delete(D, DB_MODEL, MODEL1, NULL), DB_OK);
	want("SELECT count(*) FROM coach_model_associations", "0");
}

static void test_audit_same_transaction(void **state)
{
	(void)state;
	db_record *r = NULL;
	assert_int_equal(db_record_get(D, DB_COACH, COACH, &r), DB_OK);
	assert_int_equal(db_update_metadata(D, DB_COACH, COACH, r->updated_at,
	                                    "{\"experience_years\": 13, \"timezone\": \"Europe/Paris\"}",
	                                    NULL),
	                 DB_OK);
	db_record_free(r);
	db_audit_entry *h = NULL;
	size_t n = 0;
	assert_int_equal(db_history(D, DB_COACH, COACH, &h, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].action, "update");
	assert_string_equal(h[0].actor, db_user(D));
	/* only the changed key, before and after */
	assert_string_equal(h[0].before, "{\"metadata\": {\"timezone\": \"Europe/Paris\", \"experience_years\": 12}}");
	assert_string_equal(h[0].after, "{\"metadata\": {\"timezone\": \"Europe/Paris\", \"experience_years\": 13}}");
	db_history_free(h, n);
	/* a write by raw SQL (psql) is recorded too; a rolled-back one is not */
	testdb_exec(D, "UPDATE coaches SET name = 'Ana B' WHERE id = '" COACH "'");
	testdb_exec(D, "BEGIN; UPDATE coaches SET name = 'Ghost' WHERE id = '" COACH "'; ROLLBACK;");
	testdb_exec(D, "DELETE FROM coach_model_associations; INSERT INTO coach_model_associations"
	               " (coach_id, coaching_model_id) VALUES ('" COACH "', '" MODEL1 "')");
	assert_int_equal(db_history(D, DB_COACH, COACH, &h, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].after, "{\"name\": \"Ana B\"}");
	assert_string_equal(h[0].before, "{\"name\": \"Ana\"}");
	db_history_free(h, n);
	want("SELECT count(*) FROM rapport_audit WHERE after::text LIKE '%Ghost%'", "0");
	/* an update that changes nothing is not an audit entry */
	testdb_exec(D, "UPDATE coaches SET name = name WHERE id = '" COACH "'");
	want("SELECT count(*) FROM rapport_audit WHERE table_name = 'coaches'", "2");
	/* insert and delete carry the whole row */
	db_record *c = NULL;
	assert_int_equal(db_record_get(D, DB_CLIENT, CLIENT2, &c), DB_OK);
	assert_int_equal(db_record_delete(D, DB_CLIENT, CLIENT2, c->updated_at), DB_OK);
	db_record_free(c);
	assert_int_equal(db_history(D, DB_CLIENT, CLIENT2, &h, &n), DB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(h[0].action, "delete");
	assert_null(h[0].after);
	assert_non_null(strstr(h[0].before, "\"email\": \"di@org.test\""));
	db_history_free(h, n);
}

/* A data item's raw_content is audited as its length and SHA-256, not
 * copied: a 1 MB transcript leaves a small audit row. */
static void test_audit_content_digest(void **state)
{
	(void)state;
	size_t len = 1024 * 1024;
	char *big = malloc(len + 1);
	assert_non_null(big);
	for (size_t i = 0; i < len; i++)
		big[i] = i % 61 == 60 ? '\n' : (char)('a' + i % 26);
	big[len] = '\0';
	const char *names[] = {"data_type", "coach_id", "raw_content"};
	const char *vals[] = {"transcript", COACH, big};
	char id[DB_UUID_LEN], sql[600];
	assert_int_equal(db_record_insert(D, DB_ITEM, 3, names, vals, "{\"title\": \"long\"}", id), DB_OK);
	free(big);
	snprintf(sql, sizeof sql,
	         "SELECT pg_column_size(after) < 2048 FROM rapport_audit WHERE record_id = '%s'"
	         " AND action = 'insert'",
	         id);
	want(sql, "t"); /* the audit row is small */
	snprintf(sql, sizeof sql,
	         "SELECT concat_ws(' ', after->'raw_content'->>'length', after->>'data_type',"
	         " after->'metadata'->>'title', (after->'raw_content'->>'sha256') = (SELECT"
	         " encode(sha256(convert_to(raw_content, 'UTF8')), 'hex') FROM data_items WHERE"
	         " id = '%s')) FROM rapport_audit WHERE record_id = '%s' AND action = 'insert'",
	         id, id);
	want(sql, "1048576 transcript long t");
	/* an update of the content: both sides as digests (sha256 of "abc" is known) */
	db_record *r = NULL;
	assert_int_equal(db_record_get(D, DB_ITEM, id, &r), DB_OK);
	const char *cn[] = {"raw_content"}, *cv[] = {"abc"};
	assert_int_equal(db_update_fields(D, DB_ITEM, id, r->updated_at, 1, cn, cv, NULL), DB_OK);
	db_record_free(r);
	db_audit_entry *h = NULL;
	size_t n = 0;
	assert_int_equal(db_history(D, DB_ITEM, id, &h, &n), DB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(h[0].action, "update");
	assert_string_equal(h[0].after, "{\"raw_content\": {\"length\": 3, \"sha256\": "
	                                "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}}");
	assert_non_null(strstr(h[0].before, "\"length\": 1048576"));
	assert_true(strlen(h[0].before) < 200);
	db_history_free(h, n);
	/* a metadata update does not mention the content; a delete digests it */
	testdb_exec(D, "UPDATE data_items SET metadata = '{\"title\": \"short\"}' WHERE raw_content = 'abc'");
	assert_int_equal(db_history(D, DB_ITEM, id, &h, &n), DB_OK);
	assert_string_equal(h[0].after, "{\"metadata\": {\"title\": \"short\"}}");
	db_history_free(h, n);
	assert_int_equal(db_record_delete(D, DB_ITEM, id, NULL), DB_OK);
	assert_int_equal(db_history(D, DB_ITEM, id, &h, &n), DB_OK);
	assert_string_equal(h[0].action, "delete");
	assert_non_null(strstr(h[0].before, "\"raw_content\": {\"length\": 3, \"sha256\": \"ba7816bf"));
	db_history_free(h, n);
	/* no data item audit row carries a copy of the content */
	want("SELECT count(*) FROM rapport_audit WHERE table_name = 'data_items' AND"
	     " pg_column_size(coalesce(after, before)) > 4096", "0");
}

static void test_detail_one_round_trip(void **state)
{
	(void)state;
	db_detail *x = NULL;
	testdb_exec(D, "INSERT INTO coach_model_associations(coach_id, coaching_model_id, is_primary)"
	               " VALUES ('" COACH "', '" MODEL1 "', true), ('" COACH "', '" MODEL2 "', false)");
	assert_int_equal(db_detail_get(D, DB_COACH, COACH, &x), DB_OK);
	assert_string_equal(x->rec->id, COACH);
	assert_string_equal(db_record_field(x->rec, "email"), "ana@acme.test");
	assert_string_equal(x->company_name, "Acme");
	assert_int_equal(x->nmodels, 2);
	assert_string_equal(x->models[0].name, "Adaptive");
	assert_false(x->models[0].flag);
	assert_string_equal(x->models[1].name, "GROW");
	assert_true(x->models[1].flag);
	assert_int_equal(x->nitems, 4);
	assert_int_equal(x->nitems_total, 4);
	assert_string_equal(x->items[0].id, ITEM); /* newest first */
	assert_string_equal(x->items[0].title, "Session one");
	assert_int_equal(x->items[0].nchunks, 2);
	assert_int_equal(x->items[0].length, 24);
	assert_string_equal(x->items[0].visibility, "coach_only");
	assert_string_equal(x->items[1].data_type, "assessment");
	/* the token from the detail works for a save */
	assert_int_equal(db_update_metadata(D, DB_COACH, COACH, x->rec->updated_at, "{}", NULL), DB_OK);
	db_detail_free(x);

	assert_int_equal(db_detail_get(D, DB_CLIENT, CLIENT, &x), DB_OK);
	assert_string_equal(x->org_name, "Org");
	assert_string_equal(x->coach_name, "Ana");
	assert_string_equal(x->coach_email, "ana@acme.test");
	assert_string_equal(db_record_field(x->rec, "title"), "CTO");
	assert_int_equal(x->nitems, 4);
	db_detail_free(x);

	assert_int_equal(db_detail_get(D, DB_MODEL, MODEL1, &x), DB_OK);
	assert_string_equal(x->company_name, "Acme");
	assert_int_equal(x->nmodels, 1); /* the coaches using it */
	assert_string_equal(x->models[0].detail, "ana@acme.test");
	assert_int_equal(x->models[0].count, 2);
	db_detail_free(x);

	assert_int_equal(db_detail_get(D, DB_CLIENT, CLIENT2, &x), DB_OK);
	assert_null(db_record_field(x->rec, "title"));
	assert_int_equal(x->nitems, 0);
	db_detail_free(x);
	assert_int_equal(db_detail_get(D, DB_ORG, MISSING, &x), DB_NOTFOUND);
	assert_null(x);

	char *text = NULL;
	size_t len = 0;
	assert_int_equal(db_item_content(D, ITEM, &text, &len), DB_OK);
	assert_string_equal(text, "Session one\nCoach: hello");
	assert_int_equal(len, 24);
	free(text);
	assert_int_equal(db_item_content(D, MISSING, &text, &len), DB_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_get_and_find, reset),
	    cmocka_unit_test_setup(test_update_metadata_tokens, reset),
	    cmocka_unit_test_setup(test_two_connection_conflict, reset),
	    cmocka_unit_test_setup(test_conflict_after_lock_wait, reset),
	    cmocka_unit_test_setup(test_update_fields_and_constraints, reset),
	    cmocka_unit_test_setup(test_insert_delete_impact, reset),
	    cmocka_unit_test_setup(test_assoc_one_primary, reset),
	    cmocka_unit_test_setup(test_audit_same_transaction, reset),
	    cmocka_unit_test_setup(test_audit_content_digest, reset),
	    cmocka_unit_test_setup(test_detail_one_round_trip, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
