/*
 * tlsp_transport over a non-blocking unix stream socket (unix_transport.h).
 */
#define _GNU_SOURCE
#include "unix_transport.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tlspair/tlsp_error.h"

static int link_send(void *ctx, const uint8_t *buf, size_t len)
{
    unix_link *l = ctx;
    ssize_t n;

    do {
        n = send(l->fd, buf, len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        return (int) n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return TLSP_WANT_WRITE;
    }
    return TLSP_ERR_TRANSPORT;
}

static int link_recv(void *ctx, uint8_t *buf, size_t len)
{
    unix_link *l = ctx;
    ssize_t n;

    do {
        n = recv(l->fd, buf, len, 0);
    } while (n < 0 && errno == EINTR);
    if (n >= 0) {
        return (int) n;   /* 0: the board's QEMU closed the socket */
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return TLSP_WANT_READ;
    }
    return TLSP_ERR_TRANSPORT;
}

static int link_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    unix_link *l = ctx;
    struct pollfd p = { l->fd, 0, 0 };
    unsigned ready = 0;
    int n;

    if (events & TLSP_IO_READABLE) {
        p.events |= POLLIN;
    }
    if (events & TLSP_IO_WRITABLE) {
        p.events |= POLLOUT;
    }
    n = poll(&p, 1, timeout_ms > INT_MAX ? INT_MAX : (int) timeout_ms);
    if (n < 0) {
        return errno == EINTR ? 0 : TLSP_ERR_TRANSPORT;
    }
    /* Hang-up and errors count as readable: recv() then reports EOF or the error. */
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ready |= TLSP_IO_READABLE & events;
    }
    if (p.revents & (POLLOUT | POLLERR)) {
        ready |= TLSP_IO_WRITABLE & events;
    }
    return (int) ready;
}

int unix_link_connect(unix_link *l, const char *path, uint32_t wait_ms)
{
    struct sockaddr_un addr;
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    uint32_t waited = 0;

    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            return -1;
        }
        if (connect(fd, (const struct sockaddr *) &addr, sizeof(addr)) == 0) {
            if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
                close(fd);
                return -1;
            }
            l->fd = fd;
            return 0;
        }
        close(fd);
        if ((errno != ENOENT && errno != ECONNREFUSED) || waited >= wait_ms) {
            return -1;
        }
        nanosleep(&pause, NULL);
        waited += 20;
    }
}

void unix_link_transport(unix_link *l, tlsp_transport *t)
{
    t->send = link_send;
    t->recv = link_recv;
    t->wait = link_wait;
    t->ctx = l;
}

void unix_link_close(unix_link *l)
{
    if (l->fd >= 0) {
        close(l->fd);
        l->fd = -1;
    }
}
