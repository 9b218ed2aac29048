/* embed_interrupt(): an embedding running in another thread gives up when
 * asked: a "command" program is killed, an "openai" request to a loopback
 * server that never answers is aborted; the embedder stays refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rapport/embed.h"

typedef struct job {
	embedder *e;
	const char *text;
	float out[2];
	char *err;
	int rc;
} job;

/* The thread: one blocking embedding. */
static void *job_run(void *arg)
{
	job *j = arg;
	j->rc = embed_batch(j->e, &j->text, 1, j->out, &j->err);
	return NULL;
}

/* Waits (10 ms steps, at most 10 s) until path exists. */
static bool wait_file(const char *path)
{
	struct stat st;
	for (int i = 0; i < 1000; i++) {
		if (stat(path, &st) == 0)
			return true;
		nanosleep(&(struct timespec){0, 10000000L}, NULL);
	}
	return false;
}

/* True while process pid exists and is not a zombie. */
static bool alive(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *close = strrchr(buf, ')');
	return close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

/* The command starts (writes its pid), is interrupted while it sleeps:
 * embed_batch returns -1 "interrupted" long before the sleep would end,
 * the program is gone, and later calls fail at once. */
static void test_interrupt_command(void **state)
{
	(void)state;
	char dir[] = "/tmp/rapport-embed-intr-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char cmd[1200], pidfile[300];
	snprintf(pidfile, sizeof pidfile, "%s/pid", dir);
	/* exec: the pid written is the sleeping process itself */
	snprintf(cmd, sizeof cmd, "cat >/dev/null; echo $$ > %s.tmp; mv %s.tmp %s; exec sleep 60",
	         pidfile, pidfile, pidfile);
	embed_config c = {.provider = "command", .command = cmd, .timeout_ms = 120000};
	char *err = NULL;
	job j = {.e = embed_new(&c, 2, &err), .text = "hello"};
	assert_non_null(j.e);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, job_run, &j), 0);
	assert_true(wait_file(pidfile));
	FILE *f = fopen(pidfile, "r");
	int pid = 0;
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	assert_true(alive(pid));
	embed_interrupt(j.e);
	pthread_join(th, NULL);
	assert_int_equal(j.rc, -1);
	assert_non_null(j.err);
	assert_non_null(strstr(j.err, "interrupted"));
	assert_false(alive(pid));
	free(j.err);
	/* interrupted for good: the next call does not even start the program */
	const char *t = "again";
	float out[2];
	err = NULL;
	assert_int_equal(embed_batch(j.e, &t, 1, out, &err), -1);
	assert_non_null(strstr(err, "interrupted"));
	free(err);
	embed_free(j.e);
	unlink(pidfile);
	rmdir(dir);
}

/* A loopback listener; *port is set. */
static int listen_loopback(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 4), 0);
	socklen_t len = sizeof sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* An openai request to a server that accepts and never answers (timeout
 * 60 s, no retries) is interrupted once the server has the connection. */
static void test_interrupt_openai(void **state)
{
	(void)state;
	int port = 0, srv = listen_loopback(&port);
	char base[64];
	snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
	embed_config c = {.provider = "openai", .model = "m", .base_url = base,
	                  .api_key_env = "RAPPORT_TEST_KEY", .timeout_ms = 60000,
	                  .retries = -1};
	setenv("RAPPORT_TEST_KEY", "test-key", 1);
	char *err = NULL;
	job j = {.e = embed_new(&c, 2, &err), .text = "hello"};
	if (!j.e)
		fail_msg("embed_new: %s", err);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, job_run, &j), 0);
	struct pollfd pf = {.fd = srv, .events = POLLIN};
	assert_int_equal(poll(&pf, 1, 10000), 1);
	int conn = accept(srv, NULL, NULL);
	assert_true(conn >= 0);
	embed_interrupt(j.e);
	pthread_join(th, NULL);
	assert_int_equal(j.rc, -1);
	assert_non_null(j.err);
	assert_non_null(strstr(j.err, "interrupted"));
	free(j.err);
	embed_free(j.e);
	close(conn);
	close(srv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_interrupt_command),
	    cmocka_unit_test(test_interrupt_openai),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
