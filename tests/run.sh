#!/bin/sh
# make test: every test program and fuzz corpus replay under $BUILD, plus
# shell-level checks of the README's commands, against a fresh throwaway
# PostgreSQL cluster that is stopped and removed on any exit.
#   BUILD=build/release   which build's programs to run
#   T=unit|db|e2e|fuzz|shell|NAME   run only that group, or programs whose
#                         name contains NAME (e.g. T=test_text)
# Ends with exactly one line "N passed, N failed[, N skipped]"; exit 1 on any
# failed test or crashed program.
set -u
BUILD=${BUILD:-build/release}
T=${T:-}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
root=$(pwd)
case "$BUILD" in /*) ;; *) BUILD="$root/$BUILD" ;; esac
bin="$BUILD/rapport"

passed=0 failed=0 skipped=0 cluster=

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rapport-test.XXXXXX")
# The server runs as "postgres" when we are root; it must reach its directory.
[ "$(id -u)" = 0 ] && chmod 0755 "$tmp"
cleanup() {
  [ -z "$cluster" ] || sh "$root/tests/tools/pgcluster.sh" stop "$cluster" >/dev/null 2>&1
  [ -z "${demo_data:-}" ] || stop_private "$demo_data"
  rm -rf "$tmp"
}
trap cleanup EXIT
cur=
interrupted() {
  [ -z "$cur" ] || kill -TERM "$cur" 2>/dev/null
  echo "run.sh: interrupted" >&2
  exit 130
}
trap interrupted INT TERM HUP

# Stops a private cluster that a `rapport` run under XDG_DATA_HOME=$1 started.
stop_private() {
  XDG_DATA_HOME=$1 "$bin" local stop >/dev/null 2>&1 || true
}

# True when group $1 / program name $2 is selected by T.
selected() {
  [ -z "$T" ] && return 0
  [ "$T" = "$1" ] && return 0
  case "$2" in *"$T"*) return 0 ;; esac
  return 1
}

# Sums the counts of cmocka summary lines matching $1 in file $2.
count_lines() {
  sed -n "s/^\[  $1  \] \([0-9][0-9]*\) test(s).*/\1/p" "$2" | awk '{ n += $1 } END { print n + 0 }'
}

# Runs one cmocka-style program (name, then command) and adds up its results.
run_program() {
  name=$1; shift
  out="$tmp/out.$$"
  t0=$(date +%s%N)
  # In the background so that a signal to this script is handled at once.
  timeout -k 10 "$TEST_TIMEOUT" "$@" >"$out" 2>&1 </dev/null &
  cur=$!
  wait "$cur"
  rc=$?
  cur=
  secs=$(( ($(date +%s%N) - t0) / 100000000 ))
  secs="$((secs / 10)).$((secs % 10))s"
  p=$(count_lines PASSED "$out")
  f=$(count_lines FAILED "$out")
  k=$(sed -n 's/^\[  SKIPPED \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
  skipped=$((skipped + k))
  note=
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    note="timed out after ${TEST_TIMEOUT}s"
  elif [ "$rc" -ge 128 ]; then
    note="crashed (signal $((rc - 128)))"
  elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    note="exited $rc without reporting a failed test"
  elif [ "$p" = 0 ] && [ "$f" = 0 ]; then
    note="ran no tests (no cmocka summary line)"
  fi
  [ -z "$note" ] || f=$((f + 1))
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" -gt 0 ]; then
    printf 'FAIL %-32s %d passed, %d failed (%s)%s\n' "$name" "$p" "$f" "$secs" "${note:+ — $note}"
    echo "---- $name: failed checks ----"
    grep -E -A3 '^\[  (ERROR|FAILED)  \]|^\[   LINE   \]|runtime error|Sanitizer' "$out" | head -n 60
    echo "---- $name: last 60 lines of output ----"
    tail -n 60 "$out"
    echo "---- end of $name ----"
  else
    ks=; [ "$k" = 0 ] || ks=", $k skipped"
    printf 'ok   %-32s %3d passed%s (%s)\n' "$name" "$p" "$ks" "$secs"
  fi
  rm -f "$out"
}

# A shell-level check: name, then a command that must succeed.
check() {
  name=$1; shift
  out="$tmp/check.$$"
  if ( "$@" ) >"$out" 2>&1 </dev/null; then
    passed=$((passed + 1)); printf 'ok   %s\n' "$name"
  else
    failed=$((failed + 1)); printf 'FAIL %s\n' "$name"; tail -n 40 "$out"
  fi
  rm -f "$out"
}

skip() {
  skipped=$((skipped + 1)); printf 'SKIP %s (%s)\n' "$1" "$2"
}

start_cluster() {
  [ -z "$cluster" ] || return 0
  cluster="$tmp/pg"
  # A port of its own: never the dev cluster's 5433 (the socket dir is private too).
  PGTEST_PORT=${PGTEST_PORT:-$((20000 + $$ % 20000))}
  export PGTEST_PORT
  envs=$(sh "$root/tests/tools/pgcluster.sh" start "$cluster") || { echo "run.sh: cannot start the test cluster" >&2; exit 1; }
  eval "$envs"
  unset PGSERVICE PGSERVICEFILE PGHOSTADDR PGPASSWORD
}

# Keep tests away from the user's own files.
export XDG_DATA_HOME="$tmp/xdg/data" XDG_CONFIG_HOME="$tmp/xdg/config" \
       XDG_STATE_HOME="$tmp/xdg/state" XDG_CACHE_HOME="$tmp/xdg/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_STATE_HOME" "$XDG_CACHE_HOME"
export RAPPORT_BIN="$bin" RAPPORT_SRCDIR="$root" CMOCKA_MESSAGE_OUTPUT=stdout
[ "$(id -u)" = 0 ] && chmod -R 0755 "$tmp/xdg"

for group in unit db e2e; do
  for prog in "$BUILD/tests/$group"/test_*; do
    [ -x "$prog" ] || continue
    name="$group/$(basename "$prog")"
    selected "$group" "$name" || continue
    [ "$group" = unit ] || start_cluster
    run_program "$name" "$prog"
  done
done

for prog in "$BUILD"/tests/fuzz/replay_*; do
  [ -x "$prog" ] || continue
  fz=${prog##*/replay_}
  selected fuzz "fuzz/$fz" || continue
  if [ -d "tests/fuzz/corpus/$fz" ]; then
    run_program "fuzz/$fz" "$prog" "tests/fuzz/corpus/$fz"
  else
    skip "fuzz/$fz" "no corpus in tests/fuzz/corpus/$fz"
  fi
done

if selected shell shell; then
  check "rapport --help prints usage" sh -c '"$1" --help | grep -q "^Usage: rapport"' _ "$bin"
  check "rapport --version prints the version" sh -c '"$1" --version | grep -Eq "^rapport [0-9]"' _ "$bin"
  check "unknown option exits 2 with usage on stderr" sh -c \
    '"$1" --no-such-flag >/dev/null 2>"$2"; [ $? = 2 ] && grep -q "Usage:" "$2"' _ "$bin" "$tmp/err"
  check "unknown command exits 2" sh -c '"$1" no-such-command >/dev/null 2>&1; [ $? = 2 ]' _ "$bin"
  check "local status exits 3 when no private cluster exists" sh -c \
    'env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE XDG_DATA_HOME="$2" "$1" local status; [ $? = 3 ]' _ "$bin" "$tmp/none"
  check "local destroy without --yes exits 2" sh -c \
    'env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE XDG_DATA_HOME="$2" "$1" local destroy; [ $? = 2 ]' _ "$bin" "$tmp/none"
  check "make install DESTDIR=... installs binary and man page" sh -c \
    'make --no-print-directory -s install VARIANT="$1" DESTDIR="$2" >/dev/null &&
     [ -x "$2/usr/local/bin/rapport" ] && [ -f "$2/usr/local/share/man/man1/rapport.1" ] &&
     "$2/usr/local/bin/rapport" --version' _ "${BUILD##*/}" "$tmp/inst"
  if [ -f src/ui/app.c ] && [ -f src/db/seed.c ]; then
    demo_data="$tmp/demo"
    mkdir -p "$demo_data"
    [ "$(id -u)" = 0 ] && chmod 0755 "$demo_data"
    # make demo in a pseudo-terminal (the browser needs one), private cluster in a temp dir.
    check "make demo (DEMO_FLAGS=--exit-after-paint) paints and exits 0" env -u PGHOST -u PGPORT \
      -u PGUSER -u PGDATABASE XDG_DATA_HOME="$demo_data" TERM=xterm-256color LINES=24 COLUMNS=80 \
      timeout -k 5 300 script -qefc "make --no-print-directory demo VARIANT=${BUILD##*/} DEMO_FLAGS=--exit-after-paint" /dev/null
  else
    skip "make demo" "the browser (src/ui/app.c) or demo data (src/db/seed.c) does not exist yet"
  fi
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
