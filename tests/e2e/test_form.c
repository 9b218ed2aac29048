/* Screen tests of the metadata form pane: the real binary in a pty (H7's
 * tests/common/vt harness) against a fresh database; each widget type, the
 * raw-JSON error path, $EDITOR hand-off with an editor script, the conflict
 * dialog with a second connection writing meanwhile, undo, discard
 * confirmation and the recovery file after SIGHUP. Database contents are
 * checked after every save. */
/* clang-format off */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "common/vt.h"
#include "rapport/form.h"
/* clang-format on */

#define DBNAME  "h8_form_e2e"
#define ANA     "20000000-0000-4000-8000-000000000001"
#define CAROL   "40000000-0000-4000-8000-000000000001"
#define BOB     "20000000-0000-4000-8000-000000000002"
#define INITECH "30000000-0000-4000-8000-000000000002"
#define DAN     "40000000-0000-4000-8000-000000000002"
#define GROW    "50000000-0000-4000-8000-000000000001"
#define CLEAR   "50000000-0000-4000-8000-000000000002"
#define T       8000 /* ms: generous for loaded CI machines */

static db *conn;
static char *conninfo;
static char tmpdir[] = "/tmp/rapport-form-e2e-XXXXXX";
static char state_env[300], editor_env[300];

static const char reset_sql[] =
    "DELETE FROM data_items; DELETE FROM coach_model_associations; DELETE FROM coaching_models;"
    "DELETE FROM clients; DELETE FROM coaches; DELETE FROM client_organizations;"
    "DELETE FROM coaching_companies; DELETE FROM rapport_audit;"
    "INSERT INTO coaching_companies(id, name, slug) VALUES"
    " ('10000000-0000-4000-8000-000000000001', 'Acme Coaching', 'acme');"
    "INSERT INTO coaches(id, coaching_company_id, email, name, metadata) VALUES"
    " ('" ANA "', '10000000-0000-4000-8000-000000000001', 'ana@acme.example', 'Ana Alvarez',"
    "  '{\"experience_years\": 15, \"specializations\": [\"a\", \"b\"], \"zz_note\": 1.50}');"
    "INSERT INTO client_organizations(id, name, slug, metadata) VALUES"
    " ('30000000-0000-4000-8000-000000000001', 'Globex', 'globex', '{\"size\": \"startup\"}');"
    "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name, metadata)"
    " VALUES ('" CAROL "', '30000000-0000-4000-8000-000000000001', '" ANA "',"
    " 'carol@globex.example', 'Carol Client', '{\"department\": \"Product\"}');"
    "INSERT INTO coaches(id, coaching_company_id, email, name) VALUES"
    " ('" BOB "', '10000000-0000-4000-8000-000000000001', 'bob@acme.example', 'Bob Brown');"
    "INSERT INTO client_organizations(id, name, slug) VALUES"
    " ('" INITECH "', 'Initech', 'initech');"
    "INSERT INTO clients(id, client_organization_id, email, name) VALUES"
    " ('" DAN "', '" INITECH "', 'dan@initech.example', 'Dan Doe');"
    "INSERT INTO coaching_models(id, coaching_company_id, name, slug, content) VALUES"
    " ('" GROW "', '10000000-0000-4000-8000-000000000001', 'GROW', 'grow', 'g'),"
    " ('" CLEAR "', '10000000-0000-4000-8000-000000000001', 'CLEAR', 'clear', 'c');"
    "INSERT INTO data_items(id, data_type, client_id, client_organization_id, raw_content)"
    " VALUES ('60000000-0000-4000-8000-000000000001', 'transcript', '" DAN "', '" INITECH "',"
    " 'Coach: hello');"
    "INSERT INTO data_chunks(data_item_id, chunk_index, content) VALUES"
    " ('60000000-0000-4000-8000-000000000001', 0, 'Coach: hello');";

static char *value(const char *sql)
{
	char *out = NULL;
	if (db_exec_value(conn, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(conn));
	return out;
}

static void want_value(const char *sql, const char *want)
{
	char *got = value(sql);
	if (!got || strcmp(got, want) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got ? got : "(null)", want);
	free(got);
}

static void want_meta(const char *table, const char *id, const char *key, const char *want)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(metadata->'%s', 'null')::text FROM %s WHERE id = '%s'", key,
	         table, id);
	want_value(sql, want);
}

typedef struct db_want {
	const char *sql, *want;
} db_want;

/* Predicate: the query's first value equals want (re-read on each check). */
static bool db_has_value(vt *v, void *ctx)
{
	(void)v;
	const db_want *w = ctx;
	char *got = value(w->sql);
	bool same = got && strcmp(got, w->want) == 0;
	free(got);
	return same;
}

/* Polls the database (pumping the screen meanwhile) until the query's first
 * value is want: a screen change need not mean the write has committed. */
static void wait_db(vt *v, const char *sql, const char *want)
{
	db_want w = {sql, want};
	if (!vt_wait(v, db_has_value, &w, T))
		want_value(sql, want); /* fails, naming what the database holds */
}

/* True when text ctx is on a pane's row (any row but the status line). */
static bool in_panes(vt *v, void *ctx)
{
	return vt_rows_have(v, 0, -2, ctx);
}

/* True when text appears on two rows (the list and the detail pane). */
static bool shown_twice(vt *v, void *ctx)
{
	int rows, cols, n = 0;
	vt_size(v, &rows, &cols);
	for (int r = 0; r < rows - 1; r++)
		n += vt_row_find(v, r, ctx) >= 0;
	return n >= 2;
}

/* Starts rapport and opens the form of the record found by ref, once the
 * detail pane shows `name` twice (list row and detail title). */
static vt *open_form(const char *ref, const char *name)
{
	const char *args[] = {"-d", conninfo, NULL};
	const char *env[] = {state_env, editor_env, "VISUAL", NULL};
	vt *v = vt_start(30, 120, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	char cmd[200];
	snprintf(cmd, sizeof cmd, ":goto %s<Enter>", ref);
	vt_keys(v, cmd);
	assert_true(vt_wait(v, shown_twice, (void *)name, T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	return v;
}

static void quit(vt *v)
{
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

/* True when the pane says a save went through. */
static bool saved_shown(vt *v, void *ctx)
{
	(void)ctx;
	return vt_has_text(v, "saved (u undoes)") || vt_has_text(v, "saved (columns; u undoes)");
}

/* Ctrl-S, check the diff shows `line`, confirm, wait for "saved". */
static void save(vt *v, const char *line)
{
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_text(v, "Save these changes?", T));
	if (line)
		assert_true(vt_wait_text(v, line, T));
	vt_keys(v, "y");
	/* the write is synchronous: the preview goes once it is done */
	assert_true(vt_wait_gone(v, "Save these changes?", T));
	assert_true(vt_wait(v, saved_shown, NULL, T));
}

static int group_setup(void **state)
{
	(void)state;
	conn = testdb_open(DBNAME);
	conninfo = testdb_conninfo(DBNAME);
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(state_env, sizeof state_env, "XDG_STATE_HOME=%s/state", tmpdir);
	snprintf(editor_env, sizeof editor_env, "EDITOR=%s/editor.sh", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	db_close(conn);
	free(conninfo);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	char cmd[400]; /* no recovery file of an earlier test is offered at startup */
	snprintf(cmd, sizeof cmd, "rm -f '%s'/state/rapport/recovery-*.json", tmpdir);
	if (system(cmd) != 0)
		return -1;
	testdb_exec(conn, reset_sql);
	return 0;
}

/* At 80x24 the form's key line starts with how to save and leave (it began
 * with Space/Enter/a/x/J/K/R/E and cut "C-s save" off). */
static void test_save_hint_at_80(void **state)
{
	(void)state;
	const char *args[] = {"-d", conninfo, NULL};
	const char *env[] = {state_env, editor_env, "VISUAL", NULL};
	vt *v = vt_start(24, 80, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	vt_keys(v, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait(v, shown_twice, "Ana Alvarez", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	assert_true(vt_wait_row(v, 22, "C-s save  Esc back", T));
	quit(v);
}

/* The form's n, d, H and M are commands of the key table like its other
 * keys: the help lists them, and they can be rebound (they were hard-coded:
 * missing from the help and keys.md, and `unbind form d` left d deleting). */
static void test_form_keys_in_table(void **state)
{
	(void)state;
	char cfg[64];
	vt_temp_file(cfg, sizeof cfg, "unbind form d\nbind form C-y history\n");
	const char *args[] = {"-d", conninfo, "--config", cfg, NULL};
	const char *env[] = {state_env, editor_env, "VISUAL", NULL};
	vt *v = vt_start(30, 120, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	vt_keys(v, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait(v, shown_twice, "Ana Alvarez", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	/* d is unbound here: no question, so the ? after it opens the help */
	vt_keys(v, "d?");
	assert_true(vt_wait_all(v, T, "Restore a past version of the metadata",
	                        "Associate coaching models", (char *)NULL));
	assert_false(vt_has_text(v, "Delete coach"));
	vt_keys(v, "<Esc><C-y>");
	assert_true(vt_wait_text(v, "Restore the metadata as it was after", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "Restore the metadata", T));
	quit(v);
	unlink(cfg);
}

/* R shows the metadata as text: only a change to that text is unsaved (the
 * title said "(modified)" as soon as R was pressed). */
static void test_raw_json_unchanged_not_modified(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "R");
	assert_true(vt_wait_text(v, "\u00b7 raw JSON", T));
	assert_false(vt_has_text(v, "(modified)"));
	vt_keys(v, "x");
	assert_true(vt_wait_text(v, "raw JSON (modified)", T));
	vt_keys(v, "<BS>");
	assert_true(vt_wait_gone(v, "(modified)", T));
	assert_true(vt_has_text(v, "\u00b7 raw JSON"));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "\u00b7 raw JSON", T));
	quit(v);
}

/* True when the cursor is shown just after the text ctx (read cell by cell). */
static bool caret_after(vt *v, void *ctx)
{
	const char *text = ctx;
	int row, col, n = (int)strlen(text);
	vt_cursor(v, &row, &col);
	if (!vt_cursor_visible(v) || col < n)
		return false;
	for (int i = 0; i < n; i++) {
		vt_cell c = vt_cell_at(v, row, col - n + i);
		if (c.text[0] != text[i] || c.text[1])
			return false;
	}
	return true;
}

/* True when the cursor is hidden. */
static bool caret_hidden(vt *v, void *ctx)
{
	(void)ctx;
	return !vt_cursor_visible(v);
}

/* Typing shows where the text goes: the cursor is visible at the insertion
 * point in a form field, the raw JSON editor, the search query and the list
 * filter, and hidden again once the typing ends. It was hidden everywhere
 * but the command line and prompts. */
static void test_text_cursor_shown(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	assert_true(vt_wait(v, caret_hidden, NULL, T));
	vt_keys(v, "j<Enter>");
	assert_true(vt_wait(v, caret_after, "15", T));
	vt_keys(v, "9<Left>");
	assert_true(vt_wait(v, caret_after, "15", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait(v, caret_hidden, NULL, T));
	vt_keys(v, "R");
	assert_true(vt_wait_text(v, "\u00b7 raw JSON", T));
	vt_keys(v, "<End>");
	assert_true(vt_wait(v, caret_after, "{", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "\u00b7 raw JSON", T));
	assert_true(vt_wait(v, caret_hidden, NULL, T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	vt_keys(v, "/an");
	assert_true(vt_wait(v, caret_after, "/an", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait(v, caret_hidden, NULL, T));
	vt_keys(v, "S");
	assert_true(vt_wait_text(v, "search \u203a", T));
	vt_keys(v, "hello");
	assert_true(vt_wait(v, caret_after, "hello", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "search \u203a", T));
	assert_true(vt_wait(v, caret_hidden, NULL, T));
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

static void test_toggle_widget(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	/* active is absent: shown with its default */
	assert_true(vt_wait_text(v, "[x] (default: true)", T));
	vt_keys(v, " ");
	assert_true(vt_wait_text(v, "[ ] false", T));
	assert_true(vt_wait_text(v, "(modified)", T));
	save(v, "+ active: false");
	want_meta("coaches", ANA, "active", "false");
	/* untouched values keep their text */
	want_meta("coaches", ANA, "zz_note", "1.50");
	vt_keys(v, " ");
	assert_true(vt_wait_text(v, "[x] true", T));
	save(v, "~ active: false \u2192 true");
	want_meta("coaches", ANA, "active", "true");
	/* :w saves too */
	vt_keys(v, " :w<Enter>");
	assert_true(vt_wait_text(v, "~ active: true \u2192 false", T));
	vt_keys(v, "y");
	assert_true(vt_wait_gone(v, "Save these changes?", T));
	want_meta("coaches", ANA, "active", "false");
	quit(v);
}

static void test_number_widget(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "j");
	assert_true(vt_wait_text(v, "(an integer \u2265 0)", T));
	vt_keys(v, "<Enter><C-u>abc<Enter>");
	assert_true(vt_wait_text(v, "experience_years: not a number", T));
	/* still editing, the text as typed */
	assert_true(vt_wait_text(v, "abc", T));
	vt_keys(v, "<C-u>-3<Enter>");
	assert_true(vt_wait_text(v, "-3  must be an integer \u2265 0", T));
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_text(v, "not saved: experience_years: must be an integer \u2265 0", T));
	want_meta("coaches", ANA, "experience_years", "15");
	vt_keys(v, "<Enter><C-u>16<Enter>");
	save(v, "~ experience_years: 15 \u2192 16");
	want_meta("coaches", ANA, "experience_years", "16");
	want_meta("coaches", ANA, "zz_note", "1.50");
	quit(v);
}

static void test_list_widget(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	/* rows: active, experience_years, specializations, a, b */
	vt_keys(v, "jj<Enter>teams<Enter>");
	assert_true(vt_wait_text(v, "3 items", T));
	vt_keys(v, "K"); /* the new item (selected) moves above b */
	vt_keys(v, "k<Enter><C-u>A1<Enter>");
	assert_true(vt_wait_text(v, "A1", T));
	vt_keys(v, "jjx"); /* delete b */
	assert_true(vt_wait_text(v, "2 items", T));
	save(v, NULL);
	want_meta("coaches", ANA, "specializations", "[\"A1\", \"teams\"]");
	/* an absent list: add the first item from its header */
	vt_keys(v, "gjjjj"
	           "jjjjj"
	           "<Enter>ICF-PCC<Enter>"); /* 4 columns, then the separator is skipped */
	assert_true(vt_wait_text(v, "ICF-PCC", T));
	save(v, "+ certifications: [\"ICF-PCC\"]");
	want_meta("coaches", ANA, "certifications", "[\"ICF-PCC\"]");
	quit(v);
}

static void test_enum_and_date_widgets(void **state)
{
	(void)state;
	vt *v = open_form("globex", "Globex");
	assert_true(vt_wait_text(v, "< startup >", T));
	vt_keys(v, " ");
	assert_true(vt_wait_text(v, "enterprise", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "< enterprise >", T));
	save(v, "~ size: \"startup\" \u2192 \"enterprise\"");
	want_meta("client_organizations", "30000000-0000-4000-8000-000000000001", "size",
	          "\"enterprise\"");
	quit(v);

	v = open_form("carol@globex.example", "Carol Client");
	/* clients: department, active, start_date */
	vt_keys(v, "jj<Enter>2025-02-30<Enter>");
	assert_true(vt_wait_text(v, "start_date: must be a date (YYYY-MM-DD)", T));
	vt_keys(v, "<C-u>2025-03-01<Enter>");
	save(v, "+ start_date: \"2025-03-01\"");
	want_meta("clients", CAROL, "start_date", "\"2025-03-01\"");
	want_meta("clients", CAROL, "department", "\"Product\"");
	/* text widget */
	vt_keys(v, "gjjjjj<Enter><C-u>R&D \"lab\"<Enter>"); /* past 5 columns (separator skipped) */
	save(v, NULL);
	want_meta("clients", CAROL, "department", "\"R&D \\\"lab\\\"\"");
	quit(v);
}

static void test_keys_and_raw_values(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "a");
	assert_true(vt_wait_text(v, "New key", T));
	vt_keys(v, "FooBar<Enter>");
	assert_true(vt_wait_text(v, "FooBar: key must be snake_case", T));
	/* asked again, the name kept for fixing (it once closed, and the name
	 * typed again went to the form as commands) */
	assert_true(vt_wait_text(v, "New key (snake_case: lowercase letters, digits, _):", T));
	assert_true(vt_wait_text(v, "> FooBar", T));
	vt_keys(v, "<C-u>zz_note<Enter>");
	assert_true(vt_wait_text(v, "New key (that one exists):", T));
	vt_keys(v, "<C-u>favourite_food<Enter>");
	vt_keys(v, "<C-u>{\"soup\": [1, 2.50]}<Enter>");
	assert_true(vt_wait_text(v, "{\"soup\":[1,2.50]}", T));
	/* remove the unknown zz_note: G goes to the last row (favourite_food), k above it */
	vt_keys(v, "Gkx");
	assert_true(vt_wait_gone(v, "zz_note", T));
	save(v, "- zz_note: 1.50");
	want_value("SELECT metadata ? 'zz_note' FROM coaches WHERE id = '" ANA "'", "f");
	want_meta("coaches", ANA, "favourite_food", "{\"soup\": [1, 2.50]}");
	quit(v);
}

static void test_raw_json_error_path(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "R");
	assert_true(vt_wait_text(v, "\u00b7 raw JSON", T));
	assert_true(vt_wait_text(v, "\"experience_years\": 15", T));
	/* break it on line 2 (jsonb's key order: shorter keys first) */
	vt_keys(v, "<Down><End>,,");
	vt_keys(v, "<Esc>");
	assert_true(
	    vt_wait_text(v, "line 2, column 19: expected a key in double quotes, found ','", T));
	/* the text is still there exactly as typed */
	assert_true(vt_wait_text(v, "\"zz_note\": 1.50,,,", T));
	want_meta("coaches", ANA, "zz_note", "1.50");
	vt_keys(v, "<Del><Del><Esc>");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	/* change a value in raw mode and save from it */
	vt_keys(v, "R<Down><Down><Down><Down><Down><Down><End><BS><BS>20<C-s>");
	assert_true(vt_wait_text(v, "~ experience_years: 15 \u2192 20", T));
	vt_keys(v, "y");
	assert_true(vt_wait_gone(v, "Save these changes?", T));
	want_meta("coaches", ANA, "experience_years", "20");
	want_meta("coaches", ANA, "zz_note", "1.50");
	quit(v);
}

/* Writes the editor script tests use as $EDITOR. */
static void editor_script(const char *body)
{
	char path[300];
	snprintf(path, sizeof path, "%s/editor.sh", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

static void test_external_editor(void **state)
{
	(void)state;
	editor_script("sed -i 's/\"experience_years\": 15/\"experience_years\": 42/' \"$1\"");
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "E");
	assert_true(vt_wait_text(v, "edited in $EDITOR: not saved yet", T));
	assert_true(vt_wait_text(v, "42", T));
	save(v, "~ experience_years: 15 \u2192 42");
	want_meta("coaches", ANA, "experience_years", "42");
	/* an editor that leaves broken JSON: raw mode, line and column, text kept */
	editor_script("printf '{\\n  \"a\": 1\\n  \"b\": 2\\n}\\n' > \"$1\"");
	vt_keys(v, "E");
	assert_true(vt_wait_text(v, "line 3, column 3: expected ',' or '}'", T));
	assert_true(vt_wait_text(v, "\u00b7 raw JSON", T));
	assert_true(vt_wait_text(v, "\"b\": 2", T));
	want_meta("coaches", ANA, "experience_years", "42");
	/* drop it: Esc twice asks */
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_text(v, "Drop the raw JSON text you typed? (y/n)", T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	/* long text columns (bio) are edited in $EDITOR too: one row up from active */
	editor_script("printf 'Coach since 2010.\\n' > \"$1\"");
	vt_keys(v, "gjjjj" "k<Enter>");
	assert_true(vt_wait_text(v, "Coach since 2010.", T));
	save(v, "~ bio: NULL \u2192 Coach since 2010.");
	want_value("SELECT bio FROM coaches WHERE id = '" ANA "'", "Coach since 2010.");
	quit(v);
}

static void test_conflict_dialog(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "j<Enter><C-u>20<Enter>");
	assert_true(vt_wait_text(v, "(modified)", T));
	/* someone else saves meanwhile */
	testdb_exec(conn, "UPDATE coaches SET metadata = metadata || '{\"experience_years\": 30,"
	                  " \"timezone\": \"Asia/Tokyo\"}' WHERE id = '" ANA "'");
	vt_keys(v, "<C-s>y");
	assert_true(
	    vt_wait_text(v, "Someone else saved this coach meanwhile (1 conflicting key)", T));
	assert_true(vt_wait_text(v, "CONFLICT", T));
	/* Esc: nothing saved, edit kept */
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_text(v, "not saved: your edit is kept", T));
	want_meta("coaches", ANA, "experience_years", "30");
	/* again, merge key by key: take theirs on the conflict, keep their timezone */
	vt_keys(v, "<C-s>y");
	assert_true(vt_wait_text(v, "Someone else saved", T));
	vt_keys(v, "k");
	assert_true(vt_wait_text(v, "Space mine/theirs", T));
	assert_true(vt_wait_text(v, "theirs (changed by them)", T));
	vt_keys(v, "j ");
	assert_true(vt_wait_text(v, "theirs (CONFLICT)", T));
	vt_keys(v, "<Enter>");
	assert_true(vt_wait_text(v, "took their version", T));
	want_meta("coaches", ANA, "experience_years", "30");
	want_meta("coaches", ANA, "timezone", "\"Asia/Tokyo\"");
	/* keep mine: my value wins, their other key stays */
	vt_keys(v, "gjjjj<Enter>"); /* past 4 columns (separator skipped): toggle active */
	vt_keys(v, "j<Enter><C-u>21<Enter>");
	testdb_exec(conn, "UPDATE coaches SET metadata = metadata || '{\"experience_years\": 31,"
	                  " \"certifications\": [\"DISC\"]}' WHERE id = '" ANA "'");
	vt_keys(v, "<C-s>y");
	assert_true(vt_wait_text(v, "Someone else saved", T));
	vt_keys(v, "m");
	assert_true(vt_wait_text(v, "Save these changes?", T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v, "saved (u undoes)", T));
	want_meta("coaches", ANA, "experience_years", "21");
	want_meta("coaches", ANA, "active", "false");
	want_meta("coaches", ANA, "timezone", "\"Asia/Tokyo\"");
	want_meta("coaches", ANA, "certifications", "[\"DISC\"]");
	quit(v);
}

static void test_undo_and_discard(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "j<Enter><C-u>7<Enter>");
	save(v, NULL);
	want_meta("coaches", ANA, "experience_years", "7");
	vt_keys(v, "u");
	assert_true(vt_wait_text(v, "last save undone", T));
	want_meta("coaches", ANA, "experience_years", "15");
	vt_keys(v, "u");
	assert_true(vt_wait_text(v, "no save to undo", T));
	/* undo refuses when someone saved after us */
	vt_keys(v, "<Enter><C-u>8<Enter>");
	save(v, NULL);
	testdb_exec(conn,
	            "UPDATE coaches SET metadata = metadata || '{\"x_other\": 1}' WHERE id = '" ANA
	            "'");
	vt_keys(v, "u");
	assert_true(vt_wait_text(v, "changed by someone else since your save: not undone", T));
	want_meta("coaches", ANA, "experience_years", "8");
	/* Esc on a dirty form asks first */
	vt_keys(v, "<Enter><C-u>9<Enter><Esc>");
	assert_true(vt_wait_text(v, "Discard your unsaved changes?", T));
	vt_keys(v, "n");
	assert_true(vt_wait_text(v, "(modified)", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_text(v, "Discard your unsaved changes?", T));
	vt_keys(v, "y");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	want_meta("coaches", ANA, "experience_years", "8");
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

/* True when the raw output since the start contains the string ctx. */
static bool raw_has(vt *v, void *ctx)
{
	size_t n, m = strlen(ctx);
	const char *raw = vt_raw(v, &n);
	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(raw + i, ctx, m) == 0)
			return true;
	return false;
}

/* True when ctx (a string) is on the screen. */
static bool has_text(vt *v, void *ctx)
{
	return vt_has_text(v, ctx);
}

static void test_recovery_after_sighup(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	/* a column (name: two rows up, past bio) and a metadata value */
	vt_keys(v, "kk<Enter><C-u>Ana Q. Alvarez<Enter>jjj<Enter><C-u>99<Enter>");
	assert_true(vt_wait_text(v, "experience_years*", T));
	kill(vt_pid(v), SIGHUP);
	vt_wait_exit(v, T);
	vt_free(v);
	char path[400];
	snprintf(path, sizeof path, "%s/state/rapport/recovery-coaches-%s.json", tmpdir, ANA);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	want_meta("coaches", ANA, "experience_years", "15");
	/* a newer kept edit of a record this database does not have (another
	 * database's) is passed over quietly and left in place */
	char other[400];
	snprintf(other, sizeof other,
	         "%s/state/rapport/recovery-coaches-20000000-0000-4000-8000-0000000000ff.json",
	         tmpdir);
	FILE *f = fopen(other, "w");
	assert_non_null(f);
	fputs("{\"table\": \"coaches\", \"id\": \"20000000-0000-4000-8000-0000000000ff\","
	      " \"metadata_text\": \"{}\"}",
	      f);
	fclose(f);
	struct timespec later[2] = {{.tv_sec = time(NULL) + 60}, {.tv_sec = time(NULL) + 60}};
	utimensat(AT_FDCWD, other, later, 0);
	/* next start: offered back */
	const char *args[] = {"-d", conninfo, NULL};
	const char *env[] = {state_env, NULL};
	v = vt_start(30, 120, args, env);
	/* at startup, without opening that record's form again */
	assert_true(vt_wait_text(v, "Recover the unsaved edit", T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v, "recovered your unsaved edit", T));
	assert_true(vt_wait_text(v, "99", T));
	assert_true(vt_wait_text(v, "Ana Q. Alvarez", T));
	assert_int_equal(stat(path, &st), -1);
	save(v, "~ experience_years: 15 \u2192 99");
	want_meta("coaches", ANA, "experience_years", "99");
	want_value("SELECT name FROM coaches WHERE id = '" ANA "'", "Ana Q. Alvarez");
	/* never said, at any time since the start (not only on the screen now) */
	assert_false(raw_has(v, "cannot open") || vt_has_text(v, "cannot open"));
	quit(v);
	assert_int_equal(stat(other, &st), 0);
	/* nothing left to offer on the next start */
	v = vt_start(30, 120, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	assert_false(vt_wait_quiet(v, has_text, "Recover the unsaved edit", 1500));
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

typedef struct field {
	const char *name, *value;
} field;

/* True when one row of the form shows the field's name and value (a picker
 * lists the value too, but not on the field's row). */
static bool field_shows(vt *v, void *ctx)
{
	const field *f = ctx;
	int rows, cols;
	vt_size(v, &rows, &cols);
	for (int r = 0; r < rows; r++) {
		int at = vt_row_find(v, r, f->name);
		if (at >= 0 && vt_row_find(v, r, f->value) > at)
			return true;
	}
	return false;
}

static void test_core_columns(void **state)
{
	(void)state;
	vt *v = open_form("carol@globex.example", "Carol Client");
	/* columns first: organization, primary coach, email, name, title */
	vt_keys(v, "g");
	assert_true(vt_wait_text(v, "(Enter picks another organization)", T));
	vt_keys(v, "<Enter>");
	assert_true(vt_wait_text(v, "Initech", T));
	vt_keys(v, "I");
	assert_true(vt_wait(v, field_shows, &(field){"client_organization_id*", "Initech"}, T));
	vt_keys(v, "j<Enter>");
	assert_true(vt_wait_text(v, "(none)", T));
	vt_keys(v, "B");
	assert_true(vt_wait(v, field_shows, &(field){"primary_coach_id*", "Bob Brown"}, T));
	/* email: checked here, unique in the database */
	vt_keys(v, "j<Enter><C-u>not-an-email<Enter>");
	assert_true(vt_wait_text(v, "email: must be an email address (name@example.com)", T));
	vt_keys(v, "<C-u>dan@initech.example<Enter>");
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_text(v, "Save these changes?", T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v,
	                         "not saved: email dan@initech.example is already used by another "
	                         "client",
	                         T));
	want_value("SELECT email FROM clients WHERE id = '" CAROL "'", "carol@globex.example");
	/* name cannot be empty */
	vt_keys(v, "j<Enter><C-u><Enter>");
	assert_true(vt_wait_text(v, "name: cannot be empty", T));
	vt_keys(v, "<C-u>Carol Q. Client<Enter>k<Enter><C-u>carol.q@globex.example<Enter>");
	save(v, "~ name: Carol Client \u2192 Carol Q. Client");
	want_value("SELECT email || ' ' || name FROM clients WHERE id = '" CAROL "'",
	           "carol.q@globex.example Carol Q. Client");
	want_value("SELECT client_organization_id::text FROM clients WHERE id = '" CAROL "'",
	           INITECH);
	want_value("SELECT primary_coach_id::text FROM clients WHERE id = '" CAROL "'", BOB);
	/* metadata untouched by a column save */
	want_meta("clients", CAROL, "department", "\"Product\"");
	/* a nullable column cleared with x */
	vt_keys(v, "gjx");
	assert_true(vt_wait_text(v, "primary_coach_id*", T));
	save(v, "~ primary_coach_id: Bob Brown \u2192 NULL");
	want_value("SELECT primary_coach_id IS NULL FROM clients WHERE id = '" CAROL "'", "t");
	/* u puts the columns back as they were before that save */
	vt_keys(v, "u");
	assert_true(vt_wait_text(v, "last save undone", T));
	assert_true(vt_wait(v, field_shows, &(field){"primary_coach_id ", "Bob Brown"}, T));
	want_value("SELECT primary_coach_id::text FROM clients WHERE id = '" CAROL "'", BOB);
	quit(v);
}

static void test_create_and_delete(void **state)
{
	(void)state;
	vt *v = open_form("bob@acme.example", "Bob Brown");
	vt_keys(v, "n");
	assert_true(vt_wait_text(v, "client of this coach", T));
	vt_keys(v, "<Enter>"); /* the first choice: a coach in the same company */
	assert_true(vt_wait_text(v, "Name of the new coach:", T));
	vt_keys(v, "Zoe Zed<Enter>");
	assert_true(vt_wait_text(v, "Email of the new coach:", T));
	/* not an address: asked again with the text kept (the prompt once
	 * closed, and the address typed again went to the form as commands) */
	vt_keys(v, "zoe<Enter>");
	assert_true(vt_wait_text(v, "Email of the new coach (must be name@example.com):", T));
	assert_true(vt_wait_text(v, "> zoe", T));
	vt_keys(v, "@acme.example<Enter>");
	assert_true(vt_wait_text(v, "Edit coach \u00b7 Zoe Zed", T));
	assert_false(vt_has_text(v, "(modified)"));
	want_value("SELECT count(*) FROM coaches WHERE email = 'zoe@acme.example' AND"
	           " coaching_company_id = '10000000-0000-4000-8000-000000000001'",
	           "1");
	/* delete it again: the question names what goes along */
	vt_keys(v, "d");
	assert_true(vt_wait_text(v,
	                         "Delete coach \u201cZoe Zed\u201d? Goes with it: model "
	                         "associations. (y/n)",
	                         T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v, "Edit coach \u00b7 Bob Brown", T));
	wait_db(v, "SELECT count(*) FROM coaches WHERE email = 'zoe@acme.example'", "0");
	/* a client of this coach: its organization is picked first */
	vt_keys(v, "nj<Enter>");
	assert_true(vt_wait_text(v, "Organization of the new client", T));
	vt_keys(v, "I");
	assert_true(vt_wait_text(v, "Name of the new client:", T));
	vt_keys(v, "Eve New<Enter>");
	assert_true(vt_wait_text(v, "Email of the new client:", T));
	vt_keys(v, "eve@initech.example<Enter>");
	assert_true(vt_wait_text(v, "Edit client \u00b7 Eve New", T));
	want_value(
	    "SELECT client_organization_id::text || ' ' || primary_coach_id::text FROM clients"
	    " WHERE email = 'eve@initech.example'",
	    INITECH " " BOB);
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_text(v, "Edit coach \u00b7 Bob Brown", T));
	quit(v);

	/* a coach with a client: the question says the database refuses, and it does */
	v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "d");
	assert_true(vt_wait_text(v, "1 client(s) still have this coach as primary coach:", T));
	assert_true(vt_wait_text(v, "database refuses until they move. (y/n)", T));
	vt_keys(v, "y");
	assert_true(vt_wait_text(v, "not deleted:", T));
	want_value("SELECT count(*) FROM coaches WHERE id = '" ANA "'", "1");
	quit(v);

	/* a client with a transcript: item and chunk go with it */
	v = open_form("dan@initech.example", "Dan Doe");
	vt_keys(v, "d");
	assert_true(vt_wait_text(v, "Goes with it: 1 data item, 1 search chunk. (y/n)", T));
	vt_keys(v, "n");
	assert_true(vt_wait_gone(v, "(y/n)", T));
	want_value("SELECT count(*) FROM clients WHERE id = '" DAN "'", "1");
	vt_keys(v, "dy");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	wait_db(v, "SELECT count(*) FROM clients WHERE id = '" DAN "'", "0");
	want_value("SELECT count(*) FROM data_chunks", "0");
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);

	/* organizations get a unique slug from the name */
	v = open_form("globex", "Globex");
	vt_keys(v, "n");
	assert_true(vt_wait_text(v, "client in this organization", T));
	vt_keys(v, "o");
	assert_true(vt_wait_text(v, "Name of the new organization:", T));
	vt_keys(v, "Globex<Enter>");
	assert_true(vt_wait_text(v, "globex-2", T));
	want_value("SELECT string_agg(slug, ',' ORDER BY slug) FROM client_organizations"
	           " WHERE name = 'Globex'",
	           "globex,globex-2");
	vt_keys(v, "<Esc>");
	quit(v);
}

static void test_model_associations(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "M");
	assert_true(vt_wait_text(v, "GROW", T));
	vt_keys(v, "G");
	assert_true(vt_wait_text(v, "primary model", T));
	vt_keys(v, "p");
	assert_true(vt_wait_text(v, "primary model set", T));
	want_value("SELECT string_agg(coaching_model_id::text || ':' || is_primary, ',')"
	           " FROM coach_model_associations WHERE coach_id = '" ANA "'",
	           GROW ":true");
	vt_keys(v, "M");
	assert_true(vt_wait_text(v, "GROW (primary)", T));
	vt_keys(v, "Cp");
	/* the status still reads "primary model set" from the first save: wait for
	 * the database itself. One primary per coach: GROW stays, no longer primary. */
	db_want w = {"SELECT string_agg(m.slug || ':' || a.is_primary, ',' ORDER BY m.slug)"
	             " FROM coach_model_associations a JOIN coaching_models m ON m.id ="
	             " a.coaching_model_id WHERE a.coach_id = '" ANA "'",
	             "clear:true,grow:false"};
	wait_db(v, w.sql, w.want);
	vt_keys(v, "M");
	assert_true(vt_wait_text(v, "GROW (used)", T));
	vt_keys(v, "Gr");
	assert_true(vt_wait_text(v, "model association removed", T));
	want_value("SELECT count(*) FROM coach_model_associations WHERE coach_id = '" ANA "'", "1");
	quit(v);
}

/* True once the app says the connection is back. */
static bool reconnected(vt *v, void *ctx)
{
	(void)ctx;
	return vt_has_text(v, "reconnected");
}

/* True once the pane says the save went through or that nothing was stored
 * (or cannot tell yet), and the edit ctx is on the screen in that state. */
static bool save_outcome(vt *v, void *ctx)
{
	bool said = vt_has_text(v, "saved (u undoes)") || vt_has_text(v, "nothing stored") ||
	            vt_has_text(v, "not saved") || vt_has_text(v, "not connected") ||
	            vt_has_text(v, "cannot tell yet");
	return said && vt_has_text(v, ctx);
}

static void test_connection_lost_while_saving(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "j<Enter><C-u>55<Enter>");
	assert_true(vt_wait_text(v, "(modified)", T));
	/* the server drops rapport's connection */
	testdb_exec(conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	                  " WHERE datname = 't_" DBNAME "' AND pid <> pg_backend_pid()");
	int tries = 0;
	while (!vt_has_text(v, "saved (u undoes)") && tries++ < 10) {
		if (vt_has_text(v, "not connected")) /* the app reconnects with a backoff */
			vt_wait_quiet(v, reconnected, NULL, 5000);
		vt_keys(v, "<C-s>");
		assert_true(vt_wait_text(v, "Save these changes?", T));
		vt_keys(v, "y");
		assert_true(vt_wait_gone(v, "Save these changes?", T));
		/* whatever happened, the edit is still on screen until it is stored:
		 * waited for with the outcome, as the rest of that frame may come later */
		assert_true(vt_wait(v, save_outcome, "55", T));
	}
	assert_true(vt_has_text(v, "saved (u undoes)"));
	want_meta("coaches", ANA, "experience_years", "55");
	quit(v);
}

static void test_hostile_values_shown_safely(void **state)
{
	(void)state;
	testdb_exec(conn,
	            "UPDATE coaches SET metadata = '{\"bio_note\": \"\\u001b]0;pwned\\u0007"
	            "\\u001b[2J\\u202eevil\", \"deep\": [[[[[[1]]]]]]}' WHERE id = '" ANA "'");
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	assert_true(vt_wait_text(v, "bio_note", T));
	/* escapes are shown as visible text, never interpreted */
	assert_true(vt_wait_all(v, T, "\\x1b]0;pwned\\x07\\x1b[2J<U+202E>evil", "deep",
	                        "Edit coach", (char *)NULL));
	quit(v);
}

static void test_history_restore(void **state)
{
	(void)state;
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	vt_keys(v, "j<Enter><C-u>16<Enter>");
	save(v, NULL);
	vt_keys(v, "<Enter><C-u>17<Enter>");
	save(v, NULL);
	want_meta("coaches", ANA, "experience_years", "17");
	vt_keys(v, "H");
	assert_true(vt_wait_text(v, "Restore the metadata as it was after", T));
	/* newest first: 17, 16, then the version the record was created with (15) */
	assert_true(vt_wait_text(v, "insert by", T));
	vt_keys(v, "jj<Enter>");
	assert_true(vt_wait_text(v, "past version loaded", T));
	assert_true(vt_wait_text(v, "(modified)", T));
	save(v, "~ experience_years: 17 \u2192 15");
	want_meta("coaches", ANA, "experience_years", "15");
	want_meta("coaches", ANA, "zz_note", "1.50");
	quit(v);
}

/* A pick list longer than the screen scrolls with its selection (it once
 * drew the first rows only and the cursor went on below the box, unseen);
 * a letter answers only when it starts one choice: the history's entries
 * all start with the year, and '2' once restored the newest at once. */
static void test_choices_scroll_and_shortcuts(void **state)
{
	(void)state;
	testdb_exec(conn, "INSERT INTO client_organizations (name, slug)"
	                  " SELECT 'Org ' || lpad(i::text, 2, '0'), 'org-' || i"
	                  " FROM generate_series(1, 40) i;"
	                  "INSERT INTO client_organizations (name, slug)"
	                  " VALUES ('Zulu Last Org', 'zulu')");
	vt *v = open_form("carol@globex.example", "Carol Client");
	vt_keys(v, "g<Enter>");
	assert_true(vt_wait_text(v, "Org 01", T));
	/* 43 choices in a 29-row box: the last is reached by moving */
	assert_false(vt_has_text(v, "Zulu Last Org"));
	vt_keys(v, "jjjjjjjjjj"
	           "jjjjjjjjjj"
	           "jjjjjjjjjj"
	           "jjjjjjjjjj"
	           "jj");
	assert_true(vt_wait_text(v, "Zulu Last Org", T));
	assert_true(vt_wait_text(v, " 43/43 ", T));
	vt_keys(v, "<Enter>");
	assert_true(
	    vt_wait(v, field_shows, &(field){"client_organization_id*", "Zulu Last Org"}, T));
	vt_keys(v, "gjjjjj<Enter><C-u>Ops<Enter>"); /* department: a metadata version */
	save(v, "~ department: \"Product\" \u2192 \"Ops\"");
	vt_keys(v, "H");
	assert_true(vt_wait_text(v, "Restore the metadata as it was after", T));
	assert_true(vt_wait_text(v, "update by", T));
	assert_false(vt_has_text(v, "[2]"));
	/* '2' is no answer: Esc after it closes the list with nothing restored
	 * (a restore would mark the form modified in the frame that closes it) */
	vt_keys(v, "2<Esc>");
	assert_true(vt_wait_gone(v, "Restore the metadata", T));
	assert_false(vt_has_text(v, "(modified)"));
	assert_false(vt_has_text(v, "past version loaded"));
	quit(v);
}

static void test_nested_object(void **state)
{
	(void)state;
	testdb_exec(conn,
	            "INSERT INTO rapport_metadata_schemas(table_name, schema) VALUES ('coaches',"
	            " '{\"x-rapport-merge\": true, \"properties\": {\"address\": {\"type\":"
	            " \"object\", \"properties\": {\"city\": {\"type\": \"string\"},"
	            " \"zip\": {\"type\": \"integer\", \"minimum\": 1}}}}}')");
	vt *v = open_form("ana@acme.example", "Ana Alvarez");
	/* active, experience_years, specializations (2 items), certifications, timezone,
	 * created_by_user_id, address */
	vt_keys(v, "jjjjjjjj<Enter>");
	assert_true(vt_wait_text(v, "Ana Alvarez \u203a address", T));
	/* jsonb keeps keys shortest first, so an override's properties come as zip, city */
	vt_keys(v, "<Enter>0<Enter>j<Enter>Lisbon<Enter><Esc>");
	assert_true(vt_wait_text(v, "zip: must be an integer \u2265 1 (fix it first)", T));
	vt_keys(v, "k<Enter><C-u>1100<Enter><Esc>");
	assert_true(vt_wait_gone(v, "\u203a address", T));
	assert_true(vt_wait_text(v, "{\"zip\":1100,\"city\":\"Lisbon\"}", T));
	save(v, "+ address: {\"zip\":1100,\"city\":\"Lisbon\"}");
	want_meta("coaches", ANA, "address", "{\"zip\": 1100, \"city\": \"Lisbon\"}");
	quit(v);
	testdb_exec(conn, "DELETE FROM rapport_metadata_schemas");
}

/* True once dropping the raw text left either the form (the old behaviour)
 * or the browser saying the metadata is unchanged. */
static bool dropped_outcome(vt *v, void *ctx)
{
	(void)ctx;
	return vt_has_text(v, "\u00b7 metadata") || vt_has_text(v, "metadata not changed");
}

/* Metadata the form cannot hold (nested deeper than FORM_MAX_DEPTH) opens as
 * raw JSON; leaving it must close the form with the record unchanged, never
 * fall back to an empty form whose save would replace the stored document.
 * `rapport meta --set` on such a record refuses and changes nothing. */
static void test_unrepresentable_metadata_kept(void **state)
{
	(void)state;
	char deep[400], sql[700];
	int n = FORM_MAX_DEPTH + 5;
	for (int i = 0; i < n; i++)
		deep[i] = '[';
	deep[n] = '1';
	for (int i = 0; i < n; i++)
		deep[n + 1 + i] = ']';
	deep[2 * n + 1] = '\0';
	snprintf(sql, sizeof sql,
	         "UPDATE coaches SET metadata = '{\"deep\": %s, \"website\": \"https://a.example\"}'"
	         " WHERE id = '" ANA "'",
	         deep);
	testdb_exec(conn, sql);
	const char *args[] = {"-d", conninfo, NULL};
	const char *env[] = {state_env, editor_env, "VISUAL", NULL};
	vt *v = vt_start(30, 120, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	vt_keys(v, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait(v, shown_twice, (void *)"Ana Alvarez", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 raw JSON", T));
	/* the text cannot be applied: C-s does not save it */
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_text(v, "nested deeper than", T));
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_text(v, "(y/n)", T));
	vt_keys(v, "y");
	assert_true(vt_wait_gone(v, "(y/n)", T));
	/* the old behaviour: an empty form; adding a key and saving replaced
	 * the whole document. Which one it is is read once either is drawn. */
	assert_true(vt_wait(v, dropped_outcome, NULL, T));
	if (vt_has_text(v, "\u00b7 metadata")) {
		vt_keys(v, "a");
		assert_true(vt_wait_text(v, "New key", T));
		vt_keys(v, "zz_added<Enter><C-u>1<Enter><C-s>");
		if (vt_wait_quiet(v, has_text, "Save these changes?", 3000))
			vt_keys(v, "y");
		vt_wait_quiet(v, saved_shown, NULL, 3000);
	}
	snprintf(sql, sizeof sql,
	         "SELECT (metadata->>'website' = 'https://a.example' AND metadata ? 'deep'"
	         " AND NOT metadata ? 'zz_added')::text FROM coaches WHERE id = '" ANA "'");
	want_value(sql, "true");
	assert_true(vt_wait_text(v, "metadata not changed", T));
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
	/* the CLI refuses instead of writing a partial document */
	char cmd[600];
	snprintf(cmd, sizeof cmd, "'%s' -d '%s' meta coaches ana@acme.example --set zz_cli=1 "
	         ">/dev/null 2>&1", vt_binary(), conninfo);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 1);
	want_value(sql, "true");
}

/* n on the coaches list creates a coach; d on a list row deletes it after
 * the question naming what goes along; the list follows both. */
static void test_list_new_and_delete(void **state)
{
	(void)state;
	const char *args[] = {"-d", conninfo, NULL};
	const char *env[] = {state_env, NULL};
	vt *v = vt_start(30, 120, args, env);
	assert_true(vt_wait_text(v, "Acme", T));
	vt_keys(v, ":goto bob@acme.example<Enter>");
	assert_true(vt_wait(v, shown_twice, (void *)"Bob Brown", T));
	vt_keys(v, "n");
	assert_true(vt_wait_text(v, "coach in the same company", T));
	vt_keys(v, "<Enter>");
	assert_true(vt_wait_text(v, "Name of the new coach:", T));
	vt_keys(v, "Zoe Zed<Enter>");
	assert_true(vt_wait_text(v, "Email of the new coach:", T));
	vt_keys(v, "zoe@acme.example<Enter>");
	assert_true(vt_wait_text(v, "Edit coach \u00b7 Zoe Zed", T));
	want_value("SELECT count(*) FROM coaches WHERE email = 'zoe@acme.example' AND"
	           " coaching_company_id = '10000000-0000-4000-8000-000000000001'",
	           "1");
	vt_keys(v, "<Esc>");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	/* the list shows the new coach (not only a status message naming her) */
	assert_true(vt_wait(v, in_panes, "Zoe Zed", T));
	vt_keys(v, ":goto zoe@acme.example<Enter>");
	assert_true(vt_wait(v, shown_twice, (void *)"Zoe Zed", T));
	vt_keys(v, "d");
	assert_true(vt_wait_text(v,
	                         "Delete coach \u201cZoe Zed\u201d? Goes with it: model "
	                         "associations. (y/n)",
	                         T));
	vt_keys(v, "y");
	assert_true(vt_wait_gone(v, "(y/n)", T));
	/* the row goes from the database, then from every pane; the status line
	 * keeps saying "deleted coach Zoe Zed" */
	wait_db(v, "SELECT count(*) FROM coaches WHERE email = 'zoe@acme.example'", "0");
	assert_true(vt_wait_gone_rows(v, "Zoe Zed", 0, -2, T));
	assert_true(vt_wait_row(v, 29, "deleted coach Zoe Zed", T));
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_toggle_widget, reset),
	    cmocka_unit_test_setup(test_number_widget, reset),
	    cmocka_unit_test_setup(test_list_widget, reset),
	    cmocka_unit_test_setup(test_enum_and_date_widgets, reset),
	    cmocka_unit_test_setup(test_keys_and_raw_values, reset),
	    cmocka_unit_test_setup(test_raw_json_error_path, reset),
	    cmocka_unit_test_setup(test_external_editor, reset),
	    cmocka_unit_test_setup(test_conflict_dialog, reset),
	    cmocka_unit_test_setup(test_undo_and_discard, reset),
	    cmocka_unit_test_setup(test_recovery_after_sighup, reset),
	    cmocka_unit_test_setup(test_core_columns, reset),
	    cmocka_unit_test_setup(test_create_and_delete, reset),
	    cmocka_unit_test_setup(test_model_associations, reset),
	    cmocka_unit_test_setup(test_connection_lost_while_saving, reset),
	    cmocka_unit_test_setup(test_hostile_values_shown_safely, reset),
	    cmocka_unit_test_setup(test_history_restore, reset),
	    cmocka_unit_test_setup(test_nested_object, reset),
	    cmocka_unit_test_setup(test_unrepresentable_metadata_kept, reset),
	    cmocka_unit_test_setup(test_list_new_and_delete, reset),
	    cmocka_unit_test_setup(test_text_cursor_shown, reset),
	    cmocka_unit_test_setup(test_save_hint_at_80, reset),
	    cmocka_unit_test_setup(test_raw_json_unchanged_not_modified, reset),
	    cmocka_unit_test_setup(test_form_keys_in_table, reset),
	    cmocka_unit_test_setup(test_choices_scroll_and_shortcuts, reset),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
