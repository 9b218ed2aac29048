/* rapport local start|stop|status|url|destroy: the private cluster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		int rc = local_cli_simple(local_stop, "stopping the private cluster");
		if (rc == EXIT_OK)
			puts("private cluster stopped");
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
		int rc = local_cli_simple(local_destroy, "destroying the private cluster");
		if (rc == EXIT_OK)
			puts("private cluster destroyed");
		return rc;
	}
	return local_cli_usage("unknown subcommand");
}
