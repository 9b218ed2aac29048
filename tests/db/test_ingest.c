/* Ingestion into a real PostgreSQL + pgvector (tests/common/testdb): chunks
 * and offsets, item metadata, idempotency, all-or-nothing transactions (an
 * unknown scope, a provider failing mid-way), bad input, a 10 MB transcript,
 * re-embedding, and the path without pgvector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "rapport/chunk.h"
#include "rapport/embed.h"
#include "rapport/ingest.h"
#include "rapport/sha256.h"

static db *g_db;
static int g_dim;
static embedder *g_hash;

static const char fixture[] =
    "INSERT INTO coaching_companies (id, name, slug) VALUES"
    " ('11111111-1111-1111-1111-111111111111', 'Northwind Coaching', 'northwind');"
    "INSERT INTO coaches (id, coaching_company_id, email, name) VALUES"
    " ('22222222-2222-2222-2222-222222222222', '11111111-1111-1111-1111-111111111111',"
    "  'ana@northwind.example', 'Ana Coach'),"
    " ('22222222-2222-2222-2222-222222222223', '11111111-1111-1111-1111-111111111111',"
    "  'ben@northwind.example', 'Ben Coach');"
    "INSERT INTO client_organizations (id, name, slug) VALUES"
    " ('33333333-3333-3333-3333-333333333333', 'Acme Media', 'acme-media'),"
    " ('33333333-3333-3333-3333-333333333334', 'Globex', 'globex');"
    "INSERT INTO clients (id, client_organization_id, primary_coach_id, email, name) VALUES"
    " ('44444444-4444-4444-4444-444444444444', '33333333-3333-3333-3333-333333333333',"
    "  '22222222-2222-2222-2222-222222222222', 'dana@acme.example', 'Dana Client');";

/* First value of a query (malloc'd), failing the test on error. */
static char *value(db *d, const char *sql)
{
	char *out = NULL;
	if (db_exec_value(d, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(d));
	return out;
}

static long long num(db *d, const char *sql)
{
	char *v = value(d, sql);
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

static void want(db *d, const char *sql, const char *expect)
{
	char *got = value(d, sql);
	if (!got || strcmp(got, expect) != 0)
		fail_msg("%s: got '%s', want '%s'", sql, got ? got : "(null)", expect);
	free(got);
}

static const char *const lines[] = {
    "I keep taking on work my team could do, and then I stay late finishing it.",
    "What would it look like to hand the quarterly report to Priya?",
    "Honestly it scares me. If she gets it wrong, it lands on me.",
    "Let's stay with that fear for a moment. What exactly would you lose?",
    "Control, I suppose. And the feeling that I'm the one who knows the numbers.",
    "Übung macht den Meister — 練習は大切です。 Let's practise the handover 🎯.",
};

/* A transcript of n turns (caller frees). Every 7th turn is marked with tag
 * so tests can make texts unique. */
static char *transcript(int n, const char *tag, size_t *len)
{
	size_t cap = (size_t)n * 200 + 64, off = 0;
	char *s = malloc(cap);
	for (int i = 0; i < n; i++) {
		if (off + 200 > cap)
			s = realloc(s, cap *= 2);
		off += (size_t)snprintf(s + off, cap - off, "%s: %s%s%s\n", i % 2 ? "Dana" : "COACH",
		                        lines[i % 6], i % 7 == 0 ? " " : "", i % 7 == 0 ? tag : "");
	}
	*len = off;
	return s;
}

static int setup(void **state)
{
	(void)state;
	g_db = testdb_open("h5_ingest");
	testdb_exec(g_db, fixture);
	db_caps caps;
	assert_int_equal(db_caps_get(g_db, &caps), DB_OK);
	assert_true(caps.has_pgvector);
	g_dim = caps.embedding_dim;
	assert_true(g_dim > 0);
	char *err = NULL;
	g_hash = embed_new(NULL, g_dim, &err);
	assert_non_null(g_hash);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	embed_free(g_hash);
	db_close(g_db);
	testdb_drop("h5_ingest");
	return 0;
}

static void test_ingest_chunks_offsets_metadata(void **state)
{
	(void)state;
	size_t len;
	char *t = transcript(80, "first", &len);
	ingest_opts o = {.client = "dana@acme.example", .title = "Session 4",
	                 .session_date = "2025-03-14", .visibility = "coach_only"};
	ingest_result r;
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_OK);
	assert_false(r.already);
	assert_true(r.embedded);
	chunk_span *sp;
	size_t n = chunk_text(t, len, &o.chunk, &sp);
	assert_int_equal(r.nchunks, n);
	assert_true(n > 3);
	char sha[65];
	sha256_hex(t, len, sha);
	assert_string_equal(r.sha256, sha);

	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT concat_ws('|', data_type, coach_id, client_id, client_organization_id,"
	         " visibility_level, metadata->>'title', metadata->>'session_date',"
	         " metadata->>'created_by_user_id', metadata->>'content_sha256',"
	         " length(raw_content)) FROM data_items WHERE id = '%s'", r.item_id);
	char expect[512];
	long long chars = 0;
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)t[i] & 0xC0) != 0x80;
	snprintf(expect, sizeof expect,
	         "transcript|22222222-2222-2222-2222-222222222222|44444444-4444-4444-4444-444444444444|"
	         "33333333-3333-3333-3333-333333333333|coach_only|Session 4|2025-03-14|"
	         "22222222-2222-2222-2222-222222222222|%s|%lld", sha, chars);
	want(g_db, sql, expect);

	/* every chunk: index, content = the source bytes at its offsets, char
	 * offsets agree with SQL substr(), model recorded, vector of the column's
	 * dimension and unit length */
	for (size_t k = 0; k < n; k++) {
		char *content = strndup(t + sp[k].start, sp[k].end - sp[k].start);
		snprintf(sql, sizeof sql,
		         "SELECT c.content FROM data_chunks c WHERE c.data_item_id = '%s'"
		         " AND c.chunk_index = %zu AND (c.metadata->>'start')::bigint = %zu"
		         " AND (c.metadata->>'end')::bigint = %zu"
		         " AND c.metadata->>'embedding_model' = 'hash-v1'", r.item_id, k, sp[k].start,
		         sp[k].end);
		char *got = value(g_db, sql);
		assert_non_null(got);
		assert_string_equal(got, content);
		free(got);
		free(content);
	}
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_chunks c JOIN data_items i ON i.id = c.data_item_id"
	         " WHERE i.id = '%s' AND substr(i.raw_content, (c.metadata->>'char_start')::int + 1,"
	         " (c.metadata->>'char_end')::int - (c.metadata->>'char_start')::int) = c.content"
	         " AND vector_dims(c.embedding) = %d"
	         " AND abs(vector_norm(c.embedding) - 1) < 1e-4", r.item_id, g_dim);
	assert_int_equal(num(g_db, sql), (long long)n);
	free(sp);
	free(t);
}

static void test_idempotent(void **state)
{
	(void)state;
	size_t len;
	char *t = transcript(30, "twice", &len);
	ingest_opts o = {.org = "acme-media", .data_type = "company_doc"};
	ingest_result a, b;
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &a), DB_OK);
	long long items = num(g_db, "SELECT count(*) FROM data_items");
	long long chunks = num(g_db, "SELECT count(*) FROM data_chunks");
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &b), DB_OK);
	assert_true(b.already);
	assert_string_equal(a.item_id, b.item_id);
	assert_int_equal(num(g_db, "SELECT count(*) FROM data_items"), items);
	assert_int_equal(num(g_db, "SELECT count(*) FROM data_chunks"), chunks);
	/* the org item has no client and no coach */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT concat_ws('|', coalesce(client_id::text, '-'), coalesce(coach_id::text, '-'),"
	         " client_organization_id) FROM data_items WHERE id = '%s'", a.item_id);
	want(g_db, sql, "-|-|33333333-3333-3333-3333-333333333333");
	free(t);
}

/* Parses pgvector's text output "[a,b,...]" into v (dim floats); returns
 * the number of elements read. */
static int parse_vector(const char *s, float *v, int dim)
{
	int n = 0;
	if (*s++ != '[')
		return -1;
	while (n < dim && *s && *s != ']') {
		char *end;
		v[n++] = strtof(s, &end);
		if (end == s)
			return -1;
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

/* The stored embedding of chunk k of item id, parsed (dim floats). */
static void stored_vector(db *d, const char *id, int k, float *v)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT embedding::text FROM data_chunks WHERE data_item_id = '%s'"
	         " AND chunk_index = %d", id, k);
	char *txt = value(d, sql);
	assert_non_null(txt);
	assert_int_equal(parse_vector(txt, v, g_dim), g_dim);
	free(txt);
}

/* The encoder itself: dim, a zero "unused" field, big-endian IEEE floats. */
static void test_vector_binary_layout(void **state)
{
	(void)state;
	const float v[3] = {1.0f, -2.5f, 0x1p-140f /* subnormal */};
	unsigned char out[INGEST_VECTOR_BINARY_SIZE(3)];
	assert_int_equal(ingest_vector_binary(v, 3, (char *)out), 16);
	const unsigned char want_bytes[16] = {0, 3, 0, 0, 0x3F, 0x80, 0, 0,
	                                      0xC0, 0x20, 0, 0, 0, 0, 0x02, 0};
	assert_memory_equal(out, want_bytes, 16);
}

/* Vectors sent in binary COPY are stored bit for bit: what the server reads
 * back equals the embedder's floats exactly, and equals the same vector sent
 * in text form (%.9g, which round-trips a float). Values the old 9-digit
 * fixed-point text lost (1e-30, a subnormal) survive. */
static void test_vector_binary_round_trip(void **state)
{
	(void)state;
	char cmd[512];
	snprintf(cmd, sizeof cmd,
	         "awk 'BEGIN { printf \"[0.75,1e-30,-3e-39,0.333333343,-0.6,1.17549435e-38\";"
	         " for (i = 6; i < %d; i++) printf \",%%s\", (i %% 97 == 0 ? \"1e-7\" : \"0\");"
	         " print \"]\" }'", g_dim);
	char *err = NULL;
	embedder *e = embed_new(&(embed_config){.provider = "command", .command = cmd}, g_dim, &err);
	assert_non_null(e);
	size_t len;
	char *t = transcript(3, "binary vectors", &len);
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	assert_int_equal(ingest_text(g_db, e, t, len, &o, &r), DB_OK);
	assert_int_equal(r.nchunks, 1);
	float *mine = malloc((size_t)g_dim * sizeof *mine), *got = malloc((size_t)g_dim * sizeof *got);
	const char *texts[1] = {t};
	assert_int_equal(embed_batch(e, texts, 1, mine, &err), 0);
	assert_true(mine[1] != 0 && mine[2] != 0); /* the tiny values are really there */
	stored_vector(g_db, r.item_id, 0, got);
	assert_memory_equal(got, mine, (size_t)g_dim * sizeof *got);
	/* the text form of the same floats is the same vector to the server */
	size_t cap = (size_t)g_dim * 20 + 256, off = 0;
	char *sql = malloc(cap);
	off += (size_t)snprintf(sql, cap, "SELECT count(*) FROM data_chunks WHERE data_item_id = '%s'"
	                                  " AND embedding = '[", r.item_id);
	for (int i = 0; i < g_dim; i++)
		off += (size_t)snprintf(sql + off, cap - off, "%s%.9g", i ? "," : "", (double)mine[i]);
	snprintf(sql + off, cap - off, "]'::vector");
	assert_int_equal(num(g_db, sql), 1);
	/* and the hash embedder's vectors arrive exactly as computed */
	char *h = transcript(12, "hash exact", &len);
	assert_int_equal(ingest_text(g_db, g_hash, h, len, &o, &r), DB_OK);
	chunk_span *sp;
	size_t n = chunk_text(h, len, &o.chunk, &sp);
	assert_true(n >= 1);
	embed_hash(h + sp[0].start, sp[0].end - sp[0].start, g_dim, mine);
	stored_vector(g_db, r.item_id, 0, got);
	assert_memory_equal(got, mine, (size_t)g_dim * sizeof *got);
	free(sp);
	free(h);
	free(sql);
	free(mine);
	free(got);
	free(t);
	embed_free(e);
}

/* Nothing of a failed ingest may remain. */
static void expect_nothing_for(const char *sha, long long items, long long chunks)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_items WHERE metadata->>'content_sha256' = '%s'", sha);
	assert_int_equal(num(g_db, sql), 0);
	assert_int_equal(num(g_db, "SELECT count(*) FROM data_items"), items);
	assert_int_equal(num(g_db, "SELECT count(*) FROM data_chunks"), chunks);
}

static void test_unknown_scope_writes_nothing(void **state)
{
	(void)state;
	size_t len;
	char *t = transcript(20, "scope", &len);
	long long items = num(g_db, "SELECT count(*) FROM data_items");
	long long chunks = num(g_db, "SELECT count(*) FROM data_chunks");
	ingest_result r;
	ingest_opts o = {.client = "nobody@nowhere.example"};
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_NOTFOUND);
	assert_non_null(strstr(db_errmsg(g_db), "nobody@nowhere.example"));
	o = (ingest_opts){.client = "dana@acme.example", .org = "globex"};
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_INVALID);
	assert_non_null(strstr(db_errmsg(g_db), "does not belong"));
	o = (ingest_opts){.coach = "no-such-coach@x.example"};
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_NOTFOUND);
	expect_nothing_for(r.sha256, items, chunks);
	/* the connection is still usable and not inside a transaction */
	char *pid = value(g_db, "SELECT pg_backend_pid()");
	db *other = testdb_connect("h5_ingest");
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT state FROM pg_stat_activity WHERE pid = %s", pid);
	want(other, sql, "idle");
	db_close(other);
	free(pid);
	free(t);
}

static void test_provider_failure_mid_way_writes_nothing(void **state)
{
	(void)state;
	char dir[] = "/tmp/h5_ingest_XXXXXX";
	assert_non_null(mkdtemp(dir));
	/* embeds one text per run; the 3rd run fails */
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "n=$(cat %s/count 2>/dev/null || echo 0); echo $((n+1)) > %s/count;"
	         " if [ $n -ge 2 ]; then echo 'model server went away' >&2; exit 1; fi;"
	         " awk 'BEGIN { printf \"[1\"; for (i = 1; i < %d; i++) printf \",0\"; print \"]\" }'",
	         dir, dir, g_dim);
	char *err = NULL;
	embedder *e = embed_new(&(embed_config){.provider = "command", .command = cmd, .batch = 2},
	                        g_dim, &err);
	assert_non_null(e);
	size_t len;
	char *t = transcript(60, "fails", &len);
	long long items = num(g_db, "SELECT count(*) FROM data_items");
	long long chunks = num(g_db, "SELECT count(*) FROM data_chunks");
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	assert_int_equal(ingest_text(g_db, e, t, len, &o, &r), DB_ERROR);
	assert_non_null(strstr(db_errmsg(g_db), "model server went away"));
	expect_nothing_for(r.sha256, items, chunks);
	/* and the same text then goes in whole */
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_OK);
	assert_false(r.already);
	embed_free(e);
	char rm[600];
	snprintf(rm, sizeof rm, "%s/count", dir);
	unlink(rm);
	rmdir(dir);
	free(t);
}

static void test_bad_input(void **state)
{
	(void)state;
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} cases[] = {
	    {"", 0, "is empty"},
	    {" \n\t \n", 5, "only whitespace"},
	    {"COACH: hi\0there", 15, "NUL byte at offset 9"},
	    {"COACH: caf\xe9 au lait", 19, "not valid UTF-8 (byte 0xE9 at offset 10)"},
	    {"ok \xf0\x9f\x98", 6, "offset 3"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(ingest_text(g_db, g_hash, cases[i].text, cases[i].len, &o, &r),
		                 DB_INVALID);
		if (!strstr(db_errmsg(g_db), cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, db_errmsg(g_db), cases[i].msg);
	}
	o.data_type = "diary";
	assert_int_equal(ingest_text(g_db, g_hash, "COACH: hi", 9, &o, &r), DB_INVALID);
	assert_non_null(strstr(db_errmsg(g_db), "unknown data type 'diary'"));
	o = (ingest_opts){.client = "dana@acme.example", .session_date = "14/03/2025"};
	assert_int_equal(ingest_text(g_db, g_hash, "COACH: hi", 9, &o, &r), DB_INVALID);
	o.session_date = "2025-02-30"; /* shaped right, not a day (the items' schema says date) */
	assert_int_equal(ingest_text(g_db, g_hash, "COACH: hi", 9, &o, &r), DB_INVALID);
	assert_non_null(strstr(db_errmsg(g_db), "2025-02-30"));
	o.session_date = "2024-02-29"; /* a leap day is one */
	assert_int_equal(ingest_text(g_db, g_hash, "COACH: leap day", 15, &o, &r), DB_OK);
	o = (ingest_opts){0};
	assert_int_equal(ingest_text(g_db, g_hash, "COACH: hi", 9, &o, &r), DB_INVALID);
	assert_non_null(strstr(db_errmsg(g_db), "whose text"));
}

static void test_ten_megabyte_transcript(void **state)
{
	(void)state;
	size_t len = 0, cap = (10u << 20) + 4096;
	char *t = malloc(cap);
	for (int i = 0; len < (10u << 20); i++)
		len += (size_t)snprintf(t + len, cap - len, "%s: %s (%d)\n", i % 2 ? "Dana" : "COACH",
		                        lines[i % 6], i);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ingest_result r;
	/* larger windows keep the test's run time down: the index insertions
	 * (HNSW, 1536 dimensions) dominate, see tests/bench/ingest_rate.sh */
	ingest_opts o = {.client = "dana@acme.example", .title = "ten megabytes",
	                 .chunk = {.target_chars = 8000, .overlap_chars = 200}};
	assert_int_equal(ingest_text(g_db, g_hash, t, len, &o, &r), DB_OK);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	print_message("10 MB transcript: %zu chunks in %.1f s (%.0f chunks/s)\n", r.nchunks, secs,
	              (double)r.nchunks / secs);
	chunk_span *sp;
	size_t n = chunk_text(t, len, &o.chunk, &sp);
	free(sp);
	assert_int_equal(r.nchunks, n);
	assert_true(n > (10u << 20) / 8000 / 2);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_chunks WHERE data_item_id = '%s' AND embedding IS NOT NULL",
	         r.item_id);
	assert_int_equal(num(g_db, sql), (long long)r.nchunks);
	snprintf(sql, sizeof sql, "SELECT octet_length(raw_content) FROM data_items WHERE id = '%s'",
	         r.item_id);
	assert_int_equal(num(g_db, sql), (long long)len);
	free(t);
}

static void test_reembed_changes_models(void **state)
{
	(void)state;
	db *d = testdb_open("h5_reembed");
	testdb_exec(d, fixture);
	size_t len;
	char *t = transcript(40, "re", &len);
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	assert_int_equal(ingest_text(d, g_hash, t, len, &o, &r), DB_OK);
	long long n = (long long)r.nchunks;
	char cmd[300];
	snprintf(cmd, sizeof cmd,
	         "awk 'BEGIN { printf \"[0,1\"; for (i = 2; i < %d; i++) printf \",0\"; print \"]\" }'",
	         g_dim);
	char *err = NULL;
	embedder *e = embed_new(&(embed_config){.provider = "command", .command = cmd}, g_dim, &err);
	assert_non_null(e);
	long long todo = 0;
	assert_int_equal(ingest_reembed_count(d, embed_model_id(e), false, &todo), DB_OK);
	assert_int_equal(todo, n);
	size_t done = 0;
	reembed_opts ro = {0};
	assert_int_equal(ingest_reembed(d, e, &ro, &done), DB_OK);
	assert_int_equal((long long)done, n);
	char sql[600];
	/* every chunk now carries the command's model id and its vector (0,1,0..);
	 * the offsets in its metadata are kept */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_chunks WHERE metadata->>'embedding_model' LIKE 'command:awk %%'"
	         " AND embedding = (SELECT embedding FROM data_chunks ORDER BY id LIMIT 1)"
	         " AND (embedding::real[])[2] = 1 AND (metadata->>'start') IS NOT NULL");
	assert_int_equal(num(d, sql), n);
	/* a second mismatch run has nothing left to do */
	assert_int_equal(ingest_reembed(d, e, &ro, &done), DB_OK);
	assert_int_equal(done, 0);
	/* back to the hash model: the vectors equal a fresh embedding again */
	assert_int_equal(ingest_reembed(d, g_hash, &ro, &done), DB_OK);
	assert_int_equal((long long)done, n);
	want(d, "SELECT count(DISTINCT metadata->>'embedding_model') FROM data_chunks", "1");
	/* bit for bit (the vectors travel as a binary vector[] parameter) */
	chunk_span *sp;
	assert_int_equal(chunk_text(t, len, &o.chunk, &sp), r.nchunks);
	float *mine = malloc((size_t)g_dim * 4), *stored = malloc((size_t)g_dim * 4);
	embed_hash(t + sp[1].start, sp[1].end - sp[1].start, g_dim, mine);
	stored_vector(d, r.item_id, 1, stored);
	assert_memory_equal(stored, mine, (size_t)g_dim * 4);
	free(mine), free(stored), free(sp);
	/* --all redoes everything even when the model matches */
	ro.all = true;
	assert_int_equal(ingest_reembed(d, g_hash, &ro, &done), DB_OK);
	assert_int_equal((long long)done, n);
	embed_free(e);
	db_close(d);
	testdb_drop("h5_reembed");
	free(t);
}

/* A coach's own login role: row-level security applies, so chunks go in
 * through INSERT instead of COPY; another coach's client is refused. */
static void test_as_coach_under_rls(void **state)
{
	(void)state;
	testdb_exec(g_db,
	            "INSERT INTO coaches (id, coaching_company_id, email, name) VALUES"
	            " ('22222222-2222-2222-2222-2222222222f5', '11111111-1111-1111-1111-111111111111',"
	            "  'h5-rls-coach@ingest.example', 'Rhea Coach');"
	            "INSERT INTO clients (id, client_organization_id, primary_coach_id, email, name)"
	            " VALUES ('44444444-4444-4444-4444-4444444444f5',"
	            " '33333333-3333-3333-3333-333333333334', '22222222-2222-2222-2222-2222222222f5',"
	            " 'h5-rls-client@globex.example', 'Gil Client');"
	            "SELECT rapport_grant_coach('h5-rls-coach@ingest.example', NULL);");
	db *c = testdb_connect_opts("h5_ingest", (db_conn_opts){.user = "h5-rls-coach@ingest.example"});
	want(c, "SELECT row_security_active('data_chunks')", "t");
	size_t len;
	char *t = transcript(50, "rls \\ \"quoted\" {braces}", &len);
	ingest_result r;
	ingest_opts o = {.client = "h5-rls-client@globex.example"};
	assert_int_equal(ingest_text(c, g_hash, t, len, &o, &r), DB_OK);
	assert_true(r.nchunks > 1);
	/* the coach sees every chunk, and the contents survived the array quoting */
	chunk_span *sp;
	size_t n = chunk_text(t, len, &o.chunk, &sp);
	assert_int_equal(n, r.nchunks);
	char sql[512];
	for (size_t k = 0; k < n; k++) {
		snprintf(sql, sizeof sql,
		         "SELECT content FROM data_chunks WHERE data_item_id = '%s' AND chunk_index = %zu"
		         " AND vector_dims(embedding) = %d AND (metadata->>'end')::int = %zu",
		         r.item_id, k, g_dim, sp[k].end);
		char *got = value(c, sql);
		assert_non_null(got);
		assert_int_equal(strlen(got), sp[k].end - sp[k].start);
		assert_memory_equal(got, t + sp[k].start, sp[k].end - sp[k].start);
		free(got);
	}
	/* the vectors (a binary vector[] parameter here) arrive exactly */
	float *mine = malloc((size_t)g_dim * sizeof *mine), *stored = malloc((size_t)g_dim * 4);
	for (size_t k = 0; k < n; k += n - 1) {
		embed_hash(t + sp[k].start, sp[k].end - sp[k].start, g_dim, mine);
		stored_vector(g_db, r.item_id, (int)k, stored);
		assert_memory_equal(stored, mine, (size_t)g_dim * sizeof *mine);
	}
	free(mine);
	free(stored);
	free(sp);
	/* someone else's client: the database refuses, nothing is left */
	long long items = num(g_db, "SELECT count(*) FROM data_items");
	long long chunks = num(g_db, "SELECT count(*) FROM data_chunks");
	free(t);
	t = transcript(20, "not mine", &len);
	o.client = "dana@acme.example";
	assert_int_equal(ingest_text(c, g_hash, t, len, &o, &r), DB_DENIED);
	expect_nothing_for(r.sha256, items, chunks);
	db_close(c);
	free(t);
}

/* ---- bulk path ------------------------------------------------------------ */

static const char idx_def_sql[] =
    "SELECT coalesce((SELECT pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid"
    " FROM pg_index i WHERE i.indexrelid = to_regclass('idx_data_chunks_embedding')), 'none')";

/* The distances of the 10 chunks nearest to chunk 0 of item id (rounded:
 * near-duplicate chunks tie), by the HNSW index (index, with an ef_search
 * that makes it exact on this small table) or by exact search (!index). */
static char *nearest(db *d, const char *id, bool index)
{
	testdb_exec(d, index ? "SET enable_seqscan = off; SET hnsw.ef_search = 400"
	                     : "SET enable_indexscan = off");
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT string_agg(round(dist::numeric, 4)::text, ',' ORDER BY dist) FROM"
	         " (SELECT embedding <=> (SELECT embedding FROM data_chunks WHERE data_item_id ="
	         " '%s' AND chunk_index = 0) AS dist FROM data_chunks ORDER BY 1 LIMIT 10) x", id);
	char *v = value(d, sql);
	testdb_exec(d, "RESET enable_seqscan; RESET enable_indexscan; RESET hnsw.ef_search");
	return v;
}

/* A large batch: the index goes away (its definition on record), readers
 * and other writers go on, each item is still all or nothing, and at the
 * end the same index is back, valid, and agrees with exact search. */
static void test_bulk_defers_and_rebuilds(void **state)
{
	(void)state;
	char *before = value(g_db, idx_def_sql);
	assert_non_null(strstr(before, "USING hnsw") ? before : NULL);
	bool deferred = false;
	assert_int_equal(ingest_bulk_begin(g_db, 100000000, &deferred), DB_OK);
	assert_true(deferred);
	want(g_db, idx_def_sql, "none");
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "1");
	/* a reader on another connection is not blocked, and finds new rows */
	db *other = testdb_connect("h5_ingest");
	testdb_exec(other, "SET statement_timeout = '10s'");
	size_t len;
	char *t = transcript(40, "bulk one", &len);
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	assert_int_equal(ingest_text(other, g_hash, t, len, &o, &r), DB_OK);
	char *during = nearest(other, r.item_id, true);
	assert_non_null(strstr(during, ","));
	/* a failing item leaves nothing, as on the ordinary path */
	char cmd[300];
	snprintf(cmd, sizeof cmd, "echo 'model server went away' >&2; exit 1");
	char *err = NULL;
	embedder *bad = embed_new(&(embed_config){.provider = "command", .command = cmd}, g_dim,
	                          &err);
	char *t2 = transcript(30, "bulk fails", &len);
	long long items = num(g_db, "SELECT count(*) FROM data_items");
	long long chunks = num(g_db, "SELECT count(*) FROM data_chunks");
	ingest_result r2;
	assert_int_equal(ingest_text(g_db, bad, t2, len, &o, &r2), DB_ERROR);
	expect_nothing_for(r2.sha256, items, chunks);
	/* a second bulk run meanwhile does not defer again, nor repair */
	bool again = true, rebuilt = true;
	assert_int_equal(ingest_bulk_begin(other, 100000000, &again), DB_OK);
	assert_false(again);
	assert_int_equal(ingest_index_repair(other, &rebuilt), DB_OK);
	assert_false(rebuilt);
	want(other, idx_def_sql, "none");
	assert_int_equal(ingest_bulk_end(g_db), DB_OK);
	char *after = value(g_db, idx_def_sql);
	assert_string_equal(after, before);
	assert_non_null(strstr(after, "valid=true"));
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "0");
	want(other, "SELECT pg_try_advisory_lock(1919251561, 21)", "t"); /* lock released */
	want(other, "SELECT pg_advisory_unlock(1919251561, 21)", "t");
	char *by_index = nearest(g_db, r.item_id, true), *exact = nearest(g_db, r.item_id, false);
	assert_string_equal(by_index, exact);
	assert_string_equal(during, exact);
	free(by_index), free(exact), free(during), free(after), free(before);
	embed_free(bad);
	db_close(other);
	free(t), free(t2);
}

/* A run killed while the index is away: the next ingest's repair builds the
 * recorded index again; a second repair has nothing to do. */
static void test_bulk_interrupted_is_repaired(void **state)
{
	(void)state;
	char *before = value(g_db, idx_def_sql);
	db *killed = testdb_connect("h5_ingest");
	bool deferred = false;
	assert_int_equal(ingest_bulk_begin(killed, 100000000, &deferred), DB_OK);
	assert_true(deferred);
	char *pid = value(killed, "SELECT pg_backend_pid()");
	db_close(killed); /* no ingest_bulk_end */
	/* its server process (and with it the session's lock) goes soon after */
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid);
	for (int i = 0; i < 10000 && num(g_db, sql) > 0; i++)
		usleep(1000);
	assert_int_equal(num(g_db, sql), 0);
	free(pid);
	want(g_db, idx_def_sql, "none");
	bool rebuilt = false;
	assert_int_equal(ingest_index_repair(g_db, &rebuilt), DB_OK);
	assert_true(rebuilt);
	char *after = value(g_db, idx_def_sql);
	assert_string_equal(after, before);
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "0");
	assert_int_equal(ingest_index_repair(g_db, &rebuilt), DB_OK);
	assert_false(rebuilt);
	/* the record is executed as SQL: anything but the vector index's own
	 * definition is refused, and nothing is run */
	testdb_exec(g_db, "INSERT INTO ingest_deferred_indexes (index_name, definition) VALUES"
	                  " ('idx_data_chunks_embedding', 'CREATE INDEX idx_data_chunks_embedding"
	                  " ON public.data_chunks USING hnsw (embedding vector_cosine_ops);"
	                  " DROP TABLE data_items')");
	assert_int_equal(ingest_index_repair(g_db, &rebuilt), DB_INVALID);
	assert_non_null(strstr(db_errmsg(g_db), "unexpected entry"));
	testdb_exec(g_db, "UPDATE ingest_deferred_indexes SET definition = 'CREATE INDEX"
	                  " idx_data_chunks_embedding ON public.data_chunks USING hnsw"
	                  " ((embedding || evil()) vector_cosine_ops)'");
	assert_int_equal(ingest_index_repair(g_db, &rebuilt), DB_INVALID);
	char *now = value(g_db, idx_def_sql);
	assert_string_equal(now, after);
	testdb_exec(g_db, "DELETE FROM ingest_deferred_indexes");
	free(now);
	free(after);
	free(before);
}

/* The DROP waits for other sessions at most 2 s: blocked before it began,
 * the ordinary path is taken and the index is untouched; blocked half-way
 * (a reader's open transaction used the index), the invalid index left
 * behind counts as deferred and ingest_bulk_end drops and builds it. */
static void test_bulk_drop_waits_are_bounded(void **state)
{
	(void)state;
	char *before = value(g_db, idx_def_sql);
	long long oid = num(g_db, "SELECT to_regclass('idx_data_chunks_embedding')::oid");
	db *other = testdb_connect("h5_ingest");
	testdb_exec(other, "BEGIN; LOCK TABLE data_chunks IN SHARE UPDATE EXCLUSIVE MODE");
	bool deferred = true;
	assert_int_equal(ingest_bulk_begin(g_db, 100000000, &deferred), DB_OK);
	assert_false(deferred);
	testdb_exec(other, "ROLLBACK");
	char *now = value(g_db, idx_def_sql);
	assert_string_equal(now, before);
	free(now);
	assert_int_equal(num(g_db, "SELECT to_regclass('idx_data_chunks_embedding')::oid"), oid);
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "0");
	want(other, "SELECT pg_try_advisory_lock(1919251561, 21)", "t");
	want(other, "SELECT pg_advisory_unlock(1919251561, 21)", "t");
	/* a reader's transaction that used the index stays open */
	testdb_exec(other, "BEGIN; SET LOCAL enable_seqscan = off");
	char *hit = value(other, "SELECT count(*) FROM (SELECT id FROM data_chunks ORDER BY"
	                         " embedding <=> (SELECT embedding FROM data_chunks LIMIT 1)"
	                         " LIMIT 1) x");
	assert_string_equal(hit, "1");
	free(hit);
	assert_int_equal(ingest_bulk_begin(g_db, 100000000, &deferred), DB_OK);
	assert_true(deferred);
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "1");
	char *invalid = calloc(1, strlen(before) + 2); /* the same index, left invalid */
	strcpy(invalid, before);
	char *v = strstr(invalid, " valid=true");
	assert_non_null(v);
	strcpy(v, " valid=false");
	want(g_db, idx_def_sql, invalid);
	free(invalid);
	testdb_exec(other, "COMMIT");
	assert_int_equal(ingest_bulk_end(g_db), DB_OK);
	now = value(g_db, idx_def_sql);
	assert_string_equal(now, before);
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "0");
	free(now);
	free(before);
	db_close(other);
}

/* The ordinary path is kept for small batches, batches smaller than the
 * table, and roles that do not own the table. */
static void test_bulk_not_taken(void **state)
{
	(void)state;
	char *before = value(g_db, idx_def_sql);
	testdb_exec(g_db, "ANALYZE data_chunks");
	long long rows = num(g_db, "SELECT count(*) FROM data_chunks");
	assert_true(rows > INGEST_BULK_MIN_CHUNKS); /* the 10 MB test ran before */
	bool deferred = true;
	assert_int_equal(ingest_bulk_begin(g_db, INGEST_BULK_MIN_CHUNKS - 1, &deferred), DB_OK);
	assert_false(deferred);
	assert_int_equal(ingest_bulk_begin(g_db, (size_t)rows / 2, &deferred), DB_OK);
	assert_false(deferred);
	testdb_exec(g_db,
	            "INSERT INTO coaches (id, coaching_company_id, email, name) VALUES"
	            " ('22222222-2222-2222-2222-2222222222b5', '11111111-1111-1111-1111-111111111111',"
	            "  'h5-bulk-coach@ingest.example', 'Bea Coach')"
	            " ON CONFLICT DO NOTHING;"
	            "SELECT rapport_grant_coach('h5-bulk-coach@ingest.example', NULL);");
	db *c = testdb_connect_opts("h5_ingest", (db_conn_opts){.user = "h5-bulk-coach@ingest.example"});
	assert_int_equal(ingest_bulk_begin(c, 100000000, &deferred), DB_OK);
	assert_false(deferred);
	db_close(c);
	char *after = value(g_db, idx_def_sql);
	assert_string_equal(after, before);
	want(g_db, "SELECT count(*) FROM ingest_deferred_indexes", "0");
	free(after);
	free(before);
}

static void test_without_pgvector(void **state)
{
	(void)state;
	db *d = testdb_open_empty("h5_novec");
	testdb_exec(d, "ALTER DATABASE t_h5_novec SET rapport.disable_pgvector = 'on'");
	db_close(d);
	d = testdb_connect("h5_novec");
	int applied = 0;
	assert_int_equal(db_migrate(d, &applied), DB_OK);
	testdb_exec(d, fixture);
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	assert_false(caps.has_pgvector);
	size_t len;
	char *t = transcript(30, "novec", &len);
	ingest_result r;
	ingest_opts o = {.client = "dana@acme.example"};
	assert_int_equal(ingest_text(d, NULL, t, len, &o, &r), DB_OK);
	assert_false(r.embedded);
	assert_true(r.nchunks > 0);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM data_chunks WHERE data_item_id = '%s' AND embedding IS NULL"
	         " AND metadata->'embedding_model' = 'null'::jsonb", r.item_id);
	assert_int_equal(num(d, sql), (long long)r.nchunks);
	db_close(d);
	testdb_drop("h5_novec");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ingest_chunks_offsets_metadata),
	    cmocka_unit_test(test_idempotent),
	    cmocka_unit_test(test_vector_binary_layout),
	    cmocka_unit_test(test_vector_binary_round_trip),
	    cmocka_unit_test(test_unknown_scope_writes_nothing),
	    cmocka_unit_test(test_provider_failure_mid_way_writes_nothing),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_ten_megabyte_transcript),
	    cmocka_unit_test(test_reembed_changes_models),
	    cmocka_unit_test(test_as_coach_under_rls),
	    cmocka_unit_test(test_bulk_defers_and_rebuilds),
	    cmocka_unit_test(test_bulk_interrupted_is_repaired),
	    cmocka_unit_test(test_bulk_drop_waits_are_bounded),
	    cmocka_unit_test(test_bulk_not_taken),
	    cmocka_unit_test(test_without_pgvector),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
