/*
 * What the serial client and server examples share: their command line, opening the
 * device with a readable error, and the credentials (the TEST-ONLY PKI, or a demo PSK).
 */
#ifndef SERIAL_EXAMPLE_H
#define SERIAL_EXAMPLE_H

#include <stdint.h>

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_serial.h"

typedef struct serial_example_args {
    const char *device;         /* e.g. /dev/ttyUSB0 */
    tlsp_serial_opts line;      /* --baud N (default 115200), --rtscts */
    int psk;                    /* --psk: pre-shared key instead of certificates */
    uint32_t timeout_ms;        /* --timeout SECONDS (default 30), for each step */
} serial_example_args;

/* Parse "DEVICE [--baud N] [--rtscts] [--psk] [--timeout SECONDS]". 0, or -1 after
 * printing the usage line. */
int serial_example_parse(int argc, char **argv, serial_example_args *args);

/* Open the device; on failure print why (the tlspair reason and the system's) and
 * return nonzero. */
int serial_example_open(const serial_example_args *args, tlsp_serial *port);

/* Set up cfg for the role: the test PKI (server certificate, client trusts the test CA
 * and checks the name) or the demo PSK. 0 or a TLSP_ERR_* code. */
int serial_example_config(tlsp_config *cfg, tlsp_role role, const serial_example_args *args);

#endif /* SERIAL_EXAMPLE_H */
