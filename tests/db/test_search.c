/* Search against a real server with pgvector: every mode, each scope kind,
 * type/date/visibility filters, the model-mismatch refusal, more-like-this,
 * limit/offset, text search without pgvector or without embeddings, a
 * filtered semantic query that still returns k rows (iterative scan), and
 * hostile query strings. Fixture transcripts are chunked with the real
 * chunker and embedded with the hash embedder. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "rapport/chunk.h"
#include "rapport/embed.h"
#include "rapport/search.h"

typedef struct fixture_item {
	const char *key; /* test name for the item */
	const char *coach, *client, *type, *vis, *date, *title, *text;
} fixture_item;

/* Coaches: ana (acme), ben (acme), cy (beta). Clients: dora (globex, ana),
 * eli (globex, ben), fay (initech, cy), gus (initech, ana). */
static const fixture_item items[] = {
    {"delegation", "ana@acme.test", "dora@globex.test", "transcript", "coach_only", "2025-03-04",
     "Session 3: delegating to the new team leads",
     "Ana: Last time you said you were still reviewing every pull request yourself.\n"
     "Dora: Yes. I know I should delegate more, but when I hand work to the team leads it "
     "comes back late and I end up redoing it.\n"
     "Ana: What would good delegation look like for you? Which decisions could the leads own "
     "completely?\n"
     "Dora: Hiring decisions for their own teams, sprint planning, and code review. I would "
     "keep the architecture calls.\n"
     "Ana: So you would delegate ownership, not just tasks. How will you let go of the "
     "reviews without losing sleep?\n"
     "Dora: A weekly check-in with each lead, and I stop approving every merge myself.\n"},
    {"speaking", "ana@acme.test", "gus@initech.test", "transcript", "coach_only", "2025-04-10",
     "Session 1: presenting to the board",
     "Ana: You mentioned the board presentation is in two weeks.\n"
     "Gus: I freeze when I speak in front of the board. My slides are fine, but my voice "
     "shakes and I rush through the numbers.\n"
     "Ana: Public speaking nerves are common. What happens in your body right before you "
     "present?\n"
     "Gus: Heart racing, dry mouth. I rehearse the script word for word and still forget it.\n"
     "Ana: Let's try rehearsing the story instead of the script: three messages, and the "
     "numbers that support each one.\n"},
    {"cofounder", "ben@acme.test", "eli@globex.test", "transcript", "org_visible", "2025-02-20",
     "Session 5: conflict with the cofounder",
     "Ben: How did the conversation with your cofounder go?\n"
     "Eli: Badly. We argued about the roadmap again and he walked out of the meeting. The "
     "conflict is now affecting the whole leadership team.\n"
     "Ben: What does he want that you don't, and what do you both want?\n"
     "Eli: He wants to chase enterprise customers; I want to fix the product first. We both "
     "want the company to survive.\n"
     "Ben: Start the next conversation from the shared goal, then name the disagreement "
     "plainly.\n"},
    {"burnout", "cy@beta.test", "fay@initech.test", "transcript", "private", "2025-05-02",
     "Session 2: exhaustion and sleep",
     "Cy: You look tired today.\n"
     "Fay: I have been sleeping four hours a night. Burnout, probably. I answer email at "
     "midnight and wake up at five thinking about the launch.\n"
     "Cy: What would a sustainable week look like? What can you stop doing?\n"
     "Fay: Stop answering email after eight, block Friday afternoons, and take the vacation "
     "I cancelled in March.\n"},
    {"feedback", "ben@acme.test", "eli@globex.test", "transcript", "public", "2025-06-15",
     "Session 6: giving hard feedback",
     "Ben: You wanted to prepare the feedback conversation with your sales director.\n"
     "Eli: He misses his targets every quarter and blames marketing. I keep postponing the "
     "feedback because he is a friend.\n"
     "Ben: What is the cost of postponing it, for him and for the team?\n"
     "Eli: The team sees that missed targets have no consequences. I will give the feedback "
     "on Monday, with specific examples.\n"},
    {"disc", "cy@beta.test", "fay@initech.test", "assessment", "coach_only", "2025-01-10",
     "DISC assessment: Fay",
     "DISC profile: high Dominance, high Conscientiousness. Prefers direct communication, "
     "sets demanding standards, may overlook the emotional impact of decisions on the team.\n"},
};
enum { NITEMS = sizeof items / sizeof items[0] };

static db *d;
static int dim;
static char item_id[NITEMS][DB_UUID_LEN];

/* First value of a trusted query (malloc'd). */
static char *value(db *c, const char *sql)
{
	char *out = NULL;
	if (db_exec_value(c, sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(c));
	return out;
}

/* Growable SQL text. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

/* Appends printf-formatted text. */
static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (b->n + (size_t)need + 1 > b->cap) {
		b->cap = (b->n + (size_t)need + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

/* Inserts one item with its chunks (hash-embedded unless model is NULL,
 * then embedding NULL) into c; returns the item id in out. */
static void insert_item(db *c, const fixture_item *it, const char *model, char out[DB_UUID_LEN])
{
	sbuf b = {0};
	sb_printf(&b,
	          "INSERT INTO data_items (data_type, coach_id, client_id, client_organization_id,"
	          " visibility_level, raw_content, metadata)"
	          " SELECT '%s', co.id, cl.id, cl.client_organization_id, '%s', $rt$%s$rt$,"
	          " jsonb_build_object('title', $rt$%s$rt$, 'session_date', '%s')"
	          " FROM coaches co, clients cl WHERE co.email = '%s' AND cl.email = '%s' RETURNING id",
	          it->type, it->vis, it->text, it->title, it->date, it->coach, it->client);
	char *id = value(c, b.s);
	assert_non_null(id);
	snprintf(out, DB_UUID_LEN, "%s", id);
	free(id);
	b.n = 0;
	chunk_span *sp = NULL;
	size_t n = chunk_text(it->text, strlen(it->text), &(chunk_opts){300, 60}, &sp);
	assert_true(n > 0);
	float *v = malloc(sizeof *v * (size_t)dim);
	sb_printf(&b, "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding,"
	              " metadata) VALUES ");
	for (size_t i = 0; i < n; i++) {
		size_t len = sp[i].end - sp[i].start;
		char *vt = NULL;
		if (model) {
			embed_hash(it->text + sp[i].start, len, dim, v);
			vt = embed_vector_text(v, dim);
		}
		sb_printf(&b,
		          "%s('%s', %zu, $rt$%.*s$rt$, %s%s%s, jsonb_build_object('embedding_model', %s%s%s,"
		          " 'start', %zu, 'end', %zu))",
		          i ? "," : "", out, i, (int)len, it->text + sp[i].start, vt ? "'" : "",
		          vt ? vt : "NULL", vt ? "'" : "", model ? "'" : "", model ? model : "NULL",
		          model ? "'" : "", sp[i].start, sp[i].end);
		free(vt);
	}
	testdb_exec(c, b.s);
	free(v);
	free(sp);
	free(b.s);
}

/* Companies, coaches, organizations and clients of the fixture. */
static const char people_sql[] =
    "INSERT INTO coaching_companies (name, slug) VALUES ('Acme Coaching', 'acme'),"
    " ('Beta Partners', 'beta');"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, 'ana@acme.test',"
    " 'Ana Alves' FROM coaching_companies WHERE slug = 'acme';"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, 'ben@acme.test',"
    " 'Ben Brandt' FROM coaching_companies WHERE slug = 'acme';"
    "INSERT INTO coaches (coaching_company_id, email, name) SELECT id, 'cy@beta.test',"
    " 'Cy Chen' FROM coaching_companies WHERE slug = 'beta';"
    "INSERT INTO client_organizations (name, slug) VALUES ('Globex', 'globex'),"
    " ('Initech', 'initech');"
    "INSERT INTO clients (client_organization_id, primary_coach_id, email, name)"
    " SELECT o.id, c.id, v.email, v.name FROM (VALUES ('globex', 'ana@acme.test',"
    " 'dora@globex.test', 'Dora Diaz'), ('globex', 'ben@acme.test', 'eli@globex.test',"
    " 'Eli Evans'), ('initech', 'cy@beta.test', 'fay@initech.test', 'Fay Fischer'),"
    " ('initech', 'ana@acme.test', 'gus@initech.test', 'Gus Grant')) v(org, coach, email, name)"
    " JOIN client_organizations o ON o.slug = v.org JOIN coaches c ON c.email = v.coach;";

/* Group setup: the fixture database. */
static int setup(void **state)
{
	(void)state;
	d = testdb_open("h6_search");
	db_caps caps;
	assert_int_equal(db_caps_get(d, &caps), DB_OK);
	assert_true(caps.has_pgvector);
	dim = caps.embedding_dim;
	assert_true(dim > 0);
	testdb_exec(d, people_sql);
	for (size_t i = 0; i < NITEMS; i++)
		insert_item(d, &items[i], EMBED_HASH_MODEL_ID, item_id[i]);
	return 0;
}

/* Group teardown. */
static int teardown(void **state)
{
	(void)state;
	db_close(d);
	return 0;
}

/* Index of the fixture item with key. */
static size_t item(const char *key)
{
	for (size_t i = 0; i < NITEMS; i++)
		if (strcmp(items[i].key, key) == 0)
			return i;
	fail_msg("no fixture item %s", key);
	return 0;
}

/* A request with the query embedded by the hash embedder (vec: dim floats). */
static search_req req(search_mode m, const char *q, float *vec)
{
	search_req r = {.mode = m, .query = q, .limit = 10};
	if (m != SEARCH_TEXT && vec) {
		embed_hash(q, strlen(q), dim, vec);
		r.qvec = vec;
		r.qdim = dim;
		r.model_id = EMBED_HASH_MODEL_ID;
	}
	return r;
}

/* Runs r (must succeed) and returns the result. */
static search_result *run(const search_req *r)
{
	search_result *res = NULL;
	db_status st = search_run(d, r, &res);
	if (st != DB_OK)
		fail_msg("search_run: %s: %s", db_status_name(st), db_errmsg(d));
	assert_non_null(res);
	return res;
}

/* Id of an entity by a trusted lookup. */
static char *id_of(const char *sql)
{
	char *id = value(d, sql);
	assert_non_null(id);
	return id;
}

/* The best hit of every mode for a topical query is the right transcript. */
static void test_modes_find_topic(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	static const struct {
		const char *q, *keywords, *want;
	} cases[] = {
	    {"delegate ownership to the team leads", "delegate ownership", "delegation"},
	    {"nervous about public speaking in front of the board", "board presentation", "speaking"},
	    {"argument with my cofounder about the roadmap", "cofounder roadmap", "cofounder"},
	    {"not sleeping, burnout, answering email at midnight", "email midnight", "burnout"}};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
			/* text mode is keyword search: every word must occur in the chunk */
			const char *q = m == SEARCH_TEXT ? cases[c].keywords : cases[c].q;
			search_req r = req((search_mode)m, q, vec);
			search_result *res = run(&r);
			assert_int_equal(res->mode, m);
			if (res->n == 0 || strcmp(res->hits[0].item_id, item_id[item(cases[c].want)]))
				fail_msg("%s search for '%s': best hit is not %s", search_mode_name(m), q,
				         cases[c].want);
			for (size_t i = 1; i < res->n; i++)
				assert_true(res->hits[i - 1].score >= res->hits[i].score);
			search_result_free(res);
		}
	free(vec);
}

/* Scores, positions, display columns and offsets are filled per mode. */
static void test_hit_fields(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	search_req r = req(SEARCH_HYBRID, "delegate ownership", vec);
	search_result *res = run(&r);
	const search_hit *h = &res->hits[0];
	const fixture_item *it = &items[item("delegation")];
	assert_true(h->sem_pos >= 1 && h->text_pos >= 1);
	assert_true(h->distance >= 0 && h->distance < 1);
	assert_true(h->similarity > 0 && h->text_rank > 0);
	double rrf = 1.0 / (SEARCH_RRF_K + h->sem_pos) + 1.0 / (SEARCH_RRF_K + h->text_pos);
	assert_true(h->score > rrf - 1e-9 && h->score < rrf + 1e-9);
	assert_string_equal(h->client_email, "dora@globex.test");
	assert_string_equal(h->client_name, "Dora Diaz");
	assert_string_equal(h->coach_email, "ana@acme.test");
	assert_string_equal(h->org_name, "Globex");
	assert_string_equal(h->data_type, "transcript");
	assert_string_equal(h->title, it->title);
	assert_string_equal(h->item_date, it->date);
	assert_true(h->start >= 0 && h->end > h->start && (size_t)h->end <= strlen(it->text));
	/* the snippet's highlighted words are words of the chunk's own text */
	size_t pos = 0, len = 0, nhl = 0;
	const char *seg;
	bool hl;
	while (search_snippet_next(h->snippet, &pos, &seg, &len, &hl))
		if (hl) {
			nhl++;
			char *w = strndup(seg, len);
			assert_non_null(strstr(it->text, w));
			free(w);
		}
	assert_true(nhl > 0);
	search_result_free(res);

	r = req(SEARCH_SEMANTIC, "delegate ownership to the team leads", vec);
	res = run(&r);
	assert_true(res->hits[0].text_pos == 0 && res->hits[0].sem_pos == 1);
	/* found by meaning, the passage still shows whichever words it has */
	assert_non_null(strchr(res->hits[0].snippet, SEARCH_HL_START));
	assert_true(res->hits[0].score > res->hits[0].similarity - 1e-9 &&
	            res->hits[0].score < res->hits[0].similarity + 1e-9);
	search_result_free(res);
	r = req(SEARCH_TEXT, "delegate ownership", NULL);
	res = run(&r);
	assert_true(res->hits[0].sem_pos == 0 && res->hits[0].text_pos == 1);
	assert_true(res->hits[0].distance < 0 && res->hits[0].text_rank > 0);
	search_result_free(res);
	free(vec);
}

/* Asserts the distinct items of res are exactly the keys listed (NULL-ended). */
static void expect_items(const search_result *res, const char *const *keys, const char *what)
{
	bool seen[NITEMS] = {0};
	for (size_t i = 0; i < res->n; i++) {
		size_t k = 0;
		while (k < NITEMS && strcmp(item_id[k], res->hits[i].item_id))
			k++;
		if (k == NITEMS)
			fail_msg("%s: hit from an unknown item", what);
		seen[k] = true;
	}
	size_t want = 0;
	for (; keys[want]; want++)
		if (!seen[item(keys[want])])
			fail_msg("%s: nothing from %s", what, keys[want]);
	size_t got = 0;
	for (size_t k = 0; k < NITEMS; k++)
		got += seen[k];
	if (got != want)
		fail_msg("%s: %zu items, want %zu", what, got, want);
}

/* Every scope kind and filter, in semantic (all chunks in scope) and text
 * (a query matching every item) mode: exactly the items in scope. */
static void test_scopes_and_filters(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	char *acme = id_of("SELECT id FROM coaching_companies WHERE slug = 'acme'");
	char *cy = id_of("SELECT id FROM coaches WHERE email = 'cy@beta.test'");
	char *eli = id_of("SELECT id FROM clients WHERE email = 'eli@globex.test'");
	char *initech = id_of("SELECT id FROM client_organizations WHERE slug = 'initech'");
	static const char *const all[] = {"delegation", "speaking", "cofounder", "burnout",
	                                  "feedback", "disc", NULL};
	static const char *const k_acme[] = {"delegation", "speaking", "cofounder", "feedback", NULL};
	static const char *const k_cy[] = {"burnout", "disc", NULL};
	static const char *const k_eli[] = {"cofounder", "feedback", NULL};
	static const char *const k_initech[] = {"speaking", "burnout", "disc", NULL};
	static const char *const k_type[] = {"disc", NULL};
	static const char *const k_dates[] = {"delegation", "speaking", "burnout", NULL};
	static const char *const k_public[] = {"feedback", NULL};
	const struct {
		const char *what;
		const char *const *keys;
		search_req f;
	} cases[] = {
	    {"no scope", all, {0}},
	    {"company", k_acme, {.company_id = acme}},
	    {"coach", k_cy, {.coach_id = cy}},
	    {"client", k_eli, {.client_id = eli}},
	    {"org", k_initech, {.org_id = initech}},
	    {"type", k_type, {.data_type = "assessment"}},
	    {"dates", k_dates, {.date_from = "2025-03-01", .date_to = "2025-05-31"}},
	    {"visibility", k_public, {.visibility = "public"}},
	};
	const char *text_q = "delegate or board or cofounder or sleeping or feedback or DISC";
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
			search_req r = req((search_mode)m, m == SEARCH_TEXT ? text_q : "team", vec);
			r.company_id = cases[c].f.company_id;
			r.coach_id = cases[c].f.coach_id;
			r.client_id = cases[c].f.client_id;
			r.org_id = cases[c].f.org_id;
			r.data_type = cases[c].f.data_type;
			r.date_from = cases[c].f.date_from;
			r.date_to = cases[c].f.date_to;
			r.visibility = cases[c].f.visibility;
			r.limit = 200;
			search_result *res = run(&r);
			char what[80];
			snprintf(what, sizeof what, "%s (%s)", cases[c].what, search_mode_name(m));
			expect_items(res, cases[c].keys, what);
			for (size_t i = 0; i < res->n; i++)
				if (cases[c].f.coach_id)
					assert_string_equal(res->hits[i].coach_id, cy);
			search_result_free(res);
		}
	free(acme);
	free(cy);
	free(eli);
	free(initech);
	free(vec);
}

/* Bad ids, dates and visibility are refused before anything is sent. */
static void test_bad_filters(void **state)
{
	(void)state;
	search_result *res = NULL;
	search_req r = {.mode = SEARCH_TEXT, .query = "team", .coach_id = "not-a-uuid"};
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	assert_null(res);
	r = (search_req){.mode = SEARCH_TEXT, .query = "team", .date_from = "2025-13-01"};
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	r = (search_req){.mode = SEARCH_TEXT, .query = "team", .visibility = "everyone"};
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	r = (search_req){.mode = SEARCH_TEXT, .query = ""};
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	r = (search_req){.mode = SEARCH_TEXT, .query = "team", .limit = SEARCH_LIMIT_MAX + 1};
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	/* the connection is still usable */
	r = (search_req){.mode = SEARCH_TEXT, .query = "feedback"};
	res = run(&r);
	assert_true(res->n > 0);
	search_result_free(res);
}

/* A query embedded by another model is refused, naming both models and the
 * way out; the wrong dimension is refused too. */
static void test_model_mismatch(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	for (int m = SEARCH_HYBRID; m <= SEARCH_SEMANTIC; m++) {
		search_req r = req((search_mode)m, "delegation", vec);
		r.model_id = "openai:text-embedding-3-small";
		search_result *res = NULL;
		assert_int_equal(search_run(d, &r, &res), DB_INVALID);
		assert_null(res);
		const char *msg = db_errmsg(d);
		assert_non_null(strstr(msg, "openai:text-embedding-3-small"));
		assert_non_null(strstr(msg, EMBED_HASH_MODEL_ID));
		assert_non_null(strstr(msg, "rapport reembed"));
	}
	search_req r = req(SEARCH_SEMANTIC, "delegation", vec);
	r.qdim = dim - 1;
	search_result *res = NULL;
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	assert_non_null(strstr(db_errmsg(d), "dimensions"));
	/* text mode needs no vector at all */
	r = req(SEARCH_TEXT, "delegation", NULL);
	res = run(&r);
	assert_true(res->n > 0);
	search_result_free(res);
	free(vec);
}

/* More like this: from a stored chunk, no provider; the source item is left
 * out, similarities are descending, and the nearest item is the one whose
 * text shares the most with the source. */
static void test_more_like_this(void **state)
{
	(void)state;
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT id FROM data_chunks WHERE data_item_id = '%s' ORDER BY chunk_index LIMIT 1",
	         item_id[item("feedback")]);
	char *src = id_of(sql);
	search_req r = {.mode = SEARCH_HYBRID, .like_chunk_id = src, .limit = 50};
	search_result *res = run(&r);
	assert_int_equal(res->mode, SEARCH_SEMANTIC);
	assert_true(res->n > 0);
	for (size_t i = 0; i < res->n; i++) {
		assert_string_not_equal(res->hits[i].item_id, item_id[item("feedback")]);
		assert_true(res->hits[i].sem_pos == (int)i + 1);
		if (i)
			assert_true(res->hits[i - 1].similarity >= res->hits[i].similarity);
	}
	/* the source chunk's own exact neighbours, computed independently */
	snprintf(sql, sizeof sql,
	         "SELECT c.id FROM data_chunks c, data_chunks s WHERE s.id = '%s' AND c.data_item_id"
	         " <> s.data_item_id ORDER BY c.embedding <=> s.embedding, c.id LIMIT 1",
	         src);
	char *nearest = id_of(sql);
	assert_string_equal(res->hits[0].chunk_id, nearest);
	free(nearest);
	search_result_free(res);
	/* a chunk that does not exist (or is not visible) gives nothing */
	r.like_chunk_id = "00000000-0000-0000-0000-000000000000";
	res = run(&r);
	assert_int_equal(res->n, 0);
	assert_false(res->more);
	search_result_free(res);
	free(src);
}

/* Pages are consecutive slices of the same ordering, and `more` is right. */
static void test_limit_offset(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
		const char *q = m == SEARCH_TEXT ? "team or feedback or board or sleeping" : "team";
		search_req r = req((search_mode)m, q, vec);
		r.limit = 6;
		search_result *all = run(&r);
		assert_int_equal(all->n, 6);
		assert_true(all->more);
		r.limit = 3;
		search_result *p1 = run(&r);
		r.offset = 3;
		search_result *p2 = run(&r);
		assert_int_equal(p1->n, 3);
		assert_int_equal(p2->n, 3);
		for (size_t i = 0; i < 3; i++) {
			assert_string_equal(p1->hits[i].chunk_id, all->hits[i].chunk_id);
			assert_string_equal(p2->hits[i].chunk_id, all->hits[i + 3].chunk_id);
		}
		assert_true(p1->more);
		search_result_free(all);
		search_result_free(p1);
		search_result_free(p2);
		r.limit = SEARCH_LIMIT_MAX;
		r.offset = 0;
		all = run(&r);
		assert_false(all->more);
		size_t n = all->n;
		search_result_free(all);
		r.offset = (int)n - 1;
		r.limit = 5;
		all = run(&r);
		assert_int_equal(all->n, 1);
		assert_false(all->more);
		search_result_free(all);
	}
	free(vec);
}

/* Quotes, comment markers, semicolons, backslashes, control bytes and a
 * 10 KB query are just text: no error (but semantic mode's refusal of a
 * query without words), and the tables are untouched. */
static void test_hostile_queries(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	char *big = malloc(10 * 1024 + 1);
	static const char pattern[] = "feedback ' \" -- ; \\ ";
	for (size_t i = 0; i < 10 * 1024; i++)
		big[i] = pattern[i % (sizeof pattern - 1)];
	big[10 * 1024] = '\0';
	const char *qs[] = {"'", "\"", "''; DROP TABLE data_chunks; --", "feedback' OR '1'='1",
	                    "-- feedback", "/* feedback */", "\\", "\\x00 \\\\ \\'", "a & b | !c <-> d",
	                    ":* feedback:*", "\"unterminated phrase", "$1 $2::vector", "\x1b[2J\x07",
	                    "feedback -sleeping \"hard feedback\" or board", big};
	char *before = value(d, "SELECT count(*) FROM data_chunks");
	for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
		for (int m = 0; m < SEARCH_MODE_COUNT; m++) {
			search_req r = req((search_mode)m, qs[i], vec);
			search_result *res = NULL;
			db_status st = search_run(d, &r, &res);
			/* semantic search refuses a query without words, with its reason */
			bool wordless = st == DB_INVALID && m == SEARCH_SEMANTIC &&
			                strstr(db_errmsg(d), "nothing in the query to compare by meaning");
			if (st != DB_OK && !wordless)
				fail_msg("query %zu (%s): %s", i, search_mode_name(m), db_errmsg(d));
			search_result_free(res);
		}
	char *after = value(d, "SELECT count(*) FROM data_chunks");
	assert_string_equal(before, after);
	/* a phrase with a negation means what websearch syntax says */
	search_req r = req(SEARCH_TEXT, "\"hard feedback\" -postponing", NULL);
	search_result *res = run(&r);
	for (size_t i = 0; i < res->n; i++)
		assert_string_equal(res->hits[i].item_id, item_id[item("feedback")]);
	search_result_free(res);
	free(before);
	free(after);
	free(big);
	free(vec);
}

/* Content holding the marker bytes themselves cannot fake a highlight. */
static void test_snippet_markers(void **state)
{
	(void)state;
	fixture_item it = {"markers", "ana@acme.test", "dora@globex.test", "company_doc", "public",
	                   "2025-07-01", "Tricky \x01 title",
	                   "Ana: quarterly \x01planning\x02 memo with zebra notes and \x02 stray bytes.\n"};
	char id[DB_UUID_LEN];
	insert_item(d, &it, EMBED_HASH_MODEL_ID, id);
	search_req r = req(SEARCH_TEXT, "zebra", NULL);
	search_result *res = run(&r);
	assert_int_equal(res->n, 1);
	const char *s = res->hits[0].snippet;
	assert_non_null(strstr(s, "\xe2\x90\x81planning\xe2\x90\x82")); /* U+2401, U+2402 */
	size_t pos = 0, len = 0, nhl = 0;
	const char *seg;
	bool hl;
	while (search_snippet_next(s, &pos, &seg, &len, &hl))
		if (hl) {
			nhl++;
			assert_true(len == 5 && strncmp(seg, "zebra", 5) == 0);
		}
	assert_int_equal(nhl, 1);
	char *plain = search_snippet_plain(s);
	assert_null(strchr(plain, '\x01'));
	assert_null(strchr(plain, '\x02'));
	free(plain);
	search_result_free(res);
	char sql[120];
	snprintf(sql, sizeof sql, "DELETE FROM data_items WHERE id = '%s'", id);
	testdb_exec(d, sql);
}

/* A second database with the fixture people (and pgvector unless disabled). */
static db *other_db(const char *name, bool no_pgvector)
{
	db *c = testdb_open_empty(name);
	if (no_pgvector) {
		char sql[160];
		snprintf(sql, sizeof sql, "ALTER DATABASE t_%s SET rapport.disable_pgvector = 'on'", name);
		testdb_exec_admin(sql);
		db_close(c);
		c = testdb_connect(name);
	}
	int applied = 0;
	assert_int_equal(db_migrate(c, &applied), DB_OK);
	testdb_exec(c, people_sql);
	return c;
}

/* Text search on a server without pgvector, and on a corpus without
 * embeddings: text works, semantic and hybrid say why they can't. */
static void test_without_vectors(void **state)
{
	(void)state;
	/* no pgvector; pgvector without embedded chunks; pgvector installed after
	 * the schema was made without it (the column is real[]) */
	const char *names[] = {"h6_search_nopgv", "h6_search_noemb", "h6_search_realcol"};
	const char *reason[] = {"pgvector", "rapport reembed", "not a pgvector column"};
	float *vec = malloc(sizeof *vec * (size_t)dim);
	for (int k = 0; k < 3; k++) {
		db *c = other_db(names[k], k != 1);
		if (k == 2)
			testdb_exec(c, "CREATE EXTENSION IF NOT EXISTS vector");
		db_caps caps;
		assert_int_equal(db_caps_get(c, &caps), DB_OK);
		assert_true(k == 0 ? !caps.has_pgvector : caps.has_pgvector);
		char id[DB_UUID_LEN];
		insert_item(c, &items[item("delegation")], NULL, id);
		search_result *res = NULL;
		search_req r = {.mode = SEARCH_TEXT, .query = "delegate ownership", .limit = 5};
		assert_int_equal(search_run(c, &r, &res), DB_OK);
		assert_true(res->n > 0);
		assert_string_equal(res->hits[0].item_id, id);
		assert_non_null(strchr(res->hits[0].snippet, SEARCH_HL_START));
		search_result_free(res);
		assert_non_null(search_semantic_unavailable(c));
		assert_non_null(strstr(search_semantic_unavailable(c), reason[k]));
		for (int m = SEARCH_HYBRID; m <= SEARCH_SEMANTIC; m++) {
			r = req((search_mode)m, "delegate ownership", vec);
			res = NULL;
			assert_int_equal(search_run(c, &r, &res), DB_INVALID);
			assert_null(res);
			assert_non_null(strstr(db_errmsg(c), reason[k]));
		}
		db_close(c);
		testdb_drop(names[k]);
	}
	free(vec);
}

/* Filler chunks for the iterative-scan test: n chunks of distinct texts in
 * items dated `date`, for coach ana / client dora. */
static void insert_filler(db *c, int first, int n, const char *date)
{
	static const char *const words[] = {"plan", "team", "goal", "budget", "review", "hire",
	                                    "quarter", "risk", "launch", "customer", "growth",
	                                    "process", "meeting", "roadmap", "priority", "metric",
	                                    "culture", "vendor", "design", "support", "pricing"};
	enum { NW = sizeof words / sizeof words[0] };
	char text[512];
	for (int i = first; i < first + n; i += 50) {
		snprintf(text, sizeof text, "Filler %d", i);
		fixture_item it = {"filler", "ana@acme.test", "dora@globex.test", "transcript",
		                   "coach_only", date, text, text};
		char id[DB_UUID_LEN];
		insert_item(c, &it, EMBED_HASH_MODEL_ID, id); /* chunk 0 */
		sbuf b = {0};
		float *v = malloc(sizeof *v * (size_t)dim);
		sb_printf(&b, "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding,"
		              " metadata) VALUES ");
		for (int j = 1; j < 50 && i + j < first + n; j++) {
			int x = i + j;
			snprintf(text, 200, "%s %s %s %s %s", words[x % NW], words[(x / 3) % NW],
			         words[(x / 7) % NW], words[(x * 13) % NW], words[(x / 17) % NW]);
			embed_hash(text, strlen(text), dim, v);
			char *vt = embed_vector_text(v, dim);
			sb_printf(&b, "%s('%s', %d, '%s', '%s', '{\"embedding_model\": \"hash-v1\"}')",
			          j > 1 ? "," : "", id, j, text, vt);
			free(vt);
		}
		testdb_exec(c, b.s);
		free(b.s);
		free(v);
	}
}

/* A filtered semantic query still returns k rows: with ef_search 10 the
 * HNSW scan alone yields at most 10 candidates, of which few pass a 5% date
 * filter; pgvector 0.8's iterative scan keeps going until k pass. */
static void test_iterative_scan(void **state)
{
	(void)state;
	db *c = other_db("h6_search_iter", false);
	/* At this size an exact scan is cheaper and the planner rightly takes it;
	 * with sorting discouraged the HNSW index is the only ordered path left:
	 * the plan the planner picks by itself at 100,000 chunks (make bench). */
	testdb_exec_admin("ALTER DATABASE t_h6_search_iter SET enable_sort = off");
	db_close(c);
	c = testdb_connect("h6_search_iter");
	insert_filler(c, 0, 760, "2024-01-15");
	insert_filler(c, 1000, 40, "2026-02-01");
	testdb_exec(c, "ANALYZE");
	float *vec = malloc(sizeof *vec * (size_t)dim);
	const char *q = "team budget review";
	embed_hash(q, strlen(q), dim, vec);
	char *vt = embed_vector_text(vec, dim);
	/* control: the same kNN through rapport_knn without iterative scan */
	size_t need = strlen(vt) + 600;
	char *sql = malloc(need);
	const char *knn = "SELECT c.id, c.embedding <=> $1::vector AS dist FROM data_chunks c"
	                  " JOIN data_items di ON di.id = c.data_item_id"
	                  " WHERE di.metadata->>'session_date' >= $2 ORDER BY dist LIMIT 20";
	snprintf(sql, need, "SELECT count(*) FROM rapport_knn($k$%s$k$, 10, false, false, ARRAY['%s',"
	         " '2026-01-01'])", knn, vt);
	char *plain = value(c, sql);
	snprintf(sql, need, "SELECT count(*) FROM rapport_knn($k$%s$k$, 10, true, false, ARRAY['%s',"
	         " '2026-01-01'])", knn, vt);
	char *iter = value(c, sql);
	if (atoi(plain) >= 20)
		fail_msg("the planner did not use the HNSW index (control returned %s rows)", plain);
	assert_int_equal(atoi(iter), 20);
	/* and search itself */
	search_req r = {.mode = SEARCH_SEMANTIC, .query = q, .qvec = vec, .qdim = dim,
	                .model_id = EMBED_HASH_MODEL_ID, .date_from = "2026-01-01", .limit = 20,
	                .ef_search = 10};
	search_result *res = NULL;
	assert_int_equal(search_run(c, &r, &res), DB_OK);
	assert_int_equal(res->n, 20);
	for (size_t i = 0; i < res->n; i++) {
		assert_string_equal(res->hits[i].item_date, "2026-02-01");
		if (i)
			assert_true(res->hits[i - 1].distance <= res->hits[i].distance);
	}
	search_result_free(res);
	/* the setting did not outlive the statement (no session state left) */
	char *ef = value(c, "SELECT current_setting('hnsw.ef_search', true)");
	assert_true(!ef || strcmp(ef, "10") != 0);
	char *it = value(c, "SELECT current_setting('hnsw.iterative_scan', true)");
	assert_true(!it || strcmp(it, "relaxed_order") != 0);
	free(ef);
	free(it);
	free(plain);
	free(iter);
	free(sql);
	free(vt);
	free(vec);
	db_close(c);
	testdb_drop("h6_search_iter");
}

/* Exact (brute-force) search agrees with the distances computed directly,
 * the index path finds the same on this small corpus, and the planner
 * settings the kNN statement changes do not outlive it, even inside the
 * caller's own transaction. */
static void test_exact_and_settings(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	search_req r = req(SEARCH_SEMANTIC, "tired, four hours of sleep", vec);
	r.limit = 5;
	search_result *ann = run(&r);
	r.exact = true;
	search_result *exact = run(&r);
	assert_int_equal(ann->n, 5);
	assert_int_equal(exact->n, 5);
	char *vt = embed_vector_text(vec, dim);
	size_t need = strlen(vt) + 200;
	char *sql = malloc(need);
	snprintf(sql, need, "SELECT id FROM data_chunks ORDER BY embedding <=> '%s', id LIMIT 1", vt);
	char *nearest = value(d, sql);
	assert_string_equal(exact->hits[0].chunk_id, nearest);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(ann->hits[i].chunk_id, exact->hits[i].chunk_id);
	search_result_free(ann);
	search_result_free(exact);
	testdb_exec(d, "BEGIN");
	r.exact = false;
	search_result *res = run(&r);
	search_result_free(res);
	char *seq = value(d, "SELECT current_setting('enable_seqscan')");
	char *idx = value(d, "SELECT current_setting('enable_indexscan')");
	testdb_exec(d, "ROLLBACK");
	assert_string_equal(seq, "on");
	assert_string_equal(idx, "on");
	free(seq);
	free(idx);
	free(nearest);
	free(sql);
	free(vt);
	free(vec);
}

/* Scoped to a coach or a client, the text list reads that scope's chunks
 * through the item index and never scans the corpus-wide GIN index (a cost
 * that would grow with the corpus, not the scope); unscoped, the GIN index
 * stays available. Index scans are forced so that the choice shows on a
 * small table. */
static void test_text_scope_plan(void **state)
{
	(void)state;
	char *cy = id_of("SELECT id FROM coaches WHERE email = 'cy@beta.test'");
	char *eli = id_of("SELECT id FROM clients WHERE email = 'eli@globex.test'");
	const struct {
		const char *coach, *client;
		bool gin;
	} cases[] = {{cy, NULL, false}, {NULL, eli, false}, {NULL, NULL, true}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		search_req r = req(SEARCH_TEXT, "midnight", NULL);
		r.coach_id = cases[i].coach;
		r.client_id = cases[i].client;
		testdb_exec(d, "ANALYZE data_chunks; ANALYZE data_items; BEGIN");
		testdb_exec(d, "SET LOCAL enable_seqscan = off");
		char *plan = NULL;
		double pm = 0, em = 0;
		db_status st = search_explain(d, &r, &plan, &pm, &em);
		testdb_exec(d, "ROLLBACK");
		assert_int_equal(st, DB_OK);
		assert_non_null(plan);
		if ((strstr(plan, "idx_data_chunks_content_tsv") != NULL) != cases[i].gin)
			fail_msg("case %zu: GIN index %s in the plan:\n%s", i,
			         cases[i].gin ? "missing" : "used", plan);
		free(plan);
	}
	free(cy);
	free(eli);
}

/* A query with nothing the embedder can use ("?!" has no words) embeds to
 * the zero vector, whose cosine distance to every chunk is NaN: semantic
 * mode refuses it with a reason, hybrid runs as text and says so (it listed
 * arbitrary chunks with score NaN before). */
static void test_query_without_words(void **state)
{
	(void)state;
	float *vec = malloc(sizeof *vec * (size_t)dim);
	search_req r = req(SEARCH_SEMANTIC, "?!", vec);
	search_result *res = NULL;
	assert_int_equal(search_run(d, &r, &res), DB_INVALID);
	assert_null(res);
	assert_non_null(strstr(db_errmsg(d), "nothing in the query to compare by meaning"));
	r = req(SEARCH_HYBRID, "?!", vec);
	res = run(&r);
	assert_int_equal(res->mode, SEARCH_TEXT);
	assert_int_equal(res->n, 0);
	assert_non_null(res->note);
	assert_non_null(strstr(res->note, "text matches only"));
	search_result_free(res);
	/* a query with words is unaffected */
	r = req(SEARCH_HYBRID, "sleeping four hours", vec);
	res = run(&r);
	assert_int_equal(res->mode, SEARCH_HYBRID);
	assert_true(res->n > 0);
	search_result_free(res);
	free(vec);
}

/* A corpus embedded by two models: each query vector only meets chunks of
 * its own model, and the result says the corpus is mixed. */
static void test_mixed_models(void **state)
{
	(void)state;
	fixture_item it = {"other", "ana@acme.test", "dora@globex.test", "transcript", "public",
	                   "2025-08-01", "Other model", "Ana: delegate ownership, said the other model.\n"};
	char id[DB_UUID_LEN];
	insert_item(d, &it, "test:other-model", id);
	search_forget(d);
	float *vec = malloc(sizeof *vec * (size_t)dim);
	search_req r = req(SEARCH_SEMANTIC, "delegate ownership", vec);
	r.limit = 100;
	search_result *res = run(&r);
	assert_non_null(res->note);
	assert_non_null(strstr(res->note, "test:other-model"));
	for (size_t i = 0; i < res->n; i++)
		assert_string_not_equal(res->hits[i].item_id, id);
	assert_true(res->n > 0);
	search_result_free(res);
	r.model_id = "test:other-model";
	res = run(&r);
	assert_true(res->n > 0);
	for (size_t i = 0; i < res->n; i++)
		assert_string_equal(res->hits[i].item_id, id);
	search_result_free(res);
	char sql[120];
	snprintf(sql, sizeof sql, "DELETE FROM data_items WHERE id = '%s'", id);
	testdb_exec(d, sql);
	search_forget(d);
	free(vec);
}

/* Blocks until the connection's socket is readable. */
static void wait_socket(db *c)
{
	struct pollfd p = {.fd = db_socket(c), .events = POLLIN};
	assert_true(p.fd >= 0);
	assert_true(poll(&p, 1, 10000) >= 0);
}

/* The async form: send, poll, take; and a take of someone else's request is refused. */
static void test_async(void **state)
{
	(void)state;
	search_req r = {.mode = SEARCH_TEXT, .query = "feedback", .limit = 3};
	assert_int_equal(search_prepare(d), DB_OK);
	assert_int_equal(search_send(d, &r), DB_OK);
	db_status st;
	while ((st = db_poll(d)) == DB_PENDING)
		wait_socket(d);
	assert_int_equal(st, DB_OK);
	search_result *res = NULL;
	assert_int_equal(search_take(d, &res), DB_OK);
	assert_true(res->n > 0);
	search_result_free(res);
	/* a newer send replaces an unfinished one; only the newest is taken. The
	 * first is held by a lock so it is surely still running when replaced (a
	 * cancel that reaches the server after a query ended could hit the next
	 * one: libpq's cancel is a separate connection). */
	db *lock = testdb_connect("h6_search");
	testdb_exec(lock, "BEGIN; LOCK TABLE data_chunks IN ACCESS EXCLUSIVE MODE");
	r.query = "board";
	assert_int_equal(search_send(d, &r), DB_OK);
	/* wait until the server is really running it (blocked on the lock) */
	bool waiting = false;
	for (int i = 0; !waiting && i < 500; i++) {
		char *n = value(lock, "SELECT count(*) FROM pg_stat_activity WHERE datname ="
		                      " 't_h6_search' AND wait_event_type = 'Lock'");
		waiting = strcmp(n, "0") != 0;
		free(n);
		if (!waiting) {
			struct pollfd none = {.fd = -1};
			poll(&none, 0, 10);
		}
	}
	assert_true(waiting);
	r.query = "sleeping four hours";
	assert_int_equal(search_send(d, &r), DB_OK);
	testdb_exec(lock, "ROLLBACK");
	db_close(lock);
	while ((st = db_poll(d)) == DB_PENDING)
		wait_socket(d);
	assert_int_equal(search_take(d, &res), DB_OK);
	assert_string_equal(res->hits[0].item_id, item_id[item("burnout")]);
	search_result_free(res);
}

/* Runs the tests in order (later ones build on the fixture). */
int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_modes_find_topic), cmocka_unit_test(test_hit_fields),
	    cmocka_unit_test(test_scopes_and_filters), cmocka_unit_test(test_bad_filters),
	    cmocka_unit_test(test_model_mismatch),   cmocka_unit_test(test_more_like_this),
	    cmocka_unit_test(test_limit_offset),     cmocka_unit_test(test_hostile_queries),
	    cmocka_unit_test(test_snippet_markers),  cmocka_unit_test(test_without_vectors),
	    cmocka_unit_test(test_iterative_scan),   cmocka_unit_test(test_async),
	    cmocka_unit_test(test_exact_and_settings), cmocka_unit_test(test_mixed_models),
	    cmocka_unit_test(test_text_scope_plan), cmocka_unit_test(test_query_without_words),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
