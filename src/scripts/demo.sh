#!/bin/sh
# make demo: installs whatever is missing (src/scripts/deps.sh, a quick no-op
# when all is there), builds, then opens the browser on the private cluster
# with demo data (cli_connect creates, migrates and seeds it).
#   DEMO_FLAGS=--exit-after-paint   extra rapport options (e.g. for scripts)
set -eu
MAKE=${MAKE:-make}
VARIANT=${VARIANT:-release}
BIN=${BIN:-build/$VARIANT/rapport}
sh src/scripts/deps.sh
$MAKE --no-print-directory VARIANT="$VARIANT" all >&2
# The private cluster is only used when no PG* variable names a server.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSERVICEFILE
# shellcheck disable=SC2086
exec "$BIN" --demo ${DEMO_FLAGS:-}
