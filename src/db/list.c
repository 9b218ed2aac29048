/* Lists with keyset paging on (name, id) in both directions: every page is
 * one index range scan of limit+1 rows, wherever it lies in the list. The
 * sort key is left(name, 256) (migration 006: names of any length fit the
 * index); names equal in their first 256 characters are ordered by id. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"

/* One list: kind under parent. Fragments are static SQL; values are $n. */
typedef struct list_def {
	db_kind kind, parent;
	const char *from;       /* FROM clause, row alias t */
	const char *parent_col; /* equals the parent id, or NULL */
	const char *detail;     /* email or slug */
	const char *count;      /* children per row, or "-1" */
	const char *flag;       /* association primary flag, or "false" */
} list_def;

#define N_COACHES "(SELECT count(*) FROM coaches c WHERE c.coaching_company_id = t.id)"
#define N_CLIENTS_COACH "(SELECT count(*) FROM clients c WHERE c.primary_coach_id = t.id)"
#define N_CLIENTS_ORG "(SELECT count(*) FROM clients c WHERE c.client_organization_id = t.id)"
#define N_MODEL_COACHES \
	"(SELECT count(*) FROM coach_model_associations m WHERE m.coaching_model_id = t.id)"
#define CMA_COACH "coaches t JOIN coach_model_associations a ON a.coach_id = t.id"
#define CMA_MODEL "coaching_models t JOIN coach_model_associations a ON a.coaching_model_id = t.id"

static const list_def lists[] = {
    {DB_COMPANY, DB_NONE, "coaching_companies t", NULL, "t.slug", N_COACHES, "false"},
    {DB_ORG, DB_NONE, "client_organizations t", NULL, "t.slug", N_CLIENTS_ORG, "false"},
    {DB_MODEL, DB_NONE, "coaching_models t", NULL, "t.slug", N_MODEL_COACHES, "false"},
    {DB_MODEL, DB_COMPANY, "coaching_models t", "t.coaching_company_id", "t.slug",
     N_MODEL_COACHES, "false"},
    {DB_COACH, DB_COMPANY, "coaches t", "t.coaching_company_id", "t.email", N_CLIENTS_COACH,
     "false"},
    {DB_COACH, DB_MODEL, CMA_COACH, "a.coaching_model_id", "t.email", N_CLIENTS_COACH,
     "coalesce(a.is_primary, false)"},
    {DB_CLIENT, DB_COACH, "clients t", "t.primary_coach_id", "t.email", "-1", "false"},
    {DB_CLIENT, DB_ORG, "clients t", "t.client_organization_id", "t.email", "-1", "false"},
    {DB_MODEL, DB_COACH, CMA_MODEL, "a.coach_id", "t.slug", N_MODEL_COACHES,
     "coalesce(a.is_primary, false)"},
};

/* The definition for kind under parent, or NULL. */
static const list_def *list_find(db_kind kind, db_kind parent)
{
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (lists[i].kind == kind && lists[i].parent == parent)
			return &lists[i];
	return NULL;
}

/* A query under construction: SQL text and its $n parameters. */
typedef struct qb {
	char sql[2048];
	size_t len;
	const char *params[6];
	int n;
	char *pattern; /* malloc'd ILIKE pattern, freed by qb_done */
	char limit[16];
} qb;

/* Appends formatted SQL text. */
__attribute__((format(printf, 2, 3))) static void qb_add(qb *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(q->sql + q->len, sizeof q->sql - q->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		q->len += (size_t)r < sizeof q->sql - q->len ? (size_t)r : sizeof q->sql - q->len - 1;
}

/* Adds a parameter; returns its number. */
static int qb_param(qb *q, const char *v)
{
	q->params[q->n] = v;
	return ++q->n;
}

/* ILIKE pattern for a substring (malloc'd): %, _ and \ in the input match
 * literally, whatever its length. */
static char *like_pattern(const char *in)
{
	char *out = malloc(2 * strlen(in) + 3);
	size_t j = 0;
	if (!out)
		abort();
	out[j++] = '%';
	for (const char *p = in; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[j++] = '\\';
		out[j++] = *p;
	}
	out[j++] = '%';
	out[j] = '\0';
	return out;
}

/* Frees what the query owns. */
static void qb_done(qb *q)
{
	free(q->pattern);
	q->pattern = NULL;
}

/* Checks the request and finds its definition. */
static const list_def *list_check(db *d, const db_list_req *r)
{
	const list_def *def = list_find(r->kind, r->parent_kind);
	if (!def) {
		dbi_seterr(d, "no list of %s under %s", db_kind_label(r->kind),
		           r->parent_kind ? db_kind_label(r->parent_kind) : "nothing");
		return NULL;
	}
	if (def->parent_col && !db_is_uuid(r->parent_id)) {
		dbi_seterr(d, "not a uuid: '%.40s'", r->parent_id);
		return NULL;
	}
	return def;
}

/* FROM ... WHERE parent and filter (shared by the page and the count). */
static void list_where(qb *q, const list_def *def, const db_list_req *r)
{
	qb_add(q, " FROM %s WHERE true", def->from);
	if (def->parent_col)
		qb_add(q, " AND %s = $%d", def->parent_col, qb_param(q, r->parent_id));
	if (r->filter && *r->filter) {
		q->pattern = like_pattern(r->filter);
		int p = qb_param(q, q->pattern);
		qb_add(q, " AND (t.name ILIKE $%d OR %s ILIKE $%d)", p, def->detail, p);
	}
}

/* Builds the page query for r. */
static db_status list_build(db *d, const db_list_req *r, qb *q)
{
	const list_def *def = list_check(d, r);
	if (!def)
		return DB_INVALID;
	if (r->limit < 1 || r->limit > 1000) {
		dbi_seterr(d, "page size %d is outside 1..1000", r->limit);
		return DB_INVALID;
	}
	bool keyed = r->dir == DB_AFTER || r->dir == DB_BEFORE;
	if (keyed && (!r->anchor_name || !db_is_uuid(r->anchor_id))) {
		dbi_seterr(d, "paging needs the anchor row's name and id");
		return DB_INVALID;
	}
	qb_add(q,
	       "SELECT t.id, t.name, %s, %s, %s,"
	       " coalesce(t.metadata->>'active', 'true') <> 'false'",
	       def->detail, def->count, def->flag);
	list_where(q, def, r);
	if (keyed) {
		int a = qb_param(q, r->anchor_name), b = qb_param(q, r->anchor_id);
		qb_add(q, " AND (left(t.name, 256), t.id) %s (left($%d, 256), $%d::uuid)",
		       r->dir == DB_AFTER ? ">" : "<", a, b);
	}
	bool desc = r->dir == DB_BEFORE || r->dir == DB_LAST;
	snprintf(q->limit, sizeof q->limit, "%d", r->limit + 1);
	qb_add(q, " ORDER BY left(t.name, 256) %s, t.id %s LIMIT $%d", desc ? "DESC" : "",
	       desc ? "DESC" : "",
	       qb_param(q, q->limit));
	return DB_OK;
}

void db_page_free(db_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->rows[i].name);
		free(p->rows[i].detail);
	}
	free(p->rows);
	free(p);
}

/* Fills one row from result row i. */
static void row_fill(db_row *w, const PGresult *res, int i)
{
	snprintf(w->id, sizeof w->id, "%s", PQgetvalue(res, i, 0));
	w->name = dbi_strdup_field(res, i, 1);
	w->detail = dbi_strdup_field(res, i, 2);
	w->count = strtoll(PQgetvalue(res, i, 3), NULL, 10);
	w->flag = PQgetvalue(res, i, 4)[0] == 't';
	w->active = PQgetvalue(res, i, 5)[0] == 't';
}

/* Parser: keeps `limit` rows, ascending, and the at_start/at_end flags. */
static db_status list_parse(db *d, PGresult *res, void **out)
{
	int limit = (int)dbi_ctx(d, 0);
	db_dir dir = (db_dir)dbi_ctx(d, 1);
	int got = PQntuples(res);
	int keep = got < limit ? got : limit;
	bool more = got > limit;
	bool desc = dir == DB_BEFORE || dir == DB_LAST;
	db_page *p = calloc(1, sizeof *p);
	if (!p || !(p->rows = calloc(keep ? (size_t)keep : 1, sizeof *p->rows)))
		abort();
	for (int i = 0; i < keep; i++)
		row_fill(&p->rows[desc ? keep - 1 - i : i], res, i);
	p->n = (size_t)keep;
	p->at_start = dir == DB_FIRST || (desc && !more);
	p->at_end = dir == DB_LAST || (!desc && !more);
	*out = p;
	return DB_OK;
}

static void page_dtor(void *p)
{
	db_page_free(p);
}

db_status db_list_send(db *d, const db_list_req *r)
{
	qb q = {.len = 0};
	db_status st = list_build(d, r, &q);
	if (st != DB_OK) {
		qb_done(&q);
		return st;
	}
	st = dbi_send_ex(d, q.sql, q.n, q.params, list_parse, page_dtor);
	qb_done(&q);
	if (st == DB_OK)
		dbi_set_ctx(d, r->limit, r->dir);
	return st;
}

db_status db_list_take(db *d, db_page **out)
{
	void *v = NULL;
	db_status st = dbi_take_as(d, list_parse, &v);
	*out = v;
	return st;
}

db_status db_list(db *d, const db_list_req *r, db_page **out)
{
	*out = NULL;
	db_status st = db_list_send(d, r);
	if (st != DB_OK)
		return st;
	dbi_wait(d);
	return db_list_take(d, out);
}

db_status db_list_count(db *d, const db_list_req *r, long long *out)
{
	*out = 0;
	const list_def *def = list_check(d, r);
	if (!def)
		return DB_INVALID;
	qb q = {.len = 0};
	qb_add(&q, "SELECT count(*)");
	list_where(&q, def, r);
	PGresult *res = NULL;
	db_status st = dbi_query(d, q.sql, q.n, q.params, &res);
	qb_done(&q);
	if (st != DB_OK)
		return st;
	*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return DB_OK;
}
