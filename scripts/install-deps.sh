#!/usr/bin/env bash
# Install what building and testing tlspair needs, only where it is missing, then make
# sure the mbedTLS source is present.
#
#   scripts/install-deps.sh [extra-debian-package...]
#
# Debian packages come through apt-get (as root, or through sudo when available); the
# mbedTLS source comes through scripts/fetch-mbedtls.sh. Safe to run again: it installs
# nothing that is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"

# command → Debian package that provides it
declare -A PROVIDER=(
    [cmake]=cmake [make]=make [gcc]=gcc [tar]=tar [bzip2]=bzip2 [xz]=xz-utils
    [openssl]=openssl
)

missing=()
for cmd in "${!PROVIDER[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${PROVIDER[$cmd]}")
done
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The apt signing keys the mbedTLS fetch verifies the source index with.
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || missing+=(debian-archive-keyring)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "install-deps: missing ${missing[*]} and not root (no sudo): install them and rerun" >&2
        exit 1
    fi
    echo "install-deps: installing ${missing[*]}" >&2
    "${SUDO[@]}" apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >&2
fi

if [ -z "${TLSP_MBEDTLS_DIR:-}" ]; then
    "$ROOT/scripts/fetch-mbedtls.sh" >/dev/null
fi
