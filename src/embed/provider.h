#ifndef RAPPORT_EMBED_PROVIDER_H
#define RAPPORT_EMBED_PROVIDER_H
/* Private to src/embed/: the embedder object and the provider entry points
 * that embed.c dispatches to. */
#include "rapport/embed.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum embed_kind { EMBED_HASH, EMBED_OPENAI, EMBED_COMMAND } embed_kind;

struct embedder {
	embed_kind kind;
	int dim;
	int timeout_ms;
	int batch;
	int retries;
	char *model_id;
	char *model;     /* openai */
	char *url;       /* openai: base_url + "/embeddings" */
	char *auth;      /* openai: "Authorization: Bearer KEY" or NULL */
	char *key_env;   /* openai: the variable named for the key, NULL none */
	char *command;   /* command */
	atomic_int stop; /* embed_interrupt() was called */
};

/* Sets *err (when err is non-NULL) to a malloc'd formatted line; returns -1. */
int embed_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Scales v (dim floats) to unit length; all-zero vectors stay zero. */
void embed_normalize(float *v, int dim);
/* Stores a number a provider sent as a float in *out; false when it is not
 * one (infinite, or beyond float's range, e.g. 1e39), which would become an
 * infinity and, normalized, NaNs that the database refuses. */
bool embed_to_float(double x, float *out);

int embed_openai_init(embedder *e, const embed_config *c, char **err);
int embed_openai_batch(embedder *e, const char *const *texts, size_t n, float *out, char **err);
int embed_command_init(embedder *e, const embed_config *c, char **err);
int embed_command_one(embedder *e, const char *text, float *out, char **err);

#endif
