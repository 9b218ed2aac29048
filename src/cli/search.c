/* rapport search: the non-interactive face of transcript search. Human,
 * JSON (cJSON) or CSV (RFC 4180) output, best result first. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rapport/cli.h"
#include "rapport/config.h"
#include "rapport/embed.h"
#include "rapport/search.h"
#include "rapport/text.h"

static const char search_usage[] =
    "Usage: rapport search [OPTIONS] QUERY...\n"
    "Search transcripts and documents; best results first.\n"
    "\n"
    "  --mode MODE          hybrid (default when embeddings exist), semantic or text\n"
    "  --scope KIND:REF     company:SLUG, coach:EMAIL, client:EMAIL or org:SLUG\n"
    "                       (repeatable: scopes of different kinds all apply)\n"
    "  --type TYPE          transcript, assessment, company_doc, coaching_model\n"
    "  --from DATE          items dated on or after DATE (YYYY-MM-DD)\n"
    "  --to DATE            items dated on or before DATE\n"
    "  --visibility LEVEL   private, coach_only, org_visible or public\n"
    "  --like CHUNK_ID      more like this: passages similar to a chunk (semantic; no\n"
    "                       QUERY needed, a QUERY's words are only highlighted)\n"
    "  --limit N            results to show (1..1000; default search.limit, 50)\n"
    "  --offset N           skip the first N results\n"
    "  --ef-search N        pgvector hnsw.ef_search for this query (1..1000)\n"
    "  --exact              semantic distances without the index (slow; for checking recall)\n"
    "  --json               a JSON array of results\n"
    "  --csv                CSV with a header row (RFC 4180)\n"
    "  --explain            run EXPLAIN ANALYZE instead: server-side times and the plan\n"
    "  --sql                print the statement with its parameters as a psql script\n"
    "  --help               this help\n"
    "Options may follow QUERY; after `--` every word is QUERY (e.g. -excluded).\n"
    "\n"
    "The query embedding comes from the configured provider (embed.provider;\n"
    "the built-in hash embedder by default). Exit status: 0 ok (also when nothing\n"
    "matched), 1 failure (unknown scope, model mismatch, ...), 2 usage or connection.\n";

typedef enum out_fmt { OUT_HUMAN, OUT_JSON, OUT_CSV, OUT_EXPLAIN, OUT_SQL } out_fmt;

typedef struct scope_arg {
	db_kind kind;
	const char *ref;
} scope_arg;

typedef struct search_opts {
	search_req req;
	bool mode_given;
	out_fmt fmt;
	scope_arg scopes[8];
	size_t nscopes;
	char *query; /* malloc'd: the words joined */
	char ids[4][DB_UUID_LEN];
} search_opts;

/* Prints "rapport: search: msg" (sanitized) and returns code. */
static int fail(int code, const char *msg)
{
	char *safe = text_sanitize(msg ? msg : "unknown error", (size_t)-1);
	fprintf(stderr, "rapport: search: %s\n", safe ? safe : "out of memory");
	free(safe);
	return code;
}

/* Parses a non-negative integer within [lo, hi]; false when it is not one. */
static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* KIND:REF into a scope; false when the kind is not company/coach/client/org. */
static bool parse_scope(const char *s, scope_arg *out)
{
	const char *colon = strchr(s, ':');
	if (!colon || !colon[1])
		return false;
	static const struct {
		const char *name;
		db_kind kind;
	} kinds[] = {{"company", DB_COMPANY}, {"coach", DB_COACH},
	             {"client", DB_CLIENT},   {"org", DB_ORG},
	             {"organization", DB_ORG}};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strlen(kinds[i].name) == (size_t)(colon - s) &&
		    strncmp(s, kinds[i].name, (size_t)(colon - s)) == 0) {
			out->kind = kinds[i].kind;
			out->ref = colon + 1;
			return true;
		}
	return false;
}

/* Joins argv[from..argc) with spaces (malloc'd), NULL when empty. */
static char *join_words(int argc, char **argv, int from)
{
	size_t n = 0;
	for (int i = from; i < argc; i++)
		n += strlen(argv[i]) + 1;
	if (!n)
		return NULL;
	char *s = malloc(n), *p = s;
	if (!s)
		abort();
	for (int i = from; i < argc; i++)
		p += sprintf(p, "%s%s", i > from ? " " : "", argv[i]);
	return s;
}

enum { O_MODE = 256, O_SCOPE, O_TYPE, O_FROM, O_TO, O_VIS, O_LIKE, O_LIMIT, O_OFFSET, O_EF,
       O_EXACT, O_JSON, O_CSV, O_EXPLAIN, O_SQL, O_HELP };

static const struct option search_long[] = {
    {"mode", required_argument, NULL, O_MODE},     {"scope", required_argument, NULL, O_SCOPE},
    {"type", required_argument, NULL, O_TYPE},     {"from", required_argument, NULL, O_FROM},
    {"to", required_argument, NULL, O_TO},         {"visibility", required_argument, NULL, O_VIS},
    {"like", required_argument, NULL, O_LIKE},     {"limit", required_argument, NULL, O_LIMIT},
    {"offset", required_argument, NULL, O_OFFSET}, {"ef-search", required_argument, NULL, O_EF},
    {"json", no_argument, NULL, O_JSON},           {"csv", no_argument, NULL, O_CSV},
    {"explain", no_argument, NULL, O_EXPLAIN},     {"sql", no_argument, NULL, O_SQL},
    {"exact", no_argument, NULL, O_EXACT},
    {"help", no_argument, NULL, O_HELP},           {NULL, 0, NULL, 0},
};

/* Applies one option to o; returns -1 ok, else an exit code. */
static int apply_opt(search_opts *o, int c, const char *arg)
{
	search_req *r = &o->req;
	switch (c) {
	case O_MODE:
		if (!search_mode_parse(arg, &r->mode))
			return fail(EXIT_USAGE, "--mode takes hybrid, semantic or text");
		o->mode_given = true;
		return -1;
	case O_SCOPE:
		if (o->nscopes == sizeof o->scopes / sizeof o->scopes[0] ||
		    !parse_scope(arg, &o->scopes[o->nscopes]))
			return fail(EXIT_USAGE, "--scope takes company:SLUG, coach:EMAIL, client:EMAIL "
			                        "or org:SLUG");
		o->nscopes++;
		return -1;
	case O_TYPE: r->data_type = arg; return -1;
	case O_FROM: r->date_from = arg; return -1;
	case O_TO: r->date_to = arg; return -1;
	case O_VIS: r->visibility = arg; return -1;
	case O_LIKE: r->like_chunk_id = arg; return -1;
	case O_LIMIT:
		return parse_int(arg, 1, SEARCH_LIMIT_MAX, &r->limit)
		           ? -1
		           : fail(EXIT_USAGE, "--limit takes a number from 1 to 1000");
	case O_OFFSET:
		return parse_int(arg, 0, 100000, &r->offset)
		           ? -1
		           : fail(EXIT_USAGE, "--offset takes a number from 0 to 100000");
	case O_EF:
		return parse_int(arg, 1, 1000, &r->ef_search)
		           ? -1
		           : fail(EXIT_USAGE, "--ef-search takes a number from 1 to 1000");
	case O_EXACT: r->exact = true; return -1;
	case O_JSON: o->fmt = OUT_JSON; return -1;
	case O_CSV: o->fmt = OUT_CSV; return -1;
	case O_EXPLAIN: o->fmt = OUT_EXPLAIN; return -1;
	case O_SQL: o->fmt = OUT_SQL; return -1;
	case O_HELP: fputs(search_usage, stdout); return EXIT_OK;
	default: return fail(EXIT_USAGE, "unknown option (see rapport search --help)");
	}
}

/* Parses argv into o; returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, search_opts *o)
{
	int c;
	opterr = 0;
	optind = 0; /* re-initialise GNU getopt: main parsed in stop-at-first mode,
	             * which would make `search q --json` search for "q --json" */
	while ((c = getopt_long(argc, argv, "", search_long, NULL)) != -1) {
		if (c == '?') { /* name the option: a typo or a value left out */
			char shortopt[3] = {'-', (char)optopt, '\0'};
			const char *arg = optopt > 0 && optopt < O_MODE ? shortopt : argv[optind - 1];
			char msg[240];
			snprintf(msg, sizeof msg,
			         optopt < O_MODE    ? "unknown option '%.100s' (see rapport search --help; "
			                              "-- before a query word that starts with -)"
			         : strchr(arg, '=') ? "%.100s: this option takes no value"
			                            : "%.100s needs a value (see rapport search --help)",
			         arg);
			return fail(EXIT_USAGE, msg);
		}
		int code = apply_opt(o, c, optarg);
		if (code >= 0)
			return code;
	}
	o->query = join_words(argc, argv, optind);
	o->req.query = o->query;
	if (!o->query && !o->req.like_chunk_id)
		return fail(EXIT_USAGE, "what should I search for? (rapport search --help)");
	return -1;
}

/* Resolves each --scope to an id with db_record_find; returns -1 or a code. */
static int resolve_scopes(db *d, search_opts *o)
{
	const char **slot[] = {&o->req.company_id, &o->req.coach_id, &o->req.client_id,
	                       &o->req.org_id};
	const db_kind kinds[] = {DB_COMPANY, DB_COACH, DB_CLIENT, DB_ORG};
	for (size_t i = 0; i < o->nscopes; i++) {
		size_t k = 0;
		while (kinds[k] != o->scopes[i].kind)
			k++;
		char msg[400];
		if (*slot[k]) {
			snprintf(msg, sizeof msg, "only one %s scope can apply", db_kind_label(kinds[k]));
			return fail(EXIT_USAGE, msg);
		}
		db_record *rec = NULL;
		db_status st = db_record_find(d, kinds[k], o->scopes[i].ref, &rec);
		if (st == DB_NOTFOUND) {
			snprintf(msg, sizeof msg, "no %s '%.200s'", db_kind_label(kinds[k]),
			         o->scopes[i].ref);
			return fail(EXIT_FAIL, msg);
		}
		if (st != DB_OK)
			return fail(st == DB_CONNLOST ? EXIT_USAGE : EXIT_FAIL, db_errmsg(d));
		snprintf(o->ids[k], DB_UUID_LEN, "%s", rec->id);
		*slot[k] = o->ids[k];
		db_record_free(rec);
	}
	return -1;
}

/* The mode to run: the one asked for, else the config's, else hybrid;
 * without semantic search an unasked mode falls back to text. */
static int choose_mode(db *d, search_opts *o, const config *cfg)
{
	search_req *r = &o->req;
	if (!o->mode_given && cfg && cfg->search_mode)
		search_mode_parse(cfg->search_mode, &r->mode);
	if (search_prepare(d) != DB_OK)
		return fail(EXIT_FAIL, db_errmsg(d));
	const char *why = search_semantic_unavailable(d);
	if (!why || r->mode == SEARCH_TEXT)
		return -1;
	if (o->mode_given || r->like_chunk_id)
		return fail(EXIT_FAIL, why);
	r->mode = SEARCH_TEXT;
	return -1;
}

/* Embeds the query with the configured provider into *vec (malloc'd). */
static int embed_query(db *d, search_opts *o, const config *cfg, embedder **emb, float **vec)
{
	search_req *r = &o->req;
	if (r->mode == SEARCH_TEXT || r->like_chunk_id)
		return -1;
	db_caps caps;
	if (db_caps_get(d, &caps) != DB_OK)
		return fail(EXIT_FAIL, db_errmsg(d));
	embed_config ec = {0};
	if (cfg)
		config_embed(cfg, &ec);
	char *err = NULL;
	*emb = embed_new(&ec, caps.embedding_dim, &err);
	if (!*emb) {
		int code = fail(EXIT_FAIL, err);
		free(err);
		return code;
	}
	*vec = malloc(sizeof **vec * (size_t)caps.embedding_dim);
	if (!*vec)
		abort();
	const char *texts[] = {r->query};
	if (embed_batch(*emb, texts, 1, *vec, &err) != 0) {
		int code = fail(EXIT_FAIL, err);
		free(err);
		return code;
	}
	r->qvec = *vec;
	r->qdim = caps.embedding_dim;
	r->model_id = embed_model_id(*emb);
	return -1;
}

/* Loads the config file (bad lines are reported and skipped). */
static config *load_config(const rapport_globals *g)
{
	config *cfg = config_new();
	char *errors = NULL;
	if (cfg && config_load(cfg, g->config_path, &errors) < 0) {
		fputs(errors ? errors : "rapport: cannot read the config file\n", stderr);
		config_free(cfg);
		cfg = NULL;
	} else if (errors) {
		fputs(errors, stderr);
	}
	free(errors);
	return cfg;
}

/* ---- output ----------------------------------------------------------------- */

/* A copy of s for the terminal: line breaks and tabs become spaces, then
 * the sanitizer; with raw (not a tty, machine formats) only the copy. */
static char *clean(const char *s, bool raw)
{
	char *t = strdup(s ? s : "");
	if (!t)
		abort();
	if (raw)
		return t;
	for (char *p = t; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	char *safe = text_sanitize(t, (size_t)-1);
	free(t);
	if (!safe)
		abort();
	return safe;
}

/* Prints a snippet, matched words in bold+underline on a terminal. */
static void print_snippet(FILE *out, const char *snippet, bool tty)
{
	size_t pos = 0, len = 0;
	const char *seg = NULL;
	bool hl = false;
	while (search_snippet_next(snippet, &pos, &seg, &len, &hl)) {
		char *part = malloc(len + 1);
		if (!part)
			abort();
		memcpy(part, seg, len);
		part[len] = '\0';
		char *safe = clean(part, false);
		fprintf(out, "%s%s%s", hl && tty ? "\033[1;4m" : "", safe, hl && tty ? "\033[0m" : "");
		free(safe);
		free(part);
	}
}

/* "Name <email>" (sanitized) or "-". */
static void print_person(FILE *out, const char *label, const char *name, const char *email)
{
	if (!name && !email)
		return;
	char *n = clean(name, false), *e = clean(email, false);
	fprintf(out, "%s %s <%s>  ", label, n, e);
	free(n);
	free(e);
}

/* The human format: three lines per hit. */
static void print_human(FILE *out, const search_result *res, int offset, bool tty)
{
	for (size_t i = 0; i < res->n; i++) {
		const search_hit *h = &res->hits[i];
		char *title = clean(h->title, false), *type = clean(h->data_type, false);
		char *date = clean(h->item_date, false), *org = clean(h->org_name, false);
		fprintf(out, "%3d. %.4f  %s  %s  %s\n    ", offset + (int)i + 1, h->score, date, type,
		        title);
		print_person(out, "client", h->client_name, h->client_email);
		print_person(out, "coach", h->coach_name, h->coach_email);
		if (h->org_name)
			fprintf(out, "org %s", org);
		fprintf(out, "\n    ");
		print_snippet(out, h->snippet, tty);
		fprintf(out, "\n    chunk %s #%d", h->chunk_id, h->chunk_index);
		if (h->start >= 0)
			fprintf(out, "  bytes %lld-%lld", h->start, h->end);
		fprintf(out, "\n\n");
		free(title);
		free(type);
		free(date);
		free(org);
	}
	if (!res->n)
		fprintf(out, "no results\n");
	else if (res->more)
		fprintf(out, "more results: --offset %d\n", offset + (int)res->n);
}

/* Code points in s[0..n). */
static int codepoints(const char *s, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/* The snippet's matches as [start, end) code-point offsets into the plain snippet. */
static cJSON *highlights(const char *snippet)
{
	cJSON *arr = cJSON_CreateArray();
	size_t pos = 0, len = 0;
	const char *seg = NULL;
	bool hl = false;
	int at = 0;
	while (search_snippet_next(snippet, &pos, &seg, &len, &hl)) {
		int w = codepoints(seg, len);
		if (hl) {
			cJSON *pair = cJSON_CreateArray();
			cJSON_AddItemToArray(pair, cJSON_CreateNumber(at));
			cJSON_AddItemToArray(pair, cJSON_CreateNumber(at + w));
			cJSON_AddItemToArray(arr, pair);
		}
		at += w;
	}
	return arr;
}

/* Adds a string member (null when NULL), sanitized for a terminal. */
static void add_str(cJSON *o, const char *key, const char *v, bool raw)
{
	if (!v) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	char *s = raw ? strdup(v) : text_sanitize(v, (size_t)-1);
	if (!s)
		abort();
	cJSON_AddStringToObject(o, key, s);
	free(s);
}

/* {id, name, email} of a person, or null. */
static cJSON *person(const char *id, const char *name, const char *email, bool raw)
{
	if (!*id)
		return cJSON_CreateNull();
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "id", id);
	add_str(p, "name", name, raw);
	add_str(p, "email", email, raw);
	return p;
}

/* The scores object of a hit. */
static cJSON *scores(const search_hit *h, search_mode m)
{
	cJSON *s = cJSON_CreateObject();
	if (h->sem_pos) {
		cJSON_AddNumberToObject(s, "semantic_distance", h->distance);
		cJSON_AddNumberToObject(s, "semantic_similarity", h->similarity);
		cJSON_AddNumberToObject(s, "semantic_position", h->sem_pos);
	}
	if (h->text_pos) {
		cJSON_AddNumberToObject(s, "text_rank", h->text_rank);
		cJSON_AddNumberToObject(s, "text_position", h->text_pos);
	}
	if (m == SEARCH_HYBRID)
		cJSON_AddNumberToObject(s, "fused", h->score);
	return s;
}

/* One hit as a JSON object. */
static cJSON *hit_json(const search_hit *h, search_mode m, int rank, bool raw)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "rank", rank);
	cJSON_AddStringToObject(o, "mode", search_mode_name(m));
	cJSON_AddNumberToObject(o, "score", h->score);
	cJSON_AddItemToObject(o, "scores", scores(h, m));
	cJSON_AddStringToObject(o, "chunk_id", h->chunk_id);
	cJSON_AddStringToObject(o, "data_item_id", h->item_id);
	cJSON_AddNumberToObject(o, "chunk_index", h->chunk_index);
	cJSON_AddItemToObject(o, "client", person(h->client_id, h->client_name, h->client_email, raw));
	cJSON_AddItemToObject(o, "coach", person(h->coach_id, h->coach_name, h->coach_email, raw));
	add_str(o, "organization", h->org_name, raw);
	add_str(o, "data_type", h->data_type, raw);
	add_str(o, "title", h->title, raw);
	add_str(o, "date", h->item_date, raw);
	if (h->start >= 0) {
		cJSON_AddNumberToObject(o, "start", (double)h->start);
		cJSON_AddNumberToObject(o, "end", (double)h->end);
	} else {
		cJSON_AddNullToObject(o, "start");
		cJSON_AddNullToObject(o, "end");
	}
	char *plain = search_snippet_plain(h->snippet);
	add_str(o, "snippet", plain, raw);
	free(plain);
	cJSON_AddItemToObject(o, "highlights", highlights(h->snippet));
	return o;
}

/* The JSON format: an array, best first. */
static void print_json(FILE *out, const search_result *res, int offset, bool raw)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; i < res->n; i++)
		cJSON_AddItemToArray(arr, hit_json(&res->hits[i], res->mode, offset + (int)i + 1, raw));
	char *text = cJSON_Print(arr);
	if (!text)
		abort();
	fprintf(out, "%s\n", text);
	free(text);
	cJSON_Delete(arr);
}

/* One CSV field (RFC 4180: quoted when it holds , " CR or LF; quotes doubled). */
static void csv_field(FILE *out, const char *v, bool raw, bool last)
{
	char *s = v ? (raw ? strdup(v) : text_sanitize(v, (size_t)-1)) : strdup("");
	if (!s)
		abort();
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
	free(s);
}

/* The CSV format: a header row, then one row per hit. */
static void print_csv(FILE *out, const search_result *res, int offset, bool raw)
{
	static const char *const head[] = {
	    "rank",        "mode",         "score",      "chunk_id",   "data_item_id",
	    "chunk_index", "distance",     "text_rank",  "client_name", "client_email",
	    "coach_name",  "coach_email",  "organization", "data_type", "title",
	    "date",        "start",        "end",        "snippet"};
	enum { NCOL = sizeof head / sizeof head[0] };
	for (size_t i = 0; i < NCOL; i++)
		csv_field(out, head[i], true, i + 1 == NCOL);
	for (size_t i = 0; i < res->n; i++) {
		const search_hit *h = &res->hits[i];
		char num[7][32];
		snprintf(num[0], 32, "%d", offset + (int)i + 1);
		snprintf(num[1], 32, "%.6f", h->score);
		snprintf(num[2], 32, "%d", h->chunk_index);
		num[3][0] = num[4][0] = num[5][0] = num[6][0] = '\0';
		if (h->sem_pos)
			snprintf(num[3], 32, "%.6f", h->distance);
		if (h->text_pos)
			snprintf(num[4], 32, "%.6f", h->text_rank);
		if (h->start >= 0) {
			snprintf(num[5], 32, "%lld", h->start);
			snprintf(num[6], 32, "%lld", h->end);
		}
		char *plain = search_snippet_plain(h->snippet);
		const char *v[NCOL] = {num[0],        search_mode_name(res->mode), num[1], h->chunk_id,
		                       h->item_id,    num[2],         num[3],         num[4],
		                       h->client_name, h->client_email, h->coach_name, h->coach_email,
		                       h->org_name,   h->data_type,   h->title,       h->item_date,
		                       num[5],        num[6],         plain};
		for (size_t k = 0; k < NCOL; k++)
			csv_field(out, v[k], raw, k + 1 == NCOL);
		free(plain);
	}
}

/* --explain / --sql: prints the diagnosis instead of results. */
static int diagnose(db *d, search_opts *o)
{
	char *text = NULL;
	double plan = 0, exec = 0;
	db_status st = o->fmt == OUT_SQL ? search_sql_script(d, &o->req, &text)
	                                 : search_explain(d, &o->req, &text, &plan, &exec);
	if (st != DB_OK)
		return fail(st == DB_CONNLOST ? EXIT_USAGE : EXIT_FAIL, db_errmsg(d));
	if (o->fmt == OUT_EXPLAIN)
		printf("planning %.3f ms, execution %.3f ms\n", plan, exec);
	char *safe = isatty(STDOUT_FILENO) ? text_sanitize_multiline(text, (size_t)-1) : NULL;
	fputs(safe ? safe : text, stdout);
	free(safe);
	free(text);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK
	                                         : fail(EXIT_FAIL, "could not write the output");
}

/* Connects, resolves, embeds, searches and prints; returns the exit code. */
static int run(const rapport_globals *g, search_opts *o, const config *cfg)
{
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	embedder *emb = NULL;
	float *vec = NULL;
	search_result *res = NULL;
	int code = resolve_scopes(d, o);
	if (code < 0)
		code = choose_mode(d, o, cfg);
	if (code < 0)
		code = embed_query(d, o, cfg, &emb, &vec);
	if (code < 0 && (o->fmt == OUT_EXPLAIN || o->fmt == OUT_SQL))
		code = diagnose(d, o);
	if (code < 0) {
		db_status st = search_run(d, &o->req, &res);
		if (st != DB_OK)
			code = fail(st == DB_CONNLOST ? EXIT_USAGE : EXIT_FAIL, db_errmsg(d));
	}
	if (code < 0) {
		bool tty = isatty(STDOUT_FILENO);
		if (res->note) {
			char *note = text_sanitize(res->note, (size_t)-1);
			fprintf(stderr, "rapport: search: note: %s\n", note ? note : "");
			free(note);
		}
		if (o->fmt == OUT_JSON)
			print_json(stdout, res, o->req.offset, !tty);
		else if (o->fmt == OUT_CSV)
			print_csv(stdout, res, o->req.offset, !tty);
		else
			print_human(stdout, res, o->req.offset, tty);
		code = fflush(stdout) == 0 && !ferror(stdout)
		           ? EXIT_OK
		           : fail(EXIT_FAIL, "could not write the results");
	}
	search_result_free(res);
	free(vec);
	embed_free(emb);
	db_close(d);
	return code;
}

/* rapport search: parses, loads the config, runs; returns the exit code. */
int cli_search(const rapport_globals *g, int argc, char **argv)
{
	search_opts o = {.req = {.mode = SEARCH_HYBRID}};
	int code = parse_args(argc, argv, &o);
	if (code >= 0) {
		free(o.query);
		return code;
	}
	config *cfg = load_config(g);
	if (!cfg) {
		free(o.query);
		return EXIT_USAGE;
	}
	if (!o.req.limit)
		o.req.limit = cfg->search_limit > 0 ? cfg->search_limit : 20;
	code = run(g, &o, cfg);
	config_free(cfg);
	free(o.query);
	return code;
}
