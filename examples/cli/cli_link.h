/*
 * tlspair: the medium under the TLS connection. One cli_link is a TCP connection, a unix
 * stream socket connection or a serial device, with a tlsp_transport over it; a server's
 * link also holds its listener. Failures leave a sentence in reason for the error line.
 */
#ifndef CLI_LINK_H
#define CLI_LINK_H

#include "tlspair/tlsp_serial.h"
#include "tlspair/tlsp_socket.h"
#include "tlspair/tlsp_transport.h"

#include "cli.h"

typedef struct cli_link {
    cli_link_kind kind;
    tlsp_socket conn;          /* TCP or unix connection */
    tlsp_socket listener;      /* TCP server */
    int unix_listen_fd;        /* unix server, -1 if none */
    int unix_path_made;        /* we created the socket file: remove it at the end */
    tlsp_serial serial;
    int serial_open;
    tlsp_transport t;          /* valid while connected */
    char where[300];           /* "127.0.0.1:4433", a path: for messages */
    char peer[300];            /* the connected peer: where, or a server's client address */
    char reason[512];          /* why the last call failed */
} cli_link;

/** Make l empty (nothing open). */
void cli_link_init(cli_link *l);

/**
 * Client: connect (or open the device), retrying refused connections and missing
 * sockets or devices for o->connect_retry_ms. Returns 0, or a TLSP_ERR_* (resolve,
 * refused, unreachable, timeout, transport) or TLSP_SERIAL_ERR_* code with reason set.
 */
int cli_link_connect(cli_link *l, const cli_opts *o);

/**
 * Server: listen (TCP, unix) or open the device (serial), then write o->ready_file and
 * print "listening on ..." unless o->quiet. Returns 0 or a code as cli_link_connect().
 */
int cli_link_listen(cli_link *l, const cli_opts *o);

/**
 * Server: wait for the next connection (serial: reopen the device after the first).
 * Returns 0, a failure code with reason set, or TLSP_ERR_STATE when cli_stop_signal
 * was raised while waiting.
 */
int cli_link_accept(cli_link *l, const cli_opts *o);

/** The descriptor to poll() for the connection, -1 if none. */
int cli_link_fd(const cli_link *l);

/**
 * After our close_notify left: end our sending direction where the medium has one
 * (TCP: FIN). Unix sockets are left open both ways: QEMU's chardev takes a half-close
 * for a disconnect. Serial lines have no such thing.
 */
void cli_link_half_close(cli_link *l);

/** The connection is over: close it (a server keeps its listener). */
void cli_link_end(cli_link *l);

/** Close everything and remove a unix socket file this program made. */
void cli_link_close(cli_link *l);

#endif /* CLI_LINK_H */
