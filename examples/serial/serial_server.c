/*
 * tlspair-serial-server: answer one TLS client on a serial line, then exit.
 *
 *   tlspair-serial-server /dev/ttyUSB0 --baud 115200 [--rtscts] [--psk] [--timeout S]
 *
 * Waits (up to the timeout) for the client's hello, replies, and closes cleanly.
 * Exit status 0 on success.
 */
#include <stdio.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_serial.h"
#include "serial_example.h"

int main(int argc, char **argv)
{
    static uint8_t net_in[16384 + 512], net_out[16384 + 512];
    serial_example_args args;
    tlsp_serial port;
    tlsp_transport line;
    tlsp_config cfg;
    tlsp_engine tls;
    uint8_t msg[128], reply[160];
    int ret, n;

    if (serial_example_parse(argc, argv, &args) != 0) {
        return 2;
    }
    if (serial_example_open(&args, &port) != 0) {
        return 1;
    }
    tlsp_serial_transport(&port, &line);

    if ((ret = serial_example_config(&cfg, TLSP_SERVER, &args)) != 0 ||
        (ret = tlsp_engine_init(&tls, &cfg, net_in, sizeof net_in, net_out, sizeof net_out)) != 0) {
        fprintf(stderr, "setup: %s\n", tlsp_strerror(ret));
        tlsp_config_free(&cfg);
        tlsp_serial_close(&port);
        return 1;
    }
    printf("waiting for a client on %s at %u baud\n", args.device, (unsigned) args.line.baud);
    fflush(stdout);
    ret = tlsp_drive_handshake(&tls, &line, args.timeout_ms);
    if (ret == 0) {
        ret = tlsp_drive_read(&tls, &line, msg, sizeof msg, args.timeout_ms);
    }
    if (ret > 0) {
        printf("client says: %.*s\n", ret, (const char *) msg);
        n = snprintf((char *) reply, sizeof reply, "got %d bytes: %.*s", ret, ret, (const char *) msg);
        ret = tlsp_drive_write(&tls, &line, reply, (size_t) n, args.timeout_ms);
    }
    if (ret == 0) {
        /* The client closes first; answer its close_notify with ours. */
        ret = tlsp_drive_read(&tls, &line, msg, sizeof msg, args.timeout_ms);
        ret = ret == TLSP_ERR_CLOSED ? tlsp_drive_close(&tls, &line, args.timeout_ms) : ret;
    }
    if (ret != 0) {
        fprintf(stderr, "tls: %s\n", tlsp_strerror(ret));
    }
    tlsp_engine_free(&tls);
    tlsp_config_free(&cfg);
    tlsp_serial_close(&port);   /* waits for our close_notify to leave, restores the line */
    return ret == 0 ? 0 : 1;
}
