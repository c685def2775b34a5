/*
 * tlspair-socket-echo-client: the simplest TLS client over TCP, blocking style
 * (tlsp_drive_*). Sends each message given on the command line (or each line of stdin),
 * prints what the echo server sends back, then closes cleanly. Trusts the TEST-ONLY CA
 * of tests/pki and expects the name in the test server's certificate.
 *
 *   tlspair-socket-echo-client [--host H] [--port P] [--psk] [--tls 12|13]
 *                              [--servername NAME] [message...]
 */
#include <stdio.h>
#include <string.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_socket.h"
#include "socket_example.h"

#define CONNECT_MS   5000u
#define HANDSHAKE_MS 10000u
#define REPLY_MS     10000u

static tlsp_engine e;
static uint8_t net_in[16384 + 512], net_out[16384 + 512];

/* Send one line and print the echo, which is exactly as long. */
static int echo_line(const tlsp_transport *t, const char *line, size_t len)
{
    char reply[1024];
    size_t got;
    int ret;

    if (len == 0 || len > sizeof reply) {
        return 0;
    }
    if ((ret = tlsp_drive_write(&e, t, (const uint8_t *) line, len, REPLY_MS)) != 0 ||
        (ret = tlsp_drive_read_exact(&e, t, (uint8_t *) reply, len, &got, REPLY_MS)) != 0) {
        return ret;
    }
    printf("echo: %.*s", (int) got, reply);
    if (reply[got - 1] != '\n') {
        putchar('\n');
    }
    return 0;
}

int main(int argc, char **argv)
{
    socket_example_opts o;
    tlsp_config cfg;
    tlsp_socket sock;
    tlsp_transport t;
    tlsp_info info;
    char line[1024];
    int ret;
    int i;

    if (socket_example_parse(argc, argv, &o, NULL, NULL) != 0 || o.port == 0) {
        fprintf(stderr, "usage: %s [--host H] [--port P] [--psk] [--tls 12|13] "
                        "[--servername NAME] [message...]\n", argv[0]);
        return 2;
    }
    if ((ret = socket_example_config(&cfg, TLSP_CLIENT, o.psk, o.version, o.servername)) != 0) {
        fprintf(stderr, "config: %s\n", tlsp_strerror(ret));
        return 1;
    }
    tlsp_socket_init(&sock);
    if ((ret = tlsp_socket_connect(&sock, o.host, o.port, CONNECT_MS)) != 0) {
        fprintf(stderr, "connect %s:%u: %s (%s)\n", o.host, (unsigned) o.port,
                tlsp_strerror(ret), tlsp_socket_detail(&sock));
        tlsp_config_free(&cfg);
        return 1;
    }
    tlsp_socket_transport(&sock, &t);
    if ((ret = tlsp_engine_init(&e, &cfg, net_in, sizeof net_in, net_out, sizeof net_out)) != 0 ||
        (ret = tlsp_drive_handshake(&e, &t, HANDSHAKE_MS)) != 0) {
        fprintf(stderr, "handshake: %s\n", tlsp_strerror(ret));
        goto out;
    }
    (void) tlsp_engine_info(&e, &info);
    fprintf(stderr, "connected: %s, %s, server %s\n", info.version, info.ciphersuite,
            info.peer_subject[0] ? info.peer_subject : "(PSK)");

    for (i = o.first_arg; i < argc && ret == 0; i++) {
        ret = echo_line(&t, argv[i], strlen(argv[i]));
    }
    while (o.first_arg == argc && ret == 0 && fgets(line, sizeof line, stdin) != NULL) {
        ret = echo_line(&t, line, strlen(line));
    }
    if (ret == 0) {
        /* close_notify then FIN; the server answers with its own close_notify. */
        ret = tlsp_socket_close_notify(&sock, &e, 1000);
    }
    if (ret == 0) {
        ret = tlsp_drive_read(&e, &t, (uint8_t *) line, sizeof line, REPLY_MS);
        ret = ret == TLSP_ERR_CLOSED ? 0 : (ret > 0 ? TLSP_ERR_STATE : ret);
    }
    if (ret != 0) {
        fprintf(stderr, "failed: %s\n", tlsp_strerror(ret));
    }
out:
    tlsp_engine_free(&e);
    tlsp_socket_close(&sock);
    tlsp_config_free(&cfg);
    return ret == 0 ? 0 : 1;
}
