/* rapport local start|stop|status|url|destroy: the private cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rapport/cli.h"
#include "rapport/local.h"

enum { LOCAL_EXIT_STOPPED = 3 }; /* as pg_ctl status */

static const char local_usage[] =
    "Usage: rapport local start|stop|status|url|destroy --yes\n"
    "The private PostgreSQL cluster rapport uses when no server is named\n"
    "(Unix socket only, under $XDG_DATA_HOME/rapport/pg).\n"
    "  start          create it if needed and start it (no-op when running)\n"
    "  stop           stop it\n"
    "  status         where it is and whether it runs (exit 0 running, 3 stopped)\n"
    "  url            print its libpq conninfo, e.g. psql \"$(rapport local url)\"\n"
    "  destroy --yes  stop it and delete all its data\n";

/* Prints "rapport: what: err" and frees err. */
static int local_cli_err(const char *what, char *err)
{
	fprintf(stderr, "rapport: %s: %s\n", what, err ? err : "unknown error");
	free(err);
	return EXIT_FAIL;
}

static int local_cli_usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "rapport local: %s\n", msg);
	fputs(local_usage, stderr);
	return EXIT_USAGE;
}

static int local_cli_start(void)
{
	char *ci = NULL, *err = NULL;
	if (local_ensure_running(&ci, &err) != 0)
		return local_cli_err("starting the private cluster", err);
	char *dir = local_datadir();
	printf("private cluster running in %s\n", dir ? dir : "?");
	free(dir);
	free(ci);
	return EXIT_OK;
}

static int local_cli_status(void)
{
	bool running = false;
	char *err = NULL;
	if (local_status(stdout, &running, &err) != 0)
		return local_cli_err("status", err);
	return running ? EXIT_OK : LOCAL_EXIT_STOPPED;
}

static int local_cli_url(void)
{
	char *err = NULL;
	char *ci = local_conninfo(&err);
	if (!ci)
		return local_cli_err("url", err);
	puts(ci);
	free(ci);
	return EXIT_OK;
}

/* True when the private cluster answers (a stop then has something to do). */
static bool local_cli_running(void)
{
	bool running = false;
	char *err = NULL;
	local_status(NULL, &running, &err);
	free(err);
	return running;
}

/* True when the private cluster's data directory has been created. */
static bool local_cli_exists(void)
{
	char *dir = local_datadir();
	bool exists = false;
	if (dir) {
		size_t n = strlen(dir) + sizeof "/PG_VERSION";
		char *version = malloc(n);
		struct stat st;
		if (version) {
			snprintf(version, n, "%s/PG_VERSION", dir);
			exists = stat(version, &st) == 0;
		}
		free(version);
	}
	free(dir);
	return exists;
}

static int local_cli_simple(int (*fn)(char **), const char *what)
{
	char *err = NULL;
	if (fn(&err) != 0)
		return local_cli_err(what, err);
	return EXIT_OK;
}

int cli_local(const rapport_globals *g, int argc, char **argv)
{
	(void)g;
	if (argc < 2)
		return local_cli_usage("missing subcommand");
	const char *sub = argv[1];
	bool yes = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--yes") == 0 && strcmp(sub, "destroy") == 0)
			yes = true;
		else if (strcmp(argv[i], "--help") == 0)
			return fputs(local_usage, stdout), EXIT_OK;
		else
			return local_cli_usage("unexpected argument");
	}
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0)
		return fputs(local_usage, stdout), EXIT_OK;
	if (strcmp(sub, "start") == 0)
		return local_cli_start();
	if (strcmp(sub, "stop") == 0) {
		bool was_running = local_cli_running();
		int rc = local_cli_simple(local_stop, "stopping the private cluster");
		if (rc == EXIT_OK)
			puts(was_running ? "private cluster stopped" : "private cluster was not running");
		return rc;
	}
	if (strcmp(sub, "status") == 0)
		return local_cli_status();
	if (strcmp(sub, "url") == 0)
		return local_cli_url();
	if (strcmp(sub, "destroy") == 0) {
		if (!yes)
			return local_cli_usage("destroy deletes all data of the private cluster; "
			                       "confirm with --yes");
		bool existed = local_cli_exists();
		int rc = local_cli_simple(local_destroy, "destroying the private cluster");
		if (rc == EXIT_OK)
			puts(existed ? "private cluster destroyed" : "no private cluster to destroy");
		return rc;
	}
	return local_cli_usage("unknown subcommand");
}
