/*
 * tlspair-socket-echo-server: the simplest TLS server over TCP. One client at a time,
 * blocking style (tlsp_drive_*): handshake, echo everything back, answer the client's
 * close_notify with ours. Uses the TEST-ONLY credentials of tests/pki.
 *
 *   tlspair-socket-echo-server [--host H] [--port P] [--psk] [--tls 12|13] [--once]
 *
 * With --port 0 it picks a free port and prints it. --once: serve one client, then exit
 * (status 0 only if that client ended cleanly).
 */
#include <stdio.h>
#include <string.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_socket.h"
#include "socket_example.h"

#define HANDSHAKE_MS 10000u
#define IDLE_MS      60000u     /* a client silent this long is dropped */

static int serve(const tlsp_config *cfg, tlsp_socket *conn)
{
    static uint8_t net_in[16384 + 512], net_out[16384 + 512];
    uint8_t buf[4096];
    tlsp_transport t;
    tlsp_engine e;
    tlsp_info info;
    int ret;

    if ((ret = tlsp_engine_init(&e, cfg, net_in, sizeof net_in, net_out, sizeof net_out)) != 0) {
        return ret;
    }
    tlsp_socket_transport(conn, &t);
    if ((ret = tlsp_drive_handshake(&e, &t, HANDSHAKE_MS)) == 0) {
        (void) tlsp_engine_info(&e, &info);
        printf("client connected: %s, %s\n", info.version, info.ciphersuite);
        /* Echo until the client's close_notify (TLSP_ERR_CLOSED) or an error. */
        while ((ret = tlsp_drive_read(&e, &t, buf, sizeof buf, IDLE_MS)) > 0 &&
               (ret = tlsp_drive_write(&e, &t, buf, (size_t) ret, IDLE_MS)) == 0) {
        }
        if (ret == TLSP_ERR_CLOSED) {
            ret = tlsp_socket_close_notify(conn, &e, 1000);   /* ours, then FIN */
        }
    }
    tlsp_engine_free(&e);
    return ret;
}

static int take_once(const char *arg, const char *value, void *ctx)
{
    (void) value;
    if (strcmp(arg, "--once") == 0) {
        *(int *) ctx = 1;
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    socket_example_opts o;
    tlsp_config cfg;
    tlsp_socket listener;
    int once = 0;
    int ret;

    if (socket_example_parse(argc, argv, &o, take_once, &once) != 0 || o.first_arg != argc) {
        fprintf(stderr, "usage: %s [--host H] [--port P] [--psk] [--tls 12|13] [--once]\n", argv[0]);
        return 2;
    }
    if ((ret = socket_example_config(&cfg, TLSP_SERVER, o.psk, o.version, NULL)) != 0) {
        fprintf(stderr, "config: %s\n", tlsp_strerror(ret));
        return 1;
    }
    tlsp_socket_init(&listener);
    if ((ret = tlsp_socket_listen(&listener, o.host, o.port, 0)) != 0) {
        fprintf(stderr, "listen %s:%u: %s (%s)\n", o.host, (unsigned) o.port,
                tlsp_strerror(ret), tlsp_socket_detail(&listener));
        tlsp_config_free(&cfg);
        return 1;
    }
    printf("listening on %s port %d\n", o.host, tlsp_socket_local_port(&listener));
    fflush(stdout);
    do {
        tlsp_socket conn;

        tlsp_socket_init(&conn);
        ret = tlsp_socket_accept(&listener, &conn, TLSP_SOCKET_WAIT_FOREVER);
        if (ret != 0) {
            fprintf(stderr, "accept: %s (%s)\n", tlsp_strerror(ret), tlsp_socket_detail(&listener));
            continue;   /* e.g. out of descriptors for a moment */
        }
        ret = serve(&cfg, &conn);
        printf("client done: %s\n", tlsp_strerror(ret));
        fflush(stdout);
        tlsp_socket_close(&conn);
    } while (!once);
    tlsp_socket_close(&listener);
    tlsp_config_free(&cfg);
    return ret == 0 ? 0 : 1;
}
