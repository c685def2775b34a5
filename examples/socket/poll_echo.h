/*
 * A non-blocking TLS echo server: many clients at once from one poll() loop, no threads.
 * Each connection is an engine plus a socket, driven with tlsp_drive_step() whenever
 * poll() says its socket is ready; a connection that stalls only ever costs its own slot,
 * until its deadline frees it.
 *
 * The program is poll_server.c; the tests run poll_echo_run() directly.
 */
#ifndef POLL_ECHO_H
#define POLL_ECHO_H

#include <stdint.h>

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_socket.h"

/** Most connections served at once (each holds an engine and ~38 KiB of queues and echo
 *  buffer here, plus what mbedTLS allocates for it). */
#define POLL_ECHO_MAX_CONNS 16u

typedef struct poll_echo_opts {
    const tlsp_config *cfg;        /* server config, shared by every connection */
    unsigned max_conns;            /* 1..POLL_ECHO_MAX_CONNS; 0 = the maximum. When all
                                      are busy, new clients wait in the listen backlog. */
    uint32_t handshake_timeout_ms; /* from accept to handshake done; 0 = 10 s */
    uint32_t idle_timeout_ms;      /* after the handshake, longest silence; 0 = none */
    int stop_fd;                   /* readable (or hung up) = return; -1 = never */
    int verbose;                   /* one line per connection event on stderr */
} poll_echo_opts;

typedef struct poll_echo_stats {
    unsigned accepted;             /* connections taken from the listener */
    unsigned completed;            /* ended by the client's close_notify, answered with ours */
    unsigned failed;               /* ended by an error (truncation, reset, bad handshake) */
    unsigned timed_out;            /* dropped at their handshake or idle deadline */
    unsigned long long echoed;     /* application bytes echoed, all connections */
} poll_echo_stats;

/**
 * Serve clients of listener (from tlsp_socket_listen()) until stop_fd becomes readable;
 * then finish that round's events, close every connection still open (without
 * close_notify) and return. stats counts every connection that ended before.
 * \return 0; a tlspair code if the loop itself failed (poll(), out of memory).
 */
int poll_echo_run(tlsp_socket *listener, const poll_echo_opts *opts, poll_echo_stats *stats);

#endif /* POLL_ECHO_H */
