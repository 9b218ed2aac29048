/* The request engine: one request in flight per connection, sent with
 * PQsendQueryParams, read with PQconsumeInput/PQisBusy (async) or a poll()
 * loop on the socket (blocking), and SQLSTATE mapped to db_status. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/conn_priv.h"

static db_status flush_queued(db *d);

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
	if (d->queued) {
		db_status q = flush_queued(d);
		if (q == DB_PENDING)
			return DB_PENDING;
		if (q != DB_OK)
			return d->done;
	}
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

static int wait_readable_ms(db *d, int ms);

/* Blocks until the running request is complete. */
static db_status wait_done(db *d, bool keep_res)
{
	while (d->state == DBI_RUNNING) {
		db_status st = collect(d, keep_res);
		if (st != DB_PENDING)
			return st;
		if (d->queued) { /* waiting for a cancelled request to drain */
			wait_readable_ms(d, 100);
			continue;
		}
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

/* Puts a statement on the wire (the connection must be free). */
static db_status send_now(db *d, const char *sql, int nparams, const char *const *params)
{
	if (PQstatus(d->pg) != CONNECTION_OK)
		return conn_lost(d);
	if (!PQsendQueryParams(d->pg, sql, nparams, NULL, params, NULL, NULL, 0)) {
		if (PQstatus(d->pg) != CONNECTION_OK)
			return conn_lost(d);
		dbi_seterr(d, "could not send the query: %s", PQerrorMessage(d->pg));
		return DB_ERROR;
	}
	d->state = DBI_RUNNING;
	return DB_OK;
}

/* Frees a queued request. */
static void queue_free(dbi_queued *q)
{
	if (!q)
		return;
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

/* strdup that aborts on exhaustion (NULL stays NULL). */
static char *xstrdup(const char *s)
{
	char *c = s ? strdup(s) : NULL;
	if (s && !c)
		abort();
	return c;
}

/* Keeps a copy of a request to send once the connection is free (replaces
 * any earlier one: latest wins). */
static void queue_set(db *d, const char *sql, int nparams, const char *const *params)
{
	queue_free(d->queued);
	dbi_queued *q = calloc(1, sizeof *q);
	if (!q || (nparams > 0 && !(q->params = calloc((size_t)nparams, sizeof *q->params))))
		abort();
	q->sql = xstrdup(sql);
	q->nparams = nparams;
	for (int i = 0; i < nparams; i++)
		q->params[i] = xstrdup(params[i]);
	d->queued = q;
}

static bool drain_step(db *d);

/* Sends the queued request once the cancelled one has drained: DB_PENDING
 * while it waits; on a failed send the request is DONE with that status. */
static db_status flush_queued(db *d)
{
	if (!drain_step(d))
		return DB_PENDING;
	dbi_queued *q = d->queued;
	d->queued = NULL;
	db_status st = send_now(d, q->sql, q->nparams, (const char *const *)q->params);
	queue_free(q);
	if (st != DB_OK) {
		d->value = NULL;
		d->done = st;
		d->state = DBI_DONE;
	}
	return st;
}

db_status dbi_send_ex(db *d, const char *sql, int nparams, const char *const *params,
                      dbi_parse_fn parse, void (*dtor)(void *))
{
	if (!d)
		return DB_INVALID;
	dbi_reset(d);
	d->parse = parse;
	d->dtor = dtor;
	d->canceling = false;
	d->errmsg[0] = '\0';
	if (!drain_step(d)) { /* a cancelled request is still on the connection */
		queue_set(d, sql, nparams, params);
		d->state = DBI_RUNNING;
		return DB_OK;
	}
	return send_now(d, sql, nparams, params);
}

db_status dbi_script(db *d, const char *sql)
{
	if (!d)
		return DB_INVALID;
	dbi_reset(d);
	while (!drain_step(d))
		wait_readable_ms(d, 100);
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

/* ---- cancel and drain ----------------------------------------------------
 * A cancel request travels on its own connection and may reach the server
 * after the query it was meant for has ended; it would then stop whatever
 * runs next. So after db_cancel nothing is sent on the connection until the
 * cancelled request's results are read to the end AND its last PQcancel has
 * returned (the server has delivered it by then; a cancel that finds the
 * backend idle is dropped). A send meanwhile is queued (latest wins) and
 * goes out from db_poll / the blocking waits. */

enum { DRAIN_GIVEUP_MS = 5000, CANCEL_REPEAT_MS = 500 };

struct dbi_cancel_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGcancel *c;
	bool done; /* PQcancel has returned */
	int refs;  /* the thread and the connection */
};

/* Monotonic milliseconds. */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Drops one reference to a cancel job; the last one frees it. */
static void job_release(dbi_cancel_job *j)
{
	if (!j)
		return;
	pthread_mutex_lock(&j->mu);
	bool last = --j->refs == 0;
	pthread_mutex_unlock(&j->mu);
	if (!last)
		return;
	PQfreeCancel(j->c);
	pthread_cond_destroy(&j->cv);
	pthread_mutex_destroy(&j->mu);
	free(j);
}

/* Thread body: PQcancel blocks until the server closes the cancel
 * connection, which a stopped server never does. */
static void *cancel_thread(void *arg)
{
	dbi_cancel_job *j = arg;
	char buf[256];
	PQcancel(j->c, buf, sizeof buf);
	pthread_mutex_lock(&j->mu);
	j->done = true;
	pthread_cond_broadcast(&j->cv);
	pthread_mutex_unlock(&j->mu);
	job_release(j);
	return NULL;
}

/* True once the job's PQcancel has returned; waits up to ms for it. */
static bool job_wait(dbi_cancel_job *j, long long ms)
{
	if (!j)
		return true;
	pthread_mutex_lock(&j->mu);
	if (!j->done && ms > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(ms / 1000);
		ts.tv_nsec += (long)(ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		while (!j->done && pthread_cond_timedwait(&j->cv, &j->mu, &ts) == 0)
			;
	}
	bool done = j->done;
	pthread_mutex_unlock(&j->mu);
	return done;
}

/* Sends a cancel request for the request on the connection from a thread,
 * never blocking the caller. */
static void send_cancel(db *d)
{
	job_release(d->cjob);
	d->cjob = NULL;
	PGcancel *c = PQgetCancel(d->pg);
	if (!c)
		return;
	dbi_cancel_job *j = calloc(1, sizeof *j);
	if (!j)
		abort();
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	j->c = c;
	j->refs = 2;
	d->cjob = j;
	d->cancel_sent_ms = now_ms();
	pthread_t t;
	if (pthread_create(&t, NULL, cancel_thread, j) == 0)
		pthread_detach(t);
	else
		cancel_thread(j);
}

/* Waits up to ms for the socket; 0 when readable, 1 on timeout, -1 on error. */
static int wait_readable_ms(db *d, int ms)
{
	int fd = d->pg ? PQsocket(d->pg) : -1;
	if (fd < 0)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r = poll(&p, 1, ms);
	return r > 0 ? 0 : r == 0 ? 1 : (errno == EINTR ? 1 : -1);
}

void dbi_drain_forget(db *d)
{
	job_release(d->cjob);
	d->cjob = NULL;
	d->draining = false;
	queue_free(d->queued);
	d->queued = NULL;
}

/* Reads (and drops) what the cancelled request still sends, without blocking. */
static void drain_read(db *d)
{
	if (d->drained)
		return;
	if (!PQconsumeInput(d->pg)) {
		d->drained = true;
		return;
	}
	while (!PQisBusy(d->pg)) {
		PGresult *r = PQgetResult(d->pg);
		if (!r) {
			d->drained = true;
			return;
		}
		PQclear(r);
	}
}

/* Ends the drain state (the connection is free or gone). */
static bool drain_end(db *d)
{
	job_release(d->cjob);
	d->cjob = NULL;
	d->draining = false;
	return true;
}

/* Advances the drain of a cancelled request; true once the connection is
 * free for the next statement. Once the results are in, waits for the last
 * cancel request to return (a round trip to a live server). After ~5 s the
 * connection is given up (the next send says so; db_reconnect opens anew). */
static bool drain_step(db *d)
{
	if (!d->draining)
		return true;
	if (!d->pg || PQstatus(d->pg) != CONNECTION_OK)
		return drain_end(d);
	drain_read(d);
	if (PQstatus(d->pg) != CONNECTION_OK)
		return drain_end(d);
	long long now = now_ms(), left = d->drain_start_ms + DRAIN_GIVEUP_MS - now;
	if (d->drained && job_wait(d->cjob, left))
		return drain_end(d);
	if (now_ms() - d->drain_start_ms >= DRAIN_GIVEUP_MS) {
		dbi_abandon(d);
		return drain_end(d);
	}
	/* a cancel that reaches the server before the query starts is ignored:
	 * repeat it, one at a time */
	if (!d->drained && job_wait(d->cjob, 0) && now - d->cancel_sent_ms >= CANCEL_REPEAT_MS)
		send_cancel(d);
	return false;
}

void db_cancel(db *d)
{
	if (!d || d->state != DBI_RUNNING)
		return;
	if (d->queued) { /* never sent: nothing to stop on the server */
		queue_free(d->queued);
		d->queued = NULL;
	} else if (d->pg) {
		d->canceling = true;
		PQclear(d->res);
		d->res = NULL;
		d->draining = true;
		d->drained = false;
		d->drain_start_ms = now_ms();
		drain_read(d); /* a request that already ended needs no cancel */
		if (d->drained || PQstatus(d->pg) != CONNECTION_OK)
			drain_end(d);
		else
			send_cancel(d);
	}
	drop_value(d);
	d->state = DBI_IDLE;
	if (d->pg && PQstatus(d->pg) == CONNECTION_OK)
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
		if (primary && strstr(primary, "user request")) /* not ours: pg_cancel_backend */
			dbi_seterr(d, "the query was canceled on the server (pg_cancel_backend, e.g. by an administrator)");
		else
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
	if (strcmp(state, "42883") == 0 && primary && strstr(primary, "rapport_")) {
		/* one of rapport's functions (rapport_knn): migrations not applied */
		dbi_seterr(d, "rapport's schema is missing or not up to date (%s); run `rapport db "
		              "migrate`",
		           primary);
		return DB_NOSCHEMA;
	}
	if (strcmp(state, "42501") == 0) {
		/* the server's words name what was refused; say who asked, once */
		const char *what = primary && *primary ? primary : "permission denied";
		dbi_seterr(d, "%s%s (role %s)",
		           strncmp(what, "permission denied", 17) ? "permission denied: " : "", what,
		           db_user(d));
		return DB_DENIED;
	}
	if (strcmp(state, "22021") == 0) {
		dbi_seterr(d, "a value is not valid UTF-8; nothing was written");
		return DB_INVALID;
	}
	if (strcmp(state, "54000") == 0) {
		dbi_seterr(d, "a value is too long for the %s's index (keep names, emails and "
		              "slugs under about 2,000 bytes); nothing was written",
		           table_label(table));
		return DB_INVALID;
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
