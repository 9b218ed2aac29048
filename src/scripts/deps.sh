#!/bin/sh
# make deps: install what rapport needs to build, test and run, and nothing
# else. When everything is present this is a quick no-op (no apt-get update).
#
# pgvector: kept if the server's extension dir already has vector.control;
# else the distro package postgresql-NN-pgvector when apt has one; else
# (Debian 12) built from Debian's own pgvector source package, fetched from the
# same archive this machine already uses through a throwaway apt configuration
# in a temp dir, so the system's apt setup is never touched. Nothing is ever
# downloaded from anywhere but the distro's package archive.
set -eu

PKGS="pkg-config gcc make libncurses-dev libpq-dev libcjson-dev uuid-dev
libcurl4-openssl-dev libstemmer-dev libcmocka-dev libvterm-dev postgresql
postgresql-contrib dpkg-dev clang valgrind
libfreetype-dev libpng-dev fonts-dejavu-core"
# The last line: tests/tools/screenshots.sh renders PNGs with FreeType + libpng.
export DEBIAN_FRONTEND=noninteractive

say() { echo "deps: $*" >&2; }

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
if [ -n "$SUDO" ] && ! command -v sudo >/dev/null 2>&1; then
  SUDO=die_nosudo
fi
die_nosudo() { say "not root and no sudo: run 'make deps' as root"; exit 1; }

# Prints the packages of "$@" that are not installed.
missing() {
  for p in "$@"; do
    s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$s" in ii*) ;; *) echo "$p" ;; esac
  done
}

updated=
apt_install() {
  [ -n "$updated" ] || { say "apt-get update"; $SUDO apt-get update -q >&2; updated=1; }
  say "installing: $*"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}

# The newest installed server major (postgresql depends on one).
pg_major() {
  ls -d /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sed 's|/usr/lib/postgresql/\([0-9]*\)/.*|\1|' \
    | sort -n | tail -n 1
}

need=$(missing $PKGS)
# shellcheck disable=SC2086
[ -z "$need" ] || apt_install $need

NN=$(pg_major)
[ -n "$NN" ] || { say "no PostgreSQL server found after installing postgresql"; exit 1; }
need=$(missing "postgresql-server-dev-$NN")
[ -z "$need" ] || apt_install "$need"

PG_CONFIG=/usr/lib/postgresql/$NN/bin/pg_config
extdir="$($PG_CONFIG --sharedir)/extension"
# DEPS_PGVECTOR_DESTDIR=DIR (for testing this script): build from source and
# install under DIR instead of the system, whatever is installed already.
staged=${DEPS_PGVECTOR_DESTDIR:-}
if [ -z "$staged" ]; then
  if [ -f "$extdir/vector.control" ]; then
    [ -n "$updated" ] || say "all present (PostgreSQL $NN with pgvector)"
    exit 0
  fi
  [ -n "$updated" ] || { say "apt-get update"; $SUDO apt-get update -q >&2; updated=1; }
  if apt-cache show "postgresql-$NN-pgvector" >/dev/null 2>&1; then
    apt_install "postgresql-$NN-pgvector"
    exit 0
  fi
fi

# The debian archive URI this machine already uses (not -security, not others).
archive_uri() {
  {
    cat /etc/apt/sources.list 2>/dev/null | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }'
    for f in /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] && awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f"
    done
  } | grep -E '/debian/?$' | grep -v security | head -n 1
}

uri=$(archive_uri)
[ -n "$uri" ] || { say "no Debian archive in /etc/apt sources: cannot fetch pgvector's source"; exit 1; }
say "building pgvector for PostgreSQL $NN from Debian's source package ($uri)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/src"
kr=/usr/share/keyrings/debian-archive-keyring.gpg
opt=
[ -f "$kr" ] && opt=" [signed-by=$kr]"
printf 'deb-src%s %s sid main\ndeb-src%s %s trixie main\n' "$opt" "$uri" "$opt" "$uri" >"$tmp/sources.list"
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chown -R _apt "$tmp/lists" "$tmp/src"; fi
APTOPT="-o Dir::Etc::SourceList=$tmp/sources.list -o Dir::Etc::SourceParts=/dev/null
 -o Dir::State::Lists=$tmp/lists -o Dir::Cache=$tmp/cache -o Debug::NoLocking=1"
# One suite may fail (e.g. a key this release does not have); the other may still serve it.
# shellcheck disable=SC2086
apt-get $APTOPT update -q >&2 || say "apt-get update of the source suites reported errors; trying what was fetched"
# shellcheck disable=SC2086
versions=$(apt-cache $APTOPT showsrc pgvector 2>/dev/null | awk '$1 == "Version:" { print $2 }' | sort -urV)
[ -n "$versions" ] || { say "Debian's archive lists no pgvector source"; exit 1; }
got=
for v in $versions; do
  say "trying pgvector source $v"
  # shellcheck disable=SC2086
  if (cd "$tmp/src" && apt-get $APTOPT source -q --download-only "pgvector=$v" >&2); then
    got=$v; break
  fi
  rm -f "$tmp/src"/*
done
[ -n "$got" ] || { say "no pgvector source version could be downloaded"; exit 1; }
(cd "$tmp/src" && dpkg-source -x ./*.dsc pgvector >&2)
# The server runs on this very machine: build for its CPU. On x86-64,
# -march=native made HNSW inserts of 1536-dim vectors ~25% faster than the
# portable build (2,000 rows: 8.0-8.5 s vs 10.0-11.8 s). Elsewhere keep
# pgvector's own choice (its Makefile knows where -march=native fails);
# DEPS_PGVECTOR_OPTFLAGS overrides (e.g. "" for a portable build).
case "$(uname -m)" in
  x86_64 | amd64) optflags=${DEPS_PGVECTOR_OPTFLAGS--march=native} ;;
  *) optflags=${DEPS_PGVECTOR_OPTFLAGS-} ;;
esac
say "pgvector OPTFLAGS=\"$optflags\""
make -C "$tmp/src/pgvector" PG_CONFIG="$PG_CONFIG" OPTFLAGS="$optflags" >&2
if [ -n "$staged" ]; then
  make -C "$tmp/src/pgvector" PG_CONFIG="$PG_CONFIG" DESTDIR="$staged" install >&2
  extdir=$staged$extdir
else
  $SUDO make -C "$tmp/src/pgvector" PG_CONFIG="$PG_CONFIG" install >&2
fi
[ -f "$extdir/vector.control" ] || { say "pgvector install did not produce $extdir/vector.control"; exit 1; }
say "pgvector $got installed for PostgreSQL $NN"
