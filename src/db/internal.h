#ifndef RAPPORT_DB_INTERNAL_H
#define RAPPORT_DB_INTERNAL_H
/* Private to src/db/: the async request engine every query goes through.
 * Only files under src/db/ include this (and libpq-fe.h). */
#include <libpq-fe.h>

#include "rapport/db.h"

/* Each kind's core columns in table order (not id, metadata, created_at,
 * updated_at), NULL-terminated: what records read and write, and the record
 * half of a detail (src/db/kind.c). */
enum { DBI_MAXCOLS = 8 };
extern const char *const dbi_columns[DB_KIND_COUNT][DBI_MAXCOLS];

/* Turns a finished PGresult (status already checked OK) into a rapport-owned
 * value stored in *out. Returns DB_OK or a negative status (set the message
 * with dbi_seterr). Must not PQclear(res). */
typedef db_status (*dbi_parse_fn)(db *d, PGresult *res, void **out);

/* Starts `sql` with text parameters (NULL entries are SQL NULL). Cancels and
 * discards an unfinished previous request. `parse` runs when the result
 * arrives; `ctx` is passed to nothing but kept for the parser in d->ctx. */
db_status dbi_send(db *d, const char *sql, int nparams, const char *const *params,
                   dbi_parse_fn parse);
/* Takes the parsed result of the finished request; DB_PENDING if not ready. */
db_status dbi_take(db *d, void **out);
/* send + wait (poll loop on the socket) + take. */
db_status dbi_run(db *d, const char *sql, int nparams, const char *const *params,
                  dbi_parse_fn parse, void **out);
/* Blocking statement with no rows wanted (DDL, SET, BEGIN/COMMIT...). */
db_status dbi_exec(db *d, const char *sql, int nparams, const char *const *params);
/* Blocking statement returning the PGresult for the caller to read and PQclear. */
db_status dbi_query(db *d, const char *sql, int nparams, const char *const *params,
                    PGresult **out);

/* Maps a failed PGresult (SQLSTATE) or connection state to a db_status and
 * sets the one-line message. */
db_status dbi_status_from_result(db *d, const PGresult *res);
void dbi_seterr(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
PGconn *dbi_pg(db *d);

/* Copies a nullable field to a malloc'd string (NULL stays NULL). */
char *dbi_strdup_field(const PGresult *res, int row, int col);

/* Additions (H2): like dbi_send, with a destructor for a parsed value that is
 * never taken (replaced by a newer request or dropped on close). */
db_status dbi_send_ex(db *d, const char *sql, int nparams, const char *const *params,
                      dbi_parse_fn parse, void (*dtor)(void *));
/* Like dbi_take, but refuses (DB_INVALID) when the finished request was sent
 * with another parser: a *_take() never misreads another request's value. */
db_status dbi_take_as(db *d, dbi_parse_fn parse, void **out);
/* Blocking statements in one transaction: BEGIN, then the caller's dbi_exec /
 * dbi_query calls, then dbi_commit (or dbi_rollback on any error). */
db_status dbi_begin(db *d);
db_status dbi_commit(db *d);
void dbi_rollback(db *d);

/* Blocks until the request started by a *_send is finished (then *_take). */
db_status dbi_wait(db *d);
/* Two integers a parser may read back (e.g. a page's limit and direction):
 * set right after the *_send, read inside the parse function. */
void dbi_set_ctx(db *d, long a, long b);
long dbi_ctx(const db *d, int i);
/* Data exceptions (SQLSTATE class 22, e.g. bad JSON) map to DB_INVALID. */

/* Blocking multi-statement script (simple protocol, no parameters): only for
 * rapport's own compiled-in SQL (migrations) and test setup. */
db_status dbi_script(db *d, const char *sql);

#endif
