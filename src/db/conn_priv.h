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
	/* server notices, oldest first (ring) */
	char *notices[DBI_NOTICE_MAX];
	size_t nhead, ncount;
};

/* Drops whatever request is running or finished-untaken (async.c). */
void dbi_reset(db *d);
/* Closes a connection whose server no longer answers (conn.c); db_reconnect
 * opens a new one with the same parameters. */
void dbi_abandon(db *d);

#endif
