/* The "command" provider: runs `/bin/sh -c COMMAND` once per text, writes the
 * text to its stdin and reads a JSON array of numbers from its stdout, within
 * the timeout. Its stderr's first line is kept for error messages. */
#include "embed/provider.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { OUT_MAX = 64 << 20, ERR_KEEP = 200 };

int embed_command_init(embedder *e, const embed_config *c, char **err)
{
	if (!c || !c->command || !*c->command)
		return embed_fail(err,
		                  "command: no command named (set --embed-command or the config's "
		                  "embedding command)");
	e->command = strdup(c->command);
	size_t n = strlen(c->command) + sizeof "command:";
	e->model_id = malloc(n);
	if (!e->command || !e->model_id)
		return embed_fail(err, "out of memory");
	snprintf(e->model_id, n, "command:%s", c->command);
	return 0;
}

typedef struct child {
	pid_t pid;
	int in, out, errfd; /* our ends; -1 when closed */
} child;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Starts the command in its own process group with three pipes. */
static int child_start(const char *cmd, child *ch, char **err)
{
	int pin[2], pout[2], perr[2];
	if (pipe(pin) != 0)
		return embed_fail(err, "command: pipe: %s", strerror(errno));
	if (pipe(pout) != 0) {
		close(pin[0]), close(pin[1]);
		return embed_fail(err, "command: pipe: %s", strerror(errno));
	}
	if (pipe(perr) != 0) {
		close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
		return embed_fail(err, "command: pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
		close(perr[0]), close(perr[1]);
		return embed_fail(err, "command: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGPIPE, SIG_DFL);
		dup2(pin[0], 0), dup2(pout[1], 1), dup2(perr[1], 2);
		close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
		close(perr[0]), close(perr[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pin[0]), close(pout[1]), close(perr[1]);
	*ch = (child){pid, pin[1], pout[0], perr[0]};
	fcntl(ch->in, F_SETFL, fcntl(ch->in, F_GETFL) | O_NONBLOCK);
	fcntl(ch->in, F_SETFD, FD_CLOEXEC);
	fcntl(ch->out, F_SETFD, FD_CLOEXEC);
	fcntl(ch->errfd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* Appends what fd has to (buf, n), up to max bytes kept; false at EOF. */
static bool drain(int fd, char **buf, size_t *n, size_t *cap, size_t max)
{
	char tmp[65536];
	ssize_t r = read(fd, tmp, sizeof tmp);
	if (r < 0)
		return errno == EINTR || errno == EAGAIN;
	if (r == 0)
		return false;
	size_t keep = *n + (size_t)r > max ? max - *n : (size_t)r;
	if (*n + keep + 1 > *cap) {
		size_t ncap = (*n + keep + 1) * 2;
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return false;
		*buf = nb, *cap = ncap;
	}
	memcpy(*buf + *n, tmp, keep);
	*n += keep;
	(*buf)[*n] = '\0';
	return true;
}

typedef struct io {
	char *out, *err;
	size_t nout, nerr, capout, caperr;
} io;

/* Feeds text to the child and collects its output until both output pipes
 * close or the deadline passes. Returns false on timeout or interrupt
 * (*stop is looked at every 50 ms). */
static bool child_talk(child *ch, const char *text, size_t len, long deadline, atomic_int *stop,
                       io *o)
{
	size_t off = 0;
	if (len == 0)
		close_fd(&ch->in);
	while (ch->out >= 0 || ch->errfd >= 0) {
		struct pollfd p[3] = {
		    {ch->in, POLLOUT, 0}, {ch->out, POLLIN, 0}, {ch->errfd, POLLIN, 0}};
		long left = deadline - now_ms();
		if (left <= 0 || atomic_load(stop))
			return false;
		if (poll(p, 3, left < 50 ? (int)left : 50) < 0 && errno != EINTR)
			return false;
		if (ch->in >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(ch->in, text + off, len - off);
			if (w > 0)
				off += (size_t)w;
			if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == len)
				close_fd(&ch->in); /* done, or the child stopped reading */
		}
		if (ch->out >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(ch->out, &o->out, &o->nout, &o->capout, OUT_MAX))
			close_fd(&ch->out);
		if (ch->errfd >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !drain(ch->errfd, &o->err, &o->nerr, &o->caperr, ERR_KEEP))
			close_fd(&ch->errfd);
	}
	return true;
}

/* Waits for the child until the deadline or an interrupt; kills its group after. */
static int child_wait(child *ch, long deadline, atomic_int *stop, bool *timed_out)
{
	int status = 0;
	for (;;) {
		pid_t r = waitpid(ch->pid, &status, WNOHANG);
		if (r == ch->pid || (r < 0 && errno != EINTR))
			return status;
		if (now_ms() >= deadline || atomic_load(stop))
			break;
		struct timespec ts = {0, 2000000L};
		nanosleep(&ts, NULL);
	}
	*timed_out = true;
	kill(-ch->pid, SIGKILL);
	kill(ch->pid, SIGKILL);
	waitpid(ch->pid, &status, 0);
	return status;
}

/* First line of the child's stderr, blanked of controls (static buffer use:
 * copied into the error by the caller). */
static void first_line(const char *s, char *buf, size_t sz)
{
	size_t i = 0;
	for (; s && s[i] && s[i] != '\n' && i + 1 < sz; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	buf[i] = '\0';
}

/* Parses a JSON array of dim numbers into out. */
static int parse_vector(const embedder *e, const char *s, float *out, char **err)
{
	cJSON *root = cJSON_Parse(s ? s : "");
	int rc = 0;
	if (!cJSON_IsArray(root)) {
		rc = embed_fail(err, "command: '%.80s' did not print a JSON array of numbers",
		                e->command);
	} else if (cJSON_GetArraySize(root) != e->dim) {
		rc = embed_fail(err,
		                "command: '%.80s' printed %d numbers, but data_chunks.embedding "
		                "is vector(%d)",
		                e->command, cJSON_GetArraySize(root), e->dim);
	} else {
		int i = 0;
		const cJSON *x;
		cJSON_ArrayForEach(x, root)
		{
			if (!cJSON_IsNumber(x)) {
				rc = embed_fail(
				    err, "command: '%.80s' printed a non-number in its array",
				    e->command);
				break;
			}
			if (!embed_to_float(x->valuedouble, &out[i++])) {
				rc =
				    embed_fail(err,
				               "command: '%.80s' printed %g, beyond the range of a "
				               "vector's floats",
				               e->command, x->valuedouble);
				break;
			}
		}
		if (rc == 0)
			embed_normalize(out, e->dim);
	}
	cJSON_Delete(root);
	return rc;
}

/* Blocks SIGPIPE in this thread while talking to the child, and discards
 * one that arrived meanwhile, so a child that exits early cannot kill us. */
static void sigpipe_block(sigset_t *old)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &s, old);
}

static void sigpipe_restore(const sigset_t *old)
{
	sigset_t s, pending;
	sigemptyset(&s);
	sigaddset(&s, SIGPIPE);
	sigpending(&pending);
	if (sigismember(&pending, SIGPIPE) && !sigismember(old, SIGPIPE)) {
		struct timespec zero = {0, 0};
		sigtimedwait(&s, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int embed_command_one(embedder *e, const char *text, float *out, char **err)
{
	sigset_t old;
	sigpipe_block(&old);
	child ch = {-1, -1, -1, -1};
	if (child_start(e->command, &ch, err) != 0) {
		sigpipe_restore(&old);
		return -1;
	}
	long deadline = now_ms() + e->timeout_ms;
	io o = {0};
	bool timed_out = !child_talk(&ch, text, strlen(text), deadline, &e->stop, &o);
	close_fd(&ch.in), close_fd(&ch.out), close_fd(&ch.errfd);
	int status = child_wait(&ch, timed_out ? 0 : deadline, &e->stop, &timed_out);
	sigpipe_restore(&old);
	char line[ERR_KEEP + 1];
	first_line(o.err, line, sizeof line);
	int rc;
	if (atomic_load(&e->stop))
		rc = embed_fail(err, "command: '%.80s' interrupted", e->command);
	else if (timed_out)
		rc = embed_fail(err, "command: '%.80s' did not finish within %d ms", e->command,
		                e->timeout_ms);
	else if (WIFSIGNALED(status))
		rc = embed_fail(err, "command: '%.80s' was killed by signal %d%s%s", e->command,
		                WTERMSIG(status), *line ? ": " : "", line);
	else if (WEXITSTATUS(status) != 0)
		rc = embed_fail(err, "command: '%.80s' exited with status %d%s%s", e->command,
		                WEXITSTATUS(status), *line ? ": " : "", line);
	else
		rc = parse_vector(e, o.out, out, err);
	free(o.out);
	free(o.err);
	return rc;
}
