/* Ingestion: a data item, its chunks and their embeddings in one
 * transaction; chunks go in through COPY in binary format (vectors travel as
 * pgvector's binary form: no float printing here, no float parsing on the
 * server, exact values). Also the re-embedding of stored chunks. */
#include "rapport/ingest.h"

#include "db/internal.h"
#include "rapport/metaschema.h"
#include "rapport/sha256.h"
#include "rapport/text.h"

#include <cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COPY_FLUSH = 1 << 20, REEMBED_BATCH_MAX = 256 };

static const char *const data_types[] = {"transcript", "assessment", "company_doc",
                                         "coaching_model", NULL};
static const char *const visibilities[] = {"private", "coach_only", "org_visible", "public", NULL};

/* Offset of the first byte that is not part of valid UTF-8, or len. */
static size_t utf8_invalid_at(const unsigned char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n = t[i] < 0x80 ? 1 : text_utf8_decode((const char *)t + i, len - i, &cp);
		if (n == 0)
			return i;
		i += (size_t)n;
	}
	return len;
}

int ingest_check(const char *text, size_t len, char *msg, size_t msgsz)
{
	const unsigned char *t = (const unsigned char *)text;
	if (len == 0) {
		snprintf(msg, msgsz, "is empty");
		return -1;
	}
	if (len > INGEST_MAX_BYTES) {
		snprintf(msg, msgsz, "is %zu MB, more than the %zu MB limit: split it first",
		         len >> 20, INGEST_MAX_BYTES >> 20);
		return -1;
	}
	const unsigned char *nul = memchr(t, 0, len);
	if (nul) {
		snprintf(msg, msgsz, "looks binary (NUL byte at offset %zu), not text",
		         (size_t)(nul - t));
		return -1;
	}
	size_t bad = utf8_invalid_at(t, len);
	if (bad < len) {
		snprintf(msg, msgsz,
		         "is not valid UTF-8 (byte 0x%02X at offset %zu); convert it "
		         "first, e.g. iconv -f LATIN1 -t UTF-8",
		         t[bad], bad);
		return -1;
	}
	size_t i = 0;
	while (i < len && (t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r' ||
	                   t[i] == '\f' || t[i] == '\v'))
		i++;
	if (i == len) {
		snprintf(msg, msgsz, "contains only whitespace");
		return -1;
	}
	return 0;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Checks the options; DB_INVALID with a message when one is wrong. */
static db_status check_opts(db *d, const ingest_opts *o)
{
	if (o->data_type && !in_list(o->data_type, data_types)) {
		dbi_seterr(d,
		           "unknown data type '%.40s' (use transcript, assessment, company_doc or "
		           "coaching_model)",
		           o->data_type);
		return DB_INVALID;
	}
	if (o->visibility && !in_list(o->visibility, visibilities)) {
		dbi_seterr(d,
		           "unknown visibility '%.40s' (use private, coach_only, org_visible or "
		           "public)",
		           o->visibility);
		return DB_INVALID;
	}
	if (o->session_date && !ms_is_date(o->session_date)) {
		dbi_seterr(d, "session date '%.40s' is not a day written YYYY-MM-DD", o->session_date);
		return DB_INVALID;
	}
	if (!o->client && !o->org && !o->coach) {
		dbi_seterr(d, "say whose text this is: a client, an organization or a coach");
		return DB_INVALID;
	}
	return DB_OK;
}

typedef struct owner {
	char client[DB_UUID_LEN], org[DB_UUID_LEN], coach[DB_UUID_LEN]; /* "" = NULL */
} owner;

static void copy_uuid(char dst[DB_UUID_LEN], const PGresult *r, int col)
{
	dst[0] = '\0';
	if (!PQgetisnull(r, 0, col))
		snprintf(dst, DB_UUID_LEN, "%s", PQgetvalue(r, 0, col));
}

/* Looks up one row by uuid or by its natural key (email / slug). */
static db_status lookup(db *d, const char *what, const char *by_id, const char *by_key,
                        const char *ref, PGresult **res)
{
	const char *p[1] = {ref};
	db_status st = dbi_query(d, db_is_uuid(ref) ? by_id : by_key, 1, p, res);
	if (st != DB_OK)
		return st;
	if (PQntuples(*res) == 0) {
		PQclear(*res);
		*res = NULL;
		dbi_seterr(d, "no %s '%.120s'", what, ref);
		return DB_NOTFOUND;
	}
	return DB_OK;
}

/* Resolves client / organization / coach references into ids. */
static db_status resolve_owner(db *d, const ingest_opts *o, owner *w)
{
	PGresult *r = NULL;
	db_status st;
	memset(w, 0, sizeof *w);
	if (o->client) {
		st = lookup(d, "client with that email or id",
		            "SELECT id, client_organization_id, primary_coach_id FROM clients "
		            "WHERE id = $1",
		            "SELECT id, client_organization_id, primary_coach_id FROM clients "
		            "WHERE email = $1",
		            o->client, &r);
		if (st != DB_OK)
			return st;
		copy_uuid(w->client, r, 0), copy_uuid(w->org, r, 1), copy_uuid(w->coach, r, 2);
		PQclear(r);
	}
	if (o->org) {
		st = lookup(d, "organization with that slug or id",
		            "SELECT id FROM client_organizations WHERE id = $1",
		            "SELECT id FROM client_organizations WHERE slug = $1", o->org, &r);
		if (st != DB_OK)
			return st;
		char org[DB_UUID_LEN];
		copy_uuid(org, r, 0);
		PQclear(r);
		if (w->client[0] && strcmp(org, w->org) != 0) {
			dbi_seterr(d, "client '%.80s' does not belong to organization '%.80s'",
			           o->client, o->org);
			return DB_INVALID;
		}
		memcpy(w->org, org, sizeof org);
	}
	if (o->coach) {
		st =
		    lookup(d, "coach with that email or id", "SELECT id FROM coaches WHERE id = $1",
		           "SELECT id FROM coaches WHERE email = $1", o->coach, &r);
		if (st != DB_OK)
			return st;
		copy_uuid(w->coach, r, 0);
		PQclear(r);
	}
	return DB_OK;
}

/* The data item's metadata JSON (malloc'd). */
static char *item_metadata(const ingest_opts *o, const owner *w, const char *sha)
{
	cJSON *m = cJSON_CreateObject();
	if (!m)
		return NULL;
	if (o->title)
		cJSON_AddStringToObject(m, "title", o->title);
	if (o->session_date)
		cJSON_AddStringToObject(m, "session_date", o->session_date);
	if (w->coach[0])
		cJSON_AddStringToObject(m, "created_by_user_id", w->coach);
	cJSON_AddStringToObject(m, "content_sha256", sha);
	char *s = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return s;
}

/* Inserts the data item and returns its id. */
static db_status insert_item(db *d, const char *text, const ingest_opts *o, const owner *w,
                             const char *sha, char id[DB_UUID_LEN])
{
	char *meta = item_metadata(o, w, sha);
	if (!meta) {
		dbi_seterr(d, "out of memory");
		return DB_ERROR;
	}
	const char *p[7] = {o->data_type ? o->data_type : "transcript",
	                    w->coach[0] ? w->coach : NULL,
	                    w->client[0] ? w->client : NULL,
	                    w->org[0] ? w->org : NULL,
	                    o->visibility ? o->visibility : "private",
	                    text,
	                    meta};
	PGresult *r = NULL;
	db_status st = dbi_query(d,
	                         "INSERT INTO data_items (data_type, coach_id, client_id,"
	                         " client_organization_id, visibility_level, raw_content, metadata)"
	                         " VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) RETURNING id",
	                         7, p, &r);
	free(meta);
	if (st != DB_OK)
		return st;
	snprintf(id, DB_UUID_LEN, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

/* ---- COPY rows --------------------------------------------------------- */

typedef struct buf {
	char *s;
	size_t n, cap;
	bool oom;
} buf;

static bool buf_reserve(buf *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->n + more + 1 <= b->cap)
		return true;
	size_t ncap = (b->n + more + 1) * 2;
	char *ns = realloc(b->s, ncap);
	if (!ns) {
		b->oom = true;
		return false;
	}
	b->s = ns, b->cap = ncap;
	return true;
}

static void buf_add(buf *b, const char *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

static void buf_str(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Appends a big-endian 16-bit integer. */
static void buf_be16(buf *b, uint16_t v)
{
	unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
	buf_add(b, (const char *)x, 2);
}

/* Appends a big-endian 32-bit integer. */
static void buf_be32(buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 8), (unsigned char)v};
	buf_add(b, (const char *)x, 4);
}

/* Appends one binary COPY field: its length, then its bytes. */
static void buf_field(buf *b, const char *s, size_t n)
{
	buf_be32(b, (uint32_t)n);
	buf_add(b, s, n);
}

/* Value of one hex digit, or -1. */
static int hex_val(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* The 16 bytes of a uuid in its text form (hyphens skipped); -1 if bad. */
static int uuid_bytes(const char *s, unsigned char out[16])
{
	int n = 0;
	for (; *s && n < 32; s++) {
		if (*s == '-')
			continue;
		int v = hex_val(*s);
		if (v < 0)
			return -1;
		out[n / 2] = (unsigned char)(n % 2 ? out[n / 2] | v : v << 4);
		n++;
	}
	return n == 32 && !*s ? 0 : -1;
}

size_t ingest_vector_binary(const float *v, int dim, char *out)
{
	unsigned char *o = (unsigned char *)out;
	o[0] = (unsigned char)((unsigned)dim >> 8), o[1] = (unsigned char)dim;
	o[2] = o[3] = 0; /* "unused", must be zero */
	o += 4;
	for (int i = 0; i < dim; i++, o += 4) {
		uint32_t u;
		memcpy(&u, &v[i], 4);
		o[0] = (unsigned char)(u >> 24), o[1] = (unsigned char)(u >> 16);
		o[2] = (unsigned char)(u >> 8), o[3] = (unsigned char)u;
	}
	return INGEST_VECTOR_BINARY_SIZE(dim);
}

/* Appends v to the binary vector[] being built in b (the first call
 * reserves the array header, which vec_array_finish fills in). */
static void vec_array_add(buf *b, const float *v, int dim)
{
	if (b->n == 0)
		buf_add(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20);
	size_t vn = INGEST_VECTOR_BINARY_SIZE(dim);
	buf_be32(b, (uint32_t)vn);
	if (buf_reserve(b, vn))
		b->n += ingest_vector_binary(v, dim, b->s + b->n);
}

/* Writes the array header (array_recv: one dimension, no NULLs, element
 * type oid, n elements, lower bound 1) over the reserved bytes. */
static void vec_array_finish(buf *b, uint32_t oid, size_t n)
{
	if (b->oom || b->n < 20)
		return;
	uint32_t head[5] = {1, 0, oid, (uint32_t)n, 1};
	for (int i = 0; i < 5; i++) {
		unsigned char *o = (unsigned char *)b->s + 4 * i;
		o[0] = (unsigned char)(head[i] >> 24), o[1] = (unsigned char)(head[i] >> 16);
		o[2] = (unsigned char)(head[i] >> 8), o[3] = (unsigned char)head[i];
	}
}

/* Where the chunk rows go: COPY in binary format (fast) or, when row-level
 * security applies to the connected role (COPY FROM refuses RLS tables),
 * one multi-row INSERT per batch built from array parameters (vectors
 * binary too). */
typedef struct sink {
	db *d;
	PGconn *pg;
	bool insert;  /* INSERT mode */
	bool vectors; /* rows carry embeddings */
	const char *item_id;
	unsigned char item_uuid[16]; /* COPY: item_id in binary */
	buf row;                     /* COPY: pending rows */
	buf idx, content, meta;      /* INSERT: array literals */
	buf emb;                     /* INSERT: binary vector[] */
	size_t rows;                 /* INSERT: rows pending */
	uint32_t vec_oid;            /* INSERT: the vector type, for binary arrays */
} sink;

/* Starts COPY data_chunks FROM STDIN in binary format; the file header
 * goes first into the row buffer. */
static db_status copy_begin(sink *c)
{
	if (uuid_bytes(c->item_id, c->item_uuid) != 0) {
		dbi_seterr(c->d, "bad item id '%.40s'", c->item_id);
		return DB_ERROR;
	}
	PGresult *r = PQexec(c->pg, "COPY data_chunks (data_item_id, chunk_index, content,"
	                            " embedding, metadata) FROM STDIN (FORMAT binary)");
	db_status st = DB_OK;
	if (PQresultStatus(r) != PGRES_COPY_IN)
		st = dbi_status_from_result(c->d, r);
	PQclear(r);
	if (st == DB_OK) {
		buf_add(&c->row, "PGCOPY\n\377\r\n\0", 11);
		buf_be32(&c->row, 0); /* flags */
		buf_be32(&c->row, 0); /* header extension length */
	}
	return st;
}

/* Sends the buffered COPY rows. */
static db_status copy_flush(sink *c)
{
	if (c->row.oom) {
		dbi_seterr(c->d, "out of memory");
		return DB_ERROR;
	}
	if (c->row.n && PQputCopyData(c->pg, c->row.s, (int)c->row.n) != 1) {
		dbi_seterr(c->d, "connection to the server lost during COPY: %s",
		           PQerrorMessage(c->pg));
		return DB_CONNLOST;
	}
	c->row.n = 0;
	return DB_OK;
}

/* Ends the COPY (aborting it with `abort_msg` when non-NULL) and collects
 * the server's verdict. */
static db_status copy_end(sink *c, const char *abort_msg)
{
	db_status st = DB_OK;
	if (!abort_msg) {
		buf_be16(&c->row, 0xFFFF); /* file trailer: field count -1 */
		st = copy_flush(c);
	}
	if (PQputCopyEnd(c->pg, st == DB_OK ? abort_msg : "client error") != 1 && st == DB_OK) {
		dbi_seterr(c->d, "connection to the server lost during COPY");
		st = DB_CONNLOST;
	}
	PGresult *r;
	while ((r = PQgetResult(c->pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && st == DB_OK && !abort_msg)
			st = dbi_status_from_result(c->d, r);
		PQclear(r);
	}
	return st;
}

/* Appends one double-quoted array element (with \ and " escaped). */
static void buf_array_elem(buf *b, const char *s, size_t n, bool first)
{
	if (!buf_reserve(b, 2 * n + 3))
		return;
	char *o = b->s + b->n;
	if (!first)
		*o++ = ',';
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			*o++ = '\\';
		*o++ = s[i];
	}
	*o++ = '"';
	b->n = (size_t)(o - b->s);
}

/* Runs the pending INSERT batch: the vectors go as one binary vector[]
 * parameter (array_recv: ndim, flags, element type, length, lower bound,
 * then each element's length and vector_recv form), the rest as text. */
static db_status insert_flush(sink *c)
{
	if (c->rows == 0)
		return DB_OK;
	buf *arrs[3] = {&c->idx, &c->content, &c->meta};
	for (int i = 0; i < 3; i++)
		buf_add(arrs[i], "}", 2); /* closes the literal, NUL included */
	if (c->idx.oom || c->content.oom || c->emb.oom || c->meta.oom) {
		dbi_seterr(c->d, "out of memory");
		return DB_ERROR;
	}
	if (c->vectors)
		vec_array_finish(&c->emb, c->vec_oid, c->rows);
	const char *p[5] = {c->item_id, c->idx.s, c->content.s, c->meta.s, c->emb.s};
	int len[5] = {0, 0, 0, 0, (int)c->emb.n}, fmt[5] = {0, 0, 0, 0, 1};
	PGresult *r = PQexecParams(
	    c->pg,
	    c->vectors
	        ? "INSERT INTO data_chunks (data_item_id, chunk_index, content, embedding,"
	          " metadata) SELECT $1::uuid, t.i, t.c, t.e, t.m::jsonb"
	          " FROM unnest($2::int[], $3::text[], $5::vector[], $4::text[]) AS t(i, c, e, m)"
	        : "INSERT INTO data_chunks (data_item_id, chunk_index, content, metadata)"
	          " SELECT $1::uuid, t.i, t.c, t.m::jsonb"
	          " FROM unnest($2::int[], $3::text[], $4::text[]) AS t(i, c, m)",
	    c->vectors ? 5 : 4, NULL, p, len, fmt, 0);
	db_status st = DB_OK;
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		st = dbi_status_from_result(c->d, r);
	PQclear(r);
	for (int i = 0; i < 3; i++)
		arrs[i]->n = 0;
	c->emb.n = 0;
	c->rows = 0;
	return st;
}

/* The type of data_chunks.embedding (pgvector's vector), for binary arrays. */
static db_status vector_oid(db *d, uint32_t *oid)
{
	PGresult *r = NULL;
	db_status st = dbi_query(d,
	                         "SELECT atttypid FROM pg_attribute WHERE attrelid ="
	                         " 'data_chunks'::regclass AND attname = 'embedding'",
	                         0, NULL, &r);
	if (st != DB_OK)
		return st;
	*oid = PQntuples(r) == 1 ? (uint32_t)strtoul(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	if (*oid == 0) {
		dbi_seterr(d, "data_chunks has no embedding column");
		return DB_ERROR;
	}
	return DB_OK;
}

/* Characters in t[a..b) as SQL counts them (valid UTF-8 assumed). */
static size_t count_chars(const char *t, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++)
		n += ((unsigned char)t[i] & 0xC0) != 0x80;
	return n;
}

typedef struct chunk_job {
	const char *text;
	const chunk_span *sp;
	size_t n;
	char *model_json; /* the model id as a JSON string, or "null" */
} chunk_job;

/* The chunk's metadata JSON into b (reset first). */
static void chunk_meta(buf *b, const chunk_job *j, const chunk_span *s, size_t cstart)
{
	char tail[128];
	size_t cend = cstart + count_chars(j->text, s->start, s->end);
	b->n = 0;
	buf_str(b, "{\"embedding_model\": ");
	buf_str(b, j->model_json);
	snprintf(tail, sizeof tail,
	         ", \"start\": %zu, \"end\": %zu, \"char_start\": %zu, "
	         "\"char_end\": %zu}",
	         s->start, s->end, cstart, cend);
	buf_str(b, tail);
}

/* Adds chunk k as one binary COPY tuple; vec is NULL for no embedding. */
static void copy_row(sink *c, const chunk_job *j, size_t k, const float *vec, int dim,
                     const buf *meta)
{
	const chunk_span *s = &j->sp[k];
	buf *b = &c->row;
	buf_be16(b, 5); /* fields */
	buf_field(b, (const char *)c->item_uuid, 16);
	buf_be32(b, 4);
	buf_be32(b, (uint32_t)k);
	buf_field(b, j->text + s->start, s->end - s->start);
	if (vec) {
		size_t vn = INGEST_VECTOR_BINARY_SIZE(dim);
		buf_be32(b, (uint32_t)vn);
		if (buf_reserve(b, vn))
			b->n += ingest_vector_binary(vec, dim, b->s + b->n);
	} else {
		buf_be32(b, 0xFFFFFFFF); /* NULL */
	}
	buf_be32(b, (uint32_t)meta->n + 1);
	buf_add(b, "\1", 1); /* jsonb binary format version */
	buf_add(b, meta->s, meta->n);
}

/* Adds the row of chunk k; vec is NULL for no embedding. */
static void add_row(sink *c, const chunk_job *j, size_t k, const float *vec, int dim, size_t cstart,
                    buf *meta)
{
	const chunk_span *s = &j->sp[k];
	chunk_meta(meta, j, s, cstart);
	if (!c->insert) {
		copy_row(c, j, k, vec, dim, meta);
		return;
	}
	char num[32];
	bool first = c->rows++ == 0;
	buf *arrs[3] = {&c->idx, &c->content, &c->meta};
	for (int i = 0; i < 3 && first; i++)
		buf_add(arrs[i], "{", 1);
	snprintf(num, sizeof num, "%s%zu", first ? "" : ",", k);
	buf_str(&c->idx, num);
	buf_array_elem(&c->content, j->text + s->start, s->end - s->start, first);
	buf_array_elem(&c->meta, meta->s, meta->n, first);
	if (vec)
		vec_array_add(&c->emb, vec, dim);
}

/* Embeds texts of chunks [k0, k0+m) into vecs. */
static db_status embed_chunks(db *d, embedder *e, const chunk_job *j, size_t k0, size_t m,
                              char **texts, float *vecs)
{
	for (size_t i = 0; i < m; i++) {
		const chunk_span *s = &j->sp[k0 + i];
		texts[i] = strndup(j->text + s->start, s->end - s->start);
	}
	char *err = NULL;
	int rc = embed_batch(e, (const char *const *)texts, m, vecs, &err);
	for (size_t i = 0; i < m; i++) {
		free(texts[i]);
		texts[i] = NULL;
	}
	if (rc == 0)
		return DB_OK;
	dbi_seterr(d, "%s", err ? err : "embedding failed");
	free(err);
	return DB_ERROR;
}

/* Embeds the chunks batch by batch and sends them to the sink. */
static db_status send_chunks(sink *c, embedder *e, const chunk_job *j, const ingest_opts *o)
{
	int dim = e ? embed_dim(e) : 0;
	size_t batch = e ? (size_t)embed_batch_size(e) : 256;
	float *vecs = e ? malloc(batch * (size_t)dim * sizeof *vecs) : NULL;
	char **texts = calloc(batch, sizeof *texts);
	buf meta = {0};
	db_status st = DB_OK;
	size_t cpos = 0, cchars = 0; /* character offset of byte cpos */
	if ((e && !vecs) || !texts) {
		dbi_seterr(c->d, "out of memory");
		st = DB_ERROR;
	}
	for (size_t k0 = 0; st == DB_OK && k0 < j->n; k0 += batch) {
		size_t m = j->n - k0 < batch ? j->n - k0 : batch;
		if (e && (st = embed_chunks(c->d, e, j, k0, m, texts, vecs)) != DB_OK)
			break;
		for (size_t i = 0; i < m; i++) {
			const chunk_span *s = &j->sp[k0 + i];
			if (s->start >= cpos)
				cchars += count_chars(j->text, cpos, s->start);
			else
				cchars -= count_chars(j->text, s->start, cpos);
			cpos = s->start;
			add_row(c, j, k0 + i, e ? vecs + i * (size_t)dim : NULL, dim, cchars,
			        &meta);
		}
		if (c->insert)
			st = insert_flush(c);
		else if (c->row.n >= COPY_FLUSH || c->row.oom)
			st = copy_flush(c);
		if (st == DB_OK && o->progress)
			o->progress(o->progress_ud, k0 + m, j->n);
	}
	free(meta.s);
	free(vecs);
	free(texts);
	return st;
}

/* True when row-level security applies to this role on data_chunks. */
static db_status rls_active(db *d, bool *out)
{
	PGresult *r = NULL;
	db_status st = dbi_query(d, "SELECT row_security_active('data_chunks')", 0, NULL, &r);
	if (st != DB_OK)
		return st;
	*out = PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return DB_OK;
}

/* Chunks, embeds and writes the item's chunks; *n gets the chunk count. */
static db_status write_chunks(db *d, embedder *e, const char *text, size_t len,
                              const ingest_opts *o, const char *item_id, size_t *n)
{
	chunk_span *sp = NULL;
	*n = chunk_text(text, len, &o->chunk, &sp);
	if (*n == 0)
		return DB_OK;
	cJSON *mj = e ? cJSON_CreateString(embed_model_id(e)) : NULL;
	chunk_job j = {text, sp, *n, mj ? cJSON_PrintUnformatted(mj) : strdup("null")};
	cJSON_Delete(mj);
	sink c = {.d = d, .pg = dbi_pg(d), .vectors = e != NULL, .item_id = item_id};
	db_status st = j.model_json ? rls_active(d, &c.insert) : DB_ERROR;
	if (!j.model_json)
		dbi_seterr(d, "out of memory");
	if (st == DB_OK && c.insert && e)
		st = vector_oid(d, &c.vec_oid);
	if (st == DB_OK && c.insert) {
		st = send_chunks(&c, e, &j, o);
	} else if (st == DB_OK && (st = copy_begin(&c)) == DB_OK) {
		st = send_chunks(&c, e, &j, o);
		if (st != DB_OK) {
			char saved[512];
			snprintf(saved, sizeof saved, "%s", db_errmsg(d));
			copy_end(&c, "ingest aborted");
			dbi_seterr(d, "%s", saved);
		} else {
			st = copy_end(&c, NULL);
		}
	}
	free(c.row.s);
	free(c.idx.s);
	free(c.content.s);
	free(c.emb.s);
	free(c.meta.s);
	free(j.model_json);
	free(sp);
	return st;
}

/* Rolls back, keeping the message of the failure that caused it. */
static db_status rollback(db *d, db_status st)
{
	dbi_rollback(d);
	return st;
}

/* Finds an item with the same content hash (under a lock on that hash). */
static db_status find_same(db *d, const char *sha, char id[DB_UUID_LEN], bool *found)
{
	const char *p[1] = {sha};
	db_status st = dbi_exec(d, "SELECT pg_advisory_xact_lock(hashtextextended($1, 5))", 1, p);
	if (st != DB_OK)
		return st;
	PGresult *r = NULL;
	st =
	    dbi_query(d, "SELECT id FROM data_items WHERE metadata->>'content_sha256' = $1 LIMIT 1",
	              1, p, &r);
	if (st != DB_OK)
		return st;
	*found = PQntuples(r) > 0;
	if (*found)
		snprintf(id, DB_UUID_LEN, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

db_status ingest_text(db *d, embedder *e, const char *text, size_t len, const ingest_opts *o,
                      ingest_result *out)
{
	memset(out, 0, sizeof *out);
	char msg[256];
	if (ingest_check(text, len, msg, sizeof msg) != 0) {
		dbi_seterr(d, "the text %s", msg);
		return DB_INVALID;
	}
	db_status st = check_opts(d, o);
	if (st != DB_OK)
		return st;
	sha256_hex(text, len, out->sha256);
	char *copy = strndup(text, len); /* libpq wants a NUL-terminated parameter */
	if (!copy) {
		dbi_seterr(d, "out of memory");
		return DB_ERROR;
	}
	text = copy;
	if ((st = dbi_exec(d, "BEGIN", 0, NULL)) != DB_OK) {
		free(copy);
		return st;
	}
	owner w;
	bool found = false;
	st = resolve_owner(d, o, &w);
	if (st == DB_OK)
		st = find_same(d, out->sha256, out->item_id, &found);
	if (st == DB_OK && found) {
		out->already = true;
		free(copy);
		return dbi_exec(d, "ROLLBACK", 0, NULL);
	}
	if (st == DB_OK)
		st = insert_item(d, text, o, &w, out->sha256, out->item_id);
	if (st == DB_OK)
		st = write_chunks(d, e, text, len, o, out->item_id, &out->nchunks);
	if (st == DB_OK)
		st = dbi_exec(d, "COMMIT", 0, NULL);
	else
		rollback(d, st);
	free(copy);
	if (st != DB_OK) {
		out->item_id[0] = '\0';
		out->nchunks = 0;
		return st;
	}
	out->embedded = e != NULL;
	return DB_OK;
}

/* ---- re-embedding -------------------------------------------------------- */

static const char reembed_where[] = " ($1::boolean OR embedding IS NULL"
                                    " OR metadata->>'embedding_model' IS DISTINCT FROM $2::text)";

db_status ingest_reembed_count(db *d, const char *model_id, bool all, long long *out)
{
	const char *p[2] = {all ? "true" : "false", model_id};
	PGresult *r = NULL;
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM data_chunks WHERE%s", reembed_where);
	*out = 0;
	db_status st = dbi_query(d, sql, 2, p, &r);
	if (st != DB_OK)
		return st;
	*out = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

/* Array literal element: the value in double quotes (no quotes inside). */
static void array_add(buf *b, const char *v)
{
	buf_add(b, b->n > 1 ? ",\"" : "\"", b->n > 1 ? 2 : 1);
	buf_str(b, v);
	buf_add(b, "\"", 1);
}

/* Embeds the fetched rows and writes them back in one statement, the
 * vectors as one binary vector[] parameter. */
static db_status reembed_rows(db *d, embedder *e, PGresult *r, const char *model_id, uint32_t oid)
{
	int n = PQntuples(r), dim = embed_dim(e);
	const char **texts = malloc((size_t)n * sizeof *texts);
	float *vecs = malloc((size_t)n * (size_t)dim * sizeof *vecs);
	buf ids = {0}, vs = {0};
	db_status st = DB_OK;
	if (!texts || !vecs) {
		dbi_seterr(d, "out of memory");
		st = DB_ERROR;
		goto out;
	}
	for (int i = 0; i < n; i++)
		texts[i] = PQgetvalue(r, i, 1);
	char *err = NULL;
	if (embed_batch(e, texts, (size_t)n, vecs, &err) != 0) {
		dbi_seterr(d, "%s", err ? err : "embedding failed");
		free(err);
		st = DB_ERROR;
		goto out;
	}
	buf_add(&ids, "{", 1);
	for (int i = 0; i < n; i++) {
		array_add(&ids, PQgetvalue(r, i, 0));
		vec_array_add(&vs, vecs + (size_t)i * (size_t)dim, dim);
	}
	buf_add(&ids, "}", 2);
	vec_array_finish(&vs, oid, (size_t)n);
	if (ids.oom || vs.oom) {
		dbi_seterr(d, "out of memory");
		st = DB_ERROR;
		goto out;
	}
	const char *p[3] = {ids.s, vs.s, model_id};
	int len[3] = {0, (int)vs.n, 0}, fmt[3] = {0, 1, 0};
	PGresult *res = PQexecParams(dbi_pg(d),
	                             "UPDATE data_chunks c SET embedding = v.e,"
	                             " metadata = coalesce(c.metadata, '{}'::jsonb)"
	                             "   || jsonb_build_object('embedding_model', $3::text)"
	                             " FROM unnest($1::uuid[], $2::vector[]) AS v(id, e)"
	                             " WHERE c.id = v.id",
	                             3, NULL, p, len, fmt, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		st = dbi_status_from_result(d, res);
	PQclear(res);
out:
	free(texts);
	free(vecs);
	free(ids.s);
	free(vs.s);
	return st;
}

db_status ingest_reembed(db *d, embedder *e, const reembed_opts *o, size_t *done)
{
	*done = 0;
	const char *model = embed_model_id(e);
	long long total = 0;
	db_status st = ingest_reembed_count(d, model, o->all, &total);
	if (st != DB_OK)
		return st;
	uint32_t oid = 0;
	if (total > 0 && (st = vector_oid(d, &oid)) != DB_OK)
		return st;
	int batch = embed_batch_size(e);
	if (batch > REEMBED_BATCH_MAX)
		batch = REEMBED_BATCH_MAX;
	char last[DB_UUID_LEN] = "00000000-0000-0000-0000-000000000000", lim[16];
	snprintf(lim, sizeof lim, "%d", batch);
	char sql[384];
	snprintf(sql, sizeof sql,
	         "SELECT id, content FROM data_chunks WHERE id > $3::uuid AND%s"
	         " ORDER BY id LIMIT $4::int",
	         reembed_where);
	for (;;) {
		const char *p[4] = {o->all ? "true" : "false", model, last, lim};
		PGresult *r = NULL;
		if ((st = dbi_query(d, sql, 4, p, &r)) != DB_OK)
			return st;
		int n = PQntuples(r);
		if (n > 0) {
			snprintf(last, sizeof last, "%s", PQgetvalue(r, n - 1, 0));
			st = reembed_rows(d, e, r, model, oid);
		}
		PQclear(r);
		if (st != DB_OK)
			return st;
		*done += (size_t)n;
		if (o->progress && n > 0)
			o->progress(o->progress_ud, *done,
			            (size_t)(total > (long long)*done ? total : (long long)*done));
		if (n < batch)
			return DB_OK;
	}
}

/* ---- bulk path: the vector index built after the load -------------------- */

/* Advisory lock keys held (session level) by the run that deferred the
 * index; a repair takes it too, so it never races a running bulk ingest. */
#define BULK_LOCK_KEYS    "1919251561, 21"
#define BULK_LOCK_TIMEOUT "2s" /* how long the DROP may wait for a lock */
static const char bulk_index[] = "idx_data_chunks_embedding";

/* Runs one statement whose first value is 't' or 'f' into *out. */
static db_status query_bool(db *d, const char *sql, int n, const char *const *p, bool *out)
{
	PGresult *r = NULL;
	db_status st = dbi_query(d, sql, n, p, &r);
	if (st != DB_OK)
		return st;
	*out = PQntuples(r) > 0 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return DB_OK;
}

/* Releases the bulk lock, keeping the message of an earlier failure. */
static db_status bulk_unlock(db *d, db_status st)
{
	char saved[768];
	snprintf(saved, sizeof saved, "%s", db_errmsg(d));
	dbi_exec(d, "SELECT pg_advisory_unlock(" BULK_LOCK_KEYS ")", 0, NULL);
	if (st != DB_OK)
		dbi_seterr(d, "%s", saved);
	return st;
}

/* True for what pg_get_indexdef gives for rapport's vector index and nothing
 * else (the record is executed as SQL, so it is checked first): "CREATE
 * INDEX idx_data_chunks_embedding ON S.data_chunks USING hnsw (embedding
 * OPCLASS)" with at most a WITH (...) of parameters, one statement. */
static bool definition_ok(const char *name, const char *def)
{
	char head[96];
	snprintf(head, sizeof head, "CREATE INDEX %s ON ", bulk_index);
	if (strcmp(name, bulk_index) != 0 || strncmp(def, head, strlen(head)) != 0 ||
	    strchr(def, ';') || strstr(def, "--") || strstr(def, "/*"))
		return false;
	const char *u = strstr(def, ".data_chunks USING hnsw (embedding ");
	if (!u)
		return false;
	const char *close = strchr(u, ')'), *open = strchr(u + 25, '('); /* after "hnsw (" */
	if (!close || (open && open < close))
		return false;
	return close[1] == '\0' ||
	       (strncmp(close + 1, " WITH (", 7) == 0 && !strchr(close + 8, '(') &&
	        strchr(close + 8, ')') && strchr(close + 8, ')')[1] == '\0');
}

/* The index's definition when this role may defer it (it owns the table),
 * the index is valid and the table holds at most est_chunks rows (the
 * planner's estimate; pages when never analyzed: one 1536-dim row a page).
 * *def is malloc'd, NULL when not eligible. */
static db_status bulk_eligible(db *d, size_t est_chunks, char **def)
{
	char est[32];
	snprintf(est, sizeof est, "%zu", est_chunks);
	const char *p[2] = {bulk_index, est};
	PGresult *r = NULL;
	*def = NULL;
	db_status st = dbi_query(d,
	                         "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
	                         " JOIN pg_class t ON t.oid = i.indrelid"
	                         " WHERE i.indexrelid = to_regclass($1) AND i.indisvalid"
	                         " AND to_regclass('ingest_deferred_indexes') IS NOT NULL"
	                         " AND pg_has_role(t.relowner, 'USAGE')"
	                         " AND CASE WHEN t.reltuples >= 0 THEN t.reltuples"
	                         "     ELSE pg_relation_size(t.oid) / "
	                         "current_setting('block_size')::int END <= $2::float8",
	                         2, p, &r);
	if (st != DB_OK)
		return st;
	if (PQntuples(r) == 1 && definition_ok(bulk_index, PQgetvalue(r, 0, 0)))
		*def = strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

db_status ingest_bulk_begin(db *d, size_t est_chunks, bool *deferred)
{
	*deferred = false;
	if (est_chunks < INGEST_BULK_MIN_CHUNKS)
		return DB_OK;
	bool locked = false;
	db_status st =
	    query_bool(d, "SELECT pg_try_advisory_lock(" BULK_LOCK_KEYS ")", 0, NULL, &locked);
	if (st != DB_OK || !locked)
		return st; /* another bulk run has the index away already */
	char *def = NULL;
	st = bulk_eligible(d, est_chunks, &def);
	if (st != DB_OK || !def) {
		free(def);
		return bulk_unlock(d, st);
	}
	/* the definition is on record before the index goes */
	const char *p[2] = {bulk_index, def};
	st = dbi_exec(d,
	              "INSERT INTO ingest_deferred_indexes (index_name, definition) VALUES ($1, $2)"
	              " ON CONFLICT (index_name) DO UPDATE SET definition = EXCLUDED.definition,"
	              " deferred_at = now()",
	              2, p);
	free(def);
	if (st != DB_OK)
		return bulk_unlock(d, st);
	/* DROP INDEX CONCURRENTLY blocks neither readers nor writers; it waits
	 * for transactions using the index, each wait at most lock_timeout */
	dbi_exec(d, "SET lock_timeout = '" BULK_LOCK_TIMEOUT "'", 0, NULL);
	st = dbi_exec(d, "DROP INDEX CONCURRENTLY IF EXISTS idx_data_chunks_embedding", 0, NULL);
	dbi_exec(d, "RESET lock_timeout", 0, NULL);
	if (st == DB_OK) {
		*deferred = true;
		return DB_OK;
	}
	/* timed out: before it started (the index is still valid: the ordinary
	 * path), or half-way, which leaves an invalid index that queries no
	 * longer use: then the run counts as deferred and ingest_bulk_end drops
	 * and builds it */
	bool valid = false;
	st = query_bool(d, "SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", 1,
	                p, &valid);
	if (st == DB_OK && !valid) {
		*deferred = true;
		return DB_OK;
	}
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM ingest_deferred_indexes WHERE index_name = $1", 1, p);
	return bulk_unlock(d, st);
}

/* Session settings for an index build: memory raised to 1 GB (never
 * lowered) so the graph is built in memory; serial for pgvector before
 * 0.8.2, whose parallel HNSW builds have a known buffer overflow. */
static void build_settings(db *d, bool on)
{
	if (!on) {
		dbi_exec(d, "RESET maintenance_work_mem", 0, NULL);
		dbi_exec(d, "RESET max_parallel_maintenance_workers", 0, NULL);
		return;
	}
	dbi_exec(d,
	         "SELECT set_config('maintenance_work_mem', '1048576kB', false) FROM pg_settings"
	         " WHERE name = 'maintenance_work_mem' AND setting::bigint < 1048576",
	         0, NULL);
	dbi_exec(d,
	         "SELECT set_config('max_parallel_maintenance_workers', '0', false)"
	         " FROM pg_extension WHERE extname = 'vector'"
	         " AND string_to_array(extversion, '.')::int[] < '{0,8,2}'::int[]",
	         0, NULL);
}

/* Builds the recorded index `name` (CONCURRENTLY: readers and writers go on)
 * unless a valid one exists; an invalid leftover of a failed build is
 * dropped first. Forgets the record once the index is there. */
static db_status bulk_rebuild(db *d, const char *name, const char *def, bool *built)
{
	const char *p[1] = {name};
	PGresult *r = NULL;
	*built = false;
	if (!definition_ok(name, def)) {
		dbi_seterr(d,
		           "ingest_deferred_indexes holds an unexpected entry for '%.60s'; "
		           "delete it",
		           name);
		return DB_INVALID;
	}
	db_status st = dbi_query(d,
	                         "SELECT i.indisvalid FROM pg_index i"
	                         " WHERE i.indexrelid = to_regclass($1)",
	                         1, p, &r);
	if (st != DB_OK)
		return st;
	int state = PQntuples(r) == 0 ? 0 : PQgetvalue(r, 0, 0)[0] == 't' ? 2 : 1;
	PQclear(r);
	char *sql = malloc(strlen(def) + 64);
	if (!sql) {
		dbi_seterr(d, "out of memory");
		return DB_ERROR;
	}
	if (state == 1) { /* invalid leftover: away with it */
		snprintf(sql, strlen(def) + 64, "DROP INDEX CONCURRENTLY IF EXISTS %s", name);
		st = dbi_exec(d, sql, 0, NULL);
	}
	if (st == DB_OK && state != 2) {
		snprintf(sql, strlen(def) + 64, "CREATE INDEX CONCURRENTLY %s", def + 13);
		build_settings(d, true);
		st = dbi_exec(d, sql, 0, NULL);
		build_settings(d, false);
		*built = st == DB_OK;
	}
	free(sql);
	if (st == DB_OK)
		st = dbi_exec(d, "DELETE FROM ingest_deferred_indexes WHERE index_name = $1", 1, p);
	return st;
}

/* Adds what a failed rebuild means for the user to the error message. */
static db_status rebuild_failed(db *d, db_status st)
{
	char saved[600];
	snprintf(saved, sizeof saved, "%s", db_errmsg(d));
	/* a failed CREATE INDEX CONCURRENTLY leaves an invalid index behind */
	bool invalid = false;
	const char *p[1] = {bulk_index};
	if (query_bool(d, "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)",
	               1, p, &invalid) == DB_OK &&
	    invalid)
		dbi_exec(d, "DROP INDEX CONCURRENTLY IF EXISTS idx_data_chunks_embedding", 0, NULL);
	dbi_seterr(d,
	           "the vector index could not be rebuilt: %s (semantic search is exact and "
	           "slower until it is; the next rapport ingest tries again)",
	           saved);
	return st;
}

db_status ingest_bulk_end(db *d)
{
	const char *p[1] = {bulk_index};
	PGresult *r = NULL;
	db_status st = dbi_query(
	    d, "SELECT definition FROM ingest_deferred_indexes WHERE index_name = $1", 1, p, &r);
	if (st == DB_OK && PQntuples(r) == 1) {
		bool built;
		char *def = strdup(PQgetvalue(r, 0, 0));
		st = def ? bulk_rebuild(d, bulk_index, def, &built) : DB_ERROR;
		free(def);
		if (st != DB_OK)
			st = rebuild_failed(d, st);
	}
	PQclear(r);
	return bulk_unlock(d, st);
}

db_status ingest_index_repair(db *d, bool *rebuilt)
{
	*rebuilt = false;
	bool pending = false;
	db_status st = query_bool(d,
	                          "SELECT to_regclass('ingest_deferred_indexes') IS NOT NULL"
	                          " AND EXISTS (SELECT 1 FROM ingest_deferred_indexes)",
	                          0, NULL, &pending);
	if (st != DB_OK || !pending)
		return st;
	bool locked = false;
	st = query_bool(d, "SELECT pg_try_advisory_lock(" BULK_LOCK_KEYS ")", 0, NULL, &locked);
	if (st != DB_OK || !locked)
		return st; /* a bulk ingest is running and will rebuild it */
	PGresult *r = NULL;
	st =
	    dbi_query(d, "SELECT index_name, definition FROM ingest_deferred_indexes", 0, NULL, &r);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		bool built = false;
		st = bulk_rebuild(d, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), &built);
		*rebuilt = *rebuilt || built;
	}
	if (st != DB_OK)
		st = rebuild_failed(d, st);
	PQclear(r);
	return bulk_unlock(d, st);
}
