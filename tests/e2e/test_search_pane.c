/* Screen tests of the search pane: the real binary in a pty (tests/common/vt)
 * against a real database with hash-embedded transcripts. Global and scoped
 * search, highlighted matches, instant mode switch, the pager at the hit,
 * more-like-this, history, jump to the client, and Esc cancelling a query
 * that is blocked on a lock while the keyboard keeps working. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "common/vt.h"
#include "rapport/chunk.h"
#include "rapport/embed.h"

#define DBNAME "h6_search_pane"
#define T_WAIT 10000

static char *conninfo;

static const char people_sql[] =
    "INSERT INTO coaching_companies (name, slug) VALUES ('Acme Coaching', 'acme');"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, e, n FROM"
    " coaching_companies, (VALUES ('ana@acme.test', 'Ana Alves'), ('ben@acme.test',"
    " 'Ben Brandt')) v(e, n);"
    "INSERT INTO client_organizations (name, slug) VALUES ('Globex', 'globex');"
    "INSERT INTO clients (client_organization_id, primary_coach_id, email, name)"
    " SELECT o.id, c.id, v.email, v.name FROM (VALUES ('ana@acme.test', 'dora@globex.test',"
    " 'Dora Diaz'), ('ben@acme.test', 'eli@globex.test', 'Eli Evans')) v(coach, email, name)"
    " JOIN client_organizations o ON o.slug = 'globex' JOIN coaches c ON c.email = v.coach;";

static const struct {
	const char *coach, *client, *title, *text;
} items[] = {
    {"ana@acme.test", "dora@globex.test", "Delegation session",
     "Ana: You said you still review every pull request yourself.\n"
     "Dora: I know I should delegate ownership, but work comes back late and I redo it.\n"
     "Ana: Which decisions could the team leads own completely?\n"
     "Dora: Hiring for their teams, sprint planning, code review.\n"},
    {"ana@acme.test", "dora@globex.test", "Sleep and energy",
     "Ana: You look tired.\n"
     "Dora: Four hours of sleep a night, email at midnight, burnout probably.\n"
     "Ana: What could you stop doing this week?\n"},
    {"ben@acme.test", "eli@globex.test", "Hard feedback",
     "Ben: You wanted to prepare the feedback conversation with your sales director.\n"
     "Eli: He misses targets and I keep postponing the feedback.\n"
     "Ben: What does postponing cost the team?\n"},
};

/* Inserts one item and its hash-embedded chunks. */
static void insert_item(db *d, int dim, size_t k)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "INSERT INTO data_items (data_type, coach_id, client_id, client_organization_id,"
	         " visibility_level, raw_content, metadata) SELECT 'transcript', co.id, cl.id,"
	         " cl.client_organization_id, 'coach_only', $t$%s$t$, jsonb_build_object('title',"
	         " '%s', 'session_date', '2025-05-0%zu') FROM coaches co, clients cl"
	         " WHERE co.email = '%s' AND cl.email = '%s' RETURNING id",
	         items[k].text, items[k].title, k + 1, items[k].coach, items[k].client);
	char *id = NULL;
	if (db_exec_value(d, sql, &id) != DB_OK || !id)
		fail_msg("%s", db_errmsg(d));
	const char *text = items[k].text;
	chunk_span *sp = NULL;
	size_t n = chunk_text(text, strlen(text), &(chunk_opts){120, 30}, &sp);
	float *v = malloc(sizeof *v * (size_t)dim);
	for (size_t i = 0; i < n; i++) {
		size_t len = sp[i].end - sp[i].start;
		embed_hash(text + sp[i].start, len, dim, v);
		char *vtext = embed_vector_text(v, dim);
		size_t cap = strlen(vtext) + len + 400;
		char *ins = malloc(cap);
		snprintf(ins, cap,
		         "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding, metadata)"
		         " VALUES ('%s', %zu, $t$%.*s$t$, '%s', '{\"embedding_model\": \"hash-v1\","
		         " \"start\": %zu, \"end\": %zu}')",
		         id, i, (int)len, text + sp[i].start, vtext, sp[i].start, sp[i].end);
		testdb_exec(d, ins);
		free(ins);
		free(vtext);
	}
	free(v);
	free(sp);
	free(id);
}

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	db *d = testdb_open(DBNAME);
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	testdb_exec(d, people_sql);
	for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
		insert_item(d, caps.embedding_dim, k);
	db_close(d);
	conninfo = testdb_conninfo(DBNAME);
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

/* rapport on the fixture at rows x cols, waiting for the browser. */
static vt *start(int rows, int cols)
{
	const char *args[] = {"-d", conninfo, NULL};
	vt *t = vt_start(rows, cols, args, NULL);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	return t;
}

/* Predicate: the screen shows the text ctx. */
static bool shows(vt *t, void *ctx)
{
	return vt_has_text(t, ctx);
}

/* Quits (closing overlays first: Esc cancels a running search, leaves the
 * query line, then closes the pane) and checks the exit status. */
static void quit(vt *t)
{
	for (int i = 0; i < 6 && !vt_wait_quiet(t, shows, "Companies", 1500); i++)
		vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T_WAIT), 0);
	vt_free(t);
}

/* True when two cells are drawn differently (colour or attribute). */
static bool cells_differ(vt_cell a, vt_cell b)
{
	return a.bold != b.bold || a.underline != b.underline || a.reverse != b.reverse ||
	       a.fg.r != b.fg.r || a.fg.g != b.fg.g || a.fg.b != b.fg.b || a.bg.r != b.bg.r ||
	       a.bg.g != b.bg.g || a.bg.b != b.bg.b || a.fg.is_default != b.fg.is_default ||
	       a.bg.is_default != b.bg.is_default;
}

/* Row of the first line containing text below the pane's header rows, or -1. */
static int row_of(vt *t, const char *text, int from)
{
	int rows, cols;
	vt_size(t, &rows, &cols);
	for (int r = from; r < rows; r++)
		if (vt_row_find(t, r, text) >= 0)
			return r;
	return -1;
}

/* Predicate: a result row (below the header rows) shows "ownership" drawn
 * differently from the plain word "know" on the same row. A paint can reach
 * the terminal in several reads, so rows are read only once this holds. */
static bool match_highlighted(vt *t, void *ctx)
{
	(void)ctx;
	int r = row_of(t, "ownership", 3);
	if (r < 3)
		return false;
	int c = vt_row_find(t, r, "ownership"), plain = vt_row_find(t, r, "know");
	return plain >= 0 && cells_differ(vt_cell_at(t, r, c), vt_cell_at(t, r, plain));
}

/* Predicate: the text ctx is on a row below the pane's header rows. */
static bool in_results(vt *t, void *ctx)
{
	return row_of(t, ctx, 3) >= 3;
}

/* S, a query, results with the matched words highlighted; Tab switches the
 * mode instantly and re-runs; the history brings the query back. */
static void test_search_modes_and_highlight(void **state)
{
	(void)state;
	vt *t = start(30, 110);
	vt_keys(t, "S");
	assert_true(vt_wait_text(t, "search ›", T_WAIT));
	assert_true(vt_wait_text(t, "[hybrid]", T_WAIT));
	vt_keys(t, "delegate ownership<Enter>");
	assert_true(vt_wait_text(t, "results · hybrid", T_WAIT));
	assert_true(vt_wait_text(t, "Delegation session", T_WAIT));
	assert_true(vt_wait_text(t, "Dora Diaz", T_WAIT));
	/* the matched word in the snippet is drawn in the match role */
	assert_true(vt_wait(t, match_highlighted, NULL, T_WAIT));
	/* instant mode switch */
	vt_keys(t, "<Tab>");
	assert_true(vt_wait_text(t, "[semantic]", T_WAIT));
	assert_true(vt_wait_text(t, "results · semantic", T_WAIT));
	vt_keys(t, "<Tab>");
	assert_true(vt_wait_text(t, "[text]", T_WAIT));
	assert_true(vt_wait_text(t, "results · text", T_WAIT));
	assert_true(vt_wait_gone(t, "Hard feedback", T_WAIT));
	vt_keys(t, "<Tab>");
	assert_true(vt_wait_text(t, "[hybrid]", T_WAIT));
	assert_true(vt_wait_text(t, "results · hybrid", T_WAIT));
	/* a second query, then history back to the first */
	/* wait for what only the new query shows: hybrid results of the first
	 * query list "Hard feedback" too, and its query line reads "delegate
	 * ownership" until the typed keys are painted */
	vt_keys(t, "/<C-u>postponing feedback<Enter>");
	assert_true(vt_wait_text(t, "search › postponing feedback", T_WAIT));
	assert_true(vt_wait(t, in_results, "Hard feedback", T_WAIT));
	vt_keys(t, "/<C-u><Up><Up>");
	assert_true(vt_wait_text(t, "search › delegate ownership", T_WAIT));
	vt_keys(t, "<Down>");
	assert_true(vt_wait_text(t, "search › postponing feedback", T_WAIT));
	quit(t);
}

/* s on a coach scopes the search; Enter opens the pager at the hit; m finds
 * similar passages; o jumps the hierarchy to the client. */
static void test_scoped_pager_like_jump(void **state)
{
	(void)state;
	vt *t = start(30, 110);
	vt_keys(t, "l");
	assert_true(vt_wait_text(t, "Ana Alves", T_WAIT));
	vt_keys(t, "s");
	assert_true(vt_wait_text(t, "in coach Ana Alves", T_WAIT));
	vt_keys(t, "feedback or sleep or delegate<Enter>");
	assert_true(vt_wait_text(t, "results", T_WAIT));
	assert_true(vt_wait_text(t, "Sleep and energy", T_WAIT));
	/* Ben's session is out of scope: it never appears */
	assert_false(vt_wait_quiet(t, shows, "Hard feedback", 500));
	/* the pager opens on the item, at the chunk */
	assert_true(vt_wait(t, in_results, "Sleep and energy", T_WAIT));
	vt_keys(t, "<Enter>");
	assert_true(vt_wait_text(t, "Four hours of sleep", T_WAIT));
	vt_keys(t, "q");
	assert_true(vt_wait_text(t, "search ›", T_WAIT));
	/* more like this */
	vt_keys(t, "m");
	assert_true(vt_wait_text(t, "like ›", T_WAIT));
	assert_true(vt_wait_text(t, "like: ", T_WAIT));
	assert_true(vt_wait_text(t, "results", T_WAIT));
	/* jump to the client */
	vt_keys(t, "o");
	assert_true(vt_wait_gone(t, "like ›", T_WAIT));
	assert_true(vt_wait_text(t, "Dora Diaz", T_WAIT));
	quit(t);
}

/* A search blocked on a lock shows that it runs, the keyboard still works
 * (the query line takes text), and Esc cancels it. */
static void test_esc_cancels_slow_query(void **state)
{
	(void)state;
	vt *t = start(30, 110);
	vt_keys(t, "S");
	assert_true(vt_wait_text(t, "search ›", T_WAIT));
	vt_keys(t, "<Tab><Tab>"); /* text mode: no embedding needed */
	assert_true(vt_wait_text(t, "[text]", T_WAIT));
	db *lock = testdb_connect(DBNAME);
	testdb_exec(lock, "BEGIN; LOCK TABLE data_chunks IN ACCESS EXCLUSIVE MODE");
	vt_keys(t, "feedback<Enter>");
	assert_true(vt_wait_text(t, "searching…", T_WAIT));
	vt_keys(t, " more"); /* the query line still takes keys */
	assert_true(vt_wait_text(t, "search › feedback more", T_WAIT));
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "search cancelled", T_WAIT));
	/* and the server stopped waiting: the query was cancelled, not abandoned */
	bool waiting = true;
	for (int i = 0; waiting && i < 100; i++) {
		char *n = NULL;
		assert_int_equal(db_exec_value(lock, "SELECT count(*) FROM pg_stat_activity WHERE"
		                                     " datname = 't_" DBNAME "' AND wait_event_type"
		                                     " = 'Lock'", &n), DB_OK);
		waiting = strcmp(n, "0") != 0;
		free(n);
		if (waiting)
			vt_pump(t, 50);
	}
	assert_false(waiting);
	testdb_exec(lock, "ROLLBACK");
	db_close(lock);
	vt_keys(t, "<C-u>feedback<Enter>");
	assert_true(vt_wait_text(t, "Hard feedback", T_WAIT));
	quit(t);
}

/* The query time is shown, except under RAPPORT_HIDE_TIMINGS=1 (screenshot
 * runs), where the status line is the same on every run. */
static void test_hide_timings(void **state)
{
	(void)state;
	for (int hide = 0; hide < 2; hide++) {
		const char *args[] = {"-d", conninfo, NULL};
		const char *env[] = {hide ? "RAPPORT_HIDE_TIMINGS=1" : "RAPPORT_HIDE_TIMINGS", NULL};
		vt *t = vt_start(30, 110, args, env);
		assert_true(vt_wait_text(t, "Companies", T_WAIT));
		vt_keys(t, "S");
		assert_true(vt_wait_text(t, "search ›", T_WAIT));
		vt_keys(t, "<Tab><Tab>feedback<Enter>"); /* text mode */
		assert_true(vt_wait_text(t, "results · text", T_WAIT));
		char row[512];
		vt_row_text(t, 2, row, sizeof row);
		if (hide)
			assert_null(strstr(row, " ms"));
		else
			assert_non_null(strstr(row, "results · text · "));
		quit(t);
	}
}

/* Runs the tests in order (later ones build on the fixture). */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_search_modes_and_highlight),
	    cmocka_unit_test(test_hide_timings),
	    cmocka_unit_test(test_scoped_pager_like_jump),
	    cmocka_unit_test(test_esc_cancels_slow_query),
	};
	return cmocka_run_group_tests_name("e2e_search", tests, setup, teardown);
}
