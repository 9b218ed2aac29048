/* The "command" provider with small shell commands, and embed_new's checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "rapport/embed.h"

static embedder *cmd_new(const char *cmd, int dim, int timeout_ms)
{
	embed_config c = {.provider = "command", .command = cmd, .timeout_ms = timeout_ms};
	char *err = NULL;
	embedder *e = embed_new(&c, dim, &err);
	if (!e)
		fail_msg("embed_new: %s", err);
	return e;
}

/* Runs cmd on text; returns the error line (caller frees) or NULL. */
static char *run(const char *cmd, int dim, int timeout_ms, const char *text, float *out)
{
	embedder *e = cmd_new(cmd, dim, timeout_ms);
	char *err = NULL;
	int rc = embed_batch(e, &text, 1, out, &err);
	embed_free(e);
	assert_true((rc == 0) == (err == NULL));
	return err;
}

static void test_success_and_model_id(void **state)
{
	(void)state;
	embedder *e = cmd_new("printf '[3, 4, 0]'", 3, 0);
	assert_string_equal(embed_model_id(e), "command:printf '[3, 4, 0]'");
	const char *t[2] = {"a", "b"};
	float out[6];
	char *err = NULL;
	assert_int_equal(embed_batch(e, t, 2, out, &err), 0);
	assert_true(fabsf(out[0] - 0.6f) < 1e-6f && fabsf(out[1] - 0.8f) < 1e-6f && out[2] == 0);
	assert_true(fabsf(out[3] - 0.6f) < 1e-6f);
	embed_free(e);
}

static void test_text_arrives_on_stdin(void **state)
{
	(void)state;
	float out[2];
	/* the byte count of stdin becomes the first number */
	char *err = run("n=$(wc -c); printf '[%s, 0]' $n", 2, 0, "hello world", out);
	assert_null(err);
	assert_true(out[0] == 1.0f && out[1] == 0.0f);
	err = run("grep -q 'delegation' && echo '[0, 1]' || echo '[1, 0]'", 2, 0,
	          "notes on delegation", out);
	assert_null(err);
	assert_true(out[1] == 1.0f);
	/* a large input to a command that never reads it must not kill us (SIGPIPE) */
	size_t big = 4u << 20;
	char *text = malloc(big + 1);
	memset(text, 'x', big);
	text[big] = '\0';
	err = run("echo '[1, 1]'", 2, 5000, text, out);
	assert_null(err);
	free(text);
}

static void test_failures_are_one_line(void **state)
{
	(void)state;
	float out[4];
	char *err = run("echo 'model missing' >&2; exit 3", 4, 0, "x", out);
	assert_non_null(strstr(err, "exited with status 3: model missing"));
	free(err);
	err = run("echo hello", 4, 0, "x", out);
	assert_non_null(strstr(err, "did not print a JSON array of numbers"));
	free(err);
	err = run("echo '[1, 2, 3]'", 4, 0, "x", out);
	assert_non_null(strstr(err, "printed 3 numbers"));
	assert_non_null(strstr(err, "vector(4)"));
	free(err);
	err = run("echo '[1, 2, \"3\", 4]'", 4, 0, "x", out);
	assert_non_null(strstr(err, "non-number"));
	free(err);
	/* numbers a float cannot hold: named, not a NaN the database refuses later */
	err = run("echo '[1, 1e39, 0, 0]'", 4, 0, "x", out);
	assert_non_null(err);
	assert_non_null(strstr(err, "printed 1e+39, beyond the range of a vector's floats"));
	free(err);
	err = run("echo '[1, -1e400, 0, 0]'", 4, 0, "x", out);
	assert_non_null(strstr(err, "beyond the range of a vector's floats"));
	free(err);
	err = run("echo '[3.4e38, 0, 0, 1]'", 4, 0, "x", out); /* FLT_MAX: still a float */
	assert_null(err);
	assert_true(fabsf(out[0] - 1.0f) < 1e-6f && isfinite(out[3]));
	err = run("kill -9 $$", 4, 0, "x", out);
	assert_non_null(strstr(err, "killed by signal 9"));
	free(err);
	err = run("/nonexistent/embedder", 4, 0, "x", out);
	assert_non_null(strstr(err, "status 127"));
	assert_null(strchr(err, '\n'));
	free(err);
}

static void test_timeout(void **state)
{
	(void)state;
	float out[4];
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	char *err = run("sleep 5; echo '[1,2,3,4]'", 4, 200, "x", out);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_non_null(strstr(err, "did not finish within 200 ms"));
	assert_true(ms < 3000);
	free(err);
}

static void test_embed_new_checks(void **state)
{
	(void)state;
	char *err = NULL;
	assert_null(embed_new(&(embed_config){.provider = "word2vec"}, 8, &err));
	assert_non_null(strstr(err, "unknown embedding provider 'word2vec'"));
	free(err);
	assert_null(embed_new(NULL, 0, &err));
	assert_non_null(strstr(err, "dimension 0"));
	free(err);
	assert_null(embed_new(&(embed_config){.provider = "command"}, 8, &err));
	assert_non_null(strstr(err, "no command"));
	free(err);
	/* the default provider is the hash embedder, and it batches */
	embedder *e = embed_new(NULL, 32, &err);
	assert_non_null(e);
	assert_string_equal(embed_model_id(e), EMBED_HASH_MODEL_ID);
	const char *t[2] = {"team trust", ""};
	float out[64], ref[32];
	assert_int_equal(embed_batch(e, t, 2, out, &err), 0);
	embed_hash("team trust", 10, 32, ref);
	assert_memory_equal(out, ref, sizeof ref);
	for (int i = 32; i < 64; i++)
		assert_true(out[i] == 0.0f);
	embed_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_success_and_model_id),
	    cmocka_unit_test(test_text_arrives_on_stdin),
	    cmocka_unit_test(test_failures_are_one_line),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_embed_new_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
