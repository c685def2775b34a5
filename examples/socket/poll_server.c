/*
 * tlspair-socket-poll-server: a non-blocking TLS echo server, many clients at once from
 * one poll() loop (poll_echo.c), with a handshake deadline per connection. Ctrl-C stops
 * it and prints what it served. Uses the TEST-ONLY credentials of tests/pki.
 *
 *   tlspair-socket-poll-server [--host H] [--port P] [--psk] [--tls 12|13]
 *                              [--max N] [--handshake-ms MS] [--idle-ms MS] [--quiet]
 *
 * Try it with several tlspair-socket-echo-client at once, or `nc localhost 4433` that
 * never speaks: it is dropped at its deadline and nobody else waits for it.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "poll_echo.h"
#include "socket_example.h"

static int stop_pipe[2] = { -1, -1 };

/* The signal handler only writes to a pipe the loop polls (the self-pipe trick). */
static void on_signal(int sig)
{
    (void) sig;
    if (write(stop_pipe[1], "x", 1) < 0) {
        /* nothing to do in a signal handler */
    }
}

/* The server's own options: the number after each. */
static int take_extra(const char *arg, const char *value, void *ctx)
{
    poll_echo_opts *po = ctx;
    unsigned long v;

    if (strcmp(arg, "--quiet") == 0) {
        po->verbose = 0;
        return 1;
    }
    if (value == NULL) {
        return 0;
    }
    v = strtoul(value, NULL, 10);
    if (strcmp(arg, "--max") == 0) {
        po->max_conns = (unsigned) v;
    } else if (strcmp(arg, "--handshake-ms") == 0) {
        po->handshake_timeout_ms = (uint32_t) v;
    } else if (strcmp(arg, "--idle-ms") == 0) {
        po->idle_timeout_ms = (uint32_t) v;
    } else {
        return 0;
    }
    return 2;
}

int main(int argc, char **argv)
{
    socket_example_opts o;
    poll_echo_opts po;
    poll_echo_stats st;
    tlsp_config cfg;
    tlsp_socket listener;
    int ret;

    memset(&po, 0, sizeof(po));
    po.stop_fd = -1;
    po.verbose = 1;
    po.handshake_timeout_ms = 5000;
    po.idle_timeout_ms = 60000;
    if (socket_example_parse(argc, argv, &o, take_extra, &po) != 0 || o.first_arg != argc) {
        fprintf(stderr, "usage: %s [--host H] [--port P] [--psk] [--tls 12|13] [--max N] "
                        "[--handshake-ms MS] [--idle-ms MS] [--quiet]\n", argv[0]);
        return 2;
    }
    if ((ret = socket_example_config(&cfg, TLSP_SERVER, o.psk, o.version, NULL)) != 0) {
        fprintf(stderr, "config: %s\n", tlsp_strerror(ret));
        return 1;
    }
    tlsp_socket_init(&listener);
    if ((ret = tlsp_socket_listen(&listener, o.host, o.port, 0)) != 0) {
        fprintf(stderr, "listen %s:%u: %s (%s)\n", o.host, (unsigned) o.port, tlsp_strerror(ret),
                tlsp_socket_detail(&listener));
        tlsp_config_free(&cfg);
        return 1;
    }
    if (pipe(stop_pipe) != 0) {
        perror("pipe");
        return 1;
    }
    po.stop_fd = stop_pipe[0];
    po.cfg = &cfg;
    if (signal(SIGINT, on_signal) == SIG_ERR || signal(SIGTERM, on_signal) == SIG_ERR) {
        perror("signal");
        return 1;
    }
    printf("listening on %s port %d\n", o.host, tlsp_socket_local_port(&listener));
    fflush(stdout);
    fprintf(stderr, "at most %u clients at once; Ctrl-C stops\n",
            po.max_conns ? po.max_conns : POLL_ECHO_MAX_CONNS);

    ret = poll_echo_run(&listener, &po, &st);
    printf("accepted %u, completed %u, failed %u, timed out %u, echoed %llu bytes\n",
           st.accepted, st.completed, st.failed, st.timed_out, st.echoed);
    tlsp_socket_close(&listener);
    tlsp_config_free(&cfg);
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return ret == 0 ? 0 : 1;
}
