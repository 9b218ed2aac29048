/* libFuzzer target for the chunker: the first two bytes choose the window and
 * overlap sizes, the rest is the text. Aborts when an invariant breaks:
 * spans ordered, inside the text, trimmed, no more than target characters,
 * every non-space byte covered, and no cut inside a valid UTF-8 sequence. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rapport/chunk.h"

/* Length of the valid UTF-8 sequence at p, 0 when invalid. */
static size_t valid_len(const uint8_t *p, size_t avail)
{
	unsigned c = p[0], cp, min;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static bool ws(uint8_t c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	chunk_opts o = {.target_chars = data[0], .overlap_chars = data[1] % 64};
	const uint8_t *t = data + 2;
	size_t len = size - 2;
	bool *bd = calloc(len + 1, 1);
	if (!bd)
		return 0;
	for (size_t i = 0; i < len;) {
		bd[i] = true;
		size_t n = valid_len(t + i, len - i);
		i += n ? n : 1;
	}
	bd[len] = true;
	chunk_span *v = NULL;
	size_t n = chunk_text((const char *)t, len, &o, &v);
	size_t target = o.target_chars ? o.target_chars : 1200, covered = 0;
	check(n == 0 || v != NULL);
	for (size_t k = 0; k < n; k++) {
		check(v[k].start < v[k].end && v[k].end <= len);
		check(bd[v[k].start] && bd[v[k].end]);
		check(!ws(t[v[k].start]) && !ws(t[v[k].end - 1]));
		check(k == 0 || (v[k].start > v[k - 1].start && v[k].end > v[k - 1].end));
		size_t chars = 0;
		for (size_t i = v[k].start; i < v[k].end; i++)
			chars += (t[i] & 0xC0) != 0x80;
		check(chars <= target);
		for (size_t i = covered; i < v[k].start; i++)
			check(ws(t[i]));
		if (v[k].end > covered)
			covered = v[k].end;
	}
	for (size_t i = covered; i < len; i++)
		check(ws(t[i]));
	free(v);
	free(bd);
	return 0;
}
