#!/usr/bin/env bash
# Fetch the mbedTLS 3.6 LTS source from Debian's source archive into an ignored folder.
#
#   scripts/fetch-mbedtls.sh [DEST]     (default DEST: third_party/mbedtls)
#
# Why this way: the project must never commit third-party source, and the only registry
# reachable from our machines and CI is Debian's. Debian stable may carry an older major
# version, so we ask apt for the source of the suite that carries 3.6.x (trixie) through a
# private apt directory. The archive address is not written here: it is read from the
# machine's own apt sources, so the script follows whatever mirror the machine uses.
#
# A no-op when DEST already holds a 3.6.x tree. Prints the path of the tree on success.
set -euo pipefail

SUITE="${TLSP_MBEDTLS_SUITE:-trixie}"
WANT_MAJOR_MINOR="3.6"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="${1:-$ROOT/third_party/mbedtls}"

die() { echo "fetch-mbedtls: $*" >&2; exit 1; }

tree_version() {
    # MBEDTLS_VERSION_STRING "3.6.6" in build_info.h
    sed -n 's/^#define MBEDTLS_VERSION_STRING[[:space:]]*"\([0-9.]*\)".*/\1/p' \
        "$1/include/mbedtls/build_info.h" 2>/dev/null || true
}

check_tree() {
    local v
    v="$(tree_version "$1")"
    case "$v" in
        "$WANT_MAJOR_MINOR".*) return 0 ;;
        *) return 1 ;;
    esac
}

if check_tree "$DEST"; then
    echo "$DEST"
    exit 0
fi
[ -e "$DEST" ] && die "$DEST exists but is not an mbedTLS $WANT_MAJOR_MINOR.x tree (found '$(tree_version "$DEST")'); remove it"

command -v apt-get >/dev/null || die "apt-get not found: supply a tree with -DTLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x"

# The archive URI of the machine's Debian main repository: deb822 (.sources) first, then
# one-line sources.list entries. Security and update suites are skipped on purpose.
find_archive_uri() {
    local f uri
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        uri="$(awk '
            /^[[:space:]]*$/ { if (uri != "" && suites ~ /(^| )(bookworm|trixie|stable|testing|sid|unstable)( |$)/ && uri !~ /security/) { print uri; exit } uri=""; suites="" ; next }
            /^URIs:/   { uri=$2 }
            /^Suites:/ { $1=""; suites=$0 }
            END { if (uri != "" && uri !~ /security/) print uri }' "$f" | head -n1)"
        [ -n "$uri" ] && { echo "$uri"; return 0; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        uri="$(awk '$1 == "deb" || $1 == "deb-src" {
                    for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { if ($i !~ /security/) { print $i; exit } break } }' "$f" | head -n1)"
        [ -n "$uri" ] && { echo "$uri"; return 0; }
    done
    return 1
}

URI="$(find_archive_uri)" || die "no Debian archive found in the machine's apt sources"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/etc/sources.list.d" "$WORK/etc/preferences.d" "$WORK/lists/partial" \
         "$WORK/cache/archives/partial" "$WORK/src"
: > "$WORK/etc/sources.list"
cat > "$WORK/etc/sources.list.d/mbedtls-src.sources" <<EOF
Types: deb-src
URIs: $URI
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

APT_OPTS=(
    -o "Dir::Etc::SourceList=$WORK/etc/sources.list"
    -o "Dir::Etc::SourceParts=$WORK/etc/sources.list.d"
    -o "Dir::Etc::PreferencesParts=$WORK/etc/preferences.d"
    -o "Dir::State::Lists=$WORK/lists"
    -o "Dir::Cache=$WORK/cache"
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
)

echo "fetch-mbedtls: reading the $SUITE source index" >&2
apt-get "${APT_OPTS[@]}" -qq update >&2 || die "apt-get update of the private source index failed"
(cd "$WORK/src" && apt-get "${APT_OPTS[@]}" -qq source --download-only mbedtls >&2) \
    || die "apt-get source mbedtls failed"

ORIG="$(ls "$WORK"/src/mbedtls_*.orig.tar.* 2>/dev/null | head -n1)"
[ -n "$ORIG" ] || die "no upstream tarball in the download"
# dpkg-source has already checked the .dsc checksums against the signed index in
# --download-only mode; verify the tarball's SHA256 against the .dsc once more ourselves.
DSC="$(ls "$WORK"/src/mbedtls_*.dsc | head -n1)"
want_sha="$(awk -v f="$(basename "$ORIG")" '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && $3 == f {print $1}' "$DSC")"
have_sha="$(sha256sum "$ORIG" | cut -d' ' -f1)"
[ -n "$want_sha" ] && [ "$want_sha" = "$have_sha" ] || die "checksum mismatch for $(basename "$ORIG")"

mkdir -p "$WORK/unpack"
tar -xf "$ORIG" -C "$WORK/unpack"
TOP="$(find "$WORK/unpack" -mindepth 1 -maxdepth 1 -type d | head -n1)"
check_tree "$TOP" || die "downloaded tree is version '$(tree_version "$TOP")', not $WANT_MAJOR_MINOR.x"

mkdir -p "$(dirname "$DEST")"
mv "$TOP" "$DEST"
echo "fetch-mbedtls: mbedTLS $(tree_version "$DEST") in $DEST" >&2
echo "$DEST"
