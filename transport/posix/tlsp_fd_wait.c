#include "tlsp_fd_wait.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>

#include "tlspair/tlsp_transport.h"

int tlsp_fd_wait(int fd, unsigned events, uint32_t timeout_ms)
{
    struct pollfd p = { fd, 0, 0 };
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
        return errno == EINTR ? 0 : -1;
    }
    if (p.revents & POLLNVAL) {
        errno = EBADF;
        return -1;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
        ready |= TLSP_IO_READABLE & events;
    }
    if (p.revents & (POLLOUT | POLLHUP | POLLERR)) {
        ready |= TLSP_IO_WRITABLE & events;
    }
    return (int) ready;
}
