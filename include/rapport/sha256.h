#ifndef RAPPORT_SHA256_H
#define RAPPORT_SHA256_H
/* SHA-256 (FIPS 180-4), pure code (src/core/sha256.c). Used to recognise a
 * file that was already ingested (data_items.metadata.content_sha256). */
#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
/* Lowercase hex digest of data into hex (65 bytes incl. NUL). */
void sha256_hex(const void *data, size_t n, char hex[65]);

#endif
