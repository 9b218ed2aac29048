/* Connection and faults: one-line failure messages, notices queued as one
 * line, read-only sessions, statement/lock timeouts, cancel, a terminated
 * backend and reconnect, missing schema, capability detection with and
 * without pgvector, kinds and uuids. Real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <poll.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "db/internal.h" /* dbi_send: a raw async statement */

#define COACH "00000000-0000-4000-8000-0000000000c1"
#define COMPANY "00000000-0000-4000-8000-0000000000b1"

static void test_connect_failure_one_line(void **state)
{
	(void)state;
	char *err = NULL;
	db_conn_opts o = {.host = "/nonexistent-h2-dir", .port = "5999", .dbname = "nodb", .user = "nobody"};
	assert_null(db_connect(&o, &err));
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "socket /nonexistent-h2-dir/.s.PGSQL.5999"));
	assert_non_null(strstr(err, "database \"nodb\""));
	assert_non_null(strstr(err, "user \"nobody\""));
	assert_non_null(strstr(err, "hint: is the server running"));
	free(err);
	/* a URI in -d, overridden by -p as psql does */
	o = (db_conn_opts){.dbname = "postgresql://someone@127.0.0.1:1/x", .port = "2"};
	assert_null(db_connect(&o, &err));
	assert_non_null(strstr(err, "host 127.0.0.1 port 2"));
	assert_non_null(strstr(err, "user \"someone\""));
	assert_null(strchr(err, '\n'));
	free(err);
	/* a missing database on a live server */
	o = (db_conn_opts){.dbname = "t_h2_definitely_missing"};
	assert_null(db_connect(&o, &err));
	assert_non_null(strstr(err, "does not exist"));
	assert_non_null(strstr(err, "hint: create it"));
	free(err);
}

static void test_use_private(void **state)
{
	(void)state;
	db_conn_opts o = {0};
	const char *saved = getenv("PGHOST");
	char *keep = saved ? strdup(saved) : NULL;
	unsetenv("PGHOST");
	unsetenv("PGHOSTADDR");
	char *port = getenv("PGPORT") ? strdup(getenv("PGPORT")) : NULL;
	char *user = getenv("PGUSER") ? strdup(getenv("PGUSER")) : NULL;
	char *dbn = getenv("PGDATABASE") ? strdup(getenv("PGDATABASE")) : NULL;
	unsetenv("PGPORT");
	unsetenv("PGUSER");
	unsetenv("PGDATABASE");
	unsetenv("PGSERVICE");
	unsetenv("PGSERVICEFILE");
	assert_true(db_opts_use_private(&o));
	o.user = "x";
	assert_false(db_opts_use_private(&o));
	o.user = NULL;
	setenv("PGSERVICE", "svc", 1);
	assert_false(db_opts_use_private(&o));
	unsetenv("PGSERVICE");
	if (keep)
		setenv("PGHOST", keep, 1);
	if (port)
		setenv("PGPORT", port, 1);
	if (user)
		setenv("PGUSER", user, 1);
	if (dbn)
		setenv("PGDATABASE", dbn, 1);
	free(keep);
	free(port);
	free(user);
	free(dbn);
}

static void test_describe_and_notices(void **state)
{
	(void)state;
	db *d = testdb_open("h2_conn");
	assert_true(db_is_connected(d));
	assert_non_null(strstr(db_describe(d), "@t_h2_conn"));
	assert_true(strlen(db_user(d)) > 0);
	assert_false(db_read_only(d));
	char *old; /* what the migration said */
	while ((old = db_notice_pop(d)))
		free(old);
	/* notices are queued as one line each, never printed by libpq */
	testdb_exec(d, "DO $$BEGIN RAISE NOTICE E'first\\nline %', chr(27) || '[2J'; "
	               "RAISE WARNING 'second'; END$$");
	char *n1 = db_notice_pop(d), *n2 = db_notice_pop(d);
	assert_non_null(n1);
	assert_non_null(n2);
	assert_null(db_notice_pop(d));
	assert_null(strchr(n1, '\n'));
	assert_string_equal(n1, "NOTICE: first line \033[2J"); /* raw: callers sanitize */
	assert_string_equal(n2, "WARNING: second");
	free(n1);
	free(n2);
	/* a flood keeps only the newest */
	testdb_exec(d, "DO $$BEGIN FOR i IN 1..200 LOOP RAISE NOTICE 'n%', i; END LOOP; END$$");
	int count = 0;
	char *last = NULL, *s;
	while ((s = db_notice_pop(d))) {
		free(last);
		last = s;
		count++;
	}
	assert_int_equal(count, 64);
	assert_string_equal(last, "NOTICE: n200");
	free(last);
	db_close(d);
}

static void test_read_only_session(void **state)
{
	(void)state;
	db *d = testdb_connect_opts("h2_conn", (db_conn_opts){.read_only = true});
	assert_true(db_read_only(d));
	char id[DB_UUID_LEN];
	const char *names[] = {"name", "slug"}, *vals[] = {"X", "x"};
	assert_int_equal(db_record_insert(d, DB_COMPANY, 2, names, vals, NULL, id), DB_READONLY);
	assert_non_null(strstr(db_errmsg(d), "read-only"));
	db_page *p = NULL; /* reading still works */
	db_list_req r = {.kind = DB_COMPANY, .dir = DB_FIRST, .limit = 5};
	assert_int_equal(db_list(d, &r, &p), DB_OK);
	db_page_free(p);
	db_close(d);
}

static void test_timeouts_and_cancel(void **state)
{
	(void)state;
	db *a = testdb_connect("h2_conn"), *b = testdb_connect("h2_conn");
	char *v = NULL;
	testdb_exec(a, "INSERT INTO coaching_companies(id, name, slug) VALUES ('" COMPANY "', 'A', 'a')");
	testdb_exec(b, "SET statement_timeout = 50");
	assert_int_equal(db_exec_value(b, "SELECT pg_sleep(5)", &v), DB_TIMEOUT);
	assert_non_null(strstr(db_errmsg(b), "took too long"));
	testdb_exec(b, "SET statement_timeout = 0; SET lock_timeout = 50");
	testdb_exec(a, "BEGIN; SELECT 1 FROM coaching_companies FOR UPDATE");
	db_record *r = NULL;
	assert_int_equal(db_record_get(b, DB_COMPANY, COMPANY, &r), DB_OK);
	assert_int_equal(db_update_metadata(b, DB_COMPANY, COMPANY, r->updated_at, "{}", NULL), DB_TIMEOUT);
	assert_non_null(strstr(db_errmsg(b), "locked by another session"));
	/* a blocked async request is cancelled on the server, the connection stays usable */
	testdb_exec(b, "SET lock_timeout = 0");
	testdb_exec(a, "LOCK TABLE coaches IN ACCESS EXCLUSIVE MODE");
	db_list_req q = {.kind = DB_COACH, .parent_kind = DB_COMPANY, .dir = DB_FIRST, .limit = 5};
	strcpy(q.parent_id, COMPANY);
	assert_int_equal(db_list_send(b, &q), DB_OK);
	assert_int_equal(db_poll(b), DB_PENDING);
	assert_true(db_busy(b));
	db_cancel(b);
	assert_false(db_busy(b));
	assert_string_equal(db_errmsg(b), "canceled");
	testdb_exec(a, "COMMIT");
	db_page *p = NULL;
	assert_int_equal(db_list(b, &q, &p), DB_OK);
	db_page_free(p);
	assert_int_equal(db_update_metadata(b, DB_COMPANY, COMPANY, r->updated_at, "{}", NULL), DB_OK);
	db_record_free(r);
	db_close(a);
	db_close(b);
}

/* Waits up to ms for d's socket to be readable. */
static void wait_socket_ms(db *d, int ms)
{
	struct pollfd p = {.fd = db_socket(d), .events = POLLIN};
	if (p.fd >= 0)
		poll(&p, 1, ms);
}

/* A cancel never reaches the next statement: 500 times a slow query is
 * cancelled at a varying moment (before, while and after it ends) and a
 * quick statement follows at once; every quick statement must succeed. */
static void test_cancel_never_hits_next(void **state)
{
	(void)state;
	db *d = testdb_connect("h2_conn");
	int failed = 0;
	char first[300] = "";
	for (int i = 0; i < 500; i++) {
		assert_int_equal(dbi_send(d, "SELECT pg_sleep(0.05)", 0, NULL, NULL), DB_OK);
		int delay = (i * 7) % 61; /* 0..60 ms: the 50 ms query ends before some cancels */
		if (delay)
			wait_socket_ms(d, delay);
		db_cancel(d);
		assert_false(db_busy(d));
		char *v = NULL;
		db_status st = db_exec_value(d, "SELECT 1", &v);
		if (st != DB_OK || !v || strcmp(v, "1") != 0) {
			if (!failed++)
				snprintf(first, sizeof first, "iteration %d: %s: %s", i, db_status_name(st),
				         db_errmsg(d));
		}
		free(v);
	}
	if (failed)
		fail_msg("%d of 500 statements after a cancel failed; first: %s", failed, first);
	db_close(d);
}

/* Parser for the test: the first value as malloc'd text. */
static db_status parse_first(db *d, PGresult *res, void **out)
{
	(void)d;
	*out = PQntuples(res) ? strdup(PQgetvalue(res, 0, 0)) : NULL;
	return DB_OK;
}

/* A send while a cancelled request still drains is queued, latest wins:
 * only the newest runs, and its result is the one taken. */
static void test_send_while_draining(void **state)
{
	(void)state;
	db *a = testdb_connect("h2_conn"), *b = testdb_connect("h2_conn");
	/* committed first: in one query string the CREATE would join the BEGIN's
	 * transaction, and b would get "no such table" at once instead of blocking */
	testdb_exec(a, "CREATE TABLE IF NOT EXISTS h10_drain(x int)");
	testdb_exec(a, "BEGIN; LOCK TABLE h10_drain");
	assert_int_equal(dbi_send(b, "SELECT count(*) FROM h10_drain", 0, NULL, NULL), DB_OK);
	assert_int_equal(db_poll(b), DB_PENDING);
	db_cancel(b); /* returns at once; the blocked query drains later */
	assert_false(db_busy(b));
	assert_int_equal(dbi_send_ex(b, "SELECT 'second'", 0, NULL, parse_first, free), DB_OK);
	assert_int_equal(dbi_send_ex(b, "SELECT 'third'", 0, NULL, parse_first, free), DB_OK);
	assert_true(db_busy(b));
	testdb_exec(a, "ROLLBACK");
	db_status st;
	for (int i = 0; (st = db_poll(b)) == DB_PENDING && i < 1000; i++)
		wait_socket_ms(b, 10);
	assert_int_equal(st, DB_OK);
	char *v = NULL;
	assert_int_equal(dbi_take_as(b, parse_first, (void **)&v), DB_OK);
	assert_string_equal(v, "third");
	free(v);
	/* and the connection goes on normally */
	assert_int_equal(db_exec_value(b, "SELECT 2", &v), DB_OK);
	assert_string_equal(v, "2");
	free(v);
	db_close(a);
	db_close(b);
}

static void test_terminated_backend_reconnect(void **state)
{
	(void)state;
	db *a = testdb_connect("h2_conn"), *b = testdb_connect("h2_conn");
	char *pid = NULL, *v = NULL;
	assert_int_equal(db_exec_value(b, "SELECT pg_backend_pid()", &pid), DB_OK);
	char sql[100];
	snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)", atoi(pid));
	free(pid);
	testdb_exec(a, sql);
	db_status st = db_exec_value(b, "SELECT 1", &v);
	assert_int_equal(st, DB_CONNLOST);
	assert_false(db_is_connected(b));
	assert_int_equal(db_socket(b), -1);
	assert_null(strchr(db_errmsg(b), '\n'));
	assert_int_equal(db_reconnect(b), DB_OK);
	assert_int_equal(db_exec_value(b, "SELECT 41 + 1", &v), DB_OK);
	assert_string_equal(v, "42");
	free(v);
	db_close(a);
	db_close(b);
}

/* The server stops answering (its backend is SIGSTOPped): cancel returns at
 * once (the connection is still there); the next request waits for the
 * cancelled one to drain, and after a few seconds the connection is given
 * up; reconnect works. */
static void test_silent_server_cancel(void **state)
{
	(void)state;
	db *b = testdb_connect("h2_conn");
	char *pid = NULL;
	assert_int_equal(db_exec_value(b, "SELECT pg_backend_pid()", &pid), DB_OK);
	pid_t backend = (pid_t)atoi(pid);
	free(pid);
	assert_int_equal(kill(backend, SIGSTOP), 0);
	db_list_req q = {.kind = DB_COMPANY, .dir = DB_FIRST, .limit = 5};
	assert_int_equal(db_list_send(b, &q), DB_OK);
	assert_int_equal(db_poll(b), DB_PENDING);
	db_cancel(b); /* returns without waiting for the silent server */
	assert_false(db_busy(b));
	assert_true(db_is_connected(b));
	db_page *p = NULL;
	assert_int_equal(db_list(b, &q, &p), DB_CONNLOST); /* queued, then given up */
	assert_false(db_is_connected(b));
	assert_non_null(strstr(db_errmsg(b), "stopped answering"));
	kill(backend, SIGCONT);
	assert_int_equal(db_reconnect(b), DB_OK);
	assert_int_equal(db_list(b, &q, &p), DB_OK);
	db_page_free(p);
	db_close(b);
}

static void test_schema_missing(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_conn_empty");
	db_page *p = NULL;
	db_list_req r = {.kind = DB_COMPANY, .dir = DB_FIRST, .limit = 5};
	assert_int_equal(db_list(d, &r, &p), DB_NOSCHEMA);
	assert_non_null(strstr(db_errmsg(d), "run `rapport db migrate`"));
	db_caps c;
	assert_int_equal(db_caps_get(d, &c), DB_OK);
	assert_false(c.schema_present);
	assert_int_equal(c.schema_version, 0);
	assert_int_equal(c.embedding_dim, 0);
	db_close(d);
	testdb_drop("h2_conn_empty");
}

static void test_caps_with_pgvector(void **state)
{
	(void)state;
	db *d = testdb_connect("h2_conn");
	db_caps c;
	assert_int_equal(db_caps_get(d, &c), DB_OK);
	assert_true(c.server_version >= 130000);
	assert_true(c.has_pgvector);
	char *ext = NULL;
	assert_int_equal(db_exec_value(d, "SELECT extversion FROM pg_extension WHERE extname='vector'", &ext),
	                 DB_OK);
	assert_string_equal(c.pgvector_version, ext);
	free(ext);
	assert_true(c.iterative_scan == (strncmp(c.pgvector_version, "0.8", 3) >= 0));
	assert_int_equal(c.embedding_dim, 1536);
	assert_true(c.schema_present);
	assert_true(c.schema_version >= 3);
	assert_true(c.is_admin);
	/* the dimension is read from the catalog, not assumed */
	testdb_exec(d, "DROP INDEX IF EXISTS idx_data_chunks_embedding;"
	               "ALTER TABLE data_chunks ALTER COLUMN embedding TYPE vector(8)");
	assert_int_equal(db_caps_get(d, &c), DB_OK);
	assert_int_equal(c.embedding_dim, 8);
	db_close(d);
}

static void test_caps_without_pgvector(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_conn_novec");
	testdb_exec(d, "ALTER DATABASE t_h2_conn_novec SET rapport.disable_pgvector = 'on'");
	db_close(d);
	d = testdb_connect("h2_conn_novec");
	assert_int_equal(db_migrate(d, NULL), DB_OK);
	db_caps c;
	assert_int_equal(db_caps_get(d, &c), DB_OK);
	assert_false(c.has_pgvector);
	assert_string_equal(c.pgvector_version, "");
	assert_false(c.iterative_scan);
	assert_int_equal(c.embedding_dim, 0);
	assert_true(c.schema_present);
	/* the rest of the module works the same */
	const char *names[] = {"name", "slug"}, *vals[] = {"NoVec", "novec"};
	char id[DB_UUID_LEN];
	assert_int_equal(db_record_insert(d, DB_COMPANY, 2, names, vals, NULL, id), DB_OK);
	db_close(d);
	testdb_drop("h2_conn_novec");
}

static void test_kinds_and_uuids(void **state)
{
	(void)state;
	assert_int_equal(db_kind_parse("coaches"), DB_COACH);
	assert_int_equal(db_kind_parse("coach"), DB_COACH);
	assert_int_equal(db_kind_parse("Company"), DB_COMPANY);
	assert_int_equal(db_kind_parse("coaching_companies"), DB_COMPANY);
	assert_int_equal(db_kind_parse("org"), DB_ORG);
	assert_int_equal(db_kind_parse("client_organizations"), DB_ORG);
	assert_int_equal(db_kind_parse("clients"), DB_CLIENT);
	assert_int_equal(db_kind_parse("model"), DB_MODEL);
	assert_int_equal(db_kind_parse("data_items"), DB_ITEM);
	assert_int_equal(db_kind_parse("chunks"), DB_NONE);
	assert_int_equal(db_kind_parse(""), DB_NONE);
	assert_int_equal(db_kind_parse(NULL), DB_NONE);
	assert_string_equal(db_kind_table(DB_MODEL), "coaching_models");
	assert_string_equal(db_kind_label(DB_ORG), "organization");
	assert_string_equal(db_kind_table(DB_NONE), "");
	assert_true(db_is_uuid(COACH));
	assert_true(db_is_uuid("6F9619FF-8B86-D011-B42D-00C04FC964FF"));
	assert_false(db_is_uuid("6f9619ff8b86d011b42d00c04fc964ff"));
	assert_false(db_is_uuid("6f9619ff-8b86-d011-b42d-00c04fc964fg"));
	assert_false(db_is_uuid("6f9619ff-8b86-d011-b42d-00c04fc964ff0"));
	assert_false(db_is_uuid("{6f9619ff-8b86-d011-b42d-00c04fc964f}"));
	assert_false(db_is_uuid(NULL));
	assert_string_equal(db_status_name(DB_CONFLICT), "conflict");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_connect_failure_one_line),
	    cmocka_unit_test(test_use_private),
	    cmocka_unit_test(test_describe_and_notices),
	    cmocka_unit_test(test_read_only_session),
	    cmocka_unit_test(test_timeouts_and_cancel),
	    cmocka_unit_test(test_cancel_never_hits_next),
	    cmocka_unit_test(test_send_while_draining),
	    cmocka_unit_test(test_terminated_backend_reconnect),
	    cmocka_unit_test(test_silent_server_cancel),
	    cmocka_unit_test(test_schema_missing),
	    cmocka_unit_test(test_caps_with_pgvector),
	    cmocka_unit_test(test_caps_without_pgvector),
	    cmocka_unit_test(test_kinds_and_uuids),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testdb_drop("h2_conn");
	return rc;
}
