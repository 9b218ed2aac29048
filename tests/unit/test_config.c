/* Unit tests for the config file (src/core/config.c): defaults, every key,
 * bad lines, bindings, round trip of the printed config, file loading and
 * --print-config. */
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

#include "rapport/config.h"
#include "rapport/theme.h"
/* clang-format on */

static char tmpdir[256];

/* A private $XDG_CONFIG_HOME for the file tests. */
static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/rapport-test-config-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	return 0;
}

/* Removes the private directory. */
static int teardown_dir(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to path. */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* config_write() into a malloc'd string. */
static char *written(const config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_write(c, f);
	fclose(f);
	return buf;
}

static void test_defaults(void **state)
{
	(void)state;
	config *c = config_new();
	assert_non_null(c);
	assert_string_equal(c->theme, "dark");
	assert_int_equal(c->page_size, 100);
	assert_false(c->read_only);
	assert_null(c->editor);
	assert_false(c->mouse);
	assert_true(c->pager_wrap);
	assert_string_equal(c->search_mode, "hybrid");
	assert_int_equal(c->search_limit, 50);
	assert_string_equal(c->embed_provider, "hash");
	assert_null(c->embed_model);
	assert_null(c->embed_base_url);
	assert_string_equal(c->embed_api_key_env, "OPENAI_API_KEY");
	assert_null(c->embed_command);
	assert_int_equal(c->embed_timeout_ms, 30000);
	assert_int_equal(c->chunk_target, 1200);
	assert_int_equal(c->chunk_overlap, 200);
	assert_non_null(c->keys);
	assert_int_equal(keys_lookup(c->keys, KEYS_LIST, 'q'), KEYS_CMD_QUIT);
	assert_null(c->source);
	config_free(c);
}

static void test_every_key(void **state)
{
	(void)state;
	const char *text = "# my settings\n"
	                   "theme = solarized\n"
	                   "page_size = 250\n"
	                   "read_only = yes\n"
	                   "editor = vim -c 'set ft=json'\n"
	                   "mouse = on\n"
	                   "pager.wrap = off\n"
	                   "search.mode = text\n"
	                   "search.limit = 20\n"
	                   "embed.provider = openai\n"
	                   "embed.model = text-embedding-3-small\n"
	                   "embed.base_url = http://127.0.0.1:8080/v1\n"
	                   "embed.api_key_env = MY_KEY\n"
	                   "embed.command = \"/usr/local/bin/embed --dim 1536\"\n"
	                   "embed.timeout_ms = 5000\n"
	                   "chunk.target = 800\n"
	                   "chunk.overlap = 100\n"
	                   "bind C-n down\n"
	                   "unbind d\n";
	config *c = config_new();
	char *errors = NULL;
	assert_int_equal(config_parse(c, text, "cfg", &errors), 0);
	assert_null(errors);
	assert_string_equal(c->theme, "solarized");
	assert_int_equal(c->page_size, 250);
	assert_true(c->read_only);
	assert_string_equal(c->editor, "vim -c 'set ft=json'");
	assert_true(c->mouse);
	assert_false(c->pager_wrap);
	assert_string_equal(c->search_mode, "text");
	assert_int_equal(c->search_limit, 20);
	assert_string_equal(c->embed_provider, "openai");
	assert_string_equal(c->embed_model, "text-embedding-3-small");
	assert_string_equal(c->embed_base_url, "http://127.0.0.1:8080/v1");
	assert_string_equal(c->embed_api_key_env, "MY_KEY");
	assert_string_equal(c->embed_command, "/usr/local/bin/embed --dim 1536");
	assert_int_equal(c->embed_timeout_ms, 5000);
	assert_int_equal(c->chunk_target, 800);
	assert_int_equal(c->chunk_overlap, 100);
	assert_int_equal(keys_lookup(c->keys, KEYS_LIST, KEYS_CTRL('n')), KEYS_CMD_DOWN);
	assert_int_equal(keys_lookup(c->keys, KEYS_LIST, 'd'), KEYS_CMD_NONE);

	embed_config ec;
	config_embed(c, &ec);
	assert_string_equal(ec.provider, "openai");
	assert_string_equal(ec.model, "text-embedding-3-small");
	assert_string_equal(ec.api_key_env, "MY_KEY");
	assert_int_equal(ec.timeout_ms, 5000);
	chunk_opts co;
	config_chunk(c, &co);
	assert_int_equal(co.target_chars, 800);
	assert_int_equal(co.overlap_chars, 100);
	config_free(c);
}

static void test_bad_lines(void **state)
{
	(void)state;
	const char *text = "theme = light\n"                 /* 1 ok */
	                   "colour = blue\n"                 /* 2 unknown */
	                   "page_size = lots\n"              /* 3 not a number */
	                   "page_size = 5\n"                 /* 4 out of range */
	                   "mouse = maybe\n"                 /* 5 bad bool */
	                   "search.mode = fuzzy\n"           /* 6 bad enum */
	                   "just some words\n"               /* 7 no '=' */
	                   "editor = \"vim\n"                /* 8 unterminated quote */
	                   "bind j fly\n"                    /* 9 unknown command */
	                   "theme = ../../x\n"               /* 10 bad theme name */
	                   "embed.base_url = ftp://x\n"      /* 11 bad url */
	                   "embed.api_key_env = 1BAD\n"      /* 12 bad variable name */
	                   "search.limit = 99999999999999\n" /* 13 overflow */
	                   "theme =\n"                       /* 14 empty required */
	                   "page_size = 300   # comment\n";  /* 15 ok */
	config *c = config_new();
	char *errors = NULL;
	int bad = config_parse(c, text, "my.conf", &errors);
	assert_int_equal(bad, 13);
	const char *want[] = {
	    "my.conf:2: unknown setting 'colour'",
	    "my.conf:3: page_size wants a whole number, not 'lots'",
	    "my.conf:4: page_size must be between 10 and 10000",
	    "my.conf:5: mouse wants true or false",
	    "my.conf:6: search.mode must be one of hybrid, semantic, text",
	    "my.conf:7: expected '=' after 'just'",
	    "my.conf:8: unterminated quote",
	    "my.conf:9: unknown command 'fly'",
	    "my.conf:10: theme names use",
	    "my.conf:11: embed.base_url must start with http",
	    "my.conf:12: embed.api_key_env names an environment variable",
	    "my.conf:13: search.limit",
	    "my.conf:14: theme needs a value",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(errors, want[i]))
			fail_msg("missing '%s' in:\n%s", want[i], errors);
	/* good lines still applied, bad ones left the defaults */
	assert_string_equal(c->theme, "light");
	assert_int_equal(c->page_size, 300);
	assert_false(c->mouse);
	assert_string_equal(c->search_mode, "hybrid");
	assert_null(c->editor);
	assert_int_equal(keys_lookup(c->keys, KEYS_LIST, 'j'), KEYS_CMD_DOWN);
	free(errors);
	config_free(c);
}

static void test_hostile_values(void **state)
{
	(void)state;
	config *c = config_new();
	char *errors = NULL;
	int bad = config_parse(c,
	                       "editor = vi\x1b]0;pwned\x07\ntheme\x1b[2J = x\n"
	                       "embed.model = \xff\xfe\n",
	                       "h", &errors);
	assert_int_equal(bad, 3);
	assert_null(strchr(errors, 0x1b));
	assert_null(strchr(errors, 0x07));
	assert_non_null(strstr(errors, "control character"));
	assert_non_null(strstr(errors, "not valid UTF-8"));
	assert_null(c->editor);
	free(errors);
	/* NUL-free binary junk and CRLF files */
	bad = config_parse(c, "theme = mono\r\npage_size = 42\r\n", "crlf", &errors);
	assert_int_equal(bad, 0);
	assert_string_equal(c->theme, "mono");
	assert_int_equal(c->page_size, 42);
	config_free(c);
}

static void test_quotes_and_comments(void **state)
{
	(void)state;
	config *c = config_new();
	char *errors = NULL;
	assert_int_equal(config_parse(c,
	                              "editor = \"my \\\"editor\\\" # x \"  # comment\n"
	                              "   # indented comment\n"
	                              "embed.command = run #1\n"
	                              "embed.model = \"\"\n",
	                              "q", &errors),
	                 0);
	assert_string_equal(c->editor, "my \"editor\" # x ");
	assert_string_equal(c->embed_command, "run #1");
	assert_null(c->embed_model);
	assert_int_equal(config_parse(c, "editor = \"x\" trailing\n", "q", &errors), 1);
	assert_non_null(strstr(errors, "text after the closing quote"));
	free(errors);
	config_free(c);
}

static void test_chunk_overlap_check(void **state)
{
	(void)state;
	config *c = config_new();
	char *errors = NULL;
	assert_int_equal(config_parse(c, "chunk.overlap = 900\nchunk.target = 600\n", "k", &errors),
	                 1);
	assert_non_null(
	    strstr(errors, "chunk.overlap (900) must be smaller than chunk.target (600)"));
	assert_int_equal(c->chunk_target, 600);
	assert_true(c->chunk_overlap < c->chunk_target);
	free(errors);
	config_free(c);
}

static void test_write_round_trip(void **state)
{
	(void)state;
	config *c = config_new();
	assert_int_equal(config_parse(c,
	                              "theme = 16color\npage_size = 77\neditor = \" spaced \"\n"
	                              "embed.command = a \"b\" #c\nbind pager Space page-down\n"
	                              "unbind list n\nmouse = true\n",
	                              "rt", NULL),
	                 0);
	char *first = written(c);
	assert_non_null(strstr(first, "theme = 16color\n"));
	assert_non_null(strstr(first, "page_size = 77\n"));
	assert_non_null(strstr(first, "mouse = true\n"));
	assert_non_null(strstr(first, "# embed.model = (not set)\n"));
	assert_non_null(strstr(first, "bind pager Space page-down\n"));
	assert_non_null(strstr(first, "unbind list n\n"));
	config *d = config_new();
	char *errors = NULL;
	assert_int_equal(config_parse(d, first, "again", &errors), 0);
	assert_string_equal(d->editor, " spaced ");
	assert_string_equal(d->embed_command, "a \"b\" #c");
	char *second = written(d);
	assert_string_equal(first, second);
	free(first);
	free(second);
	config_free(d);
	config_free(c);
}

static void test_set(void **state)
{
	(void)state;
	config *c = config_new();
	char err[128];
	assert_int_equal(config_set(c, "search.limit", "7", err, sizeof err), 0);
	assert_int_equal(c->search_limit, 7);
	assert_int_equal(config_set(c, "search.limit", "0", err, sizeof err), -1);
	assert_non_null(strstr(err, "between 1 and 1000"));
	assert_int_equal(config_set(c, "nope", "1", err, sizeof err), -1);
	assert_int_equal(config_set(c, "page_size", " 12", err, sizeof err), -1);
	assert_int_equal(config_set(c, "page_size", "12x", err, sizeof err), -1);
	assert_int_equal(c->page_size, 100);
	config_free(c);
}

static void test_editor_precedence(void **state)
{
	(void)state;
	config *c = config_new();
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	assert_string_equal(config_editor(c), "vi");
	setenv("EDITOR", "nano", 1);
	assert_string_equal(config_editor(c), "nano");
	setenv("VISUAL", "emacs", 1);
	assert_string_equal(config_editor(c), "emacs");
	config_set(c, "editor", "hx", NULL, 0);
	assert_string_equal(config_editor(c), "hx");
	unsetenv("VISUAL");
	unsetenv("EDITOR");
	config_free(c);
}

static void test_load_files(void **state)
{
	(void)state;
	config *c = config_new();
	char *errors = NULL;
	/* no file at the default location: defaults, no error */
	assert_int_equal(config_load(c, NULL, &errors), 0);
	assert_null(errors);
	assert_null(c->source);
	char *path = config_default_path();
	char want[400];
	snprintf(want, sizeof want, "%s/rapport/config", tmpdir);
	assert_string_equal(path, want);
	char dir[300];
	snprintf(dir, sizeof dir, "%s/rapport", tmpdir);
	mkdir(dir, 0700);
	write_file(path, "theme = light\nbogus = 1\n");
	assert_int_equal(config_load(c, NULL, &errors), 1);
	assert_string_equal(c->theme, "light");
	assert_string_equal(c->source, path);
	char line[450];
	snprintf(line, sizeof line, "%s:2: unknown setting 'bogus'", path);
	assert_non_null(strstr(errors, line));
	free(errors);
	/* an explicit path that does not exist is an error */
	assert_int_equal(config_load(c, "/nonexistent/rapport.conf", &errors), -1);
	assert_non_null(strstr(errors, "cannot read /nonexistent/rapport.conf"));
	free(errors);
	/* without XDG_CONFIG_HOME, ~/.config */
	char *saved = strdup(getenv("XDG_CONFIG_HOME"));
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	char *home_path = config_default_path();
	assert_string_equal(home_path, "/home/someone/.config/rapport/config");
	free(home_path);
	setenv("XDG_CONFIG_HOME", saved, 1);
	free(saved);
	unlink(path);
	free(path);
	config_free(c);
}

static void test_print_effective(void **state)
{
	(void)state;
	char path[400];
	snprintf(path, sizeof path, "%s/explicit.conf", tmpdir);
	write_file(path, "theme = light\nsearch.limit = 9\nbind C-n down\n");
	rapport_globals g = {0};
	g.config_path = path;
	g.theme = "solarized";
	g.conn.read_only = true;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_int_equal(config_print_effective(&g, f), 0);
	fclose(f);
	assert_non_null(strstr(out, "theme = solarized\n"));
	assert_non_null(strstr(out, "read_only = true\n"));
	assert_non_null(strstr(out, "search.limit = 9\n"));
	assert_non_null(strstr(out, "bind global C-n down\n"));
	assert_non_null(strstr(out, path));
	/* the output is itself a valid config */
	config *c = config_new();
	assert_int_equal(config_parse(c, out, "printed", NULL), 0);
	assert_string_equal(c->theme, "solarized");
	config_free(c);
	free(out);
	g.config_path = "/nonexistent/x.conf";
	f = open_memstream(&out, &len);
	assert_int_equal(config_print_effective(&g, f), 1);
	fclose(f);
	assert_int_equal(len, 0);
	free(out);
}

/* The browser's scrolling and detail settings: defaults and bounds. */
static void test_scroll_and_detail_delay(void **state)
{
	(void)state;
	config *c = config_new();
	assert_non_null(c);
	assert_int_equal(c->scroll_jump, 0);
	assert_int_equal(c->detail_delay_ms, 100);
	char *errors = NULL;
	assert_int_equal(config_parse(c, "scroll_jump = 1\ndetail.delay_ms = 0\n", "t", &errors), 0);
	assert_int_equal(c->scroll_jump, 1);
	assert_int_equal(c->detail_delay_ms, 0);
	assert_int_equal(config_parse(c, "detail.delay_ms = 2001\nscroll_jump = -1\n", "t", &errors),
	                 2);
	assert_non_null(strstr(errors, "t:1: detail.delay_ms"));
	assert_non_null(strstr(errors, "t:2: scroll_jump"));
	free(errors);
	assert_int_equal(c->scroll_jump, 1); /* bad lines change nothing */
	assert_int_equal(c->detail_delay_ms, 0);
	config_free(c);
}

/* docs/config.md documents every setting and every theme role. */
static void test_docs_cover_every_key_and_role(void **state)
{
	(void)state;
	const char *root = getenv("RAPPORT_SRCDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/docs/config.md", root && *root ? root : ".");
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s (run from the source tree or set RAPPORT_SRCDIR)", path);
	static char doc[1 << 16];
	size_t n = fread(doc, 1, sizeof doc - 1, f);
	doc[n] = '\0';
	fclose(f);
	size_t keys = 0;
	for (const char *k; (k = config_key_name(keys)); keys++) {
		char want[80];
		snprintf(want, sizeof want, "| `%s` |", k);
		if (!strstr(doc, want))
			fail_msg("docs/config.md does not document setting %s", k);
	}
	assert_int_equal(keys, 18);
	for (int r = 0; r < THEME_ROLE_COUNT; r++) {
		char want[80];
		snprintf(want, sizeof want, "| `%s` |", theme_role_name((theme_role)r));
		if (!strstr(doc, want))
			fail_msg("docs/config.md does not document role %s",
			         theme_role_name((theme_role)r));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_hostile_values),
	    cmocka_unit_test(test_quotes_and_comments),
	    cmocka_unit_test(test_chunk_overlap_check),
	    cmocka_unit_test(test_write_round_trip),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_editor_precedence),
	    cmocka_unit_test(test_load_files),
	    cmocka_unit_test(test_print_effective),
	    cmocka_unit_test(test_scroll_and_detail_delay),
	    cmocka_unit_test(test_docs_cover_every_key_and_role),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
