#ifndef RAPPORT_INGEST_H
#define RAPPORT_INGEST_H
/* Ingestion (src/db/ingest.c): one data item, all its chunks and their
 * embeddings are written in ONE transaction (a failure anywhere leaves
 * nothing behind). Idempotent by content: the SHA-256 of raw_content is
 * stored in data_items.metadata.content_sha256 and an identical text is not
 * stored twice.
 *
 * What is written:
 *   data_items: data_type, coach_id, client_id, client_organization_id,
 *     visibility_level, raw_content, metadata {title, session_date,
 *     created_by_user_id (the coach's id), content_sha256}
 *   data_chunks: chunk_index 0.., content = raw_content[start..end),
 *     embedding (NULL without pgvector), metadata {embedding_model, start,
 *     end (byte offsets into raw_content), char_start, char_end (character
 *     offsets, as SQL substr() counts them)}
 *
 * Errors: db_status; on a negative status db_errmsg() holds one line.
 * DB_INVALID: bad content or options (the message says which and, for
 * invalid UTF-8, the byte offset); DB_NOTFOUND: a named client/org/coach
 * does not exist. Embedding-provider failures are DB_ERROR with the
 * provider's line. */
#include "rapport/chunk.h"
#include "rapport/db.h"
#include "rapport/embed.h"

#include <stdbool.h>
#include <stddef.h>

#define INGEST_MAX_BYTES ((size_t)64 << 20) /* larger texts are refused */

/* Called after each batch of chunks is embedded and sent: done of total. */
typedef void (*ingest_progress_fn)(void *ud, size_t done, size_t total);

typedef struct ingest_opts {
	const char *data_type;  /* transcript (NULL) | assessment | company_doc | coaching_model */
	const char *visibility; /* private (NULL) | coach_only | org_visible | public */
	const char *client;     /* client email or uuid; NULL none */
	const char *org;        /* organization slug or uuid; NULL: the client's */
	const char *coach;      /* coach email or uuid; NULL: the client's primary coach */
	const char *title;      /* metadata.title; NULL none */
	const char *session_date; /* metadata.session_date, YYYY-MM-DD; NULL none */
	chunk_opts chunk;
	ingest_progress_fn progress;
	void *progress_ud;
} ingest_opts;

typedef struct ingest_result {
	char item_id[DB_UUID_LEN];
	bool already; /* identical content was already stored: item_id is that item,
	                 nothing was written */
	size_t nchunks;
	bool embedded;   /* false: chunks stored without vectors (no pgvector / no embedder) */
	char sha256[65]; /* hex digest of the content */
} ingest_result;

/* Checks text before anything is sent: not empty or whitespace only, no NUL
 * byte (binary), valid UTF-8, at most INGEST_MAX_BYTES. Returns 0, or -1
 * with one line in msg. Pure. */
int ingest_check(const char *text, size_t len, char *msg, size_t msgsz);

/* Ingests one text. e embeds the chunks; it may be NULL when the server has
 * no pgvector (chunks are stored without embeddings, text search still
 * works). e's dimension must be the column's (db_caps.embedding_dim). */
db_status ingest_text(db *d, embedder *e, const char *text, size_t len, const ingest_opts *o,
                      ingest_result *out);

typedef struct reembed_opts {
	bool all; /* every chunk; false: only chunks whose embedding_model is not
	             e's, or that have no embedding */
	ingest_progress_fn progress;
	void *progress_ud;
} reembed_opts;

/* Recomputes chunk embeddings with e, in batches of one transaction each
 * (an interrupted run can simply be started again). *done receives the
 * number of chunks updated. */
db_status ingest_reembed(db *d, embedder *e, const reembed_opts *o, size_t *done);
/* Number of chunks ingest_reembed would update. */
db_status ingest_reembed_count(db *d, const char *model_id, bool all, long long *out);

/* Bulk path. Inserting a row into a 1536-dimension HNSW index costs about
 * as much as building five rows into a fresh one (pgvector prunes the
 * neighbours' lists on every insert), so when a batch is large relative to
 * the table, loading first and building the index afterwards is faster:
 *   ingest_bulk_begin: when est_chunks >= INGEST_BULK_MIN_CHUNKS and >= the
 *     rows already in data_chunks, the role owns the table, the index is
 *     valid and no other bulk run is on: records the index's definition in
 *     ingest_deferred_indexes (migration 021), then DROP INDEX CONCURRENTLY
 *     (blocks no reader or writer; a wait for a lock longer than 2 s gives up:
 *     before the drop began, the ordinary path is taken; half-way, the
 *     invalid index left behind is rebuilt by ingest_bulk_end).
 *     *deferred says which path was taken. Holds a session advisory lock
 *     until ingest_bulk_end.
 *   ingest_text as usual: still one transaction per item. Searches meanwhile
 *     are exact scans: correct, slower.
 *   ingest_bulk_end: CREATE INDEX CONCURRENTLY from the recorded definition
 *     (readers and writers go on), then forgets the record. Call it whether
 *     or not the items succeeded.
 *   ingest_index_repair: rebuilds an index that a killed bulk run left away
 *     (a record with no bulk run holding the lock); *rebuilt says whether it
 *     did. Call before ingesting. */
#define INGEST_BULK_MIN_CHUNKS 1000
db_status ingest_bulk_begin(db *d, size_t est_chunks, bool *deferred);
db_status ingest_bulk_end(db *d);
db_status ingest_index_repair(db *d, bool *rebuilt);

/* pgvector's binary form of a vector (what vector_recv reads: int16 dim,
 * int16 unused = 0, dim float4, all big-endian), as ingestion sends it in
 * binary COPY: bit-exact, unlike a decimal text form. out must have
 * INGEST_VECTOR_BINARY_SIZE(dim) bytes; returns that size. Pure. */
#define INGEST_VECTOR_BINARY_SIZE(dim) (4 + 4 * (size_t)(dim))
size_t ingest_vector_binary(const float *v, int dim, char *out);

#endif
