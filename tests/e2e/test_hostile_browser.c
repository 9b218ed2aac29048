/* The hostile-value catalogue (tests/hostile/values.txt) in the browser
 * (H9): each valid value is a company's name and metadata value; each JSON
 * value a company's metadata value. The real binary in a pty visits every
 * one (list, detail pane, metadata form) and the test checks that nothing
 * reached the terminal raw: the window title never changes, no escape
 * sequence from the data is in the output, the alternate screen stays on,
 * the list's column separators stay aligned, and browsing wrote nothing
 * (table digests before and after). Prints "hostile: browser ..." lines. */
/* clang-format off */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "common/vt.h"
#include "hostile/hostile.h"
/* clang-format on */

#define DBNAME "h9_hostile_ui"
#define T      15000

static db *conn;
static char *conninfo;
static hv_set *hv;

static const char checksum_sql[] =
    "SELECT md5(concat_ws('|',"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM coaching_companies t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM coaches t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM data_items t),"
    " (SELECT count(*)::text FROM rapport_audit)))";

/* Digest of the tables the browser shows (malloc'd). */
static char *checksum(void)
{
	char *out = NULL;
	db_status st = db_exec_value(conn, checksum_sql, &out);
	if (st == DB_CONNLOST && db_reconnect(conn) == DB_OK) /* another test's kill */
		st = db_exec_value(conn, checksum_sql, &out);
	if (st != DB_OK || !out)
		fail_msg("checksum: %s", db_errmsg(conn));
	return out;
}

/* True when the catalogue value can be a company name (btree limit). */
static bool name_fits(const hv_value *v)
{
	return v->kind == HV_TEXT && v->len < 2000;
}

/* Inserts one company per text and JSON value (slug hv-NN), through the
 * data-access module (parameters). */
static void insert_companies(void)
{
	testdb_exec(conn, "INSERT INTO coaching_companies(id, name, slug) VALUES"
	                  " ('10000000-0000-4000-8000-000000000001', 'Acme Coaching', 'acme');"
	                  "INSERT INTO coaches(coaching_company_id, email, name) VALUES"
	                  " ('10000000-0000-4000-8000-000000000001', 'ana@acme.example', 'Ana');");
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind == HV_BYTES)
			continue;
		char slug[32], label[128];
		snprintf(slug, sizeof slug, "hv-%02zu", i);
		snprintf(label, sizeof label, "Value %s", v->name);
		char *lit = v->kind == HV_JSON ? strdup(v->val) : hv_json_string(v->val, v->len);
		char *json = malloc(strlen(lit) + 32);
		sprintf(json, "{\"h9\": %s}", lit);
		const char *names[] = {"name", "slug"};
		const char *values[] = {name_fits(v) ? v->val : label, slug};
		if (db_record_insert(conn, DB_COMPANY, 2, names, values, json, NULL) != DB_OK)
			fail_msg("insert %s: %s", v->name, db_errmsg(conn));
		if (v->kind == HV_TEXT) {
			/* a coach of Acme: the value as name (when it fits) and bio */
			char email[64];
			snprintf(email, sizeof email, "hv-%02zu@hostile.example", i);
			const char *cn[] = {"coaching_company_id", "email", "name", "bio"};
			const char *cv[] = {"10000000-0000-4000-8000-000000000001", email,
			                    name_fits(v) ? v->val : label, v->val};
			if (db_record_insert(conn, DB_COACH, 4, cn, cv, json, NULL) != DB_OK)
				fail_msg("insert coach %s: %s", v->name, db_errmsg(conn));
		}
		free(json);
		free(lit);
	}
}

static int setup(void **state)
{
	(void)state;
	hv = hv_load();
	conn = testdb_open(DBNAME);
	conninfo = testdb_conninfo(DBNAME);
	insert_companies();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(conn);
	free(conninfo);
	hv_free(hv);
	return 0;
}

/* memmem without _GNU_SOURCE. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m && m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* Predicate: the list's column separators (│) line up on every row. */
static bool aligned(vt *t, void *ctx)
{
	(void)ctx;
	int rows, cols, sep = -1;
	vt_size(t, &rows, &cols);
	for (int c = 0; c < cols && sep < 0; c++)
		if (strcmp(vt_cell_at(t, 2, c).text, "\u2502") == 0)
			sep = c;
	if (sep <= 0)
		return false;
	for (int r = 2; r < rows - 1; r++)
		if (strcmp(vt_cell_at(t, r, sep).text, "\u2502") != 0)
			return false;
	return true;
}

/* Nothing from v reached the terminal raw since the last vt_raw_clear(). */
static void assert_safe(vt *t, const hv_value *v, const char *where)
{
	size_t len;
	const char *raw = vt_raw(t, &len);
	if (strcmp(vt_title(t), "") != 0)
		fail_msg("%s (%s): the window title became '%s'", v->name, where, vt_title(t));
	if (!vt_altscreen(t))
		fail_msg("%s (%s): the alternate screen was switched off", v->name, where);
	static const char *const seqs[] = {"\033]", "\033P", "\302\233", "\302\235", "\033[8m",
	                                   "\033[?1049l", "\033[3J"};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
		if (find_bytes(raw, len, seqs[i], strlen(seqs[i])))
			fail_msg("%s (%s): the output has the sequence %zu", v->name, where, i);
	/* the value verbatim, and its bidi controls (ncurses itself never sends
	 * those; its cursor moves may look like the value's, so not those alone) */
	if (v->len > 1 && find_bytes(raw, len, v->val, v->len) &&
	    strspn(v->val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") < v->len &&
	    memchr(v->val, 0x1b, v->len))
		fail_msg("%s (%s): the value reached the terminal verbatim", v->name, where);
	static const char *const parts[] = {"\342\200\256", "\342\200\255", "\342\201\247",
	                                    "\342\201\246", "\342\201\250", "\342\201\251",
	                                    "\342\200\217", "\342\200\216", "\330\234"};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (find_bytes(v->val, v->len, parts[i], strlen(parts[i])) &&
		    find_bytes(raw, len, parts[i], strlen(parts[i])))
			fail_msg("%s (%s): a bidi control reached the terminal", v->name, where);
}

/* Predicate: ctx (a string) is on the screen. */
static bool has(vt *t, void *ctx)
{
	return vt_has_text(t, ctx);
}

/* Predicate: the form is closed: the browser is drawn again (not only the
 * form's title gone: a frame can be read half-way, or after a clear). */
static bool form_closed(vt *t, void *ctx)
{
	(void)ctx;
	return !vt_has_text(t, "Edit company") && vt_has_text(t, "Companies");
}

/* Predicate: the form is open: its title, and its key help at the bottom
 * (drawn after the title; a long name cuts the title short). */
static bool form_open(vt *t, void *ctx)
{
	(void)ctx;
	return vt_has_text(t, "Edit company") &&
	       (vt_has_text(t, "raw JSON: type freely") || vt_has_text(t, "C-s save  Esc back  Enter edit"));
}

/* Predicate: the form is open, or the browser is shown with the status line
 * (the last row: the values themselves may say "cannot") explaining why not. */
static bool form_or_reason(vt *t, void *ctx)
{
	bool reason = vt_rows_have(t, -1, -1, "select a record") ||
	              vt_rows_have(t, -1, -1, "cannot") || vt_rows_have(t, -1, -1, "invalid") ||
	              vt_rows_have(t, -1, -1, "deeper");
	return form_open(t, ctx) || (form_closed(t, ctx) && reason);
}

/* Predicate: the form is closed, or it asks a yes/no question. */
static bool closed_or_asks(vt *t, void *ctx)
{
	return form_closed(t, ctx) || vt_has_text(t, "(y/n)");
}

/* Predicate: the question was answered: the form is closed, or shown
 * without it. */
static bool answered(vt *t, void *ctx)
{
	return form_closed(t, ctx) || (vt_has_text(t, "Edit company") && !vt_has_text(t, "(y/n)"));
}

/* Predicate: the detail pane shows the metadata key (as a field or raw JSON). */
static bool meta_shown(vt *t, void *ctx)
{
	(void)ctx;
	return vt_has_text(t, "H9") || vt_has_text(t, "{\"h9\"");
}

/* In the browser: opens and closes the help, so that everything drawn
 * before has been read (a frame can be read half-way; the output is in
 * order, so a later frame seen whole means the earlier ones are too). */
static void later_frame(vt *t)
{
	vt_keys(t, "?");
	assert_true(vt_wait_text(t, "Quit rapport", T));
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_gone(t, "Quit rapport", T));
}

/* Every catalogue value: list + detail pane, then the form, then back. */
static void test_every_value_shown_safely(void **state)
{
	(void)state;
	char *before = checksum();
	const char *args[] = {"-d", conninfo, NULL};
	vt *t = vt_start(30, 120, args, NULL);
	assert_true(vt_wait_text(t, "Acme Coaching", T));
	size_t shown = 0, forms = 0, refused = 0, raws = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind == HV_BYTES)
			continue;
		char slug[32], keys[64];
		snprintf(slug, sizeof slug, "hv-%02zu", i);
		vt_raw_clear(t);
		snprintf(keys, sizeof keys, ":goto %s<Enter>", slug);
		vt_keys(t, keys);
		/* the detail pane shows the slug of the selected company */
		char slugline[48];
		snprintf(slugline, sizeof slugline, "Slug: %s", slug);
		assert_true(vt_wait_text(t, slugline, T));
		assert_true(vt_wait(t, meta_shown, NULL, T));
		assert_true(vt_wait(t, aligned, NULL, T));
		later_frame(t);
		assert_safe(t, v, "list and detail");
		shown++;
		vt_raw_clear(t);
		vt_keys(t, "e");
		assert_true(vt_wait(t, form_or_reason, NULL, T));
		/* the form's own first message ("nested deeper") can be read before
		 * the form: a refusal is one that no form follows */
		if (!form_open(t, NULL))
			vt_wait_quiet(t, form_open, NULL, 1000);
		if (vt_has_text(t, "select a record")) {
			vt_dump(t, stderr);
			fail_msg("%s: 'e' found no selection after :goto", v->name);
		}
		if (form_open(t, NULL)) {
			bool raw = vt_has_text(t, "raw JSON: type freely");
			if (raw) {
				char line[300];
				int rows, cols;
				vt_size(t, &rows, &cols);
				printf("hostile: browser: %s: form opened as raw JSON: %s\n", v->name,
				       vt_row_text(t, rows - 1, line, sizeof line));
				raws++;
			}
			for (int k = 0; k < 4 && !form_closed(t, NULL); k++) {
				vt_keys(t, "<Esc>");
				assert_true(vt_wait(t, closed_or_asks, NULL, T));
				if (!form_closed(t, NULL)) {
					vt_keys(t, "y");
					assert_true(vt_wait(t, answered, NULL, T));
				}
			}
			assert_true(vt_wait(t, form_closed, NULL, T));
			/* the form's output, all read once it is closed and help shown */
			later_frame(t);
			assert_safe(t, v, raw ? "raw JSON editor" : "form");
			forms++;
		} else {
			char line[300];
			int rows, cols;
			vt_size(t, &rows, &cols);
			printf("hostile: browser: %s: form not opened: %s\n", v->name,
			       vt_row_text(t, rows - 1, line, sizeof line));
			later_frame(t);
			assert_safe(t, v, "form refused");
			refused++;
		}
	}
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T), 0);
	vt_free(t);
	char *after = checksum();
	assert_string_equal(before, after);
	printf("hostile: browser: %zu values shown in list+detail, %zu in the metadata form (%zu of "
	       "them as raw JSON), %zu forms refused in words; title unchanged, no raw escapes, "
	       "columns aligned, tables unchanged\n",
	       shown, forms, raws, refused);
	free(before);
	free(after);
}

/* Every text value as a coach's name and bio, visited in the coach list
 * with the detail pane beside it. */
static void test_coach_fields(void **state)
{
	(void)state;
	char *before = checksum();
	const char *args[] = {"-d", conninfo, NULL};
	vt *t = vt_start(30, 140, args, NULL);
	assert_true(vt_wait_text(t, "Acme Coaching", T));
	size_t shown = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind != HV_TEXT)
			continue;
		char email[64], keys[96];
		snprintf(email, sizeof email, "hv-%02zu@hostile.example", i);
		vt_raw_clear(t);
		snprintf(keys, sizeof keys, ":goto %s<Enter>", email);
		vt_keys(t, keys);
		char line[96];
		snprintf(line, sizeof line, "Email: %s", email);
		assert_true(vt_wait_text(t, line, T));
		assert_true(vt_wait(t, aligned, NULL, T));
		later_frame(t); /* the bio, below the e-mail, is read too */
		assert_safe(t, v, "coach list and detail");
		shown++;
	}
	vt_keys(t, "q");
	assert_int_equal(vt_wait_exit(t, T), 0);
	vt_free(t);
	char *after = checksum();
	assert_string_equal(before, after);
	printf("hostile: browser: %zu values as coach name and bio shown safely, columns aligned, "
	       "tables unchanged\n",
	       shown);
	free(before);
	free(after);
}

/* Predicate: dropping the raw text left the form open (the old behaviour)
 * or the browser says the metadata is unchanged. */
static bool dropped_outcome(vt *t, void *ctx)
{
	(void)ctx;
	return vt_has_text(t, "\u00b7 metadata") || vt_has_text(t, "metadata not changed");
}

/* Metadata the form cannot hold (nested deeper than its parser allows)
 * opens as raw JSON; dropping that text must not leave an empty form that,
 * once saved, replaces the stored document: a key the user adds is written
 * and every stored key is kept. */
static void test_deep_metadata_kept_on_save(void **state)
{
	(void)state;
	const hv_value *deep = NULL;
	for (size_t i = 0; i < hv->n; i++)
		if (strcmp(hv->v[i].name, "nest_1000") == 0)
			deep = &hv->v[i];
	assert_non_null(deep);
	char *json = malloc(deep->len + 100);
	sprintf(json, "{\"h9\": %s, \"website\": \"https://deep.example\"}", deep->val);
	const char *names[] = {"name", "slug"};
	const char *values[] = {"Deep Co", "deep"};
	char id[DB_UUID_LEN];
	assert_int_equal(db_record_insert(conn, DB_COMPANY, 2, names, values, json, id), DB_OK);
	free(json);
	const char *args[] = {"-d", conninfo, NULL};
	vt *t = vt_start(30, 120, args, NULL);
	assert_true(vt_wait_text(t, "Acme Coaching", T));
	vt_keys(t, ":goto deep<Enter>");
	assert_true(vt_wait_text(t, "Slug: deep", T));
	vt_keys(t, "e");
	assert_true(vt_wait_text(t, "\u00b7 raw JSON", T));
	/* the user typed nothing; Esc offers to drop the text, y drops it */
	vt_keys(t, "<Esc>");
	assert_true(vt_wait_text(t, "(y/n)", T));
	vt_keys(t, "y");
	assert_true(vt_wait_gone(t, "(y/n)", T));
	/* whatever the form shows now, adding one key and saving must keep the
	 * rest; which one it is is read once either is drawn */
	assert_true(vt_wait(t, dropped_outcome, NULL, T));
	if (vt_has_text(t, "\u00b7 metadata")) {
		vt_keys(t, "a");
		assert_true(vt_wait_text(t, "New key", T));
		vt_keys(t, "h9_added<Enter><C-u>1<Enter>");
		assert_true(vt_wait_text(t, "h9_added", T));
		vt_keys(t, "<C-s>");
		if (vt_wait_quiet(t, has, "Save these changes?", 5000)) {
			vt_keys(t, "y");
			assert_true(vt_wait_gone(t, "Save these changes?", T));
		}
		vt_wait_quiet(t, has, "saved", 5000);
	}
	vt_kill(t, SIGTERM);
	vt_wait_exit(t, T);
	vt_free(t);
	char sql[300], *kept = NULL;
	snprintf(sql, sizeof sql,
	         "SELECT (metadata ? 'h9' AND metadata->>'website' = 'https://deep.example')::text"
	         " FROM coaching_companies WHERE id = '%s'",
	         id);
	assert_int_equal(db_exec_value(conn, sql, &kept), DB_OK);
	if (strcmp(kept, "true") != 0) {
		char *now = NULL;
		snprintf(sql, sizeof sql,
		         "SELECT left(metadata::text, 200) FROM coaching_companies WHERE id = '%s'", id);
		db_exec_value(conn, sql, &now);
		fail_msg("stored keys lost by a save from the form: metadata is now %s", now);
	}
	free(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_value_shown_safely),
	    cmocka_unit_test(test_coach_fields),
	    cmocka_unit_test(test_deep_metadata_kept_on_save),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, setup, teardown);
}
