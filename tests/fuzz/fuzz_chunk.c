/* libFuzzer target for the chunker: the first two bytes choose the window and
 * overlap sizes, the rest is the text. Aborts when an invariant breaks:
 * spans ordered, inside the text, trimmed, no more than target characters,
 * every non-space byte covered, and no cut inside a valid UTF-8 sequence. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/chunk_check.h"
#include "rapport/chunk.h"

/* Chunks the input and aborts on the first broken invariant. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	chunk_opts o = {.target_chars = data[0], .overlap_chars = data[1] % 64};
	const char *t = (const char *)data + 2;
	size_t len = size - 2;
	chunk_span *v = NULL;
	size_t n = chunk_text(t, len, &o, &v);
	if (chunk_check_spans(t, len, &o, v, n))
		abort();
	free(v);
	return 0;
}
