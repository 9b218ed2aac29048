/* Deterministic composition for the seed data: a splitmix64 PRNG, a growable
 * buffer, placeholder expansion, and transcripts assembled from topic banks. */
#include "db/seed_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void seed_first_name(const char *full, char *out, size_t n)
{
	if (strncmp(full, "Dr. ", 4) == 0)
		full += 4;
	size_t k = strcspn(full, " ");
	if (k >= n)
		k = n - 1;
	memcpy(out, full, k);
	out[k] = '\0';
}

/* 64-bit FNV-1a of a NUL-terminated string. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void seed_rng_init(seed_rng *r, unsigned seed, const char *name)
{
	r->s = fnv1a(name) ^ ((uint64_t)seed * 0x9E3779B97F4A7C15ULL);
}

uint64_t seed_rng_next(seed_rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

unsigned seed_rng_below(seed_rng *r, unsigned n)
{
	return (unsigned)(seed_rng_next(r) % n);
}

/* Grows b to hold n more bytes plus a NUL; aborts when memory runs out. */
static void buf_reserve(seed_buf *b, size_t n)
{
	if (b->len + n + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		fputs("rapport: out of memory while generating seed data\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

void seed_buf_add(seed_buf *b, const void *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void seed_buf_str(seed_buf *b, const char *s)
{
	seed_buf_add(b, s, strlen(s));
}

void seed_buf_fmt(seed_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Value of placeholder `name` (len bytes), or NULL when unknown. */
static const char *var_value(const seed_vars *v, const char *name, size_t len, char *num)
{
	static const struct {
		const char *name;
		size_t off;
	} map[] = {
	    {"C", offsetof(seed_vars, client)},    {"K", offsetof(seed_vars, coach)},
	    {"ORG", offsetof(seed_vars, org)},     {"DEPT", offsetof(seed_vars, dept)},
	    {"TITLE", offsetof(seed_vars, title)}, {"GOAL", offsetof(seed_vars, goal)},
	    {"PREV", offsetof(seed_vars, prev)},   {"PEER", offsetof(seed_vars, peer)},
	    {"MODEL", offsetof(seed_vars, model)}, {"Q", offsetof(seed_vars, quarter)},
	    {"LAST", offsetof(seed_vars, last)},
	};
	if (len == 4 && memcmp(name, "TEAM", 4) == 0) {
		snprintf(num, 16, "%d", v->team);
		return num;
	}
	if (len == 3 && memcmp(name, "DAY", 3) == 0) {
		static const char *days[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
		                             "Friday"};
		return days[(unsigned)v->team % 5];
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i].name) == len && memcmp(map[i].name, name, len) == 0) {
			const char *s = *(const char *const *)((const char *)v + map[i].off);
			return s ? s : "";
		}
	return NULL;
}

void seed_fill(seed_buf *b, const char *t, const seed_vars *v)
{
	char num[16];
	while (*t) {
		const char *open = strchr(t, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			seed_buf_str(b, t);
			return;
		}
		seed_buf_add(b, t, (size_t)(open - t));
		const char *val = var_value(v, open + 1, (size_t)(close - open - 1), num);
		if (val)
			seed_buf_str(b, val);
		else
			seed_buf_add(b, open, (size_t)(close - open + 1));
		t = close + 1;
	}
}

/* Appends one speaker turn "Name: text\n\n". */
static void turn(seed_buf *b, const char *who, const char *t, const seed_vars *v)
{
	seed_buf_str(b, who);
	seed_buf_str(b, ": ");
	seed_fill(b, t, v);
	seed_buf_str(b, "\n\n");
}

/* Appends one speaker turn made of two sentences "Name: t1 t2\n\n". */
static void turn2(seed_buf *b, const char *who, const char *t1, const char *t2, const seed_vars *v)
{
	seed_buf_str(b, who);
	seed_buf_str(b, ": ");
	seed_fill(b, t1, v);
	seed_buf_str(b, " ");
	seed_fill(b, t2, v);
	seed_buf_str(b, "\n\n");
}

/* Random entry of a NULL-terminated list. */
static const char *pick(seed_rng *r, const char *const *list)
{
	return list[seed_rng_below(r, (unsigned)seed_count(list))];
}

/* Random entry of a fixed-size array whose unused tail is NULL. */
static const char *pick_n(seed_rng *r, const char *const *arr, size_t n)
{
	size_t k = 0;
	while (k < n && arr[k])
		k++;
	return arr[seed_rng_below(r, (unsigned)k)];
}

/* Fisher-Yates shuffle of 0..n-1 into idx. */
static void shuffle(seed_rng *r, unsigned *idx, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		idx[i] = i;
	for (unsigned i = n; i > 1; i--) {
		unsigned j = seed_rng_below(r, i);
		unsigned t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

void seed_transcript(seed_buf *b, seed_rng *r, const seed_topic *topic, const seed_vars *v,
                     const char *const *tie_in, int first_session, size_t target,
                     seed_buf *commit_out)
{
	const char *K = v->coach, *C = v->client;
	size_t start = b->len;
	unsigned order[5];
	shuffle(r, order, 5);
	turn(b, K, pick(r, first_session ? seed_open_first : seed_open_next), v);
	if (!first_session && v->last && *v->last) {
		turn(b, C, pick(r, seed_report_back), v);
		turn(b, K, pick(r, seed_learn_ask), v);
		turn2(b, C, pick(r, seed_learning), pick_n(r, topic->situation, 4), v);
	} else {
		turn(b, C, pick_n(r, topic->situation, 4), v);
	}
	turn(b, K, topic->explore[order[0]], v);
	turn(b, C, topic->reflect[order[0]], v);
	unsigned next = 1;
	/* the coach's reflection leads into the next question: no two turns in a row */
	if (v->goal && *v->goal) {
		turn2(b, K, pick_n(r, topic->insight, 3), pick(r, seed_goal_link), v);
		turn(b, C, pick(r, seed_goal_reply), v);
	} else {
		turn2(b, K, pick_n(r, topic->insight, 3), topic->explore[order[next]], v);
		turn(b, C, topic->reflect[order[next]], v);
		next++;
	}
	/* ~1.1 KB of closing turns follow; add explore pairs until near target. */
	while (next < 5 && (next < 2 || b->len - start + 1100 < target)) {
		if (next == 3 && b->len - start + 2000 < target)
			turn2(b, K, topic->insight[order[next] % 3], topic->explore[order[next]],
			      v);
		else
			turn(b, K, topic->explore[order[next]], v);
		turn(b, C, topic->reflect[order[next]], v);
		next++;
	}
	if (tie_in && tie_in[0])
		turn(b, K, pick_n(r, tie_in, 3), v);
	else
		turn(b, K,
		     "What options do you see? Let's get a few on the table before we judge any of "
		     "them.",
		     v);
	unsigned o1 = seed_rng_below(r, 3), o2 = (o1 + 1 + seed_rng_below(r, 2)) % 3;
	if (b->len - start + 1400 < target)
		turn2(b, C, topic->options[o1], topic->options[o2], v);
	else
		turn(b, C, topic->options[o1], v);
	turn(b, K, pick(r, seed_ask_commit), v);
	const char *commit = pick_n(r, topic->commit, 3);
	turn(b, C, commit, v);
	if (commit_out) {
		commit_out->len = 0;
		seed_fill(commit_out, commit, v);
	}
	unsigned close = seed_rng_below(r, (unsigned)seed_count(seed_close_coach));
	turn(b, K, seed_close_coach[close], v); /* the closing lines are pairs */
	turn(b, C, seed_close_client[close], v);
	b->len--; /* one trailing newline is enough */
	b->p[b->len] = '\0';
}

void seed_dialogue(seed_buf *b, seed_rng *r, const seed_topic *main_topic,
                   const seed_topic *alt, const seed_vars *v, size_t target)
{
	size_t start = b->len;
	while (b->len - start < target) {
		const seed_topic *topic = alt && seed_rng_below(r, 4) == 0 ? alt : main_topic;
		unsigned k = seed_rng_below(r, 5);
		switch (seed_rng_below(r, 6)) {
		case 0:
			turn(b, v->coach, pick(r, seed_open_next), v);
			turn(b, v->client, pick_n(r, topic->situation, 4), v);
			break;
		case 1:
			turn2(b, v->coach, pick_n(r, topic->insight, 3), pick(r, seed_ask_commit),
			      v);
			turn(b, v->client, pick_n(r, topic->commit, 3), v);
			break;
		case 2:
			turn(b, v->coach,
			     "What options do you see? Let's get a few on the table before we "
			     "judge any of them.",
			     v);
			turn(b, v->client, pick_n(r, topic->options, 3), v);
			break;
		default:
			turn(b, v->coach, topic->explore[k], v);
			turn(b, v->client, topic->reflect[k], v);
		}
	}
	while (b->len > start && b->p[b->len - 1] == '\n')
		b->len--;
	b->p[b->len] = '\0';
}
