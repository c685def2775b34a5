/*
 * Secrets are wiped: the PSK, the private key's scalar and the session secrets of each
 * connection must not survive in memory tlspair or mbedTLS gives back.
 *
 * Every block mbedTLS frees is scanned (tlsp_heap_observe_frees()) as it goes back to
 * the allocator, after tlspair's wipe: no secret may be left. It is also scanned as
 * mbedTLS left it, which is only reported: mbedTLS 3.6's TLS 1.3 key schedule frees an
 * exported copy of the PSK without wiping it, and tlspair's wipe is what removes it.
 * The caller's config, engine and queue memory is scanned after tlsp_engine_free() /
 * tlsp_config_free(). Session secrets come from mbedTLS's key export callback (TLS 1.2
 * master secret, TLS 1.3 handshake and traffic secrets). The connections run to the end,
 * and fail: wrong PSK, rejected certificate, a key that does not match its certificate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/platform.h"
#include "mbedtls/ssl.h"
#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_heap.h"

#define MAX_SECRETS 16
#define MAX_SECRET_LEN 64

typedef struct secret {
    const char *name;
    uint8_t bytes[MAX_SECRET_LEN];
    size_t len;
    unsigned left_by_mbedtls;     /* freed blocks that held it as mbedTLS left them */
    unsigned found_in_freed;      /* ... and still after tlspair's wipe: must stay 0 */
} secret;

static secret secrets[MAX_SECRETS];
static size_t n_secrets;
static size_t blocks_scanned;

static void forget_secrets(void)
{
    memset(secrets, 0, sizeof(secrets));
    n_secrets = 0;
    blocks_scanned = 0;
}

static void remember(const char *name, const uint8_t *bytes, size_t len)
{
    if (n_secrets < MAX_SECRETS && len >= 16 && len <= MAX_SECRET_LEN) {
        secret *s = &secrets[n_secrets++];
        s->name = name;
        memcpy(s->bytes, bytes, len);
        s->len = len;
    }
}

static int contains(const uint8_t *hay, size_t hay_len, const secret *s)
{
    size_t i;

    for (i = 0; i + s->len <= hay_len; i++) {
        if (hay[i] == s->bytes[0] && memcmp(hay + i, s->bytes, s->len) == 0) {
            return 1;
        }
    }
    return 0;
}

static void observe_free(const void *block, size_t size, int wiped, void *ctx)
{
    size_t i;

    (void) ctx;
    blocks_scanned += wiped ? 1u : 0u;
    for (i = 0; i < n_secrets; i++) {
        if (contains(block, size, &secrets[i])) {
            if (wiped) {
                secrets[i].found_in_freed++;
            } else {
                secrets[i].left_by_mbedtls++;
            }
        }
    }
}

/* Caller memory after its free: no secret may be left in it. */
static void check_wiped(const char *what, const void *mem, size_t len)
{
    size_t i;

    for (i = 0; i < n_secrets; i++) {
        if (contains(mem, len, &secrets[i])) {
            fprintf(stderr, "  %s still holds the %s\n", what, secrets[i].name);
            CHECK(!"secret left in caller memory");
        }
    }
}

static void check_freed_blocks(void)
{
    size_t i;

    CHECK(blocks_scanned > 0);   /* the observer saw the frees */
    for (i = 0; i < n_secrets; i++) {
        if (secrets[i].left_by_mbedtls != 0) {
            printf("  note: mbedTLS freed %u block(s) still holding the %s (tlspair wiped them)\n",
                   secrets[i].left_by_mbedtls, secrets[i].name);
        }
        if (secrets[i].found_in_freed != 0) {
            fprintf(stderr, "  %u freed block(s) still held the %s after the wipe\n",
                    secrets[i].found_in_freed, secrets[i].name);
        }
        CHECK_EQ(secrets[i].found_in_freed, 0);
    }
}

/* The 32-byte scalar of a P-256 PKCS#8 key: the ECPrivateKey's OCTET STRING, after its
 * version (INTEGER 1). */
static int p256_scalar(const uint8_t *der, size_t len, uint8_t out[32])
{
    static const uint8_t marker[] = { 0x02, 0x01, 0x01, 0x04, 0x20 };
    size_t i;

    for (i = 0; i + sizeof(marker) + 32 <= len; i++) {
        if (memcmp(der + i, marker, sizeof(marker)) == 0) {
            memcpy(out, der + i + sizeof(marker), 32);
            return 0;
        }
    }
    return -1;
}

static void export_keys(void *ctx, mbedtls_ssl_key_export_type type, const unsigned char *secret_bytes,
                        size_t secret_len, const unsigned char client_random[32],
                        const unsigned char server_random[32], mbedtls_tls_prf_types prf)
{
    (void) ctx;
    (void) client_random;
    (void) server_random;
    (void) prf;
    remember(type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET ? "TLS 1.2 master secret"
                                                                  : "TLS 1.3 secret",
             secret_bytes, secret_len);
}

/* Frees the pair's engines and configs, scanning each one's memory after its free, then
 * the queues, then every block mbedTLS freed meanwhile. */
static void free_and_check(tlsp_pair *p)
{
    size_t buffers = 4 * p->opts.queue_size + 2 * p->opts.link_size;   /* tlsp_pair.c */

    tlsp_engine_free(&p->client);
    check_wiped("the client engine", &p->client, sizeof(p->client));
    tlsp_engine_free(&p->server);
    check_wiped("the server engine", &p->server, sizeof(p->server));
    tlsp_config_free(&p->client_cfg);
    check_wiped("the client config", &p->client_cfg, sizeof(p->client_cfg));
    tlsp_config_free(&p->server_cfg);
    check_wiped("the server config", &p->server_cfg, sizeof(p->server_cfg));
    if (p->buffers != NULL) {
        check_wiped("the queues and the link", p->buffers, buffers);
    }
    tlsp_pair_free(p);   /* frees twice what is already freed: harmless by contract */
    check_freed_blocks();
}

static void remember_server_key(void)
{
    uint8_t d[32];

    if (p256_scalar(tlsp_test_server_key_der, tlsp_test_server_key_der_len, d) == 0) {
        remember("server private key", d, sizeof(d));
    }
    CHECK_EQ(n_secrets, 1);
}

static void run_session(tlsp_pair_auth auth, tlsp_version v)
{
    tlsp_pair_opts o = { auth, v, v, 0, 0, 0 };
    tlsp_pair *p;
    size_t before;

    forget_secrets();
    if (auth == TLSP_PAIR_PSK) {
        remember("PSK", tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    } else {
        remember_server_key();
    }
    tlsp_heap_observe_frees(observe_free, NULL);
    p = tlsp_pair_new(&o);
    REQUIRE(p != NULL);
    mbedtls_ssl_set_export_keys_cb(&p->client.ssl, export_keys, NULL);
    before = n_secrets;
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK(n_secrets > before);   /* the session's secrets were seen */
    CHECK_EQ(tlsp_pair_transfer(p, 20000, 4096), 0);
    CHECK_EQ(tlsp_close(&p->client), 0);
    (void) tlsp_pair_settle(p, 8);
    free_and_check(p);
    tlsp_heap_observe_frees(NULL, NULL);
}

static void test_psk_tls12(void) { run_session(TLSP_PAIR_PSK, TLSP_TLS1_2); }
static void test_psk_tls13(void) { run_session(TLSP_PAIR_PSK, TLSP_TLS1_3); }
static void test_cert_tls12(void) { run_session(TLSP_PAIR_CERT, TLSP_TLS1_2); }
static void test_cert_tls13(void) { run_session(TLSP_PAIR_CERT, TLSP_TLS1_3); }

/* The client's PSK differs in one bit: the handshake fails; neither key survives. */
static void run_bad_psk(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_PSK, v, v, 0, 0, 0 };
    uint8_t wrong[32];
    tlsp_pair *p = tlsp_pair_alloc(&o);

    REQUIRE(p != NULL);
    forget_secrets();
    REQUIRE(tlsp_pair_psk_key_len == sizeof(wrong));
    memcpy(wrong, tlsp_pair_psk_key, sizeof(wrong));
    wrong[7] ^= 0x10;
    remember("PSK", tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    remember("client's wrong PSK", wrong, sizeof(wrong));
    tlsp_heap_observe_frees(observe_free, NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    tlsp_config_free(&p->client_cfg);
    REQUIRE_EQ(tlsp_config_init(&p->client_cfg, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&p->client_cfg, v, v), 0);
    REQUIRE_EQ(tlsp_config_set_psk(&p->client_cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                   wrong, sizeof(wrong)), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    CHECK(tlsp_pair_handshake(p) != 0);
    tlsp_pair_settle_failure(p);
    CHECK(tlsp_engine_error(&p->client) != 0 || tlsp_engine_error(&p->server) != 0);
    free_and_check(p);
    tlsp_heap_observe_frees(NULL, NULL);
}

static void test_bad_psk_tls12(void) { run_bad_psk(TLSP_TLS1_2); }
static void test_bad_psk_tls13(void) { run_bad_psk(TLSP_TLS1_3); }

/* The client trusts another CA: the server has used its key (TLS 1.3: signed), the
 * handshake fails, the key is gone. */
static void run_cert_rejected(tlsp_version v)
{
    tlsp_pair_opts o = { TLSP_PAIR_CERT, v, v, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_alloc(&o);

    REQUIRE(p != NULL);
    forget_secrets();
    remember_server_key();
    tlsp_heap_observe_frees(observe_free, NULL);
    REQUIRE_EQ(tlsp_pair_configure(p), 0);
    tlsp_config_free(&p->client_cfg);
    REQUIRE_EQ(tlsp_config_init(&p->client_cfg, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_set_versions(&p->client_cfg, v, v), 0);
    REQUIRE_EQ(tlsp_config_add_ca(&p->client_cfg, (const uint8_t *) tlsp_test_untrusted_ca_crt_pem,
                                  tlsp_test_untrusted_ca_crt_pem_len), 0);
    REQUIRE_EQ(tlsp_config_set_hostname(&p->client_cfg, "tlspair-test-server"), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    CHECK(tlsp_pair_handshake(p) != 0);
    tlsp_pair_settle_failure(p);
    CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_CERT_REJECTED);
    free_and_check(p);
    tlsp_heap_observe_frees(NULL, NULL);
}

static void test_cert_rejected_tls12(void) { run_cert_rejected(TLSP_TLS1_2); }
static void test_cert_rejected_tls13(void) { run_cert_rejected(TLSP_TLS1_3); }

/* Config failures: a key (encrypted PKCS#8: mbedTLS decrypts it into a heap buffer) that
 * does not match its certificate, and a PSK config that is freed unused. */
static void test_config_failures(void)
{
    tlsp_config cfg;
    int ret;

    forget_secrets();
    remember_server_key();
    tlsp_heap_observe_frees(observe_free, NULL);
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    ret = tlsp_config_set_own_cert(&cfg, (const uint8_t *) tlsp_test_client_crt_pem,
                                   tlsp_test_client_crt_pem_len,
                                   (const uint8_t *) tlsp_test_server_key_encrypted_pem,
                                   tlsp_test_server_key_encrypted_pem_len, tlsp_test_key_password);
    CHECK_EQ(ret, TLSP_ERR_PARSE);
    check_wiped("the config after the failed key", &cfg, sizeof(cfg));
    /* The same key, right certificate: accepted, then freed. */
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, (const uint8_t *) tlsp_test_server_crt_pem,
                                      tlsp_test_server_crt_pem_len,
                                      (const uint8_t *) tlsp_test_server_key_encrypted_pem,
                                      tlsp_test_server_key_encrypted_pem_len, tlsp_test_key_password),
             0);
    tlsp_config_free(&cfg);
    check_wiped("the config", &cfg, sizeof(cfg));

    remember("PSK", tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_set_psk(&cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                 tlsp_pair_psk_key, tlsp_pair_psk_key_len), 0);
    CHECK_EQ(tlsp_config_set_psk(&cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                 tlsp_pair_psk_key, tlsp_pair_psk_key_len), TLSP_ERR_STATE);
    tlsp_config_free(&cfg);
    check_wiped("the PSK config", &cfg, sizeof(cfg));
    check_freed_blocks();
    tlsp_heap_observe_frees(NULL, NULL);
}

/* The scanner itself: a block freed with a secret in it is seen. */
static void test_scanner_sees_a_planted_secret(void)
{
    uint8_t *block;

    forget_secrets();
    remember("PSK", tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    tlsp_heap_observe_frees(observe_free, NULL);
    block = mbedtls_calloc(1, 100);
    REQUIRE(block != NULL);
    memcpy(block + 33, tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    mbedtls_free(block);
    tlsp_heap_observe_frees(NULL, NULL);
    CHECK_EQ(blocks_scanned, 1);
    CHECK_EQ(secrets[0].left_by_mbedtls, 1);   /* seen as it was freed */
    CHECK_EQ(secrets[0].found_in_freed, 0);    /* gone once tlspair wiped it */
}

int main(void)
{
    RUN_TEST(test_scanner_sees_a_planted_secret);
    RUN_TEST(test_psk_tls12);
    RUN_TEST(test_psk_tls13);
    RUN_TEST(test_cert_tls12);
    RUN_TEST(test_cert_tls13);
    RUN_TEST(test_bad_psk_tls12);
    RUN_TEST(test_bad_psk_tls13);
    RUN_TEST(test_cert_rejected_tls12);
    RUN_TEST(test_cert_rejected_tls13);
    RUN_TEST(test_config_failures);
    return tlsp_test_finish("secrets");
}
