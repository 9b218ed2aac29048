#ifndef RAPPORT_SEED_H
#define RAPPORT_SEED_H
/* Demo and scale data (src/db/seed.c). Both are deterministic: name-based
 * UUIDs (libuuid uuid_generate_sha1) and a fixed PRNG seed. */
#include <stdio.h>

#include "rapport/db.h"

typedef struct seed_stats {
	long long companies, coaches, orgs, clients, models, items, chunks;
} seed_stats;

/* Realistic coherent demo data set; embeds chunks with the built-in hash
 * embedder. `progress` (may be NULL) receives progress lines. Refuses (DB_ERROR
 * with a message) when the demo companies already exist, unless `replace`. */
db_status seed_demo(db *d, unsigned seed, int replace, FILE *progress, seed_stats *st);
/* `clients` clients with proportional companies/coaches/orgs, plus `chunks`
 * embedded transcript chunks, loaded with COPY. */
db_status seed_scale(db *d, long long clients, long long chunks, unsigned seed, FILE *progress,
                     seed_stats *st);
/* True when no coaching company exists yet. */
db_status seed_is_empty(db *d, int *empty);

#endif
