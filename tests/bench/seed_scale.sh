#!/bin/sh
# make bench: wall time of `rapport db seed` into fresh migrated databases:
#   1. --scale N clients (BENCH_CLIENTS, default 1000000; the target is
#      1M clients in under 2 minutes on a 2-core machine), rows/s
#   2. --scale 1000 --chunks M embedded chunks (BENCH_SEED_CHUNKS, default
#      20000), chunks/s including the HNSW build
#   3. --demo (compose, chunk, embed, load)
# Figures only: timing never fails the script, errors do.
#   RAPPORT_BIN   the rapport binary (set by tests/bench/run.sh)
set -eu
N=${BENCH_CLIENTS:-1000000}
M=${BENCH_SEED_CHUNKS:-20000}
BIN=${RAPPORT_BIN:-./rapport}

export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
fresh() {
  psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  "$BIN" -d "$1" db migrate >/dev/null
}
drop() { psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null; }
now_ms() { date +%s%3N; }
count() { psql -XqAt -d "$1" -c "SELECT count(*) FROM $2"; }

echo "server: $(psql -XAt -d postgres -c 'SHOW server_version'), pgvector $(psql -XAt -d postgres -c \
  "SELECT coalesce((SELECT default_version FROM pg_available_extensions WHERE name='vector'), 'absent')"), $(nproc) CPUs"

DB=bench_seed_scale
fresh $DB
t0=$(now_ms)
"$BIN" -d $DB db seed --scale "$N" >"${BENCH_TMP:-/tmp}/seed_scale.out"
t1=$(now_ms)
ms=$((t1 - t0))
rows=0
for t in coaching_companies coaches client_organizations clients coaching_models coach_model_associations; do
  rows=$((rows + $(count $DB $t)))
done
clients=$(count $DB clients)
[ "$clients" = "$N" ] || { echo "seed_scale: expected $N clients, found $clients" >&2; exit 1; }
printf 'db seed --scale %s: %d.%03d s, %s rows (%s clients), %d rows/s, %d clients/s\n' "$N" \
  $((ms / 1000)) $((ms % 1000)) "$rows" "$clients" $((rows * 1000 / (ms + 1))) $((clients * 1000 / (ms + 1)))
sed "s/^/  rapport: /" "${BENCH_TMP:-/tmp}/seed_scale.out"
echo "  command: rapport -d DB db seed --scale $N   (target: 1000000 clients in < 120 s)"
drop $DB

DB=bench_seed_chunks
fresh $DB
t0=$(now_ms)
"$BIN" -d $DB db seed --scale 1000 --chunks "$M" >/dev/null
t1=$(now_ms)
ms=$((t1 - t0))
chunks=$(count $DB data_chunks)
[ "$chunks" = "$M" ] || { echo "seed_scale: expected $M chunks, found $chunks" >&2; exit 1; }
dim=$(psql -XqAt -d $DB -c "SELECT coalesce(max(vector_dims(embedding)), 0) FROM data_chunks" 2>/dev/null || echo 0)
printf 'db seed --scale 1000 --chunks %s: %d.%03d s, %d chunks/s (dimension %s, hash-v1, HNSW built after the load)\n' \
  "$M" $((ms / 1000)) $((ms % 1000)) $((chunks * 1000 / (ms + 1))) "$dim"
drop $DB

DB=bench_seed_demo
fresh $DB
t0=$(now_ms)
"$BIN" -d $DB db seed --demo >/dev/null
t1=$(now_ms)
ms=$((t1 - t0))
printf 'db seed --demo: %d.%03d s, %s data items, %s chunks\n' $((ms / 1000)) $((ms % 1000)) \
  "$(count $DB data_items)" "$(count $DB data_chunks)"
drop $DB
