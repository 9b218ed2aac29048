/* The real binary: rapport db migrate|status|grant-coach, usage errors, and
 * the one-line connection failure (exit codes 0/1/2). RAPPORT_BIN names the
 * binary (tests/run.sh sets it). Real server from PG*. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"

typedef struct run {
	int code;
	char out[8192];
	char err[4096];
} run;

/* Reads all of fd into buf (NUL-terminated, truncated to cap). */
static void slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while ((r = read(fd, buf + n, cap - 1 - n)) > 0 && n + (size_t)r < cap - 1)
		n += (size_t)r;
	if (r > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* stdout of the next rapport() when >= 0 (e.g. /dev/full), else a pipe. */
static int g_stdout_fd = -1;

/* Runs rapport with args (NULL-terminated), feeding input on stdin. */
static run *rapport(const char *input, ...)
{
	const char *bin = getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "./rapport";
	char *argv[20] = {(char *)bin};
	int argc = 1;
	va_list ap;
	va_start(ap, input);
	for (const char *a; argc < 19 && (a = va_arg(ap, const char *));)
		argv[argc++] = (char *)a;
	va_end(ap);
	int in[2], out[2], err[2];
	assert_int_equal(pipe(in) | pipe(out) | pipe(err), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(g_stdout_fd >= 0 ? g_stdout_fd : out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		execv(bin, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	if (input && write(in[1], input, strlen(input)) < 0)
		fail_msg("write to rapport's stdin failed");
	close(in[1]);
	run *r = calloc(1, sizeof *r);
	slurp(out[0], r->out, sizeof r->out);
	slurp(err[0], r->err, sizeof r->err);
	close(out[0]);
	close(err[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	return r;
}

/* Asserts the exit code, printing the output on mismatch. */
static void want_code(const run *r, int code)
{
	if (r->code != code)
		fail_msg("exit %d, want %d\nstdout: %s\nstderr: %s", r->code, code, r->out, r->err);
}

static void test_usage(void **state)
{
	(void)state;
	run *r = rapport(NULL, "db", "--help", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "migrate"));
	free(r);
	r = rapport(NULL, "db", NULL);
	want_code(r, 2);
	assert_non_null(strstr(r->err, "Usage: rapport"));
	free(r);
	r = rapport(NULL, "db", "frobnicate", NULL);
	want_code(r, 2);
	assert_non_null(strstr(r->err, "unknown command 'frobnicate'"));
	free(r);
	r = rapport(NULL, "db", "migrate", "--bogus", NULL);
	want_code(r, 2);
	free(r);
	r = rapport(NULL, "db", "status", "--help", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "pending"));
	free(r);
	r = rapport(NULL, "db", "grant-coach", "--help", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "EMAIL"));
	free(r);
	r = rapport(NULL, "db", "grant-coach", NULL);
	want_code(r, 2);
	free(r);
	/* counts are decimal (k/M allowed): strtod's nan, inf, hex and exponents
	 * are usage errors before any connection (0x10 seeded 16 clients) */
	const char *counts[] = {"nan", "inf", "0x10", "1e3", "-5", ".", "5x"};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		r = rapport(NULL, "-d", "t_h2_cli_no_such_db", "db", "seed", "--scale", counts[i],
		            NULL);
		want_code(r, 2);
		if (!strstr(r->err, "--scale needs a positive count"))
			fail_msg("--scale %s: %s", counts[i], r->err);
		free(r);
	}
}

static void test_connection_failure(void **state)
{
	(void)state;
	run *r = rapport(NULL, "-h", "/nonexistent-h2", "-p", "5999", "-d", "x", "db", "status", NULL);
	want_code(r, 2);
	assert_non_null(strstr(r->err, "socket /nonexistent-h2/.s.PGSQL.5999"));
	assert_non_null(strstr(r->err, "hint:"));
	assert_int_equal(strchr(r->err, '\n') - r->err, (long)strlen(r->err) - 1); /* one line */
	free(r);
	/* options that do not parse name no made-up target (it said "socket
	 * /tmp/.s.PGSQL.5432 (database "?", user "?")") */
	const char *bad[] = {"host=h bad", "postgresql://%zz", "port=5432 sslmode"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = rapport(NULL, "-d", bad[i], "db", "status", NULL);
		want_code(r, 2);
		if (!strstr(r->err, "rapport: cannot connect: invalid connection options: ") ||
		    strstr(r->err, "socket") || strstr(r->err, "\"?\""))
			fail_msg("-d '%s': %s", bad[i], r->err);
		free(r);
	}
}

static void test_migrate_status_grant(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h2_cli");
	run *r = rapport(NULL, "-d", "t_h2_cli", "db", "status", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "pending  001_schema.sql"));
	assert_non_null(strstr(r->out, "run `rapport db migrate`"));
	free(r);
	r = rapport(NULL, "-d", "t_h2_cli", "db", "migrate", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "applied "));
	assert_non_null(strstr(r->out, "embedding dimension 1536"));
	free(r);
	r = rapport(NULL, "-d", "t_h2_cli", "db", "migrate", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "schema up to date"));
	free(r);
	r = rapport(NULL, "-d", "t_h2_cli", "db", "status", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "applied  001_schema.sql"));
	assert_null(strstr(r->out, "pending "));
	assert_non_null(strstr(r->out, "row-level security on data_items: on"));
	free(r);
	r = rapport(NULL, "-d", "t_h2_cli", "db", "grant-coach", "cli-nobody@h2.test", NULL);
	want_code(r, 1);
	assert_non_null(strstr(r->err, "no coach has the email cli-nobody@h2.test"));
	free(r);
	testdb_exec(d, "INSERT INTO coaching_companies(id, name, slug) VALUES"
	               " ('00000000-0000-4000-8000-0000000000b1', 'Co', 'co');"
	               "INSERT INTO coaches(coaching_company_id, email, name) VALUES"
	               " ('00000000-0000-4000-8000-0000000000b1', 'cli-coach@h2.test', 'Cli');");
	/* an empty line is no password: refused (it said "with a password" and
	 * the role got none) */
	r = rapport("\n", "-d", "t_h2_cli", "db", "grant-coach", "cli-coach@h2.test", "--password",
	            NULL);
	want_code(r, 1);
	assert_non_null(strstr(r->err, "the password is empty; nothing changed"));
	assert_string_equal(r->out, "");
	free(r);
	r = rapport("pass word\n", "-d", "t_h2_cli", "db", "grant-coach", "cli-coach@h2.test",
	            "--password", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "role \"cli-coach@h2.test\""));
	assert_non_null(strstr(r->out, "with a password"));
	free(r);
	/* the new role connects and is held to row-level security */
	r = rapport(NULL, "-d", "t_h2_cli", "-U", "cli-coach@h2.test", "db", "status", NULL);
	want_code(r, 0);
	assert_non_null(strstr(r->out, "cli-coach@h2.test@t_h2_cli"));
	assert_null(strstr(r->out, "sees all rows"));
	free(r);
	db_close(d);
	testdb_drop("h2_cli");
}

/* Output that cannot be written (here a full disk) is a failure: exit 1
 * with one line, not 0 with the output silently lost. */
static void test_output_write_error(void **state)
{
	(void)state;
	g_stdout_fd = open("/dev/full", O_WRONLY);
	if (g_stdout_fd < 0)
		skip();
	run *r = rapport(NULL, "--help", NULL);
	want_code(r, 1);
	assert_non_null(strstr(r->err, "rapport: could not write the output"));
	free(r);
	r = rapport(NULL, "db", "status", "--help", NULL);
	want_code(r, 1);
	free(r);
	db *d = testdb_open("h2_cli_full");
	char *ci = testdb_conninfo("h2_cli_full");
	r = rapport(NULL, "-d", ci, "db", "status", NULL);
	want_code(r, 1);
	assert_non_null(strstr(r->err, "could not write the output"));
	free(r);
	close(g_stdout_fd);
	g_stdout_fd = -1;
	/* the same command into a pipe succeeds */
	r = rapport(NULL, "-d", ci, "db", "status", NULL);
	want_code(r, 0);
	free(r);
	free(ci);
	db_close(d);
}

/* stop and destroy say when there was nothing to do (they said "stopped" and
 * "destroyed" of a cluster that was never created); both still exit 0. */
static void test_local_nothing_to_do(void **state)
{
	(void)state;
	char dir[] = "/tmp/rapport-h2-local-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *old = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	setenv("XDG_DATA_HOME", dir, 1);
	run *stop = rapport(NULL, "local", "stop", NULL);
	run *destroy = rapport(NULL, "local", "destroy", "--yes", NULL);
	if (old)
		setenv("XDG_DATA_HOME", old, 1);
	else
		unsetenv("XDG_DATA_HOME");
	free(old);
	want_code(stop, 0);
	assert_string_equal(stop->out, "private cluster was not running\n");
	want_code(destroy, 0);
	assert_string_equal(destroy->out, "no private cluster to destroy\n");
	free(stop);
	free(destroy);
	char cmd[100];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Back to a pipe for stdout, also when a check failed half-way. */
static int stdout_back_to_pipe(void **state)
{
	(void)state;
	if (g_stdout_fd >= 0)
		close(g_stdout_fd);
	g_stdout_fd = -1;
	testdb_drop("h2_cli_full");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_usage),
	    cmocka_unit_test_teardown(test_output_write_error, stdout_back_to_pipe),
	    cmocka_unit_test(test_connection_failure),
	    cmocka_unit_test(test_local_nothing_to_do),
	    cmocka_unit_test(test_migrate_status_grant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
