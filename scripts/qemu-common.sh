# Shared by scripts/qemu-*.sh (sourced, not run).

# A board that has sent its last bytes lingers so nothing in flight is dropped, then exits
# by itself. Give it up to 10 s, then stop it. Sets LINGER_RC to its exit code.
#   linger_then_stop PID "what to call it in the message"
linger_then_stop() {
    local pid="$1" label="$2"
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$label still running 10 s after its peer ended: stopping it" >&2
        kill "$pid" 2>/dev/null || true
    fi
    LINGER_RC=0
    wait "$pid" || LINGER_RC=$?
}
