/* A key handler that makes a blocking query (app_db_sync) while another
 * pane's request is still running: the running request finishes during the
 * wait, but its result must not reach its pane until the handler returns.
 *
 * The detail pane's Enter on a data item keeps a pointer to the item while
 * it waits; when the detail's own reload finished inside that wait, the old
 * loop handed the new record to the detail pane there and then, freeing the
 * item the handler was about to read (a use-after-free ASan reports). Here
 * the detail's request for the next client is held on a table lock the test
 * owns, Enter is pressed on the item of the record still shown, and the lock
 * is released while the handler waits. The handler must open the item,
 * and RAPPORT_STATS must count the request answered during the wait as held
 * back (asked again from the loop). */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "common/vt.h"
#include "e2e/browse_fixture.h"

#define DBNAME "async_sync"
#define T_WAIT 10000
/* The handler waits at most 1 s for a running request; the lock is released
 * this long after Enter, so that the wait has begun and has not given up. */
#define GRACE_MS 600

static char *conninfo;

/* Group setup: the browser fixture. */
static int setup(void **state)
{
	(void)state;
	conninfo = browse_fixture(DBNAME);
	return 0;
}

/* Group teardown. */
static int teardown(void **state)
{
	(void)state;
	free(conninfo);
	testdb_drop(DBNAME);
	return 0;
}

/* Reads the child's output for ms milliseconds (a grace period for the
 * rapport side to reach its wait; nothing is decided by it). */
static void pump_for(vt *t, int ms)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int left = ms; left > 0;) {
		vt_pump(t, left);
		clock_gettime(CLOCK_MONOTONIC, &b);
		left = ms - (int)((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000);
	}
}

/* Predicate: a query of the test database waits for a lock. */
static bool lock_waiter(vt *t, void *ctx)
{
	(void)t;
	db *lock = ctx;
	char *n = NULL;
	assert_int_equal(db_exec_value(lock,
	                               "SELECT count(*) FROM pg_stat_activity WHERE datname ="
	                               " 't_" DBNAME "' AND wait_event_type = 'Lock'",
	                               &n),
	                 DB_OK);
	bool waiting = strcmp(n, "0") != 0;
	free(n);
	return waiting;
}

/* True when the raw output since the last vt_raw_clear() contains text. */
static bool raw_has(vt *t, const char *text)
{
	size_t n, m = strlen(text);
	const char *raw = vt_raw(t, &n);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(raw + i, text, m) == 0)
			return true;
	return false;
}

/* Predicate: a pager is open, on Carol's transcript or on Dan's history. */
static bool pager_open(vt *t, void *ctx)
{
	(void)ctx;
	return vt_has_text(t, "transcript · Session 1") || vt_has_text(t, "history · Dan Doe");
}

/* From Carol (hierarchy focused, her record in the detail): the detail's
 * request for the next client is held on a lock while the detail still shows
 * Carol's record; Enter on her data item waits for that request (the
 * handler's own query needs the connection) and the lock is released during
 * the wait. The pager shows Carol's transcript, or, when rapport was too busy
 * to take Enter before the release, Dan's record had arrived and Enter opened
 * his history: both are right, and never an error. Then back to Carol.
 * True when Carol's transcript opened: Dan's request was then necessarily
 * still running when the handler began to wait, so it finished inside it. */
static bool open_item_during_load(vt *t, db *lock)
{
	testdb_exec(lock, "BEGIN; LOCK TABLE data_items IN ACCESS EXCLUSIVE MODE");
	vt_keys(t, "j"); /* Dan Doe: his detail waits for the lock */
	assert_true(vt_wait(t, lock_waiter, lock, T_WAIT));
	vt_raw_clear(t);
	vt_keys(t, "<Tab><Enter>");
	pump_for(t, GRACE_MS);
	testdb_exec(lock, "ROLLBACK");
	assert_true(vt_wait(t, pager_open, NULL, T_WAIT));
	bool carol = vt_has_text(t, "transcript · Session 1");
	if (carol)
		assert_true(vt_wait_text(t, "How did the quarter go?", T_WAIT));
	assert_false(vt_has_text(t, "uuid"));
	vt_keys(t, "q");
	assert_true(vt_wait_text(t, "dan@initech.example", T_WAIT));
	/* never an error at any time: the pager's frames were all read before
	 * this later one, so the whole output since Enter is looked at */
	assert_false(raw_has(t, "not a uuid"));
	vt_keys(t, "<Tab>k");
	assert_true(vt_wait_text(t, "Session 1 · transcript", T_WAIT));
	return carol;
}

/* Predicate: rapport's exit statistics are on the screen. */
static bool stats_shown(vt *t, void *ctx)
{
	(void)ctx;
	return vt_has_text(t, "held back");
}

/* The number before "held back" in the exit statistics. */
static long held_back(vt *t)
{
	int row, col;
	assert_true(vt_find(t, "held back", &row, &col));
	char line[512];
	vt_row_text(t, row, line, sizeof line);
	char *end = strstr(line, " held back");
	assert_non_null(end);
	while (end > line && end[-1] >= '0' && end[-1] <= '9')
		end--;
	return strtol(end, NULL, 10);
}

/* Five rounds: each normally exercises the wait (under heavy load one may
 * miss it, so at least one must); each that did was held back. */
static void test_result_held_during_blocking_call(void **state)
{
	(void)state;
	/* the detail loads on every move (no wait for the cursor to rest): the
	 * request for the next client must be in flight when Enter is pressed */
	char cfg[64];
	vt_temp_file(cfg, sizeof cfg, "detail.delay_ms = 0\n");
	const char *args[] = {"-d", conninfo, "--config", cfg, NULL};
	const char *env[] = {"RAPPORT_STATS=1", NULL};
	vt *t = vt_start(24, 120, args, env);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_text(t, "Session 1 · transcript", T_WAIT));
	db *lock = testdb_connect(DBNAME);
	int exercised = 0;
	for (int i = 0; i < 5; i++)
		exercised += open_item_during_load(t, lock);
	db_close(lock);
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	assert_true(vt_wait(t, stats_shown, NULL, T_WAIT));
	long held = held_back(t);
	print_message("rounds that waited for the running request: %d of 5; held back: %ld\n",
	              exercised, held);
	assert_true(exercised >= 1);
	assert_true(held >= exercised);
	vt_free(t);
	unlink(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_result_held_during_blocking_call),
	};
	return cmocka_run_group_tests_name("e2e_async_sync", tests, setup, teardown);
}
