/* rapport db seed --demo | --scale N: demo and scale data (rapport/seed.h). */
#include "rapport/seed.h"

#include "rapport/cli.h"
#include "rapport/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char seed_usage[] =
    "Usage: rapport [CONNECTION] db seed --demo [--replace] [--seed S]\n"
    "       rapport [CONNECTION] db seed --scale N [--chunks M] [--seed S]\n"
    "Loads deterministic data (the same seed gives the same rows and ids).\n"
    "  --demo        the demo data set: 3 coaching companies (InsideOut Leadership\n"
    "                among them), 14 coaches, 9 client organizations, 68 clients,\n"
    "                5 coaching models, ~200 session transcripts, assessments and\n"
    "                company documents, chunked and embedded with the built-in\n"
    "                hash embedder; refused when already loaded unless --replace\n"
    "  --replace     delete the previous demo rows first (same transaction)\n"
    "  --scale N     N clients with N/20000+1 companies, N/25 coaches and N/200\n"
    "                organizations, loaded with COPY (N may end in k or M)\n"
    "  --chunks M    with --scale: M embedded transcript chunks over ~M/4 data items\n"
    "  --seed S      PRNG seed (default 1)\n"
    "Progress goes to stderr on a terminal; one summary line goes to stdout.\n";

/* Parses a count like 5000, 100k, 1.5M or 1M; -1 when invalid (also for
 * what strtod takes beyond decimals: nan, inf, 0x10, 1e3). */
static long long parse_count(const char *s)
{
	size_t digits = strspn(s, "0123456789.");
	char *end = NULL;
	double v = strtod(s, &end);
	if (digits == 0 || end != s + digits || !(v >= 0))
		return -1;
	if (*end == 'k' || *end == 'K')
		v *= 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1e6, end++;
	if (*end || v > 1e12)
		return -1;
	return (long long)v;
}

typedef struct seed_args {
	int demo, replace;
	long long scale, chunks;
	unsigned seed;
} seed_args;

static int usage_err(const char *msg, const char *arg)
{
	fprintf(stderr, "rapport db seed: %s%s%.100s%s\n", msg, arg ? " '" : "", arg ? arg : "",
	        arg ? "'" : "");
	fputs(seed_usage, stderr);
	return EXIT_USAGE;
}

/* Value of option argv[*i] given as "--opt=V" or "--opt V". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

/* Fills a from argv; returns -1 when it already printed usage (exit 0 via
 * *help) or an error. */
static int parse_args(int argc, char **argv, seed_args *a, int *code)
{
	memset(a, 0, sizeof *a);
	a->scale = -1;
	a->chunks = 0;
	a->seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *v;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(seed_usage, stdout);
			*code = EXIT_OK;
			return -1;
		} else if (!strcmp(argv[i], "--demo")) {
			a->demo = 1;
		} else if (!strcmp(argv[i], "--replace")) {
			a->replace = 1;
		} else if ((v = opt_value(argc, argv, &i, "--scale"))) {
			if ((a->scale = parse_count(v)) < 1)
				return *code = usage_err("--scale needs a positive count, not", v),
				       -1;
		} else if ((v = opt_value(argc, argv, &i, "--chunks"))) {
			if ((a->chunks = parse_count(v)) < 0)
				return *code = usage_err("--chunks needs a count, not", v), -1;
		} else if ((v = opt_value(argc, argv, &i, "--seed"))) {
			long long s = parse_count(v);
			if (s < 0 || s > 4294967295LL)
				return *code = usage_err(
				           "--seed needs a number from 0 to 4294967295, not", v),
				       -1;
			a->seed = (unsigned)s;
		} else {
			return *code = usage_err("unknown or incomplete argument", argv[i]), -1;
		}
	}
	if (a->demo == (a->scale > 0))
		return *code = usage_err("give exactly one of --demo or --scale N", NULL), -1;
	if (a->demo && a->chunks)
		return *code = usage_err("--chunks goes with --scale", NULL), -1;
	if (a->scale > 0 && a->replace)
		return *code = usage_err("--replace goes with --demo", NULL), -1;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_db_seed(const rapport_globals *g, int argc, char **argv)
{
	seed_args a;
	int code = EXIT_OK;
	if (parse_args(argc, argv, &a, &code) < 0)
		return code;
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	FILE *progress = isatty(STDERR_FILENO) ? stderr : NULL;
	seed_stats st = {0};
	double t0 = now_s();
	db_status s = a.demo ? seed_demo(d, a.seed, a.replace, progress, &st)
	                     : seed_scale(d, a.scale, a.chunks, a.seed, progress, &st);
	double dt = now_s() - t0;
	if (s != DB_OK) {
		char *msg = text_sanitize(db_errmsg(d), (size_t)-1);
		fprintf(stderr, "rapport db seed: %s\n", msg ? msg : "failed");
		free(msg);
		code = EXIT_FAIL;
	} else {
		long long rows = st.companies + st.coaches + st.orgs + st.clients + st.models +
		                 st.items + st.chunks;
		printf(
		    "seeded %lld companies, %lld coaches, %lld organizations, %lld clients, %lld "
		    "models, %lld data items, %lld chunks in %.1f s (%.0f rows/s)\n",
		    st.companies, st.coaches, st.orgs, st.clients, st.models, st.items, st.chunks,
		    dt, dt > 0 ? (double)rows / dt : 0.0);
	}
	db_close(d);
	return code;
}
