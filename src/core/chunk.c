/* Transcript chunker: speaker turns -> sentences -> word groups, packed into
 * windows of about target characters with overlap. Pure code.
 *
 * The text is cut into contiguous units (each unit is a sentence, or a group
 * of words / characters of an over-long sentence, never longer than the
 * overlap size). Every unit knows whether it begins a speaker turn or a
 * sentence. The packer fills a window greedily, then moves its end back to the
 * last turn start (or sentence start) in the window's second half, and starts
 * the next window a few whole units back so that they overlap by at most
 * overlap characters. Every cut is at an ASCII whitespace/punctuation byte, a
 * line start, after a complete CJK terminator, or after a complete valid UTF-8
 * sequence, so no valid multi-byte character is ever split. Sizes count
 * characters (bytes that are not UTF-8 continuation bytes). */
#include "rapport/chunk.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK_TARGET_DEFAULT = 1200, CHUNK_OVERLAP_DEFAULT = 200, LABEL_MAX = 48 };

typedef struct unit {
	size_t start, end; /* contiguous: units[k].end == units[k+1].start */
	size_t chars;
	bool turn; /* begins a speaker turn */
	bool sent; /* begins a sentence (or turn) */
} unit;

typedef struct chunker {
	const unsigned char *t;
	size_t len;
	size_t target, overlap, piece;
	unit *u;
	size_t n, cap;
	bool oom;
} chunker;

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid. */
static size_t utf8_valid_len(const unsigned char *p, size_t avail)
{
	unsigned char c = p[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned min;
	unsigned cp;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2, min = 0x80, cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, min = 0x800, cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
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

/* Characters in t[a..b): bytes that are not continuation bytes. */
static size_t count_chars(const unsigned char *t, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = a; i < b; i++)
		n += (t[i] & 0xC0) != 0x80;
	return n;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Appends unit [a,b) to the list. */
static void push_unit(chunker *c, size_t a, size_t b, bool turn, bool sent)
{
	if (a >= b || c->oom)
		return;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		unit *nu = realloc(c->u, ncap * sizeof *nu);
		if (!nu) {
			c->oom = true;
			return;
		}
		c->u = nu, c->cap = ncap;
	}
	c->u[c->n++] = (unit){a, b, count_chars(c->t, a, b), turn, sent};
}

static bool label_byte(unsigned char c)
{
	return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '\'' || c == '-' ||
	       c == '_' || c == '&';
}

static bool time_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || c == ':' || c == '.' || c == ',';
}

/* Skips a timestamp at i ("[00:01:23]", "(01:23)", "00:01:23.5 ") and the
 * blanks after it; returns i unchanged when there is none. */
static size_t skip_timestamp(const unsigned char *t, size_t len, size_t i)
{
	size_t j = i;
	unsigned char close = t[i] == '[' ? ']' : t[i] == '(' ? ')' : 0;
	if (close)
		j++;
	size_t d = j;
	while (j < len && j - d < 14 && (time_byte(t[j]) || (close && t[j] == ' ')))
		j++;
	if (j == d || !memchr(t + d, ':', j - d) || t[d] < '0' || t[d] > '9')
		return i;
	if (close) {
		if (j >= len || t[j] != close)
			return i;
		j++;
	} else if (j >= len || (t[j] != ' ' && t[j] != '\t')) {
		return i;
	}
	while (j < len && (t[j] == ' ' || t[j] == '\t'))
		j++;
	return j;
}

/* True when the line starting at pos opens a speaker turn: "Name:" or
 * "COACH:" followed by whitespace or the end of the text, optionally after
 * a timestamp ("[00:01:23] Dana:") or with one in parentheses before the
 * colon ("Dana Smith (00:01:23):"). */
static bool turn_at(const unsigned char *t, size_t len, size_t pos)
{
	size_t i = pos, spaces = 0;
	while (i < len && (t[i] == ' ' || t[i] == '\t') && i - pos < 8)
		i++;
	if (i < len)
		i = skip_timestamp(t, len, i);
	if (i >= len || !(t[i] >= 0x80 || (unsigned)((t[i] | 0x20) - 'a') < 26u))
		return false;
	size_t start = i;
	while (i < len && i - start < LABEL_MAX) {
		if (t[i] == '(') { /* "(00:01:23)" or "(she/her)" inside the label */
			size_t k = i + 1;
			while (k < len && k - i < 24 && t[k] != ')' && t[k] != '\n')
				k++;
			if (k >= len || t[k] != ')')
				return false;
			i = k + 1;
			continue;
		}
		if (!label_byte(t[i]))
			break;
		spaces += t[i] == ' ';
		i++;
	}
	if (i >= len || t[i] != ':' || t[i - 1] == ' ' || spaces > 4)
		return false;
	return i + 1 == len || is_space(t[i + 1]);
}

/* End of the valid character at p, or p + 1 when the byte is invalid. */
static size_t next_char(const unsigned char *t, size_t len, size_t p)
{
	size_t n = utf8_valid_len(t + p, len - p);
	return p + (n ? n : 1);
}

/* Code point of the valid UTF-8 sequence at p, -1 when invalid. */
static long cp_at(const unsigned char *t, size_t len, size_t p)
{
	size_t n = utf8_valid_len(t + p, len - p);
	if (n == 0)
		return -1;
	if (n == 1)
		return t[p];
	long cp = t[p] & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (t[p + i] & 0x3F);
	return cp;
}

static bool regional_indicator(long cp)
{
	return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

/* True when cp continues the character cluster before it (so a cut before
 * it would break what the reader sees as one character): combining marks,
 * variation selectors, the zero-width joiner and whatever follows it, emoji
 * skin-tone modifiers and tags, the second flag letter of a pair. `ri` is
 * the number of regional indicators right before cp. */
static bool joins_previous(long prev, long cp, int ri)
{
	return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
	       (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
	       (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
	       cp == 0x200D || prev == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
	       (cp >= 0xE0020 && cp <= 0xE007F) || (cp >= 0xE0100 && cp <= 0xE01EF) ||
	       (regional_indicator(cp) && regional_indicator(prev) && ri % 2 == 1);
}

/* Splits an over-long word t[a..b) into pieces of at most c->piece chars,
 * cutting between character clusters where one fits. */
static void split_chars(chunker *c, size_t a, size_t b, bool turn, bool sent)
{
	while (a < b) {
		size_t p = a, k = 0, cut = a;
		long prev = -1;
		int ri = 0;
		while (p < b && k < c->piece) {
			long cp = cp_at(c->t, b, p);
			if (p > a && !joins_previous(prev, cp, ri))
				cut = p;
			ri = regional_indicator(cp) ? ri + 1 : 0;
			prev = cp;
			p = next_char(c->t, b, p);
			k++;
		}
		if (p == b || !joins_previous(prev, cp_at(c->t, b, p), ri))
			cut = p;
		if (cut == a)
			cut = p; /* one cluster longer than a piece: cut it anyway */
		push_unit(c, a, cut, turn, sent);
		turn = sent = false;
		a = cut;
	}
}

/* Splits a sentence t[a..b) longer than the piece size into word groups. */
static void split_words(chunker *c, size_t a, size_t b, bool turn, bool sent)
{
	const unsigned char *t = c->t;
	size_t gs = a, gchars = 0, p = a;
	while (p < b) {
		size_t w = p;
		while (w < b && !is_space(t[w]))
			w++;
		while (w < b && is_space(t[w]))
			w++;
		size_t wc = count_chars(t, p, w);
		if (gchars && gchars + wc > c->piece) {
			push_unit(c, gs, p, turn, sent);
			turn = sent = false;
			gs = p, gchars = 0;
		}
		if (wc > c->piece) {
			split_chars(c, p, w, turn, sent);
			turn = sent = false;
			gs = w;
		} else {
			gchars += wc;
		}
		p = w;
	}
	push_unit(c, gs, b, turn, sent);
}

/* Adds one sentence t[a..b) as a unit, or as word groups when too long. */
static void add_sentence(chunker *c, size_t a, size_t b, bool turn)
{
	if (count_chars(c->t, a, b) <= c->piece)
		push_unit(c, a, b, turn, true);
	else
		split_words(c, a, b, turn, true);
}

/* Length of a sentence terminator at p ('.', '!', '?', '…' or a CJK full
 * stop / exclamation / question mark), 0 when there is none. */
static size_t terminator_at(const unsigned char *t, size_t len, size_t p)
{
	if (t[p] == '.' || t[p] == '!' || t[p] == '?')
		return 1;
	if (p + 2 < len && t[p] == 0xE3 && t[p + 1] == 0x80 && t[p + 2] == 0x82)
		return 3; /* 。 */
	if (p + 2 < len && t[p] == 0xEF && t[p + 1] == 0xBC &&
	    (t[p + 2] == 0x81 || t[p + 2] == 0x9F))
		return 3; /* ！ ？ */
	if (p + 2 < len && t[p] == 0xE2 && t[p + 1] == 0x80 && t[p + 2] == 0xA6)
		return 3; /* … */
	return 0;
}

/* Where the sentence that contains p ends (exclusive, trailing whitespace
 * included), at most at e. */
static size_t sentence_end(const unsigned char *t, size_t e, size_t p)
{
	while (p < e) {
		if (t[p] == '\n') {
			while (p < e && is_space(t[p]))
				p++;
			return p;
		}
		size_t k = terminator_at(t, e, p);
		if (k) {
			size_t q = p + k;
			bool cjk = k == 3 && t[p] != 0xE2;
			while (q < e && (t[q] == '"' || t[q] == '\'' || t[q] == ')' || t[q] == ']'))
				q++;
			if (cjk || q == e || is_space(t[q])) {
				while (q < e && is_space(t[q]))
					q++;
				return q;
			}
			p = q;
			continue;
		}
		p++;
	}
	return e;
}

/* Cuts segment t[s..e) (one speaker turn or the preamble) into units. */
static void add_segment(chunker *c, size_t s, size_t e, bool turn)
{
	while (s < e && !c->oom) {
		size_t q = sentence_end(c->t, e, s);
		add_sentence(c, s, q, turn);
		turn = false;
		s = q;
	}
}

/* Builds the unit list: segments start at every speaker-turn line. */
static void build_units(chunker *c)
{
	size_t seg = 0;
	bool seg_turn = turn_at(c->t, c->len, 0);
	for (size_t i = 0; i < c->len; i++) {
		if (c->t[i] != '\n' || i + 1 >= c->len || !turn_at(c->t, c->len, i + 1))
			continue;
		add_segment(c, seg, i + 1, seg_turn);
		seg = i + 1, seg_turn = true;
	}
	add_segment(c, seg, c->len, seg_turn);
}

/* Index one past the last unit of the window that starts at unit i: as many
 * units as fit in target, cut back to the latest turn start (else sentence
 * start) in the second half of the window when the greedy end is not one. */
static size_t window_end(const chunker *c, size_t i)
{
	size_t j = i, total = 0;
	while (j < c->n && (j == i || total + c->u[j].chars <= c->target))
		total += c->u[j++].chars;
	if (j == c->n || c->u[j].turn)
		return j;
	size_t best_turn = 0, best_sent = 0, acc = 0;
	for (size_t b = i + 1; b < j; b++) {
		acc += c->u[b - 1].chars;
		if (acc * 2 < c->target)
			continue;
		if (c->u[b].turn)
			best_turn = b;
		if (c->u[b].sent)
			best_sent = b;
	}
	if (best_turn)
		return best_turn;
	if (c->u[j].sent || !best_sent)
		return j;
	return best_sent;
}

/* First unit of the next window: the earliest unit in (i, b) from which the
 * window's tail fits in the overlap (and leaves room for unit b), preferring
 * a turn start, then a sentence start; b when no unit fits. */
static size_t next_start(const chunker *c, size_t i, size_t b)
{
	if (b >= c->n)
		return b;
	size_t limit = c->overlap;
	if (c->u[b].chars + limit > c->target)
		limit = c->target - c->u[b].chars;
	size_t tail = 0, k = b, first_fit = b, sent_fit = b, turn_fit = b;
	while (k > i + 1 && tail + c->u[k - 1].chars <= limit) {
		k--;
		tail += c->u[k].chars;
		first_fit = k;
		if (c->u[k].sent)
			sent_fit = k;
		if (c->u[k].turn)
			turn_fit = k;
	}
	if (turn_fit < b)
		return turn_fit;
	return sent_fit < b ? sent_fit : first_fit;
}

/* Appends span [a,b) trimmed of whitespace; nothing when empty. */
static bool push_span(chunk_span **v, size_t *n, size_t *cap, const unsigned char *t, size_t a,
                      size_t b)
{
	while (a < b && is_space(t[a]))
		a++;
	while (b > a && is_space(t[b - 1]))
		b--;
	if (a == b)
		return true;
	if (*n && b <= (*v)[*n - 1].end)
		return true; /* nothing new: contained in the previous chunk */
	if (*n && a <= (*v)[*n - 1].start) {
		(*v)[*n - 1].end = b; /* same start after trimming: the new one extends it */
		return true;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		chunk_span *nv = realloc(*v, ncap * sizeof *nv);
		if (!nv)
			return false;
		*v = nv, *cap = ncap;
	}
	(*v)[(*n)++] = (chunk_span){a, b};
	return true;
}

/* Packs the units into windows. */
static size_t pack(const chunker *c, chunk_span **out)
{
	chunk_span *v = NULL;
	size_t n = 0, cap = 0, i = 0;
	while (i < c->n) {
		size_t b = window_end(c, i);
		if (!push_span(&v, &n, &cap, c->t, c->u[i].start, c->u[b - 1].end)) {
			free(v);
			return 0;
		}
		if (b >= c->n)
			break;
		i = next_start(c, i, b);
	}
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	return n;
}

size_t chunk_text(const char *text, size_t len, const chunk_opts *o, chunk_span **out)
{
	*out = NULL;
	if (!text || len == 0)
		return 0;
	chunker c = {.t = (const unsigned char *)text, .len = len};
	c.target = o && o->target_chars ? o->target_chars : CHUNK_TARGET_DEFAULT;
	c.overlap = o && o->overlap_chars ? o->overlap_chars : CHUNK_OVERLAP_DEFAULT;
	if (c.overlap >= c.target)
		c.overlap = c.target / 2;
	c.piece = c.overlap ? c.overlap : c.target;
	build_units(&c);
	size_t n = c.oom ? 0 : pack(&c, out);
	free(c.u);
	return n;
}
