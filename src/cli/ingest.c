/* rapport ingest / rapport reembed: add transcripts and documents (chunked,
 * embedded, one transaction per file; several files over --jobs connections
 * at once) and recompute embeddings. */
#include "rapport/ingest.h"

#include "rapport/cli.h"
#include "rapport/config.h"
#include "rapport/metaschema.h"
#include "rapport/text.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char ingest_usage[] =
    "Usage: rapport ingest [--client EMAIL | --org SLUG] [--coach EMAIL] [OPTIONS] FILE...\n"
    "Adds transcripts and documents: each FILE ('-' = stdin) becomes one data item,\n"
    "split into chunks at speaker turns, embedded, and written in one transaction.\n"
    "A file whose exact content was ingested before is skipped.\n"
    "  --client EMAIL|ID     the client it belongs to (organization and coach follow)\n"
    "  --org SLUG|ID         the client organization (for company documents)\n"
    "  --coach EMAIL|ID      the coach (default: the client's primary coach)\n"
    "  --type TYPE           transcript (default), assessment, company_doc, coaching_model\n"
    "  --visibility LEVEL    private (default), coach_only, org_visible, public\n"
    "  --title TITLE         title (default: the file name)\n"
    "  --date YYYY-MM-DD     session date\n"
    "  --chunk-size N        characters per chunk (config chunk.target, 1200)\n"
    "  --overlap N           characters shared by neighbouring chunks (chunk.overlap, 200)\n"
    "  -j, --jobs N          files ingested at once, each over its own connection\n"
    "                        (default 2; output stays in FILE order)\n"
    "  --no-bulk             always update the vector index row by row (by default a\n"
    "                        batch at least as large as the table loads first and\n"
    "                        builds the index afterwards, which is faster)\n"
    "  -q, --quiet           no progress bar\n"
    "Embedding (default from the config, else the built-in lexical 'hash' embedder):\n"
    "  --provider hash|openai|command   --model NAME   --base-url URL\n"
    "  --api-key-env VAR     --embed-command CMD       --timeout-ms N\n"
    "Exit status: 0 all stored (or already there), 1 a file failed, 2 usage/connection.\n";

static const char reembed_usage[] =
    "Usage: rapport reembed [--model-mismatch | --all] [EMBEDDING OPTIONS]\n"
    "Recomputes chunk embeddings with the configured (or given) provider.\n"
    "  --model-mismatch      only chunks embedded by another model or not at all (default)\n"
    "  --all                 every chunk\n"
    "  --no-bulk             always update the vector index row by row (by default,\n"
    "                        re-embedding at least as many chunks as the table holds\n"
    "                        builds the index again afterwards, which is faster)\n"
    "  --provider hash|openai|command   --model NAME   --base-url URL\n"
    "  --api-key-env VAR     --embed-command CMD       --timeout-ms N\n"
    "  -q, --quiet           no progress bar\n";

enum {
	OPT_CLIENT = 300,
	OPT_ORG,
	OPT_COACH,
	OPT_TYPE,
	OPT_VIS,
	OPT_TITLE,
	OPT_DATE,
	OPT_PROVIDER,
	OPT_MODEL,
	OPT_BASE_URL,
	OPT_KEY_ENV,
	OPT_COMMAND,
	OPT_TIMEOUT,
	OPT_CHUNK,
	OPT_OVERLAP,
	OPT_ALL,
	OPT_MISMATCH,
	OPT_NO_BULK,
	OPT_HELP
};

enum { JOBS_DEFAULT = 2, JOBS_MAX = 16 };

static const struct option ingest_opts_long[] = {
    {"client", required_argument, NULL, OPT_CLIENT},
    {"org", required_argument, NULL, OPT_ORG},
    {"coach", required_argument, NULL, OPT_COACH},
    {"type", required_argument, NULL, OPT_TYPE},
    {"visibility", required_argument, NULL, OPT_VIS},
    {"title", required_argument, NULL, OPT_TITLE},
    {"date", required_argument, NULL, OPT_DATE},
    {"provider", required_argument, NULL, OPT_PROVIDER},
    {"model", required_argument, NULL, OPT_MODEL},
    {"base-url", required_argument, NULL, OPT_BASE_URL},
    {"api-key-env", required_argument, NULL, OPT_KEY_ENV},
    {"embed-command", required_argument, NULL, OPT_COMMAND},
    {"timeout-ms", required_argument, NULL, OPT_TIMEOUT},
    {"chunk-size", required_argument, NULL, OPT_CHUNK},
    {"overlap", required_argument, NULL, OPT_OVERLAP},
    {"all", no_argument, NULL, OPT_ALL},
    {"model-mismatch", no_argument, NULL, OPT_MISMATCH},
    {"quiet", no_argument, NULL, 'q'},
    {"jobs", required_argument, NULL, 'j'},
    {"no-bulk", no_argument, NULL, OPT_NO_BULK},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

typedef struct args {
	ingest_opts io;
	embed_config ec;
	bool quiet, all, mismatch, no_bulk;
	long chunk, overlap, jobs;
	bool chunk_set, overlap_set;
} args;

/* Prints one sanitized error line. */
static void say(const char *prefix, const char *msg)
{
	char *p = text_sanitize(prefix, (size_t)-1), *m = text_sanitize(msg, (size_t)-1);
	fprintf(stderr, "rapport: %s%s%s\n", p ? p : "", *prefix ? ": " : "", m ? m : msg);
	free(p);
	free(m);
}

static int usage(const char *text, const char *msg)
{
	if (msg)
		fprintf(stderr, "rapport: %s\n", msg);
	fputs(text, stderr);
	return EXIT_USAGE;
}

static bool parse_count(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > 1000000)
		return false;
	*out = v;
	return true;
}

/* Parses the shared options; returns -1 after printing a usage error. */
static int parse_args(int argc, char **argv, args *a, const char *text)
{
	int c;
	opterr = 0;
	optind = 0; /* re-initialise GNU getopt: main parsed in stop-at-first mode */
	while ((c = getopt_long(argc, argv, "qj:", ingest_opts_long, NULL)) != -1) {
		switch (c) {
		case OPT_CLIENT: a->io.client = optarg; break;
		case OPT_ORG: a->io.org = optarg; break;
		case OPT_COACH: a->io.coach = optarg; break;
		case OPT_TYPE: a->io.data_type = optarg; break;
		case OPT_VIS: a->io.visibility = optarg; break;
		case OPT_TITLE: a->io.title = optarg; break;
		case OPT_DATE: a->io.session_date = optarg; break;
		case OPT_PROVIDER: a->ec.provider = optarg; break;
		case OPT_MODEL: a->ec.model = optarg; break;
		case OPT_BASE_URL: a->ec.base_url = optarg; break;
		case OPT_KEY_ENV: a->ec.api_key_env = optarg; break;
		case OPT_COMMAND: a->ec.command = optarg; break;
		case OPT_ALL: a->all = true; break;
		case OPT_MISMATCH: a->mismatch = true; break;
		case 'q': a->quiet = true; break;
		case OPT_NO_BULK: a->no_bulk = true; break;
		case OPT_HELP: fputs(text, stdout); return 1;
		case OPT_TIMEOUT: {
			long v;
			if (!parse_count(optarg, &v))
				return usage(text, "--timeout-ms takes a positive number"), -1;
			a->ec.timeout_ms = (int)v;
			break;
		}
		case OPT_CHUNK:
			if (!parse_count(optarg, &a->chunk))
				return usage(text, "--chunk-size takes a positive number"), -1;
			a->chunk_set = true;
			break;
		case 'j':
			if (!parse_count(optarg, &a->jobs) || a->jobs > JOBS_MAX)
				return usage(text, "--jobs takes a number from 1 to 16"), -1;
			break;
		case OPT_OVERLAP:
			if (!parse_count(optarg, &a->overlap))
				return usage(text, "--overlap takes a positive number"), -1;
			a->overlap_set = true;
			break;
		default: {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown or incomplete option '%.100s'",
			         argv[optind - 1]);
			return usage(text, msg), -1;
		}
		}
	}
	return 0;
}

/* Fills embedding and chunking settings from the config, under the flags. */
static config *apply_config(const rapport_globals *g, args *a)
{
	config *cfg = config_new();
	if (!cfg)
		return NULL;
	char *errors = NULL;
	int bad = config_load(cfg, g->config_path, &errors);
	if (errors)
		fputs(errors, stderr);
	free(errors);
	if (bad < 0) {
		config_free(cfg);
		return NULL;
	}
	embed_config ec;
	config_embed(cfg, &ec);
	chunk_opts co;
	config_chunk(cfg, &co);
	if (!a->ec.provider)
		a->ec.provider = ec.provider;
	bool same = !a->ec.provider || !ec.provider || strcmp(a->ec.provider, ec.provider) == 0;
	if (same) { /* provider details from the config only for the config's provider */
		a->ec.model = a->ec.model ? a->ec.model : ec.model;
		a->ec.base_url = a->ec.base_url ? a->ec.base_url : ec.base_url;
		a->ec.command = a->ec.command ? a->ec.command : ec.command;
	}
	a->ec.api_key_env = a->ec.api_key_env ? a->ec.api_key_env : ec.api_key_env;
	if (!a->ec.timeout_ms)
		a->ec.timeout_ms = ec.timeout_ms;
	a->io.chunk = co;
	if (a->chunk_set)
		a->io.chunk.target_chars = (size_t)a->chunk;
	if (a->overlap_set)
		a->io.chunk.overlap_chars = (size_t)a->overlap;
	return cfg;
}

/* Reads a whole file ('-' = stdin) into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len, char *msg, size_t msgsz)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		snprintf(msg, msgsz, "cannot open: %s", strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	bool too_big = false;
	char *b = malloc(cap);
	while (b) {
		if (n + 1 >= cap) {
			if ((too_big = n > INGEST_MAX_BYTES))
				break; /* read no further: its size is unknown past here */
			char *nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb, cap *= 2;
		}
		size_t r = fread(b + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int rerr = ferror(f) ? errno : 0;
	if (f != stdin)
		fclose(f);
	if (!b) {
		snprintf(msg, msgsz, "out of memory");
		return NULL;
	}
	if (rerr || too_big) {
		if (rerr)
			snprintf(msg, msgsz, "cannot read: %s", strerror(rerr));
		else
			snprintf(msg, msgsz, "%s is more than the %zu MB limit: split it first",
			         f == stdin ? "input" : "file", INGEST_MAX_BYTES >> 20);
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

/* ---- progress bar (stderr, only on a terminal) ------------------------- */

enum { BAR_LABEL_COLS = 40 }; /* columns of the bar's label at most */

typedef struct bar {
	const char *label;
	long last_ms;
	bool shown;
} bar;

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void bar_update(void *ud, size_t done, size_t total)
{
	bar *b = ud;
	long now = mono_ms();
	if (done < total && now - b->last_ms < 100)
		return;
	b->last_ms = now;
	b->shown = true;
	int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
	char cells[64];
	for (int i = 0; i < width; i++)
		cells[i] = i < fill ? '#' : '.';
	cells[width] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% %zu/%zu chunks", b->label, cells,
	        total ? (int)(100.0 * (double)done / (double)total) : 100, done, total);
	fflush(stderr);
}

static void bar_clear(bar *b)
{
	if (b->shown)
		fputs("\r\033[K", stderr);
	b->shown = false;
}

/* ---- ingest -------------------------------------------------------------- */

/* The embedder for the column's dimension; *e = NULL without pgvector. */
static int make_embedder(db *d, const embed_config *ec, embedder **e)
{
	db_caps caps;
	*e = NULL;
	if (db_caps_get(d, &caps) != DB_OK) {
		say("", db_errmsg(d));
		return EXIT_FAIL;
	}
	if (!caps.schema_present) {
		say("", "rapport's tables are missing: run `rapport db migrate` first");
		return EXIT_FAIL;
	}
	if (!caps.has_pgvector) {
		say("note", "pgvector is not installed in this database: chunks are stored without "
		            "embeddings (text search only)");
		return EXIT_OK;
	}
	if (caps.embedding_dim <= 0) {
		say("note",
		    "data_chunks.embedding is not a vector(N) column with a fixed dimension: "
		    "chunks are stored without embeddings (text search only)");
		return EXIT_OK;
	}
	char *err = NULL;
	*e = embed_new(ec, caps.embedding_dim, &err);
	if (!*e) {
		say("", err ? err : "cannot set up the embedder");
		free(err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Final path component, for the default title. */
static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s && s[1] ? s + 1 : p;
}

/* ---- several files at once ---------------------------------------------- */

/* Set by SIGINT/SIGTERM during a bulk run: no new file is started, the
 * files in flight finish, and the vector index is built before exiting. */
static volatile sig_atomic_t g_stop;

/* The first SIGINT/SIGTERM asks for a stop; the next one kills as usual. */
static void on_stop(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* Installs (on) or removes the stop handlers. */
static void stop_handlers(bool on)
{
	struct sigaction sa = {.sa_handler = on ? on_stop : SIG_DFL,
	                       .sa_flags = on ? SA_RESETHAND | SA_RESTART : 0};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* What one file came to: its stdout line or its stderr line (malloc'd). */
typedef struct outcome {
	char *out, *err;
	bool ok, ready;
	size_t done, total; /* chunks, for the progress bar */
} outcome;

/* The files of one `rapport ingest`, shared by the workers under mu. */
typedef struct pool {
	pthread_mutex_t mu;
	const rapport_globals *g;
	const args *a;
	char **files;
	int nfiles, next, printed;
	outcome *res;
	bar b;
	bool show_bar;
} pool;

/* A worker's connection and embedder. */
typedef struct worker {
	pool *p;
	db *d;
	embedder *e;
} worker;

/* Progress callback context: the file's slot. */
typedef struct file_ctx {
	pool *p;
	int i;
} file_ctx;

/* "rapport: PREFIX: MSG" sanitized, as say() prints it (malloc'd). */
static char *error_line(const char *prefix, const char *msg)
{
	char *p = text_sanitize(prefix, (size_t)-1), *m = text_sanitize(msg, (size_t)-1);
	size_t n = strlen(p ? p : "") + strlen(m ? m : msg) + 16;
	char *line = malloc(n);
	if (line)
		snprintf(line, n, "rapport: %s: %s\n", p ? p : "", m ? m : msg);
	free(p);
	free(m);
	return line;
}

/* Redraws the bar over every file started so far (mu held). */
static void pool_draw(pool *p)
{
	size_t done = 0, total = 0;
	int active = 0, last = 0;
	for (int i = 0; i < p->nfiles; i++) {
		done += p->res[i].done, total += p->res[i].total;
		if (p->res[i].total && !p->res[i].ready)
			active++, last = i;
	}
	if (active == 0)
		return;
	char label[4 * BAR_LABEL_COLS + 1];
	if (p->nfiles == 1 || active == 1) {
		/* a file name may hold escape sequences: sanitized, and cut at a
		 * character boundary */
		char *safe = text_sanitize(base_name(p->files[last]), (size_t)-1);
		text_fit(safe ? safe : "?", BAR_LABEL_COLS, label, sizeof label);
		free(safe);
	} else {
		snprintf(label, sizeof label, "%d files", active);
	}
	p->b.label = label;
	bar_update(&p->b, done, total);
	p->b.label = NULL;
}

/* ingest_progress_fn for one file of the pool. */
static void pool_progress(void *ud, size_t done, size_t total)
{
	file_ctx *f = ud;
	pthread_mutex_lock(&f->p->mu);
	f->p->res[f->i].done = done, f->p->res[f->i].total = total;
	pool_draw(f->p);
	pthread_mutex_unlock(&f->p->mu);
}

/* Prints the outcomes that are ready, in FILE order (mu held). */
static void pool_print(pool *p)
{
	bool cleared = false;
	while (p->printed < p->nfiles && p->res[p->printed].ready) {
		outcome *o = &p->res[p->printed++];
		if (!cleared)
			bar_clear(&p->b), cleared = true;
		if (o->err)
			fputs(o->err, stderr);
		if (o->out)
			fputs(o->out, stdout);
		fflush(stdout);
	}
	if (cleared && p->show_bar)
		p->b.last_ms = 0, pool_draw(p);
}

/* Ingests file i; fills its outcome. */
static void ingest_one(worker *w, int i)
{
	pool *p = w->p;
	const char *path = p->files[i];
	outcome *res = &p->res[i];
	char msg[320], line[400];
	size_t len = 0;
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	char *text = read_file(path, &len, msg, sizeof msg);
	if (!text) {
		res->err = error_line(name, msg);
		return;
	}
	if (ingest_check(text, len, msg, sizeof msg) != 0) {
		snprintf(line, sizeof line, "%s %s", strcmp(path, "-") ? "file" : "input", msg);
		res->err = error_line(name, line);
		free(text);
		return;
	}
	ingest_opts o = p->a->io;
	if (!o.title && strcmp(path, "-") != 0)
		o.title = base_name(path);
	file_ctx fc = {p, i};
	if (p->show_bar)
		o.progress = pool_progress, o.progress_ud = &fc;
	ingest_result r;
	db_status st = ingest_text(w->d, w->e, text, len, &o, &r);
	free(text);
	if (st != DB_OK) {
		res->err = error_line(name, db_errmsg(w->d));
		return;
	}
	char *safe = text_sanitize(name, (size_t)-1);
	const char *model = w->e ? embed_model_id(w->e) : "no embeddings";
	size_t n = strlen(safe ? safe : "") + strlen(model) + 128;
	res->out = malloc(n);
	if (res->out && r.already)
		snprintf(res->out, n, "%s: already ingested as %s\n", safe ? safe : "", r.item_id);
	else if (res->out)
		snprintf(res->out, n, "%s: ingested as %s (%zu chunk%s, %s)\n", safe ? safe : "",
		         r.item_id, r.nchunks, r.nchunks == 1 ? "" : "s", model);
	free(safe);
	res->ok = true;
}

/* Takes files off the pool until none is left. */
static void *worker_run(void *arg)
{
	worker *w = arg;
	pool *p = w->p;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		int i = p->next < p->nfiles ? p->next++ : -1;
		pthread_mutex_unlock(&p->mu);
		if (i < 0)
			return NULL;
		if (g_stop)
			p->res[i].err = error_line(p->files[i], "not ingested (interrupted)");
		else
			ingest_one(w, i);
		pthread_mutex_lock(&p->mu);
		p->res[i].ready = true;
		pool_print(p);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Opens the extra workers' connections and embedders (fewer, after the
 * connection error's line, when the server refuses more); returns how many
 * workers there are. */
static int workers_open(pool *p, worker *ws, int want)
{
	int n = 1;
	for (; n < want; n++) {
		ws[n] = (worker){.p = p, .d = cli_connect(p->g)};
		if (!ws[n].d)
			break;
		if (ws[0].e && make_embedder(ws[n].d, &p->a->ec, &ws[n].e) != EXIT_OK) {
			db_close(ws[n].d);
			break;
		}
	}
	return n;
}

/* Ingests every file over up to a->jobs connections; returns the failures. */
static int ingest_files(const rapport_globals *g, db *d, embedder *e, const args *a, char **files,
                        int nfiles)
{
	pool p = {.g = g, .a = a, .files = files, .nfiles = nfiles};
	p.res = calloc((size_t)nfiles, sizeof *p.res);
	if (!p.res) {
		say("", "out of memory");
		return nfiles;
	}
	pthread_mutex_init(&p.mu, NULL);
	p.show_bar = !a->quiet && isatty(2);
	int want = a->jobs > 0 ? (int)a->jobs : JOBS_DEFAULT;
	want = want > nfiles ? nfiles : want;
	worker ws[JOBS_MAX] = {{.p = &p, .d = d, .e = e}};
	int n = workers_open(&p, ws, want);
	pthread_t th[JOBS_MAX];
	int started = 1;
	for (int k = 1; k < n; k++)
		if (pthread_create(&th[k], NULL, worker_run, &ws[k]) == 0)
			started++;
		else
			break;
	worker_run(&ws[0]);
	for (int k = 1; k < started; k++)
		pthread_join(th[k], NULL);
	for (int k = 1; k < n; k++) {
		embed_free(ws[k].e);
		db_close(ws[k].d);
	}
	bar_clear(&p.b);
	int failed = 0;
	for (int i = 0; i < nfiles; i++) {
		failed += !p.res[i].ok;
		free(p.res[i].out);
		free(p.res[i].err);
	}
	free(p.res);
	pthread_mutex_destroy(&p.mu);
	return failed;
}

/* Chunks the files will make, roughly: bytes over the chunk stride. */
static size_t estimate_chunks(const args *a, char **files, int nfiles)
{
	size_t stride = a->io.chunk.target_chars, overlap = a->io.chunk.overlap_chars;
	stride = stride == 0 ? 1200 : stride > overlap ? stride - overlap : stride;
	size_t n = 0;
	for (int i = 0; i < nfiles; i++) {
		struct stat st;
		if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISREG(st.st_mode))
			n += (size_t)st.st_size / stride + 1;
	}
	return n;
}

/* Rebuilds an index an interrupted bulk run left out, then, for a batch of
 * est chunks large relative to the table, defers the vector index; true if
 * deferred. */
static bool bulk_begin(db *d, const args *a, size_t est)
{
	bool rebuilt = false, deferred = false;
	if (ingest_index_repair(d, &rebuilt) != DB_OK)
		say("note", db_errmsg(d));
	else if (rebuilt)
		say("note",
		    "rebuilt the vector index that an interrupted bulk ingest had left out");
	if (a->no_bulk)
		return false;
	if (ingest_bulk_begin(d, est, &deferred) != DB_OK) {
		say("note", db_errmsg(d));
		return false;
	}
	return deferred;
}

/* Builds the deferred vector index; false (after saying why) on failure. */
static bool bulk_end(db *d, const args *a)
{
	bool tty = !a->quiet && isatty(2);
	if (tty)
		fputs("building the vector index...", stderr), fflush(stderr);
	db_status st = ingest_bulk_end(d);
	if (tty)
		fputs("\r\033[K", stderr);
	if (st != DB_OK)
		say("", db_errmsg(d));
	return st == DB_OK;
}

int cli_ingest(const rapport_globals *g, int argc, char **argv)
{
	args a = {0};
	int rc = parse_args(argc, argv, &a, ingest_usage);
	if (rc != 0)
		return rc < 0 ? EXIT_USAGE : EXIT_OK;
	if (optind >= argc)
		return usage(ingest_usage, "ingest needs at least one FILE ('-' reads stdin)");
	if (a.io.client && a.io.org)
		return usage(ingest_usage, "give either --client or --org, not both");
	if (!a.io.client && !a.io.org && !a.io.coach)
		return usage(ingest_usage, "say whose text this is: --client, --org or --coach");
	if (a.all || a.mismatch)
		return usage(ingest_usage,
		             "--all and --model-mismatch belong to `rapport reembed`");
	if (a.io.session_date && !ms_is_date(a.io.session_date)) {
		char msg[160]; /* the items' metadata schema wants a real day */
		snprintf(msg, sizeof msg, "--date takes a real day as YYYY-MM-DD, not '%.60s'",
		         a.io.session_date);
		return usage(ingest_usage, msg);
	}
	config *cfg = apply_config(g, &a);
	if (!cfg)
		return EXIT_USAGE;
	db *d = cli_connect(g);
	if (!d) {
		config_free(cfg);
		return EXIT_USAGE;
	}
	embedder *e = NULL;
	rc = make_embedder(d, &a.ec, &e);
	int failed = 0;
	bool deferred = false;
	if (rc == EXIT_OK && e)
		deferred = bulk_begin(d, &a, estimate_chunks(&a, argv + optind, argc - optind));
	if (deferred)
		stop_handlers(true);
	if (rc == EXIT_OK)
		failed = ingest_files(g, d, e, &a, argv + optind, argc - optind);
	if (deferred && !bulk_end(d, &a))
		failed++;
	if (deferred)
		stop_handlers(false);
	embed_free(e);
	db_close(d);
	config_free(cfg);
	if (rc != EXIT_OK)
		return rc;
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- reembed ------------------------------------------------------------- */

int cli_reembed(const rapport_globals *g, int argc, char **argv)
{
	args a = {0};
	int rc = parse_args(argc, argv, &a, reembed_usage);
	if (rc != 0)
		return rc < 0 ? EXIT_USAGE : EXIT_OK;
	if (optind < argc)
		return usage(reembed_usage, "reembed takes no FILE arguments");
	if (a.all && a.mismatch)
		return usage(reembed_usage, "give either --all or --model-mismatch");
	if (a.io.client || a.io.org || a.io.coach || a.io.title || a.io.session_date ||
	    a.io.data_type || a.io.visibility || a.chunk_set || a.overlap_set || a.jobs)
		return usage(reembed_usage, "reembed takes only embedding options");
	config *cfg = apply_config(g, &a);
	if (!cfg)
		return EXIT_USAGE;
	db *d = cli_connect(g);
	if (!d) {
		config_free(cfg);
		return EXIT_USAGE;
	}
	embedder *e = NULL;
	rc = make_embedder(d, &a.ec, &e);
	if (rc == EXIT_OK && !e) {
		say("", "nothing to re-embed without pgvector");
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK) {
		bar b = {.label = "reembed"};
		reembed_opts o = {.all = a.all};
		if (!a.quiet && isatty(2))
			o.progress = bar_update, o.progress_ud = &b;
		size_t done = 0;
		long long todo = 0;
		bool deferred = ingest_reembed_count(d, embed_model_id(e), a.all, &todo) == DB_OK &&
		                bulk_begin(d, &a, (size_t)todo);
		db_status st = ingest_reembed(d, e, &o, &done);
		bar_clear(&b);
		char line[900];
		if (st != DB_OK)
			snprintf(line, sizeof line,
			         "%s (%zu chunks were re-embedded before the failure; "
			         "run again to continue)",
			         db_errmsg(d), done);
		if (deferred && !bulk_end(d, &a))
			rc = EXIT_FAIL;
		if (st != DB_OK) {
			say("", line);
			rc = EXIT_FAIL;
		} else if (done == 0) {
			printf("nothing to re-embed: every chunk already has %s embeddings\n",
			       embed_model_id(e));
		} else {
			printf("re-embedded %zu chunks with %s\n", done, embed_model_id(e));
		}
	}
	embed_free(e);
	db_close(d);
	config_free(cfg);
	return rc;
}
