/* The JSON form model: a JSON parser/printer that keeps number text and key
 * order, the form built from a metadata schema, its edits, the key-level
 * diff and the 3-way merge used on save conflicts. Pure code. */
#include "rapport/form.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation --------------------------------------------------------- */

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);
	if (!p)
		abort();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d)
		abort();
	return memcpy(d, s, n);
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* ---- growable buffer ---------------------------------------------------- */

typedef struct buf {
	char *p;
	size_t n, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->n + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void buf_str(buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static char *buf_take(buf *b)
{
	if (!b->p)
		buf_add(b, "", 0);
	return b->p;
}

/* ---- JSON values -------------------------------------------------------- */

form_json *form_json_new(form_jtype t)
{
	form_json *v = xcalloc(1, sizeof *v);
	v->type = t;
	return v;
}

form_json *form_json_string(const char *s)
{
	form_json *v = form_json_new(FJ_STRING);
	v->text = xstrdup(s ? s : "");
	return v;
}

form_json *form_json_bool(bool b)
{
	form_json *v = form_json_new(FJ_BOOL);
	v->b = b;
	return v;
}

static form_json *number_text(const char *s)
{
	form_json *v = form_json_new(FJ_NUMBER);
	v->text = xstrdup(s);
	return v;
}

void form_json_free(form_json *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		form_json_free(v->kids[i]);
	free(v->kids);
	free(v->text);
	free(v->key);
	free(v);
}

/* Appends kid to v's children. */
static void kid_push(form_json *v, form_json *kid)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 4;
		v->kids = realloc(v->kids, v->cap * sizeof *v->kids);
		if (!v->kids)
			abort();
	}
	v->kids[v->n++] = kid;
}

form_json *form_json_dup(const form_json *v)
{
	if (!v)
		return NULL;
	form_json *d = form_json_new(v->type);
	d->b = v->b;
	d->text = v->text ? xstrdup(v->text) : NULL;
	d->key = v->key ? xstrdup(v->key) : NULL;
	for (size_t i = 0; i < v->n; i++)
		kid_push(d, form_json_dup(v->kids[i]));
	return d;
}

form_json *form_json_get(const form_json *obj, const char *key)
{
	if (!obj || obj->type != FJ_OBJECT || !key)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->kids[i]->key, key) == 0)
			return obj->kids[i];
	return NULL;
}

static long member_index(const form_json *obj, const char *key)
{
	for (size_t i = 0; obj && i < obj->n; i++)
		if (strcmp(obj->kids[i]->key, key) == 0)
			return (long)i;
	return -1;
}

void form_json_set(form_json *obj, const char *key, form_json *v)
{
	free(v->key);
	v->key = xstrdup(key);
	long i = member_index(obj, key);
	if (i >= 0) {
		form_json_free(obj->kids[i]);
		obj->kids[i] = v;
	} else {
		kid_push(obj, v);
	}
}

bool form_json_remove(form_json *obj, const char *key)
{
	long i = member_index(obj, key);
	if (i < 0)
		return false;
	form_json_free(obj->kids[i]);
	memmove(obj->kids + i, obj->kids + i + 1, (obj->n - (size_t)i - 1) * sizeof *obj->kids);
	obj->n--;
	return true;
}

bool form_json_equal(const form_json *a, const form_json *b)
{
	if (!a || !b)
		return a == b;
	if (a->type != b->type || a->n != b->n)
		return false;
	switch (a->type) {
	case FJ_NULL: return true;
	case FJ_BOOL: return a->b == b->b;
	case FJ_STRING: return strcmp(a->text, b->text) == 0;
	case FJ_NUMBER: {
		if (strcmp(a->text, b->text) == 0)
			return true;
		double x = strtod(a->text, NULL), y = strtod(b->text, NULL);
		return isfinite(x) && isfinite(y) && x == y;
	}
	case FJ_ARRAY:
		for (size_t i = 0; i < a->n; i++)
			if (!form_json_equal(a->kids[i], b->kids[i]))
				return false;
		return true;
	case FJ_OBJECT:
		for (size_t i = 0; i < a->n; i++)
			if (!form_json_equal(a->kids[i], form_json_get(b, a->kids[i]->key)))
				return false;
		return true;
	}
	return false;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct parser {
	const char *s;
	size_t len, pos;
	int depth;
	form_perr *err;
	bool failed;
} parser;

/* Records the first error at the current position with line and column. */
static void perr(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(parser *p, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = true;
	if (!p->err)
		return;
	int line = 1, col = 1;
	for (size_t i = 0; i < p->pos && i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];
		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xC0) != 0x80) {
			col++;
		}
	}
	p->err->line = line;
	p->err->col = col;
	p->err->offset = p->pos;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

static void skip_ws(parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		p->pos++;
	}
}

static int peek(const parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* Describes the byte at the current position for error messages. */
static const char *what_here(const parser *p, char *tmp, size_t n)
{
	int c = peek(p);
	if (c < 0)
		return "end of input";
	if (c >= 0x21 && c < 0x7f)
		snprintf(tmp, n, "'%c'", c);
	else
		snprintf(tmp, n, "byte 0x%02X", (unsigned)c);
	return tmp;
}

static form_json *parse_value(parser *p);

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	else if ((c & 0xE0) == 0xC0)
		len = 2, min = 0x80;
	else if ((c & 0xF0) == 0xE0)
		len = 3, min = 0x800;
	else if ((c & 0xF8) == 0xF0)
		len = 4, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	unsigned cp = c & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

static void put_utf8(buf *b, unsigned cp)
{
	char o[4];
	size_t n;
	if (cp < 0x80) {
		o[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	} else {
		o[0] = (char)(0xF0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
	}
	buf_add(b, o, n);
}

/* Reads 4 hex digits after "\u"; -1 when invalid. */
static long hex4(parser *p)
{
	if (p->pos + 4 > p->len)
		return -1;
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int c = p->s[p->pos + (size_t)i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	p->pos += 4;
	return v;
}

/* After a backslash: one escape into b. */
static bool parse_escape(parser *p, buf *b)
{
	int c = peek(p);
	size_t at = p->pos - 1; /* the backslash: errors point there */
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k = c > 0 ? strchr(from, c) : NULL;
	if (k && *k) {
		p->pos++;
		buf_add(b, &to[k - from], 1);
		return true;
	}
	if (c != 'u') {
		p->pos = at;
		perr(p,
		     "invalid escape in string (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
		return false;
	}
	p->pos++;
	long cp = hex4(p);
	if (cp >= 0xD800 && cp <= 0xDBFF && p->pos + 1 < p->len && p->s[p->pos] == '\\' &&
	    p->s[p->pos + 1] == 'u') {
		p->pos += 2;
		long lo = hex4(p);
		cp = lo >= 0xDC00 && lo <= 0xDFFF ? 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
		                                  : -1;
	} else if (cp >= 0xD800 && cp <= 0xDFFF) {
		cp = -1;
	}
	if (cp < 0) {
		p->pos = at;
		perr(p, "invalid \\u escape (four hex digits, surrogates in pairs)");
		return false;
	}
	if (cp == 0) {
		p->pos = at;
		perr(p, "\\u0000 is not allowed (PostgreSQL cannot store it)");
		return false;
	}
	put_utf8(b, (unsigned)cp);
	return true;
}

/* At the opening quote; returns the decoded string (malloc'd) or NULL. */
static char *parse_string_raw(parser *p)
{
	buf b = {0};
	size_t start = p->pos++;
	for (;;) {
		int c = peek(p);
		if (c < 0) {
			p->pos = start;
			perr(p, "string not closed (missing '\"')");
			break;
		}
		if (c == '"') {
			p->pos++;
			return buf_take(&b);
		}
		if (c == '\\') {
			p->pos++;
			if (!parse_escape(p, &b))
				break;
			continue;
		}
		if (c < 0x20) {
			perr(p, "control character in string (write it as \\n, \\t or \\u00%02X)",
			     c);
			break;
		}
		size_t n = utf8_len((const unsigned char *)p->s + p->pos, p->len - p->pos);
		if (!n) {
			perr(p, "invalid UTF-8 in string");
			break;
		}
		buf_add(&b, p->s + p->pos, n);
		p->pos += n;
	}
	free(b.p);
	return NULL;
}

static size_t scan_digits(const parser *p, size_t i)
{
	while (i < p->len && isdigit((unsigned char)p->s[i]))
		i++;
	return i;
}

/* Length of the JSON number at s[i..], 0 when there is none. */
static size_t number_len(const parser *p, size_t i)
{
	size_t start = i;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i >= p->len || !isdigit((unsigned char)p->s[i]))
		return 0;
	if (p->s[i] == '0')
		i++;
	else
		i = scan_digits(p, i);
	if (i < p->len && p->s[i] == '.') {
		size_t j = scan_digits(p, i + 1);
		if (j == i + 1)
			return 0;
		i = j;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		size_t j = scan_digits(p, i);
		if (j == i)
			return 0;
		i = j;
	}
	return i - start;
}

static form_json *parse_number(parser *p)
{
	size_t n = number_len(p, p->pos);
	if (!n) {
		perr(p, "invalid number");
		return NULL;
	}
	form_json *v = form_json_new(FJ_NUMBER);
	v->text = xstrndup(p->s + p->pos, n);
	p->pos += n;
	if (isalnum(peek(p)) || peek(p) == '.') {
		perr(p, "invalid number");
		form_json_free(v);
		return NULL;
	}
	return v;
}

static form_json *parse_literal(parser *p)
{
	static const struct {
		const char *word;
		form_jtype t;
		bool b;
	} lits[] = {{"true", FJ_BOOL, true}, {"false", FJ_BOOL, false}, {"null", FJ_NULL, false}};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lits[i].word);
		if (p->len - p->pos >= n && memcmp(p->s + p->pos, lits[i].word, n) == 0 &&
		    !isalnum((unsigned char)(p->pos + n < p->len ? p->s[p->pos + n] : ' '))) {
			p->pos += n;
			form_json *v = form_json_new(lits[i].t);
			v->b = lits[i].b;
			return v;
		}
	}
	char tmp[24];
	perr(p, "unexpected %s (expected a JSON value)", what_here(p, tmp, sizeof tmp));
	return NULL;
}

/* Items until `close`; members when obj. */
static bool parse_members(parser *p, form_json *v, bool obj, char close)
{
	skip_ws(p);
	if (peek(p) == close) {
		p->pos++;
		return true;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(p);
		if (obj) {
			if (peek(p) != '"') {
				char tmp[24];
				perr(p, "expected a key in double quotes, found %s",
				     what_here(p, tmp, sizeof tmp));
				return false;
			}
			size_t kpos = p->pos;
			key = parse_string_raw(p);
			if (!key)
				return false;
			if (form_json_get(v, key)) {
				p->pos = kpos;
				perr(p, "duplicate key \"%.60s\"", key);
				free(key);
				return false;
			}
			skip_ws(p);
			if (peek(p) != ':') {
				char tmp[24];
				perr(p, "expected ':' after the key, found %s",
				     what_here(p, tmp, sizeof tmp));
				free(key);
				return false;
			}
			p->pos++;
		}
		form_json *kid = parse_value(p);
		if (!kid) {
			free(key);
			return false;
		}
		kid->key = key;
		kid_push(v, kid);
		skip_ws(p);
		int c = peek(p);
		if (c == ',') {
			p->pos++;
			continue;
		}
		if (c == close) {
			p->pos++;
			return true;
		}
		char tmp[24];
		perr(p, "expected ',' or '%c', found %s", close, what_here(p, tmp, sizeof tmp));
		return false;
	}
}

static form_json *parse_container(parser *p, bool obj)
{
	if (++p->depth > FORM_MAX_DEPTH) {
		perr(p, "nested deeper than %d levels", FORM_MAX_DEPTH);
		return NULL;
	}
	p->pos++;
	form_json *v = form_json_new(obj ? FJ_OBJECT : FJ_ARRAY);
	if (!parse_members(p, v, obj, obj ? '}' : ']')) {
		form_json_free(v);
		return NULL;
	}
	p->depth--;
	return v;
}

static form_json *parse_value(parser *p)
{
	skip_ws(p);
	int c = peek(p);
	if (c == '{' || c == '[')
		return parse_container(p, c == '{');
	if (c == '"') {
		char *s = parse_string_raw(p);
		if (!s)
			return NULL;
		form_json *v = form_json_new(FJ_STRING);
		v->text = s;
		return v;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p);
	return parse_literal(p);
}

form_json *form_json_parse(const char *text, size_t len, form_perr *err)
{
	parser p = {.s = text ? text : "", .len = text ? len : 0, .err = err};
	if (err)
		memset(err, 0, sizeof *err);
	if (p.len > FORM_MAX_INPUT) {
		perr(&p, "JSON text too large (more than %u MiB)", FORM_MAX_INPUT >> 20);
		return NULL;
	}
	if (p.len >= 3 && memcmp(p.s, "\xEF\xBB\xBF", 3) == 0)
		p.pos = 3; /* editors may add a byte-order mark */
	form_json *v = parse_value(&p);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (p.pos < p.len) {
		char tmp[24];
		perr(&p, "unexpected %s after the JSON value", what_here(&p, tmp, sizeof tmp));
		form_json_free(v);
		return NULL;
	}
	return v;
}

bool form_is_number_text(const char *s)
{
	if (!s)
		return false;
	parser p = {.s = s, .len = strlen(s)};
	size_t n = number_len(&p, 0);
	return n > 0 && n == p.len;
}

/* ---- printing ----------------------------------------------------------- */

static void print_string(buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		char esc[8];
		switch (*c) {
		case '"': buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\b': buf_add(b, "\\b", 2); break;
		case '\f': buf_add(b, "\\f", 2); break;
		default:
			if (*c < 0x20 || *c == 0x7f) {
				snprintf(esc, sizeof esc, "\\u%04x", *c);
				buf_str(b, esc);
			} else {
				buf_add(b, (const char *)c, 1);
			}
		}
	}
	buf_add(b, "\"", 1);
}

static void newline(buf *b, int indent, int level)
{
	buf_add(b, "\n", 1);
	for (int i = 0; i < indent * level; i++)
		buf_add(b, " ", 1);
}

static void print_value(buf *b, const form_json *v, int indent, int level)
{
	switch (v->type) {
	case FJ_NULL: buf_str(b, "null"); return;
	case FJ_BOOL: buf_str(b, v->b ? "true" : "false"); return;
	case FJ_NUMBER: buf_str(b, v->text); return;
	case FJ_STRING: print_string(b, v->text); return;
	default: break;
	}
	bool obj = v->type == FJ_OBJECT;
	buf_add(b, obj ? "{" : "[", 1);
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			buf_add(b, ",", 1);
		if (indent)
			newline(b, indent, level + 1);
		if (obj) {
			print_string(b, v->kids[i]->key);
			buf_str(b, indent ? ": " : ":");
		}
		print_value(b, v->kids[i], indent, level + 1);
	}
	if (indent && v->n)
		newline(b, indent, level);
	buf_add(b, obj ? "}" : "]", 1);
}

char *form_json_print(const form_json *v, int indent)
{
	buf b = {0};
	if (v)
		print_value(&b, v, indent, 0);
	else
		buf_str(&b, "null");
	return buf_take(&b);
}

/* ---- cJSON bridge ------------------------------------------------------- */

cJSON *form_json_to_cjson(const form_json *v)
{
	if (!v)
		return NULL;
	switch (v->type) {
	case FJ_NULL: return cJSON_CreateNull();
	case FJ_BOOL: return cJSON_CreateBool(v->b);
	case FJ_NUMBER: return cJSON_CreateNumber(strtod(v->text, NULL));
	case FJ_STRING: return cJSON_CreateString(v->text);
	default: break;
	}
	cJSON *c = v->type == FJ_OBJECT ? cJSON_CreateObject() : cJSON_CreateArray();
	if (!c)
		abort();
	for (size_t i = 0; i < v->n; i++) {
		cJSON *k = form_json_to_cjson(v->kids[i]);
		if (v->type == FJ_OBJECT)
			cJSON_AddItemToObject(c, v->kids[i]->key, k);
		else
			cJSON_AddItemToArray(c, k);
	}
	return c;
}

form_json *form_json_from_cjson(const cJSON *c)
{
	if (!c)
		return NULL;
	if (cJSON_IsBool(c))
		return form_json_bool(cJSON_IsTrue(c));
	if (cJSON_IsString(c))
		return form_json_string(c->valuestring);
	if (cJSON_IsNumber(c)) {
		char *t = cJSON_PrintUnformatted(c);
		form_json *v = number_text(t ? t : "0");
		free(t);
		return v;
	}
	if (!cJSON_IsArray(c) && !cJSON_IsObject(c))
		return form_json_new(FJ_NULL);
	form_json *v = form_json_new(cJSON_IsObject(c) ? FJ_OBJECT : FJ_ARRAY);
	const cJSON *k;
	cJSON_ArrayForEach(k, c)
	{
		form_json *kid = form_json_from_cjson(k);
		if (v->type == FJ_OBJECT) {
			if (form_json_get(v, k->string)) {
				form_json_free(kid);
				continue;
			}
			kid->key = xstrdup(k->string);
		}
		kid_push(v, kid);
	}
	return v;
}

/* ---- the form ----------------------------------------------------------- */

struct form {
	const metaschema *schema;
	form_json *doc;  /* current */
	form_json *orig; /* as loaded or last saved */
	form_field *fields;
	size_t n, cap;
	char err[256];
};

static void form_seterr(form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void form_seterr(form *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->err, sizeof f->err, fmt, ap);
	va_end(ap);
}

/* The widget a schema node asks for. */
static form_widget widget_for(const metaschema *s)
{
	if (!s)
		return FORM_RAW;
	if (s->enum_values)
		return FORM_ENUM;
	switch (s->type) {
	case MS_BOOLEAN: return FORM_TOGGLE;
	case MS_INTEGER:
	case MS_NUMBER: return FORM_NUMBER;
	case MS_OBJECT: return FORM_OBJECT;
	case MS_ARRAY:
		return s->items && s->items->type == MS_STRING && !s->items->enum_values ? FORM_LIST
		                                                                         : FORM_RAW;
	case MS_STRING:
		return s->format == MS_FMT_DATE || s->format == MS_FMT_DATETIME ? FORM_DATE
		                                                                : FORM_TEXT;
	default: return FORM_RAW;
	}
}

/* True when value v can be shown by widget w. */
static bool widget_fits(form_widget w, const form_json *v)
{
	if (!v)
		return true;
	switch (w) {
	case FORM_TOGGLE: return v->type == FJ_BOOL;
	case FORM_NUMBER: return v->type == FJ_NUMBER;
	case FORM_TEXT:
	case FORM_DATE:
	case FORM_ENUM: return v->type == FJ_STRING;
	case FORM_OBJECT: return v->type == FJ_OBJECT;
	case FORM_LIST:
		if (v->type != FJ_ARRAY)
			return false;
		for (size_t i = 0; i < v->n; i++)
			if (v->kids[i]->type != FJ_STRING)
				return false;
		return true;
	default: return true;
	}
}

static void field_push(form *f, const char *key, const metaschema *s)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->fields = realloc(f->fields, f->cap * sizeof *f->fields);
		if (!f->fields)
			abort();
	}
	form_field *fl = &f->fields[f->n++];
	fl->key = xstrdup(key);
	fl->schema = s;
	fl->widget = widget_for(s);
	if (!widget_fits(fl->widget, form_json_get(f->doc, key)))
		fl->widget = FORM_RAW;
}

static void fields_clear(form *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->fields[i].key);
	f->n = 0;
}

/* Schema properties in schema order, then the document's other keys. */
static void fields_build(form *f)
{
	fields_clear(f);
	const metaschema *s = f->schema;
	for (size_t i = 0; s && i < s->nprops; i++)
		field_push(f, s->prop_names[i], s->props[i]);
	for (size_t i = 0; i < f->doc->n; i++)
		if (!metaschema_prop(s, f->doc->kids[i]->key))
			field_push(f, f->doc->kids[i]->key, NULL);
}

static form *form_wrap(const metaschema *s, form_json *doc)
{
	form *f = xcalloc(1, sizeof *f);
	f->schema = s;
	f->doc = doc;
	f->orig = form_json_dup(doc);
	fields_build(f);
	return f;
}

/* Parses text that must hold an object ("" / NULL: {}). */
static form_json *parse_object(const char *json, size_t len, form_perr *err)
{
	size_t i = 0;
	while (json && i < len && isspace((unsigned char)json[i]))
		i++;
	if (!json || i == len) {
		if (err)
			memset(err, 0, sizeof *err);
		return form_json_new(FJ_OBJECT);
	}
	form_json *doc = form_json_parse(json, len, err);
	if (doc && doc->type != FJ_OBJECT) {
		form_json_free(doc);
		if (err) {
			err->line = 1, err->col = 1, err->offset = 0;
			snprintf(err->msg, sizeof err->msg,
			         "metadata must be a JSON object ({...})");
		}
		return NULL;
	}
	return doc;
}

form *form_new(const metaschema *s, const char *json, size_t len, form_perr *err)
{
	form_json *doc = parse_object(json, len, err);
	return doc ? form_wrap(s, doc) : NULL;
}

form *form_new_cjson(const metaschema *s, const cJSON *doc)
{
	form_json *d = cJSON_IsObject(doc) ? form_json_from_cjson(doc) : form_json_new(FJ_OBJECT);
	return form_wrap(s, d);
}

void form_free(form *f)
{
	if (!f)
		return;
	fields_clear(f);
	free(f->fields);
	form_json_free(f->doc);
	form_json_free(f->orig);
	free(f);
}

size_t form_nfields(const form *f)
{
	return f->n;
}

const form_field *form_field_at(const form *f, size_t i)
{
	return i < f->n ? &f->fields[i] : NULL;
}

long form_find(const form *f, const char *key)
{
	for (size_t i = 0; key && i < f->n; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return (long)i;
	return -1;
}

const form_json *form_value(const form *f, size_t i)
{
	return i < f->n ? form_json_get(f->doc, f->fields[i].key) : NULL;
}

const cJSON *form_default(const form *f, size_t i)
{
	if (i >= f->n || form_value(f, i) || !f->fields[i].schema)
		return NULL;
	return f->fields[i].schema->default_value;
}

const char *form_error(const form *f)
{
	return f->err;
}

const form_json *form_doc(const form *f)
{
	return f->doc;
}

const form_json *form_original(const form *f)
{
	return f->orig;
}

char *form_display(const form *f, size_t i)
{
	const form_json *v = form_value(f, i);
	if (!v)
		return xstrdup("");
	if (v->type == FJ_STRING || v->type == FJ_NUMBER)
		return xstrdup(v->text);
	if (f->fields[i].widget == FORM_LIST) {
		buf b = {0};
		for (size_t k = 0; k < v->n; k++) {
			if (k)
				buf_str(&b, ", ");
			buf_str(&b, v->kids[k]->text);
		}
		return buf_take(&b);
	}
	return form_json_print(v, 0);
}

void form_hint(const form *f, size_t i, char *buf_, size_t bufsz)
{
	if (bufsz)
		buf_[0] = '\0';
	if (i < f->n && f->fields[i].schema)
		metaschema_describe(f->fields[i].schema, buf_, bufsz);
}

/* Stores v (taken) under field i's key; re-picks the widget for unknown keys. */
static void put(form *f, size_t i, form_json *v)
{
	form_json_set(f->doc, f->fields[i].key, v);
	f->err[0] = '\0';
	form_widget w = widget_for(f->fields[i].schema);
	f->fields[i].widget = widget_fits(w, v) ? w : FORM_RAW;
}

/* Checks field index and that the field uses one of the given widgets. */
static bool field_is(form *f, size_t i, form_widget a, form_widget b)
{
	if (i >= f->n) {
		form_seterr(f, "no such field");
		return false;
	}
	form_widget w = f->fields[i].widget;
	if (w != a && w != b) {
		form_seterr(f, "%s: this field is not edited that way", f->fields[i].key);
		return false;
	}
	return true;
}

/* "key: must be <rule>" into the form's error. */
static int rule_error(form *f, size_t i)
{
	char desc[200];
	metaschema_describe(f->fields[i].schema, desc, sizeof desc);
	form_seterr(f, "%s: must be %s", f->fields[i].key, desc);
	return -1;
}

int form_set_bool(form *f, size_t i, bool v)
{
	if (!field_is(f, i, FORM_TOGGLE, FORM_TOGGLE))
		return -1;
	put(f, i, form_json_bool(v));
	return 0;
}

int form_toggle(form *f, size_t i)
{
	if (!field_is(f, i, FORM_TOGGLE, FORM_TOGGLE))
		return -1;
	const form_json *v = form_value(f, i);
	bool cur = v ? v->b : cJSON_IsTrue(form_default(f, i));
	return form_set_bool(f, i, !cur);
}

int form_set_number(form *f, size_t i, const char *text)
{
	if (!field_is(f, i, FORM_NUMBER, FORM_NUMBER))
		return -1;
	if (!form_is_number_text(text)) {
		form_seterr(f, "%s: not a number", f->fields[i].key);
		return -1;
	}
	double d = strtod(text, NULL);
	const metaschema *s = f->fields[i].schema;
	if (!isfinite(d)) {
		form_seterr(f, "%s: number out of range", f->fields[i].key);
		return -1;
	}
	if (s && s->type == MS_INTEGER && floor(d) != d)
		return rule_error(f, i);
	put(f, i, number_text(text));
	return 0;
}

static bool enum_has_string(const metaschema *s, const char *v)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, s->enum_values) if (cJSON_IsString(e) &&
	                                          strcmp(e->valuestring, v) == 0) return true;
	return false;
}

int form_set_text(form *f, size_t i, const char *s)
{
	if (i < f->n && f->fields[i].widget == FORM_ENUM) {
		if (!enum_has_string(f->fields[i].schema, s))
			return rule_error(f, i);
		put(f, i, form_json_string(s));
		return 0;
	}
	if (!field_is(f, i, FORM_TEXT, FORM_DATE))
		return -1;
	const metaschema *sc = f->fields[i].schema;
	if (f->fields[i].widget == FORM_DATE && *s) {
		bool ok = sc->format == MS_FMT_DATE ? ms_is_date(s) : ms_is_datetime(s);
		if (!ok)
			return rule_error(f, i);
	}
	if (f->fields[i].widget == FORM_DATE && !*s)
		return form_unset(f, i);
	put(f, i, form_json_string(s));
	return 0;
}

int form_set_enum(form *f, size_t i, size_t choice)
{
	if (!field_is(f, i, FORM_ENUM, FORM_ENUM))
		return -1;
	const cJSON *e = cJSON_GetArrayItem(f->fields[i].schema->enum_values, (int)choice);
	if (!e) {
		form_seterr(f, "%s: no such choice", f->fields[i].key);
		return -1;
	}
	put(f, i, form_json_from_cjson(e));
	return 0;
}

int form_set_value(form *f, size_t i, const form_json *v)
{
	if (i >= f->n || !v) {
		form_seterr(f, "no such field");
		return -1;
	}
	put(f, i, form_json_dup(v));
	return 0;
}

int form_set_raw(form *f, size_t i, const char *json, form_perr *err)
{
	form_perr local;
	form_perr *e = err ? err : &local;
	if (i >= f->n) {
		form_seterr(f, "no such field");
		return -1;
	}
	form_json *v = form_json_parse(json, strlen(json), e);
	if (!v) {
		form_seterr(f, "%s: invalid JSON at line %d, column %d: %s", f->fields[i].key,
		            e->line, e->col, e->msg);
		return -1;
	}
	put(f, i, v);
	return 0;
}

int form_unset(form *f, size_t i)
{
	if (i >= f->n) {
		form_seterr(f, "no such field");
		return -1;
	}
	form_json_remove(f->doc, f->fields[i].key);
	f->err[0] = '\0';
	if (!f->fields[i].schema) {
		free(f->fields[i].key);
		memmove(f->fields + i, f->fields + i + 1, (f->n - i - 1) * sizeof *f->fields);
		f->n--;
	} else {
		f->fields[i].widget = widget_for(f->fields[i].schema);
	}
	return 0;
}

/* An empty value of the schema's type, for a newly added key. */
static form_json *empty_for(const metaschema *s)
{
	switch (s ? s->type : MS_STRING) {
	case MS_BOOLEAN:
		return form_json_bool(s->default_value ? cJSON_IsTrue(s->default_value) : false);
	case MS_INTEGER:
	case MS_NUMBER: return number_text("0");
	case MS_ARRAY: return form_json_new(FJ_ARRAY);
	case MS_OBJECT: return form_json_new(FJ_OBJECT);
	default: return form_json_string("");
	}
}

long form_add_key(form *f, const char *key, const char *json, form_perr *err)
{
	if (!ms_is_snake_case(key)) {
		form_seterr(f, "%s: key must be snake_case (lowercase letters, digits, _)",
		            key && *key ? key : "(empty)");
		return -1;
	}
	if (form_json_get(f->doc, key)) {
		form_seterr(f, "%s: key already exists", key);
		return -1;
	}
	long i = form_find(f, key);
	form_json *v;
	if (json) {
		form_perr local;
		form_perr *e = err ? err : &local;
		v = form_json_parse(json, strlen(json), e);
		if (!v) {
			form_seterr(f, "%s: invalid JSON at line %d, column %d: %s", key, e->line,
			            e->col, e->msg);
			return -1;
		}
	} else {
		v = empty_for(metaschema_prop(f->schema, key));
	}
	if (i < 0) {
		field_push(f, key, NULL);
		i = (long)f->n - 1;
	}
	put(f, (size_t)i, v);
	return i;
}

/* ---- string lists ------------------------------------------------------- */

/* The list value of field i (with create, made empty when absent), or NULL. */
static form_json *list_of(form *f, size_t i, bool create)
{
	static form_json empty = {.type = FJ_ARRAY};
	if (!field_is(f, i, FORM_LIST, FORM_LIST))
		return NULL;
	form_json *v = form_json_get(f->doc, f->fields[i].key);
	if (!v && !create) {
		f->err[0] = '\0';
		return &empty;
	}
	if (!v) {
		v = form_json_new(FJ_ARRAY);
		form_json_set(f->doc, f->fields[i].key, v);
	}
	f->err[0] = '\0';
	return v;
}

size_t form_list_len(const form *f, size_t i)
{
	const form_json *v = form_value(f, i);
	return v && v->type == FJ_ARRAY ? v->n : 0;
}

const char *form_list_item(const form *f, size_t i, size_t j)
{
	const form_json *v = form_value(f, i);
	if (!v || v->type != FJ_ARRAY || j >= v->n || v->kids[j]->type != FJ_STRING)
		return NULL;
	return v->kids[j]->text;
}

int form_list_insert(form *f, size_t i, size_t j, const char *s)
{
	form_json *v = list_of(f, i, false);
	if (!v)
		return -1;
	if (j > v->n) {
		form_seterr(f, "%s: no item %zu", f->fields[i].key, j + 1);
		return -1;
	}
	v = list_of(f, i, true);
	if (j > v->n) {
		form_seterr(f, "%s: no item %zu", f->fields[i].key, j + 1);
		return -1;
	}
	kid_push(v, NULL);
	memmove(v->kids + j + 1, v->kids + j, (v->n - j - 1) * sizeof *v->kids);
	v->kids[j] = form_json_string(s);
	return 0;
}

int form_list_set(form *f, size_t i, size_t j, const char *s)
{
	form_json *v = list_of(f, i, false);
	if (!v)
		return -1;
	if (j >= v->n) {
		form_seterr(f, "%s: no item %zu", f->fields[i].key, j + 1);
		return -1;
	}
	free(v->kids[j]->text);
	v->kids[j]->text = xstrdup(s);
	return 0;
}

int form_list_delete(form *f, size_t i, size_t j)
{
	form_json *v = list_of(f, i, false);
	if (!v)
		return -1;
	if (j >= v->n) {
		form_seterr(f, "%s: no item %zu", f->fields[i].key, j + 1);
		return -1;
	}
	form_json_free(v->kids[j]);
	memmove(v->kids + j, v->kids + j + 1, (v->n - j - 1) * sizeof *v->kids);
	v->n--;
	return 0;
}

int form_list_move(form *f, size_t i, size_t j, int delta)
{
	form_json *v = list_of(f, i, false);
	if (!v)
		return -1;
	long to = (long)j + delta;
	if (j >= v->n || to < 0 || to >= (long)v->n || (delta != 1 && delta != -1)) {
		form_seterr(f, "%s: cannot move item %zu there", f->fields[i].key, j + 1);
		return -1;
	}
	form_json *t = v->kids[j];
	v->kids[j] = v->kids[to];
	v->kids[to] = t;
	return 0;
}

/* ---- nested objects ----------------------------------------------------- */

form *form_open_object(const form *f, size_t i)
{
	if (i >= f->n || f->fields[i].widget != FORM_OBJECT)
		return NULL;
	const form_json *v = form_value(f, i);
	form_json *doc = v ? form_json_dup(v) : form_json_new(FJ_OBJECT);
	free(doc->key);
	doc->key = NULL;
	return form_wrap(f->fields[i].schema, doc);
}

int form_close_object(form *f, size_t i, form *sub)
{
	int rc = 0;
	if (sub && form_dirty(sub)) {
		if (i < f->n && f->fields[i].widget == FORM_OBJECT)
			put(f, i, form_json_dup(sub->doc));
		else
			rc = -1;
	}
	form_free(sub);
	return rc;
}

/* ---- whole document ----------------------------------------------------- */

int form_replace_json(form *f, const char *json, size_t len, form_perr *err)
{
	form_perr local;
	form_perr *e = err ? err : &local;
	form_json *doc = parse_object(json, len, e);
	if (!doc) {
		form_seterr(f, "invalid JSON at line %d, column %d: %s", e->line, e->col, e->msg);
		return -1;
	}
	form_json_free(f->doc);
	f->doc = doc;
	f->err[0] = '\0';
	fields_build(f);
	return 0;
}

bool form_dirty(const form *f)
{
	return !form_json_equal(f->doc, f->orig) || f->doc->n != f->orig->n;
}

bool form_field_dirty(const form *f, size_t i)
{
	if (i >= f->n)
		return false;
	return !form_json_equal(form_json_get(f->doc, f->fields[i].key),
	                        form_json_get(f->orig, f->fields[i].key));
}

char *form_to_json(const form *f, bool pretty)
{
	return form_json_print(f->doc, pretty ? 2 : 0);
}

void form_mark_saved(form *f)
{
	form_json_free(f->orig);
	f->orig = form_json_dup(f->doc);
}

void form_rebase(form *f, const form_json *orig, const form_json *doc)
{
	form_json *o = form_json_dup(orig), *d = form_json_dup(doc);
	form_json_free(f->orig);
	form_json_free(f->doc);
	f->orig = o;
	f->doc = d;
	f->err[0] = '\0';
	fields_build(f);
}

ms_report *form_validate(const form *f, const ms_opts *opts)
{
	cJSON *c = form_json_to_cjson(f->doc);
	ms_report *r = metaschema_validate(f->schema, c, opts);
	cJSON_Delete(c);
	return r;
}

/* ---- diff ---------------------------------------------------------------- */

static char *print_or_null(const form_json *v)
{
	return v ? form_json_print(v, 0) : NULL;
}

static void diff_push(form_diff *d, size_t *cap, const char *key, form_change ch,
                      const form_json *a, const form_json *b)
{
	if (d->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		d->v = realloc(d->v, *cap * sizeof *d->v);
		if (!d->v)
			abort();
	}
	form_diff_entry *e = &d->v[d->n++];
	e->key = xstrdup(key);
	e->change = ch;
	e->before = print_or_null(a);
	e->after = print_or_null(b);
}

form_diff *form_diff_new(const form_json *before, const form_json *after)
{
	form_diff *d = xcalloc(1, sizeof *d);
	size_t cap = 0;
	for (size_t i = 0; after && i < after->n; i++) {
		const form_json *b = after->kids[i], *a = form_json_get(before, b->key);
		if (!a)
			diff_push(d, &cap, b->key, FORM_ADDED, NULL, b);
		else if (!form_json_equal(a, b))
			diff_push(d, &cap, b->key, FORM_CHANGED, a, b);
	}
	for (size_t i = 0; before && i < before->n; i++)
		if (!form_json_get(after, before->kids[i]->key))
			diff_push(d, &cap, before->kids[i]->key, FORM_REMOVED, before->kids[i],
			          NULL);
	return d;
}

void form_diff_free(form_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].key);
		free(d->v[i].before);
		free(d->v[i].after);
	}
	free(d->v);
	free(d);
}

/* ---- 3-way merge --------------------------------------------------------- */

static bool merge_has(const form_merge *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].key, key) == 0)
			return true;
	return false;
}

static void merge_add(form_merge *m, size_t *cap, const char *key, const form_json *base,
                      const form_json *mine, const form_json *theirs)
{
	if (merge_has(m, key))
		return;
	if (m->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		m->v = realloc(m->v, *cap * sizeof *m->v);
		if (!m->v)
			abort();
	}
	const form_json *b = form_json_get(base, key), *a = form_json_get(mine, key),
	                *t = form_json_get(theirs, key);
	bool mine_changed = !form_json_equal(a, b), theirs_changed = !form_json_equal(t, b);
	form_merge_key *k = &m->v[m->n++];
	k->key = xstrdup(key);
	k->base = print_or_null(b);
	k->mine = print_or_null(a);
	k->theirs = print_or_null(t);
	if (!mine_changed && !theirs_changed)
		k->state = FORM_M_SAME;
	else if (mine_changed && !theirs_changed)
		k->state = FORM_M_MINE;
	else if (!mine_changed)
		k->state = FORM_M_THEIRS;
	else
		k->state = form_json_equal(a, t) ? FORM_M_BOTH : FORM_M_CONFLICT;
	k->pick = k->state == FORM_M_THEIRS ? FORM_PICK_THEIRS : FORM_PICK_MINE;
	if (k->state == FORM_M_CONFLICT)
		m->nconflicts++;
}

form_merge *form_merge_new(const form_json *base, const form_json *mine, const form_json *theirs)
{
	form_merge *m = xcalloc(1, sizeof *m);
	size_t cap = 0;
	for (size_t i = 0; theirs && i < theirs->n; i++)
		merge_add(m, &cap, theirs->kids[i]->key, base, mine, theirs);
	for (size_t i = 0; mine && i < mine->n; i++)
		merge_add(m, &cap, mine->kids[i]->key, base, mine, theirs);
	for (size_t i = 0; base && i < base->n; i++)
		merge_add(m, &cap, base->kids[i]->key, base, mine, theirs);
	return m;
}

void form_merge_pick_all(form_merge *m, form_pick p)
{
	for (size_t i = 0; i < m->n; i++)
		m->v[i].pick = p;
}

form_json *form_merge_result(const form_merge *m, const form_json *mine, const form_json *theirs)
{
	form_json *out = form_json_new(FJ_OBJECT);
	for (size_t i = 0; i < m->n; i++) {
		const form_merge_key *k = &m->v[i];
		const form_json *src = k->pick == FORM_PICK_MINE ? mine : theirs;
		const form_json *v = form_json_get(src, k->key);
		if (v)
			form_json_set(out, k->key, form_json_dup(v));
	}
	return out;
}

void form_merge_free(form_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].key);
		free(m->v[i].base);
		free(m->v[i].mine);
		free(m->v[i].theirs);
	}
	free(m->v);
	free(m);
}
