/*
 * The serial port's transport callbacks (tlsp_serial.h): non-blocking read() and write(),
 * poll() for wait(), and the mapping of a hang-up to end of input.
 */
#define _GNU_SOURCE
#include "tlspair/tlsp_serial.h"

#include "tlsp_fd_wait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

/* Errors that mean the device is gone (hung up, unplugged), not that this call failed. */
static int is_hangup_errno(int err)
{
    return err == EIO || err == ENXIO || err == ENODEV;
}

/* Does the device report a hang-up or an error condition right now? */
static int hung_up(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    int n;

    do {
        n = poll(&p, 1, 0);
    } while (n < 0 && errno == EINTR);
    return n > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int serial_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_serial *port = ctx;
    ssize_t n;

    do {
        n = write(port->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int) n;
    }
    if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
        return TLSP_WANT_WRITE;   /* never 0: the contract reserves it */
    }
    return TLSP_ERR_TRANSPORT;    /* EIO after a hang-up included: bytes cannot go anywhere */
}

static int serial_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_serial *port = ctx;
    ssize_t n;

    do {
        n = read(port->fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int) n;
    }
    if (n == 0) {
        /* A hung-up terminal reads 0. So does an empty one whose VMIN and VTIME are both
         * 0 (an attached fd keeps its caller's settings): only a hang-up is end of input. */
        return hung_up(port->fd) ? 0 : TLSP_WANT_READ;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return TLSP_WANT_READ;
    }
    /* EIO: the other side of a pseudo-terminal closed, or the device was unplugged. */
    return is_hangup_errno(errno) ? 0 : TLSP_ERR_TRANSPORT;
}

static int serial_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    tlsp_serial *port = ctx;
    int n = tlsp_fd_wait(port->fd, events, timeout_ms);

    /* A hang-up makes both directions ready (tlsp_fd_wait): the next recv() reports end
     * of input, the next send() the failure. EBADF: the fd was closed under the port. */
    return n < 0 ? TLSP_ERR_TRANSPORT : n;
}

void tlsp_serial_transport(tlsp_serial *port, tlsp_transport *t)
{
    t->send = serial_send;
    t->recv = serial_recv;
    t->wait = serial_wait;
    t->ctx = port;
}
