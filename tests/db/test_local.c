/* The private cluster (rapport/local.h) for real: initdb into a temporary
 * XDG_DATA_HOME, start twice, url, status, stop, concurrent starts, destroy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rapport/db.h"
#include "rapport/local.h"

static char xdg[] = "/tmp/rapport-local-XXXXXX";

/* The postmaster's pid from postmaster.pid, 0 when absent. */
static long postmaster_pid(void)
{
	char *dir = local_datadir();
	char path[512];
	long pid = 0;
	snprintf(path, sizeof path, "%s/postmaster.pid", dir);
	free(dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* First output line of psql running sql on conninfo (malloc'd), NULL on failure. */
static char *psql_line(const char *conninfo, const char *sql)
{
	char cmd[2048], line[512] = "";
	snprintf(cmd, sizeof cmd, "psql -X -A -t -v ON_ERROR_STOP=1 -d \"%s\" -c \"%s\" 2>/dev/null",
	         conninfo, sql);
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	char *got = fgets(line, sizeof line, p);
	int rc = pclose(p);
	if (rc != 0)
		return NULL;
	if (!got)
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return strdup(line);
}

static bool is_running(void)
{
	bool running = false;
	char *err = NULL;
	assert_int_equal(local_status(NULL, &running, &err), 0);
	return running;
}

static int setup_all(void **state)
{
	(void)state;
	if (!mkdtemp(xdg))
		return -1;
	chmod(xdg, 0755); /* as root the server runs as "postgres" and must reach it */
	setenv("XDG_DATA_HOME", xdg, 1);
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	char *err = NULL;
	local_destroy(&err);
	free(err);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", xdg);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_paths_before_creation(void **state)
{
	(void)state;
	char *dir = local_datadir();
	char want[256];
	snprintf(want, sizeof want, "%s/rapport/pg", xdg);
	assert_string_equal(dir, want);
	free(dir);
	char *err = NULL;
	char *ci = local_conninfo(&err);
	assert_null(ci);
	assert_non_null(err);
	free(err);
	assert_false(is_running());
	/* stop and destroy of a cluster that does not exist are no-ops */
	assert_int_equal(local_stop(&err), 0);
	assert_int_equal(local_destroy(&err), 0);
}

static void test_start_creates_private_cluster(void **state)
{
	(void)state;
	char *ci = NULL, *err = NULL;
	int rc = local_ensure_running(&ci, &err);
	if (rc != 0)
		fail_msg("local_ensure_running: %s", err);
	assert_non_null(ci);
	assert_true(is_running());
	char *dir = local_datadir();
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_non_null(strstr(ci, dir)); /* socket in the cluster dir */
	free(dir);

	db_conn_opts o = {.dbname = ci};
	db *d = db_connect(&o, &err);
	if (!d)
		fail_msg("db_connect(%s): %s", ci, err);
	db_close(d);

	char *v = psql_line(ci, "SHOW listen_addresses");
	assert_non_null(v);
	assert_string_equal(v, ""); /* no TCP */
	free(v);
	v = psql_line(ci, "SELECT current_database()");
	assert_non_null(v);
	assert_string_equal(v, "rapport");
	free(v);
	v = psql_line(ci, "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'");
	assert_non_null(v);
	char *ext = psql_line(ci, "SELECT count(*) FROM pg_extension WHERE extname = 'vector'");
	assert_non_null(ext);
	assert_string_equal(ext, v); /* created exactly when available */
	free(v);
	free(ext);
	free(ci);
}

static void test_start_again_is_noop(void **state)
{
	(void)state;
	long before = postmaster_pid();
	assert_true(before > 0);
	char *ci = NULL, *err = NULL;
	assert_int_equal(local_ensure_running(&ci, &err), 0);
	assert_int_equal(postmaster_pid(), before); /* not restarted */
	char *url = local_conninfo(&err);
	assert_non_null(url);
	assert_string_equal(url, ci);
	free(url);
	free(ci);
}

static void test_status_text(void **state)
{
	(void)state;
	char buf[2048] = "";
	FILE *f = fmemopen(buf, sizeof buf, "w");
	bool running = false;
	char *err = NULL;
	assert_int_equal(local_status(f, &running, &err), 0);
	fclose(f);
	assert_true(running);
	assert_non_null(strstr(buf, "running"));
	assert_non_null(strstr(buf, xdg));
}

static void test_stop_then_start(void **state)
{
	(void)state;
	char *err = NULL, *ci = NULL;
	assert_int_equal(local_stop(&err), 0);
	assert_false(is_running());
	assert_int_equal(local_stop(&err), 0); /* idempotent */
	char *url = local_conninfo(&err);      /* conninfo even when stopped */
	assert_non_null(url);
	free(url);
	assert_int_equal(local_ensure_running(&ci, &err), 0);
	assert_true(is_running());
	free(ci);
}

/* A server killed outright (stale postmaster.pid) is started again. */
static void test_start_after_crash(void **state)
{
	(void)state;
	long pid = postmaster_pid();
	assert_true(pid > 0);
	assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
	char *ci = NULL, *err = NULL;
	int rc = local_ensure_running(&ci, &err);
	if (rc != 0)
		fail_msg("restart after crash: %s", err);
	assert_true(is_running());
	long again = postmaster_pid();
	assert_true(again > 0);
	assert_int_not_equal(again, pid);
	free(ci);
}

/* Several processes start the stopped (or not yet created) cluster at once. */
static void start_concurrently(int n)
{
	pid_t kids[8];
	for (int i = 0; i < n; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char *ci = NULL, *err = NULL;
			int rc = local_ensure_running(&ci, &err);
			if (rc != 0)
				fprintf(stderr, "child %d: %s\n", i, err);
			_exit(rc == 0 ? 0 : 1);
		}
	}
	for (int i = 0; i < n; i++) {
		int st;
		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	assert_true(is_running());
}

static void test_concurrent_start(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(local_stop(&err), 0);
	start_concurrently(4);
	char *ci = local_conninfo(&err);
	char *v = psql_line(ci, "SELECT count(*) FROM pg_database WHERE datname = 'rapport'");
	assert_non_null(v);
	assert_string_equal(v, "1");
	free(v);
	free(ci);
}

static void test_destroy_then_concurrent_create(void **state)
{
	(void)state;
	char *err = NULL;
	assert_int_equal(local_destroy(&err), 0);
	char *dir = local_datadir();
	struct stat st;
	assert_int_not_equal(stat(dir, &st), 0); /* gone */
	assert_false(is_running());
	assert_null(local_conninfo(&err));
	free(err);
	start_concurrently(3); /* first creation raced by three processes */
	assert_int_equal(stat(dir, &st), 0);
	free(dir);
	assert_int_equal(local_destroy(&err), 0);
	assert_false(is_running());
}

/* As root, a data home the server's user cannot reach is refused up front. */
static void test_root_unreachable_home(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip(); /* only root hands the server to another user */
	char dir[] = "/tmp/rapport-closed-XXXXXX";
	assert_non_null(mkdtemp(dir)); /* mode 0700, owned by root */
	char inner[64];
	snprintf(inner, sizeof inner, "%s/data", dir);
	setenv("XDG_DATA_HOME", inner, 1);
	char *ci = NULL, *err = NULL;
	int rc = local_ensure_running(&ci, &err);
	setenv("XDG_DATA_HOME", xdg, 1);
	assert_int_equal(rc, -1);
	assert_non_null(err);
	assert_non_null(strstr(err, dir)); /* names the directory */
	free(err);
	struct stat st;
	assert_int_not_equal(stat(inner, &st), 0); /* nothing created */
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_paths_before_creation),
	    cmocka_unit_test(test_start_creates_private_cluster),
	    cmocka_unit_test(test_start_again_is_noop),
	    cmocka_unit_test(test_status_text),
	    cmocka_unit_test(test_stop_then_start),
	    cmocka_unit_test(test_start_after_crash),
	    cmocka_unit_test(test_concurrent_start),
	    cmocka_unit_test(test_destroy_then_concurrent_create),
	    cmocka_unit_test(test_root_unreachable_home),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
