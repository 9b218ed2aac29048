/* pgvector's text form of a float vector, written without printf for speed
 * (ingestion formats thousands of 1536-float vectors per second). */
#include "rapport/embed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VEC_FRAC_DIGITS = 9 };

/* Writes x into p as a decimal and returns the characters written (<= 24).
 * |x| < 1e6: fixed point with 9 fractional digits, trailing zeros trimmed
 * (well within float precision for normalized vectors); else %.9g. */
static size_t vector_format(float x, char *p)
{
	if (!isfinite(x) || fabsf(x) >= 1e6f)
		return (size_t)snprintf(p, 24, "%.9g", (double)x);
	char *s = p;
	double d = x;
	if (d < 0) {
		*s++ = '-';
		d = -d;
	}
	unsigned long long scaled = (unsigned long long)(d * 1e9 + 0.5);
	unsigned long long ip = scaled / 1000000000ULL, fp = scaled % 1000000000ULL;
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	while (n)
		*s++ = tmp[--n];
	if (fp) {
		char frac[VEC_FRAC_DIGITS];
		for (int i = VEC_FRAC_DIGITS - 1; i >= 0; i--) {
			frac[i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		int last = VEC_FRAC_DIGITS;
		while (last > 0 && frac[last - 1] == '0')
			last--;
		*s++ = '.';
		memcpy(s, frac, (size_t)last);
		s += last;
	}
	if (s - p == 2 && p[0] == '-' && p[1] == '0')
		return (size_t)(p[0] = '0', 1); /* no "-0" */
	return (size_t)(s - p);
}

char *embed_vector_text(const float *v, int dim)
{
	if (dim < 0)
		return NULL;
	char *buf = malloc((size_t)dim * 25 + 3);
	if (!buf)
		return NULL;
	char *p = buf;
	*p++ = '[';
	for (int i = 0; i < dim; i++) {
		if (i)
			*p++ = ',';
		p += vector_format(v[i], p);
	}
	*p++ = ']';
	*p = '\0';
	return buf;
}
