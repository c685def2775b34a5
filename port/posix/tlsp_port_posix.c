/*
 * POSIX port: getrandom() for entropy, CLOCK_MONOTONIC for deadlines, time() for
 * certificate dates.
 */
#define _GNU_SOURCE
#include "tlspair/tlsp_port.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>

int tlsp_port_entropy(uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        /* getrandom() may return short reads for large requests and EINTR on signals;
         * it never returns weak bytes once the kernel pool is initialised (flags 0 blocks
         * until it is). */
        ssize_t n = getrandom(buf + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        done += (size_t) n;
    }
    return 0;
}

uint64_t tlsp_port_millis(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0; /* cannot happen with CLOCK_MONOTONIC on Linux */
    }
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

int64_t tlsp_port_wall_time(void)
{
    time_t now = time(NULL);

    return now == (time_t) -1 ? -1 : (int64_t) now;
}
