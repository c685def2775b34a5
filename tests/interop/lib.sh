# Process and file helpers for the interop cases (sourced by run_case.sh).
# Every wait here is a bounded loop on a condition (a port, a file, a size), never a
# fixed sleep standing in for synchronisation.

# Poll step in seconds, and bounds in steps.
POLL=0.05
PORT_WAIT_STEPS=200     # 10 s for a server to listen (ASan builds start slowly)
ECHO_WAIT_STEPS=400     # 20 s for an echo to come back in full

fail() {
    echo "FAIL: $*"
    exit 1
}

# skip WHY: the case cannot run here (a peer's limitation); reported, not failed.
skip() {
    echo "SKIP: $*"
    exit 77
}

# note TEXT: a line in the case's log, with the time (s.ms within the minute).
note() {
    echo "--- $(date +%S.%3N) $*"
}

# listen_port PID: the TCP port PID listens on (IPv4 first), from /proc: the socket
# inodes among its descriptors, matched against the LISTEN (0A) rows of /proc/net/tcp*.
# Peers started on port 0 do not all print the port they got (gnutls-serv does not).
# Shell built-ins only, but for one ls: this runs in a polling loop.
listen_port() {
    local fds line inode inodes=" " local_addr st rest table
    fds=$(ls -l /proc/"$1"/fd 2>/dev/null) || return 1
    while read -r line; do
        case $line in
            *"socket:["*) inode=${line##*socket:[}; inodes="$inodes${inode%]} " ;;
        esac
    done <<< "$fds"
    [ "$inodes" != " " ] || return 1
    for table in /proc/net/tcp /proc/net/tcp6; do
        [ -r $table ] || continue
        # sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
        while read -r _ local_addr _ st _ _ _ _ _ inode rest; do
            if [ "$st" = 0A ] && [[ $inodes == *" $inode "* ]]; then
                echo $((16#${local_addr##*:}))
                return 0
            fi
        done < $table
    done
    return 1
}

# wait_listen PID: set $port once PID listens; fail if it exits first or takes too long.
wait_listen() {
    _i=0
    while [ $_i -lt $PORT_WAIT_STEPS ]; do
        if port=$(listen_port "$1") && [ -n "$port" ]; then
            return 0
        fi
        kill -0 "$1" 2>/dev/null || fail "server (pid $1) exited before listening"
        sleep $POLL
        _i=$((_i + 1))
    done
    fail "server (pid $1) not listening after $PORT_WAIT_STEPS polls"
}

# wait_file FILE PID: wait until FILE exists and is not empty (our server's --ready-file).
wait_file() {
    _i=0
    while [ $_i -lt $PORT_WAIT_STEPS ]; do
        [ -s "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || fail "server (pid $2) exited before writing $1"
        sleep $POLL
        _i=$((_i + 1))
    done
    fail "no $1 after $PORT_WAIT_STEPS polls"
}

size_of() {
    if [ -f "$1" ]; then wc -c < "$1" | tr -d ' '; else echo 0; fi
}

# wait_size FILE N [PID]: until FILE holds at least N bytes, or PID exited (bounded; the
# caller checks).
wait_size() {
    _i=0
    while [ $_i -lt $ECHO_WAIT_STEPS ] && [ "$(size_of "$1")" -lt "$2" ]; do
        if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
            return
        fi
        sleep $POLL
        _i=$((_i + 1))
    done
}

# wait_grep FILE PATTERN: until FILE contains PATTERN (bounded; the caller checks).
wait_grep() {
    _i=0
    while [ $_i -lt $ECHO_WAIT_STEPS ] && ! grep -q -- "$2" "$1" 2>/dev/null; do
        sleep $POLL
        _i=$((_i + 1))
    done
}

# run_fed IN OUT LOG: run "${cmd[@]}" with IN on its stdin, OUT its stdout, LOG its
# stderr; set rc to its exit status. Its stdin stays open after IN until OUT has as many
# bytes (the echo is back) or it exited: a client takes the end of stdin as "close now",
# and closing earlier would race the echo (openssl s_server drops what it had not sent
# yet when the close_notify arrives).
run_fed() {
    rm -f stdin.fifo
    mkfifo stdin.fifo
    "${cmd[@]}" < stdin.fifo > "$2" 2> "$3" &
    _fed_pid=$!
    {
        cat "$1"
        wait_size "$2" "$(size_of "$1")" "$_fed_pid"
    } > stdin.fifo
    wait "$_fed_pid"
    rc=$?
}

# stop PID...: end background peers that serve forever; never fails.
stop() {
    for _p in "$@"; do
        kill "$_p" 2>/dev/null || true
    done
    for _p in "$@"; do
        wait "$_p" 2>/dev/null || true
    done
}

# expect_rc GOT WANT WHAT
expect_rc() {
    [ "$1" = "$2" ] || fail "$3: exit status $1, expected $2"
}

# expect_grep FILE PATTERN WHAT (extended regular expression)
expect_grep() {
    grep -E -q -- "$2" "$1" || fail "$3: no /$2/ in $(basename "$1")"
}

expect_same() {
    cmp "$1" "$2" || fail "$3: $(basename "$2") ($(size_of "$2") B) differs from $(basename "$1") ($(size_of "$1") B)"
}

# Our summary on stderr (tlspair --help): "tlspair:   version    TLSv1.3" and so on.
summary_field() {
    sed -n "s/^tlspair: *$2  *//p" "$1" | head -n "${3:-1}" | tail -n 1
}

# handshake_bytes FILE [N]: in + out bytes of the Nth handshake summary in FILE.
handshake_bytes() {
    summary_field "$1" handshake "${2:-1}" |
        sed -n 's/.* \([0-9][0-9]*\) B in, \([0-9][0-9]*\) B out.*/\1 \2/p' |
        { read -r _in _out && echo $((_in + _out)); }
}
