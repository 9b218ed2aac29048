#ifndef RAPPORT_SEARCH_H
#define RAPPORT_SEARCH_H
/*
 * Transcript search (src/db/search.c): semantic (pgvector cosine distance on
 * the HNSW index), full-text (websearch_to_tsquery over an indexed tsvector,
 * ts_rank_cd) and hybrid (reciprocal rank fusion of both lists, k = 60), with
 * scopes (company, coach, client, organization), data type, date range and
 * visibility filters, and "more like this" from a chunk's stored vector.
 *
 * Visibility is enforced by the database (row-level security on data_items
 * and data_chunks): every statement here runs as the connected role, so a
 * result, a snippet, a score or a "more" flag is only ever computed from rows
 * that role may see.
 *
 * Ownership: search_result values are owned by the caller and freed with
 * search_result_free(). Every string in a hit is raw database text: pass it
 * through text_sanitize() before it reaches a terminal. Snippets contain
 * highlight markers (SEARCH_HL_START / SEARCH_HL_STOP, bytes 0x01 and 0x02)
 * around matched words; control bytes 0x01/0x02 that were in the content
 * itself arrive as U+2401/U+2402 (visible symbols), so a marker can never be
 * confused with content. Use search_snippet_next() to walk the segments and
 * sanitize each one separately (the sanitizer would escape the markers).
 *
 * Errors: functions return db_status; on a negative status db_errmsg() holds
 * one line. DB_INVALID is returned (before anything is sent) for: a query
 * vector embedded by a model the corpus does not use (the message names both
 * models and says what to do), semantic/hybrid search without pgvector, a
 * vector of the wrong dimension, bad uuids or dates.
 *
 * Async use: search_send() starts the request (it may run one short blocking
 * statement the first time per connection, to learn the corpus's embedding
 * models and pgvector's capabilities; see search_prepare()), then db_poll()
 * until DB_OK and search_take(). search_run() is the blocking form.
 */
#include <stdbool.h>
#include <stddef.h>

#include "rapport/db.h"

#define SEARCH_HL_START '\x01'
#define SEARCH_HL_STOP '\x02'
#define SEARCH_RRF_K 60
#define SEARCH_LIMIT_MAX 1000

typedef enum search_mode {
	SEARCH_HYBRID = 0, /* default when embeddings exist */
	SEARCH_SEMANTIC,
	SEARCH_TEXT,
	SEARCH_MODE_COUNT
} search_mode;

/* "hybrid", "semantic", "text". */
const char *search_mode_name(search_mode m);
/* Parses a mode name (also "sem", "txt", "fts"); returns false if unknown. */
bool search_mode_parse(const char *s, search_mode *out);

typedef struct search_req {
	search_mode mode;
	const char *query;    /* the words typed; required for text and hybrid */
	const float *qvec;    /* query embedding (semantic/hybrid), NULL: none */
	int qdim;             /* floats in qvec; must equal the column's dimension */
	const char *model_id; /* embed_model_id() of the embedder that made qvec */
	/* "More like this": search from this chunk's stored vector (no provider;
	 * qvec/model_id ignored). Mode is forced to semantic; the source item's
	 * own chunks are left out. NULL/"" none. */
	const char *like_chunk_id;
	/* Scopes (uuids; NULL or "" means no filter). */
	const char *company_id;
	const char *coach_id;
	const char *client_id;
	const char *org_id;
	const char *data_type;  /* transcript | assessment | company_doc | ...; NULL all */
	const char *date_from;  /* item date >= (ISO date, inclusive), NULL none */
	const char *date_to;    /* item date <= (ISO date, inclusive), NULL none */
	const char *visibility; /* private | coach_only | org_visible | public; NULL all */
	int limit;              /* 1..SEARCH_LIMIT_MAX; 0 = 20 */
	int offset;             /* >= 0 */
	int ef_search;          /* hnsw.ef_search; 0 = max(300, candidates) */
	bool exact;             /* brute-force distances, no index (to measure recall) */
} search_req;

typedef struct search_hit {
	char chunk_id[DB_UUID_LEN];
	char item_id[DB_UUID_LEN]; /* data_items.id */
	int chunk_index;
	double score;      /* what the list is ordered by: similarity (semantic),
	                      ts_rank_cd (text) or the fused RRF score (hybrid) */
	double distance;   /* cosine distance; < 0 when not in the semantic list */
	double similarity; /* 1 - distance; 0 when not in the semantic list */
	double text_rank;  /* ts_rank_cd; 0 when the words did not match */
	int sem_pos;       /* 1-based position in the semantic list, 0 absent */
	int text_pos;      /* 1-based position in the text list, 0 absent */
	char *client_name, *client_email; /* NULL when the item has no client */
	char *coach_name, *coach_email;   /* item's coach (else client's primary coach) */
	char coach_id[DB_UUID_LEN];       /* "" when none */
	char client_id[DB_UUID_LEN];      /* "" when none */
	char *org_name;                   /* item's (else client's) organization */
	char *data_type;
	char *title;     /* metadata->>'title', else the first line of raw_content */
	char *item_date; /* YYYY-MM-DD: metadata date/session_date, else created_at */
	long long start; /* chunk's byte offsets in raw_content; -1 unknown */
	long long end;
	char *snippet; /* highlighted excerpt (markers: see top of file) */
} search_hit;

typedef struct search_result {
	search_mode mode; /* the mode that ran */
	search_hit *hits; /* best first */
	size_t n;
	bool more;  /* at least one more row exists after these (offset + n) */
	char *note; /* NULL, or one line worth telling the user (e.g. a mixed
	               corpus, an old pgvector whose filtered results may be short) */
} search_result;

db_status search_run(db *d, const search_req *r, search_result **out);
db_status search_send(db *d, const search_req *r);
db_status search_take(db *d, search_result **out);
void search_result_free(search_result *res);
/* Frees the strings of n hits and the array itself (for callers that took
 * the hits out of a result to keep them). */
void search_hits_free(search_hit *hits, size_t n);

/* Diagnostics (blocking): the plan of r's statement as EXPLAIN (ANALYZE,
 * BUFFERS) text (malloc'd, caller frees) with the server-side planning and
 * execution times in ms. */
db_status search_explain(db *d, const search_req *r, char **plan, double *planning_ms,
                         double *execution_ms);
/* A psql script (malloc'd, caller frees) that runs exactly r's statement
 * with its parameters as quoted literals (PREPARE/EXECUTE): to reproduce or
 * time a search outside rapport. */
db_status search_sql_script(db *d, const search_req *r, char **script);

/* Learns (and caches for this connection, 60 s) pgvector's capabilities and
 * the embedding models of the corpus visible to this role. Called by
 * search_send(); callers may call it ahead (e.g. when the pane opens) so the
 * send never blocks. Blocking. */
db_status search_prepare(db *d);
/* Forgets the cached corpus models of d (after ingest/reembed in-process). */
void search_forget(db *d);
/* The embedding models of the visible corpus (after search_prepare): a
 * NULL-terminated array of strings static in the cache (valid until the next
 * search_* call on d), or NULL. */
const char *const *search_corpus_models(db *d);
/* Why semantic search is unavailable on d (no pgvector, no embeddings), or
 * NULL when it is available. Static in the cache. */
const char *search_semantic_unavailable(db *d);

/* Walks a snippet's segments: starting at *pos (0 first), sets *seg and *len to
 * the next run of text and *hl to whether it is a match. Returns false at
 * the end. The segments exclude the markers. */
bool search_snippet_next(const char *snippet, size_t *pos, const char **seg, size_t *len,
                         bool *hl);
/* The snippet without markers (malloc'd). */
char *search_snippet_plain(const char *snippet);

#endif
