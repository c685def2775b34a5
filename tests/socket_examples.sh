#!/bin/sh
# The socket example programs as a reader runs them (docs/transports.md): the blocking
# echo server and client, then the poll() server with three clients at once.
# Usage: socket_examples.sh <dir with the tlspair-socket-* programs>
# TLSP_TEST_WRAPPER, when set, is a command that runs each program (valgrind ...: the
# host-valgrind test preset).
set -eu
bin=$1
run=${TLSP_TEST_WRAPPER:-}
tmp=$(mktemp -d)
server=
# On failure, stop the server still waiting for clients.
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$tmp"' EXIT

# Start a server on a free port and set $port from its first line, "listening on ... port N".
# The line arrives through a FIFO, so reading it waits exactly until the server is ready.
start_server() {
    rm -f "$tmp/out"
    mkfifo "$tmp/out"
    $run "$@" > "$tmp/out" &
    server=$!
    exec 3< "$tmp/out"
    read -r line <&3
    port=${line##* }
    case $line in
        "listening on "*) ;;
        *) echo "unexpected first line: $line" >&2; exit 1 ;;
    esac
}

check_reply() {
    if [ "$1" != "$2" ]; then
        printf 'expected [%s], got [%s]\n' "$2" "$1" >&2
        exit 1
    fi
}

# Blocking pair, certificates, then PSK over TLS 1.2. --once: the server's exit status
# says whether its one client ended cleanly (close_notify both ways).
start_server "$bin/tlspair-socket-echo-server" --port 0 --once
check_reply "$($run "$bin/tlspair-socket-echo-client" --port "$port" "hello tlspair")" "echo: hello tlspair"
wait "$server"
server=
exec 3<&-

start_server "$bin/tlspair-socket-echo-server" --port 0 --once --psk --tls 12
check_reply "$(printf 'one\ntwo\n' | $run "$bin/tlspair-socket-echo-client" --port "$port" --psk --tls 12)" \
            "$(printf 'echo: one\necho: two')"
wait "$server"
server=
exec 3<&-

# The poll() server: three clients at once, then SIGTERM; it prints what it served.
start_server "$bin/tlspair-socket-poll-server" --port 0 --quiet
for i in 1 2 3; do
    $run "$bin/tlspair-socket-echo-client" --port "$port" "client $i" > "$tmp/client$i" &
    eval "client$i=\$!"
done
wait "$client1"; wait "$client2"; wait "$client3"
for i in 1 2 3; do
    check_reply "$(cat "$tmp/client$i")" "echo: client $i"
done
kill -TERM "$server"
wait "$server"
server=
read -r summary <&3
exec 3<&-
case $summary in
    "accepted 3, completed 3, failed 0, timed out 0,"*) ;;
    *) echo "poll server summary: $summary" >&2; exit 1 ;;
esac
echo "socket examples: all passed"
