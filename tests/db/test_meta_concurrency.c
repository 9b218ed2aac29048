/* No lost updates: two connections doing read-modify-write on one record's
 * metadata through db_update_metadata (WHERE id AND updated_at) and the form
 * model, retrying on DB_CONFLICT. Each writer increments its own key; the
 * final counts must be exact. Once interleaved step by step (every second
 * write conflicts, deterministically), once from two threads at full speed. */
/* clang-format off */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "rapport/form.h"
/* clang-format on */

#define DBNAME "h8_meta_conc"
#define COACH  "55555555-5555-4555-8555-555555555555"
#define ROUNDS 500 /* per writer: 2 x 500 = 1,000 successful updates */

static const metaschema *schema;

/* A snapshot read by one writer: token + metadata. */
typedef struct snap {
	char updated_at[DB_TS_LEN];
	char *metadata;
} snap;

/* No cmocka assertions below this point: the helpers also run in threads. */
static db_status snap_read(db *d, snap *s)
{
	db_record *r = NULL;
	db_status st = db_record_get(d, DB_COACH, COACH, &r);
	if (st != DB_OK)
		return st;
	memcpy(s->updated_at, r->updated_at, DB_TS_LEN);
	free(s->metadata);
	s->metadata = strdup(r->metadata);
	db_record_free(r);
	return DB_OK;
}

/* JSON with `key` incremented by one (missing counts as 0), via the form. */
static char *incremented(const char *metadata, const char *key)
{
	form_perr e;
	form *f = form_new(schema, metadata, strlen(metadata), &e);
	if (!f)
		return NULL;
	long i = form_find(f, key);
	long long n = 0;
	if (i >= 0 && form_value(f, (size_t)i))
		n = atoll(form_value(f, (size_t)i)->text);
	char num[32];
	snprintf(num, sizeof num, "%lld", n + 1);
	int rc = i < 0 ? (form_add_key(f, key, num, NULL) < 0 ? -1 : 0)
	               : form_set_raw(f, (size_t)i, num, NULL);
	char *json = rc == 0 ? form_to_json(f, false) : NULL;
	form_free(f);
	return json;
}

/* Tries to write s + 1 under key; returns the status. */
static db_status snap_write(db *d, const snap *s, const char *key)
{
	char *json = incremented(s->metadata, key);
	if (!json)
		return DB_INVALID;
	db_status st = db_update_metadata(d, DB_COACH, COACH, s->updated_at, json, NULL);
	free(json);
	return st;
}

/* Read-modify-write until it lands; returns the number of conflicts met,
 * or -1 on any other outcome. */
static int increment_with_retry(db *d, snap *s, const char *key)
{
	int conflicts = 0;
	for (;;) {
		db_status st = snap_write(d, s, key);
		if (st == DB_OK)
			return conflicts;
		if (st != DB_CONFLICT || snap_read(d, s) != DB_OK)
			return -1;
		conflicts++;
	}
}

static long long count_of(db *d, const char *key)
{
	char sql[160], *v = NULL;
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(metadata->>'%s', '0') FROM coaches WHERE id = '%s'", key, COACH);
	if (db_exec_value(d, sql, &v) != DB_OK)
		fail_msg("%s", db_errmsg(d));
	long long n = atoll(v);
	free(v);
	return n;
}

static void reset_counts(db *d)
{
	testdb_exec(
	    d,
	    "UPDATE coaches SET metadata = '{\"active\": true, \"note\": 1.50}' WHERE id = '" COACH
	    "'");
}

static void test_interleaved(void **state)
{
	db **c = *state;
	reset_counts(c[0]);
	snap a = {0}, b = {0};
	int conflicts = 0;
	for (int i = 0; i < ROUNDS; i++) {
		/* both read the same version, A writes first, B must not overwrite it */
		assert_int_equal(snap_read(c[0], &a), DB_OK);
		assert_int_equal(snap_read(c[1], &b), DB_OK);
		assert_int_equal(snap_write(c[0], &a, "count_a"), DB_OK);
		int n = increment_with_retry(c[1], &b, "count_b");
		if (n < 0)
			fail_msg("write: %s", db_errmsg(c[1]));
		conflicts += n;
	}
	assert_int_equal(conflicts, ROUNDS); /* every one of B's first tries was stale */
	assert_int_equal(count_of(c[0], "count_a"), ROUNDS);
	assert_int_equal(count_of(c[0], "count_b"), ROUNDS);
	/* untouched values keep their text */
	char *v = NULL;
	db_exec_value(c[0], "SELECT metadata->>'note' FROM coaches WHERE id = '" COACH "'", &v);
	assert_string_equal(v, "1.50");
	free(v);
	free(a.metadata);
	free(b.metadata);
}

typedef struct writer {
	db *d;
	const char *key;
	int conflicts;
	int failures;
	char first_error[256];
} writer;

static void *writer_run(void *arg)
{
	writer *w = arg;
	snap s = {0};
	for (int i = 0; i < ROUNDS; i++) {
		int n = snap_read(w->d, &s) == DB_OK ? increment_with_retry(w->d, &s, w->key) : -1;
		if (n < 0 && !w->failures++)
			snprintf(w->first_error, sizeof w->first_error, "%s", db_errmsg(w->d));
		else if (n >= 0)
			w->conflicts += n;
	}
	free(s.metadata);
	return NULL;
}

static void test_threads(void **state)
{
	db **c = *state;
	reset_counts(c[0]);
	writer w[2] = {{c[0], "count_a", 0, 0, ""}, {c[1], "count_b", 0, 0, ""}};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, writer_run, &w[i]), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (w[0].failures + w[1].failures)
		fail_msg("%d + %d failed writes: %s / %s", w[0].failures, w[1].failures,
		         w[0].first_error, w[1].first_error);
	assert_int_equal(count_of(c[0], "count_a"), ROUNDS);
	assert_int_equal(count_of(c[0], "count_b"), ROUNDS);
	print_message("threads: %d + %d conflicts retried\n", w[0].conflicts, w[1].conflicts);
	/* the audit trail has one row per successful write */
	char *v = NULL;
	db_exec_value(c[0],
	              "SELECT count(*) FROM rapport_audit WHERE record_id = '" COACH
	              "' AND action = "
	              "'update'",
	              &v);
	assert_true(atoll(v) >= 4 * ROUNDS);
	free(v);
}

static int setup(void **state)
{
	static db *c[2];
	c[0] = testdb_open(DBNAME);
	c[1] = testdb_connect(DBNAME);
	testdb_exec(c[0],
	            "INSERT INTO coaching_companies(id, name, slug) VALUES"
	            " ('66666666-6666-4666-8666-666666666666', 'Co', 'co');"
	            "INSERT INTO coaches(id, coaching_company_id, email, name) VALUES"
	            " ('" COACH "', '66666666-6666-4666-8666-666666666666', 'c@example.com', 'C')");
	static metaschema *s;
	s = metaschema_for_table("coaches", NULL, NULL);
	schema = s;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	db **c = *state;
	db_close(c[0]);
	db_close(c[1]);
	metaschema_free((metaschema *)schema);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interleaved),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
