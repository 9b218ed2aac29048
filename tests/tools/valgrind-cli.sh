#!/bin/sh
# The CLI paths under valgrind: no invalid access, no definite leak.
#   BUILD=build/release (the binary to check; -O2 -g)
# Starts its own throwaway cluster, migrates and seeds a database with the
# plain binary, then runs each command under memcheck. A command fails when
# valgrind reports an error (exit 99) or the command's exit code is not the
# expected one. Ends with "N passed, N failed".
set -u
root=$(pwd)
BUILD=${BUILD:-build/release}
case "$BUILD" in /*) ;; *) BUILD="$root/$BUILD" ;; esac
bin="$BUILD/rapport"
[ -x "$bin" ] || { echo "valgrind-cli: $bin not built" >&2; echo "0 passed, 1 failed"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rapport-vg.XXXXXX")
[ "$(id -u)" = 0 ] && chmod 0755 "$tmp"
mkdir -p "$tmp/xdg"
[ "$(id -u)" = 0 ] && chmod 0755 "$tmp/xdg"
cleanup() {
  env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE XDG_DATA_HOME="$tmp/xdg" "$bin" local destroy --yes >/dev/null 2>&1
  sh "$root/tests/tools/pgcluster.sh" stop "$tmp/pg" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

export PGTEST_PORT=${PGTEST_PORT:-$((30000 + $$ % 10000))}
envs=$(sh "$root/tests/tools/pgcluster.sh" start "$tmp/pg") || { echo "0 passed, 1 failed"; exit 1; }
eval "$envs"
unset PGSERVICE PGSERVICEFILE PGHOSTADDR
export PGDATABASE=rapport_vg XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state"
createdb rapport_vg
"$bin" db migrate >"$tmp/prep.log" 2>&1 && "$bin" db seed --demo >>"$tmp/prep.log" 2>&1 \
  || { echo "valgrind-cli: preparing the database failed:"; tail -n 20 "$tmp/prep.log"; }
coach=$(psql -XAtc "SELECT email FROM coaches ORDER BY email LIMIT 1" 2>/dev/null)

passed=0 failed=0
# vg NAME EXPECTED_EXIT ARGS...: runs "$bin ARGS" under memcheck, with the
# words of $pre (an env(1) prefix) in front of valgrind.
pre=
vg() {
  name=$1 want=$2; shift 2
  log="$tmp/vg.log"
  # shellcheck disable=SC2086
  $pre valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --num-callers=30 --log-file="$log" "$bin" "$@" >"$tmp/out" 2>&1 </dev/null
  rc=$?
  if [ "$rc" = "$want" ] && ! grep -q "== [A-Z]" "$log" 2>/dev/null; then
    passed=$((passed + 1)); echo "ok   valgrind: $name"
  else
    failed=$((failed + 1)); echo "FAIL valgrind: $name (exit $rc, wanted $want)"
    tail -n 15 "$tmp/out"; head -n 60 "$log"
  fi
}

vg "rapport --help" 0 --help
vg "rapport --version" 0 --version
vg "rapport bad option" 2 --bogus
pre="env -u PGHOST -u PGPORT -u PGUSER -u PGDATABASE XDG_DATA_HOME=$tmp/xdg"
vg "rapport local status (none)" 3 local status
vg "rapport local start" 0 local start
vg "rapport local url" 0 local url
vg "rapport local status (running)" 0 local status
vg "rapport local stop" 0 local stop
pre=
vg "rapport db status" 0 db status
vg "rapport db migrate (no-op)" 0 db migrate
vg "rapport meta coaches EMAIL" 0 meta coaches "${coach:-nobody@example.com}"
vg "rapport search delegation" 0 search delegation
pre="env PGHOST=$tmp/nonexistent"
vg "rapport search (unreachable server)" 2 search delegation
pre=
# H9: hostile values (tests/hostile/values.txt) as arguments: escapes,
# invalid UTF-8, SQL metacharacters, format strings, deep/huge JSON.
vg "meta: OSC title as REF" 1 meta coaches "$(printf '\033]0;pwned\007')"
vg "meta: invalid UTF-8 as REF" 1 meta coaches "$(printf 'a\300\257b')"
vg "meta: SQL comment as TABLE" 2 meta "'; DROP TABLE coaches; --" "${coach:-nobody@example.com}"
vg "search: format string query" 0 search --json '%n%s%s%n'
vg "search: scope with CSI clear" 1 search --scope "coach:$(printf '\033[2J')" delegation
vg "search: invalid UTF-8 query" 1 search "$(printf '\355\240\200')"
vg "meta --set: 1,000-level nesting" 1 meta coaches "${coach:-nobody@example.com}" \
  --set "h9_deep=$(printf '%01000d' 0 | tr 0 '[')1$(printf '%01000d' 0 | tr 0 ']')"
vg "meta --set: 1e400 (refused: out of range)" 1 meta coaches "${coach:-nobody@example.com}" --set h9_big=1e400
pre=
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
