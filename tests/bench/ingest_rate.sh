#!/bin/sh
# Ingestion rate with the built-in hash embedder: `rapport ingest` of
# generated transcripts into the indexed data_chunks table (HNSW on the
# embedding, GIN on the tsvector, btrees), reported as chunks per second,
# from the start of the command until it has exited: every chunk committed
# and the vector index complete and valid (checked). Runs:
#   1. as users run it (defaults: 2 jobs; the batch is larger than the empty
#      table, so the bulk path loads first and builds the HNSW index after);
#   2. --no-bulk: the index updated row by row, which is what a batch
#      smaller than the table gets;
#   3. --no-bulk -j 1: one connection, row by row (the old behaviour);
#   4. diagnostic: the same with the HNSW index dropped beforehand.
# The load average is printed before each run (the machine may be shared).
# Environment (tests/bench/run.sh): PG*, RAPPORT_BIN, BENCH_TMP.
# BENCH_INGEST_FILES (default 30) x BENCH_INGEST_KB (default 110) KB of text.
set -eu
bin=${RAPPORT_BIN:-build/release/rapport}
tmp=${BENCH_TMP:-$(mktemp -d)}/ingest
files=${BENCH_INGEST_FILES:-30}
kb=${BENCH_INGEST_KB:-110}
mkdir -p "$tmp"
rm -f "$tmp"/session-*.txt

# Deterministic transcripts: alternating speakers, sentences of words drawn
# from a 3,000-word pseudo-vocabulary (different text in every file).
i=1
while [ "$i" -le "$files" ]; do
  awk -v seed="$i" -v bytes=$((kb * 1024)) 'BEGIN {
    srand(seed); split("ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su ta te ti to tu", syl, " ");
    srand(7); for (w = 1; w <= 3000; w++) { s = ""; n = 2 + int(rand() * 3); for (k = 0; k < n; k++) s = s syl[1 + int(rand() * 40)]; voc[w] = s }
    srand(seed * 7919); out = 0; turn = 0;
    while (out < bytes) {
      line = (turn++ % 2 ? "Dana" : "COACH") ":";
      ns = 1 + int(rand() * 4);
      for (s = 0; s < ns; s++) { nw = 6 + int(rand() * 14); for (k = 0; k < nw; k++) line = line " " voc[1 + int(rand() * 3000)]; line = line "." }
      print line; out += length(line) + 1
    }
  }' > "$tmp/session-$i.txt"
  i=$((i + 1))
done
total_kb=$(du -ck "$tmp"/session-*.txt | tail -1 | cut -f1)

fixture="INSERT INTO coaching_companies (id, name, slug) VALUES ('11111111-1111-1111-1111-111111111111', 'Bench Co', 'bench-co');
INSERT INTO coaches (id, coaching_company_id, email, name) VALUES ('22222222-2222-2222-2222-222222222222', '11111111-1111-1111-1111-111111111111', 'coach@bench.example', 'Coach');
INSERT INTO client_organizations (id, name, slug) VALUES ('33333333-3333-3333-3333-333333333333', 'Bench Org', 'bench-org');
INSERT INTO clients (id, client_organization_id, primary_coach_id, email, name) VALUES ('44444444-4444-4444-4444-444444444444', '33333333-3333-3333-3333-333333333333', '22222222-2222-2222-2222-222222222222', 'client@bench.example', 'Client');"

now() { date +%s.%N; }

# run LABEL "SQL-before" [ingest options]: prints one report line
run() {
  label=$1 pre=$2
  shift 2
  db=bench_ingest
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
  createdb "$db"
  "$bin" -d "$db" db migrate >/dev/null
  psql -XqAt -d "$db" -v ON_ERROR_STOP=1 -c "$fixture" >/dev/null
  [ -n "$pre" ] && psql -XqAt -d "$db" -v ON_ERROR_STOP=1 -c "$pre" >/dev/null
  load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
  t0=$(now)
  "$bin" -d "$db" ingest -q "$@" --client client@bench.example "$tmp"/session-*.txt >/dev/null
  t1=$(now)
  chunks=$(psql -XqAt -d "$db" -c "SELECT count(*) FROM data_chunks WHERE embedding IS NOT NULL")
  index=$(psql -XqAt -d "$db" -c "SELECT coalesce((SELECT CASE WHEN indisvalid THEN 'valid'
    ELSE 'INVALID' END FROM pg_index WHERE indexrelid = to_regclass('idx_data_chunks_embedding')),
    'absent')")
  dropdb "$db"
  awk -v l="$label" -v n="$chunks" -v a="$t0" -v b="$t1" -v ld="$load" -v ix="$index" 'BEGIN {
    printf "%s: %d chunks in %.2f s = %.0f chunks/s (HNSW index %s after; load %s)\n",
      l, n, b - a, n / (b - a), ix, ld }'
}

echo "input: $files transcripts, $total_kb KB, chunk.target 1200 / overlap 200, hash-v1 embedder, $(nproc) CPUs"
run "rapport ingest (defaults: 2 jobs, bulk path)" ""
run "rapport ingest --no-bulk (index updated row by row, 2 jobs)" "" --no-bulk
run "rapport ingest --no-bulk -j 1 (row by row, one connection)" "" --no-bulk -j 1
run "diagnostic: --no-bulk with the HNSW index dropped" "DROP INDEX idx_data_chunks_embedding" --no-bulk
