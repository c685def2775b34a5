/*
 * tlspair: the data phase (cli_pump.h). One loop, no threads: plaintext into the engine,
 * a non-blocking transport step (tlsp_drive_step), plaintext out of the engine, then
 * poll() on stdin and the medium until something can move.
 *
 * stdin and stdout stay blocking descriptors (they may be shared with a shell or a
 * terminal, whose flags are not ours to change): stdin is read only when poll() says it
 * is readable, and a slow stdout simply holds the loop, which is back-pressure on the
 * peer, not a deadlock.
 */
#define _GNU_SOURCE
#include "cli_pump.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_socket.h"

#include "cli_report.h"
#include "cli_session.h"

#define CHUNK 16384u
/* Longest sleep in poll(): the progress line and the closing deadline are checked this
 * often. */
#define TICK_MS 250u

typedef struct pump {
    tlsp_engine *e;
    cli_link *link;
    const cli_opts *o;
    uint8_t tx[CHUNK];           /* plaintext on its way into the engine */
    size_t tx_off, tx_len;
    uint8_t rx[CHUNK];
    int source_done;             /* stdin ended (or, with --echo, nothing more to echo) */
    int peer_closed;
    int close_queued;
    int half_closed;
    uint64_t close_deadline;     /* after our close_notify: the peer's must come by then */
} pump;

static int write_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Plaintext into the engine; 0, or a failure. */
static int feed_engine(pump *p, int *progress)
{
    while (p->tx_off < p->tx_len) {
        int n = tlsp_write(p->e, p->tx + p->tx_off, p->tx_len - p->tx_off);

        if (n > 0) {
            p->tx_off += (size_t) n;
            *progress = 1;
        } else if (n == TLSP_WANT_WRITE || n == TLSP_WANT_READ) {
            return 0;
        } else {
            return n;
        }
    }
    p->tx_off = p->tx_len = 0;
    if (!p->close_queued && (p->source_done || p->peer_closed)) {
        int ret = tlsp_close(p->e);

        if (ret == 0) {
            p->close_queued = 1;
            p->close_deadline = tlsp_port_millis() + p->o->timeout_ms;
            *progress = 1;
        } else if (ret != TLSP_WANT_WRITE) {
            return ret;
        }
    }
    return 0;
}

/* Plaintext out of the engine: to stdout, or into tx to be echoed. */
static int drain_engine(pump *p, int *progress)
{
    int n;

    if (p->peer_closed || (p->o->echo && p->tx_len != 0)) {
        return 0;
    }
    n = tlsp_read(p->e, p->rx, sizeof(p->rx));
    if (n > 0) {
        *progress = 1;
        if (p->o->echo) {
            memcpy(p->tx, p->rx, (size_t) n);
            p->tx_len = (size_t) n;
            p->tx_off = 0;
        } else if (write_all(STDOUT_FILENO, p->rx, (size_t) n) != 0) {
            fprintf(stderr, CLI_NAME ": error: cannot write to stdout: %s\n", strerror(errno));
            return CLI_PUMP_IO_ERROR;
        }
        return 0;
    }
    if (n == TLSP_ERR_CLOSED) {
        p->peer_closed = 1;
        *progress = 1;
        return 0;
    }
    return (n == TLSP_WANT_READ || n == TLSP_WANT_WRITE) ? 0 : n;
}

static int stdin_wanted(const pump *p)
{
    return !p->o->echo && !p->source_done && !p->peer_closed && !p->close_queued && p->tx_len == 0;
}

static int read_stdin(pump *p)
{
    ssize_t n;

    do {
        n = read(STDIN_FILENO, p->tx, sizeof(p->tx));
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        fprintf(stderr, CLI_NAME ": error: cannot read stdin: %s\n", strerror(errno));
        return CLI_PUMP_IO_ERROR;
    }
    if (n == 0) {
        p->source_done = 1;
    } else {
        p->tx_len = (size_t) n;
        p->tx_off = 0;
    }
    return 0;
}

/* Sleep until stdin or the medium can move bytes, or the next tick. */
static int wait_for_io(pump *p)
{
    struct pollfd fds[2];
    nfds_t nfds = 0;
    int timeout = (int) TICK_MS;
    int stdin_slot = -1;
    int n;

    fds[nfds].fd = cli_link_fd(p->link);
    /* The same events a socket would want: in while net_in has room, out while net_out
     * holds bytes. They depend only on the engine, so they serve a serial fd as well. */
    fds[nfds].events = tlsp_socket_poll_events(p->e);
    fds[nfds].revents = 0;
    nfds++;
    if (stdin_wanted(p)) {
        stdin_slot = (int) nfds;
        fds[nfds].fd = STDIN_FILENO;
        fds[nfds].events = POLLIN;
        fds[nfds].revents = 0;
        nfds++;
    }
    if (p->close_queued) {
        uint64_t now = tlsp_port_millis();

        if (now >= p->close_deadline) {
            return TLSP_ERR_TIMEOUT;
        }
        if (p->close_deadline - now < (uint64_t) timeout) {
            timeout = (int) (p->close_deadline - now);
        }
    }
    n = poll(fds, nfds, timeout);
    if (n < 0 && errno != EINTR) {
        return TLSP_ERR_TRANSPORT;
    }
    if (stdin_slot >= 0 && n > 0 && fds[stdin_slot].revents != 0) {
        return read_stdin(p);
    }
    return 0;
}

int cli_handshake(tlsp_engine *e, cli_link *l, uint32_t timeout_ms)
{
    uint64_t deadline = tlsp_port_millis() + timeout_ms;

    for (;;) {
        int progress = 0;
        int ret;

        if (cli_stop_signal) {
            return CLI_PUMP_STOPPED;
        }
        ret = tlsp_drive_step(e, &l->t, &progress);
        /* Done: what is left in net_out (our last flight) goes out in the data phase. */
        if (tlsp_status(e) & TLSP_STATUS_HANDSHAKE_DONE) {
            return (ret == 0 || ret == TLSP_ERR_CLOSED) ? 0 : ret;
        }
        if (ret != 0) {
            return ret;
        }
        /* tlsp_drive_wait() sleeps at most 100 ms at a time: the signal is seen soon. */
        if (!progress && (ret = tlsp_drive_wait(e, &l->t, deadline)) != 0) {
            return ret;
        }
    }
}

int cli_pump(tlsp_engine *e, cli_link *l, const cli_opts *o, int *stdin_eof, int *session_saved)
{
    static pump p;   /* 32 KiB of buffers: not on the stack */
    uint64_t started = tlsp_port_millis();
    int ret;

    memset(&p, 0, sizeof(p));
    p.e = e;
    p.link = l;
    p.o = o;
    p.source_done = o->echo ? 0 : *stdin_eof;

    for (;;) {
        int progress = 0;
        int moved = 0;

        if (cli_stop_signal) {
            ret = CLI_PUMP_STOPPED;
            break;
        }
        if ((ret = feed_engine(&p, &progress)) != 0) {
            break;
        }
        ret = tlsp_drive_step(e, &l->t, &moved);
        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            break;
        }
        if (moved && p.close_queued) {
            p.close_deadline = tlsp_port_millis() + o->timeout_ms;   /* the peer is alive */
        }
        progress |= moved;
        if ((ret = drain_engine(&p, &progress)) != 0) {
            break;
        }
        if (o->sess_out != NULL && *session_saved == 0) {
            *session_saved = cli_session_save(e, o);
        }
        if (p.close_queued && !(tlsp_status(e) & TLSP_STATUS_NET_OUT)) {
            if (!p.half_closed) {
                cli_link_half_close(l);
                p.half_closed = 1;
            }
            if (p.peer_closed) {
                ret = 0;
                break;
            }
        }
        cli_report_progress(e, o, started);
        if (!progress && (ret = wait_for_io(&p)) != 0) {
            break;
        }
    }
    if (!o->echo && p.source_done) {
        *stdin_eof = 1;
    }
    if (ret == 0) {
        cli_report_end(e, o, started);
    }
    return ret;
}
