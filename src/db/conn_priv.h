#ifndef RAPPORT_DB_CONN_PRIV_H
#define RAPPORT_DB_CONN_PRIV_H
/* Private to src/db/conn.c and src/db/async.c (H2): the connection struct.
 * Every other file goes through the functions of internal.h. */
#include "db/internal.h"

typedef void (*dbi_free_fn)(void *);

typedef enum dbi_state {
	DBI_IDLE,    /* nothing in flight, nothing to take */
	DBI_RUNNING, /* a request was sent; results not complete */
	DBI_DONE,    /* finished: status + parsed value waiting for *_take() */
} dbi_state;

enum { DBI_NOTICE_MAX = 64 };

typedef struct dbi_cancel_job dbi_cancel_job; /* one PQcancel in its thread (async.c) */

/* A send made while a cancelled request still drains: sent by db_poll (or a
 * blocking wait) once the connection is free. Latest wins. */
typedef struct dbi_queued {
	char *sql;
	int nparams;
	char **params; /* copies; NULL entries are SQL NULL */
} dbi_queued;

struct db {
	PGconn *pg;                /* NULL after dbi_abandon until db_reconnect */
	PQconninfoOption *params;  /* the connection's parameters, for db_reconnect */
	bool read_only;
	char errmsg[768];
	char describe[320];
	/* async request */
	dbi_state state;
	dbi_parse_fn parse;
	dbi_free_fn dtor;  /* frees an untaken parsed value */
	PGresult *res;     /* first error result, or the last good one */
	db_status done;    /* status once DBI_DONE */
	void *value;       /* parsed value once DBI_DONE */
	long ctx[2];       /* dbi_set_ctx */
	bool canceling;    /* a 57014 now means "canceled", not "timeout" */
	/* a cancelled request still on the connection: no statement is sent
	 * until its results are drained and its cancel request has returned */
	bool draining;
	bool drained;              /* its results were read to the end */
	dbi_cancel_job *cjob;      /* the last cancel sent for it */
	long long drain_start_ms;  /* when it was cancelled */
	long long cancel_sent_ms;  /* when the last cancel was sent */
	dbi_queued *queued;        /* the request waiting for the drain (state RUNNING) */
	/* server notices, oldest first (ring) */
	char *notices[DBI_NOTICE_MAX];
	size_t nhead, ncount;
};

/* Drops whatever request is running or finished-untaken (async.c). */
void dbi_reset(db *d);
/* Forgets a cancelled request still draining and any queued send, when the
 * connection is closed or replaced (async.c). */
void dbi_drain_forget(db *d);
/* Closes a connection whose server no longer answers (conn.c); db_reconnect
 * opens a new one with the same parameters. */
void dbi_abandon(db *d);

#endif
