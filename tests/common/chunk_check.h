#ifndef RAPPORT_TESTS_CHUNK_CHECK_H
#define RAPPORT_TESTS_CHUNK_CHECK_H
/* The invariants every chunking must satisfy, shared by the unit tests
 * (tests/unit/test_chunk.c) and the fuzz target (tests/fuzz/fuzz_chunk.c):
 * spans ordered and inside the text, trimmed, at most target characters,
 * every non-space byte covered, and no cut inside a valid UTF-8 sequence.
 * Header-only so the fuzz target links nothing but the library. */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "rapport/chunk.h"

/* Length of the valid UTF-8 sequence at p, 0 when invalid (an independent
 * reference, not the library's decoder). */
static inline size_t chunk_check_utf8_len(const unsigned char *p, size_t avail)
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

/* True for the bytes the chunker trims. */
static inline bool chunk_check_ws(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Characters (non-continuation bytes) in t[a, b). */
static inline size_t chunk_check_chars(const char *t, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++)
		n += ((unsigned char)t[i] & 0xC0) != 0x80;
	return n;
}

/* The first invariant the n spans v of t break, or NULL when they hold.
 * o is what chunk_text() was given (NULL: defaults). */
static inline const char *chunk_check_spans(const char *t, size_t len, const chunk_opts *o,
                                            const chunk_span *v, size_t n)
{
	const unsigned char *u = (const unsigned char *)t;
	bool *bd = calloc(len + 1, 1); /* positions not inside a valid sequence */
	if (!bd)
		return "out of memory";
	for (size_t i = 0; i < len;) {
		bd[i] = true;
		size_t k = chunk_check_utf8_len(u + i, len - i);
		i += k ? k : 1;
	}
	bd[len] = true;
	size_t target = o && o->target_chars ? o->target_chars : 1200, covered = 0;
	const char *bad = n && !v ? "spans missing" : NULL;
	for (size_t k = 0; k < n && !bad; k++) {
		if (!(v[k].start < v[k].end && v[k].end <= len))
			bad = "span empty or outside the text";
		else if (chunk_check_ws(u[v[k].start]) || chunk_check_ws(u[v[k].end - 1]))
			bad = "span not trimmed";
		else if (!bd[v[k].start] || !bd[v[k].end])
			bad = "span cuts a UTF-8 sequence";
		else if (chunk_check_chars(t, v[k].start, v[k].end) > target)
			bad = "span longer than the target";
		else if (k && !(v[k].start > v[k - 1].start && v[k].end > v[k - 1].end))
			bad = "spans not ordered";
		for (size_t i = covered; !bad && i < v[k].start; i++)
			if (!chunk_check_ws(u[i]))
				bad = "text between spans not covered";
		if (!bad && v[k].end > covered)
			covered = v[k].end;
	}
	for (size_t i = covered; !bad && i < len; i++)
		if (!chunk_check_ws(u[i]))
			bad = "text after the last span not covered";
	free(bd);
	return bad;
}

#endif
