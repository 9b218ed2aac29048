/* Metadata schemas: a JSON Schema subset, the built-in schema of each table
 * (the spec's "JSONB Metadata Conventions") and the validator. Pure code. */
#include "rapport/metaschema.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- built-in schemas (same syntax as a database override) ------------- */

#define MS_ACTIVE                                                                                  \
	"\"active\": {\"type\": \"boolean\", \"default\": true,"                                   \
	" \"description\": \"Whether the record is active (missing counts as true)\"}"
#define MS_CREATED_BY                                                                              \
	"\"created_by_user_id\": {\"type\": \"string\","                                           \
	" \"description\": \"Id of the user (coach) who created the record\"}"
#define MS_TZ                                                                                      \
	"\"timezone\": {\"type\": \"string\", \"format\": \"timezone\","                           \
	" \"description\": \"IANA time zone, e.g. America/New_York\"}"
#define MS_STRLIST(name, what)                                                                     \
	"\"" name "\": {\"type\": \"array\", \"items\": {\"type\": \"string\"},"                   \
	" \"description\": \"" what "\"}"

static const char schema_companies[] =
    "{\"type\": \"object\", \"properties\": {"
    "\"website\": {\"type\": \"string\", \"format\": \"uri\", \"description\": \"Company "
    "website\"}," MS_ACTIVE ","
    "\"logo_url\": {\"type\": \"string\", \"format\": \"uri\", \"description\": \"Logo image "
    "URL\"},"
    "\"contact_email\": {\"type\": \"string\", \"format\": \"email\","
    " \"description\": \"Contact address\"}," MS_CREATED_BY "}}";

static const char schema_coaches[] =
    "{\"type\": \"object\", \"properties\": {" MS_ACTIVE ","
    "\"experience_years\": {\"type\": \"integer\", \"minimum\": 0,"
    " \"description\": \"Years of coaching experience\"}," MS_STRLIST(
        "specializations",
        "Areas of expertise") "," MS_STRLIST("certifications",
                                             "Professional certifications") "," MS_TZ
                                                                            "," MS_CREATED_BY "}}";

static const char schema_orgs[] =
    "{\"type\": \"object\", \"properties\": {"
    "\"size\": {\"type\": \"string\", \"enum\": [\"startup\", \"mid-market\", \"enterprise\"],"
    " \"description\": \"Company size category\"}," MS_ACTIVE ","
    "\"employee_count\": {\"type\": \"integer\", \"minimum\": 0,"
    " \"description\": \"Number of employees\"},"
    "\"headquarters\": {\"type\": \"string\", \"description\": \"Location\"},"
    "\"website\": {\"type\": \"string\", \"format\": \"uri\", \"description\": "
    "\"Website\"}," MS_CREATED_BY "}}";

static const char schema_clients[] =
    "{\"type\": \"object\", \"properties\": {"
    "\"department\": {\"type\": \"string\", \"description\": \"Department within the "
    "organization\"}," MS_ACTIVE ","
    "\"start_date\": {\"type\": \"string\", \"format\": \"date\","
    " \"description\": \"Coaching start date\"}," MS_STRLIST(
        "goals", "Coaching goals") "," MS_TZ "," MS_CREATED_BY "}}";

static const char schema_models[] =
    "{\"type\": \"object\", \"properties\": {"
    "\"version\": {\"type\": \"string\", \"description\": \"Model version, e.g. 2.0\"},"
    "\"model_type\": {\"type\": \"string\", \"description\": \"framework, methodology, "
    "...\"}," MS_ACTIVE ","
    "\"author\": {\"type\": \"string\", \"description\": \"Author\"}," MS_STRLIST(
        "tags", "Classification tags") "," MS_CREATED_BY "}}";

static const char schema_items[] =
    "{\"type\": \"object\", \"properties\": {"
    "\"title\": {\"type\": \"string\", \"description\": \"Title shown in lists\"},"
    "\"session_date\": {\"type\": \"string\", \"format\": \"date\","
    " \"description\": \"Date of the coaching session\"}," MS_STRLIST(
        "tags", "Classification tags") "," MS_CREATED_BY "}}";

static const struct {
	const char *table;
	const char *text;
} builtins[] = {
    {"coaching_companies", schema_companies}, {"coaches", schema_coaches},
    {"client_organizations", schema_orgs},    {"clients", schema_clients},
    {"coaching_models", schema_models},       {"data_items", schema_items},
};

const char *const metaschema_tables[] = {
    "coaching_companies", "coaches", "client_organizations", "clients", "coaching_models",
    "data_items",         NULL};

/* Built-in schema text for a table, or NULL. */
const char *metaschema_builtin_text(const char *table)
{
	for (size_t i = 0; table && i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i].table, table) == 0)
			return builtins[i].text;
	return NULL;
}

/* ---- small helpers ------------------------------------------------------ */

/* malloc'd printf; aborts on allocation failure like the rest of rapport. */
static char *ms_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2), nonnull(1)));
static char *ms_fmt(const char *fmt, ...)
{
	va_list ap;
	char probe[1];
	va_start(ap, fmt);
	int n = vsnprintf(probe, sizeof probe, fmt, ap);
	va_end(ap);
	char *s = malloc((size_t)n + 1);
	if (!s)
		abort();
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static char *ms_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (!d)
		abort();
	return memcpy(d, s, n);
}

/* ---- parsing a schema --------------------------------------------------- */

static const char *const type_names[] = {"any",    "object",  "string", "integer",
                                         "number", "boolean", "array"};
static const char *const format_names[] = {"", "date", "date-time", "email", "uri", "timezone"};

void metaschema_free(metaschema *s)
{
	if (!s)
		return;
	free(s->description);
	free(s->title);
	cJSON_Delete(s->enum_values);
	cJSON_Delete(s->default_value);
	metaschema_free(s->items);
	for (size_t i = 0; i < s->nprops; i++) {
		free(s->prop_names[i]);
		metaschema_free(s->props[i]);
	}
	free(s->prop_names);
	free(s->props);
	for (size_t i = 0; i < s->nrequired; i++)
		free(s->required[i]);
	free(s->required);
	free(s);
}

static metaschema *parse_node(const cJSON *j, const char *path, int depth, char **err);

/* True when an earlier member of obj has k's key (cJSON keeps duplicates). */
static bool appears_before(const cJSON *obj, const cJSON *k)
{
	for (const cJSON *c = obj->child; c && c != k; c = c->next)
		if (strcmp(c->string, k->string) == 0)
			return true;
	return false;
}

/* Sets *err to "path: msg" (path "schema" at the root). */
static void schema_err(char **err, const char *path, const char *msg)
{
	if (err)
		*err = ms_fmt("%s: %s", *path ? path : "schema", msg);
}

static int parse_type(metaschema *s, const cJSON *t, const char *path, char **err)
{
	if (!cJSON_IsString(t)) {
		schema_err(err, path, "\"type\" must be a string");
		return -1;
	}
	for (int i = 1; i < (int)(sizeof type_names / sizeof type_names[0]); i++)
		if (strcmp(t->valuestring, type_names[i]) == 0) {
			s->type = (ms_type)i;
			return 0;
		}
	schema_err(err, path, "\"type\" must be object, string, integer, number, boolean or array");
	return -1;
}

static int parse_format(metaschema *s, const cJSON *f, const char *path, char **err)
{
	if (!cJSON_IsString(f)) {
		schema_err(err, path, "\"format\" must be a string");
		return -1;
	}
	for (int i = 1; i < (int)(sizeof format_names / sizeof format_names[0]); i++)
		if (strcmp(f->valuestring, format_names[i]) == 0) {
			s->format = (ms_format)i;
			return 0;
		}
	schema_err(err, path, "\"format\" must be date, date-time, email, uri or timezone");
	return -1;
}

static int parse_bound(bool *has, double *v, const cJSON *b, const char *what, const char *path,
                       char **err)
{
	if (!cJSON_IsNumber(b) || !isfinite(b->valuedouble)) {
		char msg[64];
		snprintf(msg, sizeof msg, "\"%s\" must be a number", what);
		schema_err(err, path, msg);
		return -1;
	}
	*has = true;
	*v = b->valuedouble;
	return 0;
}

static int parse_properties(metaschema *s, const cJSON *p, const char *path, int depth, char **err)
{
	if (!cJSON_IsObject(p)) {
		schema_err(err, path, "\"properties\" must be an object");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(p);
	s->prop_names = calloc(n ? n : 1, sizeof *s->prop_names);
	s->props = calloc(n ? n : 1, sizeof *s->props);
	if (!s->prop_names || !s->props)
		abort();
	const cJSON *c;
	cJSON_ArrayForEach(c, p)
	{
		if (appears_before(p, c)) {
			char msg[96];
			snprintf(msg, sizeof msg, "property \"%.60s\" appears twice", c->string);
			schema_err(err, path, msg);
			return -1;
		}
		char *sub = ms_fmt("%s%sproperties.%s", path, *path ? "." : "", c->string);
		metaschema *child = parse_node(c, sub, depth + 1, err);
		free(sub);
		if (!child)
			return -1;
		s->prop_names[s->nprops] = ms_strdup(c->string);
		s->props[s->nprops++] = child;
	}
	return 0;
}

static int parse_required(metaschema *s, const cJSON *r, const char *path, char **err)
{
	if (!cJSON_IsArray(r)) {
		schema_err(err, path, "\"required\" must be an array of key names");
		return -1;
	}
	size_t n = (size_t)cJSON_GetArraySize(r);
	s->required = calloc(n ? n : 1, sizeof *s->required);
	if (!s->required)
		abort();
	const cJSON *c;
	cJSON_ArrayForEach(c, r)
	{
		if (!cJSON_IsString(c)) {
			schema_err(err, path, "\"required\" must be an array of key names");
			return -1;
		}
		s->required[s->nrequired++] = ms_strdup(c->valuestring);
	}
	return 0;
}

static int parse_keyword(metaschema *s, const cJSON *k, const char *path, int depth, char **err)
{
	const char *name = k->string;
	if (strcmp(name, "type") == 0)
		return parse_type(s, k, path, err);
	if (strcmp(name, "format") == 0)
		return parse_format(s, k, path, err);
	if (strcmp(name, "minimum") == 0)
		return parse_bound(&s->has_minimum, &s->minimum, k, name, path, err);
	if (strcmp(name, "maximum") == 0)
		return parse_bound(&s->has_maximum, &s->maximum, k, name, path, err);
	if (strcmp(name, "properties") == 0)
		return parse_properties(s, k, path, depth, err);
	if (strcmp(name, "required") == 0)
		return parse_required(s, k, path, err);
	if (strcmp(name, "items") == 0) {
		char *sub = ms_fmt("%s%sitems", path, *path ? "." : "");
		s->items = parse_node(k, sub, depth + 1, err);
		free(sub);
		return s->items ? 0 : -1;
	}
	if (strcmp(name, "enum") == 0) {
		if (!cJSON_IsArray(k) || cJSON_GetArraySize(k) == 0) {
			schema_err(err, path, "\"enum\" must be a non-empty array");
			return -1;
		}
		s->enum_values = cJSON_Duplicate(k, 1);
		return 0;
	}
	if (strcmp(name, "default") == 0) {
		s->default_value = cJSON_Duplicate(k, 1);
		return 0;
	}
	if (strcmp(name, "x-rapport-order") == 0)
		return cJSON_IsArray(k) ? 0
		                        : (schema_err(err, path,
		                                      "\"x-rapport-order\" must be an "
		                                      "array of property names"),
		                           -1);
	if (strcmp(name, "description") == 0 || strcmp(name, "title") == 0) {
		if (!cJSON_IsString(k)) {
			schema_err(err, path, "\"description\" and \"title\" must be strings");
			return -1;
		}
		char **dst = name[0] == 'd' ? &s->description : &s->title;
		*dst = ms_strdup(k->valuestring);
	}
	return 0; /* other keywords are ignored */
}

/* Puts the properties named in "x-rapport-order" first, in that order (a
 * database override is stored as jsonb, which does not keep key order). */
static void apply_order(metaschema *s, const cJSON *order)
{
	size_t at = 0;
	const cJSON *o;
	cJSON_ArrayForEach(o, order)
	{
		if (!cJSON_IsString(o))
			continue;
		for (size_t i = at; i < s->nprops; i++)
			if (strcmp(s->prop_names[i], o->valuestring) == 0) {
				char *nm = s->prop_names[i];
				metaschema *ps = s->props[i];
				memmove(s->prop_names + at + 1, s->prop_names + at,
				        (i - at) * sizeof *s->prop_names);
				memmove(s->props + at + 1, s->props + at,
				        (i - at) * sizeof *s->props);
				s->prop_names[at] = nm;
				s->props[at++] = ps;
				break;
			}
	}
}

static metaschema *parse_node(const cJSON *j, const char *path, int depth, char **err)
{
	if (depth > MS_MAX_DEPTH) {
		schema_err(err, path, "schema nested too deeply");
		return NULL;
	}
	if (!cJSON_IsObject(j)) {
		schema_err(err, path, "a schema must be a JSON object");
		return NULL;
	}
	metaschema *s = calloc(1, sizeof *s);
	if (!s)
		abort();
	const cJSON *k;
	cJSON_ArrayForEach(k, j)
	{
		if (appears_before(j, k)) {
			char msg[96];
			snprintf(msg, sizeof msg, "\"%.60s\" appears twice", k->string);
			schema_err(err, path, msg);
			metaschema_free(s);
			return NULL;
		}
		if (parse_keyword(s, k, path, depth, err) != 0) {
			metaschema_free(s);
			return NULL;
		}
	}
	const cJSON *order = cJSON_GetObjectItemCaseSensitive(j, "x-rapport-order");
	if (order && s->nprops)
		apply_order(s, order);
	return s;
}

metaschema *metaschema_from_cjson(const cJSON *j, char **err)
{
	if (err)
		*err = NULL;
	return parse_node(j, "", 0, err);
}

metaschema *metaschema_parse(const char *json, char **err)
{
	if (err)
		*err = NULL;
	cJSON *j = json ? cJSON_Parse(json) : NULL;
	if (!j) {
		if (err)
			*err = ms_strdup("schema: not valid JSON");
		return NULL;
	}
	metaschema *s = parse_node(j, "", 0, err);
	cJSON_Delete(j);
	return s;
}

/* Adds the override's properties and required keys to the built-in tree. */
static void merge_override(cJSON *base, const cJSON *ov)
{
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(ov, "properties");
	cJSON *bprops = cJSON_GetObjectItemCaseSensitive(base, "properties");
	if (!bprops)
		bprops = cJSON_AddObjectToObject(base, "properties");
	const cJSON *p;
	cJSON_ArrayForEach(p, props)
	{
		if (cJSON_GetObjectItemCaseSensitive(bprops, p->string))
			cJSON_ReplaceItemInObjectCaseSensitive(bprops, p->string,
			                                       cJSON_Duplicate(p, 1));
		else
			cJSON_AddItemToObject(bprops, p->string, cJSON_Duplicate(p, 1));
	}
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(ov, "required");
	if (!cJSON_IsArray(req))
		return;
	cJSON *breq = cJSON_GetObjectItemCaseSensitive(base, "required");
	if (!breq)
		breq = cJSON_AddArrayToObject(base, "required");
	cJSON_ArrayForEach(p, req) cJSON_AddItemToArray(breq, cJSON_Duplicate(p, 1));
}

metaschema *metaschema_for_table(const char *table, const char *override_json, char **err)
{
	if (err)
		*err = NULL;
	const char *text = metaschema_builtin_text(table);
	if (!override_json)
		return metaschema_parse(text ? text : "{\"type\":\"object\"}", err);
	cJSON *ov = cJSON_Parse(override_json);
	if (!cJSON_IsObject(ov)) {
		cJSON_Delete(ov);
		if (err)
			*err = ms_fmt("schema override for %s: not a JSON object",
			              table ? table : "?");
		return NULL;
	}
	cJSON *tree = ov;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ov, "x-rapport-merge"))) {
		tree = cJSON_Parse(text ? text : "{\"type\":\"object\"}");
		merge_override(tree, ov);
		cJSON_Delete(ov);
	}
	metaschema *s = metaschema_from_cjson(tree, err);
	cJSON_Delete(tree);
	return s;
}

const metaschema *metaschema_prop(const metaschema *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->nprops; i++)
		if (strcmp(s->prop_names[i], name) == 0)
			return s->props[i];
	return NULL;
}

bool metaschema_is_required(const metaschema *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->nrequired; i++)
		if (strcmp(s->required[i], name) == 0)
			return true;
	return false;
}

/* ---- describing a rule -------------------------------------------------- */

static const char *format_words(ms_format f)
{
	switch (f) {
	case MS_FMT_DATE: return "a date (YYYY-MM-DD)";
	case MS_FMT_DATETIME: return "a date-time (YYYY-MM-DDThh:mm:ssZ)";
	case MS_FMT_EMAIL: return "an email address (name@example.com)";
	case MS_FMT_URI: return "a URI (https://...)";
	case MS_FMT_TIMEZONE: return "an IANA time zone (e.g. America/New_York)";
	default: return "a string";
	}
}

/* Appends " ≥ min", " ≤ max" or " between a and b" to buf. */
static void describe_bounds(const metaschema *s, char *buf, size_t bufsz)
{
	size_t n = strlen(buf);
	if (s->has_minimum && s->has_maximum)
		snprintf(buf + n, bufsz - n, " between %.15g and %.15g", s->minimum, s->maximum);
	else if (s->has_minimum)
		snprintf(buf + n, bufsz - n, " \u2265 %.15g", s->minimum);
	else if (s->has_maximum)
		snprintf(buf + n, bufsz - n, " \u2264 %.15g", s->maximum);
}

/* Writes "one of: a, b, c" (values as JSON, strings bare). */
static void describe_enum(const metaschema *s, char *buf, size_t bufsz)
{
	size_t n = (size_t)snprintf(buf, bufsz, "one of: ");
	const cJSON *e;
	bool first = true;
	cJSON_ArrayForEach(e, s->enum_values)
	{
		if (n >= bufsz)
			break;
		char *txt = cJSON_IsString(e) ? NULL : cJSON_PrintUnformatted(e);
		n += (size_t)snprintf(buf + n, bufsz - n, "%s%s", first ? "" : ", ",
		                      txt ? txt : e->valuestring);
		free(txt);
		first = false;
	}
}

void metaschema_describe(const metaschema *s, char *buf, size_t bufsz)
{
	if (!bufsz)
		return;
	buf[0] = '\0';
	if (!s)
		return;
	if (s->enum_values) {
		describe_enum(s, buf, bufsz);
		return;
	}
	switch (s->type) {
	case MS_OBJECT: snprintf(buf, bufsz, "an object"); break;
	case MS_ARRAY:
		if (s->items && s->items->type == MS_STRING && !s->items->format)
			snprintf(buf, bufsz, "a list of strings");
		else
			snprintf(buf, bufsz, "an array");
		break;
	case MS_BOOLEAN: snprintf(buf, bufsz, "true or false"); break;
	case MS_INTEGER: snprintf(buf, bufsz, "an integer"); break;
	case MS_NUMBER: snprintf(buf, bufsz, "a number"); break;
	case MS_STRING: snprintf(buf, bufsz, "%s", format_words(s->format)); break;
	default: snprintf(buf, bufsz, "any JSON value"); break;
	}
	if (s->type == MS_INTEGER || s->type == MS_NUMBER)
		describe_bounds(s, buf, bufsz);
}

/* ---- format checks ------------------------------------------------------ */

bool ms_is_snake_case(const char *k)
{
	if (!k || !islower((unsigned char)k[0]))
		return false;
	for (const char *p = k; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '_') {
			if (!p[1] || p[1] == '_')
				return false;
		} else if (!(islower(c) || isdigit(c)) || c > 127) {
			return false;
		}
	}
	return true;
}

/* Reads exactly n digits at *p into *v; advances. */
static bool digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

/* Parses YYYY-MM-DD at *p (advancing); true when it is a real day. */
static bool parse_date(const char **p)
{
	int y, m, d;
	if (!digits(p, 4, &y) || *(*p)++ != '-' || !digits(p, 2, &m) || *(*p)++ != '-' ||
	    !digits(p, 2, &d))
		return false;
	return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

bool ms_is_date(const char *s)
{
	return s && parse_date(&s) && *s == '\0';
}

/* Parses hh:mm[:ss[.frac]] at *p. */
static bool parse_time(const char **p)
{
	int h, mi, se = 0;
	if (!digits(p, 2, &h) || *(*p)++ != ':' || !digits(p, 2, &mi))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, &se))
			return false;
		if (**p == '.') {
			(*p)++;
			if (!isdigit((unsigned char)**p))
				return false;
			while (isdigit((unsigned char)**p))
				(*p)++;
		}
	}
	return h <= 23 && mi <= 59 && se <= 60;
}

bool ms_is_datetime(const char *s)
{
	if (!s || !parse_date(&s) || (*s != 'T' && *s != 't' && *s != ' '))
		return false;
	s++;
	if (!parse_time(&s))
		return false;
	if (*s == 'Z' || *s == 'z')
		return s[1] == '\0';
	if (*s == '+' || *s == '-') {
		int h, m;
		s++;
		if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &m))
			return false;
		return *s == '\0' && h <= 23 && m <= 59;
	}
	return *s == '\0';
}

bool ms_is_email(const char *s)
{
	if (!s)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || strlen(s) > 254)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == '"' ||
		    *p == '(' || *p == ')' || *p == ';' || *p == '\\' || (unsigned char)*p == 0x7f)
			return false;
	const char *dom = at + 1;
	const char *dot = strrchr(dom, '.');
	if (!dot || dot == dom || !dot[1] || strstr(dom, "..") || dom[0] == '-')
		return false;
	return true;
}

bool ms_is_uri(const char *s)
{
	if (!s || !isalpha((unsigned char)s[0]))
		return false;
	const char *p = s;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (const char *q = p + 1; *q; q++)
		if ((unsigned char)*q <= ' ' || (unsigned char)*q == 0x7f || *q == '"' ||
		    *q == '<' || *q == '>' || *q == '\\')
			return false;
	/* http(s) need an authority: "https://host" */
	size_t sl = (size_t)(p - s);
	if ((sl == 4 && strncmp(s, "http", 4) == 0) || (sl == 5 && strncmp(s, "https", 5) == 0))
		return strncmp(p, "://", 3) == 0 && p[3] && p[3] != '/';
	return true;
}

/* One component of a zone name: [A-Za-z0-9_+-], starting with a letter, or
 * a GMT offset like "GMT+5" under Etc. */
static bool zone_part(const char *s, size_t n)
{
	if (n == 0 || n > 30 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '_' || c == '+' || c == '-') || c > 127)
			return false;
	}
	return true;
}

bool ms_is_timezone_syntax(const char *s)
{
	if (!s || !*s || strlen(s) > 64)
		return false;
	int parts = 0;
	const char *p = s;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (!zone_part(p, n) || !isupper((unsigned char)p[0]))
			return false;
		parts++;
		if (!slash)
			break;
		p = slash + 1;
	}
	return parts <= 3;
}

static const char *const common_zones[] = {
    "UTC",
    "GMT",
    "Etc/UTC",
    "Etc/GMT",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Casablanca",
    "America/Anchorage",
    "America/Argentina/Buenos_Aires",
    "America/Bogota",
    "America/Chicago",
    "America/Denver",
    "America/Edmonton",
    "America/Halifax",
    "America/Lima",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/New_York",
    "America/Phoenix",
    "America/Santiago",
    "America/Sao_Paulo",
    "America/St_Johns",
    "America/Toronto",
    "America/Vancouver",
    "America/Detroit",
    "America/Caracas",
    "America/Montevideo",
    "America/Puerto_Rico",
    "Asia/Bangkok",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Jerusalem",
    "Asia/Karachi",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Riyadh",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Taipei",
    "Asia/Tehran",
    "Asia/Tokyo",
    "Asia/Ho_Chi_Minh",
    "Asia/Kuala_Lumpur",
    "Asia/Tashkent",
    "Asia/Almaty",
    "Atlantic/Azores",
    "Atlantic/Reykjavik",
    "Atlantic/Canary",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Darwin",
    "Australia/Melbourne",
    "Australia/Perth",
    "Australia/Sydney",
    "Australia/Hobart",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Kiev",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Moscow",
    "Europe/Oslo",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Vienna",
    "Europe/Warsaw",
    "Europe/Zurich",
    "Pacific/Auckland",
    "Pacific/Fiji",
    "Pacific/Honolulu",
    "Pacific/Guam",
    "Indian/Maldives",
    "Indian/Mauritius",
    NULL,
};

bool ms_timezone_known(const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; common_zones[i]; i++)
		if (strcmp(common_zones[i], s) == 0)
			return true;
	/* Etc/GMT+N and Etc/GMT-N, N in 0..14 */
	if (strncmp(s, "Etc/GMT", 7) == 0 && (s[7] == '+' || s[7] == '-')) {
		char *end;
		long n = strtol(s + 8, &end, 10);
		return isdigit((unsigned char)s[8]) && *end == '\0' && n >= 0 && n <= 14 &&
		       strlen(s + 8) <= 2;
	}
	return false;
}

/* ---- validation --------------------------------------------------------- */

typedef struct vctx {
	ms_report *r;
	size_t cap;
	const ms_opts *opts;
} vctx;

static void add_issue(vctx *c, ms_severity sev, const char *path, const char *rule)
{
	ms_report *r = c->r;
	if (sev == MS_ERROR)
		r->nerrors++;
	else if (sev == MS_WARNING)
		r->nwarnings++;
	else
		r->nunknown++;
	if (r->n >= MS_MAX_ISSUES) {
		r->dropped++;
		return;
	}
	if (r->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		r->v = realloc(r->v, c->cap * sizeof *r->v);
		if (!r->v)
			abort();
	}
	const char *p = *path ? path : "metadata";
	r->v[r->n].severity = sev;
	r->v[r->n].path = ms_strdup(p);
	r->v[r->n].rule = ms_strdup(rule);
	r->v[r->n].text = ms_fmt("%s: %s", p, rule);
	r->n++;
}

/* "must be " + the schema's rule. */
static void add_rule_error(vctx *c, const metaschema *s, const char *path)
{
	char desc[512], rule[540];
	metaschema_describe(s, desc, sizeof desc);
	snprintf(rule, sizeof rule, "must be %s", desc);
	add_issue(c, MS_ERROR, path, rule);
}

static void validate_node(vctx *c, const metaschema *s, const cJSON *v, const char *path,
                          int depth);

static bool zone_ok(vctx *c, const char *z)
{
	if (!ms_is_timezone_syntax(z))
		return false;
	if (c->opts && c->opts->zone_check)
		return c->opts->zone_check(z, c->opts->zone_ctx);
	return ms_timezone_known(z);
}

static bool format_ok(vctx *c, ms_format f, const char *v)
{
	switch (f) {
	case MS_FMT_DATE: return ms_is_date(v);
	case MS_FMT_DATETIME: return ms_is_datetime(v);
	case MS_FMT_EMAIL: return ms_is_email(v);
	case MS_FMT_URI: return ms_is_uri(v);
	case MS_FMT_TIMEZONE: return zone_ok(c, v);
	default: return true;
	}
}

/* Type check; false (with an issue) when v is not of s->type. */
static bool type_ok(vctx *c, const metaschema *s, const cJSON *v, const char *path)
{
	bool ok;
	switch (s->type) {
	case MS_OBJECT: ok = cJSON_IsObject(v); break;
	case MS_ARRAY: ok = cJSON_IsArray(v); break;
	case MS_STRING: ok = cJSON_IsString(v); break;
	case MS_BOOLEAN: ok = cJSON_IsBool(v); break;
	case MS_NUMBER: ok = cJSON_IsNumber(v); break;
	case MS_INTEGER:
		ok = cJSON_IsNumber(v) &&
		     (!isfinite(v->valuedouble) || floor(v->valuedouble) == v->valuedouble);
		break;
	default: ok = true; break;
	}
	if (!ok)
		add_rule_error(c, s, path);
	return ok;
}

static bool enum_ok(const metaschema *s, const cJSON *v)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, s->enum_values) if (cJSON_Compare(e, v, 1)) return true;
	return false;
}

static void validate_number(vctx *c, const metaschema *s, const cJSON *v, const char *path)
{
	double d = v->valuedouble;
	if (!isfinite(d)) {
		add_issue(c, MS_ERROR, path, "number out of range");
		return;
	}
	if (s->type == MS_INTEGER && fabs(d) > 9007199254740992.0) {
		add_issue(c, MS_ERROR, path, "integer out of range (beyond \u00b12^53)");
		return;
	}
	if ((s->has_minimum && d < s->minimum) || (s->has_maximum && d > s->maximum))
		add_rule_error(c, s, path);
}

static void validate_object(vctx *c, const metaschema *s, const cJSON *v, const char *path,
                            int depth)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, v)
	{
		char *sub = *path ? ms_fmt("%s.%s", path, m->string) : ms_strdup(m->string);
		if (!ms_is_snake_case(m->string))
			add_issue(c, MS_WARNING, sub, "key should be snake_case");
		const metaschema *ps = metaschema_prop(s, m->string);
		if (ps)
			validate_node(c, ps, m, sub, depth + 1);
		else if (s->type == MS_OBJECT)
			add_issue(c, MS_UNKNOWN, sub, "not in the schema (kept as is)");
		if (!ps)
			validate_node(c, NULL, m, sub, depth + 1);
		free(sub);
	}
	for (size_t i = 0; i < s->nrequired; i++)
		if (!cJSON_GetObjectItemCaseSensitive(v, s->required[i])) {
			char *sub = *path ? ms_fmt("%s.%s", path, s->required[i])
			                  : ms_strdup(s->required[i]);
			add_issue(c, MS_ERROR, sub, "is required");
			free(sub);
		}
}

static void validate_array(vctx *c, const metaschema *s, const cJSON *v, const char *path,
                           int depth)
{
	int n = cJSON_GetArraySize(v);
	if (n > MS_MAX_ITEMS) {
		char rule[64];
		snprintf(rule, sizeof rule, "too many items (%d; at most %d)", n, MS_MAX_ITEMS);
		add_issue(c, MS_ERROR, path, rule);
		return;
	}
	int i = 0;
	const cJSON *it;
	cJSON_ArrayForEach(it, v)
	{
		char *sub = ms_fmt("%s[%d]", path, i++);
		validate_node(c, s ? s->items : NULL, it, sub, depth + 1);
		free(sub);
	}
}

/* Checks limits everywhere (also in unknown values, s == NULL) and the rules
 * of s where there is one. */
static void validate_node(vctx *c, const metaschema *s, const cJSON *v, const char *path, int depth)
{
	if (depth > MS_MAX_DEPTH) {
		char rule[64];
		snprintf(rule, sizeof rule, "nested deeper than %d levels", MS_MAX_DEPTH);
		add_issue(c, MS_ERROR, path, rule);
		return;
	}
	if (cJSON_IsNumber(v) && !isfinite(v->valuedouble) && (!s || s->type == MS_ANY)) {
		add_issue(c, MS_ERROR, path, "number out of range");
		return;
	}
	if (!s) {
		if (cJSON_IsArray(v))
			validate_array(c, NULL, v, path, depth);
		else if (cJSON_IsObject(v))
			for (const cJSON *m = v->child; m; m = m->next) {
				char *sub =
				    *path ? ms_fmt("%s.%s", path, m->string) : ms_strdup(m->string);
				validate_node(c, NULL, m, sub, depth + 1);
				free(sub);
			}
		return;
	}
	if (!type_ok(c, s, v, path))
		return;
	if (s->enum_values && !enum_ok(s, v)) {
		add_rule_error(c, s, path);
		return;
	}
	if (cJSON_IsNumber(v))
		validate_number(c, s, v, path);
	else if (cJSON_IsString(v) && s->format && !format_ok(c, s->format, v->valuestring))
		add_rule_error(c, s, path);
	else if (cJSON_IsObject(v))
		validate_object(c, s, v, path, depth);
	else if (cJSON_IsArray(v))
		validate_array(c, s, v, path, depth);
}

ms_report *metaschema_validate(const metaschema *s, const cJSON *doc, const ms_opts *opts)
{
	ms_report *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	vctx c = {.r = r, .opts = opts};
	if (!doc) {
		add_issue(&c, MS_ERROR, "", "must be an object");
		return r;
	}
	if (s && s->type == MS_ANY && cJSON_IsObject(doc)) {
		metaschema obj = *s;
		obj.type = MS_OBJECT;
		validate_node(&c, &obj, doc, "", 0);
	} else {
		validate_node(&c, s, doc, "", 0);
	}
	return r;
}

const ms_issue *ms_report_first_error(const ms_report *r)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->v[i].severity == MS_ERROR)
			return &r->v[i];
	return NULL;
}

void ms_report_free(ms_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].path);
		free(r->v[i].rule);
		free(r->v[i].text);
	}
	free(r->v);
	free(r);
}
