/* Streaming COPY FROM STDIN for the seed loaders: rows are appended to a
 * buffer that is handed to libpq in ~1 MB pieces, so memory stays bounded
 * however many rows are loaded. */
#include "db/seed_copy.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLUSH_AT (1u << 20)

/* Waits until the connection's socket is writable (nonblocking libpq). */
static void wait_writable(PGconn *pg)
{
	struct pollfd p = {.fd = PQsocket(pg), .events = POLLOUT | POLLIN};
	(void)poll(&p, 1, 1000);
	(void)PQconsumeInput(pg);
}

/* Hands the buffered bytes to libpq. */
static void flush(seed_copy *c)
{
	if (c->st != DB_OK || c->buf.len == 0) {
		c->buf.len = 0;
		return;
	}
	int r;
	while ((r = PQputCopyData(c->pg, c->buf.p, (int)c->buf.len)) == 0)
		wait_writable(c->pg);
	if (r < 0) {
		dbi_seterr(c->d, "sending COPY data: %s", PQerrorMessage(c->pg));
		c->st = DB_CONNLOST;
	}
	c->buf.len = 0;
}

db_status seed_copy_begin(seed_copy *c, db *d, const char *sql, int binary)
{
	memset(c, 0, sizeof *c);
	c->d = d;
	c->pg = dbi_pg(d);
	c->binary = binary;
	PGresult *res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		c->st = dbi_status_from_result(d, res);
		if (c->st == DB_OK)
			c->st = DB_ERROR;
		PQclear(res);
		while ((res = PQgetResult(c->pg)))
			PQclear(res);
		return c->st;
	}
	PQclear(res);
	if (binary) {
		static const char sig[] = "PGCOPY\n\377\r\n";
		seed_buf_add(&c->buf, sig, 11);
		uint32_t z = 0;
		seed_buf_add(&c->buf, &z, 4);
		seed_buf_add(&c->buf, &z, 4);
	}
	return DB_OK;
}

void seed_copy_text(seed_copy *c, const char *s, size_t n)
{
	if (c->fields++)
		seed_buf_add(&c->buf, "\t", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = NULL;
		switch (s[i]) {
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default: continue;
		}
		seed_buf_add(&c->buf, s + run, i - run);
		seed_buf_add(&c->buf, esc, 2);
		run = i + 1;
	}
	seed_buf_add(&c->buf, s + run, n - run);
}

void seed_copy_str(seed_copy *c, const char *s)
{
	if (s)
		seed_copy_text(c, s, strlen(s));
	else
		seed_copy_null(c);
}

void seed_copy_null(seed_copy *c)
{
	if (c->fields++)
		seed_buf_add(&c->buf, "\t", 1);
	seed_buf_add(&c->buf, "\\N", 2);
}

void seed_copy_end_row(seed_copy *c)
{
	seed_buf_add(&c->buf, "\n", 1);
	c->fields = 0;
	c->rows++;
	if (c->buf.len >= FLUSH_AT)
		flush(c);
}

void seed_copy_tuple(seed_copy *c, int nfields)
{
	if (c->buf.len >= FLUSH_AT)
		flush(c);
	uint16_t n = htons((uint16_t)nfields);
	seed_buf_add(&c->buf, &n, 2);
	c->rows++;
}

void seed_copy_bfield(seed_copy *c, const void *p, size_t n)
{
	uint32_t len = htonl((uint32_t)n);
	seed_buf_add(&c->buf, &len, 4);
	seed_buf_add(&c->buf, p, n);
}

void seed_copy_bnull(seed_copy *c)
{
	uint32_t len = htonl(0xFFFFFFFFu);
	seed_buf_add(&c->buf, &len, 4);
}

void seed_copy_bint32(seed_copy *c, int32_t v)
{
	uint32_t x = htonl((uint32_t)v);
	seed_copy_bfield(c, &x, 4);
}

void seed_copy_buuid(seed_copy *c, const uuid_t u)
{
	seed_copy_bfield(c, u, 16);
}

void seed_copy_btimestamp(seed_copy *c, int64_t unix_seconds)
{
	/* microseconds since 2000-01-01, big-endian */
	uint64_t us = (uint64_t)((unix_seconds - 946684800LL) * 1000000LL);
	unsigned char b[8];
	for (int i = 7; i >= 0; i--, us >>= 8)
		b[i] = (unsigned char)(us & 0xFF);
	seed_copy_bfield(c, b, 8);
}

void seed_copy_bjsonb(seed_copy *c, const char *json, size_t n)
{
	uint32_t len = htonl((uint32_t)(n + 1));
	seed_buf_add(&c->buf, &len, 4);
	seed_buf_add(&c->buf, "\1", 1); /* jsonb binary format version */
	seed_buf_add(&c->buf, json, n);
}

void seed_copy_bvector(seed_copy *c, const float *v, int dim)
{
	/* pgvector's vector_send: int16 dim, int16 unused, float4 values */
	uint32_t len = htonl((uint32_t)(4 + 4 * dim));
	seed_buf_add(&c->buf, &len, 4);
	uint16_t h[2] = {htons((uint16_t)dim), 0};
	seed_buf_add(&c->buf, h, 4);
	size_t off = c->buf.len;
	seed_buf_add(&c->buf, v, 4 * (size_t)dim);
	uint32_t *w = (uint32_t *)(void *)(c->buf.p + off);
	for (int i = 0; i < dim; i++) {
		uint32_t x;
		memcpy(&x, &w[i], 4);
		x = htonl(x);
		memcpy(&w[i], &x, 4);
	}
}

db_status seed_copy_finish(seed_copy *c)
{
	if (c->binary) {
		uint16_t end = 0xFFFF;
		seed_buf_add(&c->buf, &end, 2);
	}
	flush(c);
	int r;
	while ((r = PQputCopyEnd(c->pg, c->st == DB_OK ? NULL : "aborted by rapport")) == 0)
		wait_writable(c->pg);
	while (PQisnonblocking(c->pg) && PQflush(c->pg) == 1)
		wait_writable(c->pg);
	PGresult *res;
	while ((res = PQgetResult(c->pg))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && c->st == DB_OK) {
			c->st = dbi_status_from_result(c->d, res);
			if (c->st == DB_OK)
				c->st = DB_ERROR;
		}
		PQclear(res);
	}
	free(c->buf.p);
	c->buf.p = NULL;
	c->buf.cap = c->buf.len = 0;
	return c->st;
}

/* The namespace of every demo and scale uuid (uuid_generate_sha1). */
static const uuid_t seed_ns = {0x6f, 0x1c, 0x2a, 0x52, 0x6a, 0x0e, 0x4b, 0x8e,
                               0x9f, 0x3d, 0x2c, 0x0b, 0x7a, 0x5e, 0x9d, 0x41};

void seed_uuid(uuid_t out, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof name)
		n = sizeof name - 1;
	uuid_generate_sha1(out, seed_ns, name, (size_t)n);
}

void seed_uuid_str(char out[37], const char *fmt, ...)
{
	char name[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof name)
		n = sizeof name - 1;
	uuid_t u;
	uuid_generate_sha1(u, seed_ns, name, (size_t)n);
	uuid_unparse_lower(u, out);
}

long seed_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil */
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void seed_date(char out[11], long days)
{
	days += 719468;
	long era = (days >= 0 ? days : days - 146096) / 146097;
	long doe = days - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

void seed_timestamp(char out[20], int64_t secs)
{
	char day[11];
	long days = (long)(secs / 86400);
	long rest = (long)(secs % 86400);
	seed_date(day, days);
	unsigned r = (unsigned)rest;
	snprintf(out, 20, "%.10s %02u:%02u:%02u", day, r / 3600 % 24, r / 60 % 60, r % 60);
}

void seed_email_local(const char *name, char *out, size_t n)
{
	static const char *const map[][2] = {
	    {"ü", "u"}, {"ö", "o"}, {"ä", "a"}, {"é", "e"}, {"á", "a"}, {"í", "i"},
	    {"ó", "o"}, {"ñ", "n"}, {"ç", "c"}, {"ø", "o"}, {"å", "a"},
	};
	size_t k = 0;
	if (strncmp(name, "Dr. ", 4) == 0)
		name += 4;
	while (*name && k + 2 < n) {
		unsigned char ch = (unsigned char)*name;
		if (ch >= 0x80) {
			const char *rep = "x";
			size_t skip = 1;
			while (((unsigned char)name[skip] & 0xC0) == 0x80)
				skip++;
			for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
				if (strncmp(name, map[i][0], skip) == 0 &&
				    strlen(map[i][0]) == skip)
					rep = map[i][1];
			out[k++] = rep[0];
			name += skip;
			continue;
		}
		if (ch == ' ')
			out[k++] = '.';
		else if (ch >= 'A' && ch <= 'Z')
			out[k++] = (char)(ch - 'A' + 'a');
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')
			out[k++] = (char)ch;
		name++;
	}
	out[k] = '\0';
}

size_t seed_utf8_chars(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

void seed_json_str(seed_buf *b, const char *s)
{
	seed_buf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			seed_buf_add(b, "\\", 1);
			seed_buf_add(b, s, 1);
		} else if (ch < 0x20) {
			seed_buf_fmt(b, "\\u%04x", ch);
		} else {
			seed_buf_add(b, s, 1);
		}
	}
	seed_buf_add(b, "\"", 1);
}

void seed_pg_array_add(seed_buf *b, const char *s)
{
	if (b->len == 0 || b->p[b->len - 1] == '}') {
		if (b->len)
			b->len--;
		else
			seed_buf_add(b, "{", 1);
	}
	if (b->len > 1)
		seed_buf_add(b, ",", 1);
	seed_buf_add(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			seed_buf_add(b, "\\", 1);
		seed_buf_add(b, s, 1);
	}
	seed_buf_add(b, "\"}", 2);
}

db_status seed_rls_check(db *d)
{
	PGresult *res = NULL;
	db_status st =
	    dbi_query(d,
	              "SELECT count(*) FROM pg_class c, pg_roles r WHERE c.oid IN "
	              "('data_items'::regclass, 'data_chunks'::regclass) AND c.relrowsecurity "
	              "AND r.rolname = current_user AND NOT r.rolsuper AND NOT r.rolbypassrls "
	              "AND (c.relforcerowsecurity OR NOT pg_has_role(c.relowner, 'USAGE'))",
	              0, NULL, &res);
	if (st != DB_OK)
		return st;
	int limited = atoi(PQgetvalue(res, 0, 0)) > 0;
	PQclear(res);
	if (limited) {
		dbi_seterr(
		    d, "seeding loads data items with COPY, which row-level security refuses for "
		       "this role: seed as the tables' owner or a superuser");
		return DB_DENIED;
	}
	return DB_OK;
}

db_status seed_indexes_drop(db *d, const char *table, seed_indexes *ix)
{
	memset(ix, 0, sizeof *ix);
	const char *p[] = {table};
	PGresult *res = NULL;
	db_status st =
	    dbi_query(d,
	              "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
	              "FROM pg_index i WHERE i.indrelid = $1::regclass AND NOT EXISTS "
	              "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
	              "ORDER BY 1",
	              1, p, &res);
	if (st != DB_OK)
		return st;
	int n = PQntuples(res);
	ix->names = calloc((size_t)n + 1, sizeof *ix->names);
	ix->defs = calloc((size_t)n + 1, sizeof *ix->defs);
	for (int i = 0; ix->names && ix->defs && i < n; i++) {
		ix->names[i] = strdup(PQgetvalue(res, i, 0));
		ix->defs[i] = strdup(PQgetvalue(res, i, 1));
		ix->n++;
	}
	PQclear(res);
	for (size_t i = 0; i < ix->n && st == DB_OK; i++) {
		seed_buf sql = {0};
		seed_buf_fmt(&sql, "DROP INDEX %s", ix->names[i]); /* regclass text is quoted */
		st = dbi_exec(d, sql.p, 0, NULL);
		free(sql.p);
	}
	return st;
}

db_status seed_indexes_restore(db *d, seed_indexes *ix, int serial_hnsw, FILE *progress)
{
	db_status st = DB_OK;
	/* HNSW indexes go last: with serial_hnsw the SET LOCAL lasts until the
	 * commit, and the other indexes keep their parallel builds */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ix->n && st == DB_OK; i++) {
			int hnsw = strstr(ix->defs[i], "USING hnsw") != NULL;
			if (hnsw != pass)
				continue;
			if (progress)
				fprintf(progress, "seed: building index %s\n", ix->names[i]);
			if (hnsw && serial_hnsw)
				st = dbi_exec(d, "SET LOCAL max_parallel_maintenance_workers = 0",
				              0, NULL);
			if (st == DB_OK)
				st = dbi_exec(d, ix->defs[i], 0, NULL);
		}
	return st;
}

void seed_indexes_free(seed_indexes *ix)
{
	for (size_t i = 0; i < ix->n; i++) {
		free(ix->names[i]);
		free(ix->defs[i]);
	}
	free(ix->names);
	free(ix->defs);
	memset(ix, 0, sizeof *ix);
}
