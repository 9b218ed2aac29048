/* vec_rotate (make bench, tests/bench/index_variants.sh): applies one fixed,
 * randomized orthogonal rotation to vectors in pgvector's text form.
 *
 * Input: lines `KEY<TAB>[v1,v2,...,vD]`, as `COPY (SELECT id, embedding ...)
 * TO STDOUT` writes them. Output: the same lines with the vector rotated, in
 * a form `COPY ... FROM STDIN` reads back (floats written with 9 significant
 * digits: they read back as the same float).
 *
 * The rotation is ROUNDS rounds of: a random sign per coordinate, a random
 * permutation of the coordinates, then a normalized Walsh-Hadamard transform
 * of each block of BLOCK coordinates (D must be a multiple of BLOCK). Every
 * step is orthogonal, so inner products, norms and cosine distances are
 * preserved (up to float rounding). Sparse signed vectors (the hash
 * embedder's) become dense, so their sign bits carry information for
 * binary_quantize(). The signs and permutations come from a xorshift64
 * generator with a fixed seed: every run, and the queries and the rows of one
 * run, get the same rotation. Usage: vec_rotate [DIM] (default 1536). Exit
 * status 1 on a malformed line or a vector of another dimension. */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROUNDS = 3, BLOCK = 512, DIM_DEFAULT = 1536 };
static const uint64_t SEED = 0x9E3779B97F4A7C15ull;

typedef struct rotation {
	int dim;
	float *sign[ROUNDS]; /* +1 or -1 per coordinate */
	int *perm[ROUNDS];   /* destination of each coordinate */
} rotation;

/* xorshift64: the next pseudo-random number of *state. */
static uint64_t next_rand(uint64_t *state)
{
	uint64_t s = *state;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return *state = s;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		fprintf(stderr, "vec_rotate: out of memory\n");
		exit(1);
	}
	return p;
}

/* The signs and permutations of every round, from the fixed seed. */
static void rotation_init(rotation *r, int dim)
{
	uint64_t state = SEED;
	r->dim = dim;
	for (int k = 0; k < ROUNDS; k++) {
		r->sign[k] = xmalloc(sizeof(float) * (size_t)dim);
		r->perm[k] = xmalloc(sizeof(int) * (size_t)dim);
		for (int i = 0; i < dim; i++) {
			r->sign[k][i] = (next_rand(&state) & 1) ? 1.0f : -1.0f;
			r->perm[k][i] = i;
		}
		for (int i = dim - 1; i > 0; i--) { /* Fisher-Yates */
			int j = (int)(next_rand(&state) % (uint64_t)(i + 1));
			int t = r->perm[k][i];
			r->perm[k][i] = r->perm[k][j];
			r->perm[k][j] = t;
		}
	}
}

static void rotation_free(rotation *r)
{
	for (int k = 0; k < ROUNDS; k++) {
		free(r->sign[k]);
		free(r->perm[k]);
	}
}

/* In-place normalized fast Walsh-Hadamard transform of BLOCK values. */
static void fwht(float *a)
{
	for (int h = 1; h < BLOCK; h <<= 1)
		for (int i = 0; i < BLOCK; i += h << 1)
			for (int j = i; j < i + h; j++) {
				float x = a[j], y = a[j + h];
				a[j] = x + y;
				a[j + h] = x - y;
			}
	const float norm = 1.0f / sqrtf((float)BLOCK);
	for (int i = 0; i < BLOCK; i++)
		a[i] *= norm;
}

/* Rotates v (r->dim values) in place; tmp has room for r->dim values. */
static void rotation_apply(const rotation *r, float *v, float *tmp)
{
	for (int k = 0; k < ROUNDS; k++) {
		for (int i = 0; i < r->dim; i++)
			tmp[r->perm[k][i]] = v[i] * r->sign[k][i];
		for (int b = 0; b < r->dim; b += BLOCK)
			fwht(tmp + b);
		memcpy(v, tmp, sizeof(float) * (size_t)r->dim);
	}
}

/* Parses "[v1,...,vdim]" (then end of line) into v; 0 on success. */
static int parse_vector(const char *p, float *v, int dim)
{
	if (*p++ != '[')
		return -1;
	for (int i = 0; i < dim; i++) {
		char *end;
		errno = 0;
		v[i] = strtof(p, &end);
		if (end == p || errno == ERANGE || *end != (i + 1 < dim ? ',' : ']'))
			return -1;
		p = end + 1;
	}
	return *p == '\0' || *p == '\n' ? 0 : -1;
}

int main(int argc, char **argv)
{
	int dim = argc > 1 ? atoi(argv[1]) : DIM_DEFAULT;
	if (argc > 2 || dim <= 0 || dim % BLOCK != 0) {
		fprintf(stderr, "usage: vec_rotate [DIM] (DIM a multiple of %d)\n", BLOCK);
		return 2;
	}
	rotation r;
	rotation_init(&r, dim);
	float *v = xmalloc(sizeof(float) * (size_t)dim);
	float *tmp = xmalloc(sizeof(float) * (size_t)dim);
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;
	while (getline(&line, &cap, stdin) >= 0) {
		lineno++;
		char *tab = strchr(line, '\t');
		if (!tab || parse_vector(tab + 1, v, dim) != 0) {
			fprintf(stderr, "vec_rotate: line %ld: not KEY<TAB>[%d floats]\n", lineno,
			        dim);
			rc = 1;
			break;
		}
		rotation_apply(&r, v, tmp);
		fwrite(line, 1, (size_t)(tab - line), stdout);
		fputs("\t[", stdout);
		for (int i = 0; i < dim; i++)
			printf(i ? ",%.9g" : "%.9g", (double)v[i]);
		fputs("]\n", stdout);
	}
	if (rc == 0 && (ferror(stdin) || fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "vec_rotate: I/O error\n");
		rc = 1;
	}
	free(line);
	free(v);
	free(tmp);
	rotation_free(&r);
	return rc;
}
