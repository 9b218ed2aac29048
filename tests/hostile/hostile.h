#ifndef RAPPORT_TESTS_HOSTILE_H
#define RAPPORT_TESTS_HOSTILE_H
/* The hostile-value catalogue (H9): loads tests/hostile/values.txt (format
 * described at its top) into memory. Header-only so that any test program
 * can include it ("hostile/hostile.h", the Makefile builds tests with
 * -Itests). hv_load() aborts the test program when the file is missing or
 * malformed; hv_free() frees what it returned. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum hv_kind {
	HV_TEXT,  /* valid UTF-8: stored and read back byte for byte */
	HV_BYTES, /* invalid UTF-8: the database must refuse it */
	HV_JSON,  /* a raw JSON value for metadata */
} hv_kind;

typedef struct hv_value {
	hv_kind kind;
	char name[64];
	char *val; /* NUL-terminated; len bytes (values never contain NUL) */
	size_t len;
} hv_value;

typedef struct hv_set {
	hv_value *v;
	size_t n;
} hv_set;

typedef struct hv_buf {
	char *p;
	size_t n, cap;
} hv_buf;

/* Appends len bytes to b (aborts when out of memory). */
static inline void hv_put(hv_buf *b, const char *s, size_t len)
{
	if (b->n + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + len + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

/* Appends a formatted number. */
static inline void hv_putn(hv_buf *b, long n)
{
	char s[32];
	int k = snprintf(s, sizeof s, "%ld", n);
	hv_put(b, s, (size_t)k);
}

/* Decodes the escapes of a SPEC (\xHH, \\, \s) into b; false when malformed. */
static inline bool hv_unescape(hv_buf *b, const char *s)
{
	while (*s) {
		if (*s != '\\') {
			hv_put(b, s++, 1);
			continue;
		}
		if (s[1] == '\\' || s[1] == 's') {
			hv_put(b, s[1] == 's' ? " " : "\\", 1);
			s += 2;
		} else if (s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0}, *end;
			char c = (char)strtol(hex, &end, 16);
			if (*end || c == 0)
				return false; /* values are NUL-free */
			hv_put(b, &c, 1);
			s += 4;
		} else {
			return false;
		}
	}
	return true;
}

/* Expands a SPEC (escapes or an @generator) into b; false when malformed. */
static inline bool hv_expand(hv_buf *b, const char *spec)
{
	long n = 0;
	char gen[16] = "";
	if (spec[0] != '@')
		return hv_unescape(b, spec);
	int used = 0;
	if (sscanf(spec, "@%15s %ld %n", gen, &n, &used) < 2 || n <= 0)
		return false;
	if (strcmp(gen, "repeat") == 0) {
		hv_buf unit = {0};
		if (!hv_unescape(&unit, spec + used) || unit.n == 0)
			return false;
		for (long i = 0; i < n; i++)
			hv_put(b, unit.p, unit.n);
		free(unit.p);
	} else if (strcmp(gen, "array") == 0 || strcmp(gen, "object") == 0) {
		bool obj = gen[0] == 'o';
		hv_put(b, obj ? "{" : "[", 1);
		for (long i = 0; i < n; i++) {
			if (i)
				hv_put(b, ",", 1);
			if (obj) {
				hv_put(b, "\"k", 2);
				hv_putn(b, i);
				hv_put(b, "\":", 2);
			}
			hv_putn(b, i);
		}
		hv_put(b, obj ? "}" : "]", 1);
	} else if (strcmp(gen, "nest") == 0) {
		for (long i = 0; i < n; i++)
			hv_put(b, "[", 1);
		hv_put(b, "1", 1);
		for (long i = 0; i < n; i++)
			hv_put(b, "]", 1);
	} else {
		return false;
	}
	return true;
}

/* Path of values.txt: $RAPPORT_HOSTILE, ./tests/hostile/values.txt, or the
 * source tree above build/ found from /proc/self/exe. Static storage. */
static inline const char *hv_path(void)
{
	static char path[4096];
	const char *env = getenv("RAPPORT_HOSTILE");
	if (env && *env)
		return env;
	if (access("tests/hostile/values.txt", R_OK) == 0)
		return "tests/hostile/values.txt";
	char exe[3000];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k <= 0)
		return "tests/hostile/values.txt";
	exe[k] = '\0';
	char *b = strstr(exe, "/build/");
	if (b)
		*b = '\0';
	snprintf(path, sizeof path, "%s/tests/hostile/values.txt", exe);
	return path;
}

/* Loads the catalogue; aborts the program (message on stderr) on error. */
static inline hv_set *hv_load(void)
{
	const char *path = hv_path();
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "hostile: cannot open %s\n", path);
		exit(1);
	}
	hv_set *s = calloc(1, sizeof *s);
	char line[4096];
	int lineno = 0;
	while (s && fgets(line, sizeof line, f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char kind[16], name[64];
		int used = 0;
		if (sscanf(line, "%15s %63s %n", kind, name, &used) < 2 || !line[used])
			goto bad;
		hv_value v = {.kind = strcmp(kind, "text") == 0    ? HV_TEXT
		                      : strcmp(kind, "bytes") == 0 ? HV_BYTES
		                                                   : HV_JSON};
		if (v.kind == HV_JSON && strcmp(kind, "json") != 0)
			goto bad;
		snprintf(v.name, sizeof v.name, "%s", name);
		hv_buf b = {0};
		if (!hv_expand(&b, line + used))
			goto bad;
		v.val = b.p;
		v.len = b.n;
		hv_value *nv = realloc(s->v, (s->n + 1) * sizeof *nv);
		if (!nv)
			abort();
		s->v = nv;
		s->v[s->n++] = v;
	}
	fclose(f);
	return s;
bad:
	fprintf(stderr, "hostile: %s:%d: malformed line\n", path, lineno);
	exit(1);
}

/* Frees what hv_load() returned. */
static inline void hv_free(hv_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].val);
	free(s->v);
	free(s);
}

/* Number of values of one kind. */
static inline size_t hv_count(const hv_set *s, hv_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].kind == k;
	return n;
}

/* s as a JSON string literal (malloc'd, caller frees): quotes, backslashes
 * and control characters escaped; other bytes copied (valid UTF-8 in, valid
 * JSON out). */
static inline char *hv_json_string(const char *s, size_t len)
{
	hv_buf b = {0};
	hv_put(&b, "\"", 1);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[8];
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			hv_put(&b, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(e, sizeof e, "\\u%04x", c);
			hv_put(&b, e, 6);
		} else {
			hv_put(&b, (const char *)&s[i], 1);
		}
	}
	hv_put(&b, "\"", 1);
	return b.p;
}

#endif
