/* Hostile values (tests/hostile/values.txt) through the data-access module
 * and the CLI, against a real database: every text column and metadata
 * value stores each valid value byte for byte and refuses invalid UTF-8
 * cleanly; `rapport meta` and `rapport search --json/--csv` and their
 * terminal output handle every stored value; the same values as command-line
 * arguments give a clear error or an empty result. Table checksums before
 * and after each read-only command prove nothing was written. Prints count
 * lines ("hostile: ...") that docs/reliability.md quotes. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "common/testdb.h"
#include "common/vt.h"
#include "hostile/hostile.h"
/* clang-format on */

#define DBNAME "h9_hostile"
#define CO     "10000000-0000-4000-8000-000000000001"
#define ANA    "20000000-0000-4000-8000-000000000001"
#define ORG    "30000000-0000-4000-8000-000000000001"
#define CAROL  "40000000-0000-4000-8000-000000000001"
#define GROW   "50000000-0000-4000-8000-000000000001"
#define ITEM   "60000000-0000-4000-8000-000000000001"
#define ARGMAX 100000 /* bytes: one argv string may not exceed 128 KiB (Linux) */
#define T      60000

static db *conn;
static char *conninfo;
static hv_set *hv;
static char tmpdir[] = "/tmp/rapport-h9-hostile-XXXXXX";

static const char reset_sql[] =
    "DELETE FROM data_chunks; DELETE FROM data_items; DELETE FROM coach_model_associations;"
    "DELETE FROM coaching_models; DELETE FROM clients; DELETE FROM coaches;"
    "DELETE FROM client_organizations; DELETE FROM coaching_companies; DELETE FROM rapport_audit;"
    "INSERT INTO coaching_companies(id, name, slug) VALUES ('" CO "', 'Acme Coaching', 'acme');"
    "INSERT INTO coaches(id, coaching_company_id, email, name, metadata) VALUES"
    " ('" ANA "', '" CO "', 'ana@acme.example', 'Ana Alvarez', '{\"experience_years\": 15}');"
    "INSERT INTO client_organizations(id, name, slug) VALUES ('" ORG "', 'Globex', 'globex');"
    "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name) VALUES"
    " ('" CAROL "', '" ORG "', '" ANA "', 'carol@globex.example', 'Carol Client');"
    "INSERT INTO coaching_models(id, coaching_company_id, name, slug, content) VALUES"
    " ('" GROW "', '" CO "', 'GROW', 'grow', 'Goal Reality Options Will');"
    "INSERT INTO data_items(id, data_type, coach_id, client_id, client_organization_id,"
    " visibility_level, raw_content, metadata) VALUES ('" ITEM "', 'transcript', '" ANA "',"
    " '" CAROL "', '" ORG "', 'public', 'Coach: zebra', '{\"title\": \"Session\"}');"
    "INSERT INTO data_chunks(data_item_id, chunk_index, content) VALUES"
    " ('" ITEM "', 0, 'Coach: zebra crossing');";

/* Every table rapport writes: a digest of all rows, to compare before/after. */
static const char checksum_sql[] =
    "SELECT md5(concat_ws('|',"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM coaching_companies t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM coaches t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM client_organizations t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM clients t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM coaching_models t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
    "    FROM coach_model_associations t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM data_items t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM data_chunks t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM rapport_audit t),"
    " (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
    "    FROM rapport_metadata_schemas t)))";

/* Current digest of every table (malloc'd). */
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

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	hv = hv_load();
	/* a private copy: the shared build may relink build/.../rapport meanwhile */
	char cmd[600], bin[300];
	snprintf(bin, sizeof bin, "%s/rapport", tmpdir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", vt_binary(), bin);
	if (system(cmd) != 0)
		return -1;
	setenv("RAPPORT_BIN", bin, 1);
	conn = testdb_open(DBNAME);
	conninfo = testdb_conninfo(DBNAME);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(conn);
	free(conninfo);
	hv_free(hv);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static int reset(void **state)
{
	(void)state;
	testdb_exec(conn, reset_sql);
	return 0;
}

/* ---- running the CLI ------------------------------------------------------ */

typedef struct run_out {
	int rc; /* exit code, 128+signal when killed, -1 on timeout */
	char *out, *err;
	size_t nout, nerr;
} run_out;

/* Whole file (malloc'd, NUL-terminated); *len its size. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	char *p = malloc(cap);
	if (f) {
		size_t k;
		while ((k = fread(p + n, 1, cap - n - 1, f)) > 0) {
			n += k;
			if (n + 1 == cap)
				p = realloc(p, cap *= 2);
		}
		fclose(f);
	}
	p[n] = '\0';
	*len = n;
	return p;
}

/* Runs the rapport binary with args (NULL-terminated), stdout and stderr to
 * files (not a terminal), stdin /dev/null. */
static run_out run(const char *const *args)
{
	char outp[300], errp[300];
	snprintf(outp, sizeof outp, "%s/out", tmpdir);
	snprintf(errp, sizeof errp, "%s/err", tmpdir);
	const char *argv[32] = {vt_binary()};
	int n = 1;
	while (args[n - 1] && n < 31) {
		argv[n] = args[n - 1];
		n++;
	}
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(in, 0);
		dup2(o, 1);
		dup2(e, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	run_out r = {.rc = -1};
	struct timespec t0, now, nap = {0, 2000000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 > T) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		nanosleep(&nap, NULL); /* reaping a child: nothing to poll() on */
	}
	r.out = slurp(outp, &r.nout);
	r.err = slurp(errp, &r.nerr);
	return r;
}

static void run_free(run_out *r)
{
	free(r->out);
	free(r->err);
}

/* memmem without _GNU_SOURCE. */
static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m && m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return hay + i;
	return NULL;
}

/* True when v contains a byte or sequence a terminal would act on: C0
 * controls, DEL, C1 (U+0080..U+009F) or a bidi control (U+200E/F,
 * U+202A..U+202E, U+2066..U+2069, U+061C). */
static bool dangerous(const char *v, size_t len)
{
	const unsigned char *s = (const unsigned char *)v;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return true;
		if (s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return true;
		if (s[i] == 0xe2 && i + 2 < len &&
		    ((s[i + 1] == 0x80 && (s[i + 2] == 0x8e || s[i + 2] == 0x8f ||
		                           (s[i + 2] >= 0xaa && s[i + 2] <= 0xae))) ||
		     (s[i + 1] == 0x81 && s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9)))
			return true;
		if (s[i] == 0xd8 && i + 1 < len && s[i + 1] == 0x9c)
			return true;
	}
	return false;
}

/* A server error leaking through instead of a message in words. */
static void assert_no_sql_error(const run_out *r, const char *what)
{
	static const char *const bad[] = {"syntax error", "LINE 1", "ERROR:", "unterminated",
	                                  "operator does not exist", "invalid input syntax",
	                                  "SQLSTATE", "PQ", "segmentation", "AddressSanitizer",
	                                  "runtime error"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (find_bytes(r->err, r->nerr, bad[i], strlen(bad[i])) ||
		    find_bytes(r->out, r->nout, bad[i], strlen(bad[i])))
			fail_msg("%s: output has '%s': %.300s", what, bad[i], r->err);
}

/* Exit 0..2 (never a signal, never a timeout) and stderr at most one line. */
static void assert_clean_exit(const run_out *r, const char *what)
{
	if (r->rc < 0 || r->rc > 2)
		fail_msg("%s: exit %d; stderr: %.300s", what, r->rc, r->err);
	size_t lines = 0;
	for (size_t i = 0; i < r->nerr; i++)
		lines += r->err[i] == '\n';
	if (lines > 1)
		fail_msg("%s: %zu lines on stderr: %.300s", what, lines, r->err);
	assert_no_sql_error(r, what);
}

/* Runs args with stdout+stderr on a terminal (after the shell printed a
 * marker line): exit 0..2, the title untouched, the marker still on screen
 * (nothing cleared), no alternate screen left on, and none of v's raw bytes
 * in the output when v holds anything a terminal acts on. */
static void run_tty(const char *const *args, const char *v, size_t vlen, const char *what)
{
	const char *argv[32] = {"-c", "echo H9-MARKER; exec \"$0\" \"$@\"", vt_binary()};
	int n = 3;
	for (int i = 0; args[i] && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	vt_opts o = {.rows = 40, .cols = 120, .binary = "/bin/sh", .args = argv};
	vt *t = vt_start_opts(&o);
	int rc = vt_wait_exit(t, T);
	if (rc < 0 || rc > 2)
		fail_msg("%s on a terminal: exit %d", what, rc);
	if (strcmp(vt_title(t), "") != 0)
		fail_msg("%s on a terminal: window title set to '%s'", what, vt_title(t));
	if (vt_altscreen(t))
		fail_msg("%s on a terminal: left the alternate screen on", what);
	size_t len;
	const char *raw = vt_raw(t, &len);
	/* long output scrolls the marker away; then only the raw check below */
	if (vt_bytes(t) < 2000 && !vt_has_text(t, "H9-MARKER"))
		fail_msg("%s on a terminal: the screen was cleared", what);
	if (find_bytes(raw, len, "\033[2J", 4) || find_bytes(raw, len, "\033[J", 3) ||
	    find_bytes(raw, len, "\033c", 2) || find_bytes(raw, len, "\033[H", 3))
		fail_msg("%s on a terminal: a clear or cursor-home sequence was written", what);
	if (dangerous(v, vlen) && find_bytes(raw, len, v, vlen))
		fail_msg("%s on a terminal: the value reached the terminal raw", what);
	if (find_bytes(raw, len, "\033]", 2) || find_bytes(raw, len, "\033[2J", 4) ||
	    find_bytes(raw, len, "\033P", 2) || find_bytes(raw, len, "\302\233", 2))
		fail_msg("%s on a terminal: an escape sequence was written", what);
	vt_free(t);
}

/* ---- storing ------------------------------------------------------------- */

typedef struct field {
	db_kind kind;
	const char *id;
	const char *column;
} field;

static const field fields[] = {
    {DB_COMPANY, CO, "name"},       {DB_COMPANY, CO, "slug"},
    {DB_COACH, ANA, "email"},       {DB_COACH, ANA, "name"},
    {DB_COACH, ANA, "bio"},         {DB_ORG, ORG, "name"},
    {DB_ORG, ORG, "slug"},          {DB_ORG, ORG, "industry"},
    {DB_CLIENT, CAROL, "email"},    {DB_CLIENT, CAROL, "name"},
    {DB_CLIENT, CAROL, "title"},    {DB_MODEL, GROW, "name"},
    {DB_MODEL, GROW, "slug"},       {DB_MODEL, GROW, "description"},
    {DB_MODEL, GROW, "content"},    {DB_ITEM, ITEM, "raw_content"},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const struct {
	db_kind kind;
	const char *id;
} records[] = {{DB_COMPANY, CO}, {DB_COACH, ANA},    {DB_ORG, ORG},
               {DB_CLIENT, CAROL}, {DB_MODEL, GROW}, {DB_ITEM, ITEM}};
#define NRECORDS (sizeof records / sizeof records[0])

/* The record's current concurrency token. */
static void token(db_kind k, const char *id, char out[DB_TS_LEN])
{
	db_record *r = NULL;
	if (db_record_get(conn, k, id, &r) != DB_OK)
		fail_msg("get %s %s: %s", db_kind_label(k), id, db_errmsg(conn));
	memcpy(out, r->updated_at, DB_TS_LEN);
	db_record_free(r);
}

/* A one-line, non-empty error message. */
static void assert_one_line(const char *msg, const char *what)
{
	if (!msg || !*msg || strchr(msg, '\n'))
		fail_msg("%s: error message not one line: '%s'", what, msg ? msg : "(null)");
}

/* Each value into each text column: valid UTF-8 comes back byte for byte,
 * invalid UTF-8 is refused (one line) and leaves the table as it was. */
static void test_store_every_column(void **state)
{
	(void)state;
	size_t stores = 0, ok = 0, refused = 0, too_big = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind == HV_JSON)
			continue;
		for (size_t f = 0; f < NFIELDS; f++) {
			char what[200], tok[DB_TS_LEN];
			snprintf(what, sizeof what, "%s into %s.%s", v->name,
			         db_kind_table(fields[f].kind), fields[f].column);
			token(fields[f].kind, fields[f].id, tok);
			/* a digest only where a refusal is possible (it costs a full scan) */
			char *before = v->kind == HV_BYTES || v->len > 8191 ? checksum() : NULL;
			const char *names[] = {fields[f].column};
			const char *values[] = {v->val};
			db_status st = db_update_fields(conn, fields[f].kind, fields[f].id, tok, 1, names,
			                                values, NULL);
			stores++;
			if (v->kind == HV_BYTES) {
				if (st == DB_OK)
					fail_msg("%s: invalid UTF-8 was stored", what);
				assert_one_line(db_errmsg(conn), what);
				char *after = checksum();
				if (strcmp(before, after) != 0)
					fail_msg("%s: refused, but the tables changed", what);
				free(after);
				refused++;
			} else if (st != DB_OK && v->len > 8191) {
				/* a btree entry holds at most 8191 bytes (compressed): the
				 * server refuses megabyte names, slugs and emails */
				assert_one_line(db_errmsg(conn), what);
				char msg[300];
				snprintf(msg, sizeof msg, "%s", db_errmsg(conn));
				char *after = checksum();
				if (strcmp(before, after) != 0)
					fail_msg("%s: refused, but the tables changed", what);
				free(after);
				printf("hostile: refused: %s: %s\n", what, msg);
				too_big++;
			} else {
				if (st != DB_OK)
					fail_msg("%s: %s: %s", what, db_status_name(st), db_errmsg(conn));
				db_record *r = NULL;
				assert_int_equal(db_record_get(conn, fields[f].kind, fields[f].id, &r), DB_OK);
				const char *got = db_record_field(r, fields[f].column);
				if (!got || strlen(got) != v->len || memcmp(got, v->val, v->len) != 0)
					fail_msg("%s: read back differs", what);
				db_record_free(r);
				ok++;
			}
			free(before);
		}
	}
	printf("hostile: column stores: %zu values x %zu columns = %zu stores, %zu read back "
	       "byte for byte, %zu invalid UTF-8 refused and %zu over the index size limit refused, "
	       "tables unchanged\n",
	       hv_count(hv, HV_TEXT) + hv_count(hv, HV_BYTES), (size_t)NFIELDS, stores, ok,
	       refused, too_big);
	assert_int_equal(ok + refused + too_big, stores);
}

/* Each value as a metadata value of every kind of record: text as a JSON
 * string, json raw; read back equal (jsonb equality); invalid UTF-8 refused. */
static void test_store_metadata(void **state)
{
	(void)state;
	size_t stores = 0, ok = 0, refused = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		char *lit = v->kind == HV_JSON ? strdup(v->val) : hv_json_string(v->val, v->len);
		size_t jl = strlen(lit) + 64;
		char *json = malloc(jl);
		snprintf(json, jl, "{\"h9\": %s, \"keep\": 7}", lit);
		for (size_t r = 0; r < NRECORDS; r++) {
			char what[200], tok[DB_TS_LEN];
			snprintf(what, sizeof what, "%s into %s.metadata", v->name,
			         db_kind_table(records[r].kind));
			token(records[r].kind, records[r].id, tok);
			char *before = v->kind == HV_BYTES ? checksum() : NULL;
			db_status st = db_update_metadata(conn, records[r].kind, records[r].id, tok, json,
			                                  NULL);
			stores++;
			if (v->kind == HV_BYTES) {
				if (st == DB_OK)
					fail_msg("%s: invalid UTF-8 was stored", what);
				assert_one_line(db_errmsg(conn), what);
				char *after = checksum();
				if (strcmp(before, after) != 0)
					fail_msg("%s: refused, but the tables changed", what);
				free(after);
				refused++;
			} else {
				if (st != DB_OK)
					fail_msg("%s: %s: %s", what, db_status_name(st), db_errmsg(conn));
				db_record *rec = NULL;
				assert_int_equal(db_record_get(conn, records[r].kind, records[r].id, &rec),
				                 DB_OK);
				cJSON *got = cJSON_Parse(rec->metadata);
				cJSON *want = cJSON_Parse(json);
				/* cJSON stops at 1000 levels; compare those on the server */
				if (got && want && v->kind == HV_TEXT) {
					if (!cJSON_Compare(got, want, true))
						fail_msg("%s: read back differs", what);
				} else {
					/* json values are catalogue numbers and brackets: no quote */
					assert_null(strchr(v->val, '\''));
					char *eq = NULL, *big = malloc(strlen(v->val) + 300);
					sprintf(big,
					        "SELECT (metadata->'h9' = '%s'::jsonb)::text FROM %s WHERE id = '%s'",
					        v->val, db_kind_table(records[r].kind), records[r].id);
					if (db_exec_value(conn, big, &eq) != DB_OK || !eq || strcmp(eq, "true") != 0)
						fail_msg("%s: read back differs (server compare)", what);
					free(eq);
					free(big);
				}
				cJSON_Delete(got);
				cJSON_Delete(want);
				db_record_free(rec);
				ok++;
			}
			free(before);
		}
		free(json);
		free(lit);
	}
	printf("hostile: metadata stores: %zu values x %zu record kinds = %zu stores, %zu read back "
	       "equal, %zu invalid UTF-8 refused with tables unchanged\n",
	       hv->n, (size_t)NRECORDS, stores, ok, refused);
	assert_int_equal(ok + refused, stores);
}

/* ---- the CLI on stored values -------------------------------------------- */

/* Sets the chunk's content with a dollar-quoted literal whose tag the value
 * cannot contain (data_chunks has no update in the data-access module). */
static void set_chunk(const hv_value *v)
{
	assert_null(find_bytes(v->val, v->len, "$h9v$", 5));
	char *sql = malloc(v->len + 200);
	sprintf(sql, "UPDATE data_chunks SET content = $h9v$zebra %s zebra$h9v$"
	             " WHERE data_item_id = '" ITEM "'", v->val);
	testdb_exec(conn, sql);
	free(sql);
}

/* Stores v where the CLI shows it: the coach's name, bio and metadata, the
 * item's title, the chunk's text. */
static void store_for_cli(const hv_value *v)
{
	char tok[DB_TS_LEN];
	char *lit = v->kind == HV_JSON ? strdup(v->val) : hv_json_string(v->val, v->len);
	char *json = malloc(strlen(lit) + 64);
	sprintf(json, "{\"h9\": %s, \"experience_years\": 15}", lit);
	token(DB_COACH, ANA, tok);
	assert_int_equal(db_update_metadata(conn, DB_COACH, ANA, tok, json, NULL), DB_OK);
	if (v->kind == HV_TEXT) {
		/* the name is indexed: megabyte values only fit the bio */
		const char *names[] = {"bio", "name"};
		const char *values[] = {v->val, v->val};
		size_t n = v->len > 8000 ? 1 : 2;
		token(DB_COACH, ANA, tok);
		if (db_update_fields(conn, DB_COACH, ANA, tok, n, names, values, NULL) != DB_OK)
			fail_msg("%s into coaches.bio/name: %s", v->name, db_errmsg(conn));
		sprintf(json, "{\"title\": %s}", lit);
		token(DB_ITEM, ITEM, tok);
		assert_int_equal(db_update_metadata(conn, DB_ITEM, ITEM, tok, json, NULL), DB_OK);
		set_chunk(v);
	}
	free(json);
	free(lit);
}

/* cJSON's own limit is 1,000 levels: deeper documents are not checked here. */
static bool too_deep_for_cjson(const hv_value *v)
{
	return v->kind == HV_JSON && strncmp(v->val, "[[[[[[[[[[", 10) == 0 && v->len > 2000;
}

/* `rapport meta` (pipe and terminal) and `rapport search --json/--csv`
 * (pipe) and human search output (terminal) on every stored value: clean
 * exits, valid JSON that round-trips text values, nothing raw on the
 * terminal, and no table changed. */
static void test_cli_on_stored_values(void **state)
{
	(void)state;
	size_t runs = 0, values = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind == HV_BYTES)
			continue;
		values++;
		store_for_cli(v);
		char *before = checksum(), what[200];

		const char *meta[] = {"-d", conninfo, "meta", "coaches", "ana@acme.example", NULL};
		snprintf(what, sizeof what, "meta with %s stored", v->name);
		run_out r = run(meta);
		runs++;
		assert_clean_exit(&r, what);
		if (r.rc == 0 && !too_deep_for_cjson(v)) {
			cJSON *doc = cJSON_Parse(r.out);
			if (!doc)
				fail_msg("%s: stdout is not JSON", what);
			cJSON *h9 = cJSON_GetObjectItemCaseSensitive(doc, "h9");
			if (!h9)
				fail_msg("%s: key h9 missing", what);
			if (v->kind == HV_TEXT &&
			    (!cJSON_IsString(h9) || strcmp(h9->valuestring, v->val) != 0))
				fail_msg("%s: the value does not round-trip", what);
			cJSON_Delete(doc);
		} else if (r.rc != 0 && !too_deep_for_cjson(v)) {
			fail_msg("%s: exit %d: %s", what, r.rc, r.err);
		}
		run_free(&r);
		run_tty(meta, v->val, v->len, what);
		runs++;

		const char *js[] = {"-d", conninfo, "search", "--mode", "text", "--json", "zebra", NULL};
		snprintf(what, sizeof what, "search --json with %s stored", v->name);
		r = run(js);
		runs++;
		assert_clean_exit(&r, what);
		assert_int_equal(r.rc, 0);
		cJSON *arr = cJSON_Parse(r.out);
		if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1)
			fail_msg("%s: not a JSON array with the hit: %.200s", what, r.out);
		cJSON_Delete(arr);
		run_free(&r);

		const char *csv[] = {"-d", conninfo, "search", "--mode", "text", "--csv", "zebra", NULL};
		snprintf(what, sizeof what, "search --csv with %s stored", v->name);
		r = run(csv);
		runs++;
		assert_clean_exit(&r, what);
		assert_int_equal(r.rc, 0);
		if (r.nout < 2 || !strchr(r.out, '\n'))
			fail_msg("%s: no CSV header", what);
		run_free(&r);

		const char *human[] = {"-d", conninfo, "search", "--mode", "text", "zebra", NULL};
		snprintf(what, sizeof what, "search with %s stored", v->name);
		run_tty(human, v->val, v->len, what);
		runs++;

		char *after = checksum();
		if (strcmp(before, after) != 0)
			fail_msg("%s: a read-only command changed the tables", v->name);
		free(before);
		free(after);
	}
	printf("hostile: CLI on stored values: %zu values, %zu read-only runs (meta, search --json, "
	       "--csv, terminal), tables unchanged after every one\n",
	       values, runs);
}

/* The values as command-line arguments: a clear error or an empty result,
 * never a server error or a crash; on a terminal nothing raw. */
static void test_cli_arguments(void **state)
{
	(void)state;
	char *before = checksum();
	size_t runs = 0, values = 0;
	for (size_t i = 0; i < hv->n; i++) {
		const hv_value *v = &hv->v[i];
		if (v->kind == HV_JSON)
			continue;
		values++;
		char *arg = strndup(v->val, ARGMAX); /* 99,999: whole UTF-8 sequences here */
		char scope[4][ARGMAX + 16];
		const char *kinds[] = {"coach", "company", "org", "client"};
		for (int k = 0; k < 4; k++)
			snprintf(scope[k], sizeof scope[k], "%s:%s", kinds[k], arg);
		const char *cases[][10] = {
		    {"-d", conninfo, "meta", "coaches", arg, NULL},
		    {"-d", conninfo, "meta", arg, "ana@acme.example", NULL},
		    {"-d", conninfo, "search", "--mode", "text", arg, NULL},
		    {"-d", conninfo, "search", "--json", arg, NULL},
		    {"-d", conninfo, "search", "--mode", "text", "--scope", scope[0], "zebra", NULL},
		    {"-d", conninfo, "search", "--mode", "text", "--scope", scope[1], "zebra", NULL},
		    {"-d", conninfo, "search", "--mode", "text", "--scope", scope[2], "zebra", NULL},
		    {"-d", conninfo, "search", "--mode", "text", "--scope", scope[3], "zebra", NULL},
		};
		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
			char what[200];
			snprintf(what, sizeof what, "%s as argument %zu (%s %s)", v->name, c, cases[c][2],
			         cases[c][3]);
			run_out r = run(cases[c]);
			runs++;
			assert_clean_exit(&r, what);
			/* a value that names nothing is never found */
			if (c <= 1 || c >= 4)
				if (r.rc == 0)
					fail_msg("%s: exit 0 for a reference that names nothing", what);
			if (c == 3 && r.rc == 0) {
				cJSON *arr = cJSON_Parse(r.out);
				if (!cJSON_IsArray(arr))
					fail_msg("%s: stdout is not a JSON array", what);
				cJSON_Delete(arr);
			}
			run_free(&r);
		}
		/* errors that quote the argument, on a terminal */
		run_tty(cases[0], arg, strlen(arg), "meta coaches <value>");
		run_tty(cases[4], arg, strlen(arg), "search --scope coach:<value>");
		runs += 2;
		free(arg);
	}
	char *after = checksum();
	if (strcmp(before, after) != 0)
		fail_msg("command-line arguments changed the tables");
	printf("hostile: CLI arguments: %zu values, %zu runs (meta TABLE/REF, search QUERY, --scope "
	       "coach/company/org/client), no server error, no crash, tables unchanged\n",
	       values, runs);
	free(before);
	free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_store_every_column, reset),
	    cmocka_unit_test_setup(test_store_metadata, reset),
	    cmocka_unit_test_setup(test_cli_on_stored_values, reset),
	    cmocka_unit_test_setup(test_cli_arguments, reset),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
