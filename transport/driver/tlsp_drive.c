/*
 * The driver loop. One step moves at most one transport call's worth of bytes each way,
 * so a transport with a 1-byte MTU really delivers records one byte at a time; callers
 * loop on steps until their goal is met.
 */
#include "tlspair/tlsp_drive.h"

#include <limits.h>

#include "tlspair/tlsp_port.h"

/* Longest single sleep in wait(), so engine deadlines are re-checked regularly. */
#define WAIT_SLICE_MS 100u

static int send_pending(tlsp_engine *e, const tlsp_transport *t, int *moved)
{
    size_t len;
    const uint8_t *p = tlsp_net_out_peek(e, &len);
    int n;

    if (p == NULL) {
        return 0;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = t->send(t->ctx, p, len);
    if (n > 0) {
        (void) tlsp_net_out_consume(e, (size_t) n);
        *moved = 1;
        return 0;
    }
    if (n == TLSP_WANT_WRITE) {
        return 0;
    }
    return TLSP_ERR_TRANSPORT; /* an error, or 0, which the contract forbids */
}

static int receive_some(tlsp_engine *e, const tlsp_transport *t, int *moved)
{
    size_t space;
    uint8_t *p;
    int n;

    if (tlsp_status(e) & TLSP_STATUS_NET_EOF) {
        return 0;
    }
    p = tlsp_net_in_reserve(e, &space);
    if (p == NULL) {
        return 0;
    }
    if (space > INT_MAX) {
        space = INT_MAX;
    }
    n = t->recv(t->ctx, p, space);
    if (n > 0) {
        (void) tlsp_net_in_commit(e, (size_t) n);
        *moved = 1;
        return 0;
    }
    if (n == 0) {
        tlsp_net_in_eof(e);
        *moved = 1;
        return 0;
    }
    if (n == TLSP_WANT_READ) {
        return 0;
    }
    return TLSP_ERR_TRANSPORT;
}

int tlsp_drive_step(tlsp_engine *e, const tlsp_transport *t, int *progress)
{
    unsigned before;
    int moved = 0;
    int ret;
    int engine_ret;

    if (e == NULL || t == NULL || t->send == NULL || t->recv == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    before = tlsp_status(e);
    ret = send_pending(e, t, &moved);
    if (ret == 0) {
        ret = receive_some(e, t, &moved);
    }
    engine_ret = tlsp_poll(e);
    /* Send what the engine just produced; after a failure that is its alert. */
    if (ret == 0) {
        ret = send_pending(e, t, &moved);
    }
    if (tlsp_status(e) != before) {
        moved = 1;
    }
    if (progress != NULL) {
        *progress = moved;
    }
    if (engine_ret != 0 && engine_ret != TLSP_ERR_CLOSED) {
        return engine_ret;
    }
    if (ret != 0) {
        return ret;
    }
    return engine_ret;
}

/* Sleep until the transport may move bytes, or the deadline. 0 when it is worth
 * stepping again; TLSP_ERR_TIMEOUT when the deadline passed. */
int tlsp_drive_wait(tlsp_engine *e, const tlsp_transport *t, uint64_t deadline)
{
    uint64_t now = tlsp_port_millis();
    unsigned events = TLSP_IO_READABLE;
    uint64_t slice;
    int r;

    if (now >= deadline) {
        return TLSP_ERR_TIMEOUT;
    }
    if (t->wait == NULL) {
        return 0;
    }
    if (tlsp_status(e) & TLSP_STATUS_NET_OUT) {
        events |= TLSP_IO_WRITABLE;
    }
    slice = deadline - now;
    if (slice > WAIT_SLICE_MS) {
        slice = WAIT_SLICE_MS;
    }
    r = t->wait(t->ctx, events, (uint32_t) slice);
    return r < 0 ? TLSP_ERR_TRANSPORT : 0;
}

static uint64_t deadline_after(uint32_t timeout_ms)
{
    return tlsp_port_millis() + timeout_ms;
}

/* Step until net_out (and mbedTLS's pending record) is handed to the transport. The
 * peer's end of input arriving meanwhile (TLSP_ERR_TRUNCATED: no close_notify came) does
 * not stop the flush: a half-closed peer may still read, and what this call was asked to
 * send still leaves. The engine keeps the truncation, so the next read reports it. */
static int flush_all(tlsp_engine *e, const tlsp_transport *t, uint64_t deadline)
{
    while (tlsp_status(e) & TLSP_STATUS_NET_OUT) {
        int progress;
        int ret = tlsp_drive_step(e, t, &progress);
        if (ret != 0 && ret != TLSP_ERR_CLOSED && ret != TLSP_ERR_TRUNCATED) {
            return ret;
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
    return 0;
}

int tlsp_drive_handshake(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);

    for (;;) {
        int progress;
        int ret = tlsp_drive_step(e, t, &progress);
        /* The peer's close_notify may come in the same pass that completes the handshake:
         * the handshake still succeeded, and the next read reports the close. */
        if ((ret == 0 || ret == TLSP_ERR_CLOSED) &&
            (tlsp_status(e) & TLSP_STATUS_HANDSHAKE_DONE)) {
            return flush_all(e, t, deadline);
        }
        if (ret != 0) {
            return ret;
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
}

int tlsp_drive_write(tlsp_engine *e, const tlsp_transport *t,
                     const uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);
    size_t off = 0;

    if (buf == NULL || len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    while (off < len) {
        int progress = 0;
        int ret = tlsp_write(e, buf + off, len - off);
        if (ret > 0) {
            off += (size_t) ret;
            progress = 1;
        } else if (ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
            return ret;
        }
        /* Move what was encrypted before taking more. Once all of buf is encrypted, the
         * peer's end of input arriving is the next read's news (flush_all()). */
        ret = tlsp_drive_step(e, t, &progress);
        if (ret != 0 && ret != TLSP_ERR_CLOSED && !(ret == TLSP_ERR_TRUNCATED && off == len)) {
            return ret;
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
    return flush_all(e, t, deadline);
}

int tlsp_drive_read(tlsp_engine *e, const tlsp_transport *t,
                    uint8_t *buf, size_t len, uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);

    for (;;) {
        int progress;
        int ret = tlsp_read(e, buf, len);
        if (ret > 0 || (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE)) {
            return ret;
        }
        ret = tlsp_drive_step(e, t, &progress);
        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            return ret;
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
}

int tlsp_drive_read_exact(tlsp_engine *e, const tlsp_transport *t,
                          uint8_t *buf, size_t len, size_t *got, uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);
    size_t off = 0;
    int ret = 0;

    if (got != NULL) {
        *got = 0;
    }
    if (buf == NULL || len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    while (off < len) {
        uint64_t now = tlsp_port_millis();
        if (now >= deadline) {
            ret = TLSP_ERR_TIMEOUT;
            break;
        }
        ret = tlsp_drive_read(e, t, buf + off, len - off, (uint32_t) (deadline - now));
        if (ret <= 0) {
            break;
        }
        off += (size_t) ret;
        ret = 0;
    }
    if (got != NULL) {
        *got = off;
    }
    return ret;
}

int tlsp_drive_close(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms)
{
    uint64_t deadline = deadline_after(timeout_ms);

    for (;;) {
        int progress;
        int ret = tlsp_close(e);
        if (ret == 0) {
            return flush_all(e, t, deadline);
        }
        if (ret != TLSP_WANT_WRITE) {
            return ret;
        }
        ret = tlsp_drive_step(e, t, &progress);
        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            return ret;
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
}
