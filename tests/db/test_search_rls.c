/* Search respects visibility (row-level security, migration 004): the four
 * levels x creator / item's coach / coach in the same organization / other
 * coach / admin, through the data-access module in every mode (results,
 * counts, the "more" flag, more-like-this from an invisible chunk, the corpus
 * models) and through the CLI as the same login role. Zero rows visible that
 * should not be. */
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
#include "rapport/search.h"

#define DBNAME "h6_search_rls"

enum { OWNER, CREATOR, ORGMATE, OTHER, ADMIN, NWHO };
static const char *const who_name[NWHO] = {"owner", "creator", "orgmate", "other", "admin"};
/* Login roles: coaches are named by their email (cluster-wide roles). */
static const char *const role[NWHO] = {"owner@h6rls.test", "creator@h6rls.test",
                                       "orgmate@h6rls.test", "other@h6rls.test",
                                       "h6rls_admin"};
static const char *const levels[] = {"private", "coach_only", "org_visible", "public"};
enum { NLEVELS = 4 };
/* visible[level][who] per the spec's visibility levels */
static const bool visible[NLEVELS][NWHO] = {
    {false, true, false, false, true}, /* private: only the creator */
    {true, true, false, false, true},  /* coach_only: the item's coach and the creator */
    {true, true, true, false, true},   /* org_visible: + coaches with a client in the org */
    {true, true, true, true, true},    /* public */
};
static char item_id[NLEVELS][DB_UUID_LEN];
static char chunk_id[NLEVELS][DB_UUID_LEN];
static int dim;

static const char fixture_sql[] =
    "INSERT INTO coaching_companies (name, slug) VALUES ('RLS Co', 'h6rls');"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, e, n FROM"
    " coaching_companies, (VALUES ('owner@h6rls.test', 'Olga Owner'),"
    " ('creator@h6rls.test', 'Cris Creator'), ('orgmate@h6rls.test', 'Oren Orgmate'),"
    " ('other@h6rls.test', 'Otto Other')) v(e, n) WHERE slug = 'h6rls';"
    "INSERT INTO client_organizations (name, slug) VALUES ('Shared Org', 'h6rls-shared'),"
    " ('Far Org', 'h6rls-far');"
    "INSERT INTO clients (client_organization_id, primary_coach_id, email, name)"
    " SELECT o.id, c.id, v.email, v.name FROM (VALUES"
    " ('h6rls-shared', 'owner@h6rls.test', 'kim@h6rls.test', 'Kim Client'),"
    " ('h6rls-shared', 'orgmate@h6rls.test', 'lee@h6rls.test', 'Lee Client'),"
    " ('h6rls-far', 'other@h6rls.test', 'max@h6rls.test', 'Max Client')) v(org, coach, email, name)"
    " JOIN client_organizations o ON o.slug = v.org JOIN coaches c ON c.email = v.coach;";

/* First value of a trusted query (malloc'd). */
static char *value(db *c, const char *sql)
{
	char *out = NULL;
	if (db_exec_value(c, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(c));
	return out;
}

/* One item at level l: coach owner, client kim (shared org), created by
 * creator; content with the marker word and the level's name. */
static void insert_level(db *d, int l)
{
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "INSERT INTO data_items (data_type, coach_id, client_id, client_organization_id,"
	         " visibility_level, raw_content, metadata) SELECT 'transcript', co.id, cl.id,"
	         " cl.client_organization_id, '%s', 'Olga: the quokka plan for %s level notes.',"
	         " jsonb_build_object('title', 'Quokka %s', 'created_by_user_id', cr.id::text)"
	         " FROM coaches co, coaches cr, clients cl WHERE co.email = 'owner@h6rls.test'"
	         " AND cr.email = 'creator@h6rls.test' AND cl.email = 'kim@h6rls.test' RETURNING id",
	         levels[l], levels[l], levels[l]);
	char *id = value(d, sql);
	snprintf(item_id[l], DB_UUID_LEN, "%s", id);
	free(id);
	const char *text = "Olga: the quokka plan for this level notes.";
	float *v = malloc(sizeof *v * (size_t)dim);
	embed_hash(text, strlen(text), dim, v);
	char *vt = embed_vector_text(v, dim);
	size_t n = strlen(vt) + 512;
	char *ins = malloc(n);
	snprintf(ins, n,
	         "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding, metadata)"
	         " VALUES ('%s', 0, 'Olga: the quokka plan for %s level notes.', '%s',"
	         " '{\"embedding_model\": \"hash-v1\", \"start\": 0, \"end\": 40}') RETURNING id",
	         item_id[l], levels[l], vt);
	id = value(d, ins);
	snprintf(chunk_id[l], DB_UUID_LEN, "%s", id);
	free(id);
	free(ins);
	free(vt);
	free(v);
}

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	db *d = testdb_open(DBNAME);
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	assert_true(caps.rls_enabled);
	dim = caps.embedding_dim;
	testdb_exec(d, fixture_sql);
	for (int l = 0; l < NLEVELS; l++)
		insert_level(d, l);
	for (int w = OWNER; w <= OTHER; w++) {
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT rapport_grant_coach('%s', NULL)", role[w]);
		free(value(d, sql));
	}
	testdb_exec_admin("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname ="
	                  " 'h6rls_admin') THEN CREATE ROLE h6rls_admin LOGIN; END IF; END $$;"
	                  "GRANT rapport_admin TO h6rls_admin;");
	db_close(d);
	return 0;
}

/* A connection as role w. */
static db *as(int w)
{
	return testdb_connect_opts(DBNAME, (db_conn_opts){.user = role[w]});
}

/* Which levels' items appear among the hits (and that nothing else does). */
static void hit_levels(const search_result *res, bool seen[NLEVELS], const char *what)
{
	memset(seen, 0, NLEVELS * sizeof *seen);
	for (size_t i = 0; i < res->n; i++) {
		int l = 0;
		while (l < NLEVELS && strcmp(res->hits[i].item_id, item_id[l]))
			l++;
		if (l == NLEVELS)
			fail_msg("%s: a hit from an unknown item", what);
		seen[l] = true;
	}
}

/* The matrix through the data-access module, in every mode. */
static void test_matrix_module(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	const char *q = "quokka plan";
	embed_hash(q, strlen(q), dim, vec);
	for (int w = 0; w < NWHO; w++) {
		db *c = as(w);
		int want = 0;
		for (int l = 0; l < NLEVELS; l++)
			want += visible[l][w];
		for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
			search_req r = {.mode = (search_mode)m, .query = q, .qvec = vec, .qdim = dim,
			                .model_id = EMBED_HASH_MODEL_ID, .limit = 50};
			search_result *res = NULL;
			if (search_run(c, &r, &res) != DB_OK)
				fail_msg("%s, %s: %s", who_name[w], search_mode_name(m), db_errmsg(c));
			char what[64];
			snprintf(what, sizeof what, "%s, %s", who_name[w], search_mode_name(m));
			bool seen[NLEVELS];
			hit_levels(res, seen, what);
			for (int l = 0; l < NLEVELS; l++)
				if (seen[l] != visible[l][w])
					fail_msg("%s: %s item %s", what, levels[l],
					         seen[l] ? "visible but must not be" : "missing");
			assert_int_equal((int)res->n, want);
			assert_false(res->more);
			search_result_free(res);
			/* a page exactly as large as what is visible says nothing more */
			r.limit = want;
			assert_int_equal(search_run(c, &r, &res), DB_OK);
			assert_false(res->more);
			search_result_free(res);
		}
		db_close(c);
	}
	free(vec);
}

/* More like this from a chunk the role may not see gives nothing; from one
 * it may see, only visible neighbours. */
static void test_more_like_invisible(void **state)
{
	(void)state;
	db *c = as(OTHER);
	search_req r = {.mode = SEARCH_SEMANTIC, .like_chunk_id = chunk_id[0], .limit = 50};
	search_result *res = NULL;
	assert_int_equal(search_run(c, &r, &res), DB_OK);
	assert_int_equal(res->n, 0);
	assert_false(res->more);
	search_result_free(res);
	r.like_chunk_id = chunk_id[3]; /* public */
	assert_int_equal(search_run(c, &r, &res), DB_OK);
	assert_int_equal(res->n, 0); /* the other three are invisible to this coach */
	search_result_free(res);
	db_close(c);
	c = as(CREATOR);
	assert_int_equal(search_run(c, &r, &res), DB_OK);
	assert_int_equal(res->n, 3);
	search_result_free(res);
	db_close(c);
}

/* Runs the CLI as role w and returns how many results its JSON holds. */
static int cli_count(int w, const char *mode)
{
	const char *bin = getenv("RAPPORT_BIN") ? getenv("RAPPORT_BIN") : "build/release/rapport";
	char *ci = testdb_conninfo(DBNAME);
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl(bin, bin, "-d", ci, "-U", role[w], "search", "--mode", mode, "--json", "--limit",
		      "50", "quokka", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char buf[65536];
	size_t n = 0;
	ssize_t k;
	while ((k = read(fd[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	free(ci);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s search as %s exited %d (set RAPPORT_BIN?)", bin, role[w],
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	int count = 0;
	for (const char *p = buf; (p = strstr(p, "\"chunk_id\"")); p++)
		count++;
	for (int l = 0; l < NLEVELS; l++)
		if (!visible[l][w] && strstr(buf, item_id[l]))
			fail_msg("CLI as %s shows the %s item", who_name[w], levels[l]);
	return count;
}

/* The matrix through the CLI, as the same login roles. */
static void test_matrix_cli(void **state)
{
	(void)state;
	for (int w = 0; w < NWHO; w++) {
		int want = 0;
		for (int l = 0; l < NLEVELS; l++)
			want += visible[l][w];
		assert_int_equal(cli_count(w, "text"), want);
		assert_int_equal(cli_count(w, "hybrid"), want);
	}
}

/* Runs the tests in order (later ones build on the fixture). */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix_module),
	    cmocka_unit_test(test_more_like_invisible),
	    cmocka_unit_test(test_matrix_cli),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
