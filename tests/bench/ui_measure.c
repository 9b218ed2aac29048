/* ui_measure (make bench, tests/bench/ui_paint.sh): runs a terminal program
 * in the screen-test harness (tests/common/vt.c) and reports
 *   first_paint_ms  exec → FIRSTTEXT on screen
 *   move_ms         key → last byte of the repaint (median of N moves, the
 *                   next key sent 40 ms after the last byte: a held key)
 *   move_first_ms   key → first byte of the repaint (median)
 *   move_bytes      bytes written for one move (median)
 *   rest_ms, rest_bytes  the same for 20 isolated moves, each followed by
 *                   400 ms of rest, so that everything a move causes (in
 *                   rapport: the detail pane of the new record) is counted
 *   rss_kb          resident memory of the program and its children after
 *                   the moves (for a pipeline: every process in it)
 * Usage: ui_measure ROWS COLS FIRSTTEXT KEY N -- PROGRAM [ARGS...]
 * KEY uses vt_keys syntax (j, <Down>); at the end of the list the moves
 * turn round (k, <Up>). UI_MEASURE_SETUP=KEYS (and
 * UI_MEASURE_SETUP_WAIT=TEXT) are typed after the first paint, before the
 * moves. Figures only: nothing is asserted. */
#include "common/vt.h"

#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Monotonic time in microseconds. */
static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Parent pid of pid from /proc, or -1. */
static long parent_of(long pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	long ppid = -1;
	if (p)
		sscanf(p + 2, "%*c %ld", &ppid);
	return ppid;
}

/* VmRSS of one process in kB (0 if gone). */
static long rss_of(long pid)
{
	char path[64], line[256];
	long kb = 0;
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* True when pid descends from root. */
static int descends(long pid, long root)
{
	for (int depth = 0; pid > 1 && depth < 16; depth++) {
		if (pid == root)
			return 1;
		pid = parent_of(pid);
	}
	return 0;
}

/* RSS of root and all its descendants. */
static long tree_rss(long root)
{
	long total = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		long pid = strtol(e->d_name, NULL, 10);
		if (pid > 0 && descends(pid, root))
			total += rss_of(pid);
	}
	if (d)
		closedir(d);
	return total;
}

/* Pumps until no output for quiet_ms after some arrived; returns the time of
 * the last byte (or start if none came within timeout), *first that of the
 * first one. */
static long long last_byte_after(vt *t, long long start, int quiet_ms, int timeout_ms,
                                 long long *first)
{
	size_t before = vt_bytes(t);
	long long last = start, deadline = start + (long long)timeout_ms * 1000;
	*first = start;
	while (now_us() < deadline) {
		vt_pump(t, quiet_ms);
		if (vt_bytes(t) != before) {
			before = vt_bytes(t);
			last = now_us();
			if (*first == start)
				*first = last;
		} else if (last != start) {
			break;
		}
	}
	return last;
}

/* Ascending compare for qsort. */
static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

typedef struct moves {
	long long ms, ms_p90, first_ms, bytes; /* medians (µs, bytes) */
} moves;

/* Sends n moves of key, each measured until quiet_ms pass without output;
 * at the end of the list the key does nothing: it turns round (j↔k,
 * Down↔Up) and that move is not counted. */
static moves run_moves(vt *t, const char *key, int n, int quiet_ms)
{
	long long *ms = calloc((size_t)n, sizeof *ms), *bytes = calloc((size_t)n, sizeof *bytes);
	long long *fms = calloc((size_t)n, sizeof *fms);
	const char *back = strcmp(key, "j") == 0 ? "k" : strcmp(key, "<Down>") == 0 ? "<Up>" : key;
	const char *cur = key;
	int bounces = 0, i = 0;
	while (i < n && bounces < n) {
		size_t b0 = vt_bytes(t);
		long long s = now_us();
		vt_keys(t, cur);
		long long first_byte;
		long long last = last_byte_after(t, s, quiet_ms, 1000 + quiet_ms, &first_byte);
		if (vt_bytes(t) == b0) {
			cur = cur == key ? back : key;
			bounces++;
			continue;
		}
		ms[i] = last - s;
		fms[i] = first_byte - s;
		bytes[i] = (long long)(vt_bytes(t) - b0);
		i++;
	}
	if (i == 0)
		i = 1; /* nothing moved: zeros */
	qsort(ms, (size_t)i, sizeof *ms, cmp_ll);
	qsort(fms, (size_t)i, sizeof *fms, cmp_ll);
	qsort(bytes, (size_t)i, sizeof *bytes, cmp_ll);
	moves m = {ms[i / 2], ms[i * 9 / 10], fms[i / 2], bytes[i / 2]};
	free(ms);
	free(fms);
	free(bytes);
	return m;
}

/* Starts the program, measures the first paint, N moves and the memory. */
int main(int argc, char **argv)
{
	if (argc < 8 || strcmp(argv[6], "--") != 0) {
		fprintf(stderr,
		        "usage: ui_measure ROWS COLS FIRSTTEXT KEY N -- PROGRAM [ARGS...]\n");
		return 2;
	}
	int rows = atoi(argv[1]), cols = atoi(argv[2]), n = atoi(argv[5]);
	const char *first = argv[3], *key = argv[4];
	if (n < 1 || n > 10000)
		n = 50;
	vt_opts o = {
	    .rows = rows, .cols = cols, .binary = argv[7], .args = (const char *const *)argv + 8};
	long long t0 = now_us();
	vt *t = vt_start_opts(&o);
	if (!vt_wait_text(t, first, 600000)) {
		vt_free(t);
		return 1;
	}
	long long paint = now_us() - t0;
	vt_settle(t, 300, 30000);
	/* optional: keys that bring the program to the list to move in */
	const char *setup = getenv("UI_MEASURE_SETUP"),
	           *setup_wait = getenv("UI_MEASURE_SETUP_WAIT");
	if (setup && *setup) {
		vt_keys(t, setup);
		if (setup_wait && *setup_wait && !vt_wait_text(t, setup_wait, 60000)) {
			vt_free(t);
			return 1;
		}
		vt_settle(t, 300, 30000);
	}
	moves held = run_moves(t, key, n, 40);
	moves rest = run_moves(t, key, 20, 400);
	long rss = tree_rss(vt_pid(t));
	printf("first_paint_ms %.1f\n", paint / 1000.0);
	printf("move_ms %.2f\n", held.ms / 1000.0);
	printf("move_ms_p90 %.2f\n", held.ms_p90 / 1000.0);
	printf("move_first_ms %.2f\n", held.first_ms / 1000.0);
	printf("move_bytes %lld\n", held.bytes);
	printf("rest_ms %.2f\n", rest.ms / 1000.0);
	printf("rest_bytes %lld\n", rest.bytes);
	printf("rss_kb %ld\n", rss);
	vt_free(t);
	return 0;
}
