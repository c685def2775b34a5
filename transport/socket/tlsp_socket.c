/*
 * The tlsp_socket object: life cycle, adopting a descriptor, error reporting, and the
 * helpers the other files share (tlsp_socket_internal.h).
 */
#define _GNU_SOURCE
#include "tlsp_socket_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void tlsp_socket_init(tlsp_socket *s)
{
    if (s != NULL) {
        memset(s, 0, sizeof(*s));
        s->fd = -1;
    }
}

int tlsp_socket_fail(tlsp_socket *s, int code, int err)
{
    s->sys_errno = err;
    s->gai_error = 0;
    return code;
}

int tlsp_socket_connect_code(int err)
{
    switch (err) {
    case ECONNREFUSED:
        return TLSP_ERR_REFUSED;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
        return TLSP_ERR_UNREACHABLE;
    case ETIMEDOUT:
        return TLSP_ERR_TIMEOUT;   /* the kernel gave up retrying SYNs */
    default:
        return TLSP_ERR_TRANSPORT;
    }
}

int tlsp_socket_prepare_fd(int fd)
{
    int flags = fcntl(fd, F_GETFD);
    int one = 1;

    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) != 0) {
        return errno;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        return errno;
    }
#ifdef SO_NOSIGPIPE
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one)) != 0) {
        return errno;
    }
#endif
    /* TLS writes whole records; Nagle would hold a record's tail back waiting for the
     * peer's delayed ACK. Fails harmlessly on a unix socket. */
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return 0;
}

uint64_t tlsp_socket_now_ms(void)
{
    struct timespec ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

uint64_t tlsp_socket_deadline(uint32_t timeout_ms)
{
    if (timeout_ms == TLSP_SOCKET_WAIT_FOREVER) {
        return TLSP_SOCKET_NO_DEADLINE;
    }
    return tlsp_socket_now_ms() + timeout_ms;
}

int tlsp_socket_poll_until(int fd, short events, uint64_t deadline)
{
    for (;;) {
        struct pollfd p = { fd, events, 0 };
        int timeout = -1;
        int n;

        if (deadline != TLSP_SOCKET_NO_DEADLINE) {
            uint64_t now = tlsp_socket_now_ms();
            uint64_t left = deadline > now ? deadline - now : 0;
            timeout = left > INT_MAX ? INT_MAX : (int) left;
        }
        n = poll(&p, 1, timeout);
        if (n > 0) {
            return p.revents;
        }
        if (n < 0 && errno != EINTR) {
            return -1;
        }
        if (n == 0 && deadline != TLSP_SOCKET_NO_DEADLINE && tlsp_socket_now_ms() >= deadline) {
            return 0;
        }
    }
}

int tlsp_socket_attach(tlsp_socket *s, int fd)
{
    int one = 1;

    if (s == NULL || fd < 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (s->fd >= 0) {
        return TLSP_ERR_STATE;
    }
    tlsp_socket_init(s);
    s->fd = fd;
#ifdef SO_NOSIGPIPE
    (void) setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
#endif
#ifndef MSG_DONTWAIT
    /* No per-call non-blocking flag on this system: the descriptor itself must be. */
    (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
#endif
    (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return 0;
}

void tlsp_socket_close(tlsp_socket *s)
{
    if (s != NULL && s->fd >= 0) {
        /* Linux closes the descriptor even when close() reports EINTR: never retry. */
        (void) close(s->fd);
        tlsp_socket_init(s);
    }
}

int tlsp_socket_errno(const tlsp_socket *s)
{
    return s != NULL ? s->sys_errno : 0;
}

int tlsp_socket_gai_error(const tlsp_socket *s)
{
    return s != NULL ? s->gai_error : 0;
}

const char *tlsp_socket_detail(const tlsp_socket *s)
{
    if (s == NULL) {
        return "";
    }
    if (s->gai_error != 0) {
        return s->gai_error == EAI_SYSTEM ? strerror(s->sys_errno) : gai_strerror(s->gai_error);
    }
    return s->sys_errno != 0 ? strerror(s->sys_errno) : "";
}
