/* Records: get/find, updates and deletes with optimistic concurrency
 * (WHERE id = $1 AND updated_at = $2), inserts, coach-model associations,
 * delete impact, and the audit history. Column names come only from the
 * static whitelist below. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"

/* The static column name equal to name for kind k, or NULL. */
static const char *column_of(db_kind k, const char *name)
{
	for (int i = 0; name && dbi_columns[k][i]; i++)
		if (strcmp(dbi_columns[k][i], name) == 0)
			return dbi_columns[k][i];
	return NULL;
}

/* True (and message set) when k is a record kind. */
static bool kind_ok(db *d, db_kind k)
{
	if (k > DB_NONE && k < DB_KIND_COUNT)
		return true;
	dbi_seterr(d, "unknown record kind");
	return false;
}

/* True (and message set) when id is a uuid. */
static bool id_ok(db *d, const char *id)
{
	if (db_is_uuid(id))
		return true;
	dbi_seterr(d, "not a uuid: '%.40s'", id ? id : "");
	return false;
}

/* A growing SQL text. */
typedef struct sqlbuf {
	char s[2048];
	size_t len;
} sqlbuf;

__attribute__((format(printf, 2, 3))) static void sb_add(sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(b->s + b->len, sizeof b->s - b->len, fmt, ap);
	va_end(ap);
	if (r > 0)
		b->len += (size_t)r < sizeof b->s - b->len ? (size_t)r : sizeof b->s - b->len - 1;
}

/* SELECT of a record: id, created_at, updated_at, metadata, then columns. */
static void select_record(sqlbuf *b, db_kind k)
{
	sb_add(b, "SELECT t.id, t.created_at::text, t.updated_at::text, t.metadata::text");
	for (int i = 0; dbi_columns[k][i]; i++)
		sb_add(b, ", t.%s::text", dbi_columns[k][i]);
	sb_add(b, " FROM %s t", db_kind_table(k));
}

void db_record_free(db_record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfields; i++)
		free(r->fields[i].value);
	free(r->fields);
	free(r->metadata);
	free(r);
}

const char *db_record_field(const db_record *r, const char *name)
{
	for (size_t i = 0; r && name && i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return r->fields[i].value;
	return NULL;
}

/* Builds the record from row 0 of a select_record() result. */
static db_record *record_from(db_kind k, const PGresult *res)
{
	db_record *r = calloc(1, sizeof *r);
	size_t n = 0;
	while (dbi_columns[k][n])
		n++;
	if (!r || !(r->fields = calloc(n, sizeof *r->fields)))
		abort();
	r->kind = k;
	snprintf(r->id, sizeof r->id, "%s", PQgetvalue(res, 0, 0));
	snprintf(r->created_at, sizeof r->created_at, "%s", PQgetvalue(res, 0, 1));
	snprintf(r->updated_at, sizeof r->updated_at, "%s", PQgetvalue(res, 0, 2));
	r->metadata_null = PQgetisnull(res, 0, 3);
	r->metadata = strdup(r->metadata_null ? "{}" : PQgetvalue(res, 0, 3));
	if (!r->metadata)
		abort();
	for (size_t i = 0; i < n; i++) {
		r->fields[i].name = dbi_columns[k][i];
		r->fields[i].value = dbi_strdup_field(res, 0, (int)i + 4);
	}
	r->nfields = n;
	return r;
}

/* Runs a one-record select with one parameter. */
static db_status record_query(db *d, db_kind k, const char *where, const char *param,
                              db_record **out)
{
	sqlbuf b = {.len = 0};
	PGresult *res = NULL;
	const char *p[1] = {param};
	select_record(&b, k);
	sb_add(&b, " WHERE %s = $1", where);
	db_status st = dbi_query(d, b.s, 1, p, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) == 0) {
		PQclear(res);
		dbi_seterr(d, "no %s with %s %.60s", db_kind_label(k), where + 2, param);
		return DB_NOTFOUND;
	}
	*out = record_from(k, res);
	PQclear(res);
	return DB_OK;
}

db_status db_record_get(db *d, db_kind k, const char *id, db_record **out)
{
	*out = NULL;
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	return record_query(d, k, "t.id", id, out);
}

db_status db_record_find(db *d, db_kind k, const char *ref, db_record **out)
{
	*out = NULL;
	if (!kind_ok(d, k))
		return DB_INVALID;
	if (!ref || !*ref) {
		dbi_seterr(d, "empty reference");
		return DB_INVALID;
	}
	if (db_is_uuid(ref))
		return record_query(d, k, "t.id", ref, out);
	if (column_of(k, "email") && strchr(ref, '@'))
		return record_query(d, k, "t.email", ref, out);
	if (column_of(k, "slug"))
		return record_query(d, k, "t.slug", ref, out);
	if (column_of(k, "email"))
		return record_query(d, k, "t.email", ref, out);
	dbi_seterr(d, "a %s is found by its uuid only", db_kind_label(k));
	return DB_INVALID;
}

/* Reads the (new_updated_at, row_exists) answer of a guarded write. */
/* After a guarded write touched nothing although, in the statement's
 * snapshot, the row had the expected token: either a concurrent save won
 * (the row was re-checked after its lock) or a row-level security policy
 * refused the write. A fresh snapshot tells which. */
static db_status denied_or_conflict(db *d, db_kind k, const char *id, const char *token,
                                    bool check)
{
	char sql[200];
	PGresult *res = NULL;
	const char *p[3] = {id, token, check ? "t" : "f"};
	snprintf(sql, sizeof sql,
	         "SELECT NOT $3::bool OR updated_at IS NOT DISTINCT FROM $2::timestamp"
	         " FROM %s WHERE id = $1",
	         db_kind_table(k));
	db_status st = dbi_query(d, sql, 3, p, &res);
	if (st != DB_OK)
		return st;
	bool gone = PQntuples(res) == 0;
	bool same = !gone && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (same) {
		dbi_seterr(d, "%s may not change this %s", db_user(d), db_kind_label(k));
		return DB_DENIED;
	}
	if (gone) {
		dbi_seterr(d, "this %s no longer exists", db_kind_label(k));
		return DB_NOTFOUND;
	}
	dbi_seterr(d, "this %s was changed by someone else since you loaded it", db_kind_label(k));
	return DB_CONFLICT;
}

static db_status guarded_result(db *d, db_kind k, PGresult *res, const char *const *params,
                                char new_updated_at[DB_TS_LEN])
{
	bool done = !PQgetisnull(res, 0, 0);
	bool exists = PQgetvalue(res, 0, 1)[0] == 't';
	bool same = PQnfields(res) > 2 && PQgetvalue(res, 0, 2)[0] == 't';
	if (done) {
		if (new_updated_at)
			snprintf(new_updated_at, DB_TS_LEN, "%s", PQgetvalue(res, 0, 0));
		return DB_OK;
	}
	if (same)
		return denied_or_conflict(d, k, params[0], params[1],
		                          PQnfields(res) < 4 || PQgetvalue(res, 0, 3)[0] == 't');
	if (exists) {
		dbi_seterr(d, "this %s was changed by someone else since you loaded it",
		           db_kind_label(k));
		return DB_CONFLICT;
	}
	dbi_seterr(d, "this %s no longer exists", db_kind_label(k));
	return DB_NOTFOUND;
}

/* Runs a guarded UPDATE whose SET clause is already in b (params from $3). */
static db_status guarded_update(db *d, db_kind k, sqlbuf *b, int nparams, const char **params,
                                char new_updated_at[DB_TS_LEN])
{
	PGresult *res = NULL;
	sb_add(b,
	       " WHERE id = $1 AND updated_at IS NOT DISTINCT FROM $2::timestamp"
	       " RETURNING coalesce(updated_at::text, '')) "
	       "SELECT (SELECT * FROM u), EXISTS (SELECT 1 FROM %s WHERE id = $1),"
	       " EXISTS (SELECT 1 FROM %s WHERE id = $1"
	       " AND updated_at IS NOT DISTINCT FROM $2::timestamp)",
	       db_kind_table(k), db_kind_table(k));
	db_status st = dbi_query(d, b->s, nparams, params, &res);
	if (st != DB_OK)
		return st;
	st = guarded_result(d, k, res, params, new_updated_at);
	PQclear(res);
	return st;
}

/* NULL for an empty token (data_items.updated_at may be NULL). */
static const char *token(const char *t)
{
	return t && *t ? t : NULL;
}

db_status db_update_metadata(db *d, db_kind k, const char *id, const char *expected_updated_at,
                             const char *json, char new_updated_at[DB_TS_LEN])
{
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	sqlbuf b = {.len = 0};
	const char *p[3] = {id, token(expected_updated_at), json};
	sb_add(&b, "WITH u AS (UPDATE %s SET metadata = $3::jsonb", db_kind_table(k));
	return guarded_update(d, k, &b, 3, p, new_updated_at);
}

/* Checks every name is a column of k; message names the first that is not. */
static bool names_ok(db *d, db_kind k, size_t n, const char *const *names, bool allow_id)
{
	for (size_t i = 0; i < n; i++) {
		if (allow_id && names[i] && strcmp(names[i], "id") == 0)
			continue;
		if (!column_of(k, names[i])) {
			dbi_seterr(d, "%s has no editable column '%.40s'", db_kind_table(k),
			           names[i] ? names[i] : "");
			return false;
		}
	}
	return true;
}

db_status db_update_fields(db *d, db_kind k, const char *id, const char *expected_updated_at,
                           size_t n, const char *const *names, const char *const *values,
                           char new_updated_at[DB_TS_LEN])
{
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	if (n == 0 || n > DBI_MAXCOLS || !names_ok(d, k, n, names, false)) {
		if (n == 0 || n > DBI_MAXCOLS)
			dbi_seterr(d, "nothing to update");
		return DB_INVALID;
	}
	sqlbuf b = {.len = 0};
	const char *p[DBI_MAXCOLS + 2] = {id, token(expected_updated_at)};
	sb_add(&b, "WITH u AS (UPDATE %s SET ", db_kind_table(k));
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, "%s%s = $%zu", i ? ", " : "", column_of(k, names[i]), i + 3);
		p[i + 2] = values[i];
	}
	return guarded_update(d, k, &b, (int)n + 2, p, new_updated_at);
}

db_status db_record_insert(db *d, db_kind k, size_t n, const char *const *names,
                           const char *const *values, const char *metadata_json,
                           char id_out[DB_UUID_LEN])
{
	if (!kind_ok(d, k))
		return DB_INVALID;
	if (n > DBI_MAXCOLS || !names_ok(d, k, n, names, true)) {
		if (n > DBI_MAXCOLS)
			dbi_seterr(d, "too many columns");
		return DB_INVALID;
	}
	sqlbuf b = {.len = 0};
	const char *p[DBI_MAXCOLS + 2];
	size_t np = 0;
	sb_add(&b, "INSERT INTO %s (", db_kind_table(k));
	for (size_t i = 0; i < n; i++)
		sb_add(&b, "%s%s", i ? ", " : "", strcmp(names[i], "id") ? column_of(k, names[i]) : "id");
	if (metadata_json)
		sb_add(&b, "%smetadata", n ? ", " : "");
	sb_add(&b, ") VALUES (");
	for (size_t i = 0; i < n; i++) {
		p[np++] = values[i];
		sb_add(&b, "%s$%zu", i ? ", " : "", np);
	}
	if (metadata_json) {
		p[np++] = metadata_json;
		sb_add(&b, "%s$%zu::jsonb", n ? ", " : "", np);
	}
	sb_add(&b, ") RETURNING id");
	if (n == 0 && !metadata_json)
		snprintf(b.s, sizeof b.s, "INSERT INTO %s DEFAULT VALUES RETURNING id", db_kind_table(k));
	PGresult *res = NULL;
	db_status st = dbi_query(d, b.s, (int)np, p, &res);
	if (st != DB_OK)
		return st;
	if (id_out)
		snprintf(id_out, DB_UUID_LEN, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return DB_OK;
}

/* What goes along with a delete, as CTEs after "d" (the deleted row). */
static const char *delete_along(db_kind k)
{
	switch (k) {
	case DB_COACH:
		return ", i AS (DELETE FROM data_items WHERE coach_id IN (SELECT id FROM d))"
		       ", a AS (DELETE FROM coach_model_associations WHERE coach_id IN (SELECT id FROM d))";
	case DB_CLIENT:
		return ", i AS (DELETE FROM data_items WHERE client_id IN (SELECT id FROM d))";
	case DB_ORG:
		return ", i AS (DELETE FROM data_items WHERE client_organization_id IN (SELECT id FROM d))";
	case DB_MODEL:
		return ", a AS (DELETE FROM coach_model_associations"
		       " WHERE coaching_model_id IN (SELECT id FROM d))";
	default: return "";
	}
}

db_status db_record_delete(db *d, db_kind k, const char *id, const char *expected_updated_at)
{
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	sqlbuf b = {.len = 0};
	const char *p[3] = {id, token(expected_updated_at), expected_updated_at ? "t" : "f"};
	sb_add(&b,
	       "WITH d AS (DELETE FROM %s WHERE id = $1 AND (NOT $3::bool OR updated_at IS NOT "
	       "DISTINCT FROM $2::timestamp) RETURNING id)%s "
	       "SELECT (SELECT ''::text FROM d), EXISTS (SELECT 1 FROM %s WHERE id = $1),"
	       " EXISTS (SELECT 1 FROM %s WHERE id = $1 AND (NOT $3::bool"
	       " OR updated_at IS NOT DISTINCT FROM $2::timestamp)), $3::bool",
	       db_kind_table(k), delete_along(k), db_kind_table(k), db_kind_table(k));
	PGresult *res = NULL;
	db_status st = dbi_query(d, b.s, 3, p, &res);
	if (st != DB_OK)
		return st;
	st = guarded_result(d, k, res, p, NULL);
	PQclear(res);
	return st;
}

/* Counting SQL for db_delete_impact: items, chunks, children of $1. */
static const char *impact_sql(db_kind k)
{
#define CHUNKS(col)                                                                       \
	"(SELECT count(*) FROM data_chunks c JOIN data_items i ON i.id = c.data_item_id WHERE i." col \
	" = $1)"
	switch (k) {
	case DB_COMPANY:
		return "SELECT 0, 0, (SELECT count(*) FROM coaches WHERE coaching_company_id = $1)"
		       " + (SELECT count(*) FROM coaching_models WHERE coaching_company_id = $1)";
	case DB_COACH:
		return "SELECT (SELECT count(*) FROM data_items WHERE coach_id = $1), " CHUNKS("coach_id")
		    ", (SELECT count(*) FROM clients WHERE primary_coach_id = $1)";
	case DB_CLIENT:
		return "SELECT (SELECT count(*) FROM data_items WHERE client_id = $1), " CHUNKS("client_id")
		    ", 0";
	case DB_ORG:
		return "SELECT (SELECT count(*) FROM data_items WHERE client_organization_id = $1), " CHUNKS(
		    "client_organization_id") ", (SELECT count(*) FROM clients WHERE client_organization_id = $1)";
	case DB_MODEL:
		return "SELECT 0, 0, (SELECT count(*) FROM coach_model_associations"
		       " WHERE coaching_model_id = $1)";
	case DB_ITEM:
		return "SELECT 1, (SELECT count(*) FROM data_chunks WHERE data_item_id = $1), 0";
	default: return NULL;
	}
#undef CHUNKS
}

db_status db_delete_impact(db *d, db_kind k, const char *id, long long *items, long long *chunks,
                           long long *children)
{
	*items = *chunks = *children = 0;
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	const char *p[1] = {id};
	PGresult *res = NULL;
	db_status st = dbi_query(d, impact_sql(k), 1, p, &res);
	if (st != DB_OK)
		return st;
	*items = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	*chunks = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	*children = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	PQclear(res);
	return DB_OK;
}

db_status db_assoc_set(db *d, const char *coach_id, const char *model_id, bool is_primary)
{
	if (!id_ok(d, coach_id) || !id_ok(d, model_id))
		return DB_INVALID;
	const char *p[3] = {coach_id, model_id, is_primary ? "t" : "f"};
	db_status st = dbi_begin(d);
	if (st == DB_OK && is_primary)
		st = dbi_exec(d,
		              "UPDATE coach_model_associations SET is_primary = false WHERE coach_id = $1"
		              " AND coaching_model_id <> $2 AND is_primary",
		              2, p);
	if (st == DB_OK)
		st = dbi_exec(d,
		              "INSERT INTO coach_model_associations (coach_id, coaching_model_id, is_primary)"
		              " VALUES ($1, $2, $3::bool) ON CONFLICT (coach_id, coaching_model_id)"
		              " DO UPDATE SET is_primary = EXCLUDED.is_primary"
		              " WHERE coach_model_associations.is_primary IS DISTINCT FROM EXCLUDED.is_primary",
		              3, p);
	if (st == DB_OK)
		return dbi_commit(d);
	dbi_rollback(d);
	return st;
}

db_status db_assoc_remove(db *d, const char *coach_id, const char *model_id)
{
	if (!id_ok(d, coach_id) || !id_ok(d, model_id))
		return DB_INVALID;
	const char *p[2] = {coach_id, model_id};
	PGresult *res = NULL;
	db_status st = dbi_query(d,
	                         "DELETE FROM coach_model_associations WHERE coach_id = $1"
	                         " AND coaching_model_id = $2",
	                         2, p, &res);
	if (st != DB_OK)
		return st;
	bool gone = strcmp(PQcmdTuples(res), "0") == 0;
	PQclear(res);
	if (gone) {
		dbi_seterr(d, "this coach does not use this coaching model");
		return DB_NOTFOUND;
	}
	return DB_OK;
}

void db_history_free(db_audit_entry *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].actor);
		free(v[i].action);
		free(v[i].before);
		free(v[i].after);
	}
	free(v);
}

db_status db_history(db *d, db_kind k, const char *id, db_audit_entry **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!kind_ok(d, k) || !id_ok(d, id))
		return DB_INVALID;
	const char *p[2] = {db_kind_table(k), id};
	PGresult *res = NULL;
	db_status st = dbi_query(d,
	                         "SELECT id, at::text, actor, action, before::text, after::text"
	                         " FROM rapport_audit WHERE table_name = $1 AND record_id = $2"
	                         " ORDER BY id DESC",
	                         2, p, &res);
	if (st != DB_OK)
		return st;
	int rows = PQntuples(res);
	db_audit_entry *v = calloc(rows ? (size_t)rows : 1, sizeof *v);
	if (!v)
		abort();
	for (int i = 0; i < rows; i++) {
		v[i].id = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		snprintf(v[i].at, sizeof v[i].at, "%s", PQgetvalue(res, i, 1));
		v[i].actor = dbi_strdup_field(res, i, 2);
		v[i].action = dbi_strdup_field(res, i, 3);
		v[i].before = dbi_strdup_field(res, i, 4);
		v[i].after = dbi_strdup_field(res, i, 5);
	}
	PQclear(res);
	*out = v;
	*n = (size_t)rows;
	return DB_OK;
}
