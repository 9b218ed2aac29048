/* libFuzzer target for the config file parser (src/core/config.c): any text
 * parses without crashing; the message count matches the bad-line count and
 * messages are sanitized; values stay within their documented limits; the
 * printed config parses back without errors to the same printed text.
 * abort() on violation. */
#include "rapport/config.h"
#include "rapport/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* config_write() into a malloc'd string. */
static char *fuzz_config_print(const config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	config_write(c, f);
	fclose(f);
	return buf;
}

/* Aborts when a value is outside the limits config.h documents. */
static void fuzz_config_limits(const config *c)
{
	if (c->page_size < 10 || c->page_size > 10000 || c->search_limit < 1 ||
	    c->search_limit > 1000 || c->embed_timeout_ms < 100 || c->chunk_target < 100 ||
	    c->chunk_overlap < 0 || c->chunk_overlap >= c->chunk_target || !c->theme ||
	    !c->search_mode || !c->embed_provider || !c->embed_api_key_env)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	config *c = config_new(), *d = config_new();
	if (!text || !c || !d)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	char *errors = NULL;
	int bad = config_parse(c, text, "fuzz", &errors);
	int lines = 0;
	for (const char *p = errors; p && *p; p++) {
		lines += *p == '\n';
		if ((unsigned char)*p < 0x20 && *p != '\n')
			abort();
	}
	if (lines != bad || (errors && !text_utf8_valid(errors, strlen(errors))))
		abort();
	fuzz_config_limits(c);
	char *first = fuzz_config_print(c);
	char *again = NULL;
	if (config_parse(d, first, "printed", &again) != 0)
		abort();
	char *second = fuzz_config_print(d);
	if (strcmp(first, second) != 0)
		abort();
	free(first);
	free(second);
	free(again);
	free(errors);
	config_free(c);
	config_free(d);
	free(text);
	return 0;
}
