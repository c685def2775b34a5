/*
 * Server side: bind and listen, read back the bound port, accept with or without waiting.
 */
#define _GNU_SOURCE
#include "tlsp_socket_internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bind_address(tlsp_socket *s, const struct addrinfo *ai, int backlog)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int one = 1;
    int err;

    if (fd < 0) {
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, errno);
    }
    err = tlsp_socket_prepare_fd(fd);
    /* A restarted server can bind while old connections sit in TIME_WAIT. */
    if (err == 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0) {
        err = errno;
    }
#ifdef IPV6_V6ONLY
    if (err == 0 && ai->ai_family == AF_INET6) {
        /* "::" should take IPv4 clients too; systems that refuse keep IPv6 only. */
        int zero = 0;
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
#endif
    if (err == 0 && bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        err = errno;
    }
    if (err == 0 && listen(fd, backlog) != 0) {
        err = errno;
    }
    if (err != 0) {
        close(fd);
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, err);
    }
    s->fd = fd;
    return 0;
}

int tlsp_socket_listen(tlsp_socket *s, const char *host, uint16_t port, int backlog)
{
    struct addrinfo hints;
    struct addrinfo *list = NULL;
    const struct addrinfo *ai;
    char service[8];
    int ret;

    if (s == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (s->fd >= 0) {
        return TLSP_ERR_STATE;
    }
    tlsp_socket_init(s);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    (void) snprintf(service, sizeof(service), "%u", (unsigned) port);
    ret = getaddrinfo(host, service, &hints, &list);
    if (ret != 0) {
        tlsp_socket_fail(s, TLSP_ERR_RESOLVE, ret == EAI_SYSTEM ? errno : 0);
        s->gai_error = ret;
        return TLSP_ERR_RESOLVE;
    }
    ret = TLSP_ERR_RESOLVE;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        ret = bind_address(s, ai, backlog > 0 ? backlog : SOMAXCONN);
        if (ret == 0) {
            s->sys_errno = 0;
            break;
        }
    }
    freeaddrinfo(list);
    return ret;
}

int tlsp_socket_local_port(const tlsp_socket *s)
{
    struct sockaddr_storage addr;
    socklen_t len = sizeof(addr);

    if (s == NULL || s->fd < 0) {
        return TLSP_ERR_STATE;
    }
    memset(&addr, 0, sizeof(addr));   /* a family getsockname() did not fill is no port */
    if (getsockname(s->fd, (struct sockaddr *) &addr, &len) != 0) {
        return TLSP_ERR_TRANSPORT;
    }
    if (addr.ss_family == AF_INET) {
        return ntohs(((const struct sockaddr_in *) (const void *) &addr)->sin_port);
    }
    if (addr.ss_family == AF_INET6) {
        return ntohs(((const struct sockaddr_in6 *) (const void *) &addr)->sin6_port);
    }
    return TLSP_ERR_TRANSPORT;
}

/* accept() failures that concern only the connection being accepted (its client gave
 * up, or its network broke before we took it): the listener is fine, try again. Linux
 * passes the new socket's pending network errors up through accept(). */
static int is_transient_accept_error(int err)
{
    switch (err) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENOPROTOOPT:
    case EOPNOTSUPP:
#ifdef EHOSTDOWN
    case EHOSTDOWN:
#endif
#ifdef ENONET
    case ENONET:
#endif
        return 1;
    default:
        return 0;
    }
}

int tlsp_socket_accept(tlsp_socket *listener, tlsp_socket *conn, uint32_t timeout_ms)
{
    uint64_t deadline;

    if (listener == NULL || conn == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (listener->fd < 0 || conn->fd >= 0) {
        return TLSP_ERR_STATE;
    }
    deadline = tlsp_socket_deadline(timeout_ms);
    for (;;) {
        int fd = accept(listener->fd, NULL, NULL);
        int revents;

        if (fd >= 0) {
            int err = tlsp_socket_prepare_fd(fd);
            if (err != 0) {
                close(fd);
                return tlsp_socket_fail(listener, TLSP_ERR_TRANSPORT, err);
            }
            tlsp_socket_init(conn);
            conn->fd = fd;
            return 0;
        }
        if (!is_transient_accept_error(errno)) {
            return tlsp_socket_fail(listener, TLSP_ERR_TRANSPORT, errno);
        }
        if (timeout_ms == 0) {
            return TLSP_WANT_READ;
        }
        /* The listener is non-blocking, so a connection that vanishes between poll()
         * and accept() costs one more round here instead of a hang in accept(). */
        revents = tlsp_socket_poll_until(listener->fd, POLLIN, deadline);
        if (revents < 0) {
            return tlsp_socket_fail(listener, TLSP_ERR_TRANSPORT, errno);
        }
        if (revents == 0) {
            return TLSP_ERR_TIMEOUT;
        }
    }
}
