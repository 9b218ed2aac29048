#ifndef RAPPORT_SLUG_H
#define RAPPORT_SLUG_H
/* URL slugs for companies and organizations (src/core/slug.c). Pure code.
 * A valid slug is 1..SLUG_MAX bytes of [a-z0-9] runs joined by single
 * hyphens: "acme-coaching-2". */
#include <stdbool.h>
#include <stddef.h>

#define SLUG_MAX 64

/* Slug of a display name: Latin-1 and Latin Extended-A letters transliterated
 * (é→e, ß→ss, æ→ae, ø→o, ł→l, Œ→oe, þ→th), lowercased, every run of other
 * characters turned into one hyphen, hyphens trimmed from both ends, cut to
 * at most max bytes (0 or > SLUG_MAX: SLUG_MAX) at a hyphen when possible.
 * Returns a malloc'd string (caller frees): "" when the name has no letter
 * or digit; NULL only on allocation failure. */
char *slug_from_name(const char *name, size_t max);
/* base + "-" + n ("acme-2"), shortening base so the result stays within
 * SLUG_MAX bytes and does not end base with a hyphen. n >= 2. Malloc'd,
 * caller frees; NULL on allocation failure. */
char *slug_with_suffix(const char *base, unsigned n);
/* True when s is a valid slug (see above). */
bool slug_valid(const char *s);

#endif
