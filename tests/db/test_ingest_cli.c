/* `rapport ingest` and `rapport reembed` as a user runs them: the real binary
 * ($RAPPORT_BIN) against a real database, checking output lines, exit codes
 * (0/1/2), stdin, options after file names, and silence on stderr in pipes.
 * Also the pure pieces behind it: SHA-256 known answers and ingest_check. */
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "rapport/chunk.h"
#include "rapport/ingest.h"
#include "rapport/sha256.h"

static db *g_db;
static char g_dir[] = "/tmp/h5_cli_XXXXXX";

typedef struct run_out {
	int code;
	char *out, *err;
} run_out;

static void run_free(run_out *r)
{
	free(r->out);
	free(r->err);
}

/* Appends what fd has to *b; false at EOF. */
static bool slurp(int fd, char **b, size_t *n)
{
	char tmp[4096];
	ssize_t r = read(fd, tmp, sizeof tmp);
	if (r <= 0)
		return false;
	*b = realloc(*b, *n + (size_t)r + 1);
	memcpy(*b + *n, tmp, (size_t)r);
	*n += (size_t)r;
	(*b)[*n] = '\0';
	return true;
}

/* Runs rapport -d t_h5_cli ARGS... with stdin_text on stdin (NULL: empty). */
static run_out rapport(const char *stdin_text, const char *first, ...)
{
	const char *argv[64];
	const char *bin = getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "build/release/rapport";
	int n = 0;
	argv[n++] = bin;
	argv[n++] = "-d";
	argv[n++] = "t_h5_cli";
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 62; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	int pi[2], po[2], pe[2];
	assert_int_equal(pipe(pi), 0);
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pi[0], 0), dup2(po[1], 1), dup2(pe[1], 2);
		close(pi[0]), close(pi[1]), close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(pi[0]), close(po[1]), close(pe[1]);
	if (stdin_text && write(pi[1], stdin_text, strlen(stdin_text)) < 0)
		fail_msg("write to stdin failed");
	close(pi[1]);
	run_out r = {0, calloc(1, 1), calloc(1, 1)};
	size_t no = 0, ne = 0;
	bool o = true, e = true;
	while (o || e) {
		struct pollfd p[2] = {{o ? po[0] : -1, POLLIN, 0}, {e ? pe[0] : -1, POLLIN, 0}};
		poll(p, 2, -1);
		if (o && p[0].revents)
			o = slurp(po[0], &r.out, &no);
		if (e && p[1].revents)
			e = slurp(pe[0], &r.err, &ne);
	}
	close(po[0]), close(pe[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (r.code == 127)
		fail_msg("cannot run %s (set RAPPORT_BIN)", bin);
	return r;
}

/* Writes a file in the scratch dir; returns its path (static buffer per slot). */
static const char *file(int slot, const char *name, const char *content, size_t len)
{
	static char paths[8][300];
	snprintf(paths[slot], sizeof paths[slot], "%s/%s", g_dir, name);
	FILE *f = fopen(paths[slot], "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
	return paths[slot];
}

static long long num(const char *sql)
{
	char *v = NULL;
	if (db_exec_value(g_db, sql, &v) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(g_db));
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(g_dir));
	g_db = testdb_open("h5_cli");
	testdb_exec(g_db,
	            "INSERT INTO coaching_companies (id, name, slug) VALUES"
	            " ('11111111-1111-1111-1111-111111111111', 'Northwind', 'northwind');"
	            "INSERT INTO coaches (id, coaching_company_id, email, name) VALUES"
	            " ('22222222-2222-2222-2222-222222222222', '11111111-1111-1111-1111-111111111111',"
	            "  'ana@northwind.example', 'Ana');"
	            "INSERT INTO client_organizations (id, name, slug) VALUES"
	            " ('33333333-3333-3333-3333-333333333333', 'Acme', 'acme');"
	            "INSERT INTO clients (id, client_organization_id, primary_coach_id, email, name)"
	            " VALUES ('44444444-4444-4444-4444-444444444444',"
	            " '33333333-3333-3333-3333-333333333333', '22222222-2222-2222-2222-222222222222',"
	            " 'dana@acme.example', 'Dana');");
	/* the CLI reads a config file; make sure no user config interferes */
	setenv("XDG_CONFIG_HOME", g_dir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	db_close(g_db);
	testdb_drop("h5_cli");
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
	if (system(cmd) != 0)
		return -1;
	return 0;
}

static const char session[] =
    "COACH: Where did the week go?\n"
    "Dana: Mostly into the board deck. I rewrote Priya's section again.\n"
    "COACH: What stopped you from handing it back to her with notes?\n"
    "Dana: Time, I told myself. Really it was trust.\n";

static void test_ingest_then_already(void **state)
{
	(void)state;
	const char *p = file(0, "session-1.txt", session, sizeof session - 1);
	/* options may follow the file name */
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", p, "--date",
	                    "2025-02-03", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "session-1.txt: ingested as "));
	assert_non_null(strstr(r.out, "(1 chunk, hash-v1)"));
	assert_string_equal(r.err, ""); /* no progress bar in a pipe */
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items WHERE metadata->>'title' ="
	                     " 'session-1.txt' AND metadata->>'session_date' = '2025-02-03'"),
	                 1);
	r = rapport(NULL, "ingest", "--client", "dana@acme.example", p, NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "session-1.txt: already ingested as "));
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items"), 1);
}

static void test_stdin_and_org(void **state)
{
	(void)state;
	run_out r = rapport("COACH: OKRs for Q3, drafted with the leadership team.\n", "ingest",
	                    "--org", "acme", "--type", "company_doc", "--title", "Q3 OKRs", "-",
	                    NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "(stdin): ingested as "));
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items WHERE data_type = 'company_doc'"
	                     " AND metadata->>'title' = 'Q3 OKRs' AND client_id IS NULL"),
	                 1);
}

static void test_bad_files_exit_1(void **state)
{
	(void)state;
	long long before = num("SELECT count(*) FROM data_items");
	const char *empty = file(1, "empty.txt", "", 0);
	const char *bin = file(2, "bin.dat", "ab\0cd", 5);
	const char *latin = file(3, "latin1.txt", "COACH: caf\xe9\n", 12);
	const char *good = file(4, "good.txt", "COACH: a fresh session.\n", 24);
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", empty, bin, latin,
	                    "/nonexistent/x.txt", good, NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "empty.txt: file is empty"));
	assert_non_null(strstr(r.err, "bin.dat: file looks binary (NUL byte at offset 2)"));
	assert_non_null(strstr(r.err, "latin1.txt: file is not valid UTF-8 (byte 0xE9 at offset 10)"));
	assert_non_null(strstr(r.err, "x.txt: cannot open"));
	assert_non_null(strstr(r.out, "good.txt: ingested as")); /* the others did not stop it */
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items"), before + 1);
	r = rapport(NULL, "ingest", "--client", "nobody@acme.example", good, NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "no client with that email or id 'nobody@acme.example'"));
	run_free(&r);
}

/* Writes DIR/name with n turns tagged by tag; returns the path (malloc'd). */
static char *session_file(const char *name, const char *tag, int n)
{
	char *path = malloc(strlen(g_dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", g_dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s: %s turn %d, on delegation, feedback and the quarterly plan.\n",
		        i % 2 ? "Dana" : "COACH", tag, i);
	fclose(f);
	return path;
}

/* Position of the line of out that starts with the file name (after the
 * directory) followed by what, or -1. */
static long line_at(const char *out, const char *path, const char *what)
{
	char want[400];
	snprintf(want, sizeof want, "%s: %s", path, what);
	const char *p = strstr(out, want);
	return p && (p == out || p[-1] == '\n') ? (long)(p - out) : -1;
}

/* Several files over two connections: every file stored once, identical
 * texts processed at the same time are stored once, a bad file does not stop
 * the others, and the lines come out in FILE order. */
static void test_jobs_in_file_order(void **state)
{
	(void)state;
	char *f1 = session_file("j1.txt", "alpha", 120), *f2 = session_file("j2.txt", "bravo", 40);
	char *d1 = session_file("jdup1.txt", "same", 90), *d2 = session_file("jdup2.txt", "same", 90);
	char *f3 = session_file("j3.txt", "charlie", 70);
	const char *bad = file(6, "jbad.txt", "", 0);
	long long items = num("SELECT count(*) FROM data_items");
	run_out r = rapport(NULL, "ingest", "-j", "2", "--client", "dana@acme.example", f1, f2, d1,
	                    bad, d2, f3, NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "jbad.txt: file is empty"));
	long p1 = line_at(r.out, f1, "ingested as "), p2 = line_at(r.out, f2, "ingested as ");
	long p3 = line_at(r.out, f3, "ingested as ");
	long a1 = line_at(r.out, d1, "ingested as "), b1 = line_at(r.out, d1, "already ingested");
	long a2 = line_at(r.out, d2, "ingested as "), b2 = line_at(r.out, d2, "already ingested");
	assert_true(p1 >= 0 && p2 > p1 && p3 > p2);
	assert_true((a1 >= 0) != (a2 >= 0)); /* exactly one of the twins stored */
	assert_true((a1 >= 0 ? a1 : b1) > p2 && (a2 >= 0 ? a2 : b2) > (a1 >= 0 ? a1 : b1));
	assert_true((a2 >= 0 ? a2 : b2) < p3);
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items"), items + 4);
	assert_int_equal(num("SELECT count(*) FROM data_items WHERE metadata->>'title' IN"
	                     " ('j1.txt', 'j2.txt', 'j3.txt', 'jdup1.txt', 'jdup2.txt')"
	                     " AND EXISTS (SELECT 1 FROM data_chunks c WHERE c.data_item_id ="
	                     " data_items.id AND c.embedding IS NOT NULL)"),
	                 4);
	r = rapport(NULL, "ingest", "--jobs", "0", "--client", "dana@acme.example", f1, NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--jobs"));
	run_free(&r);
	free(f1), free(f2), free(f3), free(d1), free(d2);
}

/* A batch larger than the table takes the bulk path: the vector index is
 * built again afterwards (a new index, same definition, valid), quietly in
 * a pipe; a small batch later updates the index in place. */
static void test_bulk_path_rebuilds_the_index(void **state)
{
	(void)state;
	const char *def = "SELECT pg_get_indexdef(indexrelid) || ' ' || indisvalid FROM pg_index"
	                  " WHERE indexrelid = to_regclass('idx_data_chunks_embedding')";
	char *def0 = NULL, *def1 = NULL;
	assert_int_equal(db_exec_value(g_db, def, &def0), DB_OK);
	long long oid0 = num("SELECT to_regclass('idx_data_chunks_embedding')::oid");
	char *big = session_file("bulk.txt", "bulk", 16000); /* ~1.3 MB, ~1,300 chunks */
	long long chunks = num("SELECT count(*) FROM data_chunks");
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", big, NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "bulk.txt: ingested as "));
	run_free(&r);
	long long oid1 = num("SELECT to_regclass('idx_data_chunks_embedding')::oid");
	assert_true(oid1 > 0 && oid1 != oid0);
	assert_int_equal(db_exec_value(g_db, def, &def1), DB_OK);
	assert_string_equal(def1, def0);
	assert_non_null(strstr(def1, " t"));
	assert_true(num("SELECT count(*) FROM data_chunks") > chunks + 1000);
	assert_int_equal(num("SELECT count(*) FROM ingest_deferred_indexes"), 0);
	char *small = session_file("small.txt", "small", 30);
	r = rapport(NULL, "ingest", "--client", "dana@acme.example", small, NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	assert_int_equal(num("SELECT to_regclass('idx_data_chunks_embedding')::oid"), oid1);
	free(def0), free(def1), free(big), free(small);
}

/* A bulk run killed with the index away: `rapport db migrate` builds it
 * again and says so; a second migrate has nothing to do. */
static void test_migrate_repairs_the_index(void **state)
{
	(void)state;
	const char *def = "SELECT pg_get_indexdef(indexrelid) || ' ' || indisvalid FROM pg_index"
	                  " WHERE indexrelid = to_regclass('idx_data_chunks_embedding')";
	char *def0 = NULL, *def1 = NULL;
	assert_int_equal(db_exec_value(g_db, def, &def0), DB_OK);
	db *killed = testdb_connect("h5_cli");
	bool deferred = false;
	assert_int_equal(ingest_bulk_begin(killed, 100000000, &deferred), DB_OK);
	assert_true(deferred);
	db_close(killed); /* no ingest_bulk_end: its advisory lock goes with its backend */
	assert_int_equal(num("SELECT count(*) FROM ingest_deferred_indexes"), 1);
	run_out r = {0};
	for (int i = 0; i < 100; i++) { /* until the killed backend has gone */
		run_free(&r);
		r = rapport(NULL, "db", "migrate", NULL);
		assert_int_equal(r.code, 0);
		if (strstr(r.out, "rebuilt the vector index"))
			break;
		usleep(20000);
	}
	assert_non_null(strstr(r.out, "rebuilt the vector index a stopped bulk ingest had left out"));
	run_free(&r);
	assert_int_equal(db_exec_value(g_db, def, &def1), DB_OK);
	assert_string_equal(def1, def0);
	assert_int_equal(num("SELECT count(*) FROM ingest_deferred_indexes"), 0);
	r = rapport(NULL, "db", "migrate", NULL);
	assert_int_equal(r.code, 0);
	assert_null(strstr(r.out, "rebuilt"));
	run_free(&r);
	free(def0), free(def1);
}

/* Ctrl-C during a bulk run: the file in flight finishes, the others are
 * skipped with a line each, and the vector index is rebuilt before exit. */
static void test_bulk_interrupted_by_ctrl_c(void **state)
{
	(void)state;
	char *f[4];
	char name[32], tag[32];
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "stop%d.txt", i);
		snprintf(tag, sizeof tag, "stop %d", i);
		f[i] = session_file(name, tag, 9000); /* ~700 chunks each */
	}
	long long items = num("SELECT count(*) FROM data_items");
	const char *bin = getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "build/release/rapport";
	int po[2], pe[2];
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1), dup2(pe[1], 2);
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		execl(bin, bin, "-d", "t_h5_cli", "ingest", "-j", "1", "--client", "dana@acme.example",
		      f[0], f[1], f[2], f[3], (char *)NULL);
		_exit(127);
	}
	close(po[1]), close(pe[1]);
	char *out = calloc(1, 1), *err = calloc(1, 1);
	size_t no = 0, ne = 0;
	/* the first file's line is out: now interrupt */
	while (!strchr(out, '\n') && slurp(po[0], &out, &no))
		;
	assert_non_null(strstr(out, "stop0.txt: ingested as"));
	kill(pid, SIGINT);
	while (slurp(po[0], &out, &no))
		;
	while (slurp(pe[0], &err, &ne))
		;
	close(po[0]), close(pe[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(err, "stop3.txt: not ingested (interrupted)"));
	long long stored = num("SELECT count(*) FROM data_items") - items;
	assert_true(stored >= 1 && stored <= 3);
	assert_int_equal(num("SELECT count(*) FROM pg_index WHERE indisvalid AND"
	                     " indexrelid = to_regclass('idx_data_chunks_embedding')"),
	                 1);
	assert_int_equal(num("SELECT count(*) FROM ingest_deferred_indexes"), 0);
	free(out), free(err);
	for (int i = 0; i < 4; i++)
		free(f[i]);
}

static void test_usage_exit_2(void **state)
{
	(void)state;
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "at least one FILE"));
	run_free(&r);
	r = rapport(NULL, "ingest", "--client", "a@b", "--org", "acme", "x", NULL);
	assert_int_equal(r.code, 2);
	run_free(&r);
	r = rapport(NULL, "ingest", "--bogus", "x", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "--bogus"));
	run_free(&r);
	r = rapport(NULL, "reembed", "--all", "--model-mismatch", NULL);
	assert_int_equal(r.code, 2);
	run_free(&r);
	r = rapport(NULL, "ingest", "--help", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Usage: rapport ingest"));
	run_free(&r);
}

static void test_reembed(void **state)
{
	(void)state;
	run_out r = rapport(NULL, "reembed", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "nothing to re-embed"));
	run_free(&r);
	long long chunks = num("SELECT count(*) FROM data_chunks");
	/* the bulk test ran before: re-embedding every chunk takes the bulk path */
	assert_true(chunks > INGEST_BULK_MIN_CHUNKS);
	const char *valid = "SELECT count(*) FROM pg_index WHERE indisvalid AND"
	                    " indexrelid = to_regclass('idx_data_chunks_embedding')";
	long long oid0 = num("SELECT to_regclass('idx_data_chunks_embedding')::oid");
	r = rapport(NULL, "reembed", "--all", NULL);
	assert_int_equal(r.code, 0);
	char want[80];
	snprintf(want, sizeof want, "re-embedded %lld chunks with hash-v1", chunks);
	assert_non_null(strstr(r.out, want));
	run_free(&r);
	long long oid1 = num("SELECT to_regclass('idx_data_chunks_embedding')::oid");
	assert_true(oid1 > 0 && oid1 != oid0);
	assert_int_equal(num(valid), 1);
	/* a provider failing on a bulk run: its message, and the index is back */
	r = rapport(NULL, "reembed", "--provider", "command", "--embed-command",
	            "echo 'no model here' >&2; exit 4", NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "exited with status 4: no model here"));
	run_free(&r);
	assert_int_equal(num(valid), 1);
	assert_int_equal(num("SELECT count(*) FROM ingest_deferred_indexes"), 0);
	/* --no-bulk keeps the index and updates it in place */
	long long oid2 = num("SELECT to_regclass('idx_data_chunks_embedding')::oid");
	r = rapport(NULL, "reembed", "--no-bulk", "--provider", "command", "--embed-command",
	            "echo 'no model here' >&2; exit 4", NULL);
	assert_int_equal(r.code, 1);
	run_free(&r);
	assert_int_equal(num("SELECT to_regclass('idx_data_chunks_embedding')::oid"), oid2);
	assert_int_equal(num("SELECT count(*) FROM data_chunks WHERE"
	                     " metadata->>'embedding_model' <> 'hash-v1'"),
	                 0);
}

/* The config file chooses the embedder and chunk sizes; flags override it. */
static void test_config_and_flags_choose_the_embedder(void **state)
{
	(void)state;
	db_caps caps;
	assert_int_equal(db_caps_get(g_db, &caps), DB_OK);
	char dir[400], cfg[1200];
	snprintf(dir, sizeof dir, "%s/rapport", g_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(cfg, sizeof cfg,
	         "embed.provider = command\n"
	         "embed.command = \"awk 'BEGIN { printf \\\"[0,0,1\\\"; for (i = 3; i < %d; i++)"
	         " printf \\\",0\\\"; print \\\"]\\\" }'\"\n"
	         "chunk.target = 300\nchunk.overlap = 50\n",
	         caps.embedding_dim);
	char path[500];
	snprintf(path, sizeof path, "%s/config", dir);
	file(6, "rapport/config", cfg, strlen(cfg));
	size_t cap = 8000, len = 0;
	char *t = malloc(cap);
	for (int i = 0; len + 100 < cap; i++)
		len += (size_t)snprintf(t + len, cap - len, "%s: configured turn %d.\n",
		                        i % 2 ? "Dana" : "COACH", i);
	const char *p = file(7, "configured.txt", t, len);
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", p, NULL);
	if (r.code != 0)
		fail_msg("exit %d: %s", r.code, r.err);
	assert_non_null(strstr(r.out, ", command:awk 'BEGIN"));
	run_free(&r);
	assert_true(num("SELECT count(*) FROM data_chunks c JOIN data_items i ON i.id = c.data_item_id"
	                " WHERE i.metadata->>'title' = 'configured.txt'"
	                " AND c.metadata->>'embedding_model' LIKE 'command:awk%'"
	                " AND (c.embedding::real[])[3] = 1 AND length(c.content) <= 300") > 20);
	/* a flag wins over the file */
	t[0] = 'c';
	p = file(7, "flagged.txt", t, len);
	r = rapport(NULL, "ingest", "--client", "dana@acme.example", "--provider", "hash",
	            "--chunk-size", "2000", p, NULL);
	assert_int_equal(r.code, 0);
	chunk_span *sp;
	size_t n = chunk_text(t, len, &(chunk_opts){.target_chars = 2000, .overlap_chars = 50}, &sp);
	free(sp);
	char want[64];
	snprintf(want, sizeof want, "(%zu chunks, hash-v1)", n);
	assert_true(n > 3 && n < 8);
	assert_non_null(strstr(r.out, want));
	run_free(&r);
	unlink(path);
	rmdir(dir);
	free(t);
}

/* Ingests a long session (turns tagged by tag) stored as `name`, with
 * stdout and stderr on a pseudo-terminal; returns all it wrote (malloc'd). */
static char *ingest_on_a_terminal(int slot, const char *name, const char *tag)
{
	size_t cap = 100000, len = 0;
	char *t = malloc(cap);
	for (int i = 0; len + 200 < cap; i++)
		len += (size_t)snprintf(t + len, cap - len, "%s: %s turn %d about goals and feedback.\n",
		                        i % 2 ? "Dana" : "COACH", tag, i);
	const char *p = file(slot, name, t, len);
	free(t);
	const char *bin = getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "build/release/rapport";
	int fd;
	pid_t pid = forkpty(&fd, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(bin, bin, "-d", "t_h5_cli", "ingest", "--client", "dana@acme.example",
		      "--chunk-size", "300", "--overlap", "50", p, (char *)NULL);
		_exit(127);
	}
	char *out = calloc(1, 1);
	size_t n = 0;
	while (slurp(fd, &out, &n))
		;
	close(fd);
	int status = 0;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("ingest on a terminal: status %d: %s", status, out);
	return out;
}

/* On a terminal the progress bar is drawn on stderr and cleared at the end. */
static void test_progress_bar_on_a_terminal(void **state)
{
	(void)state;
	char *out = ingest_on_a_terminal(5, "long-session.txt", "plain");
	assert_non_null(strstr(out, "\rlong-session.txt ["));
	assert_non_null(strstr(out, "chunks"));
	assert_non_null(strstr(out, "100%"));
	assert_non_null(strstr(out, "\r\033[K"));
	assert_non_null(strstr(out, "long-session.txt: ingested as"));
	free(out);
}

/* A file name is shown in the bar as the result line shows it: escape
 * sequences escaped (the bar wrote them raw: a title change, a cleared
 * screen), and a long name cut at a character boundary. */
static void test_progress_bar_file_name_sanitized(void **state)
{
	(void)state;
	char *out = ingest_on_a_terminal(5, "\x1b]0;pwned\x07\x1b[2J"
	                                    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	                                    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	                                    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	                                    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
	                                    "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac.txt",
	                                 "hostile");
	assert_null(strstr(out, "\x1b]0;"));
	assert_null(strstr(out, "\x1b[2J"));
	/* the bar's label: 40 columns, whole characters, then the bar */
	const char *label = "\r\\x1b]0;pwned\\x07\\x1b[2J"; /* \r, then ASCII columns */
	long cols = (long)strlen(label) - 1;
	const char *bar = strstr(out, label);
	assert_non_null(bar);
	const char *end = strstr(bar, " [");
	assert_non_null(end);
	long euro_bytes = end - bar - (long)strlen(label);
	assert_int_equal(euro_bytes % 3, 0);
	assert_int_equal(cols + euro_bytes / 3, 40);
	free(out);
}

/* Too large: the message says so without a made-up size (it said "127 MB"
 * of a 200 MB file: reading stops past the limit). */
static void test_too_large_file(void **state)
{
	(void)state;
	char path[400];
	snprintf(path, sizeof path, "%s/huge.txt", g_dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 200 << 20), 0); /* sparse */
	close(fd);
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", path, NULL);
	assert_int_equal(r.code, 1);
	assert_non_null(strstr(r.err, "huge.txt: file is more than the 64 MB limit: split it first"));
	assert_null(strstr(r.err, "127 MB"));
	run_free(&r);
	unlink(path);
}

/* --date must be a real day (the items' metadata schema says so): refused
 * before anything is read or written (2024-02-30 was stored as is). */
static void test_date_must_be_a_real_day(void **state)
{
	(void)state;
	const char *p = file(6, "dated.txt", "COACH: a dated session.\n", 24);
	long long before = num("SELECT count(*) FROM data_items");
	const char *bad[] = {"2025-02-30", "2025-04-31", "2023-02-29", "2025-00-10"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", "--date", bad[i],
		                    p, NULL);
		if (r.code != 2 || !strstr(r.err, "--date takes a real day as YYYY-MM-DD"))
			fail_msg("--date %s: exit %d, %s", bad[i], r.code, r.err);
		run_free(&r);
	}
	assert_int_equal(num("SELECT count(*) FROM data_items"), before);
	run_out r = rapport(NULL, "ingest", "--client", "dana@acme.example", "--date", "2024-02-29",
	                    p, NULL);
	assert_int_equal(r.code, 0);
	run_free(&r);
	assert_int_equal(num("SELECT count(*) FROM data_items WHERE"
	                     " metadata->>'session_date' = '2024-02-29'"),
	                 1);
}

static void test_sha256_known_answers(void **state)
{
	(void)state;
	char h[65];
	sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(m, strlen(m), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* split updates give the same digest as one */
	sha256_ctx c;
	unsigned char d1[32], d2[32];
	sha256_init(&c);
	for (size_t i = 0; i < strlen(m); i++)
		sha256_update(&c, m + i, 1);
	sha256_final(&c, d1);
	sha256_init(&c);
	sha256_update(&c, m, strlen(m));
	sha256_final(&c, d2);
	assert_memory_equal(d1, d2, 32);
}

static void test_ingest_check(void **state)
{
	(void)state;
	char msg[200];
	assert_int_equal(ingest_check("COACH: ok ✓", 13, msg, sizeof msg), 0);
	assert_int_equal(ingest_check("\xed\xa0\x80", 3, msg, sizeof msg), -1); /* surrogate */
	assert_non_null(strstr(msg, "offset 0"));
	assert_int_equal(ingest_check("ab\xc0\xaf", 4, msg, sizeof msg), -1); /* overlong */
	assert_non_null(strstr(msg, "offset 2"));
	assert_int_equal(ingest_check("\n\r\t ", 4, msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "whitespace"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256_known_answers),
	    cmocka_unit_test(test_ingest_check),
	    cmocka_unit_test(test_ingest_then_already),
	    cmocka_unit_test(test_stdin_and_org),
	    cmocka_unit_test(test_bad_files_exit_1),
	    cmocka_unit_test(test_jobs_in_file_order),
	    cmocka_unit_test(test_bulk_path_rebuilds_the_index),
	    cmocka_unit_test(test_bulk_interrupted_by_ctrl_c),
	    cmocka_unit_test(test_migrate_repairs_the_index),
	    cmocka_unit_test(test_usage_exit_2),
	    cmocka_unit_test(test_reembed),
	    cmocka_unit_test(test_progress_bar_on_a_terminal),
	    cmocka_unit_test(test_progress_bar_file_name_sanitized),
	    cmocka_unit_test(test_too_large_file),
	    cmocka_unit_test(test_date_must_be_a_real_day),
	    cmocka_unit_test(test_config_and_flags_choose_the_embedder),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
