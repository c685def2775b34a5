/*
 * The tlsp_transport over a connected socket (send, recv, wait), the poll() events an
 * engine needs, and the orderly end of a connection (close_notify, then FIN).
 */
#define _GNU_SOURCE
#include "tlsp_socket_internal.h"
#include "tlsp_fd_wait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>

#include "tlspair/tlsp_drive.h"

/* Never block in send()/recv(), whatever the descriptor's mode: only wait() sleeps, so
 * every drive call keeps its deadline. Systems without MSG_DONTWAIT get O_NONBLOCK
 * set on the descriptor instead (tlsp_socket_attach()). */
#ifdef MSG_DONTWAIT
#define IO_FLAGS MSG_DONTWAIT
#else
#define IO_FLAGS 0
#endif

/* Writing to a connection the peer has closed must return EPIPE, not kill the process. */
#if defined(MSG_NOSIGNAL)
#define SEND_FLAGS (IO_FLAGS | MSG_NOSIGNAL)
#elif defined(SO_NOSIGPIPE)
#define SEND_FLAGS IO_FLAGS   /* set on the descriptor by attach, connect and accept */
#else
#error "neither MSG_NOSIGNAL nor SO_NOSIGPIPE: writes to a closed peer would raise SIGPIPE"
#endif

static int would_block(int err)
{
    return err == EAGAIN || err == EWOULDBLOCK;
}

/* A fatal error: remember it, so later calls fail the same way without a syscall. */
static int broken(tlsp_socket *s, int err)
{
    s->failed = 1;
    return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, err);
}

static int socket_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_socket *s = ctx;
    ssize_t n;

    if (s->failed || s->fd < 0) {
        return TLSP_ERR_TRANSPORT;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    do {
        n = send(s->fd, buf, len, SEND_FLAGS);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int) n;
    }
    if (n == 0 || would_block(errno) || errno == ENOBUFS) {
        return TLSP_WANT_WRITE;
    }
    return broken(s, errno);   /* EPIPE, ECONNRESET, ... */
}

static int socket_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_socket *s = ctx;
    ssize_t n;

    if (s->failed || s->fd < 0) {
        return TLSP_ERR_TRANSPORT;
    }
    if (s->eof) {
        return 0;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    do {
        n = recv(s->fd, buf, len, IO_FLAGS);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int) n;
    }
    if (n == 0) {
        s->eof = 1;            /* the peer's FIN; the engine decides clean or truncated */
        return 0;
    }
    if (would_block(errno)) {
        return TLSP_WANT_READ;
    }
    return broken(s, errno);   /* ECONNRESET: a reset is an error, never a clean end */
}

static int socket_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    tlsp_socket *s = ctx;
    int n;

    if (s->failed || s->fd < 0) {
        return TLSP_ERR_TRANSPORT;
    }
    /* After EOF, recv() is ready at once (it returns 0 again); polling for input would
     * only make poll() return immediately, over and over. */
    if (s->eof && (events & TLSP_IO_READABLE)) {
        return TLSP_IO_READABLE;
    }
    /* Errors and hang-ups wake both directions: the next send or recv reports them. */
    n = tlsp_fd_wait(s->fd, events, timeout_ms);
    return n < 0 ? broken(s, errno) : n;
}

void tlsp_socket_transport(tlsp_socket *s, tlsp_transport *t)
{
    if (t != NULL) {
        t->send = socket_send;
        t->recv = socket_recv;
        t->wait = socket_wait;
        t->ctx = s;
    }
}

short tlsp_socket_poll_events(const tlsp_engine *e)
{
    unsigned st = tlsp_status(e);
    short events = 0;

    if (st & TLSP_STATUS_NET_OUT) {
        events |= POLLOUT;
    }
    if (!(st & (TLSP_STATUS_NET_IN_FULL | TLSP_STATUS_NET_EOF | TLSP_STATUS_FAILED))) {
        events |= POLLIN;
    }
    return events;
}

int tlsp_socket_shutdown_write(tlsp_socket *s)
{
    if (s == NULL || s->fd < 0) {
        return TLSP_ERR_STATE;
    }
    if (shutdown(s->fd, SHUT_WR) != 0) {
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, errno);
    }
    return 0;
}

/* Our close_notify is in the socket, whatever happened on the input side meanwhile.
 * A peer that answers our close_notify by closing at once can do so within the very
 * driver pass that sent it: the engine then sees the EOF (TLSP_ERR_TRUNCATED unless the
 * peer's own close_notify came first) although ours has left. That is the read side's
 * news (tlsp_read() reports it), not a failure to close. */
static int close_notify_left(const tlsp_engine *e)
{
    unsigned st = tlsp_status(e);

    return (st & TLSP_STATUS_LOCAL_CLOSED) && (st & TLSP_STATUS_NET_EOF) && !(st & TLSP_STATUS_NET_OUT);
}

int tlsp_socket_close_notify(tlsp_socket *s, tlsp_engine *e, uint32_t timeout_ms)
{
    tlsp_transport t;
    int ret;

    if (s == NULL || e == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (s->fd < 0) {
        return TLSP_ERR_STATE;
    }
    tlsp_socket_transport(s, &t);
    ret = tlsp_drive_close(e, &t, timeout_ms);
    if (ret != 0 && !close_notify_left(e)) {
        return ret;
    }
    return tlsp_socket_shutdown_write(s);
}
