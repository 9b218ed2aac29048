#ifndef RAPPORT_METASCHEMA_H
#define RAPPORT_METASCHEMA_H
/*
 * Metadata schemas (src/core/metaschema.c): a JSON Schema subset describing
 * what each table's JSONB `metadata` should hold, and the validator shared by
 * the form pane, `rapport meta` and the tests. Pure code: no I/O.
 *
 * Supported keywords: type (object, string, integer, number, boolean, array),
 * properties (order kept), required, enum, format (date, date-time, email,
 * uri, timezone), items, minimum, maximum, description, title, default.
 * Other keywords ("$schema", "x-...") are ignored.
 *
 * Built-in schemas ship as JSON text (metaschema_builtin_text) and can be
 * overridden per database (table rapport_metadata_schemas, migration 040):
 * an override replaces the built-in schema, unless it contains
 * "x-rapport-merge": true, in which case its properties are added to (or
 * replace, key by key) the built-in ones and its "required" list is added.
 * "x-rapport-order": ["a", "b"] lists properties to show first, in that
 * order (the override is jsonb, which keeps keys shortest first).
 *
 * Ownership: metaschema_* constructors return trees the caller frees with
 * metaschema_free(); ms_report from metaschema_validate() is freed with
 * ms_report_free(). Error strings (char **err) are malloc'd; caller frees.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define MS_MAX_DEPTH  64    /* deeper documents are refused, not recursed into */
#define MS_MAX_ITEMS  10000 /* arrays longer than this are an error */
#define MS_MAX_ISSUES 200   /* a report keeps at most this many issues */

typedef enum ms_type {
	MS_ANY = 0, /* no "type": anything goes */
	MS_OBJECT,
	MS_STRING,
	MS_INTEGER,
	MS_NUMBER,
	MS_BOOLEAN,
	MS_ARRAY,
} ms_type;

typedef enum ms_format {
	MS_FMT_NONE = 0,
	MS_FMT_DATE,     /* YYYY-MM-DD, a real calendar day */
	MS_FMT_DATETIME, /* YYYY-MM-DDThh:mm[:ss[.frac]][Z|+hh:mm] */
	MS_FMT_EMAIL,    /* local@domain.tld */
	MS_FMT_URI,      /* scheme:rest (scheme letters, then ":") */
	MS_FMT_TIMEZONE, /* IANA zone name, e.g. America/New_York */
} ms_format;

/* One schema node. Read-only for users of this header. */
typedef struct metaschema metaschema;
struct metaschema {
	ms_type type;
	ms_format format;
	char *description;  /* NULL when absent */
	char *title;        /* NULL when absent */
	cJSON *enum_values; /* a JSON array, or NULL */
	bool has_minimum, has_maximum;
	double minimum, maximum;
	metaschema *items; /* arrays: schema of each item, or NULL */
	size_t nprops;     /* objects: properties in schema order */
	char **prop_names;
	metaschema **props;
	size_t nrequired;
	char **required;
	cJSON *default_value; /* NULL when absent */
};

/* Parses schema text. NULL on error with *err = "properties.x.type: ...". */
metaschema *metaschema_parse(const char *json, char **err);
/* Same from a cJSON tree (not taken over). */
metaschema *metaschema_from_cjson(const cJSON *j, char **err);
void metaschema_free(metaschema *s);

/* Built-in schema text for a table ("coaches", ...); NULL when the table has
 * no metadata column. Static storage. */
const char *metaschema_builtin_text(const char *table);
/* Names of the tables with a built-in schema, NULL-terminated. */
extern const char *const metaschema_tables[];
/* The schema to use for a table: the built-in one, replaced by or merged
 * with override_json when it is non-NULL. NULL on error (*err set). A table
 * without a built-in schema gets {"type":"object"} (or the override). */
metaschema *metaschema_for_table(const char *table, const char *override_json, char **err);

/* Property by name; NULL when the schema does not list it. */
const metaschema *metaschema_prop(const metaschema *s, const char *name);
bool metaschema_is_required(const metaschema *s, const char *name);
/* The rule a value must satisfy in words, as used in error messages and as
 * the form's hint: "an integer ≥ 0", "one of: startup, mid-market,
 * enterprise", "a date (YYYY-MM-DD)". Writes into buf (always terminated). */
void metaschema_describe(const metaschema *s, char *buf, size_t bufsz);

/* ---- checks usable on their own (pure) --------------------------------- */

bool ms_is_snake_case(const char *key); /* ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ */
bool ms_is_date(const char *s);         /* YYYY-MM-DD, real day */
bool ms_is_datetime(const char *s);
bool ms_is_email(const char *s);
bool ms_is_uri(const char *s);
/* Syntax of an IANA zone name ("Area/Location[/Sub]", "UTC", "Etc/GMT+5"). */
bool ms_is_timezone_syntax(const char *s);
/* True when s is in rapport's compiled list of common zones. */
bool ms_timezone_known(const char *s);

/* ---- validation --------------------------------------------------------- */

typedef enum ms_severity {
	MS_ERROR = 0, /* breaks a rule: saving is refused */
	MS_WARNING,   /* key not snake_case: allowed, reported */
	MS_UNKNOWN,   /* key not in the schema: allowed, kept as is */
} ms_severity;

typedef struct ms_issue {
	ms_severity severity;
	char *path; /* "experience_years", "goals[2]", "address.city"; "metadata" for the root */
	char *rule; /* "must be an integer ≥ 0" */
	char *text; /* "experience_years: must be an integer ≥ 0" */
} ms_issue;

typedef struct ms_report {
	ms_issue *v;
	size_t n;
	size_t nerrors, nwarnings, nunknown; /* counted over all issues, kept or not */
	size_t dropped;                      /* issues beyond MS_MAX_ISSUES not kept */
} ms_report;

/* Existence check for a syntactically valid zone name; called at the edge
 * (e.g. /usr/share/zoneinfo). NULL checker: the compiled list is used. */
typedef bool (*ms_zone_fn)(const char *zone, void *ctx);

typedef struct ms_opts {
	ms_zone_fn zone_check;
	void *zone_ctx;
} ms_opts;

/* Validates doc against s (opts may be NULL). Never NULL except on
 * allocation failure. */
ms_report *metaschema_validate(const metaschema *s, const cJSON *doc, const ms_opts *opts);
/* First error (or NULL): the one line the CLI prints. */
const ms_issue *ms_report_first_error(const ms_report *r);
void ms_report_free(ms_report *r);

/* ---- at the edge (src/db/meta.c: database and file system, not pure) ---- */

#include "rapport/db.h"

/* The override schema text for a table, or *json_out = NULL when there is
 * none (or the database predates migration 040). Caller frees. */
db_status meta_schema_override_get(db *d, const char *table, char **json_out);
/* Stores (json non-NULL) or removes (NULL) a table's override. */
db_status meta_schema_override_set(db *d, const char *table, const char *json);
/* The schema in force for kind k: built-in, replaced by or merged with the
 * database's override. DB_ERROR with *err (malloc'd) when the override does
 * not parse as a schema. *out is freed with metaschema_free(). */
db_status meta_schema_load(db *d, db_kind k, metaschema **out, char **err);
/* ms_zone_fn that checks /usr/share/zoneinfo/ZONE is a TZif file (falls back
 * to the compiled list when the system has no zoneinfo). */
bool meta_zone_exists(const char *zone, void *ctx);

#endif
