#!/bin/sh
# make bench: the browser's terminal costs at scale, and the same table opened
# with `psql | pspg` and with visidata (when installed) in the same run:
#   first paint   exec → the first list row on screen
#   move          one row down with the key held (next key 40 ms after the
#                 last byte): time to the last byte of the repaint, bytes
#                 written (rapport: in a coach's clients, where the detail
#                 pane follows once the cursor rests; rapport60: the same at
#                 60 columns, where the detail is hidden)
#   rest          one isolated row down (400 ms of rest after it): everything
#                 it causes, rapport's detail pane of the new record included
#   RSS           resident memory after the moves (all processes of a pipeline)
# Measured through the screen-test harness (pty + libvterm) by
# tests/bench/ui_measure.c at 24x80 (TERM=xterm-256color). Figures, no asserts.
#   BENCH_CLIENTS=N   clients to seed (default 100000; 1000000 for the full figure)
#   MOVES=N           moves measured (default 100)
set -eu
N=${BENCH_CLIENTS:-100000}
MOVES=${MOVES:-100}
BIN=${RAPPORT_BIN:-./rapport}
case "$BIN" in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
DB=bench_ui_paint
TMP=${BENCH_TMP:-${TMPDIR:-/tmp}}
M=$TMP/ui_measure
CC=${CC:-cc}

$CC -std=c11 -O2 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Itests -o "$M" \
	tests/bench/ui_measure.c tests/common/vt.c -lvterm -lutil

q() { psql -XqAt -d "$DB" -c "$1"; }
have=$(q "SELECT count(*) FROM clients" 2>/dev/null || echo 0)
if [ "$have" != "$N" ]; then
	psql -XqAt -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
	"$BIN" -d "$DB" db migrate >/dev/null
	"$BIN" -d "$DB" db seed --scale "$N" >/dev/null
	q "VACUUM ANALYZE" >/dev/null
fi
clients=$(q "SELECT count(*) FROM clients")
first_company=$(q "SELECT name FROM coaching_companies ORDER BY name, id LIMIT 1" | cut -c1-9)
first_client=$(q "SELECT name FROM clients ORDER BY name, id LIMIT 1" | cut -c1-9)
echo "database $DB: $clients clients, $(q "SELECT count(*) FROM coaches") coaches, $(q "SELECT count(*) FROM coaching_companies") companies"

# measure NAME FIRSTTEXT KEY -- PROGRAM ARGS...  → prints a row, keeps figures in $NAME_*
measure() {
	name=$1 first=$2 key=$3
	shift 4
	out=$("$M" "${ROWS:-24}" "${COLS:-80}" "$first" "$key" "$MOVES" -- "$@" 2>"$TMP/ui_$name.err") || {
		echo "  $name: failed (see $TMP/ui_$name.err)"
		return 0
	}
	paint=$(echo "$out" | awk '/^first_paint_ms/ {print $2}')
	mv=$(echo "$out" | awk '/^move_ms / {print $2}')
	p90=$(echo "$out" | awk '/^move_ms_p90/ {print $2}')
	by=$(echo "$out" | awk '/^move_bytes/ {print $2}')
	fm=$(echo "$out" | awk '/^move_first_ms/ {print $2}')
	rms=$(echo "$out" | awk '/^rest_ms/ {print $2}')
	rby=$(echo "$out" | awk '/^rest_bytes/ {print $2}')
	rss=$(echo "$out" | awk '/^rss_kb/ {print $2}')
	printf '  %-10s first paint %8s ms  held move: first byte %6s ms, done %6s ms (p90 %s) %5s bytes  rest: %6s ms %5s bytes  RSS %6s kB\n' \
		"$name" "$paint" "$fm" "$mv" "$p90" "$by" "$rms" "$rby" "$rss"
	eval "${name}_paint=$paint ${name}_rss=$rss ${name}_bytes=$by"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "24x80, $MOVES one-row moves each:"
# rapport: first paint of the hierarchy; moves in the biggest coach's clients
coach=$(q "SELECT c.email FROM coaches c JOIN clients k ON k.primary_coach_id = c.id GROUP BY c.email ORDER BY count(*) DESC LIMIT 1")
UI_MEASURE_SETUP=":goto $coach<Enter>l" UI_MEASURE_SETUP_WAIT="Clients" \
	measure rapport "$first_company" j -- "$BIN" -d "$DB"
# the list alone: at 60 columns the detail pane is hidden, so a move repaints
# only the two rows that change, the breadcrumb and the status line
COLS=60 UI_MEASURE_SETUP=":goto $coach<Enter>l" UI_MEASURE_SETUP_WAIT="Clients" \
	measure rapport60 "$first_company" j -- "$BIN" -d "$DB"
sql="SELECT name, email FROM clients ORDER BY name, id"
if command -v pspg >/dev/null 2>&1; then
	measure pspg "$first_client" "<Down>" -- /bin/sh -c "psql -X -d $DB -c '$sql' | pspg -s 0"
else
	echo "  pspg       not installed (apt-get install pspg)"
fi
if command -v vd >/dev/null 2>&1; then
	measure visidata "$first_client" j -- /bin/sh -c \
		"psql -X -d $DB -c \"COPY ($sql) TO STDOUT WITH CSV HEADER\" | vd -f csv -"
else
	echo "  visidata   not installed (apt-get install visidata)"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", b / a; else printf "n/a" }'; }
for other in pspg visidata; do
	eval "op=\${${other}_paint:-0} orss=\${${other}_rss:-0}"
	[ "$op" = 0 ] && continue
	echo "  $other / rapport: first paint $(ratio "${rapport_paint:-0}" "$op"), RSS $(ratio "${rapport_rss:-0}" "$orss")"
done
