/* Unit tests for the key/command table (src/core/keys.c), including the check
 * that docs/keys.md is exactly what keys_write_markdown() generates. */
/* cmocka.h needs setjmp.h, stdarg.h and stddef.h before it */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rapport/keys.h"
/* clang-format on */

/* Parses s and asserts it gives want. */
static void expect_key(const char *s, int want)
{
	int k = -7;
	assert_int_equal(keys_parse(s, &k), 0);
	assert_int_equal(k, want);
}

/* Formats key and asserts the canonical spelling. */
static void expect_format(int key, const char *want)
{
	char buf[64];
	assert_int_equal(keys_format(key, buf, sizeof buf), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Writes the generated markdown into a malloc'd string. */
static char *generated_markdown(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	assert_non_null(f);
	keys_write_markdown(f);
	fclose(f);
	return buf;
}

/* Reads a whole file (malloc'd) or returns NULL. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	*len = 0;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			cap = (cap + 4096) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t n = fread(buf + *len, 1, 4096, f);
		*len += n;
		if (n == 0)
			break;
	}
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void test_parse_chars(void **state)
{
	(void)state;
	expect_key("j", 'j');
	expect_key("G", 'G');
	expect_key("?", '?');
	expect_key("/", '/');
	expect_key("-", '-');
	expect_key("#", '#');
	expect_key("é", 0xE9);
	expect_key("日", 0x65E5);
	expect_key("Space", ' ');
	expect_key("space", ' ');
	expect_key(" ", ' ');
}

static void test_parse_named(void **state)
{
	(void)state;
	expect_key("Enter", KEYS_ENTER);
	expect_key("Return", KEYS_ENTER);
	expect_key("esc", KEYS_ESC);
	expect_key("Escape", KEYS_ESC);
	expect_key("Tab", KEYS_TAB);
	expect_key("S-Tab", KEYS_MOD_SHIFT | KEYS_TAB);
	expect_key("Up", KEYS_UP);
	expect_key("PgDn", KEYS_PGDN);
	expect_key("PageUp", KEYS_PGUP);
	expect_key("Home", KEYS_HOME);
	expect_key("F1", KEYS_F(1));
	expect_key("f12", KEYS_F(12));
	expect_key("Del", KEYS_DELETE);
	expect_key("BS", KEYS_BACKSPACE);
}

static void test_parse_modifiers(void **state)
{
	(void)state;
	expect_key("C-s", KEYS_CTRL('s'));
	expect_key("C-S", KEYS_CTRL('s'));
	expect_key("Ctrl-s", KEYS_CTRL('s'));
	expect_key("^S", KEYS_CTRL('s'));
	expect_key("^", '^');
	expect_key("M-x", KEYS_META('x'));
	expect_key("Alt-x", KEYS_META('x'));
	expect_key("C-M-x", KEYS_MOD_CTRL | KEYS_MOD_META | 'x');
	expect_key("M-C-x", KEYS_MOD_CTRL | KEYS_MOD_META | 'x');
	expect_key("C-Space", KEYS_CTRL(' '));
	expect_key("C-@", KEYS_CTRL(' '));
	expect_key("C-\\", KEYS_CTRL('\\'));
	expect_key("M--", KEYS_META('-'));
}

static void test_parse_terminal_aliases(void **state)
{
	(void)state;
	expect_key("C-m", KEYS_ENTER);
	expect_key("C-j", KEYS_ENTER);
	expect_key("C-i", KEYS_TAB);
	expect_key("C-[", KEYS_ESC);
	expect_key("C-h", KEYS_BACKSPACE);
	expect_key("S-a", 'A');
	expect_key("C-Up", KEYS_MOD_CTRL | KEYS_UP);
	expect_key("M-Enter", KEYS_META(KEYS_ENTER));
}

static void test_parse_rejects(void **state)
{
	(void)state;
	const char *bad[] = {"",     "jj",    "Foo",  "C-",
	                     "F13",  "F0",    "C-1",  "S-1",
	                     "C-é",  "\x1b",  "\x7f", "\xff",
	                     "\xc3", "Ctrl-", "M-",   "C-C-C-C-C-C-C-C-C-C-C-C-C-C-C-C-x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int k = 12345;
		assert_int_equal(keys_parse(bad[i], &k), -1);
		assert_int_equal(k, 12345);
	}
	int k;
	assert_int_equal(keys_parse(NULL, &k), -1);
}

static void test_format(void **state)
{
	(void)state;
	expect_format('j', "j");
	expect_format(' ', "Space");
	expect_format(0xE9, "é");
	expect_format(KEYS_ENTER, "Enter");
	expect_format(KEYS_MOD_SHIFT | KEYS_TAB, "S-Tab");
	expect_format(KEYS_CTRL('s'), "C-s");
	expect_format(KEYS_META('x'), "M-x");
	expect_format(KEYS_MOD_CTRL | KEYS_MOD_META | 'x', "C-M-x");
	expect_format(KEYS_F(5), "F5");
	expect_format(KEYS_PGDN, "PgDn");
	char buf[4];
	assert_int_equal(keys_format(0x1b, buf, sizeof buf), -1);
	assert_int_equal(keys_format(KEYS_CTRL('1'), buf, sizeof buf), -1);
	assert_int_equal(keys_format(KEYS_MOD_SHIFT | 'a', buf, sizeof buf), -1);
	/* truncation reports the length needed, like snprintf */
	assert_int_equal(keys_format(KEYS_BACKSPACE, buf, sizeof buf), 9);
	assert_string_equal(buf, "Bac");
}

static void test_format_parse_round_trip(void **state)
{
	(void)state;
	int mods[] = {0, KEYS_MOD_CTRL, KEYS_MOD_META, KEYS_MOD_SHIFT,
	              KEYS_MOD_CTRL | KEYS_MOD_META};
	int count = 0;
	for (size_t m = 0; m < sizeof mods / sizeof mods[0]; m++)
		for (int base = 0x20; base < KEYS_SPECIAL_END; base++) {
			if (base == 0x800)
				base = KEYS_SPECIAL; /* skip most of Unicode: same code path */
			char buf[64];
			int key = mods[m] | base;
			if (keys_format(key, buf, sizeof buf) < 0)
				continue;
			int back = 0;
			assert_int_equal(keys_parse(buf, &back), 0);
			assert_int_equal(back, key);
			count++;
		}
	assert_true(count > 2000);
}

static void test_from_char(void **state)
{
	(void)state;
	assert_int_equal(keys_from_char('\r'), KEYS_ENTER);
	assert_int_equal(keys_from_char('\n'), KEYS_ENTER);
	assert_int_equal(keys_from_char('\t'), KEYS_TAB);
	assert_int_equal(keys_from_char(0x1b), KEYS_ESC);
	assert_int_equal(keys_from_char(0x7f), KEYS_BACKSPACE);
	assert_int_equal(keys_from_char(0x08), KEYS_BACKSPACE);
	assert_int_equal(keys_from_char(0x13), KEYS_CTRL('s'));
	assert_int_equal(keys_from_char(0x0c), KEYS_CTRL('l'));
	assert_int_equal(keys_from_char(0x00), KEYS_CTRL(' '));
	assert_int_equal(keys_from_char(0x1f), KEYS_CTRL('_'));
	assert_int_equal(keys_from_char('q'), 'q');
	assert_int_equal(keys_from_char(0xE9), 0xE9);
	assert_int_equal(keys_from_char(0x9b), KEYS_NONE);
	assert_int_equal(keys_from_char(0xD800), KEYS_NONE);
	assert_int_equal(keys_from_char(0x110000), KEYS_NONE);
	/* every Ctrl code a terminal sends maps to a key that parses back */
	for (uint32_t c = 0; c < 0x20; c++) {
		char buf[32];
		int k = keys_from_char(c), back;
		assert_true(keys_format(k, buf, sizeof buf) > 0);
		assert_int_equal(keys_parse(buf, &back), 0);
		assert_int_equal(back, k);
	}
}

static void test_command_table(void **state)
{
	(void)state;
	for (int i = 1; i < KEYS_CMD_COUNT; i++) {
		const keys_command *c = keys_command_info((keys_cmd)i);
		assert_non_null(c);
		assert_int_equal(c->id, i);
		assert_true(c->contexts != 0);
		assert_true(strlen(c->help) > 5);
		assert_int_equal(keys_command_by_name(c->name), i);
	}
	assert_null(keys_command_info(KEYS_CMD_NONE));
	assert_null(keys_command_info(KEYS_CMD_COUNT));
	assert_int_equal(keys_command_by_name("nope"), KEYS_CMD_NONE);
	assert_int_equal(keys_ctx_by_name("pager"), KEYS_PAGER);
	assert_int_equal(keys_ctx_by_name("bogus"), -1);
	assert_string_equal(keys_ctx_name(KEYS_FORM), "form");
}

/* Every default key parses, and no key means two things in one context. */
static void test_defaults_consistent(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	assert_non_null(t);
	for (int i = 1; i < KEYS_CMD_COUNT; i++) {
		const keys_command *c = keys_command_info((keys_cmd)i);
		char copy[128];
		snprintf(copy, sizeof copy, "%s", c->defaults);
		for (char *w = strtok(copy, " "); w; w = strtok(NULL, " ")) {
			int k;
			assert_int_equal(keys_parse(w, &k), 0);
			for (int ctx = 0; ctx < KEYS_NCTX; ctx++)
				if (c->contexts & KEYS_IN(ctx))
					assert_int_equal(keys_lookup(t, (keys_ctx)ctx, k), i);
		}
	}
	keys_table_free(t);
}

static void test_issue_key_list(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'j'), KEYS_CMD_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_DOWN), KEYS_CMD_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'k'), KEYS_CMD_UP);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'l'), KEYS_CMD_OPEN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_ENTER), KEYS_CMD_OPEN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'h'), KEYS_CMD_BACK);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_ESC), KEYS_CMD_BACK);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'g'), KEYS_CMD_FIRST);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'G'), KEYS_CMD_LAST);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_PGUP), KEYS_CMD_PAGE_UP);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_PGDN), KEYS_CMD_PAGE_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_TAB), KEYS_CMD_NEXT_PANE);
	assert_int_equal(keys_lookup(t, KEYS_LIST, '/'), KEYS_CMD_FILTER);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 's'), KEYS_CMD_SEARCH_SCOPED);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'S'), KEYS_CMD_SEARCH_ALL);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'e'), KEYS_CMD_EDIT);
	assert_int_equal(keys_lookup(t, KEYS_LIST, '?'), KEYS_CMD_HELP);
	assert_int_equal(keys_lookup(t, KEYS_LIST, ':'), KEYS_CMD_COMMAND);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'q'), KEYS_CMD_QUIT);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'y'), KEYS_CMD_COPY);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_CTRL('l')), KEYS_CMD_REDRAW);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'n'), KEYS_CMD_NEW);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'd'), KEYS_CMD_DELETE);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'u'), KEYS_CMD_UNDO_SAVE);
	/* contexts keep n/N and / apart */
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'n'), KEYS_CMD_NEXT_MATCH);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'N'), KEYS_CMD_PREV_MATCH);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, '/'), KEYS_CMD_FIND);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'j'), KEYS_CMD_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'e'), KEYS_CMD_NONE);
	assert_int_equal(keys_lookup(t, KEYS_FORM, KEYS_CTRL('s')), KEYS_CMD_SAVE);
	assert_int_equal(keys_lookup(t, KEYS_FORM, 'E'), KEYS_CMD_EXTERNAL_EDITOR);
	assert_int_equal(keys_lookup(t, KEYS_FORM, 'u'), KEYS_CMD_UNDO_SAVE);
	assert_int_equal(keys_lookup(t, KEYS_SEARCH, 'm'), KEYS_CMD_MORE_LIKE);
	assert_int_equal(keys_lookup(t, KEYS_SEARCH, 'o'), KEYS_CMD_JUMP);
	assert_int_equal(keys_lookup(t, KEYS_SEARCH, 'n'), KEYS_CMD_NONE);
	assert_int_equal(keys_lookup(t, KEYS_GLOBAL, 'n'), KEYS_CMD_NONE);
	keys_table_free(t);
}

static void test_bind_unbind_lines(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	char err[128];
	assert_int_equal(keys_apply_line(t, "bind C-n down", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_CTRL('n')), KEYS_CMD_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, KEYS_CTRL('n')), KEYS_CMD_DOWN);
	assert_int_equal(keys_apply_line(t, "  bind   pager  Space  page-down ", err, sizeof err),
	                 0);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, ' '), KEYS_CMD_PAGE_DOWN);
	assert_int_equal(keys_lookup(t, KEYS_LIST, ' '), KEYS_CMD_NONE);
	/* a context binding shadows the global one */
	assert_int_equal(keys_apply_line(t, "bind list q filter", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'q'), KEYS_CMD_FILTER);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'q'), KEYS_CMD_QUIT);
	assert_int_equal(keys_apply_line(t, "unbind d", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'd'), KEYS_CMD_NONE);
	assert_int_equal(keys_apply_line(t, "unbind pager n", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_PAGER, 'n'), KEYS_CMD_NONE);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'n'), KEYS_CMD_NEW);
	/* trailing comments, and '#' itself as a key */
	assert_int_equal(keys_apply_line(t, "bind C-p up   # like emacs", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, KEYS_CTRL('p')), KEYS_CMD_UP);
	assert_int_equal(keys_apply_line(t, "bind # help # hash opens help", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, '#'), KEYS_CMD_HELP);
	assert_int_equal(keys_apply_line(t, "unbind # #gone", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, '#'), KEYS_CMD_NONE);
	/* rebinding a key replaces its command in that context */
	assert_int_equal(keys_apply_line(t, "bind j up", err, sizeof err), 0);
	assert_int_equal(keys_lookup(t, KEYS_LIST, 'j'), KEYS_CMD_UP);
	keys_table_free(t);
}

static void test_bad_lines(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	char err[128];
	const struct {
		const char *line, *reason;
	} bad[] = {
	    {"bind", "bind takes"},
	    {"bind j", "bind takes"},
	    {"bind j down extra words", "bind takes"},
	    {"bind Foo down", "not a key"},
	    {"bind j fly", "unknown command"},
	    {"bind nowhere j down", "unknown context"},
	    {"bind list C-s save", "does not apply"},
	    {"unbind", "unbind takes"},
	    {"unbind Bogus", "not a key"},
	    {"rebind j down", "expected bind"},
	    {"", "empty"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(keys_apply_line(t, bad[i].line, err, sizeof err), -1);
		assert_non_null(strstr(err, bad[i].reason));
	}
	/* nothing changed */
	keys_table *d = keys_table_new();
	for (int ctx = 0; ctx < KEYS_NCTX; ctx++)
		for (int k = 0x20; k < 0x7f; k++)
			assert_int_equal(keys_lookup(t, (keys_ctx)ctx, k),
			                 keys_lookup(d, (keys_ctx)ctx, k));
	keys_table_free(d);
	keys_table_free(t);
}

static void test_describe_and_help(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	char buf[128];
	assert_int_equal(keys_describe(t, KEYS_GLOBAL, KEYS_CMD_DOWN, buf, sizeof buf), 7);
	assert_string_equal(buf, "j, Down");
	assert_int_equal(keys_describe(t, KEYS_LIST, KEYS_CMD_DOWN, buf, sizeof buf), 0);
	int keys[4];
	assert_int_equal(keys_for_command(t, KEYS_GLOBAL, KEYS_CMD_OPEN, keys, 4), 3);
	assert_int_equal(keys[0], 'l');
	assert_int_equal(keys[1], KEYS_ENTER);
	char *help = keys_help_text(t, KEYS_PAGER);
	assert_non_null(strstr(help, "n\tGo to the next match\n"));
	assert_non_null(strstr(help, "j, Down\tMove down one row\n"));
	assert_null(strstr(help, "Create a record"));
	free(help);
	/* a pane binding that shadows a global key hides it from the global line */
	assert_int_equal(keys_apply_line(t, "bind pager q toggle-wrap", NULL, 0), 0);
	help = keys_help_text(t, KEYS_PAGER);
	assert_non_null(strstr(help, "w, q\tToggle line wrapping\n"));
	assert_non_null(strstr(help, ":quit\tQuit rapport\n"));
	free(help);
	keys_table_free(t);
}

static void test_write_config_round_trip(void **state)
{
	(void)state;
	keys_table *t = keys_table_new();
	const char *lines[] = {"bind C-n down",      "unbind d",      "bind pager Space page-down",
	                       "bind list q filter", "unbind form u", "bind M-x command"};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		assert_int_equal(keys_apply_line(t, lines[i], NULL, 0), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	keys_write_config(t, f);
	fclose(f);
	keys_table *u = keys_table_new();
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_int_equal(keys_apply_line(u, line, NULL, 0), 0);
	int probe[] = {'d', 'n', 'q', 'u', ' ', KEYS_CTRL('n'), KEYS_META('x'), 'j', KEYS_ENTER};
	for (int ctx = 0; ctx < KEYS_NCTX; ctx++)
		for (size_t i = 0; i < sizeof probe / sizeof probe[0]; i++)
			assert_int_equal(keys_lookup(u, (keys_ctx)ctx, probe[i]),
			                 keys_lookup(t, (keys_ctx)ctx, probe[i]));
	free(text);
	/* defaults produce no lines */
	keys_table *d = keys_table_new();
	f = open_memstream(&text, &len);
	keys_write_config(d, f);
	fclose(f);
	assert_int_equal(len, 0);
	free(text);
	keys_table_free(d);
	keys_table_free(u);
	keys_table_free(t);
}

static void test_docs_keys_md_in_sync(void **state)
{
	(void)state;
	const char *root = getenv("RAPPORT_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/docs/keys.md", root && *root ? root : ".");
	size_t glen, flen = 0;
	char *gen = generated_markdown(&glen);
	char *file = read_file(path, &flen);
	if (!file)
		fail_msg("cannot read %s (run from the source tree or set RAPPORT_SRCDIR)", path);
	if (glen != flen || memcmp(gen, file, glen) != 0)
		fail_msg("%s differs from keys_write_markdown(); regenerate it with "
		         "build/release/tests/unit/test_keys --write-docs",
		         path);
	free(gen);
	free(file);
}

static void test_markdown_content(void **state)
{
	(void)state;
	size_t len;
	char *md = generated_markdown(&len);
	for (int i = 1; i < KEYS_CMD_COUNT; i++) {
		char want[64];
		snprintf(want, sizeof want, "`%s`", keys_command_info((keys_cmd)i)->name);
		assert_non_null(strstr(md, want));
	}
	assert_non_null(strstr(md, "| `j`, `Down` | `down` |"));
	assert_non_null(strstr(md, "| `C-s` | `save` |"));
	free(md);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--write-docs") == 0) {
		keys_write_markdown(stdout);
		return 0;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_chars),
	    cmocka_unit_test(test_parse_named),
	    cmocka_unit_test(test_parse_modifiers),
	    cmocka_unit_test(test_parse_terminal_aliases),
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_parse_round_trip),
	    cmocka_unit_test(test_from_char),
	    cmocka_unit_test(test_command_table),
	    cmocka_unit_test(test_defaults_consistent),
	    cmocka_unit_test(test_issue_key_list),
	    cmocka_unit_test(test_bind_unbind_lines),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_describe_and_help),
	    cmocka_unit_test(test_write_config_round_trip),
	    cmocka_unit_test(test_markdown_content),
	    cmocka_unit_test(test_docs_keys_md_in_sync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
