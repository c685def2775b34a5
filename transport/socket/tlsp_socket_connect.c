/*
 * Client side: resolve a name, then a non-blocking connect() bounded by poll(), one
 * address after another until one answers.
 */
#define _GNU_SOURCE
#include "tlsp_socket_internal.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Connect fd to one address by the deadline. 0, or a tlspair code with errno kept in s. */
static int connect_fd(tlsp_socket *s, int fd, const struct addrinfo *ai, uint64_t deadline)
{
    int err = 0;
    socklen_t err_len = sizeof(err);
    int revents;

    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        return 0;
    }
    /* EINTR on a non-blocking connect: the attempt carries on in the background, just
     * like EINPROGRESS. */
    if (errno != EINPROGRESS && errno != EINTR) {
        return tlsp_socket_fail(s, tlsp_socket_connect_code(errno), errno);
    }
    revents = tlsp_socket_poll_until(fd, POLLOUT, deadline);
    if (revents < 0) {
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, errno);
    }
    if (revents == 0) {
        return tlsp_socket_fail(s, TLSP_ERR_TIMEOUT, ETIMEDOUT);
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0) {
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, errno);
    }
    if (err != 0) {
        return tlsp_socket_fail(s, tlsp_socket_connect_code(err), err);
    }
    return 0;
}

static int try_address(tlsp_socket *s, const struct addrinfo *ai, uint64_t deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int err;
    int ret;

    if (fd < 0) {
        /* e.g. EAFNOSUPPORT for ::1 on a host without IPv6 */
        return tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, errno);
    }
    err = tlsp_socket_prepare_fd(fd);
    ret = err != 0 ? tlsp_socket_fail(s, TLSP_ERR_TRANSPORT, err) : connect_fd(s, fd, ai, deadline);
    if (ret != 0) {
        close(fd);
        return ret;
    }
    s->fd = fd;
    return 0;
}

int tlsp_socket_connect(tlsp_socket *s, const char *host, uint16_t port, uint32_t timeout_ms)
{
    struct addrinfo hints;
    struct addrinfo *list = NULL;
    const struct addrinfo *ai;
    char service[8];
    uint64_t deadline;
    int ret;

    if (s == NULL || host == NULL || port == 0 || timeout_ms == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (s->fd >= 0) {
        return TLSP_ERR_STATE;
    }
    deadline = tlsp_socket_deadline(timeout_ms);
    tlsp_socket_init(s);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;   /* no AI_ADDRCONFIG: it hides localhost offline */
    (void) snprintf(service, sizeof(service), "%u", (unsigned) port);
    ret = getaddrinfo(host, service, &hints, &list);
    if (ret != 0) {
        tlsp_socket_fail(s, TLSP_ERR_RESOLVE, ret == EAI_SYSTEM ? errno : 0);
        s->gai_error = ret;
        return TLSP_ERR_RESOLVE;
    }
    ret = TLSP_ERR_RESOLVE;
    for (ai = list; ai != NULL; ai = ai->ai_next) {
        if (deadline != TLSP_SOCKET_NO_DEADLINE && tlsp_socket_now_ms() >= deadline) {
            ret = tlsp_socket_fail(s, TLSP_ERR_TIMEOUT, ETIMEDOUT);
            break;
        }
        ret = try_address(s, ai, deadline);
        if (ret == 0 || ret == TLSP_ERR_TIMEOUT) {
            break;
        }
    }
    freeaddrinfo(list);
    if (ret == 0) {
        s->sys_errno = 0;
    }
    return ret;
}
