/*
 * What the socket transport's files share: failure bookkeeping, descriptor set-up and
 * deadlines. Not installed; tlsp_socket.h is the API.
 */
#ifndef TLSP_SOCKET_INTERNAL_H
#define TLSP_SOCKET_INTERNAL_H

#include <stdint.h>

#include "tlspair/tlsp_socket.h"

/* Deadline meaning "never" (TLSP_SOCKET_WAIT_FOREVER). */
#define TLSP_SOCKET_NO_DEADLINE UINT64_MAX

/* Record err (an errno value) on s and return code. */
int tlsp_socket_fail(tlsp_socket *s, int code, int err);

/* The tlspair code for an errno from connect() or its SO_ERROR. */
int tlsp_socket_connect_code(int err);

/* Make a fresh descriptor what the API promises: close-on-exec, non-blocking,
 * SO_NOSIGPIPE where it exists, TCP_NODELAY where it is TCP. 0 or an errno. */
int tlsp_socket_prepare_fd(int fd);

/* CLOCK_MONOTONIC in ms: connect and accept timeouts are real time, like poll()'s. */
uint64_t tlsp_socket_now_ms(void);

/* Deadline timeout_ms from now (TLSP_SOCKET_NO_DEADLINE for WAIT_FOREVER). */
uint64_t tlsp_socket_deadline(uint32_t timeout_ms);

/* poll() one descriptor for events until the deadline, retrying EINTR.
 * Returns its revents (> 0), 0 when the deadline passed, or -1 (errno set). */
int tlsp_socket_poll_until(int fd, short events, uint64_t deadline);

#endif /* TLSP_SOCKET_INTERNAL_H */
