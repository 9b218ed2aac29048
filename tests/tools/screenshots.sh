#!/bin/sh
# make screenshots: PNG images of the real binary on the demo database, taken
# through the screen-test harness (tests/common/vt.c: pty + libvterm) and
# rendered cell by cell by tests/tools/vtshot.c (FreeType + DejaVu Sans Mono,
# libpng). Nothing is drawn by hand: rerun after any UI change.
#
# The demo data lives in a throwaway private cluster (rapport local) under a
# temporary XDG_DATA_HOME, so the developer's own databases are not touched.
# Needs: libfreetype-dev, libpng-dev, fonts-dejavu-core (deps.sh installs them).
#   BUILD=build/release  OUT=screenshots  sh tests/tools/screenshots.sh
set -eu
BUILD=${BUILD:-build/release}
OUT=${OUT:-screenshots}
BIN=$(pwd)/$BUILD/rapport
SHOT=$BUILD/tests/tools/vtshot
CC=${CC:-cc}

[ -x "$BIN" ] || { echo "screenshots: $BIN missing (run make)" >&2; exit 1; }
mkdir -p "$(dirname "$SHOT")" "$OUT"
# shellcheck disable=SC2046
$CC -std=c11 -O2 -Wall -Wextra -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Itests \
	$(pkg-config --cflags freetype2 libpng) -o "$SHOT" tests/tools/vtshot.c tests/common/vt.c \
	$(pkg-config --libs freetype2 libpng) -lvterm -lutil

# A private cluster with the demo data, removed at the end.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGSERVICE PGSERVICEFILE
# A fixed path, so the status line (which names the socket) and thus the
# images are the same from run to run.
XDG_DATA_HOME=${TMPDIR:-/tmp}/rapport-screenshots-$(id -u)
export XDG_DATA_HOME RAPPORT_BIN="$BIN"
# The search pane leaves out its query time (" · 12 ms"), which differs run
# to run; everything else on screen comes from the seeded demo data.
export RAPPORT_HIDE_TIMINGS=1
"$BIN" local stop >/dev/null 2>&1 || true
rm -rf "$XDG_DATA_HOME"
mkdir -m 755 "$XDG_DATA_HOME"
cleanup() {
	"$BIN" local stop >/dev/null 2>&1 || true
	rm -rf "$XDG_DATA_HOME"
}
trap cleanup EXIT INT TERM
"$BIN" db seed --demo >/dev/null

# shot NAME SIZE [vtshot steps...] -- [rapport args...]
shot() {
	name=$1 size=$2
	shift 2
	"$SHOT" -o "$OUT/$name.png" -s "$size" "$@"
	echo "screenshots: $OUT/$name.png"
}

# The hierarchy three levels deep, detail of the selected client.
shot hierarchy 30x120 -w Companies -k ll -w "Data items" --
# The detail pane focused on a coach (models, readable metadata).
shot detail 30x120 -w Companies -k l -w "Coaching models" -k "<Tab>" --
# A transcript in the pager with search hits highlighted.
shot pager 30x100 -w Companies -k ll -w "Data items" -k "<Tab><Enter>" -w "Felix:" -k "/confidence<Enter>" -w "match 1" --
# The key help overlay.
shot help 30x100 -w Companies -k "?" -w "Quit rapport" --
# A light theme (on a light terminal) and the 16-colour theme.
VTSHOT_LIGHT=1 shot theme-light 30x120 -w Companies -k ll -w "Data items" -- --theme light
shot theme-16color 30x120 -w Companies -k ll -w "Data items" -e TERM=xterm -- --theme 16color
# The search pane (H6) and the metadata form (H8), through their keys.
shot search 30x120 -w Companies -k "S" -w "earch" -k "promotion<Enter>" -w "results" --
shot form 30x120 -w Companies -k ll -w "Data items" -k e -w "department" --
