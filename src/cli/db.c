/* rapport db migrate|status|seed|grant-coach: the schema and its state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rapport/cli.h"
#include "rapport/ingest.h"
#include "rapport/text.h"

static const char db_usage[] =
    "Usage: rapport [CONNECTION] db COMMAND [--help]\n"
    "The database's schema and data.\n"
    "  migrate       create or update rapport's schema (the spec's tables, indexes,\n"
    "                triggers, audit); running it again changes nothing\n"
    "  status        applied and pending migrations, server and pgvector versions\n"
    "  seed          demo or scale data (rapport db seed --help)\n"
    "  grant-coach   create a coach's login role (rapport db grant-coach --help)\n";

static const char migrate_usage[] =
    "Usage: rapport [CONNECTION] db migrate\n"
    "Applies rapport's pending schema migrations, each in its own transaction.\n"
    "A database whose tables the platform's own tooling created is adopted as is.\n"
    "Without pgvector on the server the schema is created with embeddings stored\n"
    "as real[]; full-text search works, semantic search stays off.\n";

static const char status_usage[] =
    "Usage: rapport [CONNECTION] db status\n"
    "Lists rapport's migrations (applied with their time, or pending) and the\n"
    "server's capabilities: versions, pgvector, embedding dimension, row-level security.\n";

/* Prints "rapport: what: msg" with msg sanitized. */
static void db_cli_err(const char *what, const char *msg)
{
	char *safe = text_sanitize(msg ? msg : "unknown error", (size_t)-1);
	fprintf(stderr, "rapport: %s: %s\n", what, safe ? safe : "(out of memory)");
	free(safe);
}

/* Prints s sanitized, then a newline-free suffix. */
static void put_safe(FILE *f, const char *s)
{
	char *safe = text_sanitize(s ? s : "", (size_t)-1);
	fputs(safe ? safe : "", f);
	free(safe);
}

/* Returns 1 when argv holds --help/-h (and prints usage), -1 on an unknown
 * option (usage on stderr), 0 otherwise. */
static int sub_options(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		fprintf(stderr, "rapport db %s: unknown argument '%.100s'\n", argv[0], argv[i]);
		fputs(usage, stderr);
		return -1;
	}
	return 0;
}

/* One line about pgvector for migrate/status. */
static void print_vector_caps(const db_caps *c)
{
	if (c->has_pgvector)
		printf("pgvector %s, embedding dimension %d%s\n", c->pgvector_version, c->embedding_dim,
		       c->iterative_scan ? ", iterative index scans" : "");
	else
		printf("pgvector: not installed in this database; semantic search is off "
		       "(full-text search works)\n");
}

/* A vector index that a killed bulk ingest left out is built again (the
 * next ingest would do it too; migrate is where an operator looks). */
static int db_cli_repair_index(db *d)
{
	bool rebuilt = false;
	if (ingest_index_repair(d, &rebuilt) != DB_OK) {
		db_cli_err("migrate", db_errmsg(d));
		return EXIT_FAIL;
	}
	if (rebuilt)
		printf("rebuilt the vector index a stopped bulk ingest had left out\n");
	return EXIT_OK;
}

static int db_cli_migrate(const rapport_globals *g, int argc, char **argv)
{
	int r = sub_options(argc, argv, migrate_usage);
	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	int applied = 0;
	db_caps c;
	int code = EXIT_OK;
	if (db_migrate(d, &applied) != DB_OK) {
		db_cli_err("migrate", db_errmsg(d));
		code = EXIT_FAIL;
	} else if (db_caps_get(d, &c) != DB_OK) {
		db_cli_err("migrate", db_errmsg(d));
		code = EXIT_FAIL;
	} else {
		if (applied)
			printf("applied %d migration%s; schema version %d\n", applied, applied == 1 ? "" : "s",
			       c.schema_version);
		else
			printf("schema up to date (version %d)\n", c.schema_version);
		print_vector_caps(&c);
		code = db_cli_repair_index(d);
	}
	db_close(d);
	return code;
}

/* The migrations table of `db status`. */
static int print_migrations(db *d)
{
	db_migration_state *v = NULL;
	size_t n = 0, pending = 0;
	if (db_migration_status(d, &v, &n) != DB_OK) {
		db_cli_err("status", db_errmsg(d));
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%-8s %-32s ", v[i].applied ? "applied" : "pending", v[i].name);
		put_safe(stdout, v[i].applied_at ? v[i].applied_at : "");
		putchar('\n');
		pending += !v[i].applied;
	}
	if (pending)
		printf("%zu pending: run `rapport db migrate`\n", pending);
	db_migration_status_free(v, n);
	return EXIT_OK;
}

static int db_cli_status(const rapport_globals *g, int argc, char **argv)
{
	int r = sub_options(argc, argv, status_usage);
	if (r)
		return r > 0 ? EXIT_OK : EXIT_USAGE;
	db *d = cli_connect(g);
	if (!d)
		return EXIT_USAGE;
	db_caps c;
	int code = EXIT_OK;
	if (db_caps_get(d, &c) != DB_OK) {
		db_cli_err("status", db_errmsg(d));
		db_close(d);
		return EXIT_FAIL;
	}
	fputs("connected: ", stdout);
	put_safe(stdout, db_describe(d));
	printf("%s\n", c.is_admin ? " (sees all rows)" : "");
	printf("server: PostgreSQL %d.%d\n", c.server_version / 10000, c.server_version % 10000);
	print_vector_caps(&c);
	printf("schema: %s; row-level security on data_items: %s\n",
	       c.schema_present ? "present" : "missing (run `rapport db migrate`)",
	       c.rls_enabled ? "on" : "off");
	code = print_migrations(d);
	db_close(d);
	return code;
}

int cli_db(const rapport_globals *g, int argc, char **argv)
{
	if (argc < 2) {
		fputs(db_usage, stderr);
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
		fputs(db_usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(sub, "migrate") == 0)
		return db_cli_migrate(g, argc - 1, argv + 1);
	if (strcmp(sub, "status") == 0)
		return db_cli_status(g, argc - 1, argv + 1);
	if (strcmp(sub, "seed") == 0)
		return cli_db_seed(g, argc - 1, argv + 1);
	if (strcmp(sub, "grant-coach") == 0)
		return cli_db_grant_coach(g, argc - 1, argv + 1);
	fprintf(stderr, "rapport db: unknown command '%.100s'\n", sub);
	fputs(db_usage, stderr);
	return EXIT_USAGE;
}
