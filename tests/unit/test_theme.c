/* Unit tests for theme parsing, inheritance, lookup and colour resolution
 * (src/core/theme.c) and for the shipped themes in themes/. */
/* cmocka.h needs setjmp.h, stdarg.h and stddef.h before it */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rapport/embedded.h"
#include "rapport/theme.h"
/* clang-format on */

static char tmpdir[256];

/* Makes a private $XDG_CONFIG_HOME with a rapport/themes directory. */
static int setup_user_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/rapport-test-theme-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char d[300];
	snprintf(d, sizeof d, "%s/rapport", tmpdir);
	mkdir(d, 0700);
	snprintf(d, sizeof d, "%s/rapport/themes", tmpdir);
	mkdir(d, 0700);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	return 0;
}

/* Removes the files the tests wrote and the directory. */
static int teardown_user_dir(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes a user theme file. */
static void write_user_theme(const char *name, const char *text)
{
	char path[400];
	snprintf(path, sizeof path, "%s/rapport/themes/%s.theme", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int same_style(theme_style a, theme_style b)
{
	return a.fg == b.fg && a.bg == b.bg && a.attrs == b.attrs;
}

static void test_shipped_themes_parse_cleanly(void **state)
{
	(void)state;
	int count = 0;
	for (const rapport_file *f = rapport_themes; f->name; f++, count++) {
		int nerr = -1;
		char *errors = NULL;
		theme *t = theme_parse(f->name, f->text, &nerr, &errors);
		assert_non_null(t);
		if (nerr != 0)
			fail_msg("%s: %s", f->name, errors);
		assert_null(errors);
		for (int r = 0; r < THEME_ROLE_COUNT; r++)
			if (!theme_role_set(t, (theme_role)r))
				fail_msg("%s does not set role %s", f->name,
				         theme_role_name((theme_role)r));
		theme_free(t);
	}
	assert_true(count >= 5);
	const char *required[] = {"dark", "light", "16color", "solarized", "mono"};
	for (size_t i = 0; i < 5; i++)
		assert_non_null(theme_builtin_text(required[i]));
}

static void test_role_names(void **state)
{
	(void)state;
	const char *want[] = {"normal",
	                      "muted",
	                      "header",
	                      "title",
	                      "border",
	                      "selection",
	                      "selection_focused",
	                      "status",
	                      "status_error",
	                      "status_warn",
	                      "match",
	                      "breadcrumb",
	                      "count",
	                      "key",
	                      "form_label",
	                      "form_invalid",
	                      "diff_add",
	                      "diff_del",
	                      "search_score",
	                      "badge_primary",
	                      "dialog"};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		int r = theme_role_by_name(want[i]);
		assert_true(r >= 0);
		assert_string_equal(theme_role_name((theme_role)r), want[i]);
	}
	assert_int_equal(theme_role_by_name("nope"), -1);
	assert_null(theme_role_name(THEME_ROLE_COUNT));
}

static void test_bad_lines_reported_and_skipped(void **state)
{
	(void)state;
	const char *text = "# a comment\n"
	                   "normal = white black\n"
	                   "bogus_role = red\n"
	                   "selection = purple\n"
	                   "match = yellow black blink\n"
	                   "header red\n"
	                   "status = 256\n"
	                   "\n"
	                   "   # indented comment\n"
	                   "muted = #12345g\n"
	                   "inherit ../../etc\n"
	                   "title = bright_white default bold # trailing comment\n"
	                   "key = #ff8700 # orange\n";
	int nerr = 0;
	char *errors = NULL;
	theme *t = theme_parse("t", text, &nerr, &errors);
	assert_non_null(t);
	assert_int_equal(nerr, 7);
	assert_non_null(strstr(errors, "t:3: unknown role 'bogus_role'"));
	assert_non_null(strstr(errors, "t:4: bad colour 'purple'"));
	assert_non_null(strstr(errors, "t:5: unknown attribute or colour 'blink'"));
	assert_non_null(strstr(errors, "t:6: expected"));
	assert_non_null(strstr(errors, "t:7: bad colour '256'"));
	assert_non_null(strstr(errors, "t:10: bad colour '#12345g'"));
	assert_non_null(strstr(errors, "t:11: inherit takes one theme name"));
	assert_null(theme_inherit_name(t));
	/* the good lines applied, the bad ones left their roles unset */
	assert_true(theme_role_set(t, THEME_NORMAL));
	assert_true(theme_role_set(t, THEME_TITLE));
	assert_true(theme_role_set(t, THEME_KEY));
	assert_false(theme_role_set(t, THEME_SELECTION));
	assert_false(theme_role_set(t, THEME_MATCH));
	theme_style s = theme_resolve(t, THEME_TITLE, 16, false);
	assert_int_equal(s.fg, 15);
	assert_int_equal(s.bg, THEME_COLOR_DEFAULT);
	assert_int_equal(s.attrs, THEME_BOLD);
	s = theme_resolve(t, THEME_KEY, 256, false);
	assert_int_equal(s.fg, 208);
	free(errors);
	theme_free(t);
}

static void test_hostile_error_text_is_sanitized(void **state)
{
	(void)state;
	int nerr = 0;
	char *errors = NULL;
	theme *t = theme_parse("x\x1b]0;t\x07", "\x1b[2J = red\n", &nerr, &errors);
	assert_int_equal(nerr, 1);
	assert_null(strchr(errors, 0x1b));
	assert_null(strchr(errors, 0x07));
	assert_non_null(strstr(errors, "\\x1b[2J"));
	free(errors);
	theme_free(t);
}

static void test_parent_role_fallback(void **state)
{
	(void)state;
	theme *t =
	    theme_parse("p", "normal = 250 235\nselection = 231 24\nstatus = 16 250\n", NULL, NULL);
	theme_style sel = theme_resolve(t, THEME_SELECTION, 256, false);
	theme_style foc = theme_resolve(t, THEME_SELECTION_FOCUSED, 256, false);
	theme_style err = theme_resolve(t, THEME_STATUS_ERROR, 256, false);
	theme_style st = theme_resolve(t, THEME_STATUS, 256, false);
	theme_style title = theme_resolve(t, THEME_TITLE, 256, false);
	/* focused selection inherits the colours of selection, and is made distinct */
	assert_int_equal(foc.fg, sel.fg);
	assert_int_equal(foc.bg, sel.bg);
	assert_false(same_style(foc, sel));
	assert_int_equal(err.bg, st.bg);
	assert_false(same_style(err, st));
	/* title → header → normal */
	assert_int_equal(title.fg, 250);
	assert_int_equal(title.bg, 235);
	theme_free(t);
}

static void test_colour_conversion(void **state)
{
	(void)state;
	assert_int_equal(theme_rgb_to_256(0x00, 0x5f, 0x87), 24);
	assert_int_equal(theme_rgb_to_256(255, 255, 255), 231);
	assert_int_equal(theme_rgb_to_256(0, 0, 0), 16);
	assert_int_equal(theme_rgb_to_256(128, 128, 128), 244);
	assert_int_equal(theme_rgb_to_256(255, 0, 0), 196);
	assert_int_equal(theme_256_to_16(5), 5);
	assert_int_equal(theme_256_to_16(196), 9);  /* bright red */
	assert_int_equal(theme_256_to_16(124), 1);  /* dark red */
	assert_int_equal(theme_256_to_16(21), 12);  /* bright blue */
	assert_int_equal(theme_256_to_16(28), 2);   /* green */
	assert_int_equal(theme_256_to_16(232), 0);  /* near black */
	assert_int_equal(theme_256_to_16(244), 8);  /* grey */
	assert_int_equal(theme_256_to_16(252), 7);  /* light grey */
	assert_int_equal(theme_256_to_16(231), 15); /* white */
	assert_int_equal(theme_256_to_16(THEME_COLOR_DEFAULT), THEME_COLOR_DEFAULT);
	assert_int_equal(theme_16_to_8(9), 1);
	assert_int_equal(theme_16_to_8(8), 7);
	assert_int_equal(theme_16_to_8(4), 4);
	for (int i = 0; i < 256; i++) {
		int c16 = theme_256_to_16(i);
		assert_true(c16 >= 0 && c16 < 16);
		assert_true(theme_16_to_8(c16) < 8);
	}
}

static void test_degradation_256_16_8(void **state)
{
	(void)state;
	theme *t = theme_parse("d",
	                       "normal = default default\nmatch = #ff0000 bright_yellow bold\n"
	                       "header = 33\n",
	                       NULL, NULL);
	theme_style m256 = theme_resolve(t, THEME_MATCH, 256, false);
	theme_style m16 = theme_resolve(t, THEME_MATCH, 16, false);
	theme_style m8 = theme_resolve(t, THEME_MATCH, 8, false);
	assert_int_equal(m256.fg, 196);
	assert_int_equal(m256.bg, 11);
	assert_int_equal(m16.fg, 9);
	assert_int_equal(m16.bg, 11);
	assert_int_equal(m8.fg, 1);
	assert_int_equal(m8.bg, 3);
	assert_int_equal(m8.attrs, THEME_BOLD);
	/* 88 or 1000 colours: the nearest supported depth below */
	assert_int_equal(theme_resolve(t, THEME_HEADER, 88, false).fg, theme_256_to_16(33));
	assert_int_equal(theme_resolve(t, THEME_HEADER, 1000, false).fg, 33);
	/* every shipped theme stays within the colour count at every depth */
	for (const rapport_file *f = rapport_themes; f->name; f++) {
		theme *s = theme_parse(f->name, f->text, NULL, NULL);
		int depths[] = {256, 16, 8};
		for (int d = 0; d < 3; d++) {
			theme_style all[THEME_ROLE_COUNT];
			theme_resolve_all(s, depths[d], false, all);
			for (int r = 0; r < THEME_ROLE_COUNT; r++) {
				assert_true(all[r].fg >= -1 && all[r].fg < depths[d]);
				assert_true(all[r].bg >= -1 && all[r].bg < depths[d]);
				if (all[r].fg >= 0)
					assert_int_not_equal(all[r].fg, all[r].bg);
			}
			assert_false(same_style(all[THEME_SELECTION], all[THEME_NORMAL]));
			assert_false(
			    same_style(all[THEME_SELECTION_FOCUSED], all[THEME_SELECTION]));
			assert_false(same_style(all[THEME_MATCH], all[THEME_NORMAL]));
			assert_false(same_style(all[THEME_STATUS_ERROR], all[THEME_STATUS]));
		}
		theme_free(s);
	}
	theme_free(t);
}

static void test_collapsed_colours_stay_distinct(void **state)
{
	(void)state;
	/* 236 and 235 both become black on 16 colours */
	theme *t = theme_parse("c", "normal = 252 235\nselection = 252 236\n", NULL, NULL);
	theme_style n16 = theme_resolve(t, THEME_NORMAL, 16, false);
	theme_style s16 = theme_resolve(t, THEME_SELECTION, 16, false);
	assert_int_equal(n16.bg, s16.bg);
	assert_true(s16.attrs & THEME_REVERSE);
	/* fg == bg after degradation: text stays readable */
	theme *u = theme_parse("u", "normal = 16 232\n", NULL, NULL);
	theme_style n = theme_resolve(u, THEME_NORMAL, 16, false);
	assert_int_not_equal(n.fg, n.bg);
	theme_free(u);
	theme_free(t);
}

static void test_no_color(void **state)
{
	(void)state;
	theme *dark = theme_parse("dark", theme_builtin_text("dark"), NULL, NULL);
	theme *mono = theme_parse("mono", theme_builtin_text("mono"), NULL, NULL);
	theme_style nc[THEME_ROLE_COUNT], m[THEME_ROLE_COUNT], few[THEME_ROLE_COUNT];
	theme_resolve_all(dark, 256, true, nc);
	theme_resolve_all(mono, 256, false, m);
	theme_resolve_all(dark, 2, false, few);
	for (int r = 0; r < THEME_ROLE_COUNT; r++) {
		assert_int_equal(nc[r].fg, THEME_COLOR_DEFAULT);
		assert_int_equal(nc[r].bg, THEME_COLOR_DEFAULT);
		/* mono.theme and NO_COLOR cannot drift apart */
		if (!same_style(nc[r], m[r]))
			fail_msg("mono.theme role %s differs from the NO_COLOR attributes",
			         theme_role_name((theme_role)r));
		assert_true(same_style(nc[r], few[r]));
	}
	assert_int_equal(nc[THEME_SELECTION].attrs, THEME_REVERSE);
	assert_int_equal(nc[THEME_SELECTION_FOCUSED].attrs, THEME_REVERSE | THEME_BOLD);
	assert_true(nc[THEME_MATCH].attrs & THEME_UNDERLINE);
	assert_false(same_style(nc[THEME_STATUS_ERROR], nc[THEME_STATUS]));
	assert_false(same_style(nc[THEME_MATCH], nc[THEME_SELECTION]));
	theme_free(dark);
	theme_free(mono);

	setenv("NO_COLOR", "", 1);
	assert_false(theme_no_color_env());
	setenv("NO_COLOR", "1", 1);
	assert_true(theme_no_color_env());
	unsetenv("NO_COLOR");
	assert_false(theme_no_color_env());
}

static void test_default_theme_when_null(void **state)
{
	(void)state;
	theme *dark = theme_parse("dark", theme_builtin_text(THEME_DEFAULT_NAME), NULL, NULL);
	for (int r = 0; r < THEME_ROLE_COUNT; r++)
		assert_true(same_style(theme_resolve(NULL, (theme_role)r, 256, false),
		                       theme_resolve(dark, (theme_role)r, 256, false)));
	assert_string_equal(theme_name(NULL), "dark");
	theme_free(dark);
}

static void test_load_builtin_and_user(void **state)
{
	(void)state;
	char *errors = NULL;
	theme *t = theme_load("solarized", &errors);
	assert_non_null(t);
	assert_null(errors);
	assert_string_equal(theme_name(t), "solarized");
	theme_free(t);

	write_user_theme("mine", "inherit solarized\nmatch = red default underline\n");
	t = theme_load("mine", &errors);
	assert_non_null(t);
	assert_null(errors);
	theme *sol = theme_load("solarized", NULL);
	assert_int_equal(theme_resolve(t, THEME_MATCH, 16, false).fg, 1);
	assert_true(same_style(theme_resolve(t, THEME_HEADER, 256, false),
	                       theme_resolve(sol, THEME_HEADER, 256, false)));
	theme_free(sol);
	theme_free(t);

	/* a user file overrides the compiled-in theme of the same name and may
	 * inherit it */
	write_user_theme("dark", "inherit dark\nselection = black green\n");
	t = theme_load("dark", &errors);
	assert_null(errors);
	assert_int_equal(theme_resolve(t, THEME_SELECTION, 16, false).bg, 2);
	assert_int_equal(theme_resolve(t, THEME_TITLE, 256, false).fg, 231);
	theme_free(t);
}

static void test_load_errors(void **state)
{
	(void)state;
	char *errors = NULL;
	assert_null(theme_load("../../etc/passwd", &errors));
	assert_non_null(strstr(errors, "invalid theme name"));
	free(errors);
	assert_null(theme_load("no-such-theme", &errors));
	assert_non_null(strstr(errors, "theme 'no-such-theme' not found"));
	free(errors);
	/* cycles are reported, the theme still loads */
	write_user_theme("cyc-a", "inherit cyc-b\nnormal = red\n");
	write_user_theme("cyc-b", "inherit cyc-a\nmuted = blue\n");
	theme *t = theme_load("cyc-a", &errors);
	assert_non_null(t);
	assert_non_null(strstr(errors, "cycle"));
	assert_int_equal(theme_resolve(t, THEME_MUTED, 16, false).fg, 4);
	free(errors);
	theme_free(t);
	/* bad lines in a user theme are reported with its name and line */
	write_user_theme("broken", "inherit dark\nnormal = white\nselection = nonsense\n");
	t = theme_load("broken", &errors);
	assert_non_null(t);
	assert_non_null(strstr(errors, "broken:3: bad colour 'nonsense'"));
	assert_true(theme_role_set(t, THEME_SELECTION)); /* from dark */
	free(errors);
	theme_free(t);
	/* inheriting a missing theme */
	write_user_theme("orphan", "inherit ghost\n");
	t = theme_load("orphan", &errors);
	assert_non_null(t);
	assert_non_null(strstr(errors, "theme 'ghost' not found"));
	free(errors);
	theme_free(t);
}

static void test_names(void **state)
{
	(void)state;
	write_user_theme("zz-custom", "normal = red\n");
	char **names = NULL;
	size_t n = theme_names(&names);
	assert_true(n >= 6);
	int found = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
		found += !strcmp(names[i], "dark") + !strcmp(names[i], "mono") +
		         !strcmp(names[i], "zz-custom");
	}
	assert_int_equal(found, 3);
	theme_names_free(names, n);
	assert_true(theme_name_valid("16color"));
	assert_false(theme_name_valid(""));
	assert_false(theme_name_valid("a/b"));
	assert_false(theme_name_valid("a.theme"));
	char *p = theme_user_path("x");
	assert_non_null(strstr(p, "/rapport/themes/x.theme"));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_themes_parse_cleanly),
	    cmocka_unit_test(test_role_names),
	    cmocka_unit_test(test_bad_lines_reported_and_skipped),
	    cmocka_unit_test(test_hostile_error_text_is_sanitized),
	    cmocka_unit_test(test_parent_role_fallback),
	    cmocka_unit_test(test_colour_conversion),
	    cmocka_unit_test(test_degradation_256_16_8),
	    cmocka_unit_test(test_collapsed_colours_stay_distinct),
	    cmocka_unit_test(test_no_color),
	    cmocka_unit_test(test_default_theme_when_null),
	    cmocka_unit_test(test_load_builtin_and_user),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup_user_dir, teardown_user_dir);
}
