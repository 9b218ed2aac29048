/* The "openai" provider: any OpenAI-compatible POST {base_url}/embeddings
 * endpoint (OpenAI, Azure, Ollama, llama.cpp, vLLM) through libcurl.
 * Retries 429, 5xx and timeouts with exponential backoff (honouring
 * Retry-After), a bounded number of times; every other failure is one line
 * that says what to fix. */
#include "embed/provider.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum {
	BACKOFF_BASE_MS = 500,
	BACKOFF_MAX_MS = 8000,
	RETRY_AFTER_MAX_MS = 60000,
	RESPONSE_MAX = 256 << 20,
	SERVER_MSG_MAX = 200,
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* A string built from two parts (malloc'd). */
static char *concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s = malloc(la + lb + 1);
	if (s) {
		memcpy(s, a, la);
		memcpy(s + la, b, lb + 1);
	}
	return s;
}

/* {base}/embeddings, keeping a query string (Azure's ?api-version=...) at
 * the end (malloc'd). */
static char *embeddings_url(const char *base)
{
	size_t q = strcspn(base, "?"), bl = q;
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	size_t n = strlen(base) + sizeof "/embeddings";
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "%.*s/embeddings%s", (int)bl, base, base + q);
	return u;
}

/* True when base names an Azure OpenAI resource (*.openai.azure.com). */
static bool is_azure(const char *base)
{
	const char *h = strstr(base, "://");
	h = h ? h + 3 : base;
	size_t hl = strcspn(h, ":/?");
	static const char suffix[] = ".azure.com";
	return hl >= sizeof suffix - 1 &&
	       strncasecmp(h + hl - (sizeof suffix - 1), suffix, sizeof suffix - 1) == 0;
}

int embed_openai_init(embedder *e, const embed_config *c, char **err)
{
	if (!c || !c->model || !*c->model)
		return embed_fail(err,
		                  "openai: no model named (set --model or the config's embedding "
		                  "model, e.g. text-embedding-3-small)");
	const char *base = c->base_url && *c->base_url ? c->base_url : "https://api.openai.com/v1";
	/* OpenAI itself needs a key; a custom endpoint (Ollama, llama.cpp) may not */
	const char *env = c->api_key_env && *c->api_key_env ? c->api_key_env : "OPENAI_API_KEY";
	const char *key = getenv(env);
	bool custom = c->base_url && *c->base_url;
	if ((!key || !*key) && (!custom || (c->api_key_env && *c->api_key_env &&
	                                    strcmp(c->api_key_env, "OPENAI_API_KEY") != 0)))
		return embed_fail(err,
		                  "openai: the environment variable %.80s, which should hold "
		                  "the API key, is not set",
		                  env);
	e->key_env = strdup(env);
	e->url = embeddings_url(base);
	e->model = strdup(c->model);
	e->model_id = concat("openai:", c->model);
	if (key && *key) /* Azure OpenAI keys go in "api-key"; everyone else: Bearer */
		e->auth = concat(is_azure(base) ? "api-key: " : "Authorization: Bearer ", key);
	if (!e->url || !e->model || !e->model_id || (key && *key && !e->auth))
		return embed_fail(err, "out of memory");
	pthread_once(&curl_once, curl_init_once);
	return 0;
}

typedef struct http_resp {
	char *buf;
	size_t n, cap;
	long retry_after_ms; /* -1: no Retry-After header */
	bool overflow;
} http_resp;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	http_resp *r = ud;
	size_t n = size * nmemb;
	if (r->n + n + 1 > RESPONSE_MAX) {
		r->overflow = true;
		return 0;
	}
	if (r->n + n + 1 > r->cap) {
		size_t ncap = (r->n + n + 1) * 2;
		char *nb = realloc(r->buf, ncap);
		if (!nb)
			return 0;
		r->buf = nb, r->cap = ncap;
	}
	memcpy(r->buf + r->n, p, n);
	r->n += n;
	r->buf[r->n] = '\0';
	return n;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud)
{
	http_resp *r = ud;
	size_t n = size * nmemb;
	static const char name[] = "retry-after:";
	if (n > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
		char tmp[32];
		size_t k =
		    n - (sizeof name - 1) < sizeof tmp - 1 ? n - (sizeof name - 1) : sizeof tmp - 1;
		memcpy(tmp, p + sizeof name - 1, k);
		tmp[k] = '\0';
		char *end;
		double secs = strtod(tmp, &end);
		if (end != tmp && secs >= 0)
			r->retry_after_ms = (long)(secs * 1000);
	}
	return n;
}

/* The server's own error message, if its body is {"error":{"message":..}} or
 * {"error": ".."}, cut short and with controls blanked (malloc'd or NULL). */
static char *server_message(const char *body)
{
	if (!body)
		return NULL;
	cJSON *root = cJSON_Parse(body);
	const cJSON *er = cJSON_GetObjectItemCaseSensitive(root, "error");
	const cJSON *m = cJSON_IsObject(er) ? cJSON_GetObjectItemCaseSensitive(er, "message") : er;
	char *s = cJSON_IsString(m) ? strndup(m->valuestring, SERVER_MSG_MAX) : NULL;
	cJSON_Delete(root);
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return s;
}

/* Builds {"model":..,"input":[..],"encoding_format":"float"} (malloc'd). */
static char *request_body(const embedder *e, const char *const *texts, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *in = cJSON_CreateArray();
	if (!root || !in) {
		cJSON_Delete(root);
		cJSON_Delete(in);
		return NULL;
	}
	cJSON_AddItemToObject(root, "input", in);
	cJSON_AddStringToObject(root, "model", e->model);
	cJSON_AddStringToObject(root, "encoding_format", "float");
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(in, cJSON_CreateString(texts[i]));
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return s;
}

/* Reads the "data" list into out; wrong shape or dimension is an error. */
static int parse_embeddings(const embedder *e, const char *body, size_t n, float *out, char **err)
{
	cJSON *root = cJSON_Parse(body ? body : "");
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	int rc = 0;
	bool *seen = calloc(n ? n : 1, 1);
	if (!cJSON_IsArray(data)) {
		rc = embed_fail(err,
		                "openai: the response from %s is not embeddings JSON (no \"data\" "
		                "list)",
		                e->url);
		goto out;
	}
	if ((size_t)cJSON_GetArraySize(data) != n) {
		rc = embed_fail(err, "openai: %s returned %d embeddings for %zu inputs", e->url,
		                cJSON_GetArraySize(data), n);
		goto out;
	}
	size_t pos = 0;
	const cJSON *item;
	cJSON_ArrayForEach(item, data)
	{
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(item, "index");
		const cJSON *emb = cJSON_GetObjectItemCaseSensitive(item, "embedding");
		size_t k = cJSON_IsNumber(idx) ? (size_t)idx->valuedouble : pos;
		pos++;
		if (!cJSON_IsArray(emb) || k >= n || seen[k]) {
			rc = embed_fail(err,
			                "openai: the response from %s is not embeddings JSON (bad "
			                "\"embedding\" or \"index\" in item %zu)",
			                e->url, pos - 1);
			goto out;
		}
		int got = cJSON_GetArraySize(emb);
		if (got != e->dim) {
			rc = embed_fail(err,
			                "openai: model %s returns %d-dimensional embeddings, but "
			                "data_chunks.embedding is vector(%d): pick a model with %d "
			                "dimensions",
			                e->model, got, e->dim, e->dim);
			goto out;
		}
		seen[k] = true;
		float *v = out + k * (size_t)e->dim;
		int i = 0;
		const cJSON *x;
		cJSON_ArrayForEach(x, emb)
		{
			if (!cJSON_IsNumber(x)) {
				rc = embed_fail(
				    err,
				    "openai: the response from %s has a non-number in an "
				    "embedding",
				    e->url);
				goto out;
			}
			if (!embed_to_float(x->valuedouble, &v[i++])) {
				rc = embed_fail(
				    err,
				    "openai: the response from %s has %g in an embedding, "
				    "beyond the range of a vector's floats",
				    e->url, x->valuedouble);
				goto out;
			}
		}
		embed_normalize(v, e->dim);
	}
out:
	free(seen);
	cJSON_Delete(root);
	return rc;
}

typedef enum attempt_result { ATT_OK, ATT_RETRY, ATT_FAIL } attempt_result;

/* Says what a finished (non-200) HTTP answer means; sets *err. */
static attempt_result classify_http(const embedder *e, long code, const http_resp *r, char **err)
{
	char *msg = server_message(r->buf);
	const char *m = msg ? msg : "";
	const char *sep = msg ? ": " : "";
	attempt_result ar = ATT_FAIL;
	if ((code == 401 || code == 403) && !e->auth)
		embed_fail(err, "openai: %s wants an API key (HTTP %ld) and none was sent: set %s",
		           e->url, code, e->key_env ? e->key_env : "OPENAI_API_KEY");
	else if (code == 401 || code == 403)
		embed_fail(err, "openai: %s refused the API key in %s (HTTP %ld)%s%s", e->url,
		           e->key_env ? e->key_env : "OPENAI_API_KEY", code, sep, m);
	else if (code == 404)
		embed_fail(err,
		           "openai: model '%s' or the endpoint %s was not found (HTTP 404)%s%s",
		           e->model, e->url, sep, m);
	else if (code == 429)
		ar = ATT_RETRY,
		embed_fail(err, "openai: %s kept rate-limiting (HTTP 429)%s%s", e->url, sep, m);
	else if (code >= 500)
		ar = ATT_RETRY,
		embed_fail(err, "openai: %s answered with a server error (HTTP %ld)%s%s", e->url,
		           code, sep, m);
	else
		embed_fail(err, "openai: %s answered HTTP %ld%s%s", e->url, code, sep, m);
	free(msg);
	return ar;
}

/* libcurl's progress callback: non-zero aborts the transfer (embed_interrupt). */
static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(&((embedder *)ud)->stop) ? 1 : 0;
}

/* One HTTP request. */
static attempt_result attempt(embedder *e, const char *body, size_t n, float *out, http_resp *r,
                              char **err)
{
	CURL *h = curl_easy_init();
	if (!h)
		return embed_fail(err, "openai: cannot initialise libcurl"), ATT_FAIL;
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (e->auth)
		hdr = curl_slist_append(hdr, e->auth);
	curl_easy_setopt(h, CURLOPT_URL, e->url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)e->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	                 (long)(e->timeout_ms < 10000 ? e->timeout_ms : 10000));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "rapport");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, e);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	CURLcode cc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		return embed_fail(err, "openai: request to %s interrupted", e->url), ATT_FAIL;
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return embed_fail(err, "openai: no answer from %s within %d ms", e->url,
		                  e->timeout_ms),
		       ATT_RETRY;
	if (r->overflow)
		return embed_fail(err, "openai: the response from %s is too large", e->url),
		       ATT_FAIL;
	if (cc == CURLE_GOT_NOTHING || cc == CURLE_RECV_ERROR || cc == CURLE_SEND_ERROR ||
	    cc == CURLE_PARTIAL_FILE)
		return embed_fail(err, "openai: the connection to %s broke (%s)", e->url,
		                  curl_easy_strerror(cc)),
		       ATT_RETRY;
	if (cc != CURLE_OK)
		return embed_fail(err, "openai: cannot reach %s: %s", e->url,
		                  curl_easy_strerror(cc)),
		       ATT_FAIL;
	if (code != 200)
		return classify_http(e, code, r, err);
	return parse_embeddings(e, r->buf, n, out, err) == 0 ? ATT_OK : ATT_FAIL;
}

/* Sleeps ms milliseconds, or less once embed_interrupt() was called. */
static void sleep_ms(embedder *e, long ms)
{
	while (ms > 0 && !atomic_load(&e->stop)) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = {0, step * 1000000L};
		while (nanosleep(&ts, &ts) != 0)
			;
		ms -= step;
	}
}

int embed_openai_batch(embedder *e, const char *const *texts, size_t n, float *out, char **err)
{
	char *body = request_body(e, texts, n);
	if (!body)
		return embed_fail(err, "out of memory");
	int tries = e->retries + 1;
	long backoff = BACKOFF_BASE_MS;
	attempt_result ar = ATT_FAIL;
	for (int t = 0; t < tries; t++) {
		http_resp r = {.retry_after_ms = -1};
		if (err && *err) {
			free(*err);
			*err = NULL;
		}
		ar = attempt(e, body, n, out, &r, err);
		free(r.buf);
		if (ar != ATT_RETRY || t + 1 == tries || atomic_load(&e->stop))
			break;
		long wait = r.retry_after_ms >= 0 ? r.retry_after_ms : backoff;
		sleep_ms(e, wait < RETRY_AFTER_MAX_MS ? wait : RETRY_AFTER_MAX_MS);
		backoff = backoff * 2 < BACKOFF_MAX_MS ? backoff * 2 : BACKOFF_MAX_MS;
	}
	free(body);
	if (ar == ATT_RETRY && err && *err && tries > 1) {
		char *m = *err;
		*err = NULL;
		embed_fail(err, "%s (gave up after %d attempts)", m, tries);
		free(m);
	}
	return ar == ATT_OK ? 0 : -1;
}
