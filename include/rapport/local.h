#ifndef RAPPORT_LOCAL_H
#define RAPPORT_LOCAL_H
/* The private PostgreSQL cluster rapport manages itself (initdb + pg_ctl),
 * under $XDG_DATA_HOME/rapport/pg (fallback ~/.local/share/rapport/pg),
 * Unix socket only (socket inside the data directory), mode 0700, with
 * pgvector available. When run as root the server runs as the "postgres"
 * system user and, without XDG_DATA_HOME, the cluster lives in
 * /var/lib/rapport/pg (/root is closed to that user); see docs/deployment.md.
 * Concurrent processes serialise on rapport/pg.lock next to the cluster.
 * Errors: functions return 0 on success, -1 with *err set to one malloc'd
 * line (caller frees). */
#include <stdbool.h>
#include <stdio.h>

/* Creates the cluster if missing and starts it if stopped; fast no-op when
 * running. On success *conninfo is a malloc'd libpq conninfo string for the
 * cluster's "rapport" database (created if missing). */
int local_ensure_running(char **conninfo, char **err);
int local_stop(char **err);
/* Prints a human-readable status (data directory, socket, running or not). */
int local_status(FILE *out, bool *running, char **err);
/* Conninfo even when stopped (malloc'd); NULL with *err if never created. */
char *local_conninfo(char **err);
/* Stops and deletes the cluster. */
int local_destroy(char **err);
/* The cluster's data directory (malloc'd). */
char *local_datadir(void);

#endif
