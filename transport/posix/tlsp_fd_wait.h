/*
 * Internal to the POSIX transports (socket, serial): the poll() behind their wait().
 */
#ifndef TLSP_FD_WAIT_H
#define TLSP_FD_WAIT_H

#include <stdint.h>

/* Wait until fd may take TLSP_IO_* `events`, or timeout_ms passes. Returns the ready
 * subset (0 on timeout, and after EINTR, which the transport contract allows as a spurious
 * wake-up), or -1 with errno set (poll() failed; EBADF when fd is not open). A hang-up or
 * an error makes every requested direction ready, so the caller's next send or recv
 * reports it instead of the caller sleeping on. */
int tlsp_fd_wait(int fd, unsigned events, uint32_t timeout_ms);

#endif /* TLSP_FD_WAIT_H */
