#ifndef RAPPORT_TESTS_TESTDB_H
#define RAPPORT_TESTS_TESTDB_H
/* Fresh databases for DB tests, on the server the PG* environment names
 * (tests/run.sh starts a throwaway cluster; by hand, the dev cluster).
 * Names: "t_<name>", name made of [a-z0-9_], at most 50 characters. */
#include "rapport/db.h"

/* Drops (if present) and creates database t_<name>, runs db_migrate, and
 * returns a connection to it (db_close frees). Fails the test on error. */
db *testdb_open(const char *name);
/* Same without migrating: an empty database. */
db *testdb_open_empty(const char *name);
/* Another connection to t_<name> (already created). */
db *testdb_connect(const char *name);
/* Same with options (read_only, user); dbname is set to t_<name>. */
db *testdb_connect_opts(const char *name, db_conn_opts o);
/* "dbname=t_<name>" (malloc'd, caller frees); PG* give host, port, user. */
char *testdb_conninfo(const char *name);
/* Runs trusted SQL (test setup only); fails the test on error. */
void testdb_exec(db *d, const char *sql);
/* Runs SQL on the maintenance database "postgres" (CREATE ROLE, ...). */
void testdb_exec_admin(const char *sql);
/* Drops t_<name>. */
void testdb_drop(const char *name);

#endif
