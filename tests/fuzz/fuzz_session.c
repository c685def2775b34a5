/*
 * Fuzz target: saved-session parsing, tlsp_session_load() and tlsp_session_load_sealed()
 * (input format in fuzz_session.h). A blob that loads is then used: the client writes
 * its ClientHello offering it (ticket or session ID, TLS 1.3 PSK identity and binder),
 * which is where a parsed-but-inconsistent session would do harm.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_engine.h"
#include "fuzz_session.h"
#include "fuzz_target.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_session.h"

static const uint8_t psk_identity[] = "tlspair-fuzz-device";
static const uint8_t psk_key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static tlsp_config cert_cfg, psk_cfg;
static tlsp_engine engine;
static uint8_t net_in[FZ_QUEUE_SIZE], net_out[FZ_QUEUE_SIZE];

static int setup(void)
{
    int ret = tlsp_config_init(&cert_cfg, TLSP_CLIENT);

    ret = ret != 0 ? ret : tlsp_config_add_ca(&cert_cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                              tlsp_test_test_ca_crt_pem_len);
    ret = ret != 0 ? ret : tlsp_config_set_hostname(&cert_cfg, "tlspair-test-server");
    ret = ret != 0 ? ret : tlsp_config_enable_resumption(&cert_cfg, TLSP_RESUME_ALL, 0, 0);
    ret = ret != 0 ? ret : tlsp_config_init(&psk_cfg, TLSP_CLIENT);
    ret = ret != 0 ? ret : tlsp_config_set_psk(&psk_cfg, psk_identity, sizeof(psk_identity) - 1,
                                               psk_key, sizeof(psk_key));
    ret = ret != 0 ? ret : tlsp_config_enable_resumption(&psk_cfg, TLSP_RESUME_TICKETS, 0, 0);
    return ret;
}

/* NOLINTNEXTLINE(readability-non-const-parameter): libFuzzer's signature */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    if (setup() != 0) {
        fz_fail(__FILE__, __LINE__, "session target setup");
    }
    return 0;
}

/* Offer the loaded session: one handshake step writes the ClientHello. */
static void use_session(void)
{
    int r = tlsp_handshake(&engine);
    size_t n = 0;
    const uint8_t *out;

    FZ_ASSERT(r == TLSP_WANT_WRITE || r == TLSP_WANT_READ || r < 0);
    out = tlsp_net_out_peek(&engine, &n);
    FZ_ASSERT(n <= sizeof(net_out));
    if (out != NULL) {
        FZ_ASSERT(out >= net_out && out + n <= net_out + sizeof(net_out));
        FZ_ASSERT(tlsp_net_out_consume(&engine, n) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const tlsp_config *cfg;
    uint8_t *blob;
    size_t len;
    int r;

    if (size == 0) {
        return 0;
    }
    cfg = (data[0] & FZ_SESSION_PSK_CFG) ? &psk_cfg : &cert_cfg;
    len = size - 1;
    /* An exact-size copy: any read past the blob is a heap overflow ASan sees. The sealed
     * variant also decrypts in place, so it needs a writable copy anyway. */
    blob = malloc(len > 0 ? len : 1u);
    FZ_ASSERT(blob != NULL);
    if (len > 0) {
        memcpy(blob, data + 1, len);
    }
    FZ_ASSERT(tlsp_engine_init(&engine, cfg, net_in, sizeof(net_in), net_out, sizeof(net_out)) == 0);
    if (data[0] & FZ_SESSION_SEALED) {
        r = tlsp_session_load_sealed(&engine, fz_session_key, sizeof(fz_session_key), blob, len);
        if (r == TLSP_ERR_BAD_SESSION && len > 0) {
            /* A failed seal check leaves the blob exactly as it was (tlsp_session.h);
             * a blob that passed it but did not load is wiped. */
            int untouched = memcmp(blob, data + 1, len) == 0;
            int wiped = 1;
            size_t i;

            for (i = 0; i < len && wiped; i++) {
                wiped = blob[i] == 0;
            }
            FZ_ASSERT(untouched || wiped);
        }
    } else {
        r = tlsp_session_load(&engine, blob, len);
    }
    FZ_ASSERT(r == 0 || r == TLSP_ERR_BAD_SESSION || r == TLSP_ERR_NO_MEMORY ||
              (r == TLSP_ERR_BAD_ARG && len == 0));
    if (r == 0) {
        /* One session per engine: a second load is refused, not merged. */
        FZ_ASSERT(tlsp_session_load(&engine, data + 1, len) == TLSP_ERR_STATE);
    }
    use_session();
    tlsp_engine_free(&engine);
    free(blob);
    return 0;
}
