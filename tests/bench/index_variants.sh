#!/bin/sh
# Vector index variants for ingestion (issue #5; make bench: tests/bench/run.sh
# exports PG*, RAPPORT_BIN, RAPPORT_SRCDIR, BENCH_TMP). On a database seeded
# with the hash embedder (rapport db seed --scale 2000 --chunks N), for each
# way of indexing data_chunks.embedding:
#   1. halfvec: HNSW over embedding::halfvec(D), halfvec_cosine_ops;
#   2. binary: HNSW over binary_quantize(embedding)::bit(D), bit_hamming_ops,
#      searched for the R best hamming candidates (hnsw.ef_search = R), then
#      re-ranked exactly by cosine distance;
#   3. the same over randomly rotated vectors (tests/bench/vec_rotate.c: an
#      orthogonal rotation, so cosine distances are unchanged) in a side table;
#   4. float: the index rapport creates (idx_data_chunks_embedding, HNSW m 16,
#      ef_construction 64, vector_cosine_ops), rebuilt last and left in place;
# it reports the build time (serial: max_parallel_maintenance_workers = 0,
# maintenance_work_mem 1GB; timed by psql), the index size, and for the 54
# queries of tests/search/queries.tsv (vectors as `rapport search --mode
# semantic` computes them) recall@10 against exact search and the mean
# server-side time a query (planning + execution, one warm session, the
# index forced), at R = 40, 100, 200, 400, 1000 for the binary variants and
# at rapport's ef_search (300, src/db/search.c) for float and halfvec.
# INDEX_CHUNKS (default 20000; 100000 for docs/performance.md) sizes the data;
# INDEX_DB=name measures an already seeded database instead (kept: the side
# tables are dropped and the float index is rebuilt as it was).
# Figures only: it fails on errors, never on timing.
set -eu
bin=${RAPPORT_BIN:-build/release/rapport}
src=${RAPPORT_SRCDIR:-.}
tmp=${BENCH_TMP:-$(mktemp -d)}/index_variants
mkdir -p "$tmp"
chunks=${INDEX_CHUNKS:-20000}
ef=300          # rapport's hnsw.ef_search (EF_DEFAULT in src/db/search.c)
rs="40 100 200 400 1000"
db=bench_index_variants
float_index=idx_data_chunks_embedding

q() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Whatever happens: the side tables go, a kept database gets its float
# index back, a database seeded here is dropped.
float_def=
cleanup() {
  if [ -n "${INDEX_DB:-}" ]; then
    psql -XAtq -c "DROP TABLE IF EXISTS bench_iv_q, bench_iv_qrot, bench_iv_rot, bench_iv_exact,
      bench_iv_exact_rot, bench_iv_res; DROP FUNCTION IF EXISTS bench_iv_measure;
      DROP INDEX IF EXISTS bench_iv_half, bench_iv_bin" >/dev/null 2>&1 || true
    if [ -n "$float_def" ] && [ "$(psql -XAtc "SELECT to_regclass('$float_index') IS NULL")" = t ]; then
      echo "restoring $float_index in $db (serial build)" >&2
      psql -XAtq -c "SET max_parallel_maintenance_workers = 0" -c "$float_def" || true
    fi
  else
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "load average at start: $(load) on $(nproc 2>/dev/null) CPUs"
t0=$(now)
if [ -n "${INDEX_DB:-}" ]; then
  db=$INDEX_DB
  export PGDATABASE="$db"
  how="kept database"
else
  how="rapport db seed --scale 2000 --chunks $chunks"
  export PGDATABASE="$db"
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
  createdb "$db"
  "$bin" db migrate >/dev/null
  "$bin" db seed --scale 2000 --chunks "$chunks" >/dev/null
fi
q 'ANALYZE data_chunks'
n=$(q 'SELECT count(*) FROM data_chunks WHERE embedding IS NOT NULL')
dim=$(q "SELECT atttypmod FROM pg_attribute WHERE attrelid = 'data_chunks'::regclass
  AND attname = 'embedding' AND atttypid = to_regtype('vector')")
[ -n "$dim" ] || { echo "index_variants: data_chunks.embedding is not a pgvector column" >&2; exit 1; }
[ "$n" -gt 0 ] || { echo "index_variants: no embedded chunks in $db" >&2; exit 1; }
echo "data: $n embedded chunks of dimension $dim in $db ($how, ready in $(since "$t0") s);" \
  "pgvector $(q "SELECT extversion FROM pg_extension WHERE extname = 'vector'")"

# rapport's float index: its definition, then dropped (rebuilt, timed, last).
float_def=$(q "SELECT pg_get_indexdef(to_regclass('$float_index'))")
if [ -z "$float_def" ]; then # not there: the one migration 001 creates
  float_def="CREATE INDEX $float_index ON data_chunks USING hnsw (embedding vector_cosine_ops)"
fi
q "DROP INDEX IF EXISTS $float_index"

# The rotation program.
rot="${BENCH_TMP:-$tmp}/vec_rotate"
${CC:-cc} -O2 -Wall -Wextra -o "$rot" "$src/tests/bench/vec_rotate.c" -lm

# Query vectors: the EXECUTE line's first parameter of rapport's own search.
grep -v '^#' "$src/tests/search/queries.tsv" | grep -v '^$' | cut -f1 > "$tmp/queries"
i=0
while read -r text; do
  i=$((i + 1))
  v=$("$bin" search --mode semantic --sql -- "$text" \
    | sed -n "s/^EXECUTE rapport_search('\(\[[^']*\]\)'.*/\1/p")
  [ -n "$v" ] || { echo "index_variants: no query vector for: $text" >&2; exit 1; }
  printf '%s\t%s\n' "$i" "$v"
done < "$tmp/queries" > "$tmp/qvec"
nq=$i
"$rot" "$dim" < "$tmp/qvec" > "$tmp/qrot"

q "SET client_min_messages = warning;
   DROP TABLE IF EXISTS bench_iv_q, bench_iv_qrot, bench_iv_rot, bench_iv_exact,
     bench_iv_exact_rot, bench_iv_res;
   CREATE TABLE bench_iv_q (qn int PRIMARY KEY, v vector($dim) NOT NULL);
   CREATE TABLE bench_iv_qrot (LIKE bench_iv_q INCLUDING ALL);
   CREATE TABLE bench_iv_res (variant text, r int, qn int, ms float8, ids uuid[])"
psql -XAtq -v ON_ERROR_STOP=1 -c 'COPY bench_iv_q FROM STDIN' < "$tmp/qvec"
psql -XAtq -v ON_ERROR_STOP=1 -c 'COPY bench_iv_qrot FROM STDIN' < "$tmp/qrot"

# Exact top-10 of every query (no vector index exists now: sequential scans).
t=$(now)
q "CREATE TABLE bench_iv_exact AS SELECT q.qn, x.id FROM bench_iv_q q CROSS JOIN LATERAL
   (SELECT c.id FROM data_chunks c WHERE c.embedding IS NOT NULL
    ORDER BY c.embedding <=> q.v, c.id LIMIT 10) x"
echo "exact top-10 of $nq queries: $(since "$t") s"

# Signs of the hash embedder's vectors: what binary_quantize keeps.
signs() { # TABLE COLUMN FILTER
  q "SELECT format('%s non-zero, %s positive', round(avg(nz)), round(avg(pos)))
     FROM (SELECT (SELECT count(*) FILTER (WHERE x <> 0) FROM unnest($2::real[]) x) nz,
                  (SELECT count(*) FILTER (WHERE x > 0) FROM unnest($2::real[]) x) pos
           FROM $1 $3) s"
}
echo "vector signs (mean of $dim coordinates): queries $(signs bench_iv_q v ''); chunks" \
  "$(signs data_chunks embedding 'WHERE embedding IS NOT NULL ORDER BY id LIMIT 2000')" \
  "(first 2,000 by id)"

# The rotated side table, stored like data_chunks.embedding (inline).
t=$(now)
q "CREATE TABLE bench_iv_rot (id uuid PRIMARY KEY, embedding vector($dim) NOT NULL);
   ALTER TABLE bench_iv_rot ALTER COLUMN embedding SET STORAGE PLAIN"
psql -XAtq -v ON_ERROR_STOP=1 \
  -c 'COPY (SELECT id, embedding FROM data_chunks WHERE embedding IS NOT NULL) TO STDOUT' \
  | "$rot" "$dim" | psql -XAtq -v ON_ERROR_STOP=1 -c 'COPY bench_iv_rot FROM STDIN'
got=$(q 'SELECT count(*) FROM bench_iv_rot')
[ "$got" = "$n" ] || { echo "index_variants: $got of $n rotated vectors loaded" >&2; exit 1; }
q 'ANALYZE bench_iv_rot'
echo "rotation: $n vectors rotated and loaded in $(since "$t") s (COPY TO, vec_rotate, COPY FROM)"
q "CREATE TABLE bench_iv_exact_rot AS SELECT q.qn, x.id FROM bench_iv_qrot q CROSS JOIN LATERAL
   (SELECT c.id FROM bench_iv_rot c ORDER BY c.embedding <=> q.v, c.id LIMIT 10) x"
same=$(q "SELECT count(*) FROM bench_iv_q q WHERE
  ARRAY(SELECT id FROM bench_iv_exact e WHERE e.qn = q.qn ORDER BY id) =
  ARRAY(SELECT id FROM bench_iv_exact_rot e WHERE e.qn = q.qn ORDER BY id)")
echo "rotated vectors: queries $(signs bench_iv_qrot v ''); exact top-10 over rotated" \
  "vectors = the original for $same of $nq queries"

# Runs every query of QTABLE with STMT ($1 the query vector, $2 = R) at
# hnsw.ef_search EF, the index forced; checks once that the plan uses INDEX;
# with KEEP records the time and the ids in bench_iv_res.
q "CREATE OR REPLACE FUNCTION bench_iv_measure(variant text, r int, ef int, qtable text,
     stmt text, idx text, keep bool) RETURNS void LANGUAGE plpgsql
   SET enable_seqscan = off SET enable_bitmapscan = off SET jit = off AS \$f\$
   DECLARE qv record; line text; used bool := false; t0 timestamptz; got uuid[];
   BEGIN
     PERFORM set_config('hnsw.ef_search', ef::text, true);
     FOR qv IN EXECUTE format('SELECT qn, v FROM %I ORDER BY qn', qtable) LOOP
       IF NOT used THEN
         FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || stmt USING qv.v, r LOOP
           used := used OR strpos(line, 'Index Scan using ' || idx || ' ') > 0;
         END LOOP;
         IF NOT used THEN
           RAISE EXCEPTION '%: the plan does not use index %', variant, idx;
         END IF;
       END IF;
       t0 := clock_timestamp();
       EXECUTE stmt INTO got USING qv.v, r;
       IF keep THEN
         INSERT INTO bench_iv_res
         VALUES (variant, r, qv.qn, 1000 * extract(epoch FROM clock_timestamp() - t0), got);
       END IF;
     END LOOP;
   END \$f\$"

# build LABEL SQL INDEX: a serial, timed CREATE INDEX; prints its report line.
build() {
  l=$(load)
  printf "SET max_parallel_maintenance_workers = 0;\nSET maintenance_work_mem = '1GB';\n\\\\timing on\n%s;\n" \
    "$2" | psql -XAtq -v ON_ERROR_STOP=1 > "$tmp/build.out"
  secs=$(awk '/^Time:/ { t = $2 } END { printf "%.2f", t / 1000 }' "$tmp/build.out")
  size=$(q "SELECT pg_size_pretty(pg_relation_size('$3'))")
  echo "$1: build $secs s ($(awk -v s="$secs" -v n="$n" 'BEGIN { printf "%.3f", s * 1000 / n }') ms a row)," \
    "index $size (load $l)"
}

# measure VARIANT QTABLE STMT INDEX EF R...: a warm-up pass at the last R,
# then every R; prints recall@10 and query times per R.
measure() {
  variant=$1 qtable=$2 stmt=$3 idx=$4 mef=$5
  shift 5
  for r in "$@"; do last=$r; done
  e=$mef; [ "$e" = R ] && e=$last
  q "SELECT bench_iv_measure('$variant', $last, $e, '$qtable', \$s\$$stmt\$s\$, '$idx', false)" >/dev/null
  for r in "$@"; do
    e=$mef; [ "$e" = R ] && e=$r
    q "SELECT bench_iv_measure('$variant', $r, $e, '$qtable', \$s\$$stmt\$s\$, '$idx', true)" >/dev/null
    q "SELECT format('  %s: recall@10 %s, mean %s ms, p95 %s ms a query',
         CASE WHEN '$mef' = 'R' THEN 'R ' || $r ELSE 'ef_search ' || $e END,
         to_char(sum(hits)::numeric / sum(nexact), 'FM0.000'), to_char(avg(ms), 'FM99990.0'),
         to_char(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms), 'FM99990.0'))
       FROM (SELECT r.ms,
               (SELECT count(*) FROM bench_iv_exact e WHERE e.qn = r.qn AND e.id = ANY (r.ids)) hits,
               (SELECT count(*) FROM bench_iv_exact e WHERE e.qn = r.qn) nexact
             FROM bench_iv_res r WHERE r.variant = '$variant' AND r.r = $r) x"
  done
}

bq="binary_quantize(c.embedding)::bit($dim) <~> binary_quantize(\$1)::bit($dim)"
rerank() { # TABLE: the R best hamming candidates, re-ranked by cosine distance
  echo "SELECT array_agg(id) FROM (SELECT id FROM (SELECT c.id, c.embedding FROM $1 c
    ORDER BY $bq LIMIT \$2) cand ORDER BY embedding <=> \$1, id LIMIT 10) x"
}

build "halfvec HNSW (embedding::halfvec($dim) halfvec_cosine_ops)" \
  "CREATE INDEX bench_iv_half ON data_chunks USING hnsw ((embedding::halfvec($dim)) halfvec_cosine_ops)" \
  bench_iv_half
measure half bench_iv_q "SELECT array_agg(id) FROM (SELECT c.id FROM data_chunks c
  ORDER BY c.embedding::halfvec($dim) <=> \$1::halfvec($dim) LIMIT 10) x" bench_iv_half "$ef" 10
q 'DROP INDEX bench_iv_half'

build "binary HNSW (binary_quantize(embedding)::bit($dim) bit_hamming_ops), exact re-rank of R" \
  "CREATE INDEX bench_iv_bin ON data_chunks USING hnsw ((binary_quantize(embedding)::bit($dim)) bit_hamming_ops)" \
  bench_iv_bin
# shellcheck disable=SC2086 # one argument per R
measure bin bench_iv_q "$(rerank data_chunks)" bench_iv_bin R $rs
q 'DROP INDEX bench_iv_bin'

build "binary HNSW over rotated vectors (side table), exact re-rank of R" \
  "CREATE INDEX bench_iv_rotbin ON bench_iv_rot USING hnsw ((binary_quantize(embedding)::bit($dim)) bit_hamming_ops)" \
  bench_iv_rotbin
# shellcheck disable=SC2086 # one argument per R
measure rotbin bench_iv_qrot "$(rerank bench_iv_rot)" bench_iv_rotbin R $rs
q 'DROP TABLE bench_iv_rot'

build "float HNSW, rapport's own ($float_def)" "$float_def" "$float_index"
measure float bench_iv_q "SELECT array_agg(id) FROM (SELECT c.id FROM data_chunks c
  ORDER BY c.embedding <=> \$1 LIMIT 10) x" "$float_index" "$ef" 10

q 'DROP TABLE bench_iv_q, bench_iv_qrot, bench_iv_exact, bench_iv_exact_rot, bench_iv_res;
   DROP FUNCTION bench_iv_measure'
echo "load average at end: $(load)"
