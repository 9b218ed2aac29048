/* Unit tests for the transcript chunker (src/core/chunk.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/chunk_check.h"
#include "rapport/chunk.h"

#define ws(c) chunk_check_ws((unsigned char)(c))
#define nchars chunk_check_chars

/* Chunks t and checks every invariant (tests/common/chunk_check.h); returns
 * the chunk count, the spans in *out when out is not NULL. */
static size_t check_chunks(const char *t, size_t len, const chunk_opts *o, chunk_span **out)
{
	chunk_span *v = NULL;
	size_t n = chunk_text(t, len, o, &v);
	const char *bad = chunk_check_spans(t, len, o, v, n);
	if (bad)
		fail_msg("chunking broke an invariant: %s", bad);
	if (out)
		*out = v;
	else
		free(v);
	return n;
}

/* Growable string for building test texts. */
typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		assert_non_null(b->s);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void sb_puts(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static const char *const sentences[] = {
    "I keep taking on work that my team could do.",
    "What would it look like to hand that over?",
    "Honestly, it scares me a little.",
    "Let's talk about what you are afraid of losing.",
    "The quarterly review went better than expected!",
    "Can we come back to the feedback conversation with Priya?",
};

/* A transcript of `turns` turns alternating COACH / Dana, each with
 * `per_turn` sentences. */
static char *make_transcript(int turns, int per_turn, size_t *len)
{
	sbuf b = {0};
	unsigned r = 7;
	for (int i = 0; i < turns; i++) {
		sb_puts(&b, i % 2 ? "Dana Smith: " : "COACH: ");
		for (int k = 0; k < per_turn; k++) {
			r = r * 1103515245 + 12345;
			sb_puts(&b, sentences[(r >> 16) % 6]);
			sb_puts(&b, k + 1 < per_turn ? " " : "\n");
		}
	}
	*len = b.n;
	return b.s;
}

static void test_empty_and_whitespace(void **state)
{
	(void)state;
	chunk_span *v = (chunk_span *)1;
	assert_int_equal(chunk_text("", 0, NULL, &v), 0);
	assert_null(v);
	v = (chunk_span *)1;
	assert_int_equal(chunk_text(" \n\t\r\n  ", 7, NULL, &v), 0);
	assert_null(v);
	v = (chunk_span *)1;
	assert_int_equal(chunk_text(NULL, 0, NULL, &v), 0);
	assert_null(v);
}

static void test_small_text_one_chunk(void **state)
{
	(void)state;
	const char *t = "  COACH: Hello there.\nDana: Hi!  \n";
	chunk_span *v;
	size_t n = check_chunks(t, strlen(t), NULL, &v);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].start, 2);
	assert_int_equal(v[0].end, strlen(t) - 3);
	assert_memory_equal(t + v[0].start, "COACH: Hello there.\nDana: Hi!", v[0].end - v[0].start);
	free(v);
}

/* A chunk ends at a turn boundary when the text after it opens a turn. */
static bool ends_at_turn(const char *t, size_t len, size_t end)
{
	size_t i = end;
	while (i < len && ws(t[i]))
		i++;
	return !strncmp(t + i, "COACH: ", 7) || !strncmp(t + i, "Dana Smith: ", 12);
}

static void test_turn_boundaries_respected(void **state)
{
	(void)state;
	size_t len;
	char *t = make_transcript(60, 2, &len); /* turns of ~80-120 chars */
	chunk_opts o = {.target_chars = 600, .overlap_chars = 150};
	chunk_span *v;
	size_t n = check_chunks(t, len, &o, &v);
	assert_true(n > 5);
	for (size_t k = 0; k + 1 < n; k++) {
		assert_true(ends_at_turn(t, len, v[k].end));
		/* windows use most of the target */
		assert_true(nchars(t, v[k].start, v[k].end) >= 300);
		/* and the next one starts at a turn too (overlap of whole turns) */
		assert_true(!strncmp(t + v[k + 1].start, "COACH: ", 7) ||
		            !strncmp(t + v[k + 1].start, "Dana Smith: ", 12));
	}
	free(v);
	free(t);
}

/* True when a turn of the timestamped transcript starts at p. */
static bool stamped_turn_at(const char *t, size_t p)
{
	return (p == 0 || t[p - 1] == '\n') &&
	       (!strncmp(t + p, "[00:", 4) || !strncmp(t + p, "Dana Smith (", 12) ||
	        !strncmp(t + p, "01:", 3));
}

static void test_timestamped_speaker_labels(void **state)
{
	(void)state;
	sbuf b = {0};
	char line[256];
	for (int i = 0; i < 90; i++) {
		if (i % 3 == 0)
			snprintf(line, sizeof line, "[00:%02d:%02d] COACH: ", i / 60, i % 60);
		else if (i % 3 == 1)
			snprintf(line, sizeof line, "Dana Smith (00:%02d:%02d): ", i / 60, i % 60);
		else
			snprintf(line, sizeof line, "01:%02d:%02d Speaker 2: ", i / 60, i % 60);
		sb_puts(&b, line);
		/* two lines per turn: a chunk may only end where the next turn begins */
		sb_puts(&b, sentences[i % 6]);
		sb_puts(&b, "\nand then ");
		sb_puts(&b, sentences[(i + 1) % 6]);
		sb_puts(&b, "\n");
	}
	chunk_opts o = {.target_chars = 500, .overlap_chars = 150};
	chunk_span *v;
	size_t n = check_chunks(b.s, b.n, &o, &v);
	assert_true(n > 10);
	for (size_t k = 0; k < n; k++) {
		assert_true(stamped_turn_at(b.s, v[k].start));
		if (k + 1 < n)
			assert_true(stamped_turn_at(b.s, v[k].end + 1));
	}
	free(v);
	free(b.s);
}

static void test_overlap(void **state)
{
	(void)state;
	size_t len;
	char *t = make_transcript(4, 40, &len); /* long turns of short sentences */
	chunk_opts o = {.target_chars = 500, .overlap_chars = 120};
	chunk_span *v;
	size_t n = check_chunks(t, len, &o, &v);
	assert_true(n > 6);
	for (size_t k = 0; k + 1 < n; k++) {
		assert_true(v[k + 1].start < v[k].end); /* they overlap */
		assert_true(nchars(t, v[k + 1].start, v[k].end) <= 120);
		/* the overlap starts at a sentence or a turn */
		char before = t[v[k + 1].start - 1];
		assert_true(ws(before));
		char prev = t[v[k + 1].start - 2];
		assert_true(prev == '.' || prev == '?' || prev == '!' || prev == '\n');
	}
	free(v);
	free(t);
}

static void test_offsets_round_trip(void **state)
{
	(void)state;
	size_t len;
	char *t = make_transcript(30, 5, &len);
	chunk_span *v;
	size_t n = check_chunks(t, len, NULL, &v);
	assert_true(n >= 2);
	/* the chunk texts, rejoined at their overlaps, reproduce the source */
	sbuf b = {0};
	size_t pos = v[0].start;
	sb_add(&b, t, v[0].start);
	for (size_t k = 0; k < n; k++) {
		if (v[k].start > pos)
			sb_add(&b, t + pos, v[k].start - pos);
		size_t from = v[k].start > pos ? v[k].start : pos;
		if (v[k].end > from)
			sb_add(&b, t + from, v[k].end - from);
		if (v[k].end > pos)
			pos = v[k].end;
	}
	sb_add(&b, t + pos, len - pos);
	assert_int_equal(b.n, len);
	assert_memory_equal(b.s, t, len);
	free(b.s);
	free(v);
	free(t);
}

static void test_cjk_and_emoji(void **state)
{
	(void)state;
	sbuf b = {0};
	for (int i = 0; i < 200; i++) {
		sb_puts(&b, i % 3 == 0 ? "コーチ: " : "");
		sb_puts(&b, "今日は委任について話しましょう。チームに任せるのは怖いです！");
		sb_puts(&b, "😀🎉👩‍💻🇯🇵");
		sb_puts(&b, i % 3 == 2 ? "\n" : "");
	}
	chunk_opts o = {.target_chars = 100, .overlap_chars = 20};
	chunk_span *v;
	size_t n = check_chunks(b.s, b.n, &o, &v);
	assert_true(n > 50);
	free(v);
	/* one line of CJK with no terminators at all: character splits */
	sbuf c = {0};
	for (int i = 0; i < 500; i++)
		sb_puts(&c, "委任");
	n = check_chunks(c.s, c.n, &o, NULL);
	assert_true(n >= 10);
	free(b.s);
	free(c.s);
}

/* Cuts between characters fall between clusters: never inside an emoji ZWJ
 * sequence, a flag, or a letter with its combining accent. */
static void test_clusters_not_split(void **state)
{
	(void)state;
	static const char *const clusters[] = {
	    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", /* woman technologist (ZWJ) */
	    "\xf0\x9f\x87\xaf\xf0\x9f\x87\xb5",                 /* flag: JP */
	    "e\xcc\x81",                                         /* e + combining acute */
	    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd",                 /* thumbs up, skin tone */
	    "\xe5\xa7\x94",                                     /* a CJK ideograph */
	};
	sbuf b = {0};
	bool *ok = calloc(20000, 1);
	for (int i = 0; i < 700; i++) {
		ok[b.n] = true;
		sb_puts(&b, clusters[(i * 7 + i / 5) % 5]);
	}
	ok[b.n] = true;
	for (size_t target = 6; target <= 40; target += 17) {
		chunk_opts o = {.target_chars = target, .overlap_chars = 3};
		chunk_span *v;
		size_t n = check_chunks(b.s, b.n, &o, &v);
		assert_true(n > 20);
		for (size_t k = 0; k < n; k++) {
			if (!ok[v[k].start] || !ok[v[k].end])
				fail_msg("target %zu: chunk %zu [%zu, %zu) cuts a cluster", target, k,
				         v[k].start, v[k].end);
		}
		free(v);
	}
	free(ok);
	free(b.s);
}

static void test_huge_single_turn(void **state)
{
	(void)state;
	size_t len = 10u << 20;
	char *t = malloc(len + 1);
	assert_non_null(t);
	memcpy(t, "COACH: ", 7);
	static const char words[] = "delegation trust feedback team priorities energy ";
	for (size_t i = 7; i < len; i++)
		t[i] = words[i % (sizeof words - 1)];
	t[len] = '\0';
	chunk_span *v;
	size_t n = check_chunks(t, len, NULL, &v);
	assert_true(n > (len / 1200));
	free(v);
	/* no whitespace at all: split at characters */
	memset(t, 'x', len);
	n = check_chunks(t, len, NULL, NULL);
	assert_true(n > len / 1200);
	free(t);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	unsigned r = 12345;
	for (int round = 0; round < 200; round++) {
		size_t len = 1 + round * 37 % 3000;
		char *t = malloc(len);
		assert_non_null(t);
		for (size_t i = 0; i < len; i++) {
			r = r * 1103515245 + 12345;
			unsigned x = (r >> 16) & 0xFF;
			/* mix of ASCII, spaces, newlines, colons, lead and continuation bytes */
			t[i] = (char)(x < 40 ? ' ' : x < 50 ? '\n' : x < 60 ? ':' : x < 70 ? '.' : x);
		}
		chunk_opts o = {.target_chars = 1 + round % 97, .overlap_chars = round % 13};
		check_chunks(t, len, &o, NULL);
		free(t);
	}
	/* a truncated 4-byte sequence at the very end, and lone continuation bytes */
	const char bad[] = "COACH: abc \xF0\x9F\x98 def \x80\x80 ghi \xE3\x80";
	check_chunks(bad, sizeof bad - 1, &(chunk_opts){.target_chars = 4, .overlap_chars = 1}, NULL);
}

static void test_options_defaults_and_clamp(void **state)
{
	(void)state;
	size_t len;
	char *t = make_transcript(40, 4, &len);
	chunk_span *a, *b;
	size_t na = chunk_text(t, len, NULL, &a);
	size_t nb = chunk_text(t, len, &(chunk_opts){1200, 200}, &b);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na * sizeof *a);
	free(a);
	free(b);
	/* overlap >= target is clamped and still makes progress */
	size_t n = check_chunks(t, len, &(chunk_opts){.target_chars = 100, .overlap_chars = 500}, NULL);
	assert_true(n > len / 100);
	free(t);
}

/* The shared checker itself catches each kind of broken chunking (so a
 * chunker bug cannot pass the tests above and the fuzz target unnoticed). */
static void test_checker_catches_bad_spans(void **state)
{
	(void)state;
	const char *t = "COACH: h\xc3\xa9llo there. Dana: yes"; /* é is 2 bytes */
	size_t len = strlen(t);
	chunk_opts o = {.target_chars = 20};
	chunk_span good[] = {{0, 20}, {21, len}};
	assert_null(chunk_check_spans(t, len, &o, good, 2));
	chunk_span untrimmed[] = {{0, 21}, {21, len}};
	assert_string_equal(chunk_check_spans(t, len, &o, untrimmed, 2), "span not trimmed");
	chunk_span split[] = {{0, 9}, {10, len}}; /* ends inside é */
	assert_string_equal(chunk_check_spans(t, len, &o, split, 2), "span cuts a UTF-8 sequence");
	chunk_span gap[] = {{0, 8}, {21, len}};
	assert_string_equal(chunk_check_spans(t, len, &o, gap, 2), "text between spans not covered");
	chunk_span tail[] = {{0, 20}};
	assert_string_equal(chunk_check_spans(t, len, &o, tail, 1),
	                    "text after the last span not covered");
	chunk_span longer[] = {{0, len}};
	assert_string_equal(chunk_check_spans(t, len, &o, longer, 1), "span longer than the target");
	chunk_span order[] = {{0, 20}, {0, 8}};
	assert_string_equal(chunk_check_spans(t, len, &o, order, 2), "spans not ordered");
	chunk_span outside[] = {{21, len + 1}};
	assert_string_equal(chunk_check_spans(t, len, &o, outside, 1),
	                    "span empty or outside the text");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_checker_catches_bad_spans),
	    cmocka_unit_test(test_empty_and_whitespace),
	    cmocka_unit_test(test_small_text_one_chunk),
	    cmocka_unit_test(test_turn_boundaries_respected),
	    cmocka_unit_test(test_timestamped_speaker_labels),
	    cmocka_unit_test(test_overlap),
	    cmocka_unit_test(test_offsets_round_trip),
	    cmocka_unit_test(test_cjk_and_emoji),
	    cmocka_unit_test(test_clusters_not_split),
	    cmocka_unit_test(test_huge_single_turn),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_options_defaults_and_clamp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
