/*
 * tlspair-linkbench: TLS over a simulated 115200-baud serial line, with and without the
 * link layer (tlsp_link.h). Prints figures; it is not a test.
 *
 *   - handshake time and bytes: TLS 1.3 ECDHE-ECDSA, TLS 1.3 PSK, TLS 1.3 resumed
 *     (ticket), TLS 1.2 ECDHE-ECDSA and TLS 1.2 resumed (session ID);
 *   - goodput of a one-way bulk transfer as a percentage of the line rate (baud/10 bytes
 *     per second, 8N1) for record sizes 512 B .. 16 KiB, on a clean line and at bit
 *     error rates 1e-5 and 1e-4, with the link and without it (where TLS survives).
 *
 * Time is virtual (the test port's settable clock, moved to the next event whenever
 * neither end can progress): the figures are line time only, as if the CPUs were
 * infinitely fast; handshake CPU time on a Cortex-M adds to them. The test port's
 * entropy is a deterministic stream: this program is a simulation, never a product.
 *
 *   tlspair-linkbench [--quick]     --quick: small transfers, for the smoke test
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_port_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_link.h"
#include "tlspair/tlsp_linesim.h"
#include "tlspair/tlsp_session.h"

#define BAUD 115200u
#define LINE_BYTES_PER_S (BAUD / 10u)
#define QUEUE (16384u + 512u)
#define MAX_STEP_MS 50u

static const uint8_t psk_id[] = "linkbench-device";
static const uint8_t psk_key[32] = {
    0x4b, 0x11, 0x9a, 0x2c, 0x70, 0xe5, 0x38, 0xd1, 0x06, 0xbf, 0x63, 0x8e, 0x25, 0xfa, 0x47, 0x90,
    0xc3, 0x1d, 0x82, 0x5e, 0xa9, 0x34, 0xf7, 0x0b, 0x6c, 0xd8, 0x13, 0x7a, 0xe0, 0x59, 0xb6, 0x2f,
};

static uint8_t bufs[4][QUEUE];

typedef enum { AUTH_CERT, AUTH_PSK } auth_kind;

typedef struct line {
    tlsp_linesim sim;
    int use_link;
    tlsp_link link[2];
    uint8_t *mem[2];
    tlsp_transport up[2];
} line;

static int line_open(line *ln, const tlsp_link_config *lc, const tlsp_linesim_faults *f, uint64_t seed)
{
    int i;

    memset(ln, 0, sizeof(*ln));
    if (tlsp_linesim_init(&ln->sim, BAUD, 256, 1024, seed) != 0) {
        return -1;
    }
    for (i = 0; i < 2; i++) {
        tlsp_transport raw;
        tlsp_linesim_transport(&ln->sim, (tlsp_linesim_end) i, &raw);
        tlsp_linesim_set_faults(&ln->sim, (tlsp_linesim_end) i, f);
        ln->up[i] = raw;
        if (lc != NULL) {
            size_t size = tlsp_link_memory_size(lc);
            ln->mem[i] = malloc(size);
            if (ln->mem[i] == NULL || tlsp_link_init(&ln->link[i], lc, &raw, ln->mem[i], size) != 0) {
                return -1;
            }
            tlsp_link_transport(&ln->link[i], &ln->up[i]);
        }
    }
    ln->use_link = lc != NULL;
    return 0;
}

static void line_close(line *ln)
{
    tlsp_linesim_free(&ln->sim);
    free(ln->mem[0]);
    free(ln->mem[1]);
}

static int step(line *ln, tlsp_engine *a, tlsp_engine *b, int *failed)
{
    int pa = 0, pb = 0;
    int ra = tlsp_drive_step(a, &ln->up[0], &pa);
    int rb = tlsp_drive_step(b, &ln->up[1], &pb);

    *failed = (ra != 0 && ra != TLSP_ERR_CLOSED) ? ra : (rb != 0 && rb != TLSP_ERR_CLOSED) ? rb : 0;
    return pa || pb;
}

static void idle(line *ln)
{
    uint64_t t[2] = { UINT64_MAX, UINT64_MAX };

    if (ln->use_link) {
        t[0] = tlsp_link_next_timer(&ln->link[0]);
        t[1] = tlsp_link_next_timer(&ln->link[1]);
    }
    tlsp_port_test_set_millis(tlsp_linesim_idle_until(&ln->sim, t, 2, MAX_STEP_MS));
}

static int make_config(tlsp_config *cfg, tlsp_role role, tlsp_version v, auth_kind auth,
                       unsigned resume, size_t record)
{
    int ret = tlsp_config_init(cfg, role);

    if (ret == 0) {
        ret = tlsp_config_set_versions(cfg, v, v);
    }
    if (ret == 0 && auth == AUTH_PSK) {
        ret = tlsp_config_set_psk(cfg, psk_id, sizeof(psk_id) - 1, psk_key, sizeof(psk_key));
    } else if (ret == 0 && role == TLSP_CLIENT) {
        ret = tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                 tlsp_test_test_ca_crt_pem_len);
        if (ret == 0) {
            ret = tlsp_config_set_hostname(cfg, "tlspair-test-server");
        }
    } else if (ret == 0) {
        ret = tlsp_config_set_own_cert(cfg, (const uint8_t *) tlsp_test_server_crt_pem,
                                       tlsp_test_server_crt_pem_len,
                                       (const uint8_t *) tlsp_test_server_key_pem,
                                       tlsp_test_server_key_pem_len, NULL);
    }
    if (ret == 0 && resume) {
        ret = role == TLSP_SERVER ? tlsp_config_enable_resumption(cfg, resume, 3600, 0)
                                  : tlsp_config_enable_resumption(cfg, resume, 0, 0);
    }
    if (ret == 0 && record != 0) {
        ret = tlsp_config_set_record_size(cfg, record);
    }
    if (ret == 0) {
        ret = tlsp_config_set_timeouts(cfg, 300000, 60000);
    }
    return ret;
}

static int handshake(line *ln, tlsp_engine *c, tlsp_engine *s, uint64_t *ms)
{
    uint64_t t0 = tlsp_port_millis();
    int failed = 0;

    while (!((tlsp_status(c) & TLSP_STATUS_HANDSHAKE_DONE) &&
             (tlsp_status(s) & TLSP_STATUS_HANDSHAKE_DONE))) {
        int progress = step(ln, c, s, &failed);
        if (failed != 0) {
            return failed;
        }
        if (tlsp_port_millis() - t0 > 600000u) {
            return TLSP_ERR_TIMEOUT;
        }
        if (!progress) {
            idle(ln);
        }
    }
    *ms = tlsp_port_millis() - t0;
    return 0;
}

/* Run until the client can save its session (TLS 1.3: the ticket arrived). */
static int save_session(line *ln, tlsp_engine *c, tlsp_engine *s, uint8_t *blob, size_t cap,
                        size_t *len)
{
    unsigned rounds;

    for (rounds = 0; rounds < 100000u; rounds++) {
        uint8_t tmp[16];
        int failed = 0;
        int ret = tlsp_session_save(c, blob, cap, len);
        if (ret != TLSP_WANT_READ) {
            return ret;
        }
        (void) tlsp_read(c, tmp, sizeof(tmp));
        if (!step(ln, c, s, &failed)) {
            idle(ln);
        }
        if (failed != 0) {
            return failed;
        }
    }
    return TLSP_ERR_TIMEOUT;
}

typedef struct hs_case {
    const char *name;
    tlsp_version v;
    auth_kind auth;
    unsigned resume;   /* 0 = full handshake; else the TLSP_RESUME_* mechanism used */
} hs_case;

/* One handshake figure: virtual ms, TLS bytes both ways (as the server counts them),
 * line bytes both ways (with the link's framing and acks). */
static int run_handshake(const hs_case *hc, int with_link, uint64_t *ms, uint64_t *tls_bytes,
                         uint64_t *line_bytes, int *resumed)
{
    tlsp_config ccfg, scfg;
    tlsp_engine c, s;
    tlsp_link_config lc;
    tlsp_linesim_faults none = { 0 };
    line ln;
    uint8_t blob[4096];
    size_t blob_len = 0;
    tlsp_info si, ci;
    int ret;

    tlsp_link_config_init(&lc, BAUD);
    if (make_config(&ccfg, TLSP_CLIENT, hc->v, hc->auth, hc->resume, 0) != 0 ||
        make_config(&scfg, TLSP_SERVER, hc->v, hc->auth, hc->resume, 0) != 0 ||
        tlsp_engine_init(&c, &ccfg, bufs[0], QUEUE, bufs[1], QUEUE) != 0 ||
        tlsp_engine_init(&s, &scfg, bufs[2], QUEUE, bufs[3], QUEUE) != 0) {
        return -1;
    }
    if (hc->resume != 0) {
        /* A first, full connection that leaves a saved session behind. */
        if (line_open(&ln, with_link ? &lc : NULL, &none, 1) != 0) {
            return -1;
        }
        ret = handshake(&ln, &c, &s, ms);
        if (ret == 0) {
            ret = save_session(&ln, &c, &s, blob, sizeof(blob), &blob_len);
        }
        line_close(&ln);
        if (ret != 0 || tlsp_engine_reset(&c) != 0 || tlsp_engine_reset(&s) != 0 ||
            tlsp_session_load(&c, blob, blob_len) != 0) {
            return -1;
        }
    }
    if (line_open(&ln, with_link ? &lc : NULL, &none, 2) != 0) {
        return -1;
    }
    ret = handshake(&ln, &c, &s, ms);
    if (ret == 0) {
        /* Let post-handshake messages (TLS 1.3 tickets) finish: they count as bytes. */
        unsigned quiet = 0;
        while (quiet < 200u) {
            int failed = 0;
            uint8_t tmp[16];
            (void) tlsp_read(&c, tmp, sizeof(tmp));
            if (step(&ln, &c, &s, &failed)) {
                quiet = 0;
            } else {
                quiet++;
                idle(&ln);
            }
        }
        tlsp_engine_info(&s, &si);
        tlsp_engine_info(&c, &ci);
        *tls_bytes = si.handshake_bytes_in + si.handshake_bytes_out;
        *line_bytes = tlsp_linesim_get_stats(&ln.sim, TLSP_LINESIM_A)->bytes_sent +
                      tlsp_linesim_get_stats(&ln.sim, TLSP_LINESIM_B)->bytes_sent;
        *resumed = ci.resumed;
    }
    line_close(&ln);
    tlsp_engine_free(&c);
    tlsp_engine_free(&s);
    tlsp_config_free(&ccfg);
    tlsp_config_free(&scfg);
    return ret;
}

/* One-way bulk transfer client -> server; goodput in % of the line rate, or a negative
 * TLSP code when TLS failed. */
static int run_goodput(size_t record, double ber, int with_link, uint16_t payload,
                       uint8_t window, size_t bytes, double *pct)
{
    tlsp_config ccfg, scfg;
    tlsp_engine c, s;
    tlsp_link_config lc;
    tlsp_linesim_faults f = { 0 };
    line ln;
    uint64_t ms = 0, t0;
    size_t written = 0, got = 0;
    uint8_t chunk[4096], in[4096];
    int ret;
    size_t i;

    for (i = 0; i < sizeof(chunk); i++) {
        chunk[i] = (uint8_t) (i * 131u + 7u);
    }
    f.bit_error_rate = ber;
    tlsp_link_config_init(&lc, BAUD);
    lc.frame_payload = payload;
    lc.tx_window = window;
    lc.rx_window = window;
    if (make_config(&ccfg, TLSP_CLIENT, TLSP_TLS1_3, AUTH_PSK, 0, record) != 0 ||
        make_config(&scfg, TLSP_SERVER, TLSP_TLS1_3, AUTH_PSK, 0, record) != 0 ||
        tlsp_engine_init(&c, &ccfg, bufs[0], QUEUE, bufs[1], QUEUE) != 0 ||
        tlsp_engine_init(&s, &scfg, bufs[2], QUEUE, bufs[3], QUEUE) != 0 ||
        line_open(&ln, with_link ? &lc : NULL, &f, 77) != 0) {
        return -1;
    }
    ret = handshake(&ln, &c, &s, &ms);
    t0 = tlsp_port_millis();
    while (ret == 0 && got < bytes) {
        int progress = 0, failed = 0, n;
        if (written < bytes) {
            size_t len = bytes - written < sizeof(chunk) ? bytes - written : sizeof(chunk);
            n = tlsp_write(&c, chunk, len);
            if (n > 0) {
                written += (size_t) n;
                progress = 1;
            }
        }
        progress |= step(&ln, &c, &s, &failed);
        while ((n = tlsp_read(&s, in, sizeof(in))) > 0) {
            got += (size_t) n;
            progress = 1;
        }
        if (failed != 0) {
            ret = failed;
        } else if (tlsp_engine_error(&s) != 0) {
            ret = tlsp_engine_error(&s);
        } else if (tlsp_port_millis() - t0 > 3600000u) {
            ret = TLSP_ERR_TIMEOUT;
        } else if (!progress) {
            idle(&ln);
        }
    }
    if (ret == 0) {
        double secs = (double) (tlsp_port_millis() - t0) / 1000.0;
        *pct = 100.0 * (double) bytes / (secs * ((double) BAUD / 10.0));   /* 8N1: 10 bits a byte */
    }
    line_close(&ln);
    tlsp_engine_free(&c);
    tlsp_engine_free(&s);
    tlsp_config_free(&ccfg);
    tlsp_config_free(&scfg);
    return ret;
}

int main(int argc, char **argv)
{
    static const hs_case hs[] = {
        { "TLS 1.3 ECDHE-ECDSA, full", TLSP_TLS1_3, AUTH_CERT, 0 },
        { "TLS 1.3 PSK (external key)", TLSP_TLS1_3, AUTH_PSK, 0 },
        { "TLS 1.3 ECDHE-ECDSA, resumed (ticket)", TLSP_TLS1_3, AUTH_CERT, TLSP_RESUME_TICKETS },
        { "TLS 1.2 ECDHE-ECDSA, full", TLSP_TLS1_2, AUTH_CERT, 0 },
        { "TLS 1.2 ECDHE-ECDSA, resumed (session ID)", TLSP_TLS1_2, AUTH_CERT, TLSP_RESUME_SESSION_ID },
        { "TLS 1.2 ECDHE-ECDSA, resumed (ticket)", TLSP_TLS1_2, AUTH_CERT, TLSP_RESUME_TICKETS },
    };
    static const size_t records[] = { 512, 1024, 2048, 4096, 16384 };
    static const double bers[] = { 0.0, 1e-5, 1e-4 };
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    size_t bytes = quick ? 16u * 1024u : 256u * 1024u;
    uint64_t full_bytes[2] = { 0, 0 };
    size_t i, j, k;
    int failures = 0;

    printf("tlspair-linkbench: %u baud 8N1 (%u bytes/s), virtual time (line time only)\n\n",
           BAUD, LINE_BYTES_PER_S);
    printf("Handshakes on a clean line (TLS bytes as the server counts them, both ways;\n"
           "TLS 1.3 includes the NewSessionTicket that follows the handshake):\n");
    printf("  %-48s %5s %9s %9s %10s %9s\n", "", "link", "time ms", "TLS B", "line B", "resumed");
    for (i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
        for (k = 0; k < 2; k++) {
            uint64_t ms = 0, tb = 0, lb = 0;
            int resumed = 0;
            int ret = run_handshake(&hs[i], (int) k, &ms, &tb, &lb, &resumed);
            if (ret != 0) {
                printf("  %-48s %5s failed: %s\n", hs[i].name, k ? "yes" : "no", tlsp_strerror(ret));
                failures++;
                continue;
            }
            printf("  %-48s %5s %9llu %9llu %10llu %9s", hs[i].name, k ? "yes" : "no",
                   (unsigned long long) ms, (unsigned long long) tb, (unsigned long long) lb,
                   resumed ? "yes" : "no");
            if (hs[i].resume == 0 && hs[i].auth == AUTH_CERT && k == 0) {
                full_bytes[hs[i].v == TLSP_TLS1_3 ? 0 : 1] = tb;
            }
            if (hs[i].resume != 0 && k == 0 && full_bytes[hs[i].v == TLSP_TLS1_3 ? 0 : 1] != 0) {
                printf("   %.0f%% of full (target <= 40%%)",
                       100.0 * (double) tb / (double) full_bytes[hs[i].v == TLSP_TLS1_3 ? 0 : 1]);
            }
            printf("\n");
        }
    }

    printf("\nGoodput, %zu KiB one way, TLS 1.3 PSK AES-128-GCM, %% of the line rate\n"
           "(targets: clean >= 93%%, BER 1e-5 >= 85%%; link: frame payload x window in frames):\n",
           bytes / 1024u);
    printf("  %-8s %-26s", "BER", "path");
    for (j = 0; j < sizeof(records) / sizeof(records[0]); j++) {
        printf(" %7zu B", records[j]);
    }
    printf("\n");
    for (i = 0; i < sizeof(bers) / sizeof(bers[0]); i++) {
        static const struct { const char *name; int link; uint16_t payload; uint8_t window; } paths[] = {
            { "raw TLS", 0, 0, 0 }, { "link, 256 B x 8", 1, 256, 8 },
            { "link, 384 B x 6 (default)", 1, 384, 6 }, { "link, 512 B x 8", 1, 512, 8 },
            { "link, 1 KiB x 8", 1, 1024, 8 },
        };
        for (k = 0; k < sizeof(paths) / sizeof(paths[0]); k++) {
            char label[16];
            if (bers[i] == 0.0) {
                snprintf(label, sizeof(label), "clean");
            } else {
                snprintf(label, sizeof(label), "%.0e", bers[i]);
            }
            printf("  %-8s %-26s", label, paths[k].name);
            for (j = 0; j < sizeof(records) / sizeof(records[0]); j++) {
                double pct = 0.0;
                int ret = run_goodput(records[j], bers[i], paths[k].link, paths[k].payload,
                                      paths[k].window,
                                      bytes, &pct);
                if (ret == 0) {
                    printf(" %8.1f%%", pct);
                } else if (!paths[k].link) {
                    printf(" %9s", "fails");   /* expected without the link */
                } else {
                    printf(" %9s", "FAILED");
                    fprintf(stderr, "  (%s, %zu B records: %s)\n", paths[k].name, records[j],
                            tlsp_strerror(ret));
                    failures++;
                }
                fflush(stdout);
            }
            printf("\n");
        }
    }
    printf("\n'fails': TLS stopped with an integrity failure (bad record), as it must on a\n"
           "corrupting line without the link layer; no wrong byte reached the application.\n");
    /* Figures, not a verdict: a FAILED cell is reported above; the run itself completed. */
    printf("\n%d cell(s) failed.\n", failures);
    return 0;
}
