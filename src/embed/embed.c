/* The embedder interface: picks a provider from the config and dispatches. */
#include "embed/provider.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EMBED_TIMEOUT_DEFAULT = 30000, EMBED_BATCH_DEFAULT = 64, EMBED_RETRIES_DEFAULT = 3 };

int embed_fail(char **err, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	*err = strdup(buf);
	return -1;
}

void embed_normalize(float *v, int dim)
{
	double norm = 0;
	for (int i = 0; i < dim; i++)
		norm += (double)v[i] * v[i];
	if (norm <= 0)
		return;
	float inv = (float)(1.0 / sqrt(norm));
	for (int i = 0; i < dim; i++)
		v[i] *= inv;
}

bool embed_to_float(double x, float *out)
{
	if (!isfinite(x) || fabs(x) > FLT_MAX)
		return false;
	*out = (float)x;
	return true;
}

/* Fills the fields shared by every provider. */
static void embed_defaults(embedder *e, const embed_config *c, int dim)
{
	e->dim = dim;
	e->timeout_ms = c && c->timeout_ms > 0 ? c->timeout_ms : EMBED_TIMEOUT_DEFAULT;
	e->batch = c && c->batch > 0 ? c->batch : EMBED_BATCH_DEFAULT;
	e->retries = !c || c->retries == 0 ? EMBED_RETRIES_DEFAULT
	             : c->retries < 0      ? 0
	                                   : c->retries;
}

embedder *embed_new(const embed_config *c, int dim, char **err)
{
	if (err)
		*err = NULL;
	if (dim <= 0 || dim > 16000) {
		embed_fail(err,
		           "embedding dimension %d is not usable (is pgvector installed and "
		           "data_chunks.embedding a vector(N) column?)",
		           dim);
		return NULL;
	}
	const char *p = c && c->provider && *c->provider ? c->provider : "hash";
	embedder *e = calloc(1, sizeof *e);
	if (!e) {
		embed_fail(err, "out of memory");
		return NULL;
	}
	embed_defaults(e, c, dim);
	int rc;
	if (strcmp(p, "hash") == 0) {
		e->kind = EMBED_HASH;
		e->model_id = strdup(EMBED_HASH_MODEL_ID);
		e->batch = 64;
		rc = e->model_id ? 0 : embed_fail(err, "out of memory");
	} else if (strcmp(p, "openai") == 0) {
		e->kind = EMBED_OPENAI;
		rc = embed_openai_init(e, c, err);
	} else if (strcmp(p, "command") == 0) {
		e->kind = EMBED_COMMAND;
		rc = embed_command_init(e, c, err);
	} else {
		rc = embed_fail(
		    err, "unknown embedding provider '%.60s' (use hash, openai or command)", p);
	}
	if (rc != 0) {
		embed_free(e);
		return NULL;
	}
	return e;
}

void embed_free(embedder *e)
{
	if (!e)
		return;
	free(e->model_id);
	free(e->model);
	free(e->url);
	if (e->auth) {
		memset(e->auth, 0, strlen(e->auth));
		free(e->auth);
	}
	free(e->command);
	free(e->key_env);
	free(e);
}

int embed_dim(const embedder *e)
{
	return e->dim;
}

const char *embed_model_id(const embedder *e)
{
	return e->model_id;
}

int embed_batch_size(const embedder *e)
{
	return e->batch;
}

void embed_interrupt(embedder *e)
{
	if (e)
		atomic_store(&e->stop, 1);
}

int embed_batch(embedder *e, const char *const *texts, size_t n, float *out, char **err)
{
	if (err)
		*err = NULL;
	if (atomic_load(&e->stop))
		return embed_fail(err, "embedding interrupted");
	switch (e->kind) {
	case EMBED_HASH:
		for (size_t i = 0; i < n; i++)
			embed_hash(texts[i], strlen(texts[i]), e->dim, out + i * (size_t)e->dim);
		return 0;
	case EMBED_OPENAI:
		for (size_t i = 0; i < n; i += (size_t)e->batch) {
			size_t m = n - i < (size_t)e->batch ? n - i : (size_t)e->batch;
			if (embed_openai_batch(e, texts + i, m, out + i * (size_t)e->dim, err) != 0)
				return -1;
		}
		return 0;
	case EMBED_COMMAND:
		for (size_t i = 0; i < n; i++)
			if (embed_command_one(e, texts[i], out + i * (size_t)e->dim, err) != 0)
				return -1;
		return 0;
	}
	return embed_fail(err, "internal error: unknown embedder");
}
