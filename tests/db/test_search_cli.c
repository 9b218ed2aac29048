/* rapport search, the real binary ($RAPPORT_BIN or build/release/rapport)
 * against a real database: JSON (parsed back with cJSON, best first, fields),
 * CSV (RFC 4180 quoting of commas, quotes and line breaks), the human format
 * on a terminal (hostile bytes sanitized) and in a pipe, scopes resolved by
 * slug/email, an unknown scope (exit 1, one line), usage errors (exit 2),
 * --help, --sql reproducing the same rows through psql-style execution. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <pty.h>
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
#include "rapport/embed.h"

#define DBNAME "h6_search_cli"

static char *conninfo;

static const char fixture_sql[] =
    "INSERT INTO coaching_companies (name, slug) VALUES ('Acme Coaching', 'acme');"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, e, n FROM"
    " coaching_companies, (VALUES ('ana@acme.test', 'Ana Alves'), ('ben@acme.test',"
    " 'Ben Brandt')) v(e, n);"
    "INSERT INTO client_organizations (name, slug) VALUES ('Globex', 'globex');"
    "INSERT INTO clients (client_organization_id, primary_coach_id, email, name)"
    " SELECT o.id, c.id, v.email, v.name FROM (VALUES ('ana@acme.test', 'dora@globex.test',"
    " E'Dora \"DD\" Diaz, PhD'), ('ben@acme.test', 'eli@globex.test', 'Eli Evans'))"
    " v(coach, email, name) JOIN client_organizations o ON o.slug = 'globex'"
    " JOIN coaches c ON c.email = v.coach;";

/* Inserts an item with one hash-embedded chunk. */
static void insert_item(db *d, int dim, const char *coach, const char *client, const char *title,
                        const char *text)
{
	char sql[2048];
	snprintf(sql, sizeof sql,
	         "INSERT INTO data_items (data_type, coach_id, client_id, client_organization_id,"
	         " visibility_level, raw_content, metadata) SELECT 'transcript', co.id, cl.id,"
	         " cl.client_organization_id, 'coach_only', $t$%s$t$, jsonb_build_object('title',"
	         " $t$%s$t$) FROM coaches co, clients cl WHERE co.email = '%s' AND cl.email = '%s'"
	         " RETURNING id",
	         text, title, coach, client);
	char *id = NULL;
	if (db_exec_value(d, sql, &id) != DB_OK || !id)
		fail_msg("%s", db_errmsg(d));
	float *v = malloc(sizeof *v * (size_t)dim);
	embed_hash(text, strlen(text), dim, v);
	char *vt = embed_vector_text(v, dim);
	size_t cap = strlen(vt) + strlen(text) + 400;
	char *ins = malloc(cap);
	snprintf(ins, cap,
	         "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding, metadata)"
	         " VALUES ('%s', 0, $t$%s$t$, '%s', jsonb_build_object('embedding_model', 'hash-v1',"
	         " 'start', 0, 'end', %zu))",
	         id, text, vt, strlen(text));
	testdb_exec(d, ins);
	free(ins);
	free(vt);
	free(v);
	free(id);
}

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	db *d = testdb_open(DBNAME);
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	testdb_exec(d, fixture_sql);
	insert_item(d, caps.embedding_dim, "ana@acme.test", "dora@globex.test",
	            "Budget, \"quoted\"\nand two lines",
	            "Ana: the budget review went badly.\nDora: the budget slipped again.");
	insert_item(d, caps.embedding_dim, "ben@acme.test", "eli@globex.test",
	            "Evil \x1b]0;pwned\x07\x1b[2J title",
	            "Ben: budget \x1b[31mred\x1b[0m planning and a \xe2\x80\xae reversed note.");
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

/* The binary under test. */
static const char *bin(void)
{
	return getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "build/release/rapport";
}

typedef struct run_out {
	char out[65536];
	char err[4096];
	int status;
} run_out;

/* Reads fd to the end into buf. */
static void slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t k;
	while (n + 1 < cap && (k = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
}

/* When set, run() passes --config g_config, and sends stdout to
 * g_stdout_fd (>= 0) instead of a pipe. */
static const char *g_config;
static int g_stdout_fd = -1;

/* Runs rapport -d conninfo search ARGS... with stdout a pipe (tty false) or
 * a pseudo-terminal (tty true). */
static void run(run_out *o, bool tty, const char *const *args)
{
	const char *argv[32] = {bin(), "-d", conninfo};
	size_t n = 3;
	if (g_config)
		argv[n++] = "--config", argv[n++] = g_config;
	argv[n++] = "search";
	for (size_t i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int out[2], err[2], master = -1;
	assert_int_equal(pipe(err), 0);
	if (!tty)
		assert_int_equal(pipe(out), 0);
	pid_t pid = tty ? forkpty(&master, NULL, NULL, NULL) : fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (!tty) {
			dup2(g_stdout_fd >= 0 ? g_stdout_fd : out[1], 1);
			close(out[0]);
		}
		dup2(err[1], 2);
		close(err[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(err[1]);
	if (!tty)
		close(out[1]);
	slurp(tty ? master : out[0], o->out, sizeof o->out);
	slurp(err[0], o->err, sizeof o->err);
	close(tty ? master : out[0]);
	close(err[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	o->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* JSON: an array, best first, with ids, scores, people, offsets, snippet
 * and highlight ranges; raw values (not sanitized) in a pipe. */
static void test_json(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	run(o, false, (const char *const[]){"--json", "--limit", "5", "budget", NULL});
	assert_int_equal(o->status, 0);
	cJSON *arr = cJSON_Parse(o->out);
	assert_non_null(arr);
	assert_true(cJSON_IsArray(arr));
	assert_int_equal(cJSON_GetArraySize(arr), 2);
	double prev = 1e9;
	bool saw_evil = false;
	const cJSON *h;
	cJSON_ArrayForEach(h, arr)
	{
		double score = cJSON_GetObjectItem(h, "score")->valuedouble;
		assert_true(score <= prev);
		prev = score;
		assert_true(cJSON_IsString(cJSON_GetObjectItem(h, "chunk_id")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(h, "data_item_id")));
		const cJSON *sc = cJSON_GetObjectItem(h, "scores");
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(sc, "fused")));
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(sc, "text_rank")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "coach"), "email")));
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(h, "start")));
		const char *snip = cJSON_GetObjectItem(h, "snippet")->valuestring;
		const cJSON *hl = cJSON_GetObjectItem(h, "highlights");
		assert_true(cJSON_GetArraySize(hl) >= 1);
		/* the first highlight covers "budget" in the plain snippet (ASCII here) */
		int a = cJSON_GetArrayItem(cJSON_GetArrayItem(hl, 0), 0)->valueint;
		int b = cJSON_GetArrayItem(cJSON_GetArrayItem(hl, 0), 1)->valueint;
		if (!strstr(snip, "\xe2\x80\xae"))
			assert_int_equal(strncmp(snip + a, "budget", (size_t)(b - a)), 0);
		const char *title = cJSON_GetObjectItem(h, "title")->valuestring;
		if (strstr(title, "Evil")) {
			saw_evil = true;
			assert_non_null(strchr(title, '\x1b')); /* raw in a pipe, escaped by JSON */
		}
	}
	assert_true(saw_evil);
	assert_null(strstr(o->out, "\x1b")); /* JSON text itself carries \u001b, never ESC */
	cJSON_Delete(arr);
	free(o);
}

/* CSV: a header, one row per hit, fields with commas, quotes and line breaks
 * quoted with doubled quotes, CRLF record ends. */
static void test_csv(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	run(o, false, (const char *const[]){"--csv", "--mode", "text", "--scope",
	                                    "coach:ana@acme.test", "budget", NULL});
	assert_int_equal(o->status, 0);
	assert_int_equal(strncmp(o->out, "rank,mode,score,chunk_id,", 25), 0);
	assert_non_null(strstr(o->out, ",snippet\r\n1,text,"));
	assert_non_null(strstr(o->out, "\"Dora \"\"DD\"\" Diaz, PhD\""));
	assert_non_null(strstr(o->out, "\"Budget, \"\"quoted\"\"\nand two lines\""));
	assert_null(strstr(o->out, "Eli Evans")); /* scoped to Ana */
	free(o);
}

/* On a terminal the human format escapes control and bidi characters; in a
 * pipe the human format is the same words without colour codes. */
static void test_human_tty(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	run(o, true, (const char *const[]){"--scope", "coach:ben@acme.test", "budget", NULL});
	assert_int_equal(o->status, 0);
	assert_non_null(strstr(o->out, "Evil \\x1b]0;pwned\\x07\\x1b[2J title"));
	assert_null(strstr(o->out, "\x1b]0;"));
	assert_null(strstr(o->out, "\x1b[2J"));
	assert_null(strstr(o->out, "\xe2\x80\xae"));
	assert_non_null(strstr(o->out, "\x1b[1;4m")); /* matched word underlined */
	run(o, false, (const char *const[]){"--scope", "coach:ben@acme.test", "budget", NULL});
	assert_int_equal(o->status, 0);
	assert_null(strstr(o->out, "\x1b"));
	assert_non_null(strstr(o->out, "Ben Brandt"));
	free(o);
}

/* Scope errors exit 1 with one line; usage errors exit 2; --help exits 0. */
static void test_errors_and_help(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	run(o, false, (const char *const[]){"--scope", "coach:nobody@acme.test", "budget", NULL});
	assert_int_equal(o->status, 1);
	assert_non_null(strstr(o->err, "no coach 'nobody@acme.test'"));
	assert_non_null(strchr(o->err, '\n'));
	assert_null(strchr(strchr(o->err, '\n') + 1, '\n'));
	run(o, false, (const char *const[]){"--scope", "team:x", "budget", NULL});
	assert_int_equal(o->status, 2);
	run(o, false, (const char *const[]){"--limit", "0", "budget", NULL});
	assert_int_equal(o->status, 2);
	run(o, false, (const char *const[]){NULL});
	assert_int_equal(o->status, 2);
	run(o, false, (const char *const[]){"--mode", "semantic", "--from", "2025-13-40", "x", NULL});
	assert_int_equal(o->status, 1);
	assert_non_null(strstr(o->err, "YYYY-MM-DD"));
	run(o, false, (const char *const[]){"--help", NULL});
	assert_int_equal(o->status, 0);
	assert_non_null(strstr(o->out, "--scope KIND:REF"));
	/* hostile words are just words */
	run(o, false, (const char *const[]){"--json", "--", "'; DROP TABLE data_chunks; --", NULL});
	assert_int_equal(o->status, 0);
	run(o, false, (const char *const[]){"--json", "--mode", "text", "budget", NULL});
	assert_int_equal(o->status, 0);
	assert_non_null(strstr(o->out, "chunk_id"));
	free(o);
}

/* Options may follow the query words (they were taken as words: `search
 * budget --json` printed the human format for "budget --json"); a value left
 * out or an unknown option is named; `--` still ends the options. */
static void test_options_after_query(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	run(o, false, (const char *const[]){"budget", "--json", "--limit", "1", NULL});
	assert_int_equal(o->status, 0);
	cJSON *arr = cJSON_Parse(o->out);
	assert_true(cJSON_IsArray(arr));
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	cJSON_Delete(arr);
	run(o, false, (const char *const[]){"budget", "--limit", NULL});
	assert_int_equal(o->status, 2);
	assert_string_equal(o->err, "rapport: search: --limit needs a value (see rapport search "
	                            "--help)\n");
	run(o, false, (const char *const[]){"--limt", "3", "budget", NULL});
	assert_int_equal(o->status, 2);
	assert_non_null(strstr(o->err, "unknown option '--limt'"));
	run(o, false, (const char *const[]){"--json", "--", "budget", "--csv", NULL});
	assert_int_equal(o->status, 0);
	arr = cJSON_Parse(o->out); /* "--csv" after -- is a query word, not the format */
	assert_true(cJSON_IsArray(arr));
	cJSON_Delete(arr);
	free(o);
}

/* A config file that cannot be read: one plain line, exit 2. */
static void test_unreadable_config(void **state)
{
	(void)state;
	run_out *o = malloc(sizeof *o);
	g_config = "/nonexistent/rapport-config";
	run(o, false, (const char *const[]){"budget", NULL});
	g_config = NULL;
	assert_int_equal(o->status, 2);
	assert_string_equal(o->err, "rapport: cannot read /nonexistent/rapport-config: No such file "
	                            "or directory\n");
	free(o);
}

/* Results that cannot be written (a full disk) fail with exit 1, also when
 * the whole JSON document is one write. */
static void test_output_write_error(void **state)
{
	(void)state;
	g_stdout_fd = open("/dev/full", O_WRONLY);
	if (g_stdout_fd < 0)
		skip();
	run_out *o = malloc(sizeof *o);
	const char *const fmts[][3] = {{"--json", NULL}, {"--csv", NULL}, {"--sql", NULL}};
	for (size_t i = 0; i < 3; i++) {
		run(o, false, (const char *const[]){fmts[i][0], "budget", NULL});
		if (o->status != 1)
			fail_msg("%s into a full disk: exit %d (%s)", fmts[i][0], o->status, o->err);
		assert_non_null(strstr(o->err, "could not write the"));
	}
	close(g_stdout_fd);
	g_stdout_fd = -1;
	free(o);
}

/* A database without rapport's schema: what to do, not "function
 * rapport_knn(...) does not exist". */
static void test_schema_missing(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h6_search_cli_empty");
	db_close(d);
	char *saved = conninfo;
	conninfo = testdb_conninfo("h6_search_cli_empty");
	run_out *o = malloc(sizeof *o);
	/* no mode asked: falls back to text (no pgvector here); and text asked */
	const char *const *cases[] = {(const char *const[]){"budget", NULL},
	                              (const char *const[]){"--mode", "text", "budget", NULL}};
	for (size_t i = 0; i < 2; i++) {
		run(o, false, cases[i]);
		if (o->status != 1 || !strstr(o->err, "run `rapport db migrate`"))
			fail_msg("case %zu: exit %d, %s", i, o->status, o->err);
	}
	free(o);
	free(conninfo);
	conninfo = saved;
	testdb_drop("h6_search_cli_empty");
}

/* Runs the tests in order. */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_human_tty),
	    cmocka_unit_test(test_errors_and_help),
	    cmocka_unit_test(test_options_after_query),
	    cmocka_unit_test(test_unreadable_config),
	    cmocka_unit_test(test_output_write_error),
	    cmocka_unit_test(test_schema_missing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
