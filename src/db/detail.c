/* The detail of one record with its relations, in ONE round trip: a single
 * statement builds a JSON object that cJSON turns into a db_detail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "db/internal.h"

#define ITEMS(col)                                                                               \
	"'items', (SELECT json_agg(x) FROM (SELECT i.id, i.data_type, i.visibility_level AS visibility," \
	" i.created_at::text AS created_at, coalesce(i.metadata->>'title',"                            \
	" split_part(left(i.raw_content, 300), E'\\n', 1)) AS title,"                                 \
	" coalesce(char_length(i.raw_content), 0) AS length,"                                          \
	" (SELECT count(*) FROM data_chunks c WHERE c.data_item_id = i.id) AS nchunks"                 \
	" FROM data_items i WHERE i." col " = t.id"                                                    \
	" ORDER BY i.created_at DESC NULLS LAST, i.id LIMIT 200) x),"                                  \
	" 'nitems_total', (SELECT count(*) FROM data_items i WHERE i." col " = t.id)"

#define MODEL_ROWS                                                                        \
	"'models', (SELECT json_agg(x ORDER BY x.name, x.id) FROM (SELECT m.id, m.name,"         \
	" m.slug AS detail, (SELECT count(*) FROM coach_model_associations n"                    \
	" WHERE n.coaching_model_id = m.id) AS count, coalesce(a.is_primary, false) AS flag,"    \
	" coalesce(m.metadata->>'active', 'true') <> 'false' AS active"                          \
	" FROM coach_model_associations a JOIN coaching_models m ON m.id = a.coaching_model_id" \
	" WHERE a.coach_id = t.id) x)"

#define COACH_ROWS                                                                         \
	"'models', (SELECT json_agg(x ORDER BY x.name, x.id) FROM (SELECT c.id, c.name,"          \
	" c.email AS detail, (SELECT count(*) FROM clients k WHERE k.primary_coach_id = c.id)"    \
	" AS count, coalesce(a.is_primary, false) AS flag,"                                       \
	" coalesce(c.metadata->>'active', 'true') <> 'false' AS active"                           \
	" FROM coach_model_associations a JOIN coaches c ON c.id = a.coach_id"                    \
	" WHERE a.coaching_model_id = t.id) x)"

#define COMPANY_NAME "'company_name', (SELECT name FROM coaching_companies WHERE id = t.coaching_company_id)"
#define COACH_OF(col)                                                                   \
	"'coach_name', (SELECT name FROM coaches WHERE id = t." col "),"                        \
	" 'coach_email', (SELECT email FROM coaches WHERE id = t." col ")"
#define ORG_OF "'org_name', (SELECT name FROM client_organizations WHERE id = t.client_organization_id)"

/* The relations part of the JSON object for kind k. */
static const char *relations(db_kind k)
{
	switch (k) {
	case DB_COACH: return COMPANY_NAME ", " MODEL_ROWS ", " ITEMS("coach_id");
	case DB_CLIENT: return ORG_OF ", " COACH_OF("primary_coach_id") ", " ITEMS("client_id");
	case DB_ORG: return ITEMS("client_organization_id");
	case DB_MODEL: return COMPANY_NAME ", " COACH_ROWS;
	case DB_ITEM: return ORG_OF ", " COACH_OF("coach_id");
	default: return "'none', null";
	}
}

/* Builds the one statement for kind k. */
static void detail_sql(db_kind k, char *buf, size_t cap)
{
	size_t len = 0;
	len += (size_t)snprintf(buf + len, cap - len,
	                        "SELECT json_build_object('id', t.id, 'created_at', t.created_at::text,"
	                        " 'updated_at', t.updated_at::text, 'metadata', t.metadata::text,"
	                        " 'fields', json_build_array(");
	for (int i = 0; dbi_columns[k][i] && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%st.%s::text", i ? ", " : "",
		                        dbi_columns[k][i]);
	if (len < cap)
		snprintf(buf + len, cap - len, "), %s)::text FROM %s t WHERE t.id = $1", relations(k),
		         db_kind_table(k));
}

/* malloc'd copy of a JSON string member, NULL when absent or null. */
static char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(v))
		return NULL;
	char *s = strdup(v->valuestring);
	if (!s)
		abort();
	return s;
}

/* Copies a JSON string member into a fixed buffer ("" when absent). */
static void jcopy(const cJSON *o, const char *key, char *out, size_t cap)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static long long jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
}

static bool jbool(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* The record half of the detail. */
static db_record *detail_record(db_kind k, const cJSON *o)
{
	db_record *r = calloc(1, sizeof *r);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "fields");
	size_t n = 0;
	while (dbi_columns[k][n])
		n++;
	if (!r || !(r->fields = calloc(n, sizeof *r->fields)))
		abort();
	r->kind = k;
	jcopy(o, "id", r->id, sizeof r->id);
	jcopy(o, "created_at", r->created_at, sizeof r->created_at);
	jcopy(o, "updated_at", r->updated_at, sizeof r->updated_at);
	r->metadata = jstr(o, "metadata");
	r->metadata_null = !r->metadata;
	if (!r->metadata && !(r->metadata = strdup("{}")))
		abort();
	for (size_t i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetArrayItem(f, (int)i);
		r->fields[i].name = dbi_columns[k][i];
		r->fields[i].value = cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
	}
	r->nfields = n;
	return r;
}

/* The models (or coaches) rows. */
static void detail_rows(db_detail *x, const cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	x->models = calloc(n > 0 ? (size_t)n : 1, sizeof *x->models);
	if (!x->models)
		abort();
	for (int i = 0; i < n; i++) {
		const cJSON *o = cJSON_GetArrayItem(arr, i);
		db_row *w = &x->models[i];
		jcopy(o, "id", w->id, sizeof w->id);
		w->name = jstr(o, "name");
		w->detail = jstr(o, "detail");
		w->count = jnum(o, "count");
		w->flag = jbool(o, "flag");
		w->active = jbool(o, "active");
	}
	x->nmodels = (size_t)n;
}

/* The data items. */
static void detail_items(db_detail *x, const cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	x->items = calloc(n > 0 ? (size_t)n : 1, sizeof *x->items);
	if (!x->items)
		abort();
	for (int i = 0; i < n; i++) {
		const cJSON *o = cJSON_GetArrayItem(arr, i);
		db_item *it = &x->items[i];
		jcopy(o, "id", it->id, sizeof it->id);
		it->data_type = jstr(o, "data_type");
		it->visibility = jstr(o, "visibility");
		it->created_at = jstr(o, "created_at");
		it->title = jstr(o, "title");
		it->length = jnum(o, "length");
		it->nchunks = (int)jnum(o, "nchunks");
	}
	x->nitems = (size_t)n;
}

/* Parser: one row, one JSON text column. */
static db_status detail_parse(db *d, PGresult *res, void **out)
{
	db_kind k = (db_kind)dbi_ctx(d, 0);
	if (PQntuples(res) == 0) {
		dbi_seterr(d, "this %s no longer exists", db_kind_label(k));
		return DB_NOTFOUND;
	}
	cJSON *o = cJSON_Parse(PQgetvalue(res, 0, 0));
	if (!o) {
		dbi_seterr(d, "the server's detail answer is not JSON");
		return DB_ERROR;
	}
	db_detail *x = calloc(1, sizeof *x);
	if (!x)
		abort();
	x->rec = detail_record(k, o);
	x->company_name = jstr(o, "company_name");
	x->org_name = jstr(o, "org_name");
	x->coach_name = jstr(o, "coach_name");
	x->coach_email = jstr(o, "coach_email");
	detail_rows(x, cJSON_GetObjectItemCaseSensitive(o, "models"));
	detail_items(x, cJSON_GetObjectItemCaseSensitive(o, "items"));
	x->nitems_total = jnum(o, "nitems_total");
	cJSON_Delete(o);
	*out = x;
	return DB_OK;
}

void db_detail_free(db_detail *x)
{
	if (!x)
		return;
	db_record_free(x->rec);
	free(x->company_name);
	free(x->org_name);
	free(x->coach_name);
	free(x->coach_email);
	for (size_t i = 0; i < x->nmodels; i++) {
		free(x->models[i].name);
		free(x->models[i].detail);
	}
	free(x->models);
	for (size_t i = 0; i < x->nitems; i++) {
		free(x->items[i].data_type);
		free(x->items[i].visibility);
		free(x->items[i].created_at);
		free(x->items[i].title);
	}
	free(x->items);
	free(x);
}

static void detail_dtor(void *x)
{
	db_detail_free(x);
}

db_status db_detail_send(db *d, db_kind k, const char *id)
{
	if (k <= DB_NONE || k >= DB_KIND_COUNT) {
		dbi_seterr(d, "unknown record kind");
		return DB_INVALID;
	}
	if (!db_is_uuid(id)) {
		dbi_seterr(d, "not a uuid: '%.40s'", id ? id : "");
		return DB_INVALID;
	}
	char sql[4096];
	const char *p[1] = {id};
	detail_sql(k, sql, sizeof sql);
	db_status st = dbi_send_ex(d, sql, 1, p, detail_parse, detail_dtor);
	if (st == DB_OK)
		dbi_set_ctx(d, k, 0);
	return st;
}

db_status db_detail_take(db *d, db_detail **out)
{
	void *v = NULL;
	db_status st = dbi_take_as(d, detail_parse, &v);
	*out = v;
	return st;
}

db_status db_detail_get(db *d, db_kind k, const char *id, db_detail **out)
{
	*out = NULL;
	db_status st = db_detail_send(d, k, id);
	if (st != DB_OK)
		return st;
	dbi_wait(d);
	return db_detail_take(d, out);
}

db_status db_item_content(db *d, const char *item_id, char **text, size_t *len)
{
	*text = NULL;
	if (len)
		*len = 0;
	if (!db_is_uuid(item_id)) {
		dbi_seterr(d, "not a uuid: '%.40s'", item_id ? item_id : "");
		return DB_INVALID;
	}
	const char *p[1] = {item_id};
	PGresult *res = NULL;
	db_status st =
	    dbi_query(d, "SELECT coalesce(raw_content, '') FROM data_items WHERE id = $1", 1, p, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) == 0) {
		PQclear(res);
		dbi_seterr(d, "this data item no longer exists");
		return DB_NOTFOUND;
	}
	*text = dbi_strdup_field(res, 0, 0);
	if (len)
		*len = (size_t)PQgetlength(res, 0, 0);
	PQclear(res);
	return DB_OK;
}
