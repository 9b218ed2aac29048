/* Faults under the data-access module (H9), on the server the PG* variables
 * name: backends terminated in the middle of writes (from another thread,
 * at varying moments), lock_timeout, statement_timeout, an administrator's
 * cancel, read-only sessions. Each write must end with a status in words and
 * the row must hold the old or the new value, never a mix; a write reported
 * as stored must be there (rows lost: 0). Prints "faults: ..." lines that
 * docs/reliability.md quotes. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include "common/testdb.h"
/* clang-format on */

#define DBNAME "h9_faults_db"
#define CO     "10000000-0000-4000-8000-000000000001"
#define ANA    "20000000-0000-4000-8000-000000000001"
#define BLOB   200000 /* bytes per written value: a write takes a while */

static db *admin;
static int faults, checked, lost;

static int setup(void **state)
{
	(void)state;
	admin = testdb_open(DBNAME);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	printf("faults: data-access module: %d faults injected, %d rows checked, rows lost: %d\n",
	       faults, checked, lost);
	db_close(admin);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	testdb_exec(admin, "DELETE FROM coaches; DELETE FROM coaching_companies;"
	                   " DELETE FROM rapport_audit;"
	                   "INSERT INTO coaching_companies(id, name, slug) VALUES ('" CO
	                   "', 'Acme', 'acme');"
	                   "INSERT INTO coaches(id, coaching_company_id, email, name, metadata) VALUES"
	                   " ('" ANA "', '" CO "', 'ana@acme.example', 'Ana', '{\"round\": 0}')");
	return 0;
}

/* One value (malloc'd) from the admin connection. */
static char *value(const char *sql)
{
	char *out = NULL;
	if (db_exec_value(admin, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(admin));
	return out;
}

/* The round stored in Ana's metadata; fails unless the blob belongs to it. */
static int stored_round(void)
{
	char *r = value("SELECT (metadata->>'round') || ':' ||"
	                " coalesce(length(metadata->>'blob'), 0) || ':' ||"
	                " coalesce(length(replace(metadata->>'blob', ((metadata->>'round')::int % 10)::text,"
	                " '')), 0) FROM coaches WHERE id = '" ANA "'");
	int round = -1, len = -1, other = -1;
	if (sscanf(r, "%d:%d:%d", &round, &len, &other) != 3)
		fail_msg("unreadable row: %s", r);
	free(r);
	checked++;
	/* a blob is BLOB copies of the round's last digit, or absent (round 0) */
	if (round > 0 && (len != BLOB || other != 0)) {
		lost++;
		fail_msg("round %d: the blob is partial or mixed (%d bytes, %d foreign)", round, len,
		         other);
	}
	return round;
}

/* The JSON of round i: {"round": i, "blob": "<i % 10 repeated>"}. */
static char *round_json(int i)
{
	char *j = malloc(BLOB + 64);
	int n = sprintf(j, "{\"round\": %d, \"blob\": \"", i);
	memset(j + n, '0' + i % 10, BLOB);
	strcpy(j + n + BLOB, "\"}");
	return j;
}

struct killer {
	db *d;          /* the killer's own connection, opened beforehand */
	int delay_us;
	char *hits;     /* how many backends it terminated */
	char *pid;      /* the victim's backend pid */
	const char *fn; /* pg_terminate_backend or pg_cancel_backend */
};

/* Waits delay_us, then terminates (or cancels) the test's rapport backends. */
static void *kill_later(void *arg)
{
	struct killer *k = arg;
	struct timespec ts = {k->delay_us / 1000000, (long)(k->delay_us % 1000000) * 1000};
	nanosleep(&ts, NULL); /* the moment of the fault, varied on purpose */
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FILTER (WHERE %s(pid)) FROM pg_stat_activity WHERE pid = %d",
	         k->fn, atoi(k->pid));
	db_exec_value(k->d, sql, &k->hits);
	return NULL;
}

/* The current token of Ana's row. */
static void token(db *d, char out[DB_TS_LEN])
{
	db_record *r = NULL;
	if (db_record_get(d, DB_COACH, ANA, &r) != DB_OK)
		fail_msg("get: %s", db_errmsg(d));
	memcpy(out, r->updated_at, DB_TS_LEN);
	db_record_free(r);
}

/* Writes with the backend terminated at 30 different moments: each write is
 * stored whole or not at all, a write reported stored is there, and after a
 * lost connection db_reconnect brings the session back. */
static void test_terminate_during_writes(void **state)
{
	(void)state;
	db *d = testdb_connect(DBNAME);
	db *killer = testdb_connect(DBNAME);
	int last = 0, ok = 0, connlost = 0, hits = 0, idle_lost = 0;
	for (int i = 1; i <= 30; i++) {
		char tok[DB_TS_LEN];
		/* the previous round's kill may have hit the idle session: reconnect */
		db_record *cur = NULL;
		if (db_record_get(d, DB_COACH, ANA, &cur) == DB_CONNLOST) {
			idle_lost++;
			assert_int_equal(db_reconnect(d), DB_OK);
		}
		db_record_free(cur);
		token(d, tok);
		char *json = round_json(i);
		char *pid = NULL;
		assert_int_equal(db_exec_value(d, "SELECT pg_backend_pid()", &pid), DB_OK);
		struct killer k = {.d = killer, .delay_us = (i * 1597) % 20000,
		                   .fn = "pg_terminate_backend", .pid = pid};
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, kill_later, &k), 0);
		db_status st = db_update_metadata(d, DB_COACH, ANA, tok, json, NULL);
		pthread_join(t, NULL);
		free(json);
		hits += k.hits ? atoi(k.hits) : 0;
		free(k.hits);
		free(pid);
		int now = stored_round();
		if (st == DB_OK) {
			ok++;
			if (now != i) {
				lost++;
				fail_msg("round %d reported stored, the row holds round %d", i, now);
			}
		} else {
			if (st != DB_CONNLOST)
				fail_msg("round %d: %s: %s", i, db_status_name(st), db_errmsg(d));
			connlost++;
			if (strchr(db_errmsg(d), '\n') || !*db_errmsg(d))
				fail_msg("round %d: message not one line", i);
			if (now != i && now != last)
				fail_msg("round %d: the row holds round %d (old was %d)", i, now, last);
		}
		last = now;
		/* a session that lost its connection says so until it reconnects */
		if (st == DB_CONNLOST) {
			db_record *r = NULL;
			db_status again = db_record_get(d, DB_COACH, ANA, &r);
			db_record_free(r);
			if (again != DB_CONNLOST && again != DB_OK)
				fail_msg("after a lost connection: %s", db_status_name(again));
			assert_int_equal(db_reconnect(d), DB_OK);
		}
	}
	/* the audit trail has one update per stored round, no more */
	char *audits = value("SELECT count(*) FROM rapport_audit WHERE action = 'update'");
	faults += hits;
	printf("faults: terminate during writes: 30 writes, %d backends terminated (%d during a "
	       "write, %d idle, found at the next read and reconnected), %d stored, audit updates: "
	       "%s, final round %d\n",
	       hits, connlost, idle_lost, ok, audits, last);
	assert_true(hits > 0);
	free(audits);
	db_close(killer);
	db_close(d);
}

/* A row locked by another session: lock_timeout gives DB_TIMEOUT in words
 * and the old value; statement_timeout the same; an administrator's cancel
 * too; once the lock is gone the write goes through. */
static void test_timeouts_and_cancel(void **state)
{
	(void)state;
	db *d = testdb_connect(DBNAME);
	db *locker = testdb_connect(DBNAME);
	static const struct {
		const char *set, *want;
		db_status st;
	} cases[] = {
	    {"SET lock_timeout = '300ms'", "locked by another session", DB_TIMEOUT},
	    {"SET lock_timeout = 0; SET statement_timeout = '300ms'", "took too long", DB_TIMEOUT},
	};
	for (size_t c = 0; c < 2; c++) {
		testdb_exec(d, cases[c].set);
		char tok[DB_TS_LEN];
		token(d, tok);
		testdb_exec(locker, "BEGIN; SELECT 1 FROM coaches WHERE id = '" ANA "' FOR UPDATE");
		char *json = round_json(7);
		db_status st = db_update_metadata(d, DB_COACH, ANA, tok, json, NULL);
		faults++;
		char msg[300];
		snprintf(msg, sizeof msg, "%s", db_errmsg(d));
		int was = stored_round();
		testdb_exec(locker, "ROLLBACK"); /* before any assertion: no lock left behind */
		if (st != cases[c].st || !strstr(msg, cases[c].want))
			fail_msg("%s: %s: %s", cases[c].set, db_status_name(st), msg);
		assert_int_equal(was, 0);
		assert_int_equal(db_update_metadata(d, DB_COACH, ANA, tok, json, NULL), DB_OK);
		assert_int_equal(stored_round(), 7);
		free(json);
		testdb_exec(admin, "UPDATE coaches SET metadata = '{\"round\": 0}' WHERE id = '" ANA "'");
	}
	/* an administrator's pg_cancel_backend while the write waits for the lock */
	testdb_exec(d, "SET statement_timeout = 0; SET application_name = 'rapport'");
	char tok[DB_TS_LEN];
	token(d, tok);
	testdb_exec(locker, "BEGIN; SELECT 1 FROM coaches WHERE id = '" ANA "' FOR UPDATE");
	db *killer = testdb_connect(DBNAME);
	char *pid = NULL;
	assert_int_equal(db_exec_value(d, "SELECT pg_backend_pid()", &pid), DB_OK);
	struct killer k = {.d = killer, .delay_us = 300000, .fn = "pg_cancel_backend", .pid = pid};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, kill_later, &k), 0);
	char *json = round_json(8);
	db_status st = db_update_metadata(d, DB_COACH, ANA, tok, json, NULL);
	pthread_join(t, NULL);
	faults++;
	printf("faults: administrator's cancel during a write: %s: %s\n", db_status_name(st),
	       db_errmsg(d));
	char msg[300];
	snprintf(msg, sizeof msg, "%s", db_errmsg(d));
	int was = stored_round();
	testdb_exec(locker, "ROLLBACK");
	assert_true(st == DB_TIMEOUT || st == DB_CANCELED);
	assert_int_equal(was, 0);
	assert_int_equal(db_update_metadata(d, DB_COACH, ANA, tok, json, NULL), DB_OK);
	assert_int_equal(stored_round(), 8);
	/* no statement_timeout was set: the message must not blame one */
	if (strstr(msg, "statement_timeout"))
		fail_msg("an administrator's cancel reported as: %s", msg);
	free(json);
	free(k.hits);
	free(pid);
	db_close(killer);
	db_close(locker);
	db_close(d);
}

/* Read-only sessions (--read-only, and a server-side default as on a
 * replica): DB_READONLY in words, nothing written. */
static void test_read_only(void **state)
{
	(void)state;
	db_conn_opts o = {.read_only = true};
	db *ro = testdb_connect_opts(DBNAME, o);
	db *d = testdb_connect(DBNAME);
	testdb_exec(d, "SET default_transaction_read_only = on");
	db *both[] = {ro, d};
	for (int i = 0; i < 2; i++) {
		char tok[DB_TS_LEN];
		token(both[i], tok);
		char *json = round_json(3);
		db_status st = db_update_metadata(both[i], DB_COACH, ANA, tok, json, NULL);
		faults++;
		free(json);
		if (st != DB_READONLY || !strstr(db_errmsg(both[i]), "read-only"))
			fail_msg("read-only %d: %s: %s", i, db_status_name(st), db_errmsg(both[i]));
		const char *names[] = {"name"};
		const char *values[] = {"Mallory"};
		st = db_update_fields(both[i], DB_COACH, ANA, tok, 1, names, values, NULL);
		faults++;
		assert_int_equal(st, DB_READONLY);
		assert_int_equal(stored_round(), 0);
		char *name = value("SELECT name FROM coaches WHERE id = '" ANA "'");
		assert_string_equal(name, "Ana");
		free(name);
	}
	db_close(ro);
	db_close(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_terminate_during_writes, reset),
	    cmocka_unit_test_setup(test_timeouts_and_cancel, reset),
	    cmocka_unit_test_setup(test_read_only, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
