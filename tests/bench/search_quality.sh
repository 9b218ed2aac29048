#!/bin/sh
# Search quality over the demo data: recall@5 and MRR per mode for the
# labelled queries of tests/search/queries.tsv (query -> topic whose
# transcripts should rank first). Ranks are per transcript: a result list of
# chunks is reduced to distinct data items in order. Run by `make bench`
# (tests/bench/run.sh exports PG*, RAPPORT_BIN, RAPPORT_SRCDIR, BENCH_TMP).
set -eu
bin=${RAPPORT_BIN:-build/release/rapport}
src=${RAPPORT_SRCDIR:-.}
tmp=${BENCH_TMP:-$(mktemp -d)}/search_quality
mkdir -p "$tmp"
db=bench_search_quality

dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
"$bin" -d "$db" db migrate >/dev/null
"$bin" -d "$db" db seed --demo >/dev/null
psql -d "$db" -XAtF '	' -c "SELECT id, metadata->>'topic' FROM data_items
  WHERE data_type = 'transcript'" > "$tmp/topics.tsv"
grep -v '^#' "$src/tests/search/queries.tsv" | grep -v '^$' > "$tmp/queries.tsv"
nq=$(wc -l < "$tmp/queries.tsv")
echo "demo data: $(wc -l < "$tmp/topics.tsv") transcripts, $(psql -d "$db" -XAtc \
  'SELECT count(*) FROM data_chunks') chunks; $nq labelled queries; embedder hash-v1"
printf '%-9s %9s %7s %11s %9s\n' mode recall@5 MRR "no hit@10" "ms/query"

for mode in hybrid semantic text; do
  : > "$tmp/ranks.$mode"
  start=$(date +%s%N)
  while IFS='	' read -r q topic; do
    "$bin" -d "$db" search --mode "$mode" --type transcript --limit 100 --json -- "$q" \
      | jq -r '.[].data_item_id' > "$tmp/ids"
    # distinct items in order -> relevant flags; recall@5 and reciprocal rank
    awk -F'\t' -v topic="$topic" '
      FNR == NR { t[$1] = $2; if ($2 == topic) nrel++; next }
      !seen[$1]++ { k++; if (t[$1] == topic) { if (!first) first = k; if (k <= 5) r5++ } }
      END {
        want = nrel < 5 ? nrel : 5
        printf "%f %f %d\n", want ? r5 / want : 0, first ? 1 / first : 0, (first && first <= 10) ? 0 : 1
      }' "$tmp/topics.tsv" "$tmp/ids" >> "$tmp/ranks.$mode"
  done < "$tmp/queries.tsv"
  end=$(date +%s%N)
  awk -v mode="$mode" -v ms="$(( (end - start) / 1000000 / nq ))" '
    { r += $1; m += $2; miss += $3; n++ }
    END { printf "%-9s %9.3f %7.3f %11d %9d\n", mode, r / n, m / n, miss, ms }' "$tmp/ranks.$mode"
done
echo "(ms/query: whole rapport process per query, connection included)"
dropdb "$db"
