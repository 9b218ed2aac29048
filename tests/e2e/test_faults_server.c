/* Faults injected into a real PostgreSQL server while the real rapport binary
 * runs in a pty (H9). This program starts its OWN throwaway cluster
 * (tests/tools/pgcluster.sh in a temp dir) so it can terminate backends,
 * restart, stop and SIGSTOP the server without disturbing other tests.
 * Each fault checks the screen (the status line says what happened, in
 * words, within seconds; keys still answer) and the data (the form keeps
 * its edit; the database holds the old or the new value, never another).
 * Prints "faults: ..." count lines that docs/reliability.md quotes. */
/* clang-format off */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/testdb.h"
#include "common/vt.h"
/* clang-format on */

#define DBNAME "h9_faults"
#define CO     "10000000-0000-4000-8000-000000000001"
#define ANA    "20000000-0000-4000-8000-000000000001"
#define BOB    "20000000-0000-4000-8000-000000000002"
#define ORG    "30000000-0000-4000-8000-000000000001"
#define CAROL  "40000000-0000-4000-8000-000000000001"
#define T      15000 /* ms */

static char dir[] = "/tmp/rapport-h9-faults-XXXXXX";
static char root[4096];
static char *conninfo;
static db *conn; /* the test's own connection (re-opened after restarts) */
static int faults, rows_checked, rows_lost;

static const char reset_sql[] =
    "DELETE FROM data_chunks; DELETE FROM data_items; DELETE FROM coach_model_associations;"
    "DELETE FROM coaching_models; DELETE FROM clients; DELETE FROM coaches;"
    "DELETE FROM client_organizations; DELETE FROM coaching_companies; DELETE FROM rapport_audit;"
    "INSERT INTO coaching_companies(id, name, slug) VALUES ('" CO "', 'Acme Coaching', 'acme');"
    "INSERT INTO coaches(id, coaching_company_id, email, name, metadata) VALUES"
    " ('" ANA "', '" CO "', 'ana@acme.example', 'Ana Alvarez',"
    "  '{\"experience_years\": 15, \"specializations\": [\"a\", \"b\"], \"zz_note\": 1.50}'),"
    " ('" BOB "', '" CO "', 'bob@acme.example', 'Bob Brown', '{}');"
    "INSERT INTO client_organizations(id, name, slug) VALUES ('" ORG "', 'Globex', 'globex');"
    "INSERT INTO clients(id, client_organization_id, primary_coach_id, email, name) VALUES"
    " ('" CAROL "', '" ORG "', '" ANA "', 'carol@globex.example', 'Carol Client');";

/* ---- the private cluster --------------------------------------------------- */

/* Runs tests/tools/pgcluster.sh CMD on this program's cluster; with
 * CMD start, exports the PG* variables it prints. */
static int cluster(const char *cmd)
{
	char line[9000];
	snprintf(line, sizeof line, "sh '%s/tests/tools/pgcluster.sh' %s '%s/pg' > '%s/env' 2>&1",
	         root, cmd, dir, dir);
	int rc = system(line);
	if (rc != 0 || strcmp(cmd, "start") != 0)
		return rc;
	snprintf(line, sizeof line, "%s/env", dir);
	FILE *f = fopen(line, "r");
	if (!f)
		return -1;
	char env[2000] = "";
	if (!fgets(env, sizeof env, f))
		env[0] = '\0';
	fclose(f);
	/* export PGHOST='..' PGPORT='..' PGUSER='..' PGDATABASE='..' */
	static const char *const names[] = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE"};
	for (int i = 0; i < 4; i++) {
		char key[32];
		snprintf(key, sizeof key, "%s='", names[i]);
		char *p = strstr(env, key);
		if (!p)
			return -1;
		p += strlen(key);
		char *q = strchr(p, '\'');
		if (!q)
			return -1;
		*q = '\0';
		setenv(names[i], p, 1);
		*q = '\'';
	}
	return 0;
}

/* pg_ctl through the cluster's own binaries (as postgres when root). */
static void pg_ctl(const char *args)
{
	char line[9000];
	snprintf(line, sizeof line,
	         "PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1);"
	         " if [ \"$(id -u)\" = 0 ]; then AS='runuser -u postgres --'; else AS=; fi;"
	         " $AS \"$PGBIN/pg_ctl\" -D '%s/pg/data' %s >/dev/null 2>&1",
	         dir, args);
	if (system(line) != 0)
		fail_msg("pg_ctl %s failed", args);
}

/* The postmaster's pid (first line of postmaster.pid). */
static pid_t postmaster_pid(void)
{
	char path[300];
	snprintf(path, sizeof path, "%s/pg/data/postmaster.pid", dir);
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (!f || fscanf(f, "%ld", &pid) != 1)
		fail_msg("no postmaster.pid");
	fclose(f);
	return (pid_t)pid;
}

/* The test's connection, re-opened when the server went away. */
static db *c(void)
{
	if (!conn || !db_is_connected(conn) || db_exec_script(conn, "SELECT 1") != DB_OK) {
		if (conn)
			db_close(conn);
		conn = testdb_connect(DBNAME);
	}
	return conn;
}

/* Pids of rapport's backends, comma separated (malloc'd; "" when none). */
static char *rapport_backends(void)
{
	char *out = NULL;
	if (db_exec_value(c(),
	                  "SELECT coalesce(string_agg(pid::text, ','), '') FROM pg_stat_activity"
	                  " WHERE datname = 't_" DBNAME "' AND application_name = 'rapport'",
	                  &out) != DB_OK)
		fail_msg("pg_stat_activity: %s", db_errmsg(conn));
	return out ? out : strdup("");
}

/* Sends sig to every rapport backend; how many. */
static int signal_backends(int sig)
{
	char *pids = rapport_backends(), *save = NULL;
	int n = 0;
	for (char *p = strtok_r(pids, ",", &save); p; p = strtok_r(NULL, ",", &save))
		n += kill((pid_t)atoi(p), sig) == 0;
	free(pids);
	return n;
}

/* One value of the database (malloc'd). */
static char *value(const char *sql)
{
	char *out = NULL;
	if (db_exec_value(c(), sql, &out) != DB_OK)
		fail_msg("%s: %s", sql, db_errmsg(conn));
	return out;
}

/* Ana's experience_years must be one of the two allowed values. */
static void want_years(const char *old, const char *new_)
{
	char *got = value("SELECT metadata->>'experience_years' FROM coaches WHERE id = '" ANA "'");
	rows_checked++;
	if (!got || (strcmp(got, old) != 0 && (!new_ || strcmp(got, new_) != 0))) {
		rows_lost++;
		fail_msg("experience_years is '%s', want '%s'%s%s", got ? got : "NULL", old,
		         new_ ? " or " : "", new_ ? new_ : "");
	}
	free(got);
}

static int group_setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (getuid() == 0 && chmod(dir, 0755) != 0)
		return -1;
	char exe[3000];
	ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (k <= 0)
		return -1;
	exe[k] = '\0';
	char *b = strstr(exe, "/build/");
	if (b)
		*b = '\0';
	snprintf(root, sizeof root, "%s", exe);
	char port[16];
	snprintf(port, sizeof port, "%d", 40000 + getpid() % 10000);
	setenv("PGTEST_PORT", port, 1);
	unsetenv("PGSERVICE");
	unsetenv("PGHOSTADDR");
	if (cluster("start") != 0) {
		fprintf(stderr, "faults: cannot start a cluster in %s\n", dir);
		return -1;
	}
	/* a private copy: the shared build may relink build/.../rapport meanwhile */
	char cmd[9000];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s/rapport'", vt_binary(), dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof cmd, "%s/rapport", dir);
	setenv("RAPPORT_BIN", cmd, 1);
	snprintf(cmd, sizeof cmd, "%s/state", dir);
	setenv("XDG_STATE_HOME", cmd, 1);
	conn = testdb_open(DBNAME);
	conninfo = testdb_conninfo(DBNAME);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	printf("faults: %d faults injected, %d stored values checked afterwards, rows lost: %d\n",
	       faults, rows_checked, rows_lost);
	if (conn)
		db_close(conn);
	free(conninfo);
	kill(postmaster_pid(), SIGCONT);
	cluster("stop");
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int reset(void **state)
{
	(void)state;
	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " RESET ALL");
	testdb_exec(c(), reset_sql);
	return 0;
}

/* ---- driving rapport ---------------------------------------------------------- */

static vt *start(const char *extra)
{
	const char *args[] = {"-d", conninfo, extra, NULL};
	vt *v = vt_start(30, 120, args, NULL);
	assert_true(vt_wait_text(v, "Acme", T));
	return v;
}

/* True when text appears on two rows (the list and the detail pane). */
static bool shown_twice(vt *v, void *ctx)
{
	int rows, cols, n = 0;
	vt_size(v, &rows, &cols);
	for (int r = 0; r < rows - 1; r++)
		n += vt_row_find(v, r, ctx) >= 0;
	return n >= 2;
}

/* Selects Ana in the browser. */
static void goto_ana(vt *v)
{
	vt_keys(v, ":goto ana@acme.example<Enter>");
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Ana Alvarez", T));
}

/* Opens Ana's form and changes experience_years to 55 (not saved). */
static void edit_ana(vt *v)
{
	goto_ana(v);
	assert_true(vt_wait(v, shown_twice, (void *)"Ana Alvarez", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	vt_keys(v, "j<Enter><C-u>55<Enter>");
	assert_true(vt_wait_text(v, "(modified)", T));
}

/* The status line (last row). */
static char *status(vt *v, char *buf, size_t n)
{
	int rows, cols;
	vt_size(v, &rows, &cols);
	return vt_row_text(v, rows - 1, buf, n);
}

static bool has(vt *v, void *ctx);

/* Quits (from the form or the browser) and expects exit 0. */
static void quit(vt *v)
{
	if (vt_has_text(v, "\u00b7 metadata")) {
		vt_keys(v, "<Esc>");
		if (vt_wait_quiet(v, has, "Discard", 2000))
			vt_keys(v, "y");
		assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	}
	vt_keys(v, "q");
	assert_int_equal(vt_wait_exit(v, T), 0);
	vt_free(v);
}

/* Predicate: ctx (a string) is on the screen. */
static bool has(vt *v, void *ctx)
{
	return vt_has_text(v, ctx);
}

/* ms since an arbitrary point. */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* True when the screen says the connection is lost or the server is not
 * answering (and, when ctx is a string, shows it in the same state). */
static bool says_lost(vt *v, void *ctx)
{
	bool said = vt_has_text(v, "connection lost") || vt_has_text(v, "not connected") ||
	            vt_has_text(v, "stopped answering") || vt_has_text(v, "not answering");
	return said && (!ctx || vt_has_text(v, ctx));
}

/* True when the form says it saved and shows the edit ctx in that state. */
static bool saved_with(vt *v, void *ctx)
{
	return vt_has_text(v, "saved (u undoes)") && vt_has_text(v, ctx);
}

/* ---- browsing ------------------------------------------------------------------ */

/* pg_terminate_backend while browsing: said within a few seconds without a
 * key press, reconnected, same selection, browsing goes on. */
static void test_terminate_backend_browsing(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	for (int round = 0; round < 3; round++) {
		testdb_exec(c(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		                 " WHERE datname = 't_" DBNAME "' AND application_name = 'rapport'");
		faults++;
		long long t0 = now_ms();
		/* the loss is shown, then the reconnect (each replaces the other) */
		assert_true(vt_wait(v, says_lost, NULL, T));
		long long lost = now_ms() - t0;
		assert_true(vt_wait_text(v, "reconnected", T));
		printf("faults: terminate backend #%d: loss shown after %lld ms, 'reconnected' after "
		       "%lld ms\n",
		       round + 1, lost, now_ms() - t0);
		assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Ana Alvarez", T));
	}
	vt_keys(v, "j");
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Bob Brown", T));
	quit(v);
}

/* The server restarts (fast shutdown, start): the loss is reported, rapport
 * reconnects by itself and shows the same selection. */
static void test_server_restart(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	db_close(conn);
	conn = NULL;
	pg_ctl("-m fast -w stop");
	faults++;
	long long t0 = now_ms();
	assert_true(vt_wait(v, says_lost, NULL, T));
	printf("faults: server stopped: loss shown after %lld ms\n", now_ms() - t0);
	/* keys still answer while the server is down */
	vt_keys(v, "?");
	assert_true(vt_wait_text(v, "Quit rapport", T));
	vt_keys(v, "<Esc>");
	pg_ctl("-w -t 60 -l /dev/null start");
	assert_true(vt_wait_text(v, "reconnected", 30000));
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Ana Alvarez", T));
	vt_keys(v, "j");
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Bob Brown", T));
	quit(v);
}

/* The backend is SIGSTOPped (a silent network: the socket stays open, no
 * answer comes): a move is reported as not answering within seconds, keys
 * still work, and after SIGCONT browsing recovers. */
static void test_silent_server(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	assert_true(signal_backends(SIGSTOP) > 0);
	faults++;
	vt_keys(v, "j");
	long long t0 = now_ms();
	/* keys answer at once while the request hangs (help opens and closes) */
	vt_pump(v, 300); /* past the 150 ms after which a superseded request is cancelled */
	long long k0 = now_ms();
	vt_keys(v, "?");
	bool keys = vt_wait_text(v, "Quit rapport", 15000);
	long long key_ms = now_ms() - k0;
	vt_keys(v, "<Esc>");
	vt_wait_gone(v, "Quit rapport", 15000);
	bool said = vt_wait(v, says_lost, NULL, 20000);
	long long took = now_ms() - t0;
	char line[512];
	printf("faults: silent server: status after %lld ms: '%s'; a key pressed meanwhile took "
	       "%lld ms\n",
	       took, status(v, line, sizeof line), key_ms);
	signal_backends(SIGCONT);
	assert_true(said);
	assert_true(keys);
	/* no frozen screen: a key is handled within 2 s even while the server is silent */
	assert_true(key_ms < 2000);
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Bob Brown", 30000));
	quit(v);
}

/* The backend goes silent while one request is in flight and the user
 * presses nothing else (nothing supersedes or cancels it): the status line
 * must still say so within seconds rather than show "loading…" forever. */
static void test_silent_server_untouched(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	assert_true(signal_backends(SIGSTOP) > 0);
	faults++;
	vt_keys(v, "<C-l>"); /* one reload, then hands off */
	long long t0 = now_ms();
	bool said = vt_wait_quiet(v, says_lost, NULL, 20000);
	char line[512];
	printf("faults: silent server, no key pressed: %s after %lld ms: '%s'\n",
	       said ? "reported" : "NOT reported", now_ms() - t0, status(v, line, sizeof line));
	signal_backends(SIGCONT);
	assert_true(said);
	quit(v);
}

/* The whole server is SIGSTOPped (postmaster and backends: cancelling and
 * reconnecting cannot succeed either): reported; after the user's C-c the
 * screen still answers keys; SIGCONT recovers. */
static void test_silent_server_reconnect(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	pid_t pm = postmaster_pid();
	char *pids = rapport_backends(); /* taken now: the server cannot answer later */
	int n = signal_backends(SIGSTOP);
	assert_true(n > 0);
	assert_int_equal(kill(pm, SIGSTOP), 0);
	faults++;
	vt_keys(v, "j");
	bool said = vt_wait(v, says_lost, NULL, 20000);
	/* the user gives up on the request (C-c): the cancel and the reconnect
	 * attempts that follow go unanswered too (connect_timeout is 10 s);
	 * keys must still be handled meanwhile: probe for ~12 s */
	vt_keys(v, "<C-c>");
	long long worst = 0, span = now_ms();
	bool keys = true;
	for (int probe = 0; probe < 6 && keys; probe++) {
		long long until = now_ms() + 2000; /* let the cancel / reconnects run meanwhile */
		while (now_ms() < until)
			vt_pump(v, (int)(until - now_ms()));
		long long t0 = now_ms();
		vt_keys(v, "?");
		keys = vt_wait_text(v, "Quit rapport", 15000);
		long long took = now_ms() - t0;
		worst = took > worst ? took : worst;
		vt_keys(v, "<Esc>");
		vt_wait_gone(v, "Quit rapport", 15000);
	}
	char line[512];
	printf("faults: whole server stopped: reported: %s; after C-c, slowest answer to a key "
	       "over %lld ms: %lld ms; status: '%s'\n",
	       said ? "yes" : "no", now_ms() - span, worst, status(v, line, sizeof line));
	kill(pm, SIGCONT);
	char *save = NULL;
	for (char *p = strtok_r(pids, ",", &save); p; p = strtok_r(NULL, ",", &save))
		kill((pid_t)atoi(p), SIGCONT);
	free(pids);
	assert_true(said);
	assert_true(keys);
	/* a key must not wait for a cancel or a reconnect attempt */
	assert_true(worst < 2000);
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Bob Brown", 30000));
	quit(v);
}

/* A statement_timeout on a list blocked by another session's lock: said in
 * words, no crash; Ctrl-L reloads once the lock is gone. */
static void test_statement_timeout_browsing(void **state)
{
	(void)state;
	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " SET statement_timeout = '1500ms'");
	vt *v = start(NULL);
	goto_ana(v);
	db *locker = testdb_connect(DBNAME);
	testdb_exec(locker, "BEGIN; LOCK TABLE coaches IN ACCESS EXCLUSIVE MODE");
	faults++;
	vt_keys(v, "<C-l>");
	assert_true(vt_wait_text(v, "took too long", T));
	testdb_exec(locker, "ROLLBACK");
	db_close(locker);
	vt_keys(v, "<C-l>");
	assert_true(vt_wait_gone(v, "took too long", T));
	vt_keys(v, "j");
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Bob Brown", T));
	quit(v);
}

/* The server shuts down (fast) while a query waits for a lock: reported,
 * no crash; after the restart rapport recovers by itself. */
static void test_shutdown_mid_query(void **state)
{
	(void)state;
	vt *v = start(NULL);
	goto_ana(v);
	db *locker = testdb_connect(DBNAME);
	testdb_exec(locker, "BEGIN; LOCK TABLE coaches IN ACCESS EXCLUSIVE MODE");
	vt_keys(v, "<C-l>");
	/* rapport's query is now waiting on the lock */
	char *waiting = NULL;
	for (int i = 0; i < 200; i++) {
		free(waiting);
		waiting = value("SELECT count(*) FROM pg_stat_activity WHERE datname = 't_" DBNAME
		                "' AND application_name = 'rapport' AND wait_event_type = 'Lock'");
		if (strcmp(waiting, "0") != 0)
			break;
		vt_pump(v, 50);
	}
	assert_string_not_equal(waiting, "0");
	free(waiting);
	db_close(locker);
	db_close(conn);
	conn = NULL;
	pg_ctl("-m fast -w stop");
	faults++;
	assert_true(vt_wait(v, says_lost, NULL, T));
	assert_false(vt_exited(v));
	pg_ctl("-w -t 60 -l /dev/null start");
	assert_true(vt_wait_text(v, "reconnected", 30000));
	assert_true(vt_wait_row(v, 0, "Acme Coaching \u203a Ana Alvarez", T));
	quit(v);
}

/* ---- saving -------------------------------------------------------------------- */

/* Ctrl-S and y in the form. */
static void save_keys(vt *v)
{
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_text(v, "Save these changes?", T));
	vt_keys(v, "y");
}

/* A row locked by another session while saving, with lock_timeout set: the
 * message names the lock, the edit stays, the row keeps its old value; once
 * the lock is gone the same edit saves. */
static void test_lock_timeout_saving(void **state)
{
	(void)state;
	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " SET lock_timeout = '1s'");
	vt *v = start(NULL);
	edit_ana(v);
	db *locker = testdb_connect(DBNAME);
	testdb_exec(locker, "BEGIN; SELECT 1 FROM coaches WHERE id = '" ANA "' FOR UPDATE");
	faults++;
	save_keys(v);
	/* the message and the kept edit as one state: a frame can be read half-way */
	assert_true(
	    vt_wait_all(v, T, "locked by another session", "55", "(modified)", (char *)NULL));
	want_years("15", NULL);
	testdb_exec(locker, "ROLLBACK");
	db_close(locker);
	save_keys(v);
	assert_true(vt_wait_text(v, "saved (u undoes)", T));
	want_years("55", NULL);
	quit(v);
}

/* A statement_timeout while saving (the row lock outlasts it): in words,
 * the edit kept, the old value in the database. */
static void test_statement_timeout_saving(void **state)
{
	(void)state;
	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " SET statement_timeout = '1s'");
	vt *v = start(NULL);
	edit_ana(v);
	db *locker = testdb_connect(DBNAME);
	testdb_exec(locker, "BEGIN; SELECT 1 FROM coaches WHERE id = '" ANA "' FOR UPDATE");
	faults++;
	save_keys(v);
	assert_true(vt_wait_all(v, T, "took too long", "55", "(modified)", (char *)NULL));
	want_years("15", NULL);
	testdb_exec(locker, "ROLLBACK");
	db_close(locker);
	save_keys(v);
	assert_true(vt_wait_text(v, "saved (u undoes)", T));
	want_years("55", NULL);
	quit(v);
}

/* The database turns read-only (default_transaction_read_only, as on a
 * replica) while a form is open: the save is refused in words, the edit is
 * kept, nothing is written. With --read-only rapport knows from the start:
 * C-s, d and n say so at once, before a diff or a question (they once
 * asked first and were refused after). */
static void test_read_only_saving(void **state)
{
	(void)state;
	vt *v = start(NULL);
	edit_ana(v);
	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " SET default_transaction_read_only = on");
	/* running sessions keep their setting: end rapport's so it reconnects read-only */
	testdb_exec(c(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	                 " WHERE datname = 't_" DBNAME "' AND application_name = 'rapport'");
	faults++;
	for (int tries = 0; tries < 10; tries++) {
		save_keys(v);
		assert_true(vt_wait_gone(v, "Save these changes?", T));
		if (vt_wait_quiet(v, has, "write refused", 5000))
			break;
	}
	assert_true(
	    vt_wait_all(v, T, "write refused: this session is read-only", "55", (char *)NULL));
	want_years("15", NULL);
	quit(v);

	testdb_exec(c(), "ALTER DATABASE t_" DBNAME " RESET default_transaction_read_only");
	v = start("--read-only");
	edit_ana(v);
	faults++;
	vt_keys(v, "<C-s>");
	assert_true(vt_wait_all(v, T, "read-only session (--read-only): saving is refused", "55",
	                        "(modified)", (char *)NULL));
	assert_false(vt_has_text(v, "Save these changes?"));
	vt_keys(v, "d");
	assert_true(vt_wait_text(v, "deleting is refused", T));
	assert_false(vt_has_text(v, "Delete coach"));
	want_years("15", NULL);
	/* in the list, before any form opens */
	vt_keys(v, "<Esc>y"); /* discard */
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	vt_keys(v, "n");
	assert_true(vt_wait_text(v, "read-only session (--read-only): creating is refused", T));
	assert_false(vt_has_text(v, "\u00b7 metadata"));
	quit(v);
}

/* A role that may read but not write: the save's refusal is in words (the
 * message once read "not saved ():": the check for a conflict that follows
 * a refusal replaced the error text), the edit stays, nothing is written. */
static void test_permission_denied_saving(void **state)
{
	(void)state;
	testdb_exec(c(), "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles"
	                 " WHERE rolname = 'h9_reader') THEN CREATE ROLE h9_reader LOGIN;"
	                 " END IF; END $$;"
	                 "GRANT SELECT ON ALL TABLES IN SCHEMA public TO h9_reader");
	vt *v = start("--username=h9_reader");
	edit_ana(v);
	save_keys(v);
	assert_true(
	    vt_wait_all(v, T, "not saved (permission denied", "55", "(modified)", (char *)NULL));
	assert_false(vt_has_text(v, "not saved ()"));
	want_years("15", NULL);
	/* a column (the name) goes through another write path: same words */
	vt_keys(v, "<Esc>y");
	assert_true(vt_wait_gone(v, "\u00b7 metadata", T));
	vt_keys(v, "e");
	assert_true(vt_wait_text(v, "\u00b7 metadata", T));
	vt_keys(v, "gjj<Enter><C-u>Ana B<Enter>");
	assert_true(vt_wait_text(v, "(modified)", T));
	save_keys(v);
	assert_true(vt_wait_all(v, T, "not saved: permission denied", "Ana B", (char *)NULL));
	quit(v);
}

/* The server stops while the form is open: the save says the connection is
 * lost, the edit stays; after the restart the same edit saves. */
static void test_server_down_saving(void **state)
{
	(void)state;
	vt *v = start(NULL);
	edit_ana(v);
	db_close(conn);
	conn = NULL;
	pg_ctl("-m fast -w stop");
	faults++;
	save_keys(v);
	assert_true(vt_wait(v, says_lost, "55", T));
	pg_ctl("-w -t 60 -l /dev/null start");
	int tries = 0;
	while (!vt_has_text(v, "saved (u undoes)") && tries++ < 10) {
		vt_wait_quiet(v, has, "reconnected", 3000);
		save_keys(v);
		assert_true(vt_wait_gone(v, "Save these changes?", T));
		/* saved, or not within 3 s: the edit is shown either way */
		vt_wait_quiet(v, saved_with, "55", 3000);
		assert_true(vt_has_text(v, "55"));
	}
	assert_true(vt_has_text(v, "saved (u undoes)"));
	want_years("55", NULL);
	quit(v);
}

/* The backend is terminated between the form's save and its answer, many
 * times over: every round ends with the edit kept or stored, never lost,
 * and the row holds the old or the new value. */
static void test_terminate_during_saves(void **state)
{
	(void)state;
	vt *v = start(NULL);
	edit_ana(v);
	int stored = 0;
	for (int round = 0; round < 5 && !stored; round++) {
		save_keys(v);
		testdb_exec(c(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		                 " WHERE datname = 't_" DBNAME "' AND application_name = 'rapport'");
		faults++;
		assert_true(vt_wait_gone(v, "Save these changes?", T));
		want_years("15", "55");
		/* saved, or not within 3 s: the edit is shown either way */
		stored = vt_wait_quiet(v, saved_with, "55", 3000);
		assert_true(vt_has_text(v, "55"));
		vt_wait_quiet(v, has, "reconnected", 3000);
	}
	while (!vt_has_text(v, "saved (u undoes)")) {
		save_keys(v);
		assert_true(vt_wait_gone(v, "Save these changes?", T));
		vt_wait_quiet(v, saved_with, "55", 3000);
		if (++stored > 10)
			break;
	}
	assert_true(vt_has_text(v, "saved (u undoes)"));
	want_years("55", NULL);
	quit(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_terminate_backend_browsing, reset),
	    cmocka_unit_test_setup(test_server_restart, reset),
	    cmocka_unit_test_setup(test_silent_server, reset),
	    cmocka_unit_test_setup(test_silent_server_untouched, reset),
	    cmocka_unit_test_setup(test_silent_server_reconnect, reset),
	    cmocka_unit_test_setup(test_statement_timeout_browsing, reset),
	    cmocka_unit_test_setup(test_shutdown_mid_query, reset),
	    cmocka_unit_test_setup(test_lock_timeout_saving, reset),
	    cmocka_unit_test_setup(test_statement_timeout_saving, reset),
	    cmocka_unit_test_setup(test_read_only_saving, reset),
	    cmocka_unit_test_setup(test_permission_denied_saving, reset),
	    cmocka_unit_test_setup(test_server_down_saving, reset),
	    cmocka_unit_test_setup(test_terminate_during_saves, reset),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
