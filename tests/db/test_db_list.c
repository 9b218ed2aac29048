/* Keyset paging: forwards and backwards across page boundaries with many
 * duplicate names, DB_LAST, filters with % _ \ in the input, counts, child
 * counts and flags, and the async send/poll/take path. Real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"

#define COACH "00000000-0000-4000-8000-0000000000c1"
#define COACH2 "00000000-0000-4000-8000-0000000000c2"
#define ORG "00000000-0000-4000-8000-0000000000a1"
#define COMPANY "00000000-0000-4000-8000-0000000000b1"
#define MODEL1 "00000000-0000-4000-8000-0000000000d1"
#define MODEL2 "00000000-0000-4000-8000-0000000000d2"
#define NCLIENTS 263

static db *D;

static int setup(void **state)
{
	(void)state;
	D = testdb_open("h2_list");
	testdb_exec(D,
	            "INSERT INTO coaching_companies(id, name, slug) VALUES ('" COMPANY "', 'Acme Coaching', 'acme');"
	            "INSERT INTO coaching_companies(name, slug) VALUES ('Beta', 'beta'), ('Beta', 'beta-2');"
	            "INSERT INTO coaches(id, coaching_company_id, email, name) VALUES"
	            " ('" COACH "', '" COMPANY "', 'ana@acme.test', 'Ana'),"
	            " ('" COACH2 "', '" COMPANY "', 'bo@acme.test', 'Bo');"
	            "INSERT INTO client_organizations(id, name, slug) VALUES ('" ORG "', 'Org', 'org');"
	            /* 260 clients over 5 names: long runs of duplicate sort keys */
	            "INSERT INTO clients(client_organization_id, primary_coach_id, email, name, metadata)"
	            " SELECT '" ORG "', '" COACH "', 'c' || i || '@x.test',"
	            " (ARRAY['Ann', 'Bob', 'Bob', 'Carla', 'Dan'])[i % 5 + 1],"
	            " CASE WHEN i % 7 = 0 THEN '{\"active\": false}'::jsonb ELSE '{}'::jsonb END"
	            " FROM generate_series(1, 260) i;"
	            "INSERT INTO clients(client_organization_id, primary_coach_id, email, name) VALUES"
	            " ('" ORG "', '" COACH "', 'p@x.test', 'Ann 100% sure'),"
	            " ('" ORG "', '" COACH "', 'u@x.test', 'snake_case'),"
	            " ('" ORG "', '" COACH "', 'b@x.test', 'back\\slash');"
	            "INSERT INTO clients(client_organization_id, primary_coach_id, email, name) VALUES"
	            " ('" ORG "', '" COACH2 "', 'other@x.test', 'Other');"
	            "INSERT INTO coaching_models(id, coaching_company_id, name, slug, content) VALUES"
	            " ('" MODEL1 "', '" COMPANY "', 'GROW', 'grow', 'Goal Reality Options Will'),"
	            " ('" MODEL2 "', '" COMPANY "', 'Adaptive', 'adaptive', 'text');"
	            "INSERT INTO coach_model_associations(coach_id, coaching_model_id, is_primary) VALUES"
	            " ('" COACH "', '" MODEL1 "', true), ('" COACH "', '" MODEL2 "', false),"
	            " ('" COACH2 "', '" MODEL1 "', false);");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(D);
	testdb_drop("h2_list");
	return 0;
}

/* A request for the clients of COACH. */
static db_list_req clients_req(db_dir dir, int limit)
{
	db_list_req r = {.kind = DB_CLIENT, .parent_kind = DB_COACH, .dir = dir, .limit = limit};
	strcpy(r.parent_id, COACH);
	return r;
}

/* The whole list in one page: the reference order. */
static db_page *reference(void)
{
	db_list_req r = clients_req(DB_FIRST, 1000);
	db_page *p = NULL;
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, NCLIENTS);
	assert_true(p->at_start && p->at_end);
	return p;
}

/* Sets the anchor of r to row w. */
static void anchor(db_list_req *r, const db_row *w, db_dir dir)
{
	r->dir = dir;
	r->anchor_name = w->name;
	strcpy(r->anchor_id, w->id);
}

static void test_forward_paging_matches_reference(void **state)
{
	(void)state;
	db_page *ref = reference();
	size_t seen = 0;
	db_list_req r = clients_req(DB_FIRST, 17);
	char name[64];
	db_page *p = NULL;
	for (int pages = 0;; pages++) {
		assert_true(pages < 100);
		assert_int_equal(db_list(D, &r, &p), DB_OK);
		assert_int_equal(p->at_start, seen == 0);
		for (size_t i = 0; i < p->n; i++, seen++) {
			assert_string_equal(p->rows[i].id, ref->rows[seen].id);
			assert_string_equal(p->rows[i].name, ref->rows[seen].name);
		}
		bool end = p->at_end;
		assert_int_equal(end, seen == NCLIENTS);
		if (end) {
			db_page_free(p);
			break;
		}
		snprintf(name, sizeof name, "%s", p->rows[p->n - 1].name);
		r.dir = DB_AFTER;
		r.anchor_name = name;
		strcpy(r.anchor_id, p->rows[p->n - 1].id);
		db_page_free(p);
	}
	assert_int_equal(seen, NCLIENTS);
	db_page_free(ref);
}

static void test_backward_paging_from_last(void **state)
{
	(void)state;
	db_page *ref = reference();
	db_list_req r = clients_req(DB_LAST, 20);
	db_page *p = NULL;
	size_t remaining = NCLIENTS;
	char name[64];
	for (int pages = 0;; pages++) {
		assert_true(pages < 100);
		assert_int_equal(db_list(D, &r, &p), DB_OK);
		assert_int_equal(p->at_end, remaining == NCLIENTS);
		assert_true(p->n <= remaining);
		for (size_t i = 0; i < p->n; i++)
			assert_string_equal(p->rows[i].id, ref->rows[remaining - p->n + i].id);
		remaining -= p->n;
		assert_int_equal(p->at_start, remaining == 0);
		if (p->at_start) {
			db_page_free(p);
			break;
		}
		snprintf(name, sizeof name, "%s", p->rows[0].name);
		r.dir = DB_BEFORE;
		r.anchor_name = name;
		strcpy(r.anchor_id, p->rows[0].id);
		db_page_free(p);
	}
	assert_int_equal(remaining, 0);
	db_page_free(ref);
}

static void test_before_after_inside_duplicates(void **state)
{
	(void)state;
	db_page *ref = reference();
	/* anchor in the middle of a run of equal names: ids break the tie */
	size_t mid = 131;
	assert_string_equal(ref->rows[mid].name, ref->rows[mid + 1].name);
	db_list_req r = clients_req(DB_AFTER, 5);
	db_page *p = NULL;
	anchor(&r, &ref->rows[mid], DB_AFTER);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(p->rows[i].id, ref->rows[mid + 1 + i].id);
	assert_false(p->at_start);
	assert_false(p->at_end);
	db_page_free(p);
	anchor(&r, &ref->rows[mid], DB_BEFORE);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(p->rows[i].id, ref->rows[mid - 5 + i].id);
	db_page_free(p);
	/* before the second row: exactly one row, at_start */
	anchor(&r, &ref->rows[1], DB_BEFORE);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 1);
	assert_true(p->at_start);
	assert_string_equal(p->rows[0].id, ref->rows[0].id);
	db_page_free(p);
	db_page_free(ref);
}

static void test_last_page(void **state)
{
	(void)state;
	db_page *ref = reference();
	db_list_req r = clients_req(DB_LAST, 50);
	db_page *p = NULL;
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 50);
	assert_true(p->at_end);
	assert_false(p->at_start);
	for (size_t i = 0; i < 50; i++)
		assert_string_equal(p->rows[i].id, ref->rows[NCLIENTS - 50 + i].id);
	db_page_free(p);
	db_page_free(ref);
}

/* Number of rows (all pages) matching filter. */
static long long filtered(const char *filter, const char **first_name)
{
	db_list_req r = clients_req(DB_FIRST, 1000);
	r.filter = filter;
	db_page *p = NULL;
	long long n = 0;
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(db_list_count(D, &r, &n), DB_OK);
	assert_int_equal((long long)p->n, n);
	static char name[64];
	snprintf(name, sizeof name, "%s", p->n ? p->rows[0].name : "");
	if (first_name)
		*first_name = name;
	db_page_free(p);
	return n;
}

static void test_filter_escapes_wildcards(void **state)
{
	(void)state;
	const char *name = NULL;
	assert_int_equal(filtered("%", &name), 1);
	assert_string_equal(name, "Ann 100% sure");
	assert_int_equal(filtered("_", &name), 1);
	assert_string_equal(name, "snake_case");
	assert_int_equal(filtered("\\", &name), 1);
	assert_string_equal(name, "back\\slash");
	assert_int_equal(filtered("aNN", NULL), 52 + 1);      /* case-insensitive */
	assert_int_equal(filtered("c17@x.test", NULL), 1);    /* email matches too */
	assert_int_equal(filtered("' OR 1=1 --", NULL), 0);   /* just text */
	assert_int_equal(filtered("", NULL), NCLIENTS);
	long long n = 0;
	db_list_req r = clients_req(DB_FIRST, 10);
	assert_int_equal(db_list_count(D, &r, &n), DB_OK);
	assert_int_equal(n, NCLIENTS);
}

static void test_counts_flags_active(void **state)
{
	(void)state;
	db_list_req r = {.kind = DB_COMPANY, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 10};
	db_page *p = NULL;
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 3);
	assert_string_equal(p->rows[0].name, "Acme Coaching");
	assert_int_equal(p->rows[0].count, 2); /* coaches */
	assert_string_equal(p->rows[0].detail, "acme");
	assert_string_equal(p->rows[1].name, "Beta"); /* duplicate names, ordered by id */
	assert_true(strcmp(p->rows[1].id, p->rows[2].id) < 0);
	db_page_free(p);

	r = (db_list_req){.kind = DB_COACH, .parent_kind = DB_COMPANY, .dir = DB_FIRST, .limit = 10};
	strcpy(r.parent_id, COMPANY);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 2);
	assert_int_equal(p->rows[0].count, NCLIENTS);
	assert_int_equal(p->rows[1].count, 1);
	assert_string_equal(p->rows[0].detail, "ana@acme.test");
	db_page_free(p);

	r = (db_list_req){.kind = DB_MODEL, .parent_kind = DB_COACH, .dir = DB_FIRST, .limit = 10};
	strcpy(r.parent_id, COACH);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 2);
	assert_string_equal(p->rows[0].name, "Adaptive");
	assert_false(p->rows[0].flag);
	assert_string_equal(p->rows[1].name, "GROW");
	assert_true(p->rows[1].flag);
	assert_int_equal(p->rows[1].count, 2); /* coaches using GROW */
	db_page_free(p);

	r = (db_list_req){.kind = DB_COACH, .parent_kind = DB_MODEL, .dir = DB_FIRST, .limit = 10};
	strcpy(r.parent_id, MODEL1);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 2);
	assert_true(p->rows[0].flag);  /* Ana: primary */
	assert_false(p->rows[1].flag); /* Bo */
	db_page_free(p);

	r = (db_list_req){.kind = DB_CLIENT, .parent_kind = DB_ORG, .dir = DB_FIRST, .limit = 1000};
	strcpy(r.parent_id, ORG);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, NCLIENTS + 1);
	size_t inactive = 0;
	for (size_t i = 0; i < p->n; i++) {
		inactive += !p->rows[i].active;
		assert_int_equal(p->rows[i].count, -1);
	}
	assert_int_equal(inactive, 260 / 7);
	db_page_free(p);

	r = (db_list_req){.kind = DB_MODEL, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 10};
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 2);
	db_page_free(p);
	r = (db_list_req){.kind = DB_ORG, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 10};
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 1);
	assert_int_equal(p->rows[0].count, NCLIENTS + 1);
	db_page_free(p);
}

/* Names of any length are stored and listed; names equal in their first 256
 * characters are ordered by id, and paging between them works. */
static void test_long_names(void **state)
{
	(void)state;
	testdb_exec(D, "INSERT INTO client_organizations(id, name, slug) VALUES"
	               " ('00000000-0000-4000-8000-0000000000a9', repeat('x', 20000) || 'b', 'long-b'),"
	               " ('00000000-0000-4000-8000-0000000000a8', repeat('x', 20000) || 'a', 'long-a'),"
	               " (gen_random_uuid(), 'zz top', 'zed')");
	db_list_req r = {.kind = DB_ORG, .parent_kind = DB_NONE, .dir = DB_LAST, .limit = 1};
	db_page *p = NULL;
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_string_equal(p->rows[0].name, "zz top");
	char name[8];
	snprintf(name, sizeof name, "%s", p->rows[0].name);
	r.dir = DB_BEFORE;
	r.anchor_name = name;
	strcpy(r.anchor_id, p->rows[0].id);
	db_page_free(p);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(strlen(p->rows[0].name), 20001);
	assert_string_equal(p->rows[0].id, "00000000-0000-4000-8000-0000000000a9");
	assert_false(p->at_start);
	char *anchor = strdup(p->rows[0].name);
	r.anchor_name = anchor;
	strcpy(r.anchor_id, p->rows[0].id);
	db_page_free(p);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_string_equal(p->rows[0].id, "00000000-0000-4000-8000-0000000000a8");
	db_page_free(p);
	/* a filter as long as the names: matched in full, not truncated */
	anchor[20000] = 'a';
	r = (db_list_req){.kind = DB_ORG, .parent_kind = DB_NONE, .dir = DB_FIRST, .limit = 10,
	                  .filter = anchor + 19000};
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	assert_int_equal(p->n, 1);
	assert_string_equal(p->rows[0].detail, "long-a");
	db_page_free(p);
	free(anchor);
	testdb_exec(D, "DELETE FROM client_organizations WHERE slug IN ('long-a', 'long-b', 'zed')");
}

static void test_bad_requests(void **state)
{
	(void)state;
	db_page *p = NULL;
	db_list_req r = clients_req(DB_FIRST, 0);
	assert_int_equal(db_list(D, &r, &p), DB_INVALID);
	r = clients_req(DB_FIRST, 10);
	strcpy(r.parent_id, "not-a-uuid");
	assert_int_equal(db_list(D, &r, &p), DB_INVALID);
	r = (db_list_req){.kind = DB_CLIENT, .parent_kind = DB_COMPANY, .limit = 10};
	assert_int_equal(db_list(D, &r, &p), DB_INVALID);
	assert_non_null(strstr(db_errmsg(D), "no list of client under company"));
	r = clients_req(DB_AFTER, 10); /* no anchor */
	assert_int_equal(db_list(D, &r, &p), DB_INVALID);
	assert_null(p);
}

static void test_async_send_poll_take(void **state)
{
	(void)state;
	db_list_req r = clients_req(DB_FIRST, 3);
	db_page *p = NULL;
	assert_int_equal(db_list_send(D, &r), DB_OK);
	/* a newer request replaces the unfinished one (latest wins) */
	r.limit = 4;
	assert_int_equal(db_list_send(D, &r), DB_OK);
	assert_true(db_busy(D));
	assert_true(db_socket(D) >= 0);
	db_status st;
	int spins = 0;
	while ((st = db_poll(D)) == DB_PENDING)
		assert_true(++spins < 100000000);
	assert_int_equal(st, DB_OK);
	/* a take of another kind of request is refused, the result is kept */
	db_detail *x = NULL;
	assert_int_equal(db_detail_take(D, &x), DB_INVALID);
	assert_int_equal(db_list_take(D, &p), DB_OK);
	assert_int_equal(p->n, 4);
	db_page_free(p);
	/* a finished result never taken is freed by the next send (ASan checks) */
	assert_int_equal(db_list_send(D, &r), DB_OK);
	assert_int_equal(db_list(D, &r, &p), DB_OK);
	db_page_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forward_paging_matches_reference),
	    cmocka_unit_test(test_backward_paging_from_last),
	    cmocka_unit_test(test_before_after_inside_duplicates),
	    cmocka_unit_test(test_last_page),
	    cmocka_unit_test(test_filter_escapes_wildcards),
	    cmocka_unit_test(test_counts_flags_active),
	    cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_bad_requests),
	    cmocka_unit_test(test_async_send_poll_take),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
