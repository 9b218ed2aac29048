/* The "openai" provider against a real HTTP/1.1 server on 127.0.0.1 (a small
 * threaded server in this file, ephemeral port) that speaks the embeddings
 * API and plays a script of answers: success, 401, 404, 429 then success,
 * 5xx, timeout, wrong dimension, malformed JSON. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <cJSON.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rapport/embed.h"

typedef enum step_kind { STEP_OK, STEP_STATUS, STEP_HANG, STEP_RAW } step_kind;

typedef struct step {
	step_kind kind;
	int code;          /* STEP_STATUS */
	int dim;           /* STEP_OK: dimension to answer with */
	const char *body;  /* STEP_STATUS / STEP_RAW */
	const char *extra; /* extra header lines, e.g. "Retry-After: 0\r\n" */
	int hang_ms;       /* STEP_HANG */
} step;

enum { MAX_STEPS = 8, MAX_REQ = 16 };

typedef struct server {
	int fd, port;
	pthread_t th;
	step steps[MAX_STEPS];
	int nsteps;
	int nreq;
	char auth[MAX_REQ][128];
	char path[MAX_REQ][64];
	int ninputs[MAX_REQ];
	char model[MAX_REQ][64];
	pthread_mutex_t mu;
	volatile bool stop;
} server;

/* Reads one HTTP request (headers + Content-Length body) from fd. */
static char *read_request(int fd, size_t *body_off)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	long need = -1;
	for (;;) {
		if (n + 4096 > cap)
			buf = realloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r <= 0) {
			free(buf);
			return NULL;
		}
		n += (size_t)r;
		buf[n] = '\0';
		char *hend = strstr(buf, "\r\n\r\n");
		if (hend && need < 0) {
			char *cl = strcasestr(buf, "content-length:");
			need = (long)(hend + 4 - buf) + (cl ? atol(cl + 15) : 0);
			*body_off = (size_t)(hend + 4 - buf);
		}
		if (need >= 0 && (long)n >= need)
			return buf;
	}
}

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w, n -= (size_t)w;
	}
}

static void respond(int fd, int code, const char *extra, const char *body)
{
	char head[512];
	int hn = snprintf(head, sizeof head,
	                  "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
	                  "Connection: close\r\n%s\r\n",
	                  code, strlen(body), extra ? extra : "");
	send_all(fd, head, (size_t)hn);
	send_all(fd, body, strlen(body));
}

/* Embeddings for n inputs, listed in reverse order with their "index":
 * input i gets the vector (i + 1, 1, 0, 0, ...) of `dim` numbers. */
static char *ok_body(int n, int dim)
{
	cJSON *root = cJSON_CreateObject(), *data = cJSON_AddArrayToObject(root, "data");
	for (int i = n - 1; i >= 0; i--) {
		cJSON *it = cJSON_CreateObject();
		cJSON_AddNumberToObject(it, "index", i);
		cJSON *e = cJSON_AddArrayToObject(it, "embedding");
		for (int k = 0; k < dim; k++)
			cJSON_AddItemToArray(e, cJSON_CreateNumber(k == 0 ? i + 1 : k == 1 ? 1 : 0));
		cJSON_AddItemToArray(data, it);
	}
	cJSON_AddStringToObject(root, "model", "m");
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

/* Records what the client sent and plays the next step of the script. */
static void handle(server *sv, int fd)
{
	size_t off = 0;
	char *req = read_request(fd, &off);
	if (!req)
		return;
	pthread_mutex_lock(&sv->mu);
	int k = sv->nreq++;
	step st = sv->steps[k < sv->nsteps ? k : sv->nsteps - 1];
	if (k < MAX_REQ) {
		sscanf(req, "POST %63s", sv->path[k]);
		char *a = strcasestr(req, "\r\nauthorization: ");
		if (a)
			sscanf(a + 17, "%127[^\r]", sv->auth[k]);
		cJSON *j = cJSON_Parse(req + off);
		sv->ninputs[k] = cJSON_GetArraySize(cJSON_GetObjectItem(j, "input"));
		cJSON *m = cJSON_GetObjectItem(j, "model");
		snprintf(sv->model[k], sizeof sv->model[k], "%s", cJSON_IsString(m) ? m->valuestring : "");
		cJSON_Delete(j);
	}
	int ninputs = k < MAX_REQ ? sv->ninputs[k] : 0;
	pthread_mutex_unlock(&sv->mu);
	free(req);
	if (st.kind == STEP_OK) {
		char *b = ok_body(ninputs, st.dim);
		respond(fd, 200, NULL, b);
		free(b);
	} else if (st.kind == STEP_STATUS) {
		respond(fd, st.code, st.extra, st.body);
	} else if (st.kind == STEP_RAW) {
		respond(fd, 200, NULL, st.body);
	} else {
		struct pollfd p = {fd, POLLIN, 0};
		poll(&p, 1, st.hang_ms); /* returns early when the client gives up */
	}
}

static void *serve(void *arg)
{
	server *sv = arg;
	while (!sv->stop) {
		int c = accept(sv->fd, NULL, NULL);
		if (c < 0)
			continue;
		handle(sv, c);
		close(c);
	}
	return NULL;
}

static server *server_start(const step *steps, int n)
{
	server *sv = calloc(1, sizeof *sv);
	memcpy(sv->steps, steps, (size_t)n * sizeof *steps);
	sv->nsteps = n;
	pthread_mutex_init(&sv->mu, NULL);
	sv->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(sv->fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(sv->fd, 16), 0);
	socklen_t al = sizeof a;
	getsockname(sv->fd, (struct sockaddr *)&a, &al);
	sv->port = ntohs(a.sin_port);
	struct timeval tv = {0, 100000}; /* accept wakes up to see `stop` */
	setsockopt(sv->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	pthread_create(&sv->th, NULL, serve, sv);
	return sv;
}

static void server_stop(server *sv)
{
	sv->stop = true;
	shutdown(sv->fd, SHUT_RDWR);
	pthread_join(sv->th, NULL);
	close(sv->fd);
	pthread_mutex_destroy(&sv->mu);
	free(sv);
}

static embedder *client(const server *sv, int dim, int batch, int timeout_ms, int retries)
{
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/", sv->port);
	embed_config c = {.provider = "openai", .model = "test-embed", .base_url = url,
	                  .api_key_env = "RAPPORT_TEST_KEY", .timeout_ms = timeout_ms,
	                  .batch = batch, .retries = retries};
	char *err = NULL;
	embedder *e = embed_new(&c, dim, &err);
	if (!e)
		fail_msg("embed_new: %s", err);
	return e;
}

static const char *const texts[] = {"alpha", "beta", "gamma", "delta", "epsilon"};

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static int setup(void **state)
{
	(void)state;
	setenv("RAPPORT_TEST_KEY", "sekrit-123", 1);
	return 0;
}

static void test_success_batches_and_order(void **state)
{
	(void)state;
	server *sv = server_start((step[]){{.kind = STEP_OK, .dim = 16}}, 1);
	embedder *e = client(sv, 16, 2, 5000, 0);
	assert_string_equal(embed_model_id(e), "openai:test-embed");
	assert_int_equal(embed_dim(e), 16);
	float out[5 * 16];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 5, out, &err), 0);
	assert_null(err);
	assert_int_equal(sv->nreq, 3); /* 2 + 2 + 1 */
	assert_int_equal(sv->ninputs[0], 2);
	assert_int_equal(sv->ninputs[2], 1);
	assert_string_equal(sv->path[0], "/v1/embeddings");
	assert_string_equal(sv->auth[0], "Bearer sekrit-123");
	assert_string_equal(sv->model[1], "test-embed");
	for (int t = 0; t < 5; t++) {
		/* input i of its batch answered (i + 1, 1): normalized, and in order */
		float *v = out + t * 16;
		float x = (float)(t % 2 + 1), n = sqrtf(x * x + 1);
		assert_true(fabsf(v[0] - x / n) < 1e-6f);
		assert_true(fabsf(v[1] - 1 / n) < 1e-6f);
	}
	embed_free(e);
	server_stop(sv);
}

/* A base URL with a query string (Azure's ?api-version=) keeps it last. */
static void test_query_string_base_url(void **state)
{
	(void)state;
	server *sv = server_start((step[]){{.kind = STEP_OK, .dim = 4}}, 1);
	char url[128];
	snprintf(url, sizeof url,
	         "http://127.0.0.1:%d/openai/deployments/emb/?api-version=2024-02-01", sv->port);
	char *err = NULL;
	embedder *e = embed_new(&(embed_config){.provider = "openai", .model = "emb",
	                                        .base_url = url, .api_key_env = "RAPPORT_TEST_KEY"},
	                        4, &err);
	assert_non_null(e);
	float out[4];
	assert_int_equal(embed_batch(e, texts, 1, out, &err), 0);
	assert_string_equal(sv->path[0], "/openai/deployments/emb/embeddings?api-version=2024-02-01");
	assert_string_equal(sv->auth[0], "Bearer sekrit-123");
	embed_free(e);
	server_stop(sv);
}

static void test_unauthorized(void **state)
{
	(void)state;
	server *sv = server_start(
	    (step[]){{.kind = STEP_STATUS, .code = 401,
	              .body = "{\"error\":{\"message\":\"Incorrect API key provided\"}}"}},
	    1);
	embedder *e = client(sv, 8, 0, 5000, 3);
	float out[8];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "HTTP 401"));
	assert_non_null(strstr(err, "Incorrect API key provided"));
	assert_null(strchr(err, '\n'));
	assert_int_equal(sv->nreq, 1); /* not retried */
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_model_not_found(void **state)
{
	(void)state;
	server *sv = server_start(
	    (step[]){{.kind = STEP_STATUS, .code = 404, .body = "{\"error\":\"model not found\"}"}}, 1);
	embedder *e = client(sv, 8, 0, 5000, 3);
	float out[8];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(strstr(err, "model 'test-embed'"));
	assert_non_null(strstr(err, "404"));
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_rate_limited_then_success(void **state)
{
	(void)state;
	server *sv = server_start(
	    (step[]){{.kind = STEP_STATUS, .code = 429, .body = "{}", .extra = "Retry-After: 0\r\n"},
	             {.kind = STEP_STATUS, .code = 503, .body = "busy", .extra = "Retry-After: 0\r\n"},
	             {.kind = STEP_OK, .dim = 8}},
	    3);
	embedder *e = client(sv, 8, 0, 5000, 3);
	float out[3 * 8];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 3, out, &err), 0);
	assert_null(err);
	assert_int_equal(sv->nreq, 3);
	embed_free(e);
	server_stop(sv);
}

static void test_rate_limit_exhausted(void **state)
{
	(void)state;
	server *sv = server_start(
	    (step[]){{.kind = STEP_STATUS, .code = 429, .body = "{\"error\":{\"message\":\"slow down\"}}",
	              .extra = "Retry-After: 0.05\r\n"}},
	    1);
	embedder *e = client(sv, 8, 0, 5000, 2);
	float out[8];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(strstr(err, "429"));
	assert_non_null(strstr(err, "slow down"));
	assert_non_null(strstr(err, "after 3 attempts"));
	assert_int_equal(sv->nreq, 3);
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_timeout(void **state)
{
	(void)state;
	server *sv = server_start((step[]){{.kind = STEP_HANG, .hang_ms = 5000}}, 1);
	embedder *e = client(sv, 8, 0, 200, 1);
	float out[8];
	char *err = NULL;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	long took = ms_since(&t0);
	assert_non_null(strstr(err, "within 200 ms"));
	assert_non_null(strstr(err, "after 2 attempts"));
	assert_true(took >= 400 && took < 4000); /* 2 x 200 ms + one 500 ms backoff */
	assert_int_equal(sv->nreq, 2);
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_wrong_dimension(void **state)
{
	(void)state;
	server *sv = server_start((step[]){{.kind = STEP_OK, .dim = 8}}, 1);
	embedder *e = client(sv, 16, 0, 5000, 0);
	float out[16];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(strstr(err, "returns 8-dimensional"));
	assert_non_null(strstr(err, "vector(16)"));
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_malformed_json(void **state)
{
	(void)state;
	static const char *const bodies[] = {
	    "this is not json{", "{\"data\": 3}", "{\"data\":[{\"embedding\":[1,\"x\"]}]}",
	    "{\"data\":[{\"index\":7,\"embedding\":[1,2]}]}",
	};
	for (size_t k = 0; k < sizeof bodies / sizeof bodies[0]; k++) {
		server *sv = server_start((step[]){{.kind = STEP_RAW, .body = bodies[k]}}, 1);
		embedder *e = client(sv, 2, 0, 5000, 3);
		float out[2];
		char *err = NULL;
		assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
		assert_non_null(err);
		assert_true(strstr(err, "not embeddings JSON") || strstr(err, "non-number"));
		assert_int_equal(sv->nreq, 1);
		free(err);
		embed_free(e);
		server_stop(sv);
	}
}

/* A number no float can hold is named with the endpoint (it became an
 * infinity, then NaNs that the database refused without naming anyone). */
static void test_number_beyond_float(void **state)
{
	(void)state;
	server *sv = server_start(
	    (step[]){{.kind = STEP_RAW, .body = "{\"data\":[{\"index\":0,\"embedding\":[1e39,1]}]}"}},
	    1);
	embedder *e = client(sv, 2, 0, 5000, 3);
	float out[2];
	char *err = NULL;
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "has 1e+39 in an embedding, beyond the range of a vector's "
	                            "floats"));
	assert_int_equal(sv->nreq, 1); /* not retried: asking again gives the same */
	free(err);
	embed_free(e);
	server_stop(sv);
}

static void test_config_errors(void **state)
{
	(void)state;
	char *err = NULL;
	embed_config c = {.provider = "openai", .model = "m", .api_key_env = "RAPPORT_TEST_UNSET_KEY"};
	unsetenv("RAPPORT_TEST_UNSET_KEY");
	assert_null(embed_new(&c, 8, &err));
	assert_non_null(strstr(err, "RAPPORT_TEST_UNSET_KEY"));
	free(err);
	c.model = NULL;
	assert_null(embed_new(&c, 8, &err));
	assert_non_null(strstr(err, "no model"));
	free(err);
	/* nothing listens on this port: refused, no retries, one line */
	c = (embed_config){.provider = "openai", .model = "m", .base_url = "http://127.0.0.1:1"};
	embedder *e = embed_new(&c, 8, &err);
	assert_non_null(e);
	float out[8];
	assert_int_equal(embed_batch(e, texts, 1, out, &err), -1);
	assert_non_null(strstr(err, "cannot reach http://127.0.0.1:1/embeddings"));
	free(err);
	embed_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_success_batches_and_order),
	    cmocka_unit_test(test_query_string_base_url),
	    cmocka_unit_test(test_unauthorized),
	    cmocka_unit_test(test_model_not_found),
	    cmocka_unit_test(test_rate_limited_then_success),
	    cmocka_unit_test(test_rate_limit_exhausted),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_wrong_dimension),
	    cmocka_unit_test(test_malformed_json),
	    cmocka_unit_test(test_number_beyond_float),
	    cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
