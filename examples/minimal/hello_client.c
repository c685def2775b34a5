/*
 * The README's API example: a TLS client over any transport (a UART, a socket...), using
 * the driver loop. Compiled with the project so the README cannot drift from the API.
 */
#include <stdio.h>

#include "hello_client.h"
#include "tlspair/tlsp_drive.h"

static tlsp_config cfg;
static tlsp_engine tls;
static uint8_t net_in[2048], net_out[2048];   /* any size works; bigger = fewer passes */

int hello_client(const tlsp_transport *link, const uint8_t *ca_pem, size_t ca_len)
{
    uint8_t reply[64];
    int ret;

    if ((ret = tlsp_config_init(&cfg, TLSP_CLIENT)) != 0 ||
        (ret = tlsp_config_add_ca(&cfg, ca_pem, ca_len)) != 0 ||
        (ret = tlsp_config_set_hostname(&cfg, "tlspair-test-server")) != 0 ||
        (ret = tlsp_engine_init(&tls, &cfg, net_in, sizeof net_in, net_out, sizeof net_out)) != 0) {
        goto out;
    }
    if ((ret = tlsp_drive_handshake(&tls, link, 10000)) != 0 ||
        (ret = tlsp_drive_write(&tls, link, (const uint8_t *) "hello", 5, 5000)) != 0) {
        goto out;
    }
    ret = tlsp_drive_read(&tls, link, reply, sizeof reply, 5000);   /* bytes, or an error */
    if (ret > 0) {
        printf("server says: %.*s\n", ret, (const char *) reply);
        ret = tlsp_drive_close(&tls, link, 1000);                   /* sends close_notify */
    }
out:
    if (ret < 0) {
        printf("tls: %s\n", tlsp_strerror(ret));
    }
    tlsp_engine_free(&tls);    /* wipes mbedTLS state and both queues */
    tlsp_config_free(&cfg);
    return ret;
}
