/* The built-in "hash-v1" embedder: lexical feature hashing, NOT a neural
 * model. Similar vectors mean shared words (after stemming), shared word
 * pairs and shared character trigrams; it knows nothing about synonyms or
 * meaning ("car" and "automobile" are unrelated to it).
 *
 * Pipeline: decode UTF-8 (invalid bytes are separators), lowercase (ASCII,
 * Latin-1, Latin Extended-A, Greek, Cyrillic; fixed tables, no locale), split
 * into words at non-letters/digits (apostrophes inside words are dropped),
 * drop English stop words and conversational filler ("like", "you know"),
 * stem with Snowball English (libstemmer).
 * Features: each stem (weight 1.0), each pair of adjacent kept stems (0.7),
 * and the character trigrams of each stem padded as "^stem$" (0.6 in total
 * per word; they make typos and compounds match partially). Each distinct
 * feature contributes weight * (1 + ln tf) with a sign, to bucket (FNV-1a 64
 * of the feature) mod dim; the vector is then L2-normalized. Everything is fixed-width integer arithmetic or IEEE
 * float in a fixed order, so the output is identical across runs and
 * machines. */
#include "rapport/embed.h"
#include "rapport/text.h"

#include <libstemmer.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { WORD_MAX = 64 }; /* code points kept per word; longer words are cut */

typedef struct feat {
	uint64_t h; /* 0 = empty slot */
	float w;
	uint32_t tf;
} feat;

typedef struct ftable {
	feat *v;
	size_t cap, n;
	bool oom;
} ftable;

static const char *const stop_words[] = {
    "a",      "about",  "above", "after",  "again",    "against",    "all",  "am",
    "an",     "and",    "any",   "are",    "as",       "at",         "be",   "because",
    "been",   "before", "being", "below",  "between",  "both",       "but",  "by",
    "can",    "could",  "did",   "do",     "does",     "doing",      "down", "during",
    "each",   "few",    "for",   "from",   "further",  "had",        "has",  "have",
    "having", "he",     "her",   "here",   "hers",     "herself",    "him",  "himself",
    "his",    "how",    "i",     "if",     "in",       "into",       "is",   "it",
    "its",    "itself", "just",  "me",     "more",     "most",       "my",   "myself",
    "no",     "nor",    "not",   "now",    "of",       "off",        "on",   "once",
    "only",   "or",     "other", "our",    "ours",     "ourselves",  "out",  "over",
    "own",    "same",   "she",   "should", "so",       "some",       "such", "than",
    "that",   "the",    "their", "theirs", "them",     "themselves", "then", "there",
    "these",  "they",   "this",  "those",  "through",  "to",         "too",  "under",
    "until",  "up",     "very",  "was",    "we",       "were",       "what", "when",
    "where",  "which",  "while", "who",    "whom",     "why",        "will", "with",
    "would",  "you",    "your",  "yours",  "yourself", "yourselves", "im",   "ive",
    "youre",  "dont",   "its",   "um",     "uh",       "yeah",       "okay", "ok",
    "really", "also",   "get",   "got",    "s",        "t",
    /* conversational filler, frequent in transcripts and meaningless to search */
    "like",   "know",   "mean",  "actually", "kind",   "sort",       "gonna", "wanna",
    "yes",    "well",   "thing", "things", "lot",      "bit",        "maybe", "sure",
};

/* FNV-1a 64 over bytes, continuing from h. */
static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t feature_hash(char kind, const void *p, size_t n)
{
	uint64_t h = fnv1a(0xcbf29ce484222325ULL, &kind, 1);
	h = fnv1a(h, p, n);
	h ^= h >> 33; /* finalizer so low bits (bucket) and the top bit (sign) mix */
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1;
}

/* Adds one occurrence of feature h with weight w. */
static void ftable_add(ftable *t, uint64_t h, float w)
{
	if (t->oom)
		return;
	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 1024;
		feat *nv = calloc(ncap, sizeof *nv);
		if (!nv) {
			t->oom = true;
			return;
		}
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->v[i].h)
				continue;
			size_t j = t->v[i].h & (ncap - 1);
			while (nv[j].h)
				j = (j + 1) & (ncap - 1);
			nv[j] = t->v[i];
		}
		free(t->v);
		t->v = nv, t->cap = ncap;
	}
	size_t j = h & (t->cap - 1);
	while (t->v[j].h && t->v[j].h != h)
		j = (j + 1) & (t->cap - 1);
	if (!t->v[j].h) {
		t->v[j] = (feat){h, w, 0};
		t->n++;
	}
	t->v[j].tf++;
}

/* Decodes one code point at p (core's strict decoder); *adv gets the bytes
 * used (1 for an invalid byte, which gives -1). */
static int32_t decode(const unsigned char *p, size_t avail, size_t *adv)
{
	uint32_t cp;
	int n = text_utf8_decode((const char *)p, avail, &cp);
	*adv = n ? (size_t)n : 1;
	return n ? (int32_t)cp : -1;
}

/* Fixed-table lowercase for the scripts coaching text mostly uses. */
static int32_t lower(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1; /* Latin Extended-A: even upper, odd lower */
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1) ? c + 1 : c; /* odd upper, even lower */
	if (c == 0x178)
		return 0xFF;
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 32;
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

/* True for code points that belong inside a word. */
static bool word_char(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	if (c == 0xD7 || c == 0xF7 || (c >= 0x80 && c <= 0xBF))
		return false; /* Latin-1 controls, punctuation and symbols */
	if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F))
		return false; /* general punctuation, symbols, arrows, CJK punctuation */
	if ((c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F) ||
	    (c >= 0xFF1A && c <= 0xFF20) || c == 0xFEFF)
		return false;
	if (c >= 0x1F000 && c <= 0x1FAFF)
		return false; /* emoji and pictographs */
	return true;
}

static bool is_apostrophe(int32_t c)
{
	return c == '\'' || c == 0x2019;
}

/* Appends code point c as UTF-8 to buf (4 bytes room needed). */
static size_t encode(int32_t c, char *buf)
{
	unsigned u = (unsigned)c;
	if (u < 0x80) {
		buf[0] = (char)u;
		return 1;
	}
	if (u < 0x800) {
		buf[0] = (char)(0xC0 | (u >> 6));
		buf[1] = (char)(0x80 | (u & 0x3F));
		return 2;
	}
	if (u < 0x10000) {
		buf[0] = (char)(0xE0 | (u >> 12));
		buf[1] = (char)(0x80 | ((u >> 6) & 0x3F));
		buf[2] = (char)(0x80 | (u & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | (u >> 18));
	buf[1] = (char)(0x80 | ((u >> 12) & 0x3F));
	buf[2] = (char)(0x80 | ((u >> 6) & 0x3F));
	buf[3] = (char)(0x80 | (u & 0x3F));
	return 4;
}

/* True for an English stop word (w is lowercase). */
static bool is_stop(const char *w)
{
	for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
		if (w[0] == stop_words[i][0] && strcmp(w, stop_words[i]) == 0)
			return true;
	return false;
}

typedef struct hasher {
	struct sb_stemmer *stem;
	ftable ft;
	uint64_t prev; /* hash of the previous kept stem's text, 0 none */
	char prev_s[WORD_MAX * 4 + 1];
	size_t prev_len;
} hasher;

/* Features of one lowercased word (code points cps[0..n)). */
static void add_word(hasher *hs, const int32_t *cps, size_t n)
{
	char w[WORD_MAX * 4 + 1];
	size_t wl = 0;
	for (size_t i = 0; i < n; i++)
		wl += encode(cps[i], w + wl);
	w[wl] = '\0';
	if (is_stop(w))
		return;
	const char *s = w;
	size_t sl = wl;
	bool alpha = !(cps[0] >= '0' && cps[0] <= '9');
	if (alpha && hs->stem) {
		const sb_symbol *r = sb_stemmer_stem(hs->stem, (const sb_symbol *)w, (int)wl);
		if (r) {
			s = (const char *)r;
			sl = (size_t)sb_stemmer_length(hs->stem);
			if (sl > WORD_MAX * 4)
				sl = WORD_MAX * 4;
		}
	}
	ftable_add(&hs->ft, feature_hash('u', s, sl), 1.0f);
	if (hs->prev_len) {
		char pair[sizeof hs->prev_s * 2 + 1];
		memcpy(pair, hs->prev_s, hs->prev_len);
		pair[hs->prev_len] = ' ';
		memcpy(pair + hs->prev_len + 1, s, sl);
		ftable_add(&hs->ft, feature_hash('b', pair, hs->prev_len + 1 + sl), 0.7f);
	}
	memcpy(hs->prev_s, s, sl);
	hs->prev_len = sl;
	/* character trigrams of "^stem$" (the stem: suffixes such as "-ing"
	 * would otherwise make unrelated words look alike) */
	int32_t pad[WORD_MAX * 4 + 2];
	size_t m = 0;
	pad[m++] = '^';
	for (size_t i = 0; i < sl;) {
		size_t adv;
		int32_t cp = decode((const unsigned char *)s + i, sl - i, &adv);
		pad[m++] = cp < 0 ? 0xFFFD : cp;
		i += adv;
	}
	pad[m++] = '$';
	size_t ntri = m - 2;
	if (ntri == 0)
		return;
	float tw = 0.6f / sqrtf((float)ntri);
	for (size_t i = 0; i < ntri; i++)
		ftable_add(&hs->ft, feature_hash('c', pad + i, 3 * sizeof *pad), tw);
}

/* Walks the text, feeding words to add_word. */
static void scan(hasher *hs, const char *text, size_t len)
{
	const unsigned char *t = (const unsigned char *)text;
	int32_t cps[WORD_MAX];
	size_t n = 0, i = 0;
	while (i < len) {
		size_t adv;
		int32_t c = decode(t + i, len - i, &adv);
		i += adv;
		if (c >= 0 && word_char(c)) {
			if (n < WORD_MAX)
				cps[n++] = lower(c);
			continue;
		}
		if (c >= 0 && is_apostrophe(c) && n > 0 && i < len) {
			size_t a2;
			int32_t nx = decode(t + i, len - i, &a2);
			if (nx >= 0 && word_char(nx))
				continue; /* "don't" -> "dont" */
		}
		if (n)
			add_word(hs, cps, n);
		n = 0;
	}
	if (n)
		add_word(hs, cps, n);
}

void embed_hash(const char *text, size_t len, int dim, float *out)
{
	if (dim <= 0)
		return;
	memset(out, 0, (size_t)dim * sizeof *out);
	if (!text || len == 0)
		return;
	hasher hs = {.stem = sb_stemmer_new("english", NULL)};
	scan(&hs, text, len);
	/* Sum in slot order: deterministic for a given feature set. */
	for (size_t i = 0; i < hs.ft.cap; i++) {
		const feat *f = &hs.ft.v[i];
		if (!f->h)
			continue;
		float v = f->w * (1.0f + logf((float)f->tf));
		size_t b = (size_t)((f->h >> 1) % (uint64_t)dim);
		out[b] += (f->h >> 63) ? -v : v;
	}
	double norm = 0;
	for (int i = 0; i < dim; i++)
		norm += (double)out[i] * out[i];
	if (norm > 0) {
		float inv = (float)(1.0 / sqrt(norm));
		for (int i = 0; i < dim; i++)
			out[i] *= inv;
	}
	free(hs.ft.v);
	if (hs.stem)
		sb_stemmer_delete(hs.stem);
}
