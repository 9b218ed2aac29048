#!/bin/sh
# make bench: server time (EXPLAIN ANALYZE) of keyset pages of a coach's and
# an organization's clients at scale: the first page, a page in the middle
# (keyset from an anchor), the last page (DB_LAST), and the child-count list
# of coaches. The SQL mirrors src/db/list.c (same WHERE/ORDER/LIMIT shape).
#   BENCH_CLIENTS=N   clients to seed (default 20000; 1000000 for the full figure)
#   RAPPORT_BIN       the rapport binary (set by tests/bench/run.sh)
set -eu
N=${BENCH_CLIENTS:-20000}
BIN=${RAPPORT_BIN:-./rapport}
DB=bench_db_paging
LIMIT=50
REPS=7

psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
"$BIN" -d "$DB" db migrate >/dev/null
t0=$(date +%s)
"$BIN" -d "$DB" db seed --scale "$N" >/dev/null
t1=$(date +%s)
psql -XqAt -d "$DB" -c "VACUUM ANALYZE" >/dev/null
q() { psql -XqAt -d "$DB" -c "$1"; }

# Median server time (planning + execution, ms) over $REPS runs in ONE session
# (as rapport keeps its connection: warm catalog caches), after one warm-up run.
server_ms() {
  i=0
  while [ $i -le $REPS ]; do
    echo "EXPLAIN (ANALYZE, FORMAT JSON) $1;"
    i=$((i + 1))
  done | psql -XqAt -d "$DB" | tr -d '\n' | sed 's/\]\[/]\n[/g' |
    sed -e 's/.*"Planning Time": \([0-9.]*\).*"Execution Time": \([0-9.]*\).*/\1 \2/' |
    tail -n +2 | awk '{ printf "%.3f\n", $1 + $2 }' |
    sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# The index the page query reads.
plan_index() {
  q "EXPLAIN $1" | grep -o -E '(using|on) idx_[a-z_]*' | head -1 | sed 's/.* //'
}

cols="t.id, t.name, t.email, -1, false, coalesce(t.metadata->>'active', 'true') <> 'false'"
report() { # label parent_col parent_id
  label=$1 col=$2 pid=$3
  total=$(q "SELECT count(*) FROM clients WHERE $col = '$pid'")
  mid=$(q "SELECT 'left(' || quote_literal(name) || ', 256), ''' || id || '''::uuid' FROM clients WHERE $col = '$pid' ORDER BY left(name, 256), id OFFSET $((total / 2)) LIMIT 1")
  first="SELECT $cols FROM clients t WHERE t.$col = '$pid' ORDER BY left(t.name, 256), t.id LIMIT $((LIMIT + 1))"
  middle="SELECT $cols FROM clients t WHERE t.$col = '$pid' AND (left(t.name, 256), t.id) > ($mid) ORDER BY left(t.name, 256), t.id LIMIT $((LIMIT + 1))"
  back="SELECT $cols FROM clients t WHERE t.$col = '$pid' AND (left(t.name, 256), t.id) < ($mid) ORDER BY left(t.name, 256) DESC, t.id DESC LIMIT $((LIMIT + 1))"
  last="SELECT $cols FROM clients t WHERE t.$col = '$pid' ORDER BY left(t.name, 256) DESC, t.id DESC LIMIT $((LIMIT + 1))"
  filt="SELECT $cols FROM clients t WHERE t.$col = '$pid' AND (t.name ILIKE '%an%' OR t.email ILIKE '%an%') ORDER BY left(t.name, 256), t.id LIMIT $((LIMIT + 1))"
  printf '%s (%s clients)\n' "$label" "$total"
  printf '  %-28s %8s ms   %s\n' "first page" "$(server_ms "$first")" "$(plan_index "$first")"
  printf '  %-28s %8s ms   %s\n' "middle page (after anchor)" "$(server_ms "$middle")" "$(plan_index "$middle")"
  printf '  %-28s %8s ms   %s\n' "middle page (before anchor)" "$(server_ms "$back")" "$(plan_index "$back")"
  printf '  %-28s %8s ms   %s\n' "last page" "$(server_ms "$last")" "$(plan_index "$last")"
  printf '  %-28s %8s ms   %s\n' "first page, filter 'an'" "$(server_ms "$filt")" "$(plan_index "$filt")"
}

coach=$(q "SELECT primary_coach_id FROM clients WHERE primary_coach_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
org=$(q "SELECT client_organization_id FROM clients GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
company=$(q "SELECT coaching_company_id FROM coaches GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")

echo "db_paging: $N clients seeded in $((t1 - t0)) s; page size $LIMIT; median of $REPS runs; server time = planning + execution"
report "clients of the busiest coach" primary_coach_id "$coach"
report "clients of the largest organization" client_organization_id "$org"
ncoach=$(q "SELECT count(*) FROM coaches WHERE coaching_company_id = '$company'")
coaches="SELECT t.id, t.name, t.email, (SELECT count(*) FROM clients c WHERE c.primary_coach_id = t.id), false, true FROM coaches t WHERE t.coaching_company_id = '$company' ORDER BY left(t.name, 256), t.id LIMIT $((LIMIT + 1))"
printf 'coaches of the largest company with client counts (%s coaches)\n' "$ncoach"
printf '  %-28s %8s ms   %s\n' "first page" "$(server_ms "$coaches")" "$(plan_index "$coaches")"
psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
