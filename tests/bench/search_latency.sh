#!/bin/sh
# Search latency and HNSW recall at scale (make bench; tests/bench/run.sh
# exports PG*, RAPPORT_BIN, RAPPORT_SRCDIR, BENCH_TMP):
#   1. hybrid search scoped to one coach: server-side p50/p95 (planning +
#      execution from EXPLAIN ANALYZE of the exact statement rapport sends),
#      for a typical (median) coach and the coach with the most chunks;
#   2. semantic recall@10 of the HNSW path against exact search (the same
#      statement with index scans disabled: rapport search --exact), global
#      and scoped;
#   3. client overhead: `rapport search` vs psql running the same SQL;
#   4. the cost of row-level security (when `rapport db grant-coach` exists).
# SEARCH_CHUNKS (default 100000) and SEARCH_CLIENTS (2000) size the data;
# SEARCH_DB=name measures an already seeded database instead (kept).
set -eu
bin=${RAPPORT_BIN:-build/release/rapport}
src=${RAPPORT_SRCDIR:-.}
tmp=${BENCH_TMP:-$(mktemp -d)}/search_latency
mkdir -p "$tmp"
chunks=${SEARCH_CHUNKS:-100000}
clients=${SEARCH_CLIENTS:-2000}
db=bench_search_latency
export PGDATABASE=$db

t0=$(date +%s)
if [ -n "${SEARCH_DB:-}" ]; then
  db=$SEARCH_DB # an already seeded database (kept afterwards)
  export PGDATABASE=$db
else
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
  createdb "$db"
  "$bin" db migrate >/dev/null
  "$bin" db seed --scale "$clients" --chunks "$chunks" >/dev/null
fi
psql -XAtqc 'ANALYZE'
echo "data: $(psql -XAtc 'SELECT count(*) FROM data_chunks') chunks of dimension" \
  "$(psql -XAtc "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'data_chunks'::regclass
     AND attname = 'embedding'"), $(psql -XAtc 'SELECT count(*) FROM coaches') coaches" \
  "(seeded in $(( $(date +%s) - t0 ))s); pgvector $(psql -XAtc \
  "SELECT extversion FROM pg_extension WHERE extname = 'vector'")"

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) on $(nproc 2>/dev/null) CPUs"
grep -v '^#' "$src/tests/search/queries.tsv" | grep -v '^$' | cut -f1 > "$tmp/queries"
nq=$(wc -l < "$tmp/queries")

# p50/p95 of a column of numbers.
pct() {
  sort -n | awk '{ v[NR] = $1 } END {
    if (!NR) { print "n/a"; exit }
    i50 = int(NR * 0.50 + 0.5); i95 = int(NR * 0.95 + 0.5)
    if (i50 < 1) i50 = 1; if (i95 < 1) i95 = 1; if (i95 > NR) i95 = NR
    printf "p50 %.1f ms, p95 %.1f ms (n=%d)", v[i50], v[i95], NR }'
}

# Server-side ms (planning + execution) of each query with the given options.
server_ms() {
  while read -r q; do
    "$bin" search "$@" --explain -- "$q" | head -1 \
      | awk '{ gsub(",", ""); print $2 + $5 }'
  done < "$tmp/queries"
}

typical=$(psql -XAtc "SELECT email FROM (SELECT co.email, count(*) n,
  row_number() OVER (ORDER BY count(*), co.email) r, count(*) OVER () t
  FROM data_chunks c JOIN data_items di ON di.id = c.data_item_id
  JOIN coaches co ON co.id = di.coach_id GROUP BY co.email) x WHERE r = (t + 1) / 2")
largest=$(psql -XAtc "SELECT co.email FROM data_chunks c JOIN data_items di
  ON di.id = c.data_item_id JOIN coaches co ON co.id = di.coach_id
  GROUP BY co.email ORDER BY count(*) DESC, co.email LIMIT 1")
for who in typical largest; do
  eval email=\$$who
  n=$(psql -XAtc "SELECT count(*) FROM data_chunks c JOIN data_items di ON di.id = c.data_item_id
    JOIN coaches co ON co.id = di.coach_id WHERE co.email = '$email'")
  server_ms --mode hybrid --limit 20 --scope "coach:$email" | tail -n +1 > "$tmp/ms.$who"
  echo "hybrid, scoped to the $who coach ($n chunks), limit 20: $(pct < "$tmp/ms.$who")"
done
# The same searches in ONE warm session, as the search pane runs them (the
# figures above are one-shot CLI processes: each starts a new server backend
# that must load catalogs, the text-search dictionary and the kNN function
# before it plans). A first, unmeasured search warms the session.
warm_ms() {
  { head -1 "$tmp/queries"; cat "$tmp/queries"; } | while read -r q; do
    "$bin" search "$@" --sql -- "$q" | sed 's/^EXECUTE /EXPLAIN (ANALYZE) EXECUTE /'
  done > "$tmp/warm.sql"
  psql -XAtq -f "$tmp/warm.sql" | awk '
    /^Planning Time:/ { plan = $3 }
    /^Execution Time:/ { if (n++) print plan + $3 }'
}
warm_ms --mode hybrid --limit 20 --scope "coach:$typical" > "$tmp/ms.warm"
echo "hybrid, scoped to the typical coach, limit 20, one warm session (the pane): $(pct < "$tmp/ms.warm")"
server_ms --mode hybrid --limit 20 > "$tmp/ms.global"
echo "hybrid, all transcripts, limit 20: $(pct < "$tmp/ms.global")"
server_ms --mode semantic --limit 20 > "$tmp/ms.sem"
echo "semantic, all transcripts, limit 20: $(pct < "$tmp/ms.sem")"

# Recall@10 of the HNSW path against exact search (index scans disabled).
recall() {
  total=0
  while read -r q; do
    "$bin" search --mode semantic --limit 10 --json "$@" -- "$q" | jq -r '.[].chunk_id' \
      | sort > "$tmp/ann"
    "$bin" search --mode semantic --limit 10 --json --exact "$@" -- "$q" \
      | jq -r '.[].chunk_id' | sort > "$tmp/exact"
    echo "$(comm -12 "$tmp/ann" "$tmp/exact" | wc -l) $(wc -l < "$tmp/exact")"
  done < "$tmp/queries" | awk '{ hit += $1; all += $2 } END { printf "%.3f", all ? hit / all : 0 }'
}
echo "semantic recall@10, HNSW vs exact, all transcripts: $(recall)"
echo "semantic recall@10, HNSW vs exact, scoped to the typical coach: $(recall --scope "coach:$typical")"
sq=$(head -1 "$tmp/queries")
"$bin" search --mode semantic --limit 10 --exact --explain -- "$sq" \
  | head -1 | sed 's/^/  exact search (no index) for one query: /'

# Client overhead: whole `rapport search` runs vs psql running the same SQL.
runs=30
head -n "$runs" "$tmp/queries" > "$tmp/q30"
s=$(date +%s%N)
while read -r q; do
  "$bin" search --mode hybrid --limit 20 --scope "coach:$typical" --json -- "$q" > /dev/null
done < "$tmp/q30"
r_ms=$(( ($(date +%s%N) - s) / 1000000 ))
i=0
while read -r q; do
  i=$((i + 1))
  "$bin" search --mode hybrid --limit 20 --scope "coach:$typical" --sql -- "$q" > "$tmp/q$i.sql"
done < "$tmp/q30"
s=$(date +%s%N)
i=0
while [ $i -lt "$runs" ]; do
  i=$((i + 1))
  psql -XAtq -f "$tmp/q$i.sql" > /dev/null
done
p_ms=$(( ($(date +%s%N) - s) / 1000000 ))
cat "$tmp"/q[0-9]*.sql > "$tmp/all.sql"
echo "client: $runs scoped hybrid searches as separate processes: rapport $r_ms ms," \
  "psql (same SQL) $p_ms ms: rapport adds $(awk -v r="$r_ms" -v p="$p_ms" \
  'BEGIN { printf "%+.1f%%", p ? (r - p) * 100 / p : 0 }')"
s=$(date +%s%N)
psql -XAtq -f "$tmp/all.sql" > /dev/null
echo "  (one psql session running all $runs: $(( ($(date +%s%N) - s) / 1000000 )) ms)"

# Row-level security: the same scoped hybrid search as the coach's own role.
if "$bin" db grant-coach "$typical" >/dev/null 2>&1; then
  (export PGUSER="$typical"; server_ms --mode hybrid --limit 20 --scope "coach:$typical") \
    > "$tmp/ms.rls"
  echo "RLS: scoped hybrid as the coach's role: $(pct < "$tmp/ms.rls")" \
    "(as admin: $(pct < "$tmp/ms.typical"))"
else
  echo "RLS: not measured (rapport db grant-coach unavailable)"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
[ -n "${SEARCH_DB:-}" ] || dropdb "$db"
