/* Terminal robustness of the browser: odd terminals, signals, crashes, lost
 * connections and the clipboard, on the real binary in a pty. */
/* cmocka needs setjmp.h, stdarg.h and stddef.h first */
/* clang-format off */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "common/vt.h"
#include "e2e/browse_fixture.h"

#define T_WAIT 10000

static char *conninfo;

/* Starts rapport on the fixture with extra env entries. */
static vt *start_env(int rows, int cols, const char *const *env)
{
	const char *args[] = {"-d", conninfo, NULL};
	return vt_start(rows, cols, args, env);
}

/* memmem without _GNU_SOURCE. */
static const char *find_bytes(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* Predicate: the raw output contains the string ctx. */
static bool raw_has(vt *t, void *ctx)
{
	size_t n;
	const char *raw = vt_raw(t, &n);
	return find_bytes(raw, n, ctx) != NULL;
}

/* Predicate: the application switched to the alternate screen. */
static bool in_altscreen(vt *t, void *ctx)
{
	(void)ctx;
	return vt_altscreen(t);
}

/* Predicate: the application switched back to the normal screen. */
static bool out_of_altscreen(vt *t, void *ctx)
{
	(void)ctx;
	return !vt_altscreen(t);
}

/* TERM=dumb: a clear message, exit 2, no crash, terminal untouched. */
static void test_term_dumb(void **state)
{
	(void)state;
	const char *env[] = {"TERM=dumb", NULL};
	vt *t = start_env(24, 80, env);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 2);
	assert_true(vt_has_text(t, "cannot move the cursor"));
	assert_false(vt_altscreen(t));
	vt_free(t);
}

/* An unknown TERM: a clear message naming it, exit 2. */
static void test_term_unknown(void **state)
{
	(void)state;
	const char *env[] = {"TERM=no-such-terminal-xyz", NULL};
	vt *t = start_env(24, 80, env);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 2);
	assert_true(vt_has_text(t, "unknown terminal type 'no-such-terminal-xyz'"));
	vt_free(t);
}

/* No TERM at all. */
static void test_term_unset(void **state)
{
	(void)state;
	const char *env[] = {"TERM", NULL};
	vt *t = start_env(24, 80, env);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 2);
	assert_true(vt_has_text(t, "TERM is not set"));
	vt_free(t);
}

/* A 1x1 terminal: no crash; grows back into the browser. */
static void test_one_by_one(void **state)
{
	(void)state;
	vt *t = start_env(1, 1, NULL);
	assert_true(vt_wait(t, in_altscreen, NULL, T_WAIT));
	vt_resize(t, 24, 80);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_resize(t, 1, 1);
	vt_resize(t, 3, 200);
	vt_resize(t, 24, 80);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* Closed stdin: the browser reads the terminal through /dev/tty. */
static void test_closed_stdin(void **state)
{
	(void)state;
	const char *args[] = {"-d", conninfo, NULL};
	vt_opts o = {.rows = 24, .cols = 80, .args = args, .stdin_mode = VT_STDIN_CLOSED};
	vt *t = vt_start_opts(&o);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, "/beta<Enter>");
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	assert_false(vt_altscreen(t));
	vt_free(t);
}

/* stdin from /dev/null behaves the same. */
static void test_devnull_stdin(void **state)
{
	(void)state;
	const char *args[] = {"-d", conninfo, NULL};
	vt_opts o = {.rows = 24, .cols = 80, .args = args, .stdin_mode = VT_STDIN_DEVNULL};
	vt *t = vt_start_opts(&o);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* q leaves the alternate screen and shows the cursor again. */
static void test_quit_restores(void **state)
{
	(void)state;
	vt *t = start_env(24, 80, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(vt_altscreen(t));
	vt_raw_clear(t);
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	assert_false(vt_altscreen(t));
	assert_true(raw_has(t, "\033[?1049l"));
	vt_free(t);
}

/* SIGHUP and SIGINT from outside end the program with the terminal restored. */
static void test_hup_int(void **state)
{
	(void)state;
	int sigs[] = {SIGHUP, SIGINT};
	for (int i = 0; i < 2; i++) {
		vt *t = start_env(24, 80, NULL);
		assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
		vt_kill(t, sigs[i]);
		int st = vt_wait_exit(t, T_WAIT);
		assert_true(st == 128 + sigs[i] || (sigs[i] == SIGINT && st == 130));
		assert_false(vt_altscreen(t));
		vt_free(t);
	}
}

/* A crash (SIGSEGV, SIGABRT) restores the terminal, then dies by the signal. */
static void test_crash_restores(void **state)
{
	(void)state;
	int sigs[] = {SIGSEGV, SIGABRT};
	for (int i = 0; i < 2; i++) {
		vt *t = start_env(24, 80, NULL);
		assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
		vt_kill(t, sigs[i]);
		assert_int_equal(vt_wait_exit(t, T_WAIT), 128 + sigs[i]);
		assert_false(vt_altscreen(t));
		vt_free(t);
	}
}

/* Ctrl-L repaints; Ctrl-Z comes back to a working screen. */
static void test_redraw_suspend(void **state)
{
	(void)state;
	vt *t = start_env(24, 80, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_raw_clear(t);
	vt_keys(t, "<C-l>");
	assert_true(vt_wait(t, raw_has, "\033[H\033[2J", T_WAIT) ||
	            vt_wait(t, raw_has, "\033[2J", T_WAIT));
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	/* a session leader's process group is orphaned, so the kernel discards
	 * the stop; rapport must still come back drawing and reading keys */
	vt_keys(t, "<C-z>");
	vt_keys(t, "/beta<Enter>");
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* y copies the selection's e-mail through OSC 52 (base64). */
static void test_copy_osc52(void **state)
{
	(void)state;
	vt *t = start_env(24, 100, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Carol Client", T_WAIT));
	vt_raw_clear(t);
	vt_keys(t, "y");
	/* base64("carol@globex.example") */
	assert_true(vt_wait(t, raw_has, "\033]52;c;Y2Fyb2xAZ2xvYmV4LmV4YW1wbGU=\a", T_WAIT));
	assert_true(vt_wait_text(t, "copied carol@globex.example", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* The server ends the session: the status line says so, rapport reconnects
 * and the same selection is still shown and browsable. */
static void test_connection_lost(void **state)
{
	(void)state;
	vt *t = start_env(24, 100, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Ana Alvarez", T_WAIT));
	testdb_exec_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	                  "WHERE datname = 't_h7_term' AND application_name = 'rapport'");
	/* no key pressed: the idle socket closing is noticed by itself */
	assert_true(vt_wait_text(t, "reconnected", T_WAIT));
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Ana Alvarez", T_WAIT));
	/* another message first, so that the next "reconnected" is a new one */
	vt_keys(t, "y");
	assert_true(vt_wait_text(t, "copied ana@acme.example", T_WAIT));
	assert_true(vt_wait_gone(t, "reconnected", T_WAIT));
	testdb_exec_admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	                  "WHERE datname = 't_h7_term' AND application_name = 'rapport'");
	vt_keys(t, "j");
	assert_true(vt_wait_text(t, "reconnected", T_WAIT));
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Bob Brown", T_WAIT));
	assert_true(vt_wait_text(t, "bob@acme.example", T_WAIT));
	vt_keys(t, "k");
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Ana Alvarez", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* --read-only is shown on the status line. */
static void test_read_only_marker(void **state)
{
	(void)state;
	const char *args[] = {"-d", conninfo, "--read-only", NULL};
	vt *t = vt_start(24, 120, args, NULL);
	assert_true(vt_wait_text(t, "[read-only]", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

struct colorctx {
	int max; /* colour indexes must stay below this */
	bool bad, some;
};

/* Scans every cell's colours into ctx; true once some colour is shown. */
static bool colors_seen(vt *t, void *ctx)
{
	struct colorctx *c = ctx;
	int rows, cols;
	vt_size(t, &rows, &cols);
	c->bad = c->some = false;
	for (int r = 0; r < rows; r++)
		for (int k = 0; k < cols; k++) {
			vt_cell cell = vt_cell_at(t, r, k);
			vt_color col[2] = {cell.fg, cell.bg};
			for (int i = 0; i < 2; i++) {
				if (col[i].is_default)
					continue;
				c->some = true;
				if (!col[i].is_indexed || col[i].index >= c->max)
					c->bad = true;
			}
		}
	return c->some && vt_has_text(t, "Acme Coach");
}

/* An 8-colour terminal gets only the 8 colours it has; the 16color theme
 * stays within 16 even on a 256-colour terminal. */
static void test_color_depths(void **state)
{
	(void)state;
	const char *terms[] = {"TERM=xterm", "TERM=xterm-256color"};
	const char *themes[] = {"dark", "16color"};
	int max[] = {8, 16};
	for (int i = 0; i < 2; i++) {
		const char *env[] = {terms[i], NULL};
		const char *args[] = {"-d", conninfo, "--theme", themes[i], NULL};
		vt *t = vt_start(24, 80, args, env);
		struct colorctx c = {.max = max[i]};
		assert_true(vt_wait(t, colors_seen, &c, T_WAIT));
		assert_false(c.bad);
		vt_keys(t, "q");
		assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
		vt_free(t);
	}
}

/* Inside tmux the OSC 52 is also sent through tmux's passthrough. */
static void test_copy_in_tmux(void **state)
{
	(void)state;
	const char *env[] = {"TMUX=/tmp/tmux-test/default,1,0", NULL};
	vt *t = start_env(24, 100, env);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Carol Client", T_WAIT));
	vt_keys(t, "y");
	assert_true(vt_wait(
	    t, raw_has, "\033Ptmux;\033\033]52;c;Y2Fyb2xAZ2xvYmV4LmV4YW1wbGU=\a\033\\", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* Predicate: the cursor's row is an empty shell prompt. */
static bool at_prompt(vt *t, void *ctx)
{
	(void)ctx;
	int row, col;
	char buf[256];
	vt_cursor(t, &row, &col);
	return strcmp(vt_row_text(t, row, buf, sizeof buf), "prompt$") == 0;
}

/* Predicate: the breadcrumb no longer shows Beta Partners. */
static bool row_lacks_beta(vt *t, void *ctx)
{
	(void)ctx;
	return vt_row_find(t, 0, "Beta Partners") < 0;
}

/* Ctrl-Z under a job-control shell: the terminal is handed back (normal
 * screen), `fg` brings the browser back fully drawn and working. */
static void test_suspend_resume(void **state)
{
	(void)state;
	char cmd[1024];
	const char *args[] = {"--norc", "--noprofile", "-i", NULL};
	const char *env[] = {"PS1=prompt$ ", "HISTFILE=/dev/null", NULL};
	vt_opts o = {.rows = 24, .cols = 80, .binary = "/bin/bash", .args = args, .env = env};
	vt *t = vt_start_opts(&o);
	assert_true(vt_wait_text(t, "prompt$", T_WAIT));
	snprintf(cmd, sizeof cmd, "'%s' -d '%s'\r", vt_binary(), conninfo);
	vt_send(t, cmd, strlen(cmd));
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(vt_altscreen(t));
	vt_keys(t, "<C-z>");
	assert_true(vt_wait_text(t, "Stopped", T_WAIT));
	assert_false(vt_altscreen(t));
	vt_send(t, "fg\r", 3);
	assert_true(vt_wait(t, in_altscreen, NULL, T_WAIT));
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, "/beta<Enter>");
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	vt_keys(t, "q");
	assert_true(vt_wait_gone(t, "Beta Partners", T_WAIT));
	/* waited for, not looked at: the screen may be cleared before the
	 * switch back from the alternate screen has been read */
	assert_true(vt_wait(t, out_of_altscreen, NULL, T_WAIT));
	assert_true(vt_wait(t, at_prompt, NULL, T_WAIT)); /* bash reads again */
	vt_send(t, "exit\r", 5);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* :w reaches the form under the command line; :q quits. */
static void test_command_w_q(void **state)
{
	(void)state;
	vt *t = start_env(24, 100, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Carol Client", T_WAIT));
	vt_keys(t, "e");
	assert_true(vt_wait_text(t, "department", T_WAIT));
	vt_keys(t, ":w<Enter>");
	assert_true(vt_wait_text(t, "nothing to save", T_WAIT));
	vt_keys(t, ":q<Enter>");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* Ctrl-C cancels a query stuck behind a lock; Ctrl-L loads again. */
static void test_cancel_query(void **state)
{
	(void)state;
	db *locker = testdb_connect("h7_term");
	testdb_exec(locker, "BEGIN; LOCK TABLE coaches IN ACCESS EXCLUSIVE MODE");
	vt *t = start_env(24, 100, NULL);
	assert_true(vt_wait_text(t, "loading…", T_WAIT));
	vt_keys(t, "<C-c>");
	assert_true(vt_wait_text(t, "canceled", T_WAIT));
	assert_false(vt_has_text(t, "Acme Coach"));
	testdb_exec(locker, "ROLLBACK");
	db_close(locker);
	vt_keys(t, "<C-l>");
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(vt_wait_gone(t, "loading…", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* A 2,000-character name (the name index caps it), a 1 MB, a 1,000-level
 * nested and a 10,000-element metadata value:
 * drawn safely and quickly, the program stays responsive. */
static void test_huge_values(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_term");
	testdb_exec(d, "INSERT INTO coaching_companies (name, slug, metadata) VALUES "
	               "('Huge ' || (SELECT string_agg(md5(i::text), '') FROM generate_series(1, 64) i),"
	               " 'huge', jsonb_build_object('big', repeat('y', 1000000),"
	               " 'deep', (repeat('[', 500) || repeat(']', 500))::jsonb,"
	               " 'wide', (SELECT jsonb_agg(i) FROM generate_series(1, 10000) i),"
	               " 'escape', E'\\x1b]52;c;cHduZWQ=\\x07')),"
	               "('Deep', 'deep', jsonb_build_object('deep',"
	               " (repeat('[', 1000) || repeat(']', 1000))::jsonb))");
	vt *t = start_env(50, 100, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_keys(t, "/huge<Enter>");
	assert_true(vt_wait_row(t, 0, "Huge c4ca4238", T_WAIT));
	assert_true(vt_wait_text(t, "Big: yyyy", T_WAIT));
	assert_true(vt_wait_text(t, "Wide: 1, 2, 3", T_WAIT));
	assert_true(vt_wait_text(t, "Deep:", T_WAIT));
	assert_true(vt_wait_text(t, "Escape: \\x1b]52", T_WAIT));
	size_t n;
	const char *raw = vt_raw(t, &n);
	assert_null(find_bytes(raw, n, "\033]52;c;cHduZWQ="));
	/* deeper than the JSON parser goes: shown raw, with a word why */
	vt_keys(t, "<Esc>/deep<Enter>");
	assert_true(vt_wait_row(t, 0, "Deep", T_WAIT));
	assert_true(vt_wait_text(t, "nested too deeply", T_WAIT));
	assert_true(vt_wait_text(t, "[[[[", T_WAIT));
	vt_keys(t, "<Esc>/beta<Enter>");
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
	testdb_exec(d, "DELETE FROM coaching_companies WHERE slug IN ('huge', 'deep')");
	db_close(d);
}

/* Mouse off (the default): clicks do nothing. With `mouse = true` in the
 * config: a click selects a row in a column, the wheel scrolls. */
static void test_mouse(void **state)
{
	(void)state;
	vt *t = start_env(24, 100, NULL);
	int row, col;
	assert_true(vt_wait_text(t, "Beta Partners", T_WAIT));
	assert_true(vt_find(t, "Beta Partners", &row, &col));
	vt_raw_clear(t);
	vt_click(t, row, col);
	vt_keys(t, "/acme<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);

	char path[64];
	vt_temp_file(path, sizeof path, "mouse = true\n");
	const char *args[] = {"-d", conninfo, "--config", path, NULL};
	t = vt_start(24, 100, args, NULL);
	assert_true(vt_wait_text(t, "Beta Partners", T_WAIT));
	assert_true(vt_find(t, "Beta Partners", &row, &col));
	vt_click(t, row, col);
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	assert_true(vt_wait_text(t, "Dee Diaz", T_WAIT));
	vt_wheel(t, 5, 5, false); /* three rows down */
	assert_true(vt_wait(t, row_lacks_beta, NULL, T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
	unlink(path);
}

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	conninfo = browse_fixture("h7_term");
	return 0;
}

/* Group teardown. */
static int teardown(void **state)
{
	(void)state;
	free(conninfo);
	testdb_drop("h7_term");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_term_dumb),        cmocka_unit_test(test_term_unknown),
	    cmocka_unit_test(test_term_unset),       cmocka_unit_test(test_one_by_one),
	    cmocka_unit_test(test_closed_stdin),     cmocka_unit_test(test_devnull_stdin),
	    cmocka_unit_test(test_quit_restores),    cmocka_unit_test(test_hup_int),
	    cmocka_unit_test(test_crash_restores),   cmocka_unit_test(test_redraw_suspend),
	    cmocka_unit_test(test_copy_osc52),       cmocka_unit_test(test_connection_lost),
	    cmocka_unit_test(test_read_only_marker), cmocka_unit_test(test_color_depths),
	    cmocka_unit_test(test_copy_in_tmux),     cmocka_unit_test(test_suspend_resume),
	    cmocka_unit_test(test_command_w_q),      cmocka_unit_test(test_cancel_query),
	    cmocka_unit_test(test_huge_values),      cmocka_unit_test(test_mouse),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests_name("e2e_terminal", tests, setup, teardown);
}
