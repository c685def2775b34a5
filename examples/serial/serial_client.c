/*
 * tlspair-serial-client: say hello over TLS on a serial line and print the answer.
 *
 *   tlspair-serial-client /dev/ttyUSB0 --baud 115200 [--rtscts] [--psk] [--timeout S]
 *
 * Start tlspair-serial-server on the other end of the line first: a serial line keeps
 * nothing for a program that is not running yet. Exit status 0 on success.
 */
#include <stdio.h>
#include <string.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_serial.h"
#include "serial_example.h"

int main(int argc, char **argv)
{
    static const char hello[] = "hello over a serial line";
    static uint8_t net_in[16384 + 512], net_out[16384 + 512];
    serial_example_args args;
    tlsp_serial port;
    tlsp_transport line;
    tlsp_config cfg;
    tlsp_engine tls;
    tlsp_info info;
    uint8_t reply[128];
    int ret;

    if (serial_example_parse(argc, argv, &args) != 0) {
        return 2;
    }
    if (serial_example_open(&args, &port) != 0) {
        return 1;
    }
    tlsp_serial_transport(&port, &line);

    if ((ret = serial_example_config(&cfg, TLSP_CLIENT, &args)) != 0 ||
        (ret = tlsp_engine_init(&tls, &cfg, net_in, sizeof net_in, net_out, sizeof net_out)) != 0) {
        fprintf(stderr, "setup: %s\n", tlsp_strerror(ret));
        tlsp_config_free(&cfg);
        tlsp_serial_close(&port);
        return 1;
    }
    if ((ret = tlsp_drive_handshake(&tls, &line, args.timeout_ms)) == 0) {
        (void) tlsp_engine_info(&tls, &info);
        printf("connected at %u baud: %s, %s\n", (unsigned) args.line.baud, info.version,
               info.ciphersuite);
        ret = tlsp_drive_write(&tls, &line, (const uint8_t *) hello, strlen(hello), args.timeout_ms);
    }
    if (ret == 0) {
        ret = tlsp_drive_read(&tls, &line, reply, sizeof reply, args.timeout_ms);
        if (ret > 0) {
            printf("server says: %.*s\n", ret, (const char *) reply);
            /* Our close_notify, then the server's: both sides know nothing was cut off. */
            ret = tlsp_drive_close(&tls, &line, args.timeout_ms);
            if (ret == 0) {
                ret = tlsp_drive_read(&tls, &line, reply, sizeof reply, args.timeout_ms);
                ret = ret == TLSP_ERR_CLOSED ? 0 : ret;
            }
        }
    }
    if (ret != 0) {
        fprintf(stderr, "tls: %s\n", tlsp_strerror(ret));
    }
    tlsp_engine_free(&tls);
    tlsp_config_free(&cfg);
    tlsp_serial_close(&port);   /* waits for the last bytes to leave, restores the line */
    return ret == 0 ? 0 : 1;
}
