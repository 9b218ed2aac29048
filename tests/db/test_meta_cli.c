/* `rapport meta` for real: the built binary against a fresh database
 * (tests/common/testdb), checking exit codes, the one-line messages and the
 * database contents after each run (nothing written on invalid input). */
/* clang-format off */
#include <fcntl.h>
#include <poll.h>
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
#include "common/vt.h"
#include "rapport/form.h"
/* clang-format on */

#define DBNAME "h8_meta_cli"
#define COACH  "11111111-1111-4111-8111-111111111111"
#define CLIENT "22222222-2222-4222-8222-222222222222"

static db *conn;
static char *conninfo;
static const char *g_config; /* when set, rapport_meta passes --config g_config */

typedef struct run_out {
	int code;
	char *out, *err;
} run_out;

static void run_free(run_out *r)
{
	free(r->out);
	free(r->err);
}

/* Reads both pipes to the end into malloc'd strings. */
static void drain(int fo, int fe, char **out, char **err)
{
	size_t n[2] = {0, 0}, cap[2] = {256, 256};
	char *b[2] = {malloc(cap[0]), malloc(cap[1])};
	struct pollfd p[2] = {{.fd = fo, .events = POLLIN}, {.fd = fe, .events = POLLIN}};
	int open_ = 2;
	while (open_ > 0) {
		if (poll(p, 2, 30000) <= 0)
			fail_msg("rapport meta did not finish");
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (n[i] + 4096 > cap[i])
				b[i] = realloc(b[i], cap[i] = (n[i] + 4096) * 2);
			ssize_t got = read(p[i].fd, b[i] + n[i], 4096);
			if (got <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_--;
			} else {
				n[i] += (size_t)got;
			}
		}
	}
	b[0][n[0]] = b[1][n[1]] = '\0';
	*out = b[0];
	*err = b[1];
}

/* Runs the rapport binary: rapport -d CONNINFO meta ARGS... (NULL-ended). */
static run_out rapport_meta(const char *first, ...)
{
	const char *argv[64];
	const char *bin = vt_binary(); /* $RAPPORT_BIN, else the build next to this test */
	int n = 0;
	argv[n++] = bin;
	argv[n++] = "-d";
	argv[n++] = conninfo;
	if (g_config)
		argv[n++] = "--config", argv[n++] = g_config;
	argv[n++] = "meta";
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 62; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	int po[2], pe[2];
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]), close(pe[0]), close(po[1]), close(pe[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	run_out r = {0};
	drain(po[0], pe[0], &r.out, &r.err);
	int status = 0;
	waitpid(pid, &status, 0);
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (r.code == 127)
		fail_msg("cannot run %s (set RAPPORT_BIN)", bin);
	return r;
}

/* First value of a query (malloc'd). */
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

/* The coach's metadata and token, to prove nothing was written. */
static char *coach_state(void)
{
	return value(
	    "SELECT metadata::text || ' @ ' || updated_at::text FROM coaches WHERE id = '" COACH
	    "'");
}

static void expect_fail(run_out r, int code, const char *err_line)
{
	if (r.code != code || strcmp(r.err, err_line) != 0)
		fail_msg("exit %d (want %d), stderr '%s' (want '%s')", r.code, code, r.err,
		         err_line);
	assert_string_equal(r.out, "");
	run_free(&r);
}

static int setup(void **state)
{
	(void)state;
	conn = testdb_open(DBNAME);
	conninfo = testdb_conninfo(DBNAME);
	testdb_exec(
	    conn, "INSERT INTO coaching_companies(id, name, slug, metadata) VALUES"
	          " ('33333333-3333-4333-8333-333333333333', 'InsideOut', 'insideout', '{}');"
	          "INSERT INTO coaches(id, coaching_company_id, email, name, metadata) VALUES"
	          " ('" COACH "', '33333333-3333-4333-8333-333333333333', 'ana@example.com', 'Ana',"
	          "  '{\"active\": true, \"experience_years\": 15, \"timezone\": \"Europe/Paris\","
	          "    \"hobby_list\": [\"chess\"], \"ratio\": 1.50}');"
	          "INSERT INTO client_organizations(id, name, slug, metadata) VALUES"
	          " ('44444444-4444-4444-8444-444444444444', 'Acme', 'acme-media',"
	          "  '{\"size\": \"mid-market\", \"employee_count\": 250}');"
	          "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name,"
	          " metadata) VALUES ('" CLIENT "', '44444444-4444-4444-8444-444444444444', '" COACH
	          "', 'bo@acme.example', 'Bo', NULL);");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(conn);
	free(conninfo);
	return 0;
}

/* Parses text as JSON and compares it with the stored metadata. */
static void expect_same_json(const char *text, const char *sql)
{
	char *stored = value(sql);
	form_perr e;
	form_json *a = form_json_parse(text, strlen(text), &e);
	form_json *b = form_json_parse(stored, strlen(stored), &e);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(form_json_equal(a, b));
	form_json_free(a);
	form_json_free(b);
	free(stored);
}

static void test_print(void **state)
{
	(void)state;
	run_out r = rapport_meta("coaches", "ana@example.com", NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "\n  \"experience_years\": 15"));
	assert_non_null(strstr(r.out, "\"ratio\": 1.50")); /* jsonb keeps the scale */
	expect_same_json(r.out, "SELECT metadata::text FROM coaches WHERE id = '" COACH "'");
	run_free(&r);
	/* by slug, compact */
	r = rapport_meta("orgs", "acme-media", "--compact", NULL);
	assert_int_equal(r.code, 0);
	assert_null(strchr(r.out, ' '));
	assert_int_equal(strchr(r.out, '\n') - r.out, (long)strlen(r.out) - 1);
	expect_same_json(r.out, "SELECT metadata::text FROM client_organizations WHERE slug = "
	                        "'acme-media'");
	run_free(&r);
	/* by uuid; NULL metadata prints as {} */
	r = rapport_meta("client", CLIENT, NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "{}\n");
	run_free(&r);
}

static void test_set_and_unset(void **state)
{
	(void)state;
	run_out r = rapport_meta("coaches", "ana@example.com", "--set", "experience_years=16",
	                         "--set", "specializations=[\"C-suite\", \"teams\"]", "--set",
	                         "favourite_food=\"soup\"", "--unset", "timezone", NULL);
	if (r.code != 0)
		fail_msg("exit %d: %s", r.code, r.err);
	assert_non_null(strstr(r.out, "\"experience_years\": 16"));
	run_free(&r);
	want_value("SELECT metadata->>'experience_years' FROM coaches WHERE id = '" COACH "'",
	           "16");
	want_value("SELECT metadata->'specializations' FROM coaches WHERE id = '" COACH "'",
	           "[\"C-suite\", \"teams\"]");
	want_value("SELECT metadata->>'favourite_food' FROM coaches WHERE id = '" COACH "'",
	           "soup");
	want_value("SELECT metadata ? 'timezone' FROM coaches WHERE id = '" COACH "'", "f");
	/* keys not mentioned are kept */
	want_value("SELECT metadata->>'hobby_list' FROM coaches WHERE id = '" COACH "'",
	           "[\"chess\"]");
	want_value("SELECT metadata->>'ratio' FROM coaches WHERE id = '" COACH "'", "1.50");
	/* the write is in the audit trail, with the role */
	want_value("SELECT count(*) FROM rapport_audit WHERE table_name = 'coaches' AND record_id "
	           "= '" COACH
	           "' AND action = 'update' AND after ? 'metadata' AND actor = current_user",
	           "1");
	/* unsetting an absent key is a no-op that writes nothing */
	char *before = coach_state();
	r = rapport_meta("coaches", COACH, "--unset", "no_such_key", NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	char *after = coach_state();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* setting the client's NULL metadata */
	r = rapport_meta("clients", "bo@acme.example", "--set", "start_date=\"2025-01-15\"", NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	want_value("SELECT metadata::text FROM clients WHERE id = '" CLIENT "'",
	           "{\"start_date\": \"2025-01-15\"}");
}

static void test_invalid_writes_nothing(void **state)
{
	(void)state;
	char *before = coach_state();
	expect_fail(
	    rapport_meta("coaches", "ana@example.com", "--set", "experience_years=-1", NULL), 1,
	    "rapport: meta: experience_years: must be an integer \u2265 0\n");
	expect_fail(
	    rapport_meta("coaches", "ana@example.com", "--set", "experience_years=\"15\"", NULL), 1,
	    "rapport: meta: experience_years: must be an integer \u2265 0\n");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "active=1", NULL), 1,
	            "rapport: meta: active: must be true or false\n");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "certifications=[1]", NULL),
	            1, "rapport: meta: certifications[0]: must be a string\n");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set",
	                         "timezone=\"Europe/Atlantis\"", NULL),
	            1,
	            "rapport: meta: timezone: must be an IANA time zone (e.g. America/New_York)\n");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "department=Product", NULL),
	            1,
	            "rapport: meta: department: invalid JSON at line 1, column 1: unexpected 'P' "
	            "(expected a JSON value) (strings need quotes: department='\"text\"')\n");
	expect_fail(
	    rapport_meta("coaches", "ana@example.com", "--set", "FooBar=1", NULL), 1,
	    "rapport: meta: FooBar: key must be snake_case (lowercase letters, digits, _)\n");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "big=1e999", NULL), 1,
	            "rapport: meta: big: number out of range\n");
	/* one bad key among good ones: nothing at all is written */
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "experience_years=20",
	                         "--set", "active=\"yes\"", NULL),
	            1, "rapport: meta: active: must be true or false\n");
	char *after = coach_state();
	assert_string_equal(before, after);
	free(before);
	free(after);
	expect_fail(rapport_meta("orgs", "acme-media", "--set", "size=\"huge\"", NULL), 1,
	            "rapport: meta: size: must be one of: startup, mid-market, enterprise\n");
	expect_fail(
	    rapport_meta("companies", "insideout", "--set", "website=\"insideout.com\"", NULL), 1,
	    "rapport: meta: website: must be a URI (https://...)\n");
	expect_fail(rapport_meta("companies", "insideout", "--set", "contact_email=\"x\"", NULL), 1,
	            "rapport: meta: contact_email: must be an email address (name@example.com)\n");
	expect_fail(rapport_meta("clients", CLIENT, "--set", "start_date=\"2025-02-30\"", NULL), 1,
	            "rapport: meta: start_date: must be a date (YYYY-MM-DD)\n");
}

static void test_usage_and_lookup(void **state)
{
	(void)state;
	run_out r = rapport_meta("--help", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Usage: rapport meta TABLE REF"));
	run_free(&r);
	r = rapport_meta("coaches", NULL);
	assert_int_equal(r.code, 2);
	run_free(&r);
	expect_fail(rapport_meta("planets", "x", NULL), 2,
	            "rapport: meta: unknown table 'planets' (companies, coaches, orgs, clients, "
	            "models, items)\n");
	expect_fail(rapport_meta("coaches", "x", "--set", "noequals", NULL), 2,
	            "rapport: meta: --set takes KEY=JSON, got 'noequals'\n");
	expect_fail(rapport_meta("coaches", "x", "--bogus", NULL), 2,
	            "rapport: meta: unknown option '--bogus' (see rapport meta --help)\n");
	expect_fail(rapport_meta("coaches", "nobody@example.com", NULL), 1,
	            "rapport: meta: no coach matches 'nobody@example.com' (uuid, slug or email)\n");
	/* SQL metacharacters are only ever a value */
	expect_fail(
	    rapport_meta("orgs", "x'; DROP TABLE coaches; --", NULL), 1,
	    "rapport: meta: no organization matches 'x'; DROP TABLE coaches; --' (uuid, slug "
	    "or email)\n");
	want_value("SELECT count(*) FROM coaches", "1");
	/* escape sequences in the reference are shown escaped */
	r = rapport_meta("orgs", "\x1b]0;owned\x07", NULL);
	assert_int_equal(r.code, 1);
	assert_null(strchr(r.err, '\x1b'));
	run_free(&r);
}

static void test_schema_override(void **state)
{
	(void)state;
	testdb_exec(
	    conn, "INSERT INTO rapport_metadata_schemas(table_name, schema) VALUES"
	          " ('client_organizations', '{\"x-rapport-merge\": true, \"properties\":"
	          " {\"badge_level\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 3}}}')");
	expect_fail(rapport_meta("orgs", "acme-media", "--set", "badge_level=7", NULL), 1,
	            "rapport: meta: badge_level: must be an integer between 1 and 3\n");
	/* built-in rules still apply with a merged override */
	expect_fail(rapport_meta("orgs", "acme-media", "--set", "employee_count=-5", NULL), 1,
	            "rapport: meta: employee_count: must be an integer \u2265 0\n");
	run_out r = rapport_meta("orgs", "acme-media", "--set", "badge_level=2", NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	want_value("SELECT metadata->>'badge_level' FROM client_organizations WHERE slug = "
	           "'acme-media'",
	           "2");
	/* a broken override is reported, nothing written */
	testdb_exec(conn, "UPDATE rapport_metadata_schemas SET schema = '{\"type\": \"float\"}'");
	r = rapport_meta("orgs", "acme-media", "--set", "badge_level=3", NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "\"type\" must be object, string"));
	run_free(&r);
	want_value("SELECT metadata->>'badge_level' FROM client_organizations WHERE slug = "
	           "'acme-media'",
	           "2");
	testdb_exec(conn, "DELETE FROM rapport_metadata_schemas");
}

static void test_hostile_values(void **state)
{
	(void)state;
	char *before = coach_state();
	/* 1,000 levels of nesting: refused in words */
	size_t depth = 1000;
	char *deep = malloc(depth * 2 + 16);
	size_t k = (size_t)sprintf(deep, "deep_key=");
	for (size_t i = 0; i < depth; i++)
		deep[k++] = '[';
	for (size_t i = 0; i < depth; i++)
		deep[k++] = ']';
	deep[k] = '\0';
	run_out r = rapport_meta("coaches", COACH, "--set", deep, NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "deep_key: invalid JSON at line 1, column 65: nested deeper "
	                              "than 64 levels\n"));
	run_free(&r);
	free(deep);
	char *after = coach_state();
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* a 10,000-item list is stored whole */
	size_t n = 10000;
	char *arr = malloc(n * 8 + 32);
	k = (size_t)sprintf(arr, "certifications=[");
	for (size_t i = 0; i < n; i++)
		k += (size_t)sprintf(arr + k, "%s\"c%zu\"", i ? "," : "", i % 100);
	sprintf(arr + k, "]");
	r = rapport_meta("coaches", COACH, "--set", arr, "--compact", NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	free(arr);
	want_value(
	    "SELECT jsonb_array_length(metadata->'certifications') FROM coaches WHERE id = '" COACH
	    "'",
	    "10000");
	/* control characters in values are stored escaped and printed escaped */
	r = rapport_meta("coaches", COACH, "--set", "motto=\"\\u001b]52;c;SGVsbG8=\\u0007\"", NULL);
	assert_int_equal(r.code, 0);
	assert_null(strchr(r.out, '\x1b'));
	assert_non_null(strstr(r.out, "\\u001b]52"));
	run_free(&r);
	want_value("SELECT length(metadata->>'motto') FROM coaches WHERE id = '" COACH "'", "16");
}

static void test_schema_command(void **state)
{
	(void)state;
	run_out r = rapport_meta("schema", "coaches", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "\"experience_years\": {"));
	run_free(&r);
	char path[] = "/tmp/rapport-meta-schema-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *ov = "{\"x-rapport-merge\": true, \"properties\": {\"badge\": {\"type\": "
	                 "\"integer\"}}}";
	assert_int_equal(write(fd, ov, strlen(ov)), (ssize_t)strlen(ov));
	close(fd);
	r = rapport_meta("schema", "coaches", "--set", path, NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	want_value("SELECT schema->'properties'->'badge'->>'type' FROM rapport_metadata_schemas"
	           " WHERE table_name = 'coaches'",
	           "integer");
	expect_fail(rapport_meta("coaches", "ana@example.com", "--set", "badge=\"x\"", NULL), 1,
	            "rapport: meta: badge: must be an integer\n");
	r = rapport_meta("schema", "coaches", NULL);
	assert_non_null(strstr(r.out, "\"x-rapport-merge\": true"));
	run_free(&r);
	/* a file that is not a schema: refused, nothing stored */
	FILE *f = fopen(path, "w");
	fputs("{\"properties\": {\"a\": {\"type\": \"float\"}}}", f);
	fclose(f);
	expect_fail(
	    rapport_meta("schema", "coaches", "--set", path, NULL), 1,
	    "rapport: meta: properties.a: \"type\" must be object, string, integer, number, "
	    "boolean or array; nothing stored\n");
	want_value("SELECT count(*) FROM rapport_metadata_schemas WHERE schema ? 'x-rapport-merge'",
	           "1");
	r = rapport_meta("schema", "coaches", "--reset", NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	want_value("SELECT count(*) FROM rapport_metadata_schemas", "0");
	expect_fail(rapport_meta("schema", "planets", NULL), 2,
	            "rapport: meta: usage: rapport meta schema TABLE [--set FILE | --reset]\n");
	/* its help is help: stdout, exit 0 (was the usage on stderr, exit 2) */
	r = rapport_meta("schema", "--help", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "rapport meta schema TABLE [--set FILE | --reset]"));
	assert_string_equal(r.err, "");
	run_free(&r);
	unlink(path);
}

/* A config file that cannot be read stops the command before it connects:
 * it may be the file that makes sessions read-only (read_only = true), so
 * going on without it could write what the operator meant to protect. */
static void test_unreadable_config_writes_nothing(void **state)
{
	(void)state;
	char *before = coach_state();
	char dir[] = "/tmp/rapport-meta-config-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[sizeof dir + 16];
	snprintf(path, sizeof path, "%s/config", dir);
	g_config = path; /* not there */
	run_out r = rapport_meta("coaches", COACH, "--set", "experience_years=3", NULL);
	char want[200];
	snprintf(want, sizeof want, "rapport: cannot read %s: No such file or directory\n", path);
	g_config = NULL;
	expect_fail(r, 2, want);
	char *after = coach_state();
	assert_string_equal(before, after);
	free(after);
	/* the same file, readable, is the one that keeps the session read-only */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("read_only = true\n", f);
	fclose(f);
	g_config = path;
	r = rapport_meta("coaches", COACH, "--set", "experience_years=3", NULL);
	g_config = NULL;
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "read-only"));
	run_free(&r);
	after = coach_state();
	assert_string_equal(before, after);
	free(after);
	free(before);
	unlink(path);
	rmdir(dir);
}

/* Stored metadata deeper than the form parser's limit is printed as stored
 * (exit 0); a change to it is refused and nothing is written. */
static void test_deep_stored_printed(void **state)
{
	(void)state;
	testdb_exec(conn, "UPDATE coaching_companies SET metadata = ('{\"deep\": ' || "
	                  "repeat('[', 100) || repeat(']', 100) || '}')::jsonb WHERE slug = 'insideout'");
	char *stored = value("SELECT metadata::text FROM coaching_companies WHERE slug = 'insideout'");
	char *before = value("SELECT updated_at::text FROM coaching_companies WHERE slug = 'insideout'");
	run_out r = rapport_meta("companies", "insideout", NULL);
	assert_int_equal(r.code, 0);
	size_t n = strlen(r.out);
	assert_true(n > 0 && r.out[n - 1] == '\n');
	r.out[n - 1] = '\0';
	assert_string_equal(r.out, stored);
	run_free(&r);
	r = rapport_meta("companies", "insideout", "--set", "active=true", NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "nothing changed"));
	run_free(&r);
	want_value("SELECT updated_at::text FROM coaching_companies WHERE slug = 'insideout'", before);
	want_value("SELECT metadata::text FROM coaching_companies WHERE slug = 'insideout'", stored);
	free(stored);
	free(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_print),
	    cmocka_unit_test(test_set_and_unset),
	    cmocka_unit_test(test_invalid_writes_nothing),
	    cmocka_unit_test(test_usage_and_lookup),
	    cmocka_unit_test(test_schema_override),
	    cmocka_unit_test(test_hostile_values),
	    cmocka_unit_test(test_schema_command),
	    cmocka_unit_test(test_unreadable_config_writes_nothing),
	    cmocka_unit_test(test_deep_stored_printed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
