/* Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
 * libFuzzer: every regular file in the directories (or the files) given as
 * arguments, or stdin when there are none. Prints cmocka-style summary lines
 * so tests/run.sh counts one test per input; a crash fails the program. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_passed, replay_failed;

/* Reads all of f into a malloc'd buffer (*n bytes); NULL on error. */
static uint8_t *replay_slurp(FILE *f, size_t *n)
{
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				free(buf);
			buf = nb;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	*n = len;
	return buf;
}

/* Runs one input from f, named name in the output. */
static void replay_one(FILE *f, const char *name)
{
	size_t n = 0;
	uint8_t *data = replay_slurp(f, &n);
	if (!data) {
		printf("[  ERROR   ] cannot read %s\n", name);
		replay_failed++;
		return;
	}
	printf("[ RUN      ] %s (%zu bytes)\n", name, n);
	fflush(stdout); /* the name is on record if the target crashes */
	/* A copy of exactly n bytes lets ASan catch reads past the end. */
	uint8_t *exact = malloc(n ? n : 1);
	if (exact) {
		if (n)
			memcpy(exact, data, n);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
		replay_passed++;
	} else {
		replay_failed++;
	}
	free(data);
}

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("[  ERROR   ] cannot open %s\n", path);
		replay_failed++;
		return;
	}
	replay_one(f, path);
	fclose(f);
}

static int replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir, in name order. */
static void replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("[  ERROR   ] cannot open %s\n", dir);
		replay_failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char **nn = realloc(names, (n + 1) * sizeof *names);
		if (!nn)
			break;
		names = nn;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if ((names[n] = malloc(len)) != NULL)
			snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof *names, replay_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
			replay_file(names[i]);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2)
		replay_one(stdin, "<stdin>");
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("[==========] %d test(s) run.\n", replay_passed + replay_failed);
	printf("[  PASSED  ] %d test(s).\n", replay_passed);
	if (replay_failed)
		printf("[  FAILED  ] %d test(s)\n", replay_failed);
	return replay_failed ? 1 : 0;
}
