/* cli_connect: one place that turns the global options into a connection,
 * using (and preparing) the private cluster when nothing else is named. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "rapport/cli.h"
#include "rapport/config.h"
#include "rapport/local.h"
#include "rapport/seed.h"
#include "rapport/text.h"

static void print_err(const char *what, const char *msg)
{
	char *safe = text_sanitize(msg ? msg : "unknown error", (size_t)-1);
	fprintf(stderr, "rapport: %s: %s\n", what, safe ? safe : "(out of memory)");
	free(safe);
}

/* The private cluster is ours: bring its schema up to date and, with --demo,
 * fill it when it is empty. */
static int prepare_private(db *d, const rapport_globals *g)
{
	int applied = 0, empty = 0;
	if (db_migrate(d, &applied) != DB_OK) {
		print_err("migrating the private cluster", db_errmsg(d));
		return -1;
	}
	if (!g->demo)
		return 0;
	if (seed_is_empty(d, &empty) != DB_OK) {
		print_err("checking demo data", db_errmsg(d));
		return -1;
	}
	if (empty && seed_demo(d, 1, 0, stderr, NULL) != DB_OK) {
		print_err("loading demo data", db_errmsg(d));
		return -1;
	}
	return 0;
}

/* read_only = true in the config file makes every session read-only, as
 * --read-only does; bad config lines are reported where the config is used.
 * A config file that cannot be read is refused (its line printed, -1): it
 * may be the one that asks for read-only sessions. */
static int config_read_only(const rapport_globals *g, bool *ro)
{
	config *c = config_new();
	char *errors = NULL;
	int rc = c ? config_load(c, g->config_path, &errors) : -1;
	if (rc < 0)
		fputs(errors ? errors : "rapport: cannot load the configuration\n", stderr);
	else
		*ro = c->read_only;
	free(errors);
	config_free(c);
	return rc < 0 ? -1 : 0;
}

/* Connects with o; prints one line and returns NULL on failure. */
static db *connect_or_say(const db_conn_opts *o)
{
	char *err = NULL;
	db *d = db_connect(o, &err);
	if (!d) {
		print_err("cannot connect", err);
		free(err);
	}
	return d;
}

/* On a terminal, says that the first start takes a few seconds (initdb). */
static void announce_first_run(void)
{
	char *dir = local_datadir();
	if (!dir)
		return;
	size_t n = strlen(dir) + sizeof "/PG_VERSION";
	char *version = malloc(n);
	struct stat st;
	if (version) {
		snprintf(version, n, "%s/PG_VERSION", dir);
		if (stat(version, &st) != 0 && isatty(STDERR_FILENO))
			fprintf(stderr, "rapport: creating a private PostgreSQL cluster in %s ...\n", dir);
	}
	free(version);
	free(dir);
}

/* Starts the private cluster and brings it up to date on a writable
 * connection (migrations, --demo), then opens the session as asked. */
static db *connect_private(const rapport_globals *g, db_conn_opts o)
{
	char *conninfo = NULL, *err = NULL;
	announce_first_run();
	if (local_ensure_running(&conninfo, &err) != 0) {
		print_err("private cluster", err);
		free(err);
		return NULL;
	}
	o.dbname = conninfo;
	bool read_only = o.read_only;
	o.read_only = false;
	db *d = connect_or_say(&o);
	if (d && prepare_private(d, g) != 0) {
		db_close(d);
		d = NULL;
	}
	if (d && read_only) {
		db_close(d);
		o.read_only = true;
		d = connect_or_say(&o);
	}
	free(conninfo);
	return d;
}

db *cli_connect(const rapport_globals *g)
{
	db_conn_opts o = g->conn;
	bool ro = false;
	if (config_read_only(g, &ro) != 0)
		return NULL;
	o.read_only = o.read_only || ro;
	if (db_opts_use_private(&o))
		return connect_private(g, o);
	return connect_or_say(&o);
}
