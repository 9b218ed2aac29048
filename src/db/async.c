/* The request engine: one request in flight per connection, sent with
 * PQsendQueryParams, read with PQconsumeInput/PQisBusy (async) or a poll()
 * loop on the socket (blocking), and SQLSTATE mapped to db_status. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/conn_priv.h"

/* Reads the connection's state into a CONNLOST message. */
static db_status conn_lost(db *d)
{
	if (!d->pg) {
		dbi_seterr(d, "not connected: the server stopped answering; reconnect to continue");
		return DB_CONNLOST;
	}
	const char *m = PQerrorMessage(d->pg);
	char first[200];
	size_t n = strcspn(m, "\n");
	if (n >= sizeof first)
		n = sizeof first - 1;
	memcpy(first, m, n);
	first[n] = '\0';
	dbi_seterr(d, "connection to the server lost%s%s", *first ? ": " : "", first);
	return DB_CONNLOST;
}

/* Blocks until the socket is readable (or the connection is gone). */
static int wait_readable(db *d)
{
	int fd = PQsocket(d->pg);
	if (fd < 0)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	for (;;) {
		int r = poll(&p, 1, -1);
		if (r >= 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Ends the running request: parses or maps its result, state becomes DONE. */
static void finish(db *d, bool keep_res)
{
	void *value = NULL;
	db_status st;
	PGresult *res = d->res;
	if (!res) {
		st = PQstatus(d->pg) == CONNECTION_BAD ? conn_lost(d) : DB_ERROR;
		if (st == DB_ERROR)
			dbi_seterr(d, "the server sent no result");
	} else {
		ExecStatusType es = PQresultStatus(res);
		if (es == PGRES_TUPLES_OK || es == PGRES_COMMAND_OK || es == PGRES_EMPTY_QUERY)
			st = d->parse ? d->parse(d, res, &value) : DB_OK;
		else
			st = dbi_status_from_result(d, res);
	}
	if (!keep_res || st != DB_OK) {
		PQclear(res);
		d->res = NULL;
	}
	d->value = value;
	d->done = st;
	d->state = DBI_DONE;
}

/* Collects results until libpq has no more; keeps the first error. */
static db_status collect(db *d, bool keep_res)
{
	if (!PQconsumeInput(d->pg)) {
		PQclear(d->res);
		d->res = NULL;
		d->state = DBI_DONE;
		d->value = NULL;
		d->done = conn_lost(d);
		return d->done;
	}
	while (!PQisBusy(d->pg)) {
		PGresult *r = PQgetResult(d->pg);
		if (!r) {
			finish(d, keep_res);
			return d->done;
		}
		ExecStatusType es = PQresultStatus(r);
		bool err = es == PGRES_FATAL_ERROR || es == PGRES_BAD_RESPONSE;
		bool have_err = d->res && (PQresultStatus(d->res) == PGRES_FATAL_ERROR ||
		                           PQresultStatus(d->res) == PGRES_BAD_RESPONSE);
		if (es == PGRES_COPY_IN || es == PGRES_COPY_OUT || es == PGRES_COPY_BOTH) {
			PQclear(r); /* COPY is not driven through the engine */
			continue;
		}
		if (have_err && !err) {
			PQclear(r);
			continue;
		}
		PQclear(d->res);
		d->res = r;
	}
	return DB_PENDING;
}

/* Blocks until the running request is complete. */
static db_status wait_done(db *d, bool keep_res)
{
	while (d->state == DBI_RUNNING) {
		db_status st = collect(d, keep_res);
		if (st != DB_PENDING)
			return st;
		if (wait_readable(d) < 0) {
			PQclear(d->res);
			d->res = NULL;
			d->state = DBI_DONE;
			d->done = conn_lost(d);
		}
	}
	return d->done;
}

/* Frees an untaken parsed value. */
static void drop_value(db *d)
{
	if (d->value && d->dtor)
		d->dtor(d->value);
	d->value = NULL;
}

void dbi_reset(db *d)
{
	if (!d)
		return;
	if (d->state == DBI_RUNNING)
		db_cancel(d);
	drop_value(d);
	PQclear(d->res);
	d->res = NULL;
	d->state = DBI_IDLE;
}

db_status dbi_send_ex(db *d, const char *sql, int nparams, const char *const *params,
                      dbi_parse_fn parse, void (*dtor)(void *))
{
	if (!d)
		return DB_INVALID;
	dbi_reset(d);
	if (PQstatus(d->pg) != CONNECTION_OK)
		return conn_lost(d);
	d->parse = parse;
	d->dtor = dtor;
	d->canceling = false;
	d->errmsg[0] = '\0';
	if (!PQsendQueryParams(d->pg, sql, nparams, NULL, params, NULL, NULL, 0)) {
		if (PQstatus(d->pg) != CONNECTION_OK)
			return conn_lost(d);
		dbi_seterr(d, "could not send the query: %s", PQerrorMessage(d->pg));
		return DB_ERROR;
	}
	d->state = DBI_RUNNING;
	return DB_OK;
}

db_status dbi_script(db *d, const char *sql)
{
	if (!d)
		return DB_INVALID;
	dbi_reset(d);
	if (PQstatus(d->pg) != CONNECTION_OK)
		return conn_lost(d);
	d->parse = NULL;
	d->dtor = NULL;
	d->canceling = false;
	d->errmsg[0] = '\0';
	if (!PQsendQuery(d->pg, sql)) {
		if (PQstatus(d->pg) != CONNECTION_OK)
			return conn_lost(d);
		dbi_seterr(d, "could not send the script: %s", PQerrorMessage(d->pg));
		return DB_ERROR;
	}
	d->state = DBI_RUNNING;
	wait_done(d, false);
	return dbi_take(d, NULL);
}

db_status dbi_send(db *d, const char *sql, int nparams, const char *const *params,
                   dbi_parse_fn parse)
{
	return dbi_send_ex(d, sql, nparams, params, parse, NULL);
}

db_status db_poll(db *d)
{
	if (!d)
		return DB_INVALID;
	if (d->state == DBI_IDLE) {
		dbi_seterr(d, "no request is running");
		return DB_ERROR;
	}
	if (d->state == DBI_DONE)
		return d->done;
	return collect(d, false);
}

bool db_busy(const db *d)
{
	return d && d->state == DBI_RUNNING;
}

/* Thread body: PQcancel blocks until the server closes the cancel
 * connection, which a stopped server never does. */
static void *cancel_thread(void *arg)
{
	char buf[256];
	PQcancel(arg, buf, sizeof buf);
	PQfreeCancel(arg);
	return NULL;
}

/* Sends a cancel request for the running query without ever blocking the
 * caller (a no-op on the server when the query has not started yet: hence
 * the retries in db_cancel). */
static void send_cancel(db *d)
{
	PGcancel *c = PQgetCancel(d->pg);
	pthread_t t;
	if (!c)
		return;
	if (pthread_create(&t, NULL, cancel_thread, c) == 0)
		pthread_detach(t);
	else
		cancel_thread(c);
}

/* Waits up to ms for the socket; 0 when readable, 1 on timeout, -1 on error. */
static int wait_readable_ms(db *d, int ms)
{
	int fd = PQsocket(d->pg);
	if (fd < 0)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, ms);
	return r > 0 ? 0 : r == 0 ? 1 : (errno == EINTR ? 1 : -1);
}

void db_cancel(db *d)
{
	if (!d || d->state != DBI_RUNNING)
		return;
	d->canceling = true;
	/* A cancel that reaches the server before the query starts is ignored:
	 * repeat it until the query ends; after ~5 s give the connection up. */
	for (int tries = 0; d->state == DBI_RUNNING; tries++) {
		if (tries % 5 == 0 && tries < 50)
			send_cancel(d);
		if (tries >= 50) { /* ~5 s without an answer: give the connection up */
			dbi_abandon(d);
			PQclear(d->res);
			d->res = NULL;
			d->state = DBI_DONE;
			d->done = conn_lost(d);
			break;
		}
		if (collect(d, false) != DB_PENDING)
			break;
		if (wait_readable_ms(d, 100) < 0) {
			collect(d, false);
			break;
		}
	}
	drop_value(d);
	d->state = DBI_IDLE;
	if (PQstatus(d->pg) == CONNECTION_OK)
		dbi_seterr(d, "canceled");
}

db_status dbi_take(db *d, void **out)
{
	if (out)
		*out = NULL;
	if (!d)
		return DB_INVALID;
	if (d->state == DBI_RUNNING && collect(d, false) == DB_PENDING)
		return DB_PENDING;
	if (d->state != DBI_DONE) {
		dbi_seterr(d, "no result to take");
		return DB_ERROR;
	}
	db_status st = d->done;
	if (out)
		*out = d->value;
	else
		drop_value(d);
	d->value = NULL;
	d->state = DBI_IDLE;
	return st;
}

db_status dbi_take_as(db *d, dbi_parse_fn parse, void **out)
{
	if (out)
		*out = NULL;
	if (d && d->state != DBI_IDLE && d->parse != parse) {
		dbi_seterr(d, "the finished request is not the one being taken");
		return DB_INVALID;
	}
	return dbi_take(d, out);
}

db_status dbi_run(db *d, const char *sql, int nparams, const char *const *params,
                  dbi_parse_fn parse, void **out)
{
	db_status st = dbi_send(d, sql, nparams, params, parse);
	if (st != DB_OK)
		return st;
	wait_done(d, false);
	return dbi_take(d, out);
}

db_status dbi_exec(db *d, const char *sql, int nparams, const char *const *params)
{
	return dbi_run(d, sql, nparams, params, NULL, NULL);
}

db_status dbi_query(db *d, const char *sql, int nparams, const char *const *params,
                    PGresult **out)
{
	*out = NULL;
	db_status st = dbi_send(d, sql, nparams, params, NULL);
	if (st != DB_OK)
		return st;
	st = wait_done(d, true);
	if (st == DB_OK) {
		*out = d->res;
		d->res = NULL;
	}
	d->state = DBI_IDLE;
	return st;
}

char *dbi_strdup_field(const PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return NULL;
	char *s = strdup(PQgetvalue(res, row, col));
	if (!s)
		abort();
	return s;
}

/* ---- SQLSTATE → db_status with one line in words ------------------------- */

/* The singular label for a table name ("coach" for coaches). */
static const char *table_label(const char *table)
{
	if (!table)
		return "record";
	if (strcmp(table, "coach_model_associations") == 0)
		return "coach-model association";
	if (strcmp(table, "data_chunks") == 0)
		return "data chunk";
	for (int k = DB_NONE + 1; k < DB_KIND_COUNT; k++)
		if (strcmp(table, db_kind_table((db_kind)k)) == 0)
			return db_kind_label((db_kind)k);
	return table;
}

/* Copies the text between the first '(' and ')' after `after` in s. */
static bool paren_after(const char *s, const char *after, char *out, size_t cap)
{
	const char *p = s ? strstr(s, after) : NULL;
	if (!p)
		return false;
	p = strchr(p, '(');
	const char *e = p ? strchr(p, ')') : NULL;
	if (!p || !e)
		return false;
	size_t n = (size_t)(e - p - 1);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p + 1, n);
	out[n] = '\0';
	return true;
}

/* Copies the n-th (0-based) double-quoted word of s. */
static bool quoted(const char *s, int nth, char *out, size_t cap)
{
	const char *p = s;
	for (int i = 0; p && i <= nth; i++) {
		p = strchr(p, '"');
		const char *e = p ? strchr(p + 1, '"') : NULL;
		if (!e)
			return false;
		if (i == nth) {
			size_t n = (size_t)(e - p - 1);
			if (n >= cap)
				n = cap - 1;
			memcpy(out, p + 1, n);
			out[n] = '\0';
			return true;
		}
		p = e + 1;
	}
	return false;
}

/* 23505: "email x is already used by another coach". */
static db_status unique_words(db *d, const char *table, const char *cons, const char *detail)
{
	char cols[128] = "", val[200] = "";
	if (cons && strcmp(cons, "idx_cma_one_primary") == 0) {
		dbi_seterr(d, "this coach already has a primary coaching model");
		return DB_CONSTRAINT;
	}
	paren_after(detail, "Key ", cols, sizeof cols);
	paren_after(detail, ")=", val, sizeof val);
	if (strchr(cols, ','))
		dbi_seterr(d, "this %s already exists (%s)", table_label(table), cols);
	else if (*cols)
		dbi_seterr(d, "%s %s is already used by another %s", cols, val, table_label(table));
	else
		dbi_seterr(d, "duplicate value: another %s already has it", table_label(table));
	return DB_CONSTRAINT;
}

/* 23503: a missing referenced row, or a delete that would orphan rows. */
static db_status fk_words(db *d, const char *table, const char *primary, const char *detail)
{
	char pk[64] = "", col[64] = "", ref[64] = "";
	if (primary && strncmp(primary, "update or delete on table", 25) == 0) {
		quoted(primary, 0, pk, sizeof pk);
		dbi_seterr(d, "cannot delete this %s: %s still refer to it (move or delete them first)",
		           table_label(pk), table ? table : "other rows");
		return DB_CONSTRAINT;
	}
	paren_after(detail, "Key ", col, sizeof col);
	quoted(detail, 0, ref, sizeof ref);
	dbi_seterr(d, "%s: the chosen %s does not exist", *col ? col : "reference",
	           table_label(*ref ? ref : NULL));
	return DB_CONSTRAINT;
}

/* One line from the error fields, no newlines. */
static void plain_error(db *d, const PGresult *res)
{
	const char *m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	dbi_seterr(d, "%s%s%s", sev && strcmp(sev, "ERROR") ? sev : "", sev && strcmp(sev, "ERROR") ? ": " : "",
	           m ? m : PQresultErrorMessage(res));
}

db_status dbi_status_from_result(db *d, const PGresult *res)
{
	if (!res || PQstatus(d->pg) == CONNECTION_BAD)
		return conn_lost(d);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *col = PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	const char *cons = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (!state)
		state = "";
	if (strcmp(state, "23505") == 0)
		return unique_words(d, table, cons, detail);
	if (strcmp(state, "23503") == 0)
		return fk_words(d, table, primary, detail);
	if (strcmp(state, "23502") == 0) {
		dbi_seterr(d, "%s is required for a %s", col ? col : "a value", table_label(table));
		return DB_CONSTRAINT;
	}
	if (strcmp(state, "23514") == 0 || strcmp(state, "23P01") == 0) {
		dbi_seterr(d, "the %s breaks the rule %s", table_label(table), cons ? cons : "(check)");
		return DB_CONSTRAINT;
	}
	if (strcmp(state, "25006") == 0) {
		dbi_seterr(d, "write refused: this session is read-only (--read-only or a replica)");
		return DB_READONLY;
	}
	if (strcmp(state, "57014") == 0) {
		if (d->canceling) {
			dbi_seterr(d, "canceled");
			return DB_CANCELED;
		}
		dbi_seterr(d, "the query took too long and was stopped (statement_timeout)");
		return DB_TIMEOUT;
	}
	if (strcmp(state, "55P03") == 0) {
		dbi_seterr(d, "the record is locked by another session (lock_timeout); try again");
		return DB_TIMEOUT;
	}
	if (strcmp(state, "42P01") == 0) {
		dbi_seterr(d, "rapport's tables are missing (%s); run `rapport db migrate`",
		           primary ? primary : "undefined table");
		return DB_NOSCHEMA;
	}
	if (strcmp(state, "42501") == 0) {
		dbi_seterr(d, "permission denied for %s: %s", db_user(d), primary ? primary : "");
		return DB_DENIED;
	}
	if (strncmp(state, "22", 2) == 0) {
		plain_error(d, res);
		return DB_INVALID;
	}
	if (strcmp(state, "53100") == 0) {
		dbi_seterr(d, "the server's disk is full; nothing was written");
		return DB_ERROR;
	}
	if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	    strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
		plain_error(d, res);
		return DB_CONNLOST;
	}
	plain_error(d, res);
	return DB_ERROR;
}

db_status dbi_begin(db *d)
{
	return dbi_exec(d, "BEGIN", 0, NULL);
}

db_status dbi_commit(db *d)
{
	return dbi_exec(d, "COMMIT", 0, NULL);
}

void dbi_rollback(db *d)
{
	char keep[sizeof d->errmsg];
	memcpy(keep, d->errmsg, sizeof keep);
	if (PQstatus(d->pg) == CONNECTION_OK && PQtransactionStatus(d->pg) != PQTRANS_IDLE)
		dbi_exec(d, "ROLLBACK", 0, NULL);
	memcpy(d->errmsg, keep, sizeof keep);
}

void dbi_set_ctx(db *d, long a, long b)
{
	d->ctx[0] = a;
	d->ctx[1] = b;
}

long dbi_ctx(const db *d, int i)
{
	return i >= 0 && i < 2 ? d->ctx[i] : 0;
}

db_status dbi_wait(db *d)
{
	if (!d || d->state == DBI_IDLE)
		return DB_INVALID;
	return wait_done(d, false);
}
