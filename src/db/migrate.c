/* Schema migrations: the compiled-in src/db/migrations/NNN_*.sql, applied in name
 * order, each in its own transaction, recorded in rapport_schema_migrations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/internal.h"
#include "rapport/embedded.h"

/* Serializes concurrent `rapport db migrate` runs on one database. */
#define LOCK_SQL "SELECT pg_advisory_xact_lock(7270727)"
/* IF NOT EXISTS on an up-to-date or adopted schema says "already exists,
 * skipping": such notices would end up on the TUI's status line. Warnings
 * and errors still come through. For the migration's transaction only. */
#define QUIET_SQL "SET LOCAL client_min_messages = warning"

static const char create_version_table[] =
    "CREATE TABLE IF NOT EXISTS rapport_schema_migrations ("
    " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";

/* Creates the version table (idempotent, under the migration lock). */
static db_status ensure_version_table(db *d)
{
	db_status st = dbi_begin(d);
	if (st == DB_OK)
		st = dbi_exec(d, QUIET_SQL, 0, NULL);
	if (st == DB_OK)
		st = dbi_exec(d, LOCK_SQL, 0, NULL);
	if (st == DB_OK)
		st = dbi_exec(d, create_version_table, 0, NULL);
	if (st == DB_OK)
		return dbi_commit(d);
	dbi_rollback(d);
	return st;
}

/* Applies one migration unless recorded; *ran = 1 when it ran. */
static db_status apply_one(db *d, const rapport_file *f, int *ran)
{
	const char *p[1] = {f->name};
	PGresult *res = NULL;
	*ran = 0;
	db_status st = dbi_begin(d);
	if (st == DB_OK)
		st = dbi_exec(d, QUIET_SQL, 0, NULL);
	if (st == DB_OK)
		st = dbi_exec(d, LOCK_SQL, 0, NULL);
	if (st == DB_OK)
		st = dbi_query(d, "SELECT 1 FROM rapport_schema_migrations WHERE name = $1", 1, p,
		               &res);
	if (st == DB_OK && PQntuples(res) == 0) {
		st = dbi_script(d, f->text);
		if (st == DB_OK)
			st = dbi_exec(d, "INSERT INTO rapport_schema_migrations(name) VALUES ($1)", 1, p);
		*ran = st == DB_OK;
	}
	PQclear(res);
	if (st == DB_OK)
		st = dbi_commit(d);
	if (st != DB_OK) {
		char msg[sizeof "migration  failed: " + 600];
		snprintf(msg, sizeof msg, "migration %s failed: %s", f->name, db_errmsg(d));
		dbi_rollback(d);
		dbi_seterr(d, "%s", msg);
		*ran = 0;
	}
	return st;
}

/* True when every compiled-in migration is recorded (read-only check, so a
 * --read-only session on an up-to-date database migrates as a no-op). */
static bool all_applied(db *d)
{
	db_migration_state *v = NULL;
	size_t n = 0;
	bool all = db_migration_status(d, &v, &n) == DB_OK;
	for (size_t i = 0; all && i < n; i++)
		all = v[i].applied;
	db_migration_status_free(v, n);
	return all;
}

db_status db_migrate(db *d, int *applied)
{
	int count = 0;
	if (applied)
		*applied = 0;
	if (all_applied(d)) {
		return DB_OK;
	}
	db_status st = ensure_version_table(d);
	for (const rapport_file *f = rapport_migrations; st == DB_OK && f->name; f++) {
		int ran = 0;
		st = apply_one(d, f, &ran);
		count += ran;
	}
	if (applied)
		*applied = count;
	return st;
}

/* Fills v[i] from the compiled-in list and the version table's rows. */
static db_status status_fill(db *d, db_migration_state *v, size_t n)
{
	PGresult *res = NULL;
	db_status st = dbi_query(d,
	                         "SELECT name, applied_at::text FROM rapport_schema_migrations "
	                         "WHERE to_regclass('rapport_schema_migrations') IS NOT NULL",
	                         0, NULL, &res);
	if (st == DB_NOSCHEMA)
		return DB_OK; /* no version table: everything pending */
	if (st != DB_OK)
		return st;
	for (size_t i = 0; i < n; i++)
		for (int r = 0; r < PQntuples(res); r++)
			if (strcmp(PQgetvalue(res, r, 0), v[i].name) == 0) {
				v[i].applied = true;
				v[i].applied_at = dbi_strdup_field(res, r, 1);
			}
	PQclear(res);
	return DB_OK;
}

db_status db_migration_status(db *d, db_migration_state **out, size_t *n)
{
	size_t count = 0;
	*out = NULL;
	*n = 0;
	while (rapport_migrations[count].name)
		count++;
	db_migration_state *v = calloc(count ? count : 1, sizeof *v);
	if (!v)
		abort();
	for (size_t i = 0; i < count; i++) {
		v[i].name = strdup(rapport_migrations[i].name);
		if (!v[i].name)
			abort();
	}
	db_status st = status_fill(d, v, count);
	if (st != DB_OK) {
		db_migration_status_free(v, count);
		return st;
	}
	*out = v;
	*n = count;
	return DB_OK;
}

void db_migration_status_free(db_migration_state *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].applied_at);
	}
	free(v);
}

db_status db_exec_script(db *d, const char *sql)
{
	return dbi_script(d, sql);
}

db_status db_exec_value(db *d, const char *sql, char **out)
{
	PGresult *res = NULL;
	*out = NULL;
	db_status st = dbi_query(d, sql, 0, NULL, &res);
	if (st != DB_OK)
		return st;
	if (PQntuples(res) > 0 && PQnfields(res) > 0)
		*out = dbi_strdup_field(res, 0, 0);
	PQclear(res);
	return DB_OK;
}

db_status db_grant_coach(db *d, const char *email, const char *password, bool *created)
{
	char *hash = NULL;
	PGresult *res = NULL;
	if (created)
		*created = false;
	if (!email || !*email || !strchr(email, '@')) {
		dbi_seterr(d, "'%.80s' is not an email", email ? email : "");
		return DB_INVALID;
	}
	if (password && !(hash = PQencryptPasswordConn(dbi_pg(d), password, email, NULL))) {
		dbi_seterr(d, "cannot hash the password: %s", PQerrorMessage(dbi_pg(d)));
		return DB_ERROR;
	}
	const char *p[2] = {email, hash};
	db_status st = dbi_query(d, "SELECT rapport_grant_coach($1, $2)", 2, p, &res);
	if (hash)
		PQfreemem(hash);
	if (st == DB_OK && created)
		*created = strcmp(PQgetvalue(res, 0, 0), "created") == 0;
	PQclear(res);
	if (st == DB_ERROR && strstr(db_errmsg(d), "no coach has the email"))
		return DB_NOTFOUND;
	if (st == DB_ERROR && strstr(db_errmsg(d), "function rapport_grant_coach"))
		dbi_seterr(d, "the schema is too old for coach roles: run `rapport db migrate`");
	return st;
}
