#ifndef RAPPORT_FORM_H
#define RAPPORT_FORM_H
/*
 * The JSON form model (src/core/form.c): a record's metadata as a list of
 * typed fields built from a metadata schema (rapport/metaschema.h), with the
 * edits the form pane and `rapport meta` make, and the way back to JSON.
 * Pure code: no I/O, no curses.
 *
 * Values are held as form_json trees from rapport's own JSON parser, which
 * keeps each number's source text ("1.50" stays "1.50", "1e3" stays "1e3")
 * and each object's key order, so JSON -> form -> JSON changes nothing that
 * was not edited. cJSON is used only to hand a document to the validator.
 *
 * Fields: the schema's properties in schema order, then keys present in the
 * record but not in the schema (unknown keys, shown as raw JSON) in record
 * order. The document keeps the record's own key order; keys added by the
 * form go at its end.
 *
 * Ownership: *_new / *_parse results are freed by the matching *_free;
 * char * results are malloc'd and freed by the caller; const pointers
 * point into the form and stay valid until the next edit.
 */
#include "rapport/metaschema.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#define FORM_MAX_DEPTH MS_MAX_DEPTH /* deeper JSON is refused with a parse error */
#define FORM_MAX_INPUT (16u << 20)  /* 16 MiB of JSON text at most */

/* ---- JSON values that keep their source formatting --------------------- */

typedef enum form_jtype {
	FJ_NULL = 0,
	FJ_BOOL,
	FJ_NUMBER,
	FJ_STRING,
	FJ_ARRAY,
	FJ_OBJECT,
} form_jtype;

typedef struct form_json form_json;
struct form_json {
	form_jtype type;
	bool b;           /* FJ_BOOL */
	char *text;       /* FJ_NUMBER: source text; FJ_STRING: decoded UTF-8 (no NUL inside) */
	char *key;        /* set when this value is an object member */
	form_json **kids; /* array items / object members, in order */
	size_t n, cap;
};

/* Where and why parsing failed: line and column are 1-based, the column
 * counts characters (not bytes). */
typedef struct form_perr {
	int line, col;
	size_t offset; /* byte offset */
	char msg[160];
} form_perr;

/* Parses one JSON value (len bytes). NULL on error with *err filled. Refuses
 * nesting deeper than FORM_MAX_DEPTH, more than FORM_MAX_INPUT bytes,
 * invalid UTF-8, "\u0000" (PostgreSQL cannot store it) and duplicate keys. */
form_json *form_json_parse(const char *text, size_t len, form_perr *err);
/* JSON text: indent 0 compact, otherwise pretty with that many spaces. */
char *form_json_print(const form_json *v, int indent);
void form_json_free(form_json *v);
form_json *form_json_dup(const form_json *v);
/* Same JSON value (numbers compared by value, keys in any order). */
bool form_json_equal(const form_json *a, const form_json *b);
cJSON *form_json_to_cjson(const form_json *v);
form_json *form_json_from_cjson(const cJSON *c);
/* Object member by key, or NULL. */
form_json *form_json_get(const form_json *obj, const char *key);
/* Constructors (strings are copied). */
form_json *form_json_new(form_jtype t);
form_json *form_json_string(const char *s);
form_json *form_json_bool(bool b);
/* Sets obj[key] = v (taking v): replaces in place, or appends. */
void form_json_set(form_json *obj, const char *key, form_json *v);
/* Removes obj[key]; false when absent. */
bool form_json_remove(form_json *obj, const char *key);
/* True when s (whole string) is a JSON number. */
bool form_is_number_text(const char *s);

/* ---- the form ----------------------------------------------------------- */

typedef enum form_widget {
	FORM_TOGGLE = 0, /* boolean */
	FORM_NUMBER,     /* integer / number, refuses non-numbers */
	FORM_TEXT,       /* string (also email, uri, timezone formats) */
	FORM_ENUM,       /* picker over the schema's enum */
	FORM_DATE,       /* string, format date or date-time */
	FORM_LIST,       /* array of strings */
	FORM_OBJECT,     /* nested object: edited through form_open_object() */
	FORM_RAW,        /* unknown key, or a value that does not fit its schema */
} form_widget;

typedef struct form_field {
	char *key;
	form_widget widget;
	const metaschema *schema; /* NULL for unknown keys */
} form_field;

typedef struct form form;

/* Builds a form over `json` (len bytes; NULL or empty means {}), which must
 * be an object. The schema is borrowed and must outlive the form (NULL: no
 * schema, every key raw). NULL on parse error with *err filled. */
form *form_new(const metaschema *s, const char *json, size_t len, form_perr *err);
/* Same from a cJSON object (numbers then print as cJSON formats them). */
form *form_new_cjson(const metaschema *s, const cJSON *doc);
void form_free(form *f);

size_t form_nfields(const form *f);
const form_field *form_field_at(const form *f, size_t i);
/* Index of key, or -1. */
long form_find(const form *f, const char *key);
/* Current value of field i; NULL when the key is absent. */
const form_json *form_value(const form *f, size_t i);
/* The schema default of field i when absent, else NULL (cJSON from the schema). */
const cJSON *form_default(const form *f, size_t i);
/* One-line display text of field i: strings bare, numbers as typed, lists
 * "a, b", others compact JSON; "" when absent. Caller frees. */
char *form_display(const form *f, size_t i);
/* The field's rule in words ("an integer ≥ 0"); "" for unknown keys. */
void form_hint(const form *f, size_t i, char *buf, size_t bufsz);
/* The last edit's error ("experience_years: must be an integer ≥ 0"), or "". */
const char *form_error(const form *f);

/* Edits: 0 on success, -1 with form_error() set (nothing changed). */
int form_set_bool(form *f, size_t i, bool v);
int form_toggle(form *f, size_t i); /* absent: flips the default (false if none) */
int form_set_number(form *f, size_t i, const char *text); /* kept exactly as typed */
int form_set_text(form *f, size_t i, const char *s); /* TEXT, DATE (checked), ENUM (must match) */
int form_set_enum(form *f, size_t i, size_t choice); /* index into schema enum */
int form_set_raw(form *f, size_t i, const char *json, form_perr *err);
int form_set_value(form *f, size_t i, const form_json *v); /* copies v */
/* Removes the key from the document. Unknown keys leave the field list;
 * schema fields stay, shown empty. */
int form_unset(form *f, size_t i);
/* Adds a key (snake_case, not present yet) with a JSON value (NULL: ""
 * for strings, per the schema's type otherwise). Returns the field index or -1. */
long form_add_key(form *f, const char *key, const char *json, form_perr *err);

/* String lists. */
size_t form_list_len(const form *f, size_t i);
const char *form_list_item(const form *f, size_t i, size_t j);
int form_list_insert(form *f, size_t i, size_t j, const char *s); /* j == len appends */
int form_list_set(form *f, size_t i, size_t j, const char *s);
int form_list_delete(form *f, size_t i, size_t j);
int form_list_move(form *f, size_t i, size_t j, int delta); /* -1 up, +1 down */

/* Nested object field i as a form of its own (schema: the property's);
 * absent values open as {}. Apply the result with form_close_object(). */
form *form_open_object(const form *f, size_t i);
/* Copies sub's document into field i when sub is dirty; frees sub. */
int form_close_object(form *f, size_t i, form *sub);

/* Replaces the whole document (raw JSON mode / $EDITOR). On a parse error
 * returns -1 with *err (line, column) and leaves the form unchanged; the
 * caller keeps the text as typed. */
int form_replace_json(form *f, const char *json, size_t len, form_perr *err);

bool form_dirty(const form *f);
bool form_field_dirty(const form *f, size_t i);
/* The current document (an object). */
const form_json *form_doc(const form *f);
/* The document the form was built from (or last saved). */
const form_json *form_original(const form *f);
/* JSON text of the current document. */
char *form_to_json(const form *f, bool pretty);
/* After a successful save: the current document becomes the original. */
void form_mark_saved(form *f);
/* Replaces both documents (copies): `orig` becomes what the form compares
 * against, `doc` the current value (conflict resolution, undo, recovery). */
void form_rebase(form *f, const form_json *orig, const form_json *doc);
/* Validates the current document with the form's schema. */
ms_report *form_validate(const form *f, const ms_opts *opts);

/* ---- key-level diff (save preview) -------------------------------------- */

typedef enum form_change { FORM_ADDED, FORM_REMOVED, FORM_CHANGED } form_change;

typedef struct form_diff_entry {
	char *key;
	form_change change;
	char *before; /* compact JSON, NULL when absent */
	char *after;
} form_diff_entry;

typedef struct form_diff {
	form_diff_entry *v;
	size_t n;
} form_diff;

/* Keys of two objects that differ: in `after` order, then removed keys. */
form_diff *form_diff_new(const form_json *before, const form_json *after);
void form_diff_free(form_diff *d);

/* ---- 3-way merge (save conflicts) --------------------------------------- */

typedef enum form_merge_state {
	FORM_M_SAME = 0, /* nobody changed it */
	FORM_M_MINE,     /* only I changed it */
	FORM_M_THEIRS,   /* only they changed it */
	FORM_M_BOTH,     /* both changed it the same way */
	FORM_M_CONFLICT, /* both changed it differently */
} form_merge_state;

typedef enum form_pick { FORM_PICK_MINE = 0, FORM_PICK_THEIRS } form_pick;

typedef struct form_merge_key {
	char *key;
	form_merge_state state;
	char *base, *mine, *theirs; /* compact JSON, NULL when absent */
	form_pick pick;             /* MINE for MINE/CONFLICT/SAME/BOTH, THEIRS for THEIRS */
} form_merge_key;

typedef struct form_merge {
	form_merge_key *v;
	size_t n;
	size_t nconflicts;
} form_merge;

/* Every key of the three objects, in theirs' order then mine's additions. */
form_merge *form_merge_new(const form_json *base, const form_json *mine, const form_json *theirs);
/* Sets the pick of every key (keep mine / take theirs) or of one key. */
void form_merge_pick_all(form_merge *m, form_pick p);
/* The merged object as picked. Caller frees. */
form_json *form_merge_result(const form_merge *m, const form_json *mine, const form_json *theirs);
void form_merge_free(form_merge *m);

#endif
