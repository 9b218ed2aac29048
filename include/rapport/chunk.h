#ifndef RAPPORT_CHUNK_H
#define RAPPORT_CHUNK_H
/* Transcript chunker (src/core/chunk.c): splits text at speaker turns (a line
 * starting "Name:"), then paragraphs/sentences, and packs them into windows of
 * about target_chars with overlap_chars of overlap, never splitting a UTF-8
 * character (nor, where a cut between characters is needed, an emoji ZWJ
 * sequence, flag or accented letter). Sizes count characters (code points).
 * Pure code. */
#include <stddef.h>

typedef struct chunk_opts {
	size_t target_chars;  /* 0 = 1200 */
	size_t overlap_chars; /* 0 = 200; must be < target */
} chunk_opts;

typedef struct chunk_span {
	size_t start, end; /* byte offsets into the source: text[start..end) */
} chunk_span;

/* Returns the number of chunks and sets *out (malloc'd, caller frees); 0 and
 * *out == NULL for empty or whitespace-only text. */
size_t chunk_text(const char *text, size_t len, const chunk_opts *o, chunk_span **out);

#endif
