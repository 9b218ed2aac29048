/* URL slugs from display names: transliteration of Latin-1 and Latin
 * Extended-A, lowercasing, hyphenation and uniqueness suffixes (rapport/slug.h). */
#include "rapport/slug.h"

#include "rapport/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLUG_TAB_FIRST 0xA0
#define SLUG_TAB_LAST  0x17F

/* ASCII spelling of U+00A0..U+017F (letters only; NULL: not a letter).
 * Generated with Python's unicodedata: NFKD without marks, plus ß→ss, æ→ae,
 * ø→o, ð→d, þ→th, ł→l, đ→d, ħ→h, ı→i, œ→oe, ŋ→ng, ŧ→t, ſ→s, µ→u. */
static const char *const slug_latin[SLUG_TAB_LAST - SLUG_TAB_FIRST + 1] = {
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "a",  NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, "u",  NULL, NULL, NULL, NULL, "o",  NULL, NULL, NULL, NULL, NULL,
    "a",  "a",  "a",  "a",  "a",  "a",  "ae", "c",  "e",  "e",  "e",  "e",  "i",  "i",  "i",  "i",
    "d",  "n",  "o",  "o",  "o",  "o",  "o",  NULL, "o",  "u",  "u",  "u",  "u",  "y",  "th", "ss",
    "a",  "a",  "a",  "a",  "a",  "a",  "ae", "c",  "e",  "e",  "e",  "e",  "i",  "i",  "i",  "i",
    "d",  "n",  "o",  "o",  "o",  "o",  "o",  NULL, "o",  "u",  "u",  "u",  "u",  "y",  "th", "y",
    "a",  "a",  "a",  "a",  "a",  "a",  "c",  "c",  "c",  "c",  "c",  "c",  "c",  "c",  "d",  "d",
    "d",  "d",  "e",  "e",  "e",  "e",  "e",  "e",  "e",  "e",  "e",  "e",  "g",  "g",  "g",  "g",
    "g",  "g",  "g",  "g",  "h",  "h",  "h",  "h",  "i",  "i",  "i",  "i",  "i",  "i",  "i",  "i",
    "i",  "i",  "ij", "ij", "j",  "j",  "k",  "k",  "k",  "l",  "l",  "l",  "l",  "l",  "l",  "l",
    "l",  "l",  "l",  "n",  "n",  "n",  "n",  "n",  "n",  "n",  "ng", "ng", "o",  "o",  "o",  "o",
    "o",  "o",  "oe", "oe", "r",  "r",  "r",  "r",  "r",  "r",  "s",  "s",  "s",  "s",  "s",  "s",
    "s",  "s",  "t",  "t",  "t",  "t",  "t",  "t",  "u",  "u",  "u",  "u",  "u",  "u",  "u",  "u",
    "u",  "u",  "u",  "u",  "w",  "w",  "y",  "y",  "y",  "z",  "z",  "z",  "z",  "z",  "z",  "s",
};

/* The ASCII letters/digits for code point cp, or NULL for a separator. */
static const char *slug_translit(uint32_t cp, char ascii[2])
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		ascii[0] = (char)cp, ascii[1] = '\0';
		return ascii;
	}
	if (cp >= 'A' && cp <= 'Z') {
		ascii[0] = (char)(cp - 'A' + 'a'), ascii[1] = '\0';
		return ascii;
	}
	if (cp >= SLUG_TAB_FIRST && cp <= SLUG_TAB_LAST)
		return slug_latin[cp - SLUG_TAB_FIRST];
	return NULL;
}

/* Clamps a requested maximum length to 1..SLUG_MAX. */
static size_t slug_limit(size_t max)
{
	return max == 0 || max > SLUG_MAX ? SLUG_MAX : max;
}

/* Slug of a display name: transliterated, lowercase, hyphenated, bounded. */
char *slug_from_name(const char *name, size_t max)
{
	size_t limit = slug_limit(max), len = 0, n = name ? strlen(name) : 0;
	char *out = malloc(limit + 1);
	bool hyphen = false, cut = false;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n && !cut;) {
		uint32_t cp = 0;
		char ascii[2];
		int k = text_utf8_decode(name + i, n - i, &cp);
		const char *t = k ? slug_translit(cp, ascii) : NULL;
		i += k ? (size_t)k : 1;
		if (!t) {
			hyphen = len > 0;
			continue;
		}
		size_t tl = strlen(t), need = tl + (hyphen ? 1 : 0);
		if (len + need > limit) {
			cut = true;
			if (!hyphen) {
				/* mid-word: back to the last hyphen, else a hard cut */
				size_t back = len;
				while (back && out[back - 1] != '-')
					back--;
				if (back)
					len = back;
				else
					memcpy(out + len, t, limit - len), len = limit;
			}
			break;
		}
		if (hyphen)
			out[len++] = '-';
		memcpy(out + len, t, tl);
		len += tl;
		hyphen = false;
	}
	while (len && out[len - 1] == '-')
		len--;
	out[len] = '\0';
	return out;
}

/* base-N for uniqueness, shortened to fit SLUG_MAX. */
char *slug_with_suffix(const char *base, unsigned n)
{
	char suffix[16];
	int sl = snprintf(suffix, sizeof suffix, "%u", n);
	size_t bl = base ? strlen(base) : 0;
	if (bl > SLUG_MAX - (size_t)sl - 1)
		bl = SLUG_MAX - (size_t)sl - 1;
	while (bl && base[bl - 1] == '-')
		bl--;
	char *out = malloc(bl + (size_t)sl + 2);
	if (!out)
		return NULL;
	if (bl)
		snprintf(out, bl + (size_t)sl + 2, "%.*s-%s", (int)bl, base, suffix);
	else
		memcpy(out, suffix, (size_t)sl + 1);
	return out;
}

/* True for [a-z0-9] runs joined by single hyphens, 1..SLUG_MAX bytes. */
bool slug_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		bool alnum = (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9');
		if (!alnum && !(s[i] == '-' && s[i + 1] != '-'))
			return false;
	}
	return true;
}
