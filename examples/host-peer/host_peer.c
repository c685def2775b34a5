/*
 * tlspair-host-peer: a Linux TLS client for one emulated board. QEMU exposes the board's
 * UART1 as a unix socket; this program connects to it and runs the same session as the
 * firmware's client board (examples/firmware/fw_session.h) against the board's server
 * firmware: handshake, FW_EXCHANGE_BYTES each way with checksums, clean close.
 *
 *   tlspair-host-peer --socket PATH [--auth ecdsa|psk] [--tls 12|13] [--timeout SECONDS]
 *
 * Exit status 0 only on success. Built in host builds with the POSIX port (real entropy,
 * real clock); scripts/qemu-board-host.sh starts the board and runs this against it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_port.h"
#include "tlsp_test_pki.h"

#include "fw_session.h"
#include "unix_transport.h"

/* The board's records are at most FW_RECORD_SIZE_ECDSA (the larger profile size): a full
 * one each way, plus headroom. */
#define QUEUE_SIZE (FW_RECORD_SIZE_ECDSA + 512u)

static void usage(const char *argv0)
{
    fprintf(stderr, "usage: %s --socket PATH [--auth ecdsa|psk] [--tls 12|13] [--timeout SECONDS]\n",
            argv0);
}

static int fail(const char *what, int ret, const tlsp_engine *e)
{
    fprintf(stderr, "tlspair-host-peer: FAIL %s: %d (%s)", what, ret, tlsp_strerror(ret));
    if (e != NULL) {
        fprintf(stderr, " [engine %d, mbedtls -0x%04x, alert %d, cert flags 0x%x]",
                tlsp_engine_error(e), (unsigned) -tlsp_engine_mbedtls_error(e),
                tlsp_engine_alert_received(e), tlsp_engine_cert_flags(e));
    }
    fputc('\n', stderr);
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int psk = 0;
    tlsp_version version = TLSP_TLS1_3;
    uint32_t timeout_ms = 60000;
    static uint8_t net_in[QUEUE_SIZE];
    static uint8_t net_out[QUEUE_SIZE];
    tlsp_config cfg;
    tlsp_engine e;
    tlsp_transport t;
    tlsp_info info;
    tlsp_heap_stats heap;
    fw_exchange_result xr;
    unix_link link = { -1 };
    uint64_t start_ms;
    int engine_up = 0;
    int ret;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--auth") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "psk") == 0) {
                psk = 1;
            } else if (strcmp(argv[i], "ecdsa") == 0) {
                psk = 0;
            } else {
                usage(argv[0]);
                return 2;
            }
        } else if (strcmp(argv[i], "--tls") == 0 && i + 1 < argc) {
            i++;
            if (strcmp(argv[i], "12") == 0) {
                version = TLSP_TLS1_2;
            } else if (strcmp(argv[i], "13") == 0) {
                version = TLSP_TLS1_3;
            } else {
                usage(argv[0]);
                return 2;
            }
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_ms = (uint32_t) strtoul(argv[++i], NULL, 10) * 1000u;
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (path == NULL) {
        usage(argv[0]);
        return 2;
    }

    if ((ret = tlsp_config_init(&cfg, TLSP_CLIENT)) != 0 ||
        (ret = tlsp_config_set_versions(&cfg, version, version)) != 0 ||
        (ret = tlsp_config_set_record_size(&cfg, psk ? FW_RECORD_SIZE_PSK
                                                      : FW_RECORD_SIZE_ECDSA)) != 0 ||
        (ret = tlsp_config_set_timeouts(&cfg, timeout_ms, 0)) != 0) {
        tlsp_config_free(&cfg);
        return fail("config", ret, NULL);
    }
    if (psk) {
        ret = tlsp_config_set_psk(&cfg, fw_psk_identity, fw_psk_identity_len, fw_psk_key,
                                  fw_psk_key_len);
    } else if ((ret = tlsp_config_add_ca(&cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                         tlsp_test_test_ca_crt_pem_len)) == 0) {
        ret = tlsp_config_set_hostname(&cfg, FW_SERVER_NAME);
    }
    if (ret != 0) {
        tlsp_config_free(&cfg);
        return fail("credentials", ret, NULL);
    }

    if (unix_link_connect(&link, path, 10000) != 0) {
        fprintf(stderr, "tlspair-host-peer: FAIL connect %s: %s\n", path, strerror(errno));
        tlsp_config_free(&cfg);
        return 1;
    }
    unix_link_transport(&link, &t);

    if ((ret = tlsp_engine_init(&e, &cfg, net_in, sizeof(net_in), net_out, sizeof(net_out))) != 0) {
        fail("engine", ret, NULL);
        goto out;
    }
    engine_up = 1;
    if ((ret = tlsp_drive_handshake(&e, &t, timeout_ms)) != 0) {
        fail("handshake", ret, &e);
        goto out;
    }
    (void) tlsp_engine_info(&e, &info);
    printf("tlspair-host-peer: handshake done: %s %s, server %s\n", info.version,
           info.ciphersuite, info.peer_subject[0] ? info.peer_subject : "(psk)");

    start_ms = tlsp_port_millis();
    ret = fw_exchange(&e, &t, FW_SEED_CLIENT, FW_SEED_SERVER, timeout_ms, &xr);
    if (ret < 0) {
        fail("exchange", ret, &e);
        goto out;
    }
    if (ret > 0) {
        fprintf(stderr, "tlspair-host-peer: FAIL data: first mismatch at %lld, crc %08x, trailer %08x\n",
                xr.first_mismatch == SIZE_MAX ? -1LL : (long long) xr.first_mismatch,
                (unsigned) xr.crc_received, (unsigned) xr.crc_trailer);
        goto out;
    }
    if ((ret = fw_close_client(&e, &t, timeout_ms)) != 0) {
        fail("close", ret, &e);
        goto out;
    }
    (void) tlsp_engine_info(&e, &info);
    tlsp_heap_get_stats(&heap);
    printf("tlspair-host-peer: SUMMARY %s client\n", psk ? "psk" : "ecdhe-ecdsa");
    printf("tlspair-host-peer:   version          %s\n", info.version);
    printf("tlspair-host-peer:   suite            %s\n", info.ciphersuite);
    printf("tlspair-host-peer:   handshake        %u ms\n", (unsigned) info.handshake_ms);
    printf("tlspair-host-peer:   handshake bytes  out %llu, in %llu, total %llu\n",
           (unsigned long long) info.handshake_bytes_out,
           (unsigned long long) info.handshake_bytes_in,
           (unsigned long long) info.handshake_bytes_out + (unsigned long long) info.handshake_bytes_in);
    printf("tlspair-host-peer:   data             %u B out, %u B in, crc %08x/%08x ok, %llu ms\n",
           (unsigned) FW_EXCHANGE_BYTES, (unsigned) FW_EXCHANGE_BYTES, (unsigned) xr.crc_sent,
           (unsigned) xr.crc_received, (unsigned long long) (tlsp_port_millis() - start_ms));
    printf("tlspair-host-peer:   mbedTLS heap     peak %zu B\n", heap.peak);
    printf("tlspair-host-peer: RESULT PASS\n");
    ret = 0;
out:
    if (engine_up) {
        tlsp_engine_free(&e);
    }
    tlsp_config_free(&cfg);
    unix_link_close(&link);
    return ret == 0 ? 0 : 1;
}
