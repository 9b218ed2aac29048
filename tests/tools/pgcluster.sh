#!/bin/sh
# Private throwaway PostgreSQL cluster for tests and benchmarks.
#   pgcluster.sh start DIR   initdb (if needed) + start; prints `export PG...` lines
#   pgcluster.sh stop DIR    stop (and keep DIR)
#   pgcluster.sh env DIR     print the export lines again
# Unix socket only (listen_addresses=''), trust auth for the superuser role
# "rapport_test". As root, the server runs as the unprivileged user "postgres"
# (initdb refuses root), and DIR is made traversable for it.
set -eu
cmd=${1:?usage: pgcluster.sh start|stop|env DIR}
dir=${2:?usage: pgcluster.sh start|stop|env DIR}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$PGBIN/initdb" ] || { echo "pgcluster: no PostgreSQL server found (run: make deps)" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"; sock="$dir/sock"; port=${PGTEST_PORT:-5433}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

print_env() {
  echo "export PGHOST='$sock' PGPORT='$port' PGUSER='rapport_test' PGDATABASE='postgres'"
}

case "$cmd" in
start)
  mkdir -p "$sock"
  if [ "$(id -u)" = 0 ]; then chmod 0755 "$dir"; chown postgres "$dir" "$sock"; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$data" -U rapport_test --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
maintenance_work_mem = 512MB
max_connections = 200
CONF
  fi
  if ! as_pg "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_pg "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
  fi
  print_env ;;
stop)
  [ -f "$data/PG_VERSION" ] && as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true ;;
env) print_env ;;
*) echo "pgcluster: unknown command $cmd" >&2; exit 2 ;;
esac
