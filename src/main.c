/* rapport: entry point. Parses the global options, then hands over to a
 * subcommand (src/cli/) or to the interactive browser (src/ui/app.c). */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rapport/app.h"
#include "rapport/cli.h"
#include "rapport/config.h"
#include "rapport/version.h"

static const char usage_text[] =
    "Usage: rapport [OPTIONS] [COMMAND [ARGS...]]\n"
    "Browse and edit a coaching platform's PostgreSQL database; search transcripts.\n"
    "\n"
    "With no COMMAND, opens the browser. With no connection options and no PG*\n"
    "variables, rapport uses its private cluster (see `rapport local`).\n"
    "\n"
    "Connection (as psql):\n"
    "  -d, --dbname=CONNINFO    database name, conninfo string or postgresql:// URI\n"
    "  -h, --host=HOST          server host or socket directory\n"
    "  -p, --port=PORT          server port\n"
    "  -U, --username=USER      database role (a coach's role is their email)\n"
    "      --read-only          read-only session (enforced by the server)\n"
    "Browser:\n"
    "      --view=VIEW          start in companies, orgs or models\n"
    "      --theme=NAME         colour theme (see themes/)\n"
    "      --config=FILE        config file (default $XDG_CONFIG_HOME/rapport/config)\n"
    "      --demo               fill an empty private cluster with demo data first\n"
    "      --exit-after-paint   quit after the first complete screen (for scripts)\n"
    "      --print-config       print the effective configuration and exit\n"
    "      --help               this help;  --version  the version\n"
    "\n"
    "Commands (each has --help):\n"
    "  local start|stop|status|url|destroy   the private PostgreSQL cluster\n"
    "  db migrate|status|seed|grant-coach     schema, demo/scale data, coach roles\n"
    "  meta TABLE REF [--set K=JSON] [--unset K]  show or change a record's metadata\n"
    "  ingest [OPTIONS] FILE...               add transcripts and documents\n"
    "  reembed [--provider P]                 recompute embeddings\n"
    "  search [OPTIONS] QUERY                 search transcripts\n"
    "\n"
    "Exit status: 0 ok, 1 failure, 2 usage or connection error.\n";

typedef int (*command_fn)(const rapport_globals *, int, char **);

static const struct command {
	const char *name;
	command_fn fn;
} commands[] = {
    {"local", cli_local},   {"db", cli_db},           {"meta", cli_meta},
    {"ingest", cli_ingest}, {"reembed", cli_reembed}, {"search", cli_search},
};

enum { OPT_READONLY = 256, OPT_VIEW, OPT_THEME, OPT_CONFIG, OPT_DEMO, OPT_EXIT_PAINT,
       OPT_PRINT_CONFIG, OPT_HELP, OPT_VERSION };

static const struct option long_opts[] = {
    {"dbname", required_argument, NULL, 'd'},
    {"host", required_argument, NULL, 'h'},
    {"port", required_argument, NULL, 'p'},
    {"username", required_argument, NULL, 'U'},
    {"read-only", no_argument, NULL, OPT_READONLY},
    {"view", required_argument, NULL, OPT_VIEW},
    {"theme", required_argument, NULL, OPT_THEME},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"demo", no_argument, NULL, OPT_DEMO},
    {"exit-after-paint", no_argument, NULL, OPT_EXIT_PAINT},
    {"print-config", no_argument, NULL, OPT_PRINT_CONFIG},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "rapport: %s\n%s", msg, usage_text);
	return EXIT_USAGE;
}

/* Parses global options into g; returns the index of the command or argc,
 * or -1 after printing a usage error, or -2 when it already answered. */
static int parse_globals(int argc, char **argv, rapport_globals *g, int *code)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+d:h:p:U:", long_opts, NULL)) != -1) {
		switch (c) {
		case 'd': g->conn.dbname = optarg; break;
		case 'h': g->conn.host = optarg; break;
		case 'p': g->conn.port = optarg; break;
		case 'U': g->conn.user = optarg; break;
		case OPT_READONLY: g->conn.read_only = true; break;
		case OPT_VIEW: g->view = optarg; break;
		case OPT_THEME: g->theme = optarg; break;
		case OPT_CONFIG: g->config_path = optarg; break;
		case OPT_DEMO: g->demo = true; break;
		case OPT_EXIT_PAINT: g->exit_after_paint = true; break;
		case OPT_PRINT_CONFIG: g->print_config = true; break;
		case OPT_HELP: fputs(usage_text, stdout); *code = EXIT_OK; return -2;
		case OPT_VERSION: printf("rapport %s\n", RAPPORT_VERSION); *code = EXIT_OK; return -2;
		default: {
			char msg[128];
			if (optopt && optopt < 256)
				snprintf(msg, sizeof msg, "option -%c needs a value or is unknown", optopt);
			else
				snprintf(msg, sizeof msg, "unknown option '%s'", argv[optind - 1]);
			*code = usage_error(msg);
			return -1;
		}
		}
	}
	return optind;
}

static int run_browser(const rapport_globals *g)
{
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	return app_run(g, d);
}

/* Runs what the command line asks for; returns the exit code. */
static int dispatch(int argc, char **argv)
{
	rapport_globals g = {0};
	int code = EXIT_OK;
	int i = parse_globals(argc, argv, &g, &code);
	if (i < 0)
		return code;
	if (g.view && strcmp(g.view, "companies") && strcmp(g.view, "orgs") && strcmp(g.view, "models"))
		return usage_error("--view takes companies, orgs or models");
	if (g.print_config)
		return config_print_effective(&g, stdout);
	if (i >= argc)
		return run_browser(&g);
	for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
		if (strcmp(argv[i], commands[k].name) == 0) {
			optind = 1;
			return commands[k].fn(&g, argc - i, argv + i);
		}
	char msg[160];
	snprintf(msg, sizeof msg, "unknown command '%.100s'", argv[i]);
	return usage_error(msg);
}

/* Output that never arrived (a full disk, a closed pipe while SIGPIPE is
 * ignored) turns a success into a failure, so `rapport search --json q >
 * out.json && use out.json` cannot go on with a truncated file. */
static int check_stdout(int code)
{
	int flushed = fflush(stdout), err = errno;
	if ((flushed == 0 && !ferror(stdout)) || code != EXIT_OK)
		return code;
	fprintf(stderr, "rapport: could not write the output%s%s\n", flushed ? ": " : "",
	        flushed ? strerror(err) : "");
	return EXIT_FAIL;
}

int main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	return check_stdout(dispatch(argc, argv));
}
