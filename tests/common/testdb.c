/* Fresh, migrated databases for DB tests (see testdb.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/testdb.h"

/* Fails the test with a formatted message. */
__attribute__((format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fail_msg("testdb: %s", buf);
}

/* Checks the name is [a-z0-9_]{1,50} so it can be quoted literally. */
static void check_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 50)
		die("bad database name '%s'", name ? name : "(null)");
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			die("bad database name '%s'", name);
}

/* Connects to a named database on the PG* server. */
static db *connect_to(const char *dbname, db_conn_opts o)
{
	char *err = NULL;
	o.dbname = dbname;
	if (!o.application_name)
		o.application_name = "rapport-test";
	db *d = db_connect(&o, &err);
	if (!d)
		die("cannot connect to %s: %s", dbname, err ? err : "?");
	return d;
}

void testdb_exec_admin(const char *sql)
{
	db *a = connect_to("postgres", (db_conn_opts){0});
	if (db_exec_script(a, sql) != DB_OK) {
		char msg[800];
		snprintf(msg, sizeof msg, "%s", db_errmsg(a));
		db_close(a);
		die("admin SQL failed: %s (%s)", msg, sql);
	}
	db_close(a);
}

void testdb_drop(const char *name)
{
	char sql[200];
	check_name(name);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"t_%s\" WITH (FORCE)", name);
	testdb_exec_admin(sql);
}

db *testdb_open_empty(const char *name)
{
	char sql[200], dbname[64];
	testdb_drop(name);
	snprintf(sql, sizeof sql, "CREATE DATABASE \"t_%s\"", name);
	testdb_exec_admin(sql);
	snprintf(dbname, sizeof dbname, "t_%s", name);
	return connect_to(dbname, (db_conn_opts){0});
}

db *testdb_open(const char *name)
{
	db *d = testdb_open_empty(name);
	int applied = 0;
	if (db_migrate(d, &applied) != DB_OK)
		die("db_migrate on t_%s: %s", name, db_errmsg(d));
	return d;
}

db *testdb_connect_opts(const char *name, db_conn_opts o)
{
	char dbname[64];
	check_name(name);
	snprintf(dbname, sizeof dbname, "t_%s", name);
	return connect_to(dbname, o);
}

db *testdb_connect(const char *name)
{
	return testdb_connect_opts(name, (db_conn_opts){0});
}

char *testdb_conninfo(const char *name)
{
	char *s = malloc(80);
	check_name(name);
	if (!s)
		die("out of memory");
	snprintf(s, 80, "dbname=t_%s", name);
	return s;
}

void testdb_exec(db *d, const char *sql)
{
	if (db_exec_script(d, sql) != DB_OK)
		die("SQL failed: %s (%.300s)", db_errmsg(d), sql);
}
