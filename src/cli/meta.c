/* `rapport meta TABLE REF [--set KEY=JSON]... [--unset KEY]...`: prints a
 * record's metadata, or changes keys of it through the same schema
 * validation and optimistic concurrency check as the form pane. */
#include "rapport/cli.h"
#include "rapport/form.h"
#include "rapport/metaschema.h"
#include "rapport/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define META_MAX_RETRIES 20

static const char meta_usage[] =
    "Usage: rapport meta TABLE REF [--set KEY=JSON]... [--unset KEY]... [--compact]\n"
    "       rapport meta schema TABLE [--set FILE | --reset]\n"
    "Print a record's metadata as JSON, or change keys of it; print or change the\n"
    "metadata schema a table's records are checked against.\n"
    "\n"
    "  TABLE            companies, coaches, orgs, clients, models or items\n"
    "                   (table names and singular forms work too)\n"
    "  REF              the record's uuid, slug or email\n"
    "  --set KEY=JSON   set KEY to a JSON value, e.g. --set experience_years=12,\n"
    "                   --set 'goals=[\"focus\"]', --set 'department=\"Product\"'\n"
    "  --unset KEY      remove KEY\n"
    "  --compact        print the JSON on one line\n"
    "  --help           this help\n"
    "  schema TABLE     print the schema in force (the database's override, else\n"
    "                   rapport's built-in one); --set FILE (- for stdin) stores an\n"
    "                   override after checking it parses as a schema (\"x-rapport-merge\":\n"
    "                   true adds to the built-in schema instead of replacing it);\n"
    "                   --reset goes back to the built-in schema\n"
    "\n"
    "Changes are validated against the table's metadata schema (built in, or the\n"
    "database's override in rapport_metadata_schemas) and written with one UPDATE\n"
    "that checks nobody saved in between (retried on a fresh read when they did).\n"
    "Invalid input: exit 1 with one line naming the key and the rule; nothing is\n"
    "written. Exit status: 0 ok, 1 failure, 2 usage or connection error.\n";

typedef struct meta_edit {
	char *key;        /* owned */
	form_json *value; /* owned; NULL for --unset */
} meta_edit;

typedef struct meta_args {
	db_kind kind;
	const char *ref;
	meta_edit *edits;
	size_t nedits;
	bool compact;
} meta_args;

/* Prints "rapport: meta: <msg>" with the message sanitized. */
static void meta_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void meta_err(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	char *safe = text_sanitize(line, (size_t)-1);
	fprintf(stderr, "rapport: meta: %s\n", safe ? safe : line);
	free(safe);
}

static void meta_args_free(meta_args *a)
{
	for (size_t i = 0; i < a->nedits; i++) {
		free(a->edits[i].key);
		form_json_free(a->edits[i].value);
	}
	free(a->edits);
}

/* Adds one --set (value parsed) or --unset; 1 on a user error (printed). */
static int meta_add_edit(meta_args *a, const char *arg, bool set)
{
	const char *eq = set ? strchr(arg, '=') : NULL;
	if (set && (!eq || eq == arg)) {
		meta_err("--set takes KEY=JSON, got '%.200s'", arg);
		return 2;
	}
	size_t klen = set ? (size_t)(eq - arg) : strlen(arg);
	if (!klen) {
		meta_err("--unset takes a key name");
		return 2;
	}
	meta_edit e = {.key = strndup(arg, klen)};
	if (set) {
		form_perr pe;
		e.value = form_json_parse(eq + 1, strlen(eq + 1), &pe);
		if (!e.value) {
			char hint[160] = "";
			if (!strchr("[{\"-0123456789tfn", eq[1]) || !eq[1])
				snprintf(hint, sizeof hint,
				         " (strings need quotes: %.60s='\"text\"')", e.key);
			meta_err("%s: invalid JSON at line %d, column %d: %s%s", e.key, pe.line,
			         pe.col, pe.msg, hint);
			free(e.key);
			return 1;
		}
	}
	a->edits = realloc(a->edits, (a->nedits + 1) * sizeof *a->edits);
	if (!a->edits)
		abort();
	a->edits[a->nedits++] = e;
	return 0;
}

/* Value of option `name` at argv[*i] ("--set X" or "--set=X"), or NULL when
 * argv[*i] is not that option; *missing when the value is absent. */
static const char *meta_opt_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

/* Parses the subcommand's arguments (own loop: getopt's state is the
 * caller's); returns -1 to go on, else an exit code. */
static int meta_parse_args(int argc, char **argv, meta_args *a)
{
	const char *pos[2];
	int npos = 0, rc;
	bool opts_done = false;
	for (int i = 1; i < argc; i++) {
		const char *v;
		bool missing = false;
		if (opts_done || argv[i][0] != '-' || argv[i][1] == '\0') {
			if (npos == 2) {
				fputs(meta_usage, stderr);
				return EXIT_USAGE;
			}
			pos[npos++] = argv[i];
		} else if (strcmp(argv[i], "--") == 0) {
			opts_done = true;
		} else if ((v = meta_opt_value(argc, argv, &i, "--set", &missing))) {
			if ((rc = meta_add_edit(a, v, true)) != 0)
				return rc;
		} else if ((v = meta_opt_value(argc, argv, &i, "--unset", &missing))) {
			if ((rc = meta_add_edit(a, v, false)) != 0)
				return rc;
		} else if (missing) {
			meta_err("%s needs a value (see rapport meta --help)", argv[i]);
			return EXIT_USAGE;
		} else if (strcmp(argv[i], "--compact") == 0) {
			a->compact = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			fputs(meta_usage, stdout);
			return EXIT_OK;
		} else {
			meta_err("unknown option '%.100s' (see rapport meta --help)", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (npos != 2) {
		fputs(meta_usage, stderr);
		return EXIT_USAGE;
	}
	a->kind = db_kind_parse(pos[0]);
	a->ref = pos[1];
	if (a->kind == DB_NONE) {
		meta_err(
		    "unknown table '%.100s' (companies, coaches, orgs, clients, models, items)",
		    pos[0]);
		return EXIT_USAGE;
	}
	return -1;
}

/* True when the issue's top-level key is one the user is changing. */
static bool meta_touches(const meta_args *a, const ms_issue *is)
{
	size_t n = strcspn(is->path, ".[");
	for (size_t i = 0; i < a->nedits; i++)
		if (strlen(a->edits[i].key) == n && strncmp(a->edits[i].key, is->path, n) == 0)
			return true;
	return false;
}

/* Applies the edits to f; 1 with a message on a user error. */
static int meta_apply(form *f, const meta_args *a)
{
	for (size_t i = 0; i < a->nedits; i++) {
		const meta_edit *e = &a->edits[i];
		long k = form_find(f, e->key);
		bool present = k >= 0 && form_value(f, (size_t)k);
		int rc;
		if (!e->value)
			rc = present ? form_unset(f, (size_t)k) : 0;
		else if (present)
			rc = form_set_value(f, (size_t)k, e->value);
		else {
			char *txt = form_json_print(e->value, 0);
			rc = form_add_key(f, e->key, txt, NULL) < 0 ? -1 : 0;
			free(txt);
		}
		if (rc != 0) {
			meta_err("%s", form_error(f));
			return 1;
		}
	}
	return 0;
}

/* Validates the keys being changed; 1 with the first error printed. */
static int meta_check(const form *f, const meta_args *a)
{
	ms_opts o = {.zone_check = meta_zone_exists};
	ms_report *r = form_validate(f, &o);
	int rc = 0;
	for (size_t i = 0; i < r->n && !rc; i++)
		if (r->v[i].severity == MS_ERROR && meta_touches(a, &r->v[i])) {
			meta_err("%s", r->v[i].text);
			rc = 1;
		}
	ms_report_free(r);
	return rc;
}

/* Prints JSON text and a newline, sanitized on a terminal; also used as is
 * for stored documents the form parser cannot hold (nested past its limit). */
static void meta_print_stored(const char *text)
{
	if (isatty(STDOUT_FILENO)) {
		char *safe = text_sanitize_multiline(text, (size_t)-1);
		fputs(safe ? safe : "", stdout);
		free(safe);
	} else {
		fputs(text, stdout);
	}
	fputc('\n', stdout);
}

/* Prints the document: pretty or compact, sanitized for a terminal. */
static void meta_print(const form_json *doc, bool compact)
{
	char *t = form_json_print(doc, compact ? 0 : 2);
	meta_print_stored(t ? t : "");
	free(t);
}

/* True when rec's token is no longer the row's: a write refused as "denied"
 * while another save committed in between was really a conflict. */
static bool meta_token_moved(db *d, db_kind k, const db_record *rec)
{
	db_record *now = NULL;
	bool moved = db_record_get(d, k, rec->id, &now) == DB_OK &&
	             strcmp(now->updated_at, rec->updated_at) != 0;
	db_record_free(now);
	return moved;
}

/* One read-modify-write attempt. DB_CONFLICT means: read again and retry. */
static db_status meta_attempt(db *d, const meta_args *a, const metaschema *s, int *code)
{
	db_record *rec = NULL;
	db_status st = db_record_find(d, a->kind, a->ref, &rec);
	if (st == DB_NOTFOUND) {
		meta_err("no %s matches '%.200s' (uuid, slug or email)", db_kind_label(a->kind),
		         a->ref);
		*code = EXIT_FAIL;
		return st;
	}
	if (st != DB_OK) {
		meta_err("%s", db_errmsg(d));
		*code = EXIT_FAIL;
		return st;
	}
	form_perr pe;
	form *f = form_new(s, rec->metadata, strlen(rec->metadata), &pe);
	if (!f && a->nedits == 0) {
		meta_print_stored(rec->metadata);
		*code = EXIT_OK;
		db_record_free(rec);
		return DB_OK;
	}
	if (!f) {
		/* never write a document built without the keys we could not read */
		meta_err("stored metadata cannot be edited here (line %d, column %d: %s); "
		         "nothing changed",
		         pe.line, pe.col, pe.msg);
		*code = EXIT_FAIL;
		db_record_free(rec);
		return DB_ERROR;
	}
	*code = meta_apply(f, a);
	if (!*code)
		*code = meta_check(f, a);
	if (!*code && form_dirty(f)) {
		char *json = form_to_json(f, false);
		st = db_update_metadata(d, a->kind, rec->id, rec->updated_at, json, NULL);
		free(json);
		if (st == DB_DENIED && meta_token_moved(d, a->kind, rec))
			st = DB_CONFLICT; /* saved by someone else in between: read again */
		if (st != DB_OK && st != DB_CONFLICT) {
			meta_err("%s", db_errmsg(d));
			*code = EXIT_FAIL;
		}
	}
	if (!*code && st == DB_OK)
		meta_print(form_doc(f), a->compact);
	form_free(f);
	db_record_free(rec);
	return *code ? DB_ERROR : st;
}

/* Reads a whole file ("-": stdin) into a malloc'd string, or NULL. */
static char *meta_read_file(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	char *b = malloc(cap);
	while (b && (got = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap && n < FORM_MAX_INPUT)
			b = realloc(b, cap *= 2);
		else if (n + 1 == cap)
			break;
	}
	if (f != stdin)
		fclose(f);
	if (b)
		b[n] = '\0';
	return b;
}

/* Prints the schema text of a table: override, else built-in; pretty. */
static int meta_schema_print(db *d, db_kind k)
{
	char *ov = NULL;
	if (meta_schema_override_get(d, db_kind_table(k), &ov) != DB_OK) {
		meta_err("%s", db_errmsg(d));
		return EXIT_FAIL;
	}
	const char *text = ov ? ov : metaschema_builtin_text(db_kind_table(k));
	form_perr pe;
	form_json *j = form_json_parse(text ? text : "{}", strlen(text ? text : "{}"), &pe);
	if (j)
		meta_print(j, false);
	form_json_free(j);
	free(ov);
	return j ? EXIT_OK : EXIT_FAIL;
}

/* Stores FILE as the table's override after checking it. */
static int meta_schema_store(db *d, db_kind k, const char *path)
{
	char *text = meta_read_file(path);
	if (!text) {
		meta_err("cannot read %.200s", path);
		return EXIT_FAIL;
	}
	char *err = NULL;
	metaschema *s = metaschema_for_table(db_kind_table(k), text, &err);
	int code = EXIT_OK;
	if (!s) {
		meta_err("%s; nothing stored", err ? err : "not a schema");
		code = EXIT_FAIL;
	} else if (meta_schema_override_set(d, db_kind_table(k), text) != DB_OK) {
		meta_err("%s", db_errmsg(d));
		code = EXIT_FAIL;
	}
	metaschema_free(s);
	free(err);
	free(text);
	return code;
}

/* `rapport meta schema TABLE [--set FILE | --reset]`. */
static int meta_schema_cmd(const rapport_globals *g, int argc, char **argv)
{
	const char *table = NULL, *file = NULL;
	bool reset = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--set") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strncmp(argv[i], "--set=", 6) == 0)
			file = argv[i] + 6;
		else if (strcmp(argv[i], "--reset") == 0)
			reset = true;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return fputs(meta_usage, stdout) == EOF ? EXIT_FAIL : EXIT_OK;
		else if (argv[i][0] != '-' && !table)
			table = argv[i];
		else {
			fputs(meta_usage, stderr);
			return EXIT_USAGE;
		}
	}
	db_kind k = table ? db_kind_parse(table) : DB_NONE;
	if (k == DB_NONE || (file && reset)) {
		meta_err("usage: rapport meta schema TABLE [--set FILE | --reset]");
		return EXIT_USAGE;
	}
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	int code;
	if (file)
		code = meta_schema_store(d, k, file);
	else if (reset)
		code = meta_schema_override_set(d, db_kind_table(k), NULL) == DB_OK ? EXIT_OK
		                                                                    : EXIT_FAIL;
	else
		code = meta_schema_print(d, k);
	if (reset && code != EXIT_OK)
		meta_err("%s", db_errmsg(d));
	db_close(d);
	return code;
}

int cli_meta(const rapport_globals *g, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "schema") == 0)
		return meta_schema_cmd(g, argc, argv);
	meta_args a = {0};
	int code = meta_parse_args(argc, argv, &a);
	if (code >= 0) {
		meta_args_free(&a);
		return code;
	}
	db *d = cli_connect(g);
	if (!d) {
		meta_args_free(&a);
		return EXIT_USAGE;
	}
	metaschema *s = NULL;
	char *err = NULL;
	if (meta_schema_load(d, a.kind, &s, &err) != DB_OK) {
		meta_err("%s", err ? err : db_errmsg(d));
		code = EXIT_FAIL;
	} else {
		db_status st = DB_CONFLICT;
		for (int i = 0; i < META_MAX_RETRIES && st == DB_CONFLICT; i++)
			st = meta_attempt(d, &a, s, &code);
		if (st == DB_CONFLICT) {
			meta_err("the record kept changing under us (%d attempts); nothing written",
			         META_MAX_RETRIES);
			code = EXIT_FAIL;
		}
	}
	free(err);
	metaschema_free(s);
	db_close(d);
	meta_args_free(&a);
	return code;
}
