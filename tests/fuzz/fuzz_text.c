/* libFuzzer target for the sanitizer and width functions (src/core/text.c).
 * Properties checked on every input, abort() on violation: the output is
 * valid UTF-8 with no control bytes, no C1 or bidi control code points; the
 * multiline form only keeps '\n'; text_fit() returns a prefix that never
 * splits a character and never exceeds the column bound. */
#include "rapport/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Aborts unless s is safe to write to a terminal (newlines allowed or not). */
static void fuzz_text_check_safe(const char *s, int allow_newline)
{
	size_t len = strlen(s);
	if (!text_utf8_valid(s, len))
		abort();
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = text_utf8_decode(s + i, len - i, &cp);
		if (cp == '\n' && allow_newline) {
			i += (size_t)n;
			continue;
		}
		if (text_cp_escaped(cp) || text_cp_width(cp) < 0)
			abort();
		i += (size_t)n;
	}
}

/* Aborts unless text_fit(s, cols) is a whole-character prefix within cols. */
static void fuzz_text_check_fit(const char *s, int cols)
{
	char buf[96];
	int used = text_fit(s, cols, buf, sizeof buf);
	size_t n = strlen(buf);
	if (used < 0 || used > (cols < 0 ? 0 : cols))
		abort();
	if (text_width(buf) != used)
		abort();
	if (memcmp(buf, s, n) != 0 || !text_utf8_valid(buf, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = text_sanitize((const char *)data, size);
	if (!s)
		return 0;
	fuzz_text_check_safe(s, 0);
	int cols = size ? data[0] % 50 : 0;
	fuzz_text_check_fit(s, cols);
	fuzz_text_check_fit(s, cols - 3);
	if (text_width(s) < 0)
		abort();
	char *m = text_sanitize_multiline((const char *)data, size);
	if (!m)
		abort();
	fuzz_text_check_safe(m, 1);
	free(m);
	free(s);
	return 0;
}
