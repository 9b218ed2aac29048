#ifndef RAPPORT_SEED_H
#define RAPPORT_SEED_H
/* Demo and scale data (src/db/seed*.c). Both are deterministic: name-based
 * UUIDs (libuuid uuid_generate_sha1, one fixed namespace; names such as
 * "coach:ana.ruiz@insideoutdev.com" or "s<seed>:client:<n>") and a fixed
 * PRNG (splitmix64) keyed by the seed, so the same seed gives the same rows,
 * ids and timestamps on every machine.
 *
 * Both load with COPY inside one transaction (nothing is left half-written),
 * chunk every data item (chunk_text, default options; scale items are
 * generated as chunk-sized pieces), and embed each chunk with the built-in
 * hash embedder (embed_hash, EMBED_HASH_MODEL_ID) at the dimension of
 * data_chunks.embedding read from the catalog. Chunk metadata:
 * {"embedding_model", "start", "end", "char_start", "char_end"} (byte and
 * character offsets into raw_content). Without pgvector chunks are stored
 * without embeddings. Seeding bypasses the audit table (rapport.skip_audit).
 *
 * Errors: DB_NOSCHEMA (run `rapport db migrate`), DB_DENIED when row-level
 * security applies to the role (COPY is refused under RLS: seed as owner or
 * superuser), DB_ERROR with a message otherwise; db_errmsg() has the line. */
#include <stdio.h>

#include "rapport/db.h"

typedef struct seed_stats {
	long long companies, coaches, orgs, clients, models, items, chunks;
} seed_stats;

/* Realistic coherent demo data set; embeds chunks with the built-in hash
 * embedder. `progress` (may be NULL) receives progress lines. Refuses (DB_ERROR
 * with a message) when the demo companies already exist, unless `replace`,
 * which deletes the previous demo rows (and the data items hanging off them)
 * in the same transaction. `st` may be NULL. */
db_status seed_demo(db *d, unsigned seed, int replace, FILE *progress, seed_stats *st);
/* `clients` clients with proportional companies (clients/20000 + 1), coaches
 * (clients/25), organizations (clients/200), 4 models per company and one
 * primary association per coach, plus `chunks` embedded transcript chunks
 * over about chunks/4 data items, generated while streaming into COPY
 * (bounded memory). Into empty tables that this role owns, their
 * non-constraint indexes are dropped first and rebuilt from their own
 * definitions before the commit; for a superuser, per-row FK and audit
 * triggers are skipped (rows are FK-consistent by construction). Refuses a
 * second load of the same seed. `st` may be NULL. */
db_status seed_scale(db *d, long long clients, long long chunks, unsigned seed, FILE *progress,
                     seed_stats *st);
/* True when no coaching company exists yet. */
db_status seed_is_empty(db *d, int *empty);

#endif
