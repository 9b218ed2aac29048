#ifndef RAPPORT_CLI_H
#define RAPPORT_CLI_H
/* Non-interactive subcommands (src/cli/). Each takes the global options and
 * its own argv (argv[0] is the subcommand name) and returns the process exit
 * code: 0 ok, 1 failure, 2 usage or connection error. Messages go to stderr,
 * one line each; any database text printed to a terminal is sanitized. */
#include <stdbool.h>

#include "rapport/db.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct rapport_globals {
	db_conn_opts conn;
	const char *config_path; /* --config FILE, NULL: default location */
	const char *theme;       /* --theme NAME */
	const char *view;        /* --view companies|orgs|models */
	bool demo;               /* --demo: seed demo data into an empty private cluster */
	bool exit_after_paint;   /* --exit-after-paint: quit after the first full paint */
	bool print_config;
} rapport_globals;

/* Connects as the globals say; with no connection named, starts (and if
 * needed creates and migrates) the private cluster first. On failure prints
 * one line and returns NULL; the caller exits with EXIT_USAGE. */
db *cli_connect(const rapport_globals *g);

int cli_local(const rapport_globals *g, int argc, char **argv);   /* local start|stop|status|url|destroy */
int cli_db(const rapport_globals *g, int argc, char **argv);      /* db migrate|status|seed|grant-coach */
int cli_db_seed(const rapport_globals *g, int argc, char **argv); /* db seed --demo | --scale N [--chunks M] */
int cli_db_grant_coach(const rapport_globals *g, int argc, char **argv);
int cli_meta(const rapport_globals *g, int argc, char **argv);    /* meta TABLE REF [--set K=JSON] [--unset K] */
int cli_ingest(const rapport_globals *g, int argc, char **argv);
int cli_reembed(const rapport_globals *g, int argc, char **argv);
int cli_search(const rapport_globals *g, int argc, char **argv);

#endif
