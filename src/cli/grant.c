/* rapport db grant-coach EMAIL [--password]: a coach's login role. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "rapport/cli.h"
#include "rapport/text.h"

static const char grant_usage[] =
    "Usage: rapport [CONNECTION] db grant-coach EMAIL [--password]\n"
    "Creates the database login role of the coach with this email (the role is\n"
    "named exactly as the email), so `rapport -U EMAIL` and `psql -U EMAIL` work\n"
    "and row-level security shows that coach only what the visibility levels allow.\n"
    "Needs a role with CREATEROLE. Running it again refreshes the grants.\n"
    "  --password   ask for a password (read from the terminal without echo, or\n"
    "               one line from standard input); it is hashed before it is sent\n";

/* Reads one line without echo when stdin is a terminal. malloc'd or NULL. */
static char *read_password(void)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fputs("password: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n <= 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* Prints "rapport: grant-coach: msg" sanitized. */
static void grant_err(const char *msg)
{
	char *safe = text_sanitize(msg ? msg : "unknown error", (size_t)-1);
	fprintf(stderr, "rapport: grant-coach: %s\n", safe ? safe : "(out of memory)");
	free(safe);
}

/* Parses EMAIL and --password; returns 0, or an exit code. */
static int grant_args(int argc, char **argv, const char **email, bool *want_pw)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(grant_usage, stdout);
			return -EXIT_OK - 1;
		} else if (strcmp(argv[i], "--password") == 0) {
			*want_pw = true;
		} else if (argv[i][0] != '-' && !*email) {
			*email = argv[i];
		} else {
			fprintf(stderr, "rapport db grant-coach: unexpected argument '%.100s'\n", argv[i]);
			fputs(grant_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (!*email) {
		fputs("rapport db grant-coach: EMAIL is required\n", stderr);
		fputs(grant_usage, stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int cli_db_grant_coach(const rapport_globals *g, int argc, char **argv)
{
	const char *email = NULL;
	bool want_pw = false, created = false;
	int r = grant_args(argc, argv, &email, &want_pw);
	if (r)
		return r < 0 ? EXIT_OK : r;
	char *pw = NULL;
	if (want_pw && !(pw = read_password())) {
		grant_err("no password given");
		return EXIT_FAIL;
	}
	if (pw && !*pw) { /* the server would keep no password at all */
		free(pw);
		grant_err("the password is empty; nothing changed");
		return EXIT_FAIL;
	}
	db *d = cli_connect(g);
	if (!d) {
		free(pw);
		return EXIT_USAGE;
	}
	db_status st = db_grant_coach(d, email, pw, &created);
	if (pw) {
		memset(pw, 0, strlen(pw));
		free(pw);
	}
	if (st != DB_OK) {
		grant_err(db_errmsg(d));
		db_close(d);
		return st == DB_INVALID ? EXIT_USAGE : EXIT_FAIL;
	}
	char *safe = text_sanitize(email, (size_t)-1);
	printf("%s role \"%s\" (member of rapport_coach)%s; connect with: rapport -U '%s'\n",
	       created ? "created" : "refreshed", safe ? safe : "", want_pw ? " with a password" : "",
	       safe ? safe : "");
	free(safe);
	db_close(d);
	return EXIT_OK;
}
