/* Connecting to PostgreSQL like psql does (conninfo/URI/dbname, -h -p -U,
 * PG* variables, service files, .pgpass), with keepalives, and the one-line
 * failure message. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/conn_priv.h"

enum { MAXKW = 24 };

typedef struct kwlist {
	const char *k[MAXKW + 1];
	const char *v[MAXKW + 1];
	int n;
} kwlist;

/* True when the environment variable is set and not empty. */
static bool env_set(const char *name)
{
	const char *v = getenv(name);
	return v && *v;
}

/* True when s is non-NULL and non-empty. */
static bool set(const char *s)
{
	return s && *s;
}

bool db_opts_use_private(const db_conn_opts *o)
{
	static const char *const vars[] = {"PGHOST",     "PGHOSTADDR", "PGPORT",        "PGDATABASE",
	                                   "PGUSER",     "PGSERVICE",  "PGSERVICEFILE", NULL};
	if (o && (set(o->dbname) || set(o->host) || set(o->port) || set(o->user)))
		return false;
	for (int i = 0; vars[i]; i++)
		if (env_set(vars[i]))
			return false;
	return true;
}

/* True when this libpq knows the connection keyword. */
static bool libpq_knows(const char *kw)
{
	PQconninfoOption *opts = PQconndefaults();
	bool found = false;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, kw) == 0) {
			found = true;
			break;
		}
	PQconninfoFree(opts);
	return found;
}

/* Appends keyword=value when value is set. */
static void kw_add(kwlist *l, const char *k, const char *v)
{
	if (!set(v) || l->n >= MAXKW)
		return;
	l->k[l->n] = k;
	l->v[l->n] = v;
	l->n++;
}

/* The options= value the user already asked for: from a conninfo/URI in -d,
 * else PGOPTIONS. Malloc'd or NULL. */
static char *user_options(const char *dbname)
{
	char *out = NULL;
	if (set(dbname) && (strchr(dbname, '=') || strncmp(dbname, "postgres", 8) == 0)) {
		PQconninfoOption *opts = PQconninfoParse(dbname, NULL);
		for (PQconninfoOption *o = opts; o && o->keyword; o++)
			if (strcmp(o->keyword, "options") == 0 && set(o->val))
				out = strdup(o->val);
		PQconninfoFree(opts);
		if (out)
			return out;
	}
	return env_set("PGOPTIONS") ? strdup(getenv("PGOPTIONS")) : NULL;
}

/* Makes s one line in place: a run of blanks holding a line break or a tab
 * (libpq ends a line and indents the next: "unexpectedly\n\tThis") becomes
 * one space; trailing blanks go. Runs of plain spaces are left alone. */
static void fold_line(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (*r != ' ' && *r != '\n' && *r != '\r' && *r != '\t') {
			*w++ = *r++;
			continue;
		}
		const char *run = r;
		bool control = false;
		for (; *r == ' ' || *r == '\n' || *r == '\r' || *r == '\t'; r++)
			control |= *r != ' ';
		if (!*r) /* trailing */
			break;
		if (control) {
			*w++ = ' ';
		} else {
			memmove(w, run, (size_t)(r - run));
			w += r - run;
		}
	}
	*w = '\0';
}

/* Queues a server notice as one line (newlines become spaces). */
static void notice_receiver(void *arg, const PGresult *res)
{
	db *d = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (!msg)
		msg = PQresultErrorMessage(res);
	size_t len = strlen(msg) + (sev ? strlen(sev) : 0) + 4;
	char *line = malloc(len);
	if (!line)
		return;
	snprintf(line, len, "%s%s%s", sev ? sev : "", sev ? ": " : "", msg);
	fold_line(line);
	if (d->ncount == DBI_NOTICE_MAX) { /* full: drop the oldest */
		free(d->notices[d->nhead]);
		d->nhead = (d->nhead + 1) % DBI_NOTICE_MAX;
		d->ncount--;
	}
	d->notices[(d->nhead + d->ncount) % DBI_NOTICE_MAX] = line;
	d->ncount++;
}

char *db_notice_pop(db *d)
{
	if (!d || d->ncount == 0)
		return NULL;
	char *s = d->notices[d->nhead];
	d->notices[d->nhead] = NULL;
	d->nhead = (d->nhead + 1) % DBI_NOTICE_MAX;
	d->ncount--;
	return s;
}

/* Copies the useful part of libpq's multi-line error: the reason after the
 * last "failed: " on the first line, without "FATAL:" prefixes. */
static void short_reason(const char *pqmsg, char *out, size_t cap)
{
	const char *s = pqmsg ? pqmsg : "";
	const char *nl = strchr(s, '\n');
	size_t linelen = nl ? (size_t)(nl - s) : strlen(s);
	const char *start = s;
	for (const char *p = s; p < s + linelen; p++)
		if (strncmp(p, "failed: ", 8) == 0)
			start = p + 8;
	if (strncmp(start, "FATAL:  ", 8) == 0)
		start += 8;
	size_t n = linelen - (size_t)(start - s);
	if (n == 0 && nl) { /* reason on the next line (older libpq) */
		start = nl + 1;
		if (strncmp(start, "FATAL:  ", 8) == 0)
			start += 8;
		const char *nl2 = strchr(start, '\n');
		n = nl2 ? (size_t)(nl2 - start) : strlen(start);
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, start, n);
	out[n] = '\0';
	if (!*out)
		snprintf(out, cap, "connection failed");
}

/* A hint for the usual connection failures. */
static const char *connect_hint(const char *reason)
{
	if (strstr(reason, "No such file") || strstr(reason, "Connection refused"))
		return "is the server running there? Check -h/-p or PGHOST/PGPORT";
	if (strstr(reason, "database") && strstr(reason, "does not exist"))
		return "create it (createdb) or name another with -d";
	if (strstr(reason, "role") && strstr(reason, "does not exist"))
		return "check -U or PGUSER (a coach's role is created with `rapport db grant-coach`)";
	if (strstr(reason, "password"))
		return "check the password (PGPASSWORD or ~/.pgpass)";
	if (strstr(reason, "timeout") || strstr(reason, "timed out"))
		return "the server did not answer; check the network and firewall";
	if (strstr(reason, "could not translate host name"))
		return "check the host name given with -h or PGHOST";
	if (strstr(reason, "pg_hba.conf"))
		return "the server refuses this user/database from here (pg_hba.conf)";
	return "check the connection options (-d, -h, -p, -U) and PG* variables";
}

/* Fills d->describe: "user@db on host:port" or "user@db (socket dir)". */
static void describe(PGconn *pg, char *out, size_t cap)
{
	const char *host = PQhost(pg), *port = PQport(pg);
	const char *user = PQuser(pg), *dbn = PQdb(pg);
	if (!host || !*host)
		host = "/tmp";
	if (host[0] == '/' || host[0] == '@')
		snprintf(out, cap, "%s@%s (socket %s, port %s)", user ? user : "?", dbn ? dbn : "?",
		         host, port && *port ? port : "5432");
	else
		snprintf(out, cap, "%s@%s on %s:%s", user ? user : "?", dbn ? dbn : "?", host,
		         port && *port ? port : "5432");
}

/* The one-line failure message for a connection that did not come up. */
static char *connect_error(PGconn *pg)
{
	char reason[300], where[200], buf[768];
	const char *host = pg ? PQhost(pg) : NULL;
	const char *port = pg ? PQport(pg) : NULL;
	short_reason(pg ? PQerrorMessage(pg) : "out of memory", reason, sizeof reason);
	if (!host || !*host)
		host = "/tmp";
	if (!port || !*port)
		port = "5432";
	if (host[0] == '/' || host[0] == '@')
		snprintf(where, sizeof where, "socket %s/.s.PGSQL.%s", host, port);
	else
		snprintf(where, sizeof where, "host %s port %s", host, port);
	if (pg && !PQdb(pg) && !PQuser(pg)) /* the options did not parse: no target to name */
		snprintf(buf, sizeof buf,
		         "invalid connection options: %s; hint: -d takes a database name, a "
		         "conninfo string (key=value ...) or a postgresql:// URI",
		         reason);
	else
		snprintf(buf, sizeof buf, "%s (database \"%s\", user \"%s\"): %s; hint: %s", where,
		         pg && PQdb(pg) ? PQdb(pg) : "?", pg && PQuser(pg) ? PQuser(pg) : "?",
		         reason, connect_hint(reason));
	fold_line(buf);
	return strdup(buf);
}

db *db_connect(const db_conn_opts *o, char **err)
{
	db_conn_opts none = {0};
	if (!o)
		o = &none;
	kwlist l = {.n = 0};
	/* before dbname: defaults a conninfo string may override */
	kw_add(&l, "application_name", o->application_name ? o->application_name : "rapport");
	if (!env_set("PGCONNECT_TIMEOUT"))
		kw_add(&l, "connect_timeout", "10");
	kw_add(&l, "keepalives", "1");
	kw_add(&l, "keepalives_idle", "10");
	kw_add(&l, "keepalives_interval", "3");
	kw_add(&l, "keepalives_count", "3");
	if (libpq_knows("tcp_user_timeout"))
		kw_add(&l, "tcp_user_timeout", "10000");
	kw_add(&l, "dbname", o->dbname);
	/* after dbname: what the command line and rapport insist on */
	kw_add(&l, "host", o->host);
	kw_add(&l, "port", o->port);
	kw_add(&l, "user", o->user);
	kw_add(&l, "client_encoding", "UTF8");
	char *opts = NULL;
	if (o->read_only) {
		char *base = user_options(o->dbname);
		size_t len = (base ? strlen(base) : 0) + 48;
		opts = malloc(len);
		if (opts)
			snprintf(opts, len, "%s%s-c default_transaction_read_only=on", base ? base : "",
			         base ? " " : "");
		free(base);
		kw_add(&l, "options", opts);
	}
	l.k[l.n] = NULL;
	l.v[l.n] = NULL;
	PGconn *pg = PQconnectdbParams(l.k, l.v, 1);
	free(opts);
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		if (err)
			*err = connect_error(pg);
		PQfinish(pg);
		return NULL;
	}
	db *d = calloc(1, sizeof *d);
	if (!d) {
		PQfinish(pg);
		if (err)
			*err = strdup("out of memory");
		return NULL;
	}
	d->pg = pg;
	d->params = PQconninfo(pg);
	d->read_only = o->read_only;
	describe(pg, d->describe, sizeof d->describe);
	PQsetNoticeReceiver(pg, notice_receiver, d);
	return d;
}

void db_close(db *d)
{
	if (!d)
		return;
	dbi_reset(d);
	dbi_drain_forget(d);
	PQfinish(d->pg);
	PQconninfoFree(d->params);
	while (d->ncount)
		free(db_notice_pop(d));
	free(d);
}

void dbi_abandon(db *d)
{
	PQfinish(d->pg);
	d->pg = NULL;
}

/* A new connection with the saved parameters (after dbi_abandon). */
static PGconn *connect_again(db *d)
{
	const char *k[64], *v[64];
	int n = 0;
	for (PQconninfoOption *o = d->params; o && o->keyword && n < 63; o++)
		if (o->val && *o->val) {
			k[n] = o->keyword;
			v[n] = o->val;
			n++;
		}
	k[n] = v[n] = NULL;
	return PQconnectdbParams(k, v, 0);
}

db_status db_reconnect(db *d)
{
	if (!d)
		return DB_INVALID;
	dbi_reset(d);
	dbi_drain_forget(d);
	if (d->pg)
		PQreset(d->pg);
	else
		d->pg = connect_again(d);
	if (d->pg)
		PQsetNoticeReceiver(d->pg, notice_receiver, d);
	if (PQstatus(d->pg) != CONNECTION_OK) {
		char *msg = connect_error(d->pg);
		dbi_seterr(d, "cannot reconnect to %s", msg ? msg : "the server");
		free(msg);
		return DB_CONNLOST;
	}
	d->errmsg[0] = '\0';
	return DB_OK;
}

bool db_is_connected(const db *d)
{
	return d && d->pg && PQstatus(d->pg) == CONNECTION_OK;
}

const char *db_errmsg(const db *d)
{
	return d ? d->errmsg : "no connection";
}

int db_socket(const db *d)
{
	return db_is_connected(d) ? PQsocket(d->pg) : -1;
}

const char *db_describe(const db *d)
{
	return d ? d->describe : "";
}

const char *db_user(const db *d)
{
	const char *u = d && d->pg ? PQuser(d->pg) : NULL;
	return u ? u : "";
}

bool db_read_only(const db *d)
{
	return d && d->read_only;
}

PGconn *dbi_pg(db *d)
{
	return d ? d->pg : NULL;
}

void dbi_seterr(db *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
	va_end(ap);
	fold_line(d->errmsg);
}

const char *db_status_name(db_status s)
{
	switch (s) {
	case DB_OK: return "ok";
	case DB_PENDING: return "pending";
	case DB_ERROR: return "error";
	case DB_NOTFOUND: return "not found";
	case DB_CONFLICT: return "conflict";
	case DB_CONSTRAINT: return "constraint violation";
	case DB_CONNLOST: return "connection lost";
	case DB_CANCELED: return "canceled";
	case DB_READONLY: return "read-only";
	case DB_TIMEOUT: return "timeout";
	case DB_NOSCHEMA: return "schema missing";
	case DB_DENIED: return "permission denied";
	case DB_INVALID: return "invalid argument";
	}
	return "unknown";
}
