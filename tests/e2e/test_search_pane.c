/* Screen tests of the search pane: the real binary in a pty (tests/common/vt)
 * against a real database with hash-embedded transcripts. Global and scoped
 * search, highlighted matches, instant mode switch, the pager at the hit,
 * more-like-this, history, jump to the client, and Esc cancelling a query
 * that is blocked on a lock while the keyboard keeps working.
 * A second group configures a slow `command` embedding provider (a script
 * that waits for a file the test creates): keys keep working while the query
 * is embedded, a newer query or Esc drops the embedding (its program is
 * killed), and quitting during one does not hang. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Inserts one item and its hash-embedded chunks, recorded as model's. */
static void insert_item(db *d, int dim, size_t k, const char *model)
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
		size_t cap = strlen(vtext) + len + strlen(model) + 400;
		char *ins = malloc(cap);
		snprintf(ins, cap,
		         "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding, metadata)"
		         " VALUES ('%s', %zu, $t$%.*s$t$, '%s', jsonb_build_object('embedding_model',"
		         " $m$%s$m$::text, 'start', %zu, 'end', %zu))",
		         id, i, (int)len, text + sp[i].start, vtext, model, sp[i].start, sp[i].end);
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
		insert_item(d, caps.embedding_dim, k, EMBED_HASH_MODEL_ID);
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
	/* the similar passages' own results (the scoped query's were hybrid) */
	assert_true(vt_wait_row(t, 2, "results · semantic", T_WAIT));
	assert_true(vt_wait_row(t, 0, "[semantic]", T_WAIT)); /* the tab says so too */
	/* jump to the client: the hierarchy's path ends at her (the results
	 * named her too, and may still be on screen while the pane closes) */
	vt_keys(t, "o");
	assert_true(vt_wait_gone(t, "like ›", T_WAIT));
	assert_true(vt_wait_row(t, 0, "\u203a Dora Diaz", T_WAIT));
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
		/* the header row is whole once the result rows below it are drawn */
		assert_true(vt_wait(t, in_results, "Hard feedback", T_WAIT));
		char row[512];
		vt_row_text(t, 2, row, sizeof row);
		if (hide)
			assert_null(strstr(row, " ms"));
		else
			assert_non_null(strstr(row, "results · text · "));
		quit(t);
	}
}

/* ---- a slow embedding provider ----------------------------------------------------
 * embed.command is a script that writes its pid to pid.QUERY, waits until
 * go.QUERY exists, then prints vec.QUERY (the hash embedding of QUERY). The
 * corpus is the same hash vectors recorded as that command's model, so the
 * search accepts the query vector; search.limit = 1 shows the best hit only. */

#define DBNAME_SLOW "h6_search_slow"
static char slow_dir[] = "/tmp/rapport-slow-embed-XXXXXX";
static char *conninfo_slow;
static char config_path[300];
static const char *const slow_words[] = {"delegate", "sleep", "feedback"};

/* Writes text to dir/name. */
static void write_file(const char *name, const char *text)
{
	char path[400];
	snprintf(path, sizeof path, "%s/%s", slow_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* dir/name of a word's file (pid, go, vec). */
static void word_path(const char *kind, const char *word, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.%s", slow_dir, kind, word);
}

/* Group setup: the script, the config, the vectors, the corpus. */
static int setup_slow(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(slow_dir));
	char script[1200], cfg[1200], model[400];
	snprintf(script, sizeof script,
	         "q=$(cat)\n"
	         "echo $$ > %s/pid.$q.tmp && mv %s/pid.$q.tmp %s/pid.$q\n"
	         "while [ ! -e %s/go.$q ]; do sleep 0.02; done\n"
	         "cat %s/vec.$q\n",
	         slow_dir, slow_dir, slow_dir, slow_dir, slow_dir);
	write_file("embed.sh", script);
	snprintf(model, sizeof model, "sh %s/embed.sh", slow_dir);
	snprintf(cfg, sizeof cfg,
	         "search.mode = hybrid\nsearch.limit = 1\nembed.provider = command\n"
	         "embed.command = %s\nembed.timeout_ms = 60000\n",
	         model);
	write_file("config", cfg);
	snprintf(config_path, sizeof config_path, "--config=%s/config", slow_dir);
	db *d = testdb_open(DBNAME_SLOW);
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	float *v = malloc(sizeof *v * (size_t)caps.embedding_dim);
	for (size_t i = 0; i < sizeof slow_words / sizeof slow_words[0]; i++) {
		embed_hash(slow_words[i], strlen(slow_words[i]), caps.embedding_dim, v);
		char *text = embed_vector_text(v, caps.embedding_dim), name[64];
		snprintf(name, sizeof name, "vec.%s", slow_words[i]);
		write_file(name, text);
		free(text);
	}
	free(v);
	char full_model[420];
	snprintf(full_model, sizeof full_model, "command:%s", model);
	testdb_exec(d, people_sql);
	for (size_t k = 0; k < sizeof items / sizeof items[0]; k++)
		insert_item(d, caps.embedding_dim, k, full_model);
	db_close(d);
	conninfo_slow = testdb_conninfo(DBNAME_SLOW);
	return 0;
}

/* Group teardown: the database and the directory. */
static int teardown_slow(void **state)
{
	(void)state;
	free(conninfo_slow);
	testdb_drop(DBNAME_SLOW);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", slow_dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* Each test starts with no pid or go files. */
static int clean_words(void **state)
{
	(void)state;
	char path[400];
	for (size_t i = 0; i < sizeof slow_words / sizeof slow_words[0]; i++) {
		word_path("pid", slow_words[i], path, sizeof path);
		unlink(path);
		word_path("go", slow_words[i], path, sizeof path);
		unlink(path);
	}
	return 0;
}

/* rapport with the slow provider, in the search pane (hybrid mode). */
static vt *start_slow(void)
{
	const char *args[] = {"-d", conninfo_slow, config_path, NULL};
	vt *t = vt_start(30, 110, args, NULL);
	assert_true(vt_wait_text(t, "Companies", T_WAIT));
	vt_keys(t, "S");
	assert_true(vt_wait_text(t, "search ›", T_WAIT));
	assert_true(vt_wait_text(t, "[hybrid]", T_WAIT));
	return t;
}

/* Predicate: the embedding program for word ctx has started (its pid file exists). */
static bool program_started(vt *t, void *ctx)
{
	(void)t;
	char path[400];
	struct stat st;
	word_path("pid", ctx, path, sizeof path);
	return stat(path, &st) == 0;
}

/* The pid the program for word wrote. */
static int program_pid(const char *word)
{
	char path[400];
	word_path("pid", word, path, sizeof path);
	FILE *f = fopen(path, "r");
	int pid = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

/* Predicate: process *ctx is gone (no such process, or a zombie nobody reaps). */
static bool process_gone(vt *t, void *ctx)
{
	(void)t;
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", *(int *)ctx);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *end = strrchr(buf, ')');
	return !end || end[1] != ' ' || end[2] == 'Z' || end[2] == 'X';
}

/* Lets the program for word print its vector. */
static void release(const char *word)
{
	char name[64];
	snprintf(name, sizeof name, "go.%s", word);
	write_file(name, "");
}

/* Predicate: the query line shows what the user typed while the status still
 * says the query is being embedded (so the keys were handled meanwhile). */
static bool typed_while_embedding(vt *t, void *ctx)
{
	return vt_has_text(t, ctx) && vt_has_text(t, "embedding the query…");
}

/* While a slow provider embeds the query, keys keep working: the mode
 * switches (the running embedding serves the new mode), the query line takes
 * text; then the result arrives. */
static void test_keys_work_while_embedding(void **state)
{
	(void)state;
	vt *t = start_slow();
	vt_keys(t, "delegate<Enter>");
	assert_true(vt_wait_text(t, "embedding the query…", T_WAIT));
	assert_true(vt_wait(t, program_started, "delegate", T_WAIT));
	int pid = program_pid("delegate");
	/* a mode switch keeps the running embedding (the same query) */
	vt_keys(t, "<Tab>");
	assert_true(vt_wait(t, typed_while_embedding, "[semantic]", T_WAIT));
	vt_keys(t, " ownership");
	assert_true(vt_wait(t, typed_while_embedding, "search › delegate ownership", T_WAIT));
	assert_int_equal(program_pid("delegate"), pid);
	assert_false(process_gone(t, &pid));
	release("delegate");
	assert_true(vt_wait(t, in_results, "Delegation session", T_WAIT));
	assert_true(vt_wait_text(t, "results · semantic", T_WAIT));
	/* the keys stayed with the query line the user typed in */
	vt_keys(t, "!");
	assert_true(vt_wait_text(t, "search › delegate ownership!", T_WAIT));
	quit(t);
}

struct watch {
	const char *never;      /* must never be on screen */
	const char *hit, *next; /* the wanted result row, and text of the row below it */
	bool seen;              /* set once `never` was on screen */
};

/* Predicate: the result row `hit` with `next` on the row below it; notes
 * whether `never` is on the screen at this read (without hit: true once it is). */
static bool result_watching(vt *t, void *ctx)
{
	struct watch *w = ctx;
	w->seen |= vt_has_text(t, w->never);
	if (!w->hit)
		return w->seen;
	int r = row_of(t, w->hit, 3);
	return r >= 3 && vt_row_find(t, r + 1, w->next) >= 0;
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

/* A newer query makes the older embedding stale: its program is stopped and
 * only the newer query's result is shown. */
static void test_newer_query_drops_older_embedding(void **state)
{
	(void)state;
	vt *t = start_slow();
	vt_keys(t, "sleep<Enter>");
	assert_true(vt_wait(t, program_started, "sleep", T_WAIT));
	int older = program_pid("sleep");
	vt_keys(t, "<C-u>feedback<Enter>");
	assert_true(vt_wait(t, program_started, "feedback", T_WAIT));
	assert_true(vt_wait(t, process_gone, &older, T_WAIT));
	vt_raw_clear(t);
	release("sleep"); /* nothing is waiting for it any more */
	release("feedback");
	/* the older query's hit never shows: watched on every read until the
	 * newer one's hit and its snippet (the row under it) are drawn, then a
	 * little longer for a late one, and looked for in all output since */
	struct watch w = {"Sleep and energy", "Hard feedback", "feedback", false};
	assert_true(vt_wait(t, result_watching, &w, T_WAIT));
	assert_false(vt_wait_quiet(t, result_watching, &(struct watch){"Sleep and energy", NULL,
	                                                                  NULL, false},
	                           500));
	assert_false(w.seen);
	assert_false(raw_has(t, "Sleep and energy"));
	quit(t);
}

/* Esc while the query is embedded: "search cancelled", the program is
 * stopped, and no result for that query appears afterwards; the next query
 * works. */
static void test_esc_cancels_embedding(void **state)
{
	(void)state;
	vt *t = start_slow();
	vt_keys(t, "delegate<Enter>");
	assert_true(vt_wait(t, program_started, "delegate", T_WAIT));
	int pid = program_pid("delegate");
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "search cancelled", T_WAIT));
	assert_true(vt_wait(t, process_gone, &pid, T_WAIT));
	release("delegate");
	assert_false(vt_wait_quiet(t, shows, "Delegation session", 1000));
	assert_true(vt_has_text(t, "search cancelled"));
	vt_keys(t, "<C-u>sleep<Enter>");
	assert_true(vt_wait(t, program_started, "sleep", T_WAIT));
	release("sleep");
	assert_true(vt_wait(t, in_results, "Sleep and energy", T_WAIT));
	quit(t);
}

/* Quitting (SIGTERM, as a closing terminal would) while a query is being
 * embedded ends rapport promptly and stops the program. */
static void test_quit_while_embedding(void **state)
{
	(void)state;
	vt *t = start_slow();
	vt_keys(t, "delegate<Enter>");
	assert_true(vt_wait(t, program_started, "delegate", T_WAIT));
	int pid = program_pid("delegate");
	vt_kill(t, SIGTERM);
	assert_int_equal(vt_wait_exit(t, T_WAIT), 128 + SIGTERM);
	assert_true(vt_wait(t, process_gone, &pid, T_WAIT));
	vt_free(t);
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
	const struct CMUnitTest slow[] = {
	    cmocka_unit_test_setup(test_keys_work_while_embedding, clean_words),
	    cmocka_unit_test_setup(test_newer_query_drops_older_embedding, clean_words),
	    cmocka_unit_test_setup(test_esc_cancels_embedding, clean_words),
	    cmocka_unit_test_setup(test_quit_while_embedding, clean_words),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	int failed = cmocka_run_group_tests_name("e2e_search", tests, setup, teardown);
	return failed + cmocka_run_group_tests_name("e2e_search_slow_embedding", slow, setup_slow,
	                                            teardown_slow);
}
