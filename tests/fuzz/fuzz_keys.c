/* libFuzzer target for key strings and bind/unbind lines (src/core/keys.c).
 * Each input line is applied to a binding table; a key string that parses
 * must format to a canonical string that parses back to the same code;
 * lookups and the help text must work after any sequence of lines.
 * abort() on violation. */
#include "rapport/keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks the parse → format → parse round trip for one word. */
static void fuzz_keys_check_word(const char *w)
{
	int k, back;
	char buf[64];
	if (keys_parse(w, &k) != 0)
		return;
	int n = keys_format(k, buf, sizeof buf);
	if (n <= 0 || (size_t)n >= sizeof buf)
		abort();
	if (keys_parse(buf, &back) != 0 || back != k)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	keys_table *t = keys_table_new();
	char *text = malloc(size + 1);
	if (!t || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char err[128];
		fuzz_keys_check_word(line);
		if (keys_apply_line(t, line, err, sizeof err) != 0 && err[0] == '\0')
			abort(); /* every refusal says why */
	}
	for (int ctx = 0; ctx < KEYS_NCTX; ctx++) {
		char *help = keys_help_text(t, (keys_ctx)ctx);
		if (!help)
			abort();
		free(help);
		for (int k = 0x20; k < 0x80; k++)
			if (keys_lookup(t, (keys_ctx)ctx, k) >= KEYS_CMD_COUNT)
				abort();
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		abort();
	keys_write_config(t, f);
	fclose(f);
	free(out);
	free(text);
	keys_table_free(t);
	return 0;
}
