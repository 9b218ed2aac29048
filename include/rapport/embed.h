#ifndef RAPPORT_EMBED_H
#define RAPPORT_EMBED_H
/* Embedding providers behind one interface (src/embed/):
 *   hash     built-in, offline, deterministic lexical feature hashing
 *            ("hash-v1"). NOT a neural model: two texts are similar when they
 *            share words (after Snowball English stemming and stop-word
 *            removal), adjacent word pairs and character trigrams. It finds
 *            "delegate" for "delegating" and tolerates typos, but knows
 *            nothing of synonyms ("car" vs "automobile") or meaning.
 *   openai   any OpenAI-compatible POST {base_url}/embeddings endpoint
 *            (OpenAI, Ollama, llama.cpp, vLLM; libcurl). Model id
 *            "openai:MODEL". The key comes from the environment variable
 *            api_key_env names (default OPENAI_API_KEY; optional for a
 *            custom base_url); sent as "Authorization: Bearer KEY", or as
 *            "api-key: KEY" to Azure (*.azure.com), whose ?api-version=
 *            query in base_url is kept. 429, 5xx and timeouts are retried with
 *            exponential backoff (500 ms doubling, at most 8 s, or the
 *            server's Retry-After).
 *   command  an external program run via /bin/sh -c once per text: text on
 *            stdin, a JSON array of numbers on stdout, within timeout_ms.
 *            Model id "command:<the command>".
 * Every vector handed out is L2-normalized. A provider answering with the
 * wrong dimension is an error that names both dimensions.
 * Errors: functions return 0 on success, -1 with *err set to one malloc'd
 * line (caller frees). */
#include <stddef.h>

typedef struct embed_config {
	const char *provider;    /* "hash" (default when NULL), "openai", "command" */
	const char *model;       /* openai: model name */
	const char *base_url;    /* openai: e.g. "https://api.openai.com/v1" */
	const char *api_key_env; /* openai: name of the env variable holding the key */
	const char *command;     /* command: program + args, run via /bin/sh -c */
	int timeout_ms;          /* per request; 0 = 30000 */
	int batch;               /* texts per request; 0 = 64 */
	int retries;             /* openai: extra attempts on 429/5xx/timeouts;
	                            0 = 3, negative = none */
} embed_config;

typedef struct embedder embedder;

/* dim must be the data_chunks.embedding column's dimension (from db_caps). */
embedder *embed_new(const embed_config *c, int dim, char **err);
void embed_free(embedder *e);
int embed_dim(const embedder *e);
/* Stable identifier recorded with every chunk, e.g. "hash-v1" or
 * "openai:text-embedding-3-small". Static in e. */
const char *embed_model_id(const embedder *e);
/* Embeds n texts into out (n * dim floats, L2-normalized). */
int embed_batch(embedder *e, const char *const *texts, size_t n, float *out, char **err);
/* Texts per provider request (the batch size the caller should feed). */
int embed_batch_size(const embedder *e);
/* Asks embed_batch() running on e in another thread to give up: it returns
 * -1 with "... interrupted" soon after (command: the program's process group
 * is killed within ~50 ms; openai: the transfer or backoff stops within
 * ~1 s). Every later embed_batch() on e fails at once. Thread-safe; e must
 * stay alive until the running embed_batch() has returned. */
void embed_interrupt(embedder *e);

/* The hash embedder directly: deterministic, thread-safe, no allocation
 * failure modes beyond malloc. out has dim floats; result L2-normalized
 * (all zeros for text with no features). */
void embed_hash(const char *text, size_t len, int dim, float *out);
#define EMBED_HASH_MODEL_ID "hash-v1"

/* pgvector text form "[0.1,0.2,...]" of v (malloc'd). */
char *embed_vector_text(const float *v, int dim);

#endif
