/* Transcript search: semantic (pgvector HNSW), full-text (tsvector GIN) and
 * hybrid (reciprocal rank fusion) in one SQL statement per request, scoped
 * and filtered, with the corpus's embedding models checked before a query
 * vector is used. Visibility is the database's job (row-level security):
 * everything here runs as the connected role. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/internal.h"
#include "rapport/embed.h"
#include "rapport/search.h"

/* ---- SQL ------------------------------------------------------------------
 * Parameters shared by the outer statement and the kNN statement that
 * rapport_knn() (migration 030) runs, so the scope filter is one text:
 *   $1 query vector (pgvector text)   $2 "more like this" chunk id
 *   $3 embedding model to search      $4 company  $5 coach  $6 client
 *   $7 organization  $8 data type     $9 date from  $10 date to
 *   $11 visibility   $12 candidates per list
 * Outer statement only:
 *   $13 query text  $14 mode  $15 limit  $16 offset  $17 ef_search
 *   $18 iterative scan  $19 the kNN statement  $20 the words to highlight
 *   $21 exact (brute-force) kNN */

/* The item's date as ISO text: metadata date, else the day it was created.
 * Text, so a malformed metadata value can never make the query fail. */
#define ITEM_DATE_SQL                                                                              \
	"left(COALESCE(NULLIF(di.metadata->>'session_date', ''), NULLIF(di.metadata->>'date', ''), " \
	"to_char(di.created_at, 'YYYY-MM-DD')), 10)"

/* Scope and filters over data_items di; each folds away when its $n is NULL. */
#define SCOPE_SQL                                                                                  \
	" AND ($4::uuid IS NULL OR di.coach_id IN (SELECT co4.id FROM coaches co4"                     \
	" WHERE co4.coaching_company_id = $4::uuid))"                                                  \
	" AND ($5::uuid IS NULL OR di.coach_id = $5::uuid)"                                            \
	" AND ($6::uuid IS NULL OR di.client_id = $6::uuid)"                                           \
	" AND ($7::uuid IS NULL OR di.client_organization_id = $7::uuid OR di.client_id IN"            \
	" (SELECT cl7.id FROM clients cl7 WHERE cl7.client_organization_id = $7::uuid))"               \
	" AND ($8::text IS NULL OR di.data_type = $8::text)"                                           \
	" AND ($9::text IS NULL OR " ITEM_DATE_SQL " >= $9::text)"                                     \
	" AND ($10::text IS NULL OR " ITEM_DATE_SQL " <= $10::text)"                                   \
	" AND ($11::text IS NULL OR di.visibility_level = $11::text)"

/* A chunk's offset in raw_content from its metadata ("start"/"end", or the
 * "*_offset" / "char_*" spellings), NULL unless it is a plain number. */
#define OFFSET_ONE(key)                                                                            \
	"CASE WHEN c.metadata->>'" key "' ~ '^[0-9]{1,15}$' THEN (c.metadata->>'" key "')::bigint END"
#define OFFSET_SQL(k)                                                                              \
	"COALESCE(" OFFSET_ONE(k) ", " OFFSET_ONE(k "_offset") ", " OFFSET_ONE("char_" k) ")"

/* Chunk content with its own 0x01/0x02 bytes turned into U+2401/U+2402, so
 * the headline markers (the same bytes) are unambiguous. */
#define SAFE_CONTENT "translate(c.content, chr(1) || chr(2), chr(9217) || chr(9218))"

#define STR2(x) #x
#define STR(x) STR2(x)
#define SEARCH_RRF_K_SQL STR(SEARCH_RRF_K)

/* The source chunk of "more like this" (RLS applies: invisible means none). */
#define LIKE_SRC(col) "(SELECT s." col " FROM data_chunks s WHERE s.id = $2::uuid)"

/* k nearest chunks by cosine distance on the HNSW index, then re-sorted
 * exactly (iterative scans return approximately ordered rows). The model
 * filter (only for a corpus that mixes models) is written so that it cannot
 * use idx_data_chunks_embedding_model: that index would offer the planner a
 * whole-corpus exact scan, which rapport_knn() means to rule out. */
static const char knn_sql[] =
    "SELECT h.id, h.dist FROM ("
    " SELECT c.id, c.embedding <=> (SELECT COALESCE($1::vector, " LIKE_SRC("embedding") ")) AS dist"
    " FROM data_chunks c JOIN data_items di ON di.id = c.data_item_id"
    " WHERE c.embedding IS NOT NULL"
    " AND ($3::text IS NULL OR (c.metadata->>'embedding_model') || '' = $3::text)"
    " AND ($2::uuid IS NULL OR (c.data_item_id <> " LIKE_SRC("data_item_id")
    " AND c.metadata->>'embedding_model' IS NOT DISTINCT FROM "
    LIKE_SRC("metadata->>'embedding_model'") "))" SCOPE_SQL
    " ORDER BY dist LIMIT $12::int) h"
    " ORDER BY h.dist, h.id";

/* The text match of the text list. Scoped to a coach or a client, it is
 * written so that the GIN index cannot serve it (IS TRUE hides the operator
 * from the index matcher; the CASE folds away once the parameters are known):
 * the chunks of that coach or client are then checked where they are (item
 * index), so the cost follows the scope's size. Otherwise the planner may
 * choose a GIN scan of every matching chunk in the whole corpus (one heap
 * page each), on an estimate that multiplies word frequencies as if they
 * were independent (38 rows expected, 2,463 read): a cost that grows with the
 * corpus, not the scope. At 100,000 chunks (docs/performance.md) hybrid p95
 * fell 34 -> 24 ms (typical coach), 49 -> 36 ms (largest), 36 -> 9 ms (a
 * client); p50 rose 15 -> 17 and 21 -> 32 ms for the two coaches. Wider scopes
 * and global searches keep the planner's choice. */
#define TEXT_MATCH_SQL                                                                             \
	"CASE WHEN $5::uuid IS NULL AND $6::uuid IS NULL"                                          \
	" THEN c.content_tsv @@ websearch_to_tsquery('english', $13::text)"                        \
	" ELSE (c.content_tsv @@ websearch_to_tsquery('english', $13::text)) IS TRUE END"

/* Semantic list, text list, fusion, the page, and display columns (the
 * headline only for the rows of the page). */
static const char search_sql[] =
    "WITH sem AS MATERIALIZED ("
    " SELECT k.chunk_id AS id, k.distance, row_number() OVER (ORDER BY k.distance, k.chunk_id) AS pos"
    " FROM rapport_knn($19::text, $17::int, $18::bool, $21::bool, ARRAY[$1::text, $2::uuid::text,"
    " $3::text,"
    " $4::uuid::text, $5::uuid::text, $6::uuid::text, $7::uuid::text, $8::text, $9::text,"
    " $10::text, $11::text, $12::int::text]) k"
    " WHERE $14::text <> 'text'),"
    " txt AS MATERIALIZED ("
    " SELECT t.id, t.rank, row_number() OVER (ORDER BY t.rank DESC, t.id) AS pos FROM ("
    " SELECT c.id, ts_rank_cd(c.content_tsv, websearch_to_tsquery('english', $13::text)) AS rank"
    " FROM data_chunks c JOIN data_items di ON di.id = c.data_item_id"
    " WHERE $14::text <> 'semantic'"
    " AND " TEXT_MATCH_SQL SCOPE_SQL
    " ORDER BY rank DESC, c.id LIMIT $12::int) t),"
    " fused AS MATERIALIZED ("
    " SELECT COALESCE(s.id, t.id) AS id, s.distance, s.pos AS sem_pos, t.rank, t.pos AS text_pos,"
    " CASE $14::text WHEN 'semantic' THEN 1 - s.distance WHEN 'text' THEN t.rank::float8"
    " ELSE COALESCE(1.0 / (" SEARCH_RRF_K_SQL " + s.pos), 0)"
    " + COALESCE(1.0 / (" SEARCH_RRF_K_SQL " + t.pos), 0) END::float8 AS score"
    " FROM sem s FULL JOIN txt t ON t.id = s.id),"
    " page AS MATERIALIZED ("
    " SELECT * FROM fused ORDER BY score DESC, id LIMIT $15::int OFFSET $16::int)"
    " SELECT p.id, c.data_item_id, c.chunk_index, p.score, p.distance, p.rank, p.sem_pos,"
    " p.text_pos, cl.id AS client_id, cl.name AS client_name, cl.email AS client_email,"
    " co.id AS coach_id, co.name AS coach_name, co.email AS coach_email, org.name AS org_name,"
    " di.data_type,"
    " COALESCE(NULLIF(di.metadata->>'title', ''),"
    " NULLIF(split_part(left(di.raw_content, 300), E'\\n', 1), '')) AS title,"
    " " ITEM_DATE_SQL " AS item_date,"
    " " OFFSET_SQL("start") " AS start_off, " OFFSET_SQL("end") " AS end_off,"
    " CASE WHEN COALESCE($20::text, '') = ''"
    " OR NOT c.content_tsv @@ websearch_to_tsquery('english', $20::text)"
    " THEN left(" SAFE_CONTENT ", 240)"
    " ELSE ts_headline('english', " SAFE_CONTENT ", websearch_to_tsquery('english', $20::text),"
    " 'StartSel=' || chr(1) || ', StopSel=' || chr(2) ||"
    " ', MaxWords=24, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') END AS snippet,"
    " (SELECT count(*) FROM fused) > $16::int + $15::int AS more"
    " FROM page p JOIN data_chunks c ON c.id = p.id JOIN data_items di ON di.id = c.data_item_id"
    " LEFT JOIN clients cl ON cl.id = di.client_id"
    " LEFT JOIN coaches co ON co.id = COALESCE(di.coach_id, cl.primary_coach_id)"
    " LEFT JOIN client_organizations org"
    " ON org.id = COALESCE(di.client_organization_id, cl.client_organization_id)"
    " ORDER BY p.score DESC, p.id";

static const char models_sql[] =
    "WITH RECURSIVE m(v) AS ("
    " SELECT min(metadata->>'embedding_model') FROM data_chunks WHERE embedding IS NOT NULL"
    " UNION ALL"
    " SELECT (SELECT min(c.metadata->>'embedding_model') FROM data_chunks c"
    " WHERE c.metadata->>'embedding_model' > m.v AND c.embedding IS NOT NULL)"
    " FROM m WHERE m.v IS NOT NULL)"
    " SELECT v, false FROM m WHERE v IS NOT NULL"
    " UNION ALL SELECT NULL, EXISTS (SELECT 1 FROM data_chunks"
    " WHERE metadata->>'embedding_model' IS NULL AND embedding IS NOT NULL)";

/* ---- per-connection cache ------------------------------------------------ */

enum { CACHE_SLOTS = 8, CACHE_TTL = 60, MODELS_MAX = 32 };

typedef struct search_cache {
	db *d;
	int pid; /* backend pid: a reconnect is a new cache */
	time_t at;
	db_caps caps;
	char *models[MODELS_MAX + 1]; /* NULL-terminated */
	bool unknown_model;           /* embedded chunks without a recorded model */
	char unavailable[200];        /* why semantic search can't run; "" when it can */
	/* the request in flight */
	search_mode mode;
	char *note;
} search_cache;

static search_cache caches[CACHE_SLOTS];

/* Frees what a slot owns and empties it. */
static void cache_clear(search_cache *c)
{
	for (size_t i = 0; c->models[i]; i++) {
		free(c->models[i]);
		c->models[i] = NULL;
	}
	free(c->note);
	memset(c, 0, sizeof *c);
}

/* The existing slot for d's current backend, or NULL. */
static search_cache *cache_find(db *d)
{
	int pid = d ? PQbackendPID(dbi_pg(d)) : 0;
	for (size_t i = 0; d && i < CACHE_SLOTS; i++)
		if (caches[i].d == d && caches[i].pid == pid)
			return &caches[i];
	return NULL;
}

/* The slot for d: its own, else a stale one of d, a free one, or the oldest. */
static search_cache *cache_slot(db *d)
{
	search_cache *c = cache_find(d);
	if (c)
		return c;
	c = &caches[0];
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (caches[i].d == d || !caches[i].d) {
			c = &caches[i];
			break;
		}
		if (caches[i].at < c->at)
			c = &caches[i];
	}
	cache_clear(c);
	c->d = d;
	c->pid = PQbackendPID(dbi_pg(d));
	return c;
}

/* Marks the cached corpus models of d stale. */
void search_forget(db *d)
{
	search_cache *c = cache_find(d);
	if (c)
		c->at = 0;
}

/* Reads the distinct embedding models of the visible corpus into c. */
static db_status load_models(db *d, search_cache *c)
{
	PGresult *res = NULL;
	db_status st = dbi_query(d, models_sql, 0, NULL, &res);
	if (st != DB_OK)
		return st;
	size_t n = 0;
	for (int i = 0; i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 0)) {
			c->unknown_model = PQgetvalue(res, i, 1)[0] == 't';
		} else if (n < MODELS_MAX) {
			c->models[n] = strdup(PQgetvalue(res, i, 0));
			if (!c->models[n])
				abort();
			n++;
		}
	}
	c->models[n] = NULL;
	PQclear(res);
	return DB_OK;
}

/* Fills the semantic-unavailable reason from caps and the models. */
static void explain_unavailable(search_cache *c)
{
	c->unavailable[0] = '\0';
	if (!c->caps.has_pgvector)
		snprintf(c->unavailable, sizeof c->unavailable,
		         "semantic search needs the pgvector extension, which this database does not "
		         "have (text search works)");
	else if (c->caps.embedding_dim <= 0)
		snprintf(c->unavailable, sizeof c->unavailable,
		         "data_chunks.embedding is not a pgvector column in this database, so semantic "
		         "search is off (text search works)");
	else if (!c->models[0] && !c->unknown_model)
		snprintf(c->unavailable, sizeof c->unavailable,
		         "no visible chunk has an embedding yet: run `rapport reembed` (text search "
		         "works)");
}

/* Loads capabilities and corpus models into d's cache unless fresh. */
db_status search_prepare(db *d)
{
	if (!d)
		return DB_INVALID;
	search_cache *c = cache_slot(d);
	if (c->at && time(NULL) - c->at < CACHE_TTL)
		return DB_OK;
	for (size_t i = 0; c->models[i]; i++) {
		free(c->models[i]);
		c->models[i] = NULL;
	}
	c->unknown_model = false;
	db_status st = db_caps_get(d, &c->caps);
	if (st == DB_OK && c->caps.has_pgvector && c->caps.embedding_dim > 0)
		st = load_models(d, c);
	if (st != DB_OK)
		return st;
	explain_unavailable(c);
	c->at = time(NULL);
	return DB_OK;
}

/* The cached corpus models of d (NULL-terminated), or NULL. */
const char *const *search_corpus_models(db *d)
{
	search_cache *c = cache_find(d);
	return c && c->at ? (const char *const *)c->models : NULL;
}

/* Why semantic search cannot run on d, or NULL. */
const char *search_semantic_unavailable(db *d)
{
	search_cache *c = cache_find(d);
	if (!c || !c->at)
		return "search is not prepared on this connection";
	return c->unavailable[0] ? c->unavailable : NULL;
}

/* ---- modes and snippets -------------------------------------------------- */

static const char *const mode_names[SEARCH_MODE_COUNT] = {"hybrid", "semantic", "text"};

/* The name of a mode. */
const char *search_mode_name(search_mode m)
{
	return (unsigned)m < SEARCH_MODE_COUNT ? mode_names[m] : "?";
}

/* A mode from its name or short form. */
bool search_mode_parse(const char *s, search_mode *out)
{
	static const struct {
		const char *name;
		search_mode m;
	} names[] = {{"hybrid", SEARCH_HYBRID}, {"semantic", SEARCH_SEMANTIC}, {"sem", SEARCH_SEMANTIC},
	             {"text", SEARCH_TEXT},     {"txt", SEARCH_TEXT},          {"fts", SEARCH_TEXT}};
	for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i].name) == 0) {
			*out = names[i].m;
			return true;
		}
	return false;
}

/* The next plain or highlighted run of a snippet. */
bool search_snippet_next(const char *snippet, size_t *pos, const char **seg, size_t *len, bool *hl)
{
	if (!snippet)
		return false;
	const char *p = snippet + *pos;
	bool mark = false;
	while (*p == SEARCH_HL_START || *p == SEARCH_HL_STOP) {
		mark = *p == SEARCH_HL_START;
		p++;
	}
	if (!*p)
		return false;
	size_t n = strcspn(p, "\x01\x02");
	*seg = p;
	*len = n;
	*hl = mark;
	*pos = (size_t)(p + n - snippet);
	return true;
}

/* A snippet without its highlight markers (malloc'd). */
char *search_snippet_plain(const char *snippet)
{
	size_t n = snippet ? strlen(snippet) : 0, j = 0;
	char *out = malloc(n + 1);
	if (!out)
		abort();
	for (size_t i = 0; i < n; i++)
		if (snippet[i] != SEARCH_HL_START && snippet[i] != SEARCH_HL_STOP)
			out[j++] = snippet[i];
	out[j] = '\0';
	return out;
}

/* ---- results ------------------------------------------------------------- */

/* Frees the strings of one hit. */
static void hit_free(search_hit *h)
{
	free(h->client_name);
	free(h->client_email);
	free(h->coach_name);
	free(h->coach_email);
	free(h->org_name);
	free(h->data_type);
	free(h->title);
	free(h->item_date);
	free(h->snippet);
}

/* Frees n hits and their array. */
void search_hits_free(search_hit *hits, size_t n)
{
	for (size_t i = 0; hits && i < n; i++)
		hit_free(&hits[i]);
	free(hits);
}

/* Frees a result and everything in it. */
void search_result_free(search_result *res)
{
	if (!res)
		return;
	search_hits_free(res->hits, res->n);
	free(res->note);
	free(res);
}

/* Destructor for a parsed result nobody took. */
static void result_dtor(void *v)
{
	search_result_free(v);
}

/* Copies a uuid column into a fixed buffer ("" when NULL). */
static void copy_uuid(const PGresult *res, int row, int col, char out[DB_UUID_LEN])
{
	out[0] = '\0';
	if (col >= 0 && !PQgetisnull(res, row, col))
		snprintf(out, DB_UUID_LEN, "%s", PQgetvalue(res, row, col));
}

/* A numeric column as double (dflt when NULL). */
static double num(const PGresult *res, int row, int col, double dflt)
{
	return PQgetisnull(res, row, col) ? dflt : strtod(PQgetvalue(res, row, col), NULL);
}

/* Column index by name (the statement is ours: a missing one is a bug). */
static int col(const PGresult *res, const char *name)
{
	int i = PQfnumber(res, name);
	if (i < 0)
		abort();
	return i;
}

/* One row of the search statement into h. */
static void parse_hit(const PGresult *res, int i, search_hit *h)
{
	copy_uuid(res, i, col(res, "id"), h->chunk_id);
	copy_uuid(res, i, col(res, "data_item_id"), h->item_id);
	copy_uuid(res, i, col(res, "client_id"), h->client_id);
	copy_uuid(res, i, col(res, "coach_id"), h->coach_id);
	h->chunk_index = (int)num(res, i, col(res, "chunk_index"), 0);
	h->score = num(res, i, col(res, "score"), 0);
	h->distance = num(res, i, col(res, "distance"), -1);
	h->similarity = h->distance < 0 ? 0 : 1 - h->distance;
	h->text_rank = num(res, i, col(res, "rank"), 0);
	h->sem_pos = (int)num(res, i, col(res, "sem_pos"), 0);
	h->text_pos = (int)num(res, i, col(res, "text_pos"), 0);
	h->start = (long long)num(res, i, col(res, "start_off"), -1);
	h->end = (long long)num(res, i, col(res, "end_off"), -1);
	h->client_name = dbi_strdup_field(res, i, col(res, "client_name"));
	h->client_email = dbi_strdup_field(res, i, col(res, "client_email"));
	h->coach_name = dbi_strdup_field(res, i, col(res, "coach_name"));
	h->coach_email = dbi_strdup_field(res, i, col(res, "coach_email"));
	h->org_name = dbi_strdup_field(res, i, col(res, "org_name"));
	h->data_type = dbi_strdup_field(res, i, col(res, "data_type"));
	h->title = dbi_strdup_field(res, i, col(res, "title"));
	h->item_date = dbi_strdup_field(res, i, col(res, "item_date"));
	h->snippet = dbi_strdup_field(res, i, col(res, "snippet"));
}

/* Parser of the search statement. */
static db_status parse_result(db *d, PGresult *res, void **out)
{
	(void)d;
	search_result *r = calloc(1, sizeof *r);
	int n = PQntuples(res);
	if (!r || (n > 0 && !(r->hits = calloc((size_t)n, sizeof *r->hits))))
		abort();
	for (int i = 0; i < n; i++)
		parse_hit(res, i, &r->hits[i]);
	r->n = (size_t)n;
	r->more = n > 0 && PQgetvalue(res, 0, col(res, "more"))[0] == 't';
	*out = r;
	return DB_OK;
}

/* ---- requests -------------------------------------------------------------- */

/* NULL for NULL or "". */
static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

/* True for a plausible ISO date YYYY-MM-DD. */
static bool iso_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	int m = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
	return s[10] == '\0' && m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

/* Checks ids, dates, visibility and numbers; DB_INVALID with a message. */
static db_status check_filters(db *d, const search_req *r)
{
	const char *ids[] = {r->company_id, r->coach_id, r->client_id, r->org_id, r->like_chunk_id};
	const char *what[] = {"company", "coach", "client", "organization", "chunk"};
	for (size_t i = 0; i < 5; i++)
		if (opt(ids[i]) && !db_is_uuid(ids[i])) {
			dbi_seterr(d, "the %s id is not a uuid", what[i]);
			return DB_INVALID;
		}
	if ((opt(r->date_from) && !iso_date(r->date_from)) ||
	    (opt(r->date_to) && !iso_date(r->date_to))) {
		dbi_seterr(d, "dates must be written YYYY-MM-DD");
		return DB_INVALID;
	}
	const char *v = opt(r->visibility);
	if (v && strcmp(v, "private") && strcmp(v, "coach_only") && strcmp(v, "org_visible") &&
	    strcmp(v, "public")) {
		dbi_seterr(d, "visibility must be private, coach_only, org_visible or public");
		return DB_INVALID;
	}
	if (r->limit < 0 || r->limit > SEARCH_LIMIT_MAX || r->offset < 0 || r->offset > 100000 ||
	    (unsigned)r->mode >= SEARCH_MODE_COUNT) {
		dbi_seterr(d, "limit must be 1..%d and offset 0..100000", SEARCH_LIMIT_MAX);
		return DB_INVALID;
	}
	return DB_OK;
}

/* True when models (NULL-terminated) contains m. */
static bool has_model(char *const *models, const char *m)
{
	for (size_t i = 0; models[i]; i++)
		if (strcmp(models[i], m) == 0)
			return true;
	return false;
}

/* "a, b and c" of the corpus models into buf. */
static void join_models(char *const *models, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (size_t i = 0, used = 0; models[i] && used < cap; i++) {
		const char *sep = !i ? "" : models[i + 1] ? ", " : " and ";
		int w = snprintf(buf + used, cap - used, "%s%s", sep, models[i]);
		used += w > 0 ? (size_t)w : 0;
	}
}

/* Sets c->note (replacing any). */
static void set_note(search_cache *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_note(search_cache *c, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(c->note);
	c->note = strdup(buf);
	if (!c->note)
		abort();
}

/* The semantic side: a vector of the right size from the corpus's model.
 * Sets *model to the model to filter on (NULL: any). */
static db_status check_vector(db *d, search_cache *c, const search_req *r, const char **model)
{
	char list[200];
	*model = NULL;
	if (c->unavailable[0]) {
		dbi_seterr(d, "%s", c->unavailable);
		return DB_INVALID;
	}
	if (!r->qvec || r->qdim <= 0 || !opt(r->model_id)) {
		dbi_seterr(d, "%s search needs a query embedding and its model (or use text mode)",
		           search_mode_name(r->mode));
		return DB_INVALID;
	}
	if (c->caps.embedding_dim > 0 && r->qdim != c->caps.embedding_dim) {
		dbi_seterr(d, "the query embedding has %d dimensions but data_chunks.embedding has %d",
		           r->qdim, c->caps.embedding_dim);
		return DB_INVALID;
	}
	join_models(c->models, list, sizeof list);
	if (c->models[0] && !has_model(c->models, r->model_id)) {
		dbi_seterr(d,
		           "the query was embedded with %s but the transcripts were embedded with %s: "
		           "configure the provider that made them, or run `rapport reembed` to "
		           "re-embed the corpus with %s",
		           r->model_id, list, r->model_id);
		return DB_INVALID;
	}
	if (c->models[0]) {
		/* one model: every embedded chunk is the query's model, no filter */
		*model = c->models[1] || c->unknown_model ? r->model_id : NULL;
		if (c->models[1] || c->unknown_model)
			set_note(c, "the corpus mixes embedding models (%s%s): only chunks embedded with "
			            "%s are searched semantically; `rapport reembed` unifies them",
			         list, c->unknown_model ? ", unrecorded" : "", r->model_id);
	} else {
		set_note(c, "the corpus's embedding model is not recorded: semantic results are only "
		            "meaningful if it was %s",
		         r->model_id);
	}
	return DB_OK;
}

/* True when a filter narrows the kNN scan (scopes, filters, or RLS). */
static bool filtered(const search_cache *c, const search_req *r)
{
	return opt(r->company_id) || opt(r->coach_id) || opt(r->client_id) || opt(r->org_id) ||
	       opt(r->data_type) || opt(r->date_from) || opt(r->date_to) || opt(r->visibility) ||
	       (c->caps.rls_enabled && !c->caps.is_admin);
}

/* hnsw.ef_search unless asked otherwise. Hash-embedded seed data has a flat
 * distance distribution (the 10th and 12th neighbours differ by 0.001), hard
 * for HNSW: recall@10 against exact search was 0.73 at pgvector's default
 * 40 on 10,000 chunks, and 0.88 / 0.93 / 0.98 / 1.00 at 100 / 200 / 300 / 400
 * on 30,000 (tests/bench/search_latency.sh), at no measurable latency cost. */
enum { EF_DEFAULT = 300, NPARAMS = 21 };

/* Text buffers for the statement's numeric parameters. */
typedef struct req_nums {
	char cand[16], limit[16], offset[16], ef[16];
} req_nums;

/* True when q uses websearch syntax: a "phrase", a -exclusion or "or". */
static bool has_operators(const char *q)
{
	if (strchr(q, '"'))
		return true;
	for (const char *p = q; *p; p++) {
		bool start = p == q || isspace((unsigned char)p[-1]);
		if (start && *p == '-')
			return true;
		if (start && (p[0] == 'o' || p[0] == 'O') && (p[1] == 'r' || p[1] == 'R') &&
		    (!p[2] || isspace((unsigned char)p[2])))
			return true;
	}
	return false;
}

/* The words of q joined by " or " (malloc'd), for highlighting in hybrid and
 * semantic modes: a passage found by meaning shows whichever of the words it
 * has. (Ranking keeps the query as typed: an any-word text list costs a
 * ts_rank_cd per chunk that has any common word, and measured no better.)
 * A query written with operators is kept as typed. */
static char *relaxed_query(const char *q)
{
	size_t n = strlen(q);
	char *out = malloc(n * 4 + 1), *o = out;
	if (!out)
		abort();
	if (has_operators(q)) {
		memcpy(out, q, n + 1);
		return out;
	}
	for (const char *p = q; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		size_t w = 0;
		while (p[w] && !isspace((unsigned char)p[w]))
			w++;
		if (!w)
			break;
		if (o > out)
			o += sprintf(o, " or ");
		memcpy(o, p, w);
		o += w;
		p += w;
	}
	*o = '\0';
	return out;
}

/* True when v has no non-zero coordinate (an embedder found nothing in the
 * text; cosine distance to it is undefined). */
static bool zero_vector(const float *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] != 0.0f)
			return false;
	return true;
}

/* Validates r against the cache and fills the NPARAMS parameters. own[0]
 * and own[1] receive the malloc'd vector text and highlight words (caller
 * frees). */
static db_status build(db *d, search_cache *c, const search_req *r, const char **p,
                       req_nums *nums, char **own)
{
	char **vec = &own[0];
	const char *model = NULL;
	bool like = opt(r->like_chunk_id) != NULL;
	search_mode mode = like ? SEARCH_SEMANTIC : r->mode;
	*vec = NULL;
	if (!like && mode != SEARCH_SEMANTIC && !opt(r->query)) {
		dbi_seterr(d, "type some words to search for");
		return DB_INVALID;
	}
	if (like && c->unavailable[0]) {
		dbi_seterr(d, "%s", c->unavailable);
		return DB_INVALID;
	}
	if (!like && mode != SEARCH_TEXT) {
		search_req rm = *r;
		rm.mode = mode;
		db_status st = check_vector(d, c, &rm, &model);
		if (st != DB_OK)
			return st;
		if (!zero_vector(r->qvec, r->qdim)) {
			*vec = embed_vector_text(r->qvec, r->qdim);
		} else if (mode == SEARCH_SEMANTIC) {
			dbi_seterr(d, "nothing in the query to compare by meaning (%s found no words in "
			              "it): try other words, or text mode",
			           r->model_id);
			return DB_INVALID;
		} else {
			/* A cosine distance to the zero vector is NaN for every chunk:
			 * a "semantic" list in no order at all. Text alone, said. */
			mode = SEARCH_TEXT;
			set_note(c, "nothing in the query to compare by meaning (no words the %s "
			            "embedder can use): text matches only",
			         r->model_id);
		}
	}
	int limit = r->limit ? r->limit : 20;
	int cand = r->offset + limit + 1;
	if (mode == SEARCH_HYBRID)
		cand = cand * 2 < 100 ? 100 : cand * 2;
	if (cand > 2 * SEARCH_LIMIT_MAX)
		cand = 2 * SEARCH_LIMIT_MAX;
	int ef = r->ef_search > 0 ? r->ef_search : cand < EF_DEFAULT ? EF_DEFAULT : cand;
	if (mode != SEARCH_TEXT && !c->caps.iterative_scan && filtered(c, r)) {
		ef = ef < 10 * cand ? 10 * cand : ef;
		set_note(c, "pgvector %s has no iterative index scans (0.8+): a filtered semantic "
		            "search may return fewer results than asked",
		         c->caps.pgvector_version);
	}
	ef = ef > 1000 ? 1000 : ef;
	if (opt(r->query))
		own[1] = mode == SEARCH_TEXT ? strdup(r->query) : relaxed_query(r->query);
	if (opt(r->query) && !own[1])
		abort();
	p[19] = own[1];
	p[20] = r->exact ? "true" : "false";
	snprintf(nums->cand, sizeof nums->cand, "%d", cand);
	snprintf(nums->limit, sizeof nums->limit, "%d", limit);
	snprintf(nums->offset, sizeof nums->offset, "%d", r->offset);
	snprintf(nums->ef, sizeof nums->ef, "%d", ef);
	const char *v[19] = {
	    *vec,          opt(r->like_chunk_id), model,       opt(r->company_id), opt(r->coach_id),
	    opt(r->client_id), opt(r->org_id),    opt(r->data_type), opt(r->date_from), opt(r->date_to),
	    opt(r->visibility), nums->cand,       opt(r->query), search_mode_name(mode), nums->limit,
	    nums->offset,  nums->ef,              c->caps.iterative_scan ? "true" : "false", knn_sql};
	memcpy(p, v, sizeof v);
	c->mode = mode;
	return DB_OK;
}

/* The statement's parameters for r (validated), in a. */
typedef struct req_args {
	const char *p[NPARAMS];
	req_nums nums;
	char *own[2];
} req_args;

/* Prepares the cache, checks r and fills a; free a.own afterwards. */
static db_status req_args_fill(db *d, const search_req *r, req_args *a)
{
	memset(a, 0, sizeof *a);
	if (!d || !r)
		return DB_INVALID;
	db_status st = search_prepare(d);
	if (st != DB_OK)
		return st;
	search_cache *c = cache_slot(d);
	free(c->note);
	c->note = NULL;
	if ((st = check_filters(d, r)) != DB_OK)
		return st;
	return build(d, c, r, a->p, &a->nums, a->own);
}

/* Frees what req_args_fill allocated. */
static void req_args_free(req_args *a)
{
	free(a->own[0]);
	free(a->own[1]);
}

/* Starts the search statement for r (async). */
db_status search_send(db *d, const search_req *r)
{
	req_args a;
	db_status st = req_args_fill(d, r, &a);
	if (st == DB_OK)
		st = dbi_send_ex(d, search_sql, NPARAMS, a.p, parse_result, result_dtor);
	req_args_free(&a);
	return st;
}

/* "X ms" after label in the plan text, or -1. */
static double plan_ms(const char *plan, const char *label)
{
	const char *p = strstr(plan, label);
	return p ? strtod(p + strlen(label), NULL) : -1;
}

/* EXPLAIN ANALYZE of r's statement, with its server-side times. */
db_status search_explain(db *d, const search_req *r, char **plan, double *planning_ms,
                         double *execution_ms)
{
	req_args a;
	*plan = NULL;
	db_status st = req_args_fill(d, r, &a);
	size_t n = sizeof search_sql + 64;
	char *sql = malloc(n);
	if (!sql)
		abort();
	snprintf(sql, n, "EXPLAIN (ANALYZE, BUFFERS) %s", search_sql);
	PGresult *res = NULL;
	if (st == DB_OK)
		st = dbi_query(d, sql, NPARAMS, a.p, &res);
	free(sql);
	req_args_free(&a);
	if (st != DB_OK)
		return st;
	size_t len = 1;
	for (int i = 0; i < PQntuples(res); i++)
		len += strlen(PQgetvalue(res, i, 0)) + 1;
	char *out = malloc(len), *o = out;
	if (!out)
		abort();
	for (int i = 0; i < PQntuples(res); i++)
		o += sprintf(o, "%s\n", PQgetvalue(res, i, 0));
	*o = '\0';
	PQclear(res);
	*planning_ms = plan_ms(out, "Planning Time: ");
	*execution_ms = plan_ms(out, "Execution Time: ");
	*plan = out;
	return DB_OK;
}

/* Appends s to the growable string *buf (length *n). */
static void append(char **buf, size_t *n, const char *s)
{
	size_t k = strlen(s);
	char *b = realloc(*buf, *n + k + 1);
	if (!b)
		abort();
	memcpy(b + *n, s, k + 1);
	*buf = b;
	*n += k;
}

/* r's statement and parameters as a psql script. */
db_status search_sql_script(db *d, const search_req *r, char **script)
{
	req_args a;
	*script = NULL;
	db_status st = req_args_fill(d, r, &a);
	if (st != DB_OK) {
		req_args_free(&a);
		return st;
	}
	char *out = NULL;
	size_t n = 0;
	append(&out, &n, "SET plan_cache_mode = force_custom_plan;\nPREPARE rapport_search AS\n");
	append(&out, &n, search_sql);
	append(&out, &n, ";\nEXECUTE rapport_search(");
	for (int i = 0; i < NPARAMS; i++) {
		char *lit = a.p[i] ? PQescapeLiteral(dbi_pg(d), a.p[i], strlen(a.p[i])) : NULL;
		if (a.p[i] && !lit)
			abort();
		append(&out, &n, i ? ", " : "");
		append(&out, &n, lit ? lit : "NULL");
		PQfreemem(lit);
	}
	append(&out, &n, ");\nDEALLOCATE rapport_search;\n");
	req_args_free(&a);
	*script = out;
	return DB_OK;
}

/* Takes the finished search, with its mode and note. */
db_status search_take(db *d, search_result **out)
{
	void *v = NULL;
	*out = NULL;
	db_status st = dbi_take_as(d, parse_result, &v);
	if (st != DB_OK)
		return st;
	search_result *res = v;
	search_cache *c = cache_find(d);
	if (c) {
		res->mode = c->mode;
		res->note = c->note;
		c->note = NULL;
	}
	*out = res;
	return DB_OK;
}

/* Waits until d's socket is readable; false when it can't. */
static bool wait_socket(db *d)
{
	struct pollfd pf = {.fd = db_socket(d), .events = POLLIN};
	if (pf.fd < 0)
		return false;
	while (poll(&pf, 1, -1) < 0)
		if (errno != EINTR)
			return false;
	return true;
}

/* Blocking search: send, wait on the socket, take. */
db_status search_run(db *d, const search_req *r, search_result **out)
{
	*out = NULL;
	db_status st = search_send(d, r);
	if (st != DB_OK)
		return st;
	while ((st = db_poll(d)) == DB_PENDING)
		if (!wait_socket(d)) {
			db_cancel(d);
			dbi_seterr(d, "connection to the server lost while searching");
			return DB_CONNLOST;
		}
	if (st != DB_OK) {
		void *ignored = NULL;
		dbi_take_as(d, parse_result, &ignored);
		return st;
	}
	return search_take(d, out);
}
