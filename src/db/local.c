/* The private PostgreSQL cluster: initdb + pg_ctl into
 * $XDG_DATA_HOME/rapport/pg (the PGDATA itself, mode 0700), Unix socket in
 * that directory, no TCP. As root the server runs as the "postgres" system
 * user and the cluster lives under /var/lib/rapport/pg unless XDG_DATA_HOME
 * is set (docs/deployment.md). A lock file next to the cluster serialises
 * concurrent rapport processes. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rapport/local.h"

#define LOCAL_PORT "5432"
#define LOCAL_SUPERUSER "rapport"
#define LOCAL_DBNAME "rapport"
#define LOCAL_SERVICE_USER "postgres"

typedef struct local_paths {
	char *base;    /* .../rapport */
	char *data;    /* .../rapport/pg: PGDATA and socket directory */
	char *lock;    /* .../rapport/pg.lock */
	char *log;     /* .../rapport/pg/server.log */
	char *initlog; /* .../rapport/initdb.log */
} local_paths;

/* Sets *err to a malloc'd formatted line; returns -1. */
static int local_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int local_fail(char **err, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (err)
		*err = strdup(buf);
	return -1;
}

/* malloc'd concatenation of a and b. */
static char *local_join(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	if (!s)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

/* The directory that holds rapport/ : $XDG_DATA_HOME, else ~/.local/share,
 * and for root without XDG_DATA_HOME /var/lib (the service user cannot
 * reach /root). malloc'd. */
static char *local_data_home(void)
{
	const char *x = getenv("XDG_DATA_HOME");
	if (x && x[0] == '/')
		return strdup(x);
	if (geteuid() == 0)
		return strdup("/var/lib");
	const char *home = getenv("HOME");
	if (!home || !home[0]) {
		struct passwd *pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : "/";
	}
	return local_join(home, "/.local/share");
}

static void local_paths_free(local_paths *p)
{
	free(p->base);
	free(p->data);
	free(p->lock);
	free(p->log);
	free(p->initlog);
}

/* Fills p; -1 on allocation failure. */
static int local_paths_get(local_paths *p)
{
	memset(p, 0, sizeof *p);
	char *home = local_data_home();
	if (!home)
		return -1;
	p->base = local_join(home, "/rapport");
	free(home);
	if (!p->base)
		return -1;
	p->data = local_join(p->base, "/pg");
	p->lock = local_join(p->base, "/pg.lock");
	p->initlog = local_join(p->base, "/initdb.log");
	p->log = p->data ? local_join(p->data, "/server.log") : NULL;
	if (!p->data || !p->lock || !p->log || !p->initlog) {
		local_paths_free(p);
		return -1;
	}
	return 0;
}

static bool local_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* True once initdb has completed in p->data. */
static bool local_created(const local_paths *p)
{
	char *v = local_join(p->data, "/PG_VERSION");
	bool ok = v && local_exists(v);
	free(v);
	return ok;
}

/* Appends a single-quoted conninfo value to buf (backslash-escaping ' and \). */
static void local_quote(char *buf, size_t cap, const char *v)
{
	size_t n = strlen(buf);
	if (n + 1 < cap)
		buf[n++] = '\'';
	for (; *v && n + 3 < cap; v++) {
		if (*v == '\'' || *v == '\\')
			buf[n++] = '\\';
		buf[n++] = *v;
	}
	if (n + 1 < cap)
		buf[n++] = '\'';
	buf[n] = '\0';
}

/* conninfo for database dbname of the cluster at p (malloc'd). */
static char *local_conninfo_for(const local_paths *p, const char *dbname)
{
	size_t cap = strlen(p->data) * 2 + 128;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	strcpy(s, "host=");
	local_quote(s, cap, p->data);
	snprintf(s + strlen(s), cap - strlen(s), " port=%s user=%s dbname=%s", LOCAL_PORT,
	         LOCAL_SUPERUSER, dbname);
	return s;
}

/* The directory with initdb and pg_ctl: $RAPPORT_PGBIN, else the newest
 * /usr/lib/postgresql/NN/bin, else "" (found through PATH). malloc'd. */
static char *local_pgbin(void)
{
	const char *env = getenv("RAPPORT_PGBIN");
	if (env && env[0])
		return strdup(env);
	glob_t g;
	char *best = NULL;
	long best_v = -1;
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
			if (v > best_v) {
				best_v = v;
				free(best);
				best = strndup(g.gl_pathv[i], strlen(g.gl_pathv[i]) - strlen("/initdb"));
			}
		}
		globfree(&g);
	}
	return best ? best : strdup("");
}

/* The account the server runs as: NULL when that is us (not root). */
static struct passwd *local_service_user(char **err)
{
	if (geteuid() != 0)
		return NULL;
	struct passwd *pw = getpwnam(LOCAL_SERVICE_USER);
	if (!pw)
		local_fail(err, "running as root needs the unprivileged '%s' system user to run the "
		                "server (install postgresql, or run rapport as a normal user)",
		           LOCAL_SERVICE_USER);
	return pw;
}

/* In a forked child: drop to pw (when set), redirect output to logfd, exec. */
static void local_child(const struct passwd *pw, int logfd, const char *prog, char *const argv[])
{
	int nullfd = open("/dev/null", O_RDONLY);
	if (nullfd >= 0)
		dup2(nullfd, 0);
	if (logfd >= 0) {
		dup2(logfd, 1);
		dup2(logfd, 2);
	}
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	setsid();
	if (pw && (setgid(pw->pw_gid) != 0 || initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	           setuid(pw->pw_uid) != 0))
		_exit(126);
	if (chdir("/") != 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL);
	execv(prog, argv);
	execvp(prog, argv);
	_exit(127);
}

/* Runs pgbin/prog with args (NULL-terminated, argv[0] excluded) as the
 * service user, output appended to logpath (or discarded when NULL).
 * Returns the exit status, or -1 when it could not run. */
static int local_run(const struct passwd *pw, const char *logpath, const char *prog, ...)
{
	char *pgbin = local_pgbin();
	char path[4096];
	char *argv[32];
	int argc = 0;
	va_list ap;
	if (!pgbin)
		return -1;
	snprintf(path, sizeof path, "%s%s%s", pgbin, pgbin[0] ? "/" : "", prog);
	free(pgbin);
	argv[argc++] = path;
	va_start(ap, prog);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	int logfd = open(logpath ? logpath : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	                 0600);
	pid_t pid = fork();
	if (pid == 0)
		local_child(pw, logfd, path, argv);
	if (logfd >= 0)
		close(logfd);
	if (pid < 0)
		return -1;
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) == 127 ? -1 : WEXITSTATUS(st);
}

/* Takes the cluster lock (blocking); returns the fd or -1. */
static int local_lock(const local_paths *p, char **err)
{
	int fd = open(p->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return local_fail(err, "cannot open lock file %s: %s", p->lock, strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			local_fail(err, "cannot lock %s: %s", p->lock, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void local_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

/* mkdir -p with mode for the last components we create. */
static int local_mkdirs(const char *path, mode_t mode)
{
	char *s = strdup(path);
	if (!s)
		return -1;
	for (char *q = s + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(s, mode) != 0 && errno != EEXIST) {
			free(s);
			return -1;
		}
		*q = '/';
	}
	int rc = mkdir(s, mode) != 0 && errno != EEXIST ? -1 : 0;
	free(s);
	return rc;
}

/* True when the service user can enter dir (owner, group or other x bit). */
static bool local_enterable(const char *dir, const struct passwd *pw)
{
	struct stat st;
	if (stat(dir, &st) != 0)
		return true; /* reported later by whatever needs it */
	if (st.st_uid == pw->pw_uid)
		return st.st_mode & S_IXUSR;
	if (st.st_gid == pw->pw_gid)
		return st.st_mode & S_IXGRP;
	return st.st_mode & S_IXOTH;
}

/* Creates base; for root also checks the service user can reach it. */
static int local_make_base(const local_paths *p, const struct passwd *pw, char **err)
{
	if (!pw)
		return local_mkdirs(p->base, 0700) == 0
		           ? 0
		           : local_fail(err, "cannot create %s: %s", p->base, strerror(errno));
	/* Checked before creating anything; directories created here get 0711. */
	char *s = strdup(p->base);
	if (!s)
		return local_fail(err, "out of memory");
	int rc = 0;
	for (size_t i = 1, n = strlen(s); rc == 0 && i <= n; i++) {
		if (s[i] != '/' && s[i] != '\0')
			continue;
		char c = s[i];
		s[i] = '\0';
		if (!local_enterable(s, pw))
			rc = local_fail(err, "the '%s' user that runs the server cannot enter %s; set "
			                     "XDG_DATA_HOME to a directory it can reach",
			                pw->pw_name, s);
		s[i] = c;
	}
	free(s);
	if (rc == 0 && local_mkdirs(p->base, 0711) != 0)
		rc = local_fail(err, "cannot create %s: %s", p->base, strerror(errno));
	return rc;
}

/* Appends rapport's settings to postgresql.conf: Unix socket only, in PGDATA. */
static int local_configure(const local_paths *p, char **err)
{
	char *conf = local_join(p->data, "/postgresql.conf");
	FILE *f = conf ? fopen(conf, "a") : NULL;
	if (!f) {
		local_fail(err, "cannot write %s: %s", conf ? conf : "postgresql.conf", strerror(errno));
		free(conf);
		return -1;
	}
	fprintf(f, "\n# rapport: private cluster, Unix socket only\nlisten_addresses = ''\n"
	           "unix_socket_directories = '");
	for (const char *c = p->data; *c; c++) {
		if (*c == '\'')
			fputc('\'', f);
		fputc(*c, f);
	}
	fprintf(f, "'\nunix_socket_permissions = 0700\nport = %s\n", LOCAL_PORT);
	int rc = fclose(f);
	free(conf);
	return rc == 0 ? 0 : local_fail(err, "cannot write postgresql.conf: %s", strerror(errno));
}

/* initdb into p->data (as the service user when root). */
static int local_initdb(const local_paths *p, const struct passwd *pw, char **err)
{
	if (strlen(p->data) + sizeof "/.s.PGSQL." LOCAL_PORT > sizeof(((struct sockaddr_un *)0)->sun_path))
		return local_fail(err, "the cluster path %s is too long for a Unix socket; set "
		                       "XDG_DATA_HOME to a shorter directory",
		                  p->data);
	if (mkdir(p->data, 0700) != 0 && errno != EEXIST)
		return local_fail(err, "cannot create %s: %s", p->data, strerror(errno));
	if (pw && chown(p->data, pw->pw_uid, pw->pw_gid) != 0)
		return local_fail(err, "cannot hand %s to %s: %s", p->data, pw->pw_name, strerror(errno));
	unlink(p->initlog);
	int rc = local_run(pw, p->initlog, "initdb", "-D", p->data, "-U", LOCAL_SUPERUSER,
	                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", (char *)NULL);
	if (rc == -1)
		return local_fail(err, "cannot run initdb (is the PostgreSQL server installed? run: "
		                       "make deps)");
	if (rc != 0)
		return local_fail(err, "initdb failed (see %s)", p->initlog);
	return local_configure(p, err);
}

/* Starts the server and waits until it accepts connections. */
static int local_pg_start(const local_paths *p, const struct passwd *pw, char **err)
{
	/* After a crash the old server's children may hold its shared memory
	 * for a moment: a failed start is retried a few times. */
	for (int attempt = 0;; attempt++) {
		int rc = local_run(pw, NULL, "pg_ctl", "-D", p->data, "-l", p->log, "-w", "-t", "60",
		                   "-s", "start", (char *)NULL);
		if (rc == -1)
			return local_fail(err, "cannot run pg_ctl (run: make deps)");
		if (rc == 0)
			return 0;
		if (attempt == 4)
			return local_fail(err, "the private cluster did not start (see %s)", p->log);
		nanosleep(&(struct timespec){0, 500 * 1000 * 1000}, NULL);
	}
}

/* PQping of the cluster's maintenance database. */
static PGPing local_ping(const local_paths *p)
{
	char *ci = local_conninfo_for(p, "postgres");
	PGPing r = ci ? PQping(ci) : PQPING_NO_ATTEMPT;
	free(ci);
	return r;
}

/* Waits up to 60 s for a server that is starting up to accept connections. */
static bool local_wait_ready(const local_paths *p)
{
	for (int i = 0; i < 600; i++) {
		PGPing r = local_ping(p);
		if (r == PQPING_OK)
			return true;
		if (r != PQPING_REJECT)
			return false;
		nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	}
	return false;
}

/* Drops server notices ("extension already exists, skipping"). */
static void local_ignore_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Runs one utility statement on database dbname; returns the SQLSTATE of a
 * failure in state (empty on success) and -1 when it could not connect. */
static int local_exec(const local_paths *p, const char *dbname, const char *sql, char state[6],
                      char **err)
{
	char *ci = local_conninfo_for(p, dbname);
	PGconn *c = ci ? PQconnectdb(ci) : NULL;
	free(ci);
	state[0] = '\0';
	if (!c || PQstatus(c) != CONNECTION_OK) {
		local_fail(err, "cannot connect to the private cluster: %s",
		           c ? PQerrorMessage(c) : "out of memory");
		if (err && *err)
			(*err)[strcspn(*err, "\n")] = '\0';
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, local_ignore_notice, NULL);
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		snprintf(state, 6, "%s", s ? s : "XX000");
	}
	PQclear(r);
	PQfinish(c);
	return 0;
}

/* True when the "rapport" database accepts a connection. */
static bool local_db_ready(const local_paths *p)
{
	char *ci = local_conninfo_for(p, LOCAL_DBNAME);
	PGconn *c = ci ? PQconnectdb(ci) : NULL;
	bool ok = c && PQstatus(c) == CONNECTION_OK;
	PQfinish(c);
	free(ci);
	return ok;
}

/* Creates the "rapport" database and, where pgvector is installed, the
 * vector extension in it. */
static int local_create_db(const local_paths *p, char **err)
{
	char state[6];
	if (local_exec(p, "postgres", "CREATE DATABASE " LOCAL_DBNAME, state, err) != 0)
		return -1;
	if (state[0] && strcmp(state, "42P04") != 0) /* 42P04: already exists */
		return local_fail(err, "cannot create the rapport database (SQLSTATE %s)", state);
	/* Without pgvector the extension is simply absent; capability detection reports it. */
	if (local_exec(p, LOCAL_DBNAME, "CREATE EXTENSION IF NOT EXISTS vector", state, err) != 0)
		return -1;
	return 0;
}

/* The locked part of local_ensure_running. */
static int local_ensure_locked(const local_paths *p, const struct passwd *pw, char **err)
{
	if (local_db_ready(p))
		return 0;
	if (!local_created(p) && local_initdb(p, pw, err) != 0)
		return -1;
	PGPing r = local_ping(p);
	if (r == PQPING_REJECT && !local_wait_ready(p))
		return local_fail(err, "the private cluster is not accepting connections (see %s)",
		                  p->log);
	if (r != PQPING_OK && r != PQPING_REJECT && local_pg_start(p, pw, err) != 0)
		return -1;
	if (local_db_ready(p))
		return 0;
	return local_create_db(p, err);
}

int local_ensure_running(char **conninfo, char **err)
{
	local_paths p;
	char *e = NULL;
	if (err)
		*err = NULL;
	if (local_paths_get(&p) != 0)
		return local_fail(err, "out of memory");
	struct passwd *pw = local_service_user(&e);
	int fd = -1, rc = -1;
	if ((geteuid() != 0 || pw) && local_make_base(&p, pw, &e) == 0 &&
	    (fd = local_lock(&p, &e)) >= 0)
		rc = local_ensure_locked(&p, pw, &e);
	local_unlock(fd);
	if (rc == 0 && conninfo && !(*conninfo = local_conninfo_for(&p, LOCAL_DBNAME)))
		rc = local_fail(&e, "out of memory");
	local_paths_free(&p);
	if (err)
		*err = e;
	else
		free(e);
	return rc;
}

/* pg_ctl stop (fast) when the cluster exists and runs. */
static int local_stop_locked(const local_paths *p, const struct passwd *pw, char **err)
{
	if (!local_created(p))
		return 0;
	char *pid = local_join(p->data, "/postmaster.pid");
	bool maybe_running = pid && local_exists(pid);
	free(pid);
	if (!maybe_running)
		return 0;
	int rc = local_run(pw, NULL, "pg_ctl", "-D", p->data, "-m", "fast", "-w", "-t", "60", "-s",
	                   "stop", (char *)NULL);
	if (rc == -1)
		return local_fail(err, "cannot run pg_ctl (run: make deps)");
	/* pg_ctl stop exits 1 when no server was running (stale pid file): fine. */
	if (rc != 0 && local_ping(p) != PQPING_NO_RESPONSE)
		return local_fail(err, "the private cluster did not stop (see %s)", p->log);
	return 0;
}

/* Runs fn under the lock with the service user resolved. */
static int local_locked_call(int (*fn)(const local_paths *, const struct passwd *, char **),
                             char **err)
{
	local_paths p;
	char *e = NULL;
	if (err)
		*err = NULL;
	if (local_paths_get(&p) != 0)
		return local_fail(err, "out of memory");
	int rc = 0, fd = -1;
	struct passwd *pw = local_service_user(&e);
	if (geteuid() == 0 && !pw)
		rc = -1;
	else if (local_exists(p.base) && (fd = local_lock(&p, &e)) < 0)
		rc = -1;
	else if (fd >= 0)
		rc = fn(&p, pw, &e);
	local_unlock(fd);
	local_paths_free(&p);
	if (err)
		*err = e;
	else
		free(e);
	return rc;
}

int local_stop(char **err)
{
	return local_locked_call(local_stop_locked, err);
}

static int local_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT ? -1 : 0;
}

/* Stops the server and removes PGDATA and rapport's files next to it. */
static int local_destroy_locked(const local_paths *p, const struct passwd *pw, char **err)
{
	if (local_stop_locked(p, pw, err) != 0)
		return -1;
	if (local_exists(p->data) && nftw(p->data, local_rm_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
		return local_fail(err, "cannot remove %s: %s", p->data, strerror(errno));
	unlink(p->initlog);
	return 0;
}

int local_destroy(char **err)
{
	return local_locked_call(local_destroy_locked, err);
}

int local_status(FILE *out, bool *running, char **err)
{
	local_paths p;
	if (err)
		*err = NULL;
	if (local_paths_get(&p) != 0)
		return local_fail(err, "out of memory");
	bool created = local_created(&p);
	PGPing r = created ? local_ping(&p) : PQPING_NO_RESPONSE;
	bool up = r == PQPING_OK || r == PQPING_REJECT;
	if (running)
		*running = up;
	if (out) {
		fprintf(out, "data directory: %s\n", p.data);
		fprintf(out, "socket:         %s/.s.PGSQL.%s\n", p.data, LOCAL_PORT);
		if (geteuid() == 0)
			fprintf(out, "server user:    %s\n", LOCAL_SERVICE_USER);
		fprintf(out, "status:         %s\n",
		        !created          ? "not created (rapport local start creates it)"
		        : r == PQPING_OK  ? "running"
		        : up              ? "starting or shutting down"
		                          : "stopped");
	}
	local_paths_free(&p);
	return 0;
}

char *local_conninfo(char **err)
{
	local_paths p;
	if (err)
		*err = NULL;
	if (local_paths_get(&p) != 0) {
		local_fail(err, "out of memory");
		return NULL;
	}
	char *ci = NULL;
	if (!local_created(&p))
		local_fail(err, "the private cluster does not exist yet (run: rapport local start)");
	else if (!(ci = local_conninfo_for(&p, LOCAL_DBNAME)))
		local_fail(err, "out of memory");
	local_paths_free(&p);
	return ci;
}

char *local_datadir(void)
{
	local_paths p;
	if (local_paths_get(&p) != 0)
		return NULL;
	char *d = p.data;
	p.data = NULL;
	local_paths_free(&p);
	return d;
}
