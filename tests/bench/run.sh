#!/bin/sh
# make bench: starts a throwaway bench cluster (tests/tools/pgcluster.sh),
# then runs every tests/bench/AREA_NAME.sh with the PG* variables,
# RAPPORT_BIN, BUILD and BENCH_TMP (a scratch dir) exported, and prints their
# reports. BENCH=name-substring runs only matching scripts. Benchmarks
# report figures; they do not pass or fail on timing, only on errors.
set -u
root=$(pwd)
BUILD=${BUILD:-build/release}
case "$BUILD" in /*) ;; *) BUILD="$root/$BUILD" ;; esac
export BUILD RAPPORT_BIN="$BUILD/rapport" RAPPORT_SRCDIR="$root"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rapport-bench.XXXXXX")
[ "$(id -u)" = 0 ] && chmod 0755 "$tmp"
cluster="$tmp/pg"
cleanup() {
  sh "$root/tests/tools/pgcluster.sh" stop "$cluster" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM HUP

export PGTEST_PORT=${PGTEST_PORT:-$((40000 + $$ % 20000))}
envs=$(sh "$root/tests/tools/pgcluster.sh" start "$cluster") || { echo "bench: cannot start the bench cluster" >&2; exit 1; }
eval "$envs"
unset PGSERVICE PGSERVICEFILE PGHOSTADDR
export BENCH_TMP="$tmp/scratch"
mkdir -p "$BENCH_TMP"
[ "$(id -u)" = 0 ] && chmod 0777 "$BENCH_TMP"
echo "bench cluster: PGHOST=$PGHOST PGPORT=$PGPORT ($(psql -XAtc 'SHOW server_version' 2>/dev/null), $(nproc) CPUs)"

ran=0 bad=0
for script in tests/bench/*_*.sh; do
  [ -f "$script" ] || continue
  case "$script" in *"${BENCH:-}"*) ;; *) continue ;; esac
  ran=$((ran + 1))
  echo
  echo "=== $script ==="
  start=$(date +%s)
  sh "$script"
  rc=$?
  if [ "$rc" = 0 ]; then
    echo "=== $script: done in $(( $(date +%s) - start ))s ==="
  else
    bad=$((bad + 1))
    echo "=== $script: FAILED (exit $rc) ==="
  fi
done
echo
echo "bench: $ran scripts run, $bad failed"
[ "$bad" = 0 ]
