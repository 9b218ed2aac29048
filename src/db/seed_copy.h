#ifndef RAPPORT_SEED_COPY_H
#define RAPPORT_SEED_COPY_H
/* Private to src/db/seed*.c: streaming COPY FROM STDIN writers (text and
 * binary format) with a bounded buffer, plus helpers shared by the demo and
 * scale loaders. */
#include "db/internal.h"
#include "db/seed_data.h"

#include <stdint.h>
#include <uuid/uuid.h>

typedef struct seed_copy {
	db *d;
	PGconn *pg;
	seed_buf buf;
	int binary;
	int fields; /* fields written in the current text row */
	db_status st;
	long long rows;
} seed_copy;

/* Starts `COPY ... FROM STDIN` (sql names the table and columns; binary adds
 * the binary header). On failure the error is in db_errmsg(d). */
db_status seed_copy_begin(seed_copy *c, db *d, const char *sql, int binary);
/* Text format: one field (escaped), a NULL field, end of row. */
void seed_copy_text(seed_copy *c, const char *s, size_t n);
void seed_copy_str(seed_copy *c, const char *s); /* NULL writes \N */
void seed_copy_null(seed_copy *c);
void seed_copy_end_row(seed_copy *c);
/* Binary format: start a tuple of n fields, then each field. */
void seed_copy_tuple(seed_copy *c, int nfields);
void seed_copy_bfield(seed_copy *c, const void *p, size_t n);
void seed_copy_bnull(seed_copy *c);
void seed_copy_bint32(seed_copy *c, int32_t v);
void seed_copy_buuid(seed_copy *c, const uuid_t u);
void seed_copy_btimestamp(seed_copy *c, int64_t unix_seconds);
void seed_copy_bjsonb(seed_copy *c, const char *json, size_t n);
void seed_copy_bvector(seed_copy *c, const float *v, int dim);
/* Ends the COPY and reads its result; returns the first error seen. */
db_status seed_copy_finish(seed_copy *c);

/* Name-based uuid (SHA-1, rapport's fixed namespace) of "fmt..." */
void seed_uuid(uuid_t out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void seed_uuid_str(char out[37], const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "YYYY-MM-DD" of days since 1970-01-01. */
void seed_date(char out[11], long days);
/* Days since 1970-01-01 of y-m-d. */
long seed_days(int y, int m, int d);
/* "YYYY-MM-DD HH:MM:SS" of seconds since 1970-01-01 (UTC, no zone). */
void seed_timestamp(char out[20], int64_t secs);
/* Lowercase ASCII e-mail local part of a name ("Tobias Krüger" -> tobias.kruger). */
void seed_email_local(const char *name, char *out, size_t n);
/* Characters (UTF-8 code points) in s[0..n). */
size_t seed_utf8_chars(const char *s, size_t n);
/* Appends a JSON string literal (quoted, escaped). */
void seed_json_str(seed_buf *b, const char *s);
/* Appends the text form of a Postgres array of text: {"a","b"}. */
void seed_pg_array_add(seed_buf *b, const char *s);

/* DB_DENIED with a message when row-level security on data_items or
 * data_chunks applies to this role (COPY FROM is refused under RLS). */
db_status seed_rls_check(db *d);

/* Non-constraint indexes of `table` dropped for a bulk load and recreated
 * afterwards from their saved definitions. */
typedef struct seed_indexes {
	char **names, **defs;
	size_t n;
} seed_indexes;
db_status seed_indexes_drop(db *d, const char *table, seed_indexes *ix);
/* serial_hnsw: build HNSW indexes without parallel workers (pgvector before
 * 0.8.2 can overflow in parallel HNSW builds). */
db_status seed_indexes_restore(db *d, seed_indexes *ix, int serial_hnsw, FILE *progress);
void seed_indexes_free(seed_indexes *ix);

#endif
