/*
 * Shared by serial_client.c and serial_server.c (serial_example.h).
 */
#include "serial_example.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_test_pki.h"

/* TEST ONLY: a key printed in a public example protects nothing. A real device gets its
 * own key, provisioned out of band. */
static const uint8_t demo_psk_identity[] = "tlspair-serial-demo";
static const uint8_t demo_psk_key[32] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
    0x76, 0x2e, 0x71, 0x60, 0xf3, 0x8b, 0x4d, 0xa5, 0x6a, 0x78, 0x4d, 0x90, 0x45, 0x19, 0x0c, 0xfe,
};

int serial_example_parse(int argc, char **argv, serial_example_args *args)
{
    int i;

    memset(args, 0, sizeof(*args));
    args->line.baud = TLSP_SERIAL_DEFAULT_BAUD;
    args->timeout_ms = 30000;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--baud") == 0 && i + 1 < argc) {
            args->line.baud = (uint32_t) strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--rtscts") == 0) {
            args->line.rtscts = 1;
        } else if (strcmp(argv[i], "--psk") == 0) {
            args->psk = 1;
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            args->timeout_ms = (uint32_t) strtoul(argv[++i], NULL, 10) * 1000u;
        } else if (argv[i][0] != '-' && args->device == NULL) {
            args->device = argv[i];
        } else {
            args->device = NULL;
            break;
        }
    }
    if (args->device == NULL) {
        fprintf(stderr, "usage: %s DEVICE [--baud N] [--rtscts] [--psk] [--timeout SECONDS]\n",
                argv[0]);
        return -1;
    }
    return 0;
}

int serial_example_open(const serial_example_args *args, tlsp_serial *port)
{
    int ret = tlsp_serial_open(port, args->device, &args->line);

    if (ret != 0) {
        fprintf(stderr, "%s: %s (%s)\n", args->device, tlsp_serial_strerror(ret),
                strerror(tlsp_serial_os_error(port)));
    }
    return ret;
}

int serial_example_config(tlsp_config *cfg, tlsp_role role, const serial_example_args *args)
{
    int ret = tlsp_config_init(cfg, role);

    if (ret == 0) {
        ret = tlsp_config_set_timeouts(cfg, args->timeout_ms, args->timeout_ms);
    }
    if (ret != 0) {
        return ret;
    }
    if (args->psk) {
        return tlsp_config_set_psk(cfg, demo_psk_identity, sizeof(demo_psk_identity) - 1,
                                   demo_psk_key, sizeof(demo_psk_key));
    }
    if (role == TLSP_SERVER) {
        return tlsp_config_set_own_cert(cfg,
                                        (const uint8_t *) tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len,
                                        (const uint8_t *) tlsp_test_server_key_pem, tlsp_test_server_key_pem_len,
                                        NULL);
    }
    ret = tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                             tlsp_test_test_ca_crt_pem_len);
    return ret != 0 ? ret : tlsp_config_set_hostname(cfg, "tlspair-test-server");
}
