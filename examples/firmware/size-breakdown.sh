#!/usr/bin/env bash
# Flash and RAM of a firmware image, by origin, from its linker map (the firmware build
# writes NAME.map next to NAME.elf).
#
#   examples/firmware/size-breakdown.sh FIRMWARE.elf [--objects]
#
# Prints arm-none-eabi-size's text/data/bss, then the flash bytes (everything loaded into
# flash: code, read-only data, .data's initial values, alignment fill) per library or
# object group:
#   board         boards/mps2: vector table, reset handler, faults, console printf,
#                 semihosting exit, syscall stubs (the "startup" subtracted below)
#   test-entropy  the Cortex-M port's TEST-ONLY entropy source
#   app           the firmware itself (fw_main.c, fw_session.c)
#   others        by archive: libmbedcrypto.a, libtlspair_core.a, libc_nano.a, ...
# and "flash minus startup" = all flash - board - test-entropy (a real board swaps those
# two for its own startup and its TRNG driver). With --objects, the largest object files
# too.
set -euo pipefail

ELF=${1:?usage: $0 FIRMWARE.elf [--objects]}
MAP=${ELF%.elf}.map
[ -f "$MAP" ] || { echo "size-breakdown: no map file $MAP" >&2; exit 2; }
SIZE=${TLSP_SIZE:-arm-none-eabi-size}

echo "== $(basename "$ELF")"
"$SIZE" "$ELF" | sed 's/^/   /'
# Flash = text + data (the initial values of .data live in flash too).
FLASH=$("$SIZE" "$ELF" | awk 'NR == 2 { print $1 + $2 }')

awk -v objects="${2:-}" -v flash_size="$FLASH" '
function hex(s,   i, v, c) {   # "0x1a2b" -> number (mawk has no strtonum)
    v = 0; s = tolower(substr(s, 3));
    for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
    return v;
}
function group(file,   g) {
    if (file ~ /tlspair_board_mps2\.dir/) return "board";
    if (file ~ /insecure_entropy\.dir/) return "test-entropy";
    if (file ~ /examples\/firmware|tlspair-fw-[^\/]*\.dir/) return "app";
    if (match(file, /[^\/]*\.a\(/)) return substr(file, RSTART, RLENGTH - 1);
    g = file; sub(/.*\//, "", g); return g;
}
function object(file,   o) {
    o = file; sub(/.*\//, "", o); return o;
}
function add(sec, size, file,   g) {
    if (size == 0 || file == "") return;
    # Flash holds everything but .bss, .stack and COMMON.
    if (cur_out == ".bss" || cur_out == ".stack") { ram[group(file)] += size; return; }
    g = group(file);
    flash[g] += size; total += size;
    obj[object(file) " [" g "]"] += size;
    if (cur_out == ".data") ram[g] += size;
}
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
/^\/DISCARD\// { inmap = 0; next }
# An output section header: ".text   0xaddr  0xsize"
/^\.[A-Za-z_.]+/ { cur_out = $1; next }
# An input section, on one line: " .text.foo  0xaddr  0xsize  file"
/^ \.[^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ / { add($1, hex($3), $4); pending = ""; next }
# ... or its name alone, the numbers on the next line.
/^ [.*A-Za-z_][^ ]*$/ { pending = $1; next }
pending != "" && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ { add(pending, hex($2), $3); pending = ""; next }
/^ \*fill\* +0x[0-9a-f]+ +0x[0-9a-f]+/ { if (cur_out != ".bss" && cur_out != ".stack") { fill += hex($3); total += hex($3) } next }
{ pending = "" }
END {
    printf "   flash by origin (bytes):\n";
    n = 0;
    for (g in flash) { n++; names[n] = g }
    # sort by size, descending
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (flash[names[j]] > flash[names[i]]) { t = names[i]; names[i] = names[j]; names[j] = t }
    for (i = 1; i <= n; i++) printf "     %-34s %7d\n", names[i], flash[names[i]];
    printf "     %-34s %7d\n", "(alignment fill)", fill;
    printf "   sum of the above                     %7d  (text + data: %d)\n", total, flash_size;
    startup = flash["board"] + flash["test-entropy"];
    printf "   flash minus startup: %d - %d (board) - %d (test entropy) = %d B = %.1f KiB\n",
           flash_size, flash["board"], flash["test-entropy"], flash_size - startup,
           (flash_size - startup) / 1024;
    printf "   RAM (.data + .bss; the stack is separate) by origin:\n";
    for (g in ram) printf "     %-34s %7d\n", g, ram[g];
    if (objects == "--objects") {
        printf "   largest objects (flash):\n";
        m = 0;
        for (o in obj) { m++; on[m] = o }
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++)
            if (obj[on[j]] > obj[on[i]]) { t = on[i]; on[i] = on[j]; on[j] = t }
        for (i = 1; i <= m && i <= 400; i++) printf "     %-50s %7d\n", on[i], obj[on[i]];
    }
}' "$MAP"
