/* Screen tests of the browser: the real binary in a pty against a real
 * database (tests/e2e/browse_fixture.h), read back through libvterm. */
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

/* memmem without _GNU_SOURCE. */
static const void *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* Starts rapport on the fixture at rows x cols with extra env entries. */
static vt *start(int rows, int cols, const char *const *env)
{
	const char *args[] = {"-d", conninfo, NULL};
	vt *t = vt_start(rows, cols, args, env);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	return t;
}

/* Same with extra arguments after the connection. */
static vt *start_args(int rows, int cols, const char *a1, const char *a2)
{
	const char *args[] = {"-d", conninfo, a1, a2, NULL};
	return vt_start(rows, cols, args, NULL);
}

/* Quits with q and checks the exit status and the restored screen. */
static void quit(vt *t)
{
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	assert_false(vt_altscreen(t));
	vt_free(t);
}

struct rowctx {
	int row;
	const char *text;
	const char *suffix;
};

/* Predicate: row contains text and (if set) ends with suffix. */
static bool row_has(vt *t, void *ctx)
{
	struct rowctx *c = ctx;
	char buf[1024];
	vt_row_text(t, c->row, buf, sizeof buf);
	if (!strstr(buf, c->text))
		return false;
	if (!c->suffix)
		return true;
	size_t n = strlen(buf), s = strlen(c->suffix);
	return n >= s && strcmp(buf + n - s, c->suffix) == 0;
}

struct countctx {
	const char *title, *count;
};

/* Predicate: the header row shows title, then (before the next column) count. */
static bool header_has_count(vt *t, void *ctx)
{
	struct countctx *c = ctx;
	char buf[1024];
	vt_row_text(t, 1, buf, sizeof buf);
	const char *p = strstr(buf, c->title);
	if (!p)
		return false;
	p += strlen(c->title);
	const char *bar = strstr(p, "│");
	size_t span = bar ? (size_t)(bar - p) : strlen(p);
	char cell[256];
	snprintf(cell, sizeof cell, "%.*s", (int)span, p);
	char *q = cell + strlen(cell);
	while (q > cell && q[-1] == ' ')
		*--q = '\0';
	size_t cl = strlen(c->count);
	return strlen(cell) >= cl && strcmp(cell + strlen(cell) - cl, c->count) == 0 &&
	       (strlen(cell) == cl || cell[strlen(cell) - cl - 1] == ' ');
}

/* Predicate: row does not contain text. */
static bool row_lacks(vt *t, void *ctx)
{
	return !row_has(t, ctx);
}

/* Waits until the hierarchy's header row shows title ... count. */
static bool header_count(vt *t, const char *title, const char *count)
{
	struct countctx c = {title, count};
	if (vt_wait(t, header_has_count, &c, T_WAIT))
		return true;
	fprintf(stderr, "vt: (waited for header '%s' with count %s)\n", title, count);
	return false;
}

/* Filters the focused column to text and waits for the breadcrumb to show want. */
static void filter_to(vt *t, const char *text, const char *want)
{
	char keys[128];
	snprintf(keys, sizeof keys, "/%s<Enter>", text);
	vt_keys(t, keys);
	assert_true(vt_wait_row(t, 0, want, T_WAIT));
}

/* Three levels with the counts from the fixture. */
static void test_navigate_three_levels(void **state)
{
	(void)state;
	vt *t = start(24, 120, NULL);
	assert_true(header_count(t, "Companies", "6"));
	filter_to(t, "acme", "Acme Coaching");
	assert_true(header_count(t, "Coaches", "3"));
	assert_true(vt_wait_text(t, "Ana Alvarez", T_WAIT));
	assert_true(vt_wait_text(t, "Cy Chen", T_WAIT));
	vt_keys(t, "l");
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Ana Alvarez", T_WAIT));
	assert_true(header_count(t, "Clients", "2"));
	assert_true(vt_wait_text(t, "Carol Client", T_WAIT));
	assert_true(vt_wait_text(t, "Dan Doe", T_WAIT));
	/* the detail pane follows the coach: readable metadata, not JSON */
	assert_true(vt_wait_text(t, "ana@acme.example", T_WAIT));
	assert_true(vt_wait_text(t, "Experience years: 15", T_WAIT));
	assert_true(vt_wait_text(t, "Specializations: C-suite, transitions", T_WAIT));
	assert_false(vt_has_text(t, "{\""));
	assert_true(vt_wait_text(t, "GROW  (primary)", T_WAIT));
	vt_keys(t, "j");
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Bob Brown", T_WAIT));
	assert_true(header_count(t, "Clients", "1"));
	assert_true(vt_wait_text(t, "Eve Early", T_WAIT));
	vt_keys(t, "kl");
	assert_true(vt_wait_row(t, 0, "Ana Alvarez › Carol Client", T_WAIT));
	assert_true(vt_wait_text(t, "Organization: Globex", T_WAIT));
	assert_true(vt_wait_text(t, "Goals: leadership presence, strategic thinking", T_WAIT));
	vt_keys(t, "hh");
	assert_true(
	    vt_wait(t, row_has, &(struct rowctx){0, " Acme Coaching", "Acme Coaching"}, T_WAIT));
	quit(t);
}

/* `/` filters server-side, case-insensitively; Esc clears. */
static void test_filter(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	assert_true(header_count(t, "Companies", "6"));
	vt_keys(t, "/BETA");
	assert_true(vt_wait_row(t, 1, "/BETA", T_WAIT));
	assert_true(vt_wait_gone(t, "Acme Coach", T_WAIT));
	assert_true(vt_wait_text(t, "Beta Partners", T_WAIT));
	vt_keys(t, "<Enter>");
	assert_true(header_count(t, "/BETA", "1"));
	vt_keys(t, "/<C-u>zzzz<Enter>");
	assert_true(vt_wait_text(t, "(no match)", T_WAIT));
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(header_count(t, "Companies", "6"));
	/* a filter by e-mail in the coaches column */
	filter_to(t, "acme", "Acme Coach");
	vt_keys(t, "l/bob@<Enter>");
	assert_true(vt_wait_row(t, 0, "Bob Brown", T_WAIT));
	assert_true(vt_wait_gone(t, "Ana Alvarez", T_WAIT));
	quit(t);
}

/* Keyset paging: 2,000 coaches, G/g, counts, and a held j. */
static void test_paging(void **state)
{
	(void)state;
	vt *t = start(24, 100, NULL);
	filter_to(t, "zeta", "Zeta Scale");
	assert_true(header_count(t, "Coaches", "2000"));
	vt_keys(t, "lG");
	assert_true(vt_wait_row(t, 0, "Coach 2000", T_WAIT));
	vt_keys(t, "g");
	assert_true(vt_wait_row(t, 0, "Coach 0001", T_WAIT));
	/* 300 j at once: the cursor lands on row 301 without queueing 300 loads */
	char keys[301];
	memset(keys, 'j', 300);
	keys[300] = '\0';
	vt_keys(t, keys);
	assert_true(vt_wait_row(t, 0, "Coach 0301", T_WAIT));
	assert_true(vt_wait_text(t, "c301@zeta.example", T_WAIT));
	vt_keys(t, "<PgDn>");
	assert_true(vt_wait(t, row_lacks, &(struct rowctx){0, "Coach 0301", NULL}, T_WAIT));
	assert_true(vt_wait_row(t, 0, "Coach 03", T_WAIT));
	vt_keys(t, "G");
	assert_true(vt_wait_row(t, 0, "Coach 2000", T_WAIT));
	vt_keys(t, "k");
	assert_true(vt_wait_row(t, 0, "Coach 1999", T_WAIT));
	quit(t);
}

/* Holding j through 2,000 coaches sends a handful of requests, not 2,000:
 * one in flight, only the newest wanted remembered (RAPPORT_STATS counts). */
static void test_latest_wins(void **state)
{
	(void)state;
	const char *env[] = {"RAPPORT_STATS=1", NULL};
	vt *t = start(24, 100, env);
	filter_to(t, "zeta", "Zeta Scale");
	vt_keys(t, "l");
	assert_true(vt_wait_row(t, 0, "Coach 0001", T_WAIT));
	char keys[2000];
	memset(keys, 'j', sizeof keys - 1);
	keys[sizeof keys - 1] = '\0';
	vt_keys(t, keys);
	assert_true(vt_wait_row(t, 0, "Coach 2000", T_WAIT));
	assert_true(vt_wait_text(t, "c2000@zeta.example", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	int row, col;
	assert_true(vt_find(t, "requests sent", &row, &col));
	char buf[512];
	vt_row_text(t, row, buf, sizeof buf);
	long sent = strtol(strstr(buf, "rapport: ") + 9, NULL, 10);
	fprintf(stderr, "latest-wins: %s\n", buf);
	assert_true(sent > 0);
	assert_true(sent < 100);
	vt_free(t);
}

/* `?` shows the help generated from the command table. */
static void test_help(void **state)
{
	(void)state;
	vt *t = start(30, 100, NULL);
	vt_keys(t, "?");
	assert_true(vt_wait_text(t, "Quit rapport", T_WAIT));
	assert_true(vt_wait_text(t, "Filter the focused list", T_WAIT));
	assert_true(vt_wait_text(t, "Keys", T_WAIT));
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_gone(t, "Quit rapport", T_WAIT));
	vt_keys(t, ":help<Enter>");
	assert_true(vt_wait_text(t, "Quit rapport", T_WAIT));
	vt_keys(t, "q");
	assert_true(vt_wait_gone(t, "Quit rapport", T_WAIT));
	quit(t);
}

/* A transcript in the pager: `/` highlights every hit, n/N step. */
static void test_pager_search(void **state)
{
	(void)state;
	vt *t = start(24, 120, NULL);
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Ana Alvarez › Carol Client", T_WAIT));
	/* the columns sought to Carol's parents also load the rows before them */
	assert_true(header_count(t, "Companies", "6"));
	assert_true(header_count(t, "Coaches", "3"));
	assert_true(vt_wait_text(t, "Data items (1)", T_WAIT));
	assert_true(vt_wait_text(t, "Session 1", T_WAIT));
	vt_keys(t, "<Tab><Enter>");
	assert_true(vt_wait_text(t, "How did the quarter go?", T_WAIT));
	assert_true(vt_wait_text(t, "transcript · Session 1", T_WAIT));
	vt_keys(t, "/budget<Enter>");
	assert_true(vt_wait_text(t, "match 1 of 3", T_WAIT));
	int row, col;
	assert_true(vt_find(t, "budget", &row, &col));
	vt_cell hit = vt_cell_at(t, row, col);
	vt_cell plain = vt_cell_at(t, row, 0);
	bool differs = hit.underline != plain.underline || hit.reverse != plain.reverse ||
	               hit.bold != plain.bold || hit.fg.index != plain.fg.index ||
	               hit.bg.index != plain.bg.index || hit.fg.is_default != plain.fg.is_default ||
	               hit.bg.is_default != plain.bg.is_default;
	assert_true(differs);
	vt_keys(t, "n");
	assert_true(vt_wait_text(t, "match 2 of 3", T_WAIT));
	vt_keys(t, "N");
	assert_true(vt_wait_text(t, "match 1 of 3", T_WAIT));
	/* w: long lines are cut instead of wrapped, and back */
	vt_resize(t, 24, 50);
	assert_true(vt_wait_text(t, "I felt unprepared.", T_WAIT));
	vt_keys(t, "w");
	assert_true(vt_wait_text(t, "long lines cut", T_WAIT));
	assert_true(vt_wait_gone(t, "I felt unprepared.", T_WAIT));
	vt_keys(t, "w");
	assert_true(vt_wait_text(t, "I felt unprepared.", T_WAIT));
	vt_resize(t, 24, 120);
	vt_keys(t, "q");
	assert_true(vt_wait_gone(t, "How did the quarter go?", T_WAIT));
	assert_true(vt_wait_text(t, "Carol Client", T_WAIT));
	quit(t);
}

/* The detail's history line opens the record's audit trail. */
static void test_history(void **state)
{
	(void)state;
	vt *t = start(24, 120, NULL);
	vt_keys(t, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching › Ana Alvarez", T_WAIT));
	assert_true(vt_wait_text(t, "changes to this record", T_WAIT));
	vt_keys(t, "<Tab>G<Enter>");
	assert_true(vt_wait_text(t, "history · Ana Alvarez", T_WAIT));
	assert_true(vt_wait_text(t, "insert by", T_WAIT));
	vt_keys(t, "q");
	assert_true(vt_wait_gone(t, "insert by", T_WAIT));
	quit(t);
}

/* Predicate: the selection row's colours changed from the remembered cell. */
static bool cell_changed(vt *t, void *ctx)
{
	vt_cell *before = ctx;
	int row, col;
	for (row = 2; row < 23; row++)
		if ((col = vt_row_find(t, row, "Acme Coach")) >= 0)
			break;
	if (row >= 23)
		return false;
	vt_cell now = vt_cell_at(t, row, col);
	return now.bg.r != before->bg.r || now.bg.g != before->bg.g || now.bg.b != before->bg.b ||
	       now.fg.r != before->fg.r || now.fg.g != before->fg.g || now.fg.b != before->fg.b;
}

/* Predicate: a list row (below the headers) shows Acme. */
static bool list_has_acme(vt *t, void *ctx)
{
	(void)ctx;
	for (int r = 2; r < 23; r++)
		if (vt_row_find(t, r, "Acme Coach") >= 0)
			return true;
	return false;
}

/* :theme switches live; Tab completes theme names. */
static void test_theme_switch(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	filter_to(t, "acme", "Acme Coaching");
	assert_true(vt_wait(t, list_has_acme, NULL, T_WAIT));
	int r2 = -1, c2 = -1;
	for (int r = 2; r < 23 && r2 < 0; r++)
		if ((c2 = vt_row_find(t, r, "Acme Coach")) >= 0)
			r2 = r;
	assert_true(r2 >= 2);
	vt_cell before = vt_cell_at(t, r2, c2);
	assert_false(before.bg.is_default && before.fg.is_default && !before.reverse);
	vt_keys(t, ":theme lig<Tab>");
	assert_true(vt_wait_text(t, ":theme light", T_WAIT));
	vt_keys(t, "<Enter>");
	assert_true(vt_wait_text(t, "theme light", T_WAIT));
	assert_true(vt_wait(t, cell_changed, &before, T_WAIT));
	vt_keys(t, ":theme no-such-theme<Enter>");
	assert_true(vt_wait_text(t, "no-such-theme", T_WAIT));
	quit(t);
}

/* Predicate: some list cell is in reverse video (the selection). */
static bool some_reverse(vt *t, void *ctx)
{
	(void)ctx;
	for (int r = 2; r < 23; r++)
		for (int c = 0; c < 40; c++)
			if (vt_cell_at(t, r, c).reverse)
				return true;
	return false;
}

/* NO_COLOR: no colour on any cell; the selection still shows (reverse). */
static void test_no_color(void **state)
{
	(void)state;
	const char *env[] = {"NO_COLOR=1", NULL};
	vt *t = start(24, 80, env);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(vt_wait(t, some_reverse, NULL, T_WAIT));
	assert_false(vt_any_color(t));
	quit(t);
}

/* Predicate: the first column separator sits at the same column on every
 * list row (rows 2 .. rows-2). */
static bool aligned(vt *t, void *ctx)
{
	(void)ctx;
	int rows, cols, sep = -1;
	vt_size(t, &rows, &cols);
	for (int c = 0; c < cols && sep < 0; c++)
		if (strcmp(vt_cell_at(t, 2, c).text, "│") == 0)
			sep = c;
	if (sep <= 0)
		return false;
	for (int r = 2; r < rows - 1; r++)
		if (strcmp(vt_cell_at(t, r, sep).text, "│") != 0)
			return false;
	return true;
}

/* Column separators line up (waits for the paint to complete). */
static void assert_aligned(vt *t, int rows)
{
	(void)rows;
	assert_true(vt_wait(t, aligned, NULL, T_WAIT));
}

/* Hostile names: title untouched, nothing cleared, escapes visible, aligned. */
static void test_hostile_names(void **state)
{
	(void)state;
	vt *t = start(24, 100, NULL);
	assert_true(vt_wait_text(t, "Acme Coaching", T_WAIT));
	assert_true(vt_wait_text(t, "\\x1b]0;pwned", T_WAIT));
	assert_true(vt_wait_text(t, "Right<U+202E", T_WAIT));
	assert_true(vt_wait_text(t, "東京コーチング", T_WAIT));
	filter_to(t, "evil", "pwned");
	assert_true(vt_wait_text(t, "\\x07", T_WAIT));
	assert_string_equal(vt_title(t), "");
	size_t len;
	const char *raw = vt_raw(t, &len);
	assert_null(find_bytes(raw, len, "\033]0;pwned", 9));
	assert_null(find_bytes(raw, len, "\a\033[2J", 5));
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "Beta Partners", T_WAIT));
	assert_aligned(t, 24);
	/* CJK coach names keep the columns aligned too */
	filter_to(t, "tokyo", "東京コーチング");
	assert_true(vt_wait_text(t, "山田 健二", T_WAIT));
	assert_aligned(t, 24);
	assert_string_equal(vt_title(t), "");
	quit(t);
}

/* Below 40x10 a notice; back to normal when enlarged. 80x24 and 200x60. */
static void test_resize(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	vt_resize(t, 8, 30);
	assert_true(vt_wait_text(t, "too small", T_WAIT));
	/* narrower than the notice: it takes two lines, the size needed whole */
	vt_resize(t, 6, 20);
	assert_true(vt_wait_all(t, T_WAIT, "too small: 20x6", "need 40x10", (char *)NULL));
	vt_resize(t, 60, 200);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	assert_true(vt_wait_text(t, "Acme Coach", T_WAIT));
	assert_true(vt_wait_gone(t, "too small", T_WAIT));
	assert_true(vt_wait_text(t, "Coaches", T_WAIT));
	assert_true(vt_wait_text(t, "Clients", T_WAIT));
	assert_aligned(t, 60);
	vt_resize(t, 24, 80);
	assert_true(vt_wait(t, row_has, &(struct rowctx){23, "", NULL}, T_WAIT));
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	quit(t);
}

/* A burst of 1,000 resizes coalesces and the program stays usable. */
static void test_resize_burst(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	for (int i = 0; i < 1000; i++) {
		vt_resize(t, 10 + i % 40, 40 + (i * 7) % 120);
		if (i % 50 == 0)
			vt_pump(t, 0);
	}
	vt_resize(t, 24, 80);
	vt_keys(t, "/beta<Enter>");
	assert_true(vt_wait_row(t, 0, "Beta Partners", T_WAIT));
	assert_true(vt_wait_gone(t, "Acme Coaching", T_WAIT));
	quit(t);
}

/* SIGTERM restores the terminal and exits 143. */
static void test_sigterm_restores(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	assert_true(vt_altscreen(t));
	vt_kill(t, SIGTERM);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 143);
	assert_false(vt_altscreen(t));
	vt_free(t);
}

/* --exit-after-paint quits by itself after a full first screen. */
static void test_exit_after_paint(void **state)
{
	(void)state;
	vt *t = start_args(24, 80, "--exit-after-paint", NULL);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* --view orgs and models, and :view switches. */
static void test_views(void **state)
{
	(void)state;
	vt *t = start_args(24, 100, "--view", "orgs");
	assert_true(vt_wait_text(t, "Organizations", T_WAIT));
	assert_true(header_count(t, "Organizations", "2"));
	filter_to(t, "globex", "Globex");
	assert_true(header_count(t, "Clients", "2"));
	assert_true(vt_wait_text(t, "Eve Early", T_WAIT));
	vt_keys(t, ":view models<Enter>");
	assert_true(vt_wait_text(t, "Models", T_WAIT));
	filter_to(t, "grow", "GROW");
	assert_true(vt_wait_text(t, "Bob Brown", T_WAIT));
	assert_true(vt_wait_text(t, "* Ana Alvarez", T_WAIT));
	vt_keys(t, ":view companies<Enter>");
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	quit(t);
}

/* Column of the first "│" on row r, or -1. */
static int first_bar(vt *t, int r)
{
	int rows, cols;
	vt_size(t, &rows, &cols);
	for (int c = 0; c < cols; c++) {
		vt_cell k = vt_cell_at(t, r, c);
		if (strcmp(k.text, "│") == 0)
			return c;
	}
	return -1;
}

/* At 80x24 the hierarchy shows the focused list and its parent (at least
 * 21 columns each; the breadcrumb keeps the whole path) and the detail
 * wraps between words: a slug that fits a line is never cut. */
static void test_narrow_layout(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_browse");
	testdb_exec(d, "INSERT INTO coaching_companies (id, name, slug) VALUES"
	               " ('10000000-0000-0000-0000-0000000000c1', 'Clearwater Collab',"
	               "  'clearwater-coaching-collab'),"
	               " ('10000000-0000-0000-0000-0000000000c2', 'Clearwater Collective',"
	               "  'clearwater-coaching-collective')");
	vt *t = start(24, 80, NULL);
	vt_keys(t, ":goto carol@globex.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching \u203a Ana Alvarez \u203a Carol Client", T_WAIT));
	assert_true(vt_wait_text(t, "Clients", T_WAIT));
	assert_true(vt_wait_text(t, "Coaches", T_WAIT));
	assert_true(vt_wait_gone(t, "Companies", T_WAIT)); /* the grandparent column is hidden */
	int bar = first_bar(t, 3);
	assert_true(bar >= 21);
	/* back to the companies: it and its coaches */
	vt_keys(t, "hh");
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	/* a wait, not a look: "Companies" may be on screen before the rest of
	 * the frame that removes the clients column has been read */
	assert_true(vt_wait_gone(t, "Clients", T_WAIT));
	vt_keys(t, ":goto clearwater-coaching-collab<Enter>");
	assert_true(vt_wait_text(t, "Slug:", T_WAIT));
	assert_true(vt_wait_text(t, "clearwater-coaching-collab", T_WAIT));
	/* as wide as the detail's text: on a line of its own, not cut */
	vt_keys(t, ":goto clearwater-coaching-collective<Enter>");
	assert_true(vt_wait_text(t, "clearwater-coaching-collective", T_WAIT));
	quit(t);
	testdb_exec(d, "DELETE FROM coaching_companies WHERE slug LIKE 'clearwater-coaching-coll%'");
	db_close(d);
}

/* Starts rapport on the fixture with a config file holding text. */
static vt *start_config(int rows, int cols, const char *text, char *path, size_t pathsz)
{
	vt_temp_file(path, pathsz, text);
	const char *args[] = {"-d", conninfo, "--config", path, NULL};
	vt *t = vt_start(rows, cols, args, NULL);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	return t;
}

/* A cursor moving past the bottom scrolls the list half a page (one column
 * redrawn per half page, not per move); scroll_jump = 1 scrolls one row. At
 * 24 rows the coaches column shows 21 rows (screen rows 2-22). */
static void test_scroll_jump(void **state)
{
	(void)state;
	char path[64];
	const char *cases[][3] = {{"", "Coach 0011", "Coach 1970"},
	                          {"scroll_jump = 1\n", "Coach 0002", "Coach 1979"}};
	for (size_t i = 0; i < 2; i++) {
		vt *t = start_config(24, 100, cases[i][0], path, sizeof path);
		filter_to(t, "zeta", "Zeta Scale");
		vt_keys(t, "l");
		assert_true(vt_wait_row(t, 0, "Coach 0001", T_WAIT));
		assert_true(vt_wait_row(t, 2, "Coach 0001", T_WAIT));
		vt_keys(t, "jjjjjjjjjjjjjjjjjjjj"); /* 20: the last visible row */
		assert_true(vt_wait_row(t, 0, "Coach 0021", T_WAIT));
		assert_true(vt_wait_row(t, 2, "Coach 0001", T_WAIT));
		vt_keys(t, "j");
		assert_true(vt_wait_row(t, 0, "Coach 0022", T_WAIT));
		assert_true(vt_wait_row(t, 2, cases[i][1], T_WAIT));
		/* G then moving up past the top scrolls the same way */
		vt_keys(t, "G");
		assert_true(vt_wait_row(t, 22, "Coach 2000", T_WAIT));
		vt_keys(t, "kkkkkkkkkkkkkkkkkkkk"); /* 20: the first visible row */
		assert_true(vt_wait_row(t, 0, "Coach 1980", T_WAIT));
		assert_true(vt_wait_row(t, 2, "Coach 1980", T_WAIT));
		vt_keys(t, "k");
		assert_true(vt_wait_row(t, 0, "Coach 1979", T_WAIT));
		assert_true(vt_wait_row(t, 2, cases[i][2], T_WAIT));
		quit(t);
		unlink(path);
	}
}

/* Predicate: the detail (right of the bar on row 0) shows only the title of
 * Coach 0003 (no email of any record under it). */
static bool detail_title_only(vt *t, void *ctx)
{
	(void)ctx;
	char buf[1024];
	vt_row_text(t, 0, buf, sizeof buf);
	return strstr(buf, "\u2502 Coach 0003") && !vt_has_text(t, "@zeta.example");
}

/* Moves in quick succession load the detail only once the cursor rests:
 * meanwhile the detail pane shows the new title alone (never the previous
 * record under it). detail.delay_ms = 2000 makes the resting state long
 * enough to see. */
static void test_detail_follows_at_rest(void **state)
{
	(void)state;
	char path[64];
	vt *t = start_config(24, 120, "detail.delay_ms = 2000\n", path, sizeof path);
	filter_to(t, "zeta", "Zeta Scale");
	vt_keys(t, "l");
	assert_true(vt_wait_row(t, 0, "Coach 0001", T_WAIT));
	assert_true(vt_wait_text(t, "c1@zeta.example", T_WAIT));
	vt_keys(t, "jj");
	assert_true(vt_wait_row(t, 0, "Coach 0003", T_WAIT));
	assert_true(vt_wait(t, detail_title_only, NULL, T_WAIT));
	/* at rest, the record arrives */
	assert_true(vt_wait_text(t, "c3@zeta.example", T_WAIT));
	assert_false(vt_has_text(t, "c2@zeta.example"));
	quit(t);
	unlink(path);
}

/* The selected coach, the last of its company, is deleted elsewhere; C-l
 * reloads: the list lands on its neighbour (the new last row) and the clients column of
 * the deleted one is not asked for (it once sent a request with an empty
 * parent: "not a uuid: ''" on the status line). */
static void test_reload_after_selection_deleted(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_browse");
	testdb_exec(d, "INSERT INTO coaches (id, coaching_company_id, email, name) VALUES"
	               " ('20000000-0000-0000-0000-0000000000ff',"
	               "  '10000000-0000-0000-0000-000000000001', 'zz@acme.example', 'Zz Last')");
	vt *t = start(24, 120, NULL);
	vt_keys(t, ":goto zz@acme.example<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching \u203a Zz Last", T_WAIT));
	assert_true(vt_wait_text(t, "zz@acme.example", T_WAIT));
	testdb_exec(d, "DELETE FROM coaches WHERE id = '20000000-0000-0000-0000-0000000000ff'");
	vt_keys(t, "<C-l>");
	assert_true(vt_wait_gone(t, "Zz Last", T_WAIT));
	/* the cursor lands on the neighbour, now the last coach; the detail
	 * follows it: every request queued by the reload before it has been
	 * answered by then */
	assert_true(vt_wait_row(t, 0, "Acme Coaching \u203a Cy Chen", T_WAIT));
	assert_true(vt_wait_text(t, "cy@acme.example", T_WAIT));
	char status[1024];
	vt_row_text(t, 23, status, sizeof status);
	if (strstr(status, "uuid") || strstr(status, "not loaded"))
		fail_msg("status line after the reload: %s", status);
	assert_false(vt_has_text(t, "not loaded"));
	quit(t);
	db_close(d);
}

/* At 80x24 the detail wraps its long lines; moving through the data items
 * scrolls by screen rows, so the selected item (here the history line after
 * G) is on screen. It once scrolled by unwrapped lines: the cursor moved
 * below the bottom, unseen, and Enter opened an item nobody could see. */
static void test_detail_scrolls_wrapped(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_browse");
	testdb_exec(d, "UPDATE coaches SET bio = NULL, metadata = jsonb_build_object("
	               " 'specializations', jsonb_build_array("
	               "  repeat('negotiation and stakeholder management ', 3),"
	               "  repeat('first-time managers and new teams ', 3),"
	               "  repeat('executive presence in board rooms ', 3),"
	               "  repeat('career transitions after a merger ', 3)),"
	               " 'languages', repeat('English, Spanish, Portuguese, ', 4))"
	               " WHERE email = 'dee@beta.example';"
	               "INSERT INTO data_items (data_type, coach_id, visibility_level,"
	               "                        raw_content, metadata)"
	               " SELECT 'note', '20000000-0000-0000-0000-000000000004', 'private',"
	               "        'note ' || i, jsonb_build_object('title', 'Dee note ' || i)"
	               " FROM generate_series(1, 12) i");
	vt *t = start(24, 80, NULL);
	vt_keys(t, ":goto dee@beta.example<Enter>");
	assert_true(vt_wait_text(t, "Data items (12)", T_WAIT));
	/* the history line is below the bottom before the move */
	assert_false(vt_has_text(t, "changes to this record"));
	vt_keys(t, "<Tab>G");
	assert_true(vt_wait_text(t, "changes to this record", T_WAIT));
	/* g goes back to the top: the title row again */
	vt_keys(t, "g");
	assert_true(vt_wait_text(t, "Email: dee@beta.example", T_WAIT));
	quit(t);
	testdb_exec(
	    d, "DELETE FROM data_items WHERE coach_id = '20000000-0000-0000-0000-000000000004';"
	       "UPDATE coaches SET metadata = '{}' WHERE email = 'dee@beta.example'");
	db_close(d);
}

/* At 80x24 the breadcrumb is 45 columns: a long client name keeps its room
 * and the names before it are cut ("…"); it once kept the company and cut
 * the client, the one name the breadcrumb is there to show. */
static void test_breadcrumb_keeps_last_name(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_browse");
	testdb_exec(d, "INSERT INTO clients (id, client_organization_id, primary_coach_id, email,"
	               "                     name)"
	               " VALUES ('40000000-0000-0000-0000-0000000000ff',"
	               "         '30000000-0000-0000-0000-000000000002',"
	               "         '20000000-0000-0000-0000-000000000004', 'max@initech.example',"
	               "         'Maximilian Fitzgerald-Worthington')");
	vt *t = start(24, 80, NULL);
	vt_keys(t, ":goto max@initech.example<Enter>");
	assert_true(vt_wait_row(t, 0, "\u2026 \u203a Maximilian Fitzgerald-Worthington", T_WAIT));
	assert_true(vt_wait_row(t, 0, " B\u2026 \u203a De", T_WAIT)); /* each keeps a start */
	quit(t);
	testdb_exec(d, "DELETE FROM clients WHERE id = '40000000-0000-0000-0000-0000000000ff'");
	db_close(d);
}

/* A message on the status line gets the room it needs; the connection
 * shows beside it only when there is some left. It once kept half the line
 * for the connection and cut messages at 40 columns. */
static void test_status_message_whole(void **state)
{
	(void)state;
	vt *t = start(24, 80, NULL);
	vt_keys(t, ":goto nobody@nowhere.example<Enter>");
	assert_true(vt_wait_row(
	    t, 23, "no client, coach, company, organization or model \"nobody@nowhere.example\"",
	    T_WAIT));
	/* the hint, short, leaves room for the connection again */
	vt_keys(t, "j");
	assert_true(vt_wait_row(t, 23, "?:help", T_WAIT));
	assert_true(vt_wait_row(t, 23, "@t_h7_browse", T_WAIT));
	quit(t);
}

/* The detail shows each value as one wrapped paragraph: a bio's or a
 * metadata string's line breaks and tabs are spaces there (they were
 * "\x0a" escapes in the middle of the text); other control characters stay
 * escaped. */
static void test_detail_newlines_flattened(void **state)
{
	(void)state;
	db *d = testdb_connect("h7_browse");
	testdb_exec(d, "UPDATE coaches SET bio = E'First line.\\nSecond\\tline.',"
	               " metadata = jsonb_build_object('note', E'a\\r\\nb', 'bell', E'x\\u0007y')"
	               " WHERE email = 'bob@acme.example'");
	vt *t = start(24, 120, NULL);
	vt_keys(t, ":goto bob@acme.example<Enter>");
	assert_true(vt_wait_all(t, T_WAIT, "Bio: First line. Second line.", "Note: a  b",
	                        "Bell: x\\x07y", (char *)NULL));
	assert_false(vt_has_text(t, "\\x0a"));
	assert_false(vt_has_text(t, "\\x09"));
	quit(t);
	testdb_exec(d, "UPDATE coaches SET bio = NULL, metadata = '{}'"
	               " WHERE email = 'bob@acme.example'");
	db_close(d);
}

/* Every command runs by name from the command line, as keys.md and the
 * help overlay (":name" for a command without a key) say; it once knew only
 * q, w, goto, view, theme and help ("unknown command :edit"). */
static void test_named_commands(void **state)
{
	(void)state;
	char path[64];
	vt *t = start_config(24, 120, "unbind list e\n", path, sizeof path);
	assert_true(vt_wait_row(t, 0, "Evil Co", T_WAIT)); /* first by name */
	vt_keys(t, ":down<Enter>");
	assert_true(vt_wait_row(t, 0, "Acme Coaching", T_WAIT));
	/* e is unbound: the help names the command, and :edit runs it */
	vt_keys(t, "?");
	assert_true(vt_wait_text(t, ":edit", T_WAIT));
	vt_keys(t, "<Esc>:edit<Enter>");
	assert_true(vt_wait_text(t, "Edit company \u00b7 Acme Coaching", T_WAIT));
	/* in the form, the form's commands */
	vt_keys(t, ":raw-json<Enter>");
	assert_true(vt_wait_text(t, "\u00b7 raw JSON", T_WAIT));
	vt_keys(t, "<Esc><Esc>");
	assert_true(vt_wait_gone(t, "Edit company", T_WAIT));
	vt_keys(t, ":search-all<Enter>");
	assert_true(vt_wait_text(t, "search \u203a", T_WAIT));
	vt_keys(t, "<Esc>:nonsense<Enter>");
	assert_true(vt_wait_text(t, "unknown command :nonsense", T_WAIT));
	quit(t);
	unlink(path);
}

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	conninfo = browse_fixture("h7_browse");
	return 0;
}

/* Group teardown. */
static int teardown(void **state)
{
	(void)state;
	free(conninfo);
	testdb_drop("h7_browse");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_navigate_three_levels),
	    cmocka_unit_test(test_filter),
	    cmocka_unit_test(test_paging),
	    cmocka_unit_test(test_latest_wins),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_pager_search),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_theme_switch),
	    cmocka_unit_test(test_no_color),
	    cmocka_unit_test(test_hostile_names),
	    cmocka_unit_test(test_resize),
	    cmocka_unit_test(test_resize_burst),
	    cmocka_unit_test(test_sigterm_restores),
	    cmocka_unit_test(test_exit_after_paint),
	    cmocka_unit_test(test_views),
	    cmocka_unit_test(test_narrow_layout),
	    cmocka_unit_test(test_scroll_jump),
	    cmocka_unit_test(test_detail_follows_at_rest),
	    cmocka_unit_test(test_reload_after_selection_deleted),
	    cmocka_unit_test(test_detail_scrolls_wrapped),
	    cmocka_unit_test(test_breadcrumb_keeps_last_name),
	    cmocka_unit_test(test_status_message_whole),
	    cmocka_unit_test(test_detail_newlines_flattened),
	    cmocka_unit_test(test_named_commands),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests_name("e2e_browse", tests, setup, teardown);
}
