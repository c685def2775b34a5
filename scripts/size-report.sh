#!/usr/bin/env bash
# Code size of tlspair for each Cortex-M CPU and both mbedTLS profiles, plus any firmware.
#
#   scripts/size-report.sh [--no-build] [--cpus "cortex-m4f cortex-m0plus"] [--jobs N] [ELF...]
#
# For every CPU preset (CMakePresets.json: cortex-m0plus, cortex-m3, cortex-m4f,
# cortex-m33, cortex-m7) it builds the library only (core, transports with the UART one
# where present, Cortex-M port and mbedTLS; no firmware) twice:
#   ECDHE-ECDSA profile  in build/<cpu>       (the preset itself)
#   PSK profile          in build/<cpu>-psk   (the preset with TLSP_MBEDTLS_PROFILE=cm_psk)
# and prints text/data/bss of each static archive (arm-none-eabi-size).
#
# Archive figures count every function compiled in. A firmware links with
# --gc-sections and keeps only what it calls, so its real flash use is lower (and its
# libc and startup code come on top): for those figures, the script also reports the
# firmware ELF files it finds under build/*/examples/firmware/ and any ELF named on the
# command line.
#
# --no-build  measure what is already built (skips CPUs/profiles not built yet).
# --jobs N    parallel compile jobs per build (default 2).
# TLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x builds with that mbedTLS tree (as scripts/test.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpus="cortex-m0plus cortex-m3 cortex-m4f cortex-m33 cortex-m7"
build=1
jobs=2
elfs=()

while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --cpus) cpus="$2"; shift ;;
        --jobs) jobs="$2"; shift ;;
        -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "size-report.sh: unknown option $1" >&2; exit 2 ;;
        *) elfs+=("$1") ;;
    esac
    shift
done

size_tool="$(command -v arm-none-eabi-size || true)"
if [ -z "$size_tool" ]; then
    echo "size-report.sh: arm-none-eabi-size not found (install gcc-arm-none-eabi)" >&2
    exit 1
fi

# Archives in a build directory, in table order: label and path.
archives=(
    "core:libtlspair_core.a"
    "transport:libtlspair_transport.a"
    "uart:transport/uart/libtlspair_transport_uart.a"
    "port:port/cortex-m/libtlspair_port_cortexm.a"
    "mbedtls:mbedtls/library/libmbedtls.a"
    "mbedx509:mbedtls/library/libmbedx509.a"
    "mbedcrypto:mbedtls/library/libmbedcrypto.a"
)

build_dir() {   # $1 cpu, $2 profile (ecdsa|psk)
    if [ "$2" = ecdsa ]; then echo "$root/build/$1"; else echo "$root/build/$1-psk"; fi
}

build_one() {   # $1 cpu, $2 profile
    local dir
    local mbedtls_arg=(${TLSP_MBEDTLS_DIR:+-DTLSP_MBEDTLS_DIR="$TLSP_MBEDTLS_DIR"})
    dir="$(build_dir "$1" "$2")"
    if [ "$2" = ecdsa ]; then
        cmake --preset "$1" -S "$root" "${mbedtls_arg[@]}" \
            >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; return 1; }
    else
        cmake --preset "$1" -S "$root" -B "$dir" -DTLSP_MBEDTLS_PROFILE=cm_psk "${mbedtls_arg[@]}" \
            >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log" >&2; return 1; }
    fi
    # The library targets only (mbedTLS comes along as their dependency), and the UART
    # transport where this tree has it.
    local targets=(tlspair_core tlspair_transport tlspair_port_cortexm)
    # (grep without -q reads all of its input: no SIGPIPE for cmake under pipefail)
    if cmake --build "$dir" --target help 2>/dev/null | grep 'tlspair_transport_uart$' >/dev/null; then
        targets+=(tlspair_transport_uart)
    fi
    cmake --build "$dir" -j "$jobs" --target "${targets[@]}" \
        >"$dir.build.log" 2>&1 || { tail -30 "$dir.build.log" >&2; return 1; }
}

archive_size() {   # $1 archive -> "text data bss" summed over its members
    "$size_tool" -t "$1" | awk '/\(TOTALS\)/ { print $1, $2, $3 }'
}

if [ "$build" = 1 ]; then
    mkdir -p "$root/build"   # the configure and build logs go next to the build trees
    start=$SECONDS
    for cpu in $cpus; do
        for profile in ecdsa psk; do
            t0=$SECONDS
            build_one "$cpu" "$profile"
            printf 'built %-14s %-6s in %3ds\n' "$cpu" "$profile" $((SECONDS - t0))
        done
    done
    printf 'all builds: %ds (-j%s)\n\n' $((SECONDS - start)) "$jobs"
fi

for profile in ecdsa psk; do
    if [ "$profile" = ecdsa ]; then
        title="ECDHE-ECDSA profile (core/config/tlsp_mbedtls_config_cm_ecdsa.h)"
    else
        title="PSK profile (core/config/tlsp_mbedtls_config_cm_psk.h)"
    fi
    echo "$title, MinSizeRel, archives: text bytes per archive; totals text/data/bss"
    printf '%-14s' cpu
    for a in "${archives[@]}"; do printf ' %10s' "${a%%:*}"; done
    printf ' | %8s %6s %6s\n' text data bss
    for cpu in $cpus; do
        dir="$(build_dir "$cpu" "$profile")"
        if [ ! -f "$dir/libtlspair_core.a" ]; then
            printf '%-14s (not built)\n' "$cpu"
            continue
        fi
        printf '%-14s' "$cpu"
        tt=0; td=0; tb=0
        for a in "${archives[@]}"; do
            if [ ! -f "$dir/${a#*:}" ]; then
                printf ' %10s' -
                continue
            fi
            read -r t d b < <(archive_size "$dir/${a#*:}")
            printf ' %10s' "$t"
            tt=$((tt + t)); td=$((td + d)); tb=$((tb + b))
        done
        printf ' | %8s %6s %6s\n' "$tt" "$td" "$tb"
    done
    echo
done
echo "Archive totals overstate a firmware's flash use: the linker (--gc-sections) keeps only"
echo "the functions a firmware calls. Linked sizes come from firmware ELF files:"
echo

# Firmware: what the firmware builds produced, plus anything named on the command line.
shopt -s nullglob globstar
found=("$root"/build/*/examples/firmware/**/*.elf)
shopt -u globstar
all=("${found[@]}" "${elfs[@]}")
if [ ${#all[@]} -eq 0 ]; then
    echo "(no firmware ELF found under build/*/examples/firmware/; pass paths as arguments)"
    exit 0
fi
width=8
for elf in "${all[@]}"; do
    if [ ! -f "$elf" ]; then
        echo "size-report.sh: no such file: $elf" >&2
        exit 1
    fi
    name="${elf#"$root"/}"
    [ ${#name} -gt $width ] && width=${#name}
done
printf "%-${width}s %8s %6s %6s | %8s %8s\n" firmware text data bss flash ram
for elf in "${all[@]}"; do
    read -r t d b < <("$size_tool" "$elf" | awk 'NR == 2 { print $1, $2, $3 }')
    name="${elf#"$root"/}"
    printf "%-${width}s %8s %6s %6s | %8s %8s\n" "$name" "$t" "$d" "$b" $((t + d)) $((d + b))
done
echo "(flash = text + data; ram = data + bss, static only: stacks and heaps the linker"
echo " script reserves count only if they are sections in the ELF)"
