/* tlsp_config: argument checks, credential parsing, secure-config enforcement at engine
 * init, and handshakes proving that suites, key formats and client auth take effect. */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"

#define PEM(name) (const uint8_t *) tlsp_test_##name##_pem, tlsp_test_##name##_pem_len
#define DER(name) tlsp_test_##name##_der, tlsp_test_##name##_der_len

static const uint8_t garbage_pem[] =
    "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n";
static const uint8_t garbage_der[] = { 0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x05, 0xff, 0xff };

/* ---- Argument checks ---------------------------------------------------------------- */

static void test_init_bad_args(void)
{
    tlsp_config cfg;

    CHECK_EQ(tlsp_config_init(NULL, TLSP_CLIENT), TLSP_ERR_BAD_ARG);
    /* A rejected init must leave cfg safe to free, whatever it held before. */
    memset(&cfg, 0xA5, sizeof(cfg));
    CHECK_EQ(tlsp_config_init(&cfg, (tlsp_role) 2), TLSP_ERR_BAD_ARG);
    tlsp_config_free(&cfg);
    memset(&cfg, 0xA5, sizeof(cfg));
    CHECK_EQ(tlsp_config_init(&cfg, (tlsp_role) -1), TLSP_ERR_BAD_ARG);
    tlsp_config_free(&cfg);

    CHECK_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    tlsp_config_free(&cfg);
    CHECK_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    tlsp_config_free(&cfg);
    tlsp_config_free(NULL);
}

static void test_setters_need_init(void)
{
    tlsp_config cfg;

    /* A zeroed (never initialised, or freed) config is refused, not dereferenced. */
    memset(&cfg, 0, sizeof(cfg));
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_2, TLSP_TLS1_3), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_psk(&cfg, (const uint8_t *) "id", 2, (const uint8_t *) "k", 1),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_hostname(&cfg, "x"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_require_client_cert(&cfg), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS1-3-AES-128-GCM-SHA256"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&cfg, 1024), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_timeouts(&cfg, 1, 1), TLSP_ERR_BAD_ARG);

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    tlsp_config_free(&cfg);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_2, TLSP_TLS1_3), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_timeouts(NULL, 1, 1), TLSP_ERR_BAD_ARG);
}

static void test_versions(void)
{
    tlsp_config cfg;

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_set_versions(NULL, TLSP_TLS1_2, TLSP_TLS1_3), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_3, TLSP_TLS1_2), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(&cfg, (tlsp_version) 0x0302, TLSP_TLS1_3), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_2, (tlsp_version) 0x0305), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(&cfg, (tlsp_version) 0, (tlsp_version) 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_2, TLSP_TLS1_2), 0);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_3, TLSP_TLS1_3), 0);
    CHECK_EQ(tlsp_config_set_versions(&cfg, TLSP_TLS1_2, TLSP_TLS1_3), 0);
    tlsp_config_free(&cfg);
}

static int psk_result(size_t id_len, size_t key_len)
{
    uint8_t id[200], key[100];
    tlsp_config cfg;
    int ret;

    memset(id, 'i', sizeof(id));
    memset(key, 0x42, sizeof(key));
    if (tlsp_config_init(&cfg, TLSP_CLIENT) != 0) {
        return -1000;
    }
    ret = tlsp_config_set_psk(&cfg, id, id_len, key, key_len);
    tlsp_config_free(&cfg);
    return ret;
}

static void test_psk_args(void)
{
    tlsp_config cfg;
    const uint8_t key[16] = { 1 };

    CHECK_EQ(psk_result(0, 16), TLSP_ERR_BAD_ARG);
    CHECK_EQ(psk_result(129, 16), TLSP_ERR_BAD_ARG);
    CHECK_EQ(psk_result(128, 16), 0);
    CHECK_EQ(psk_result(1, 16), 0);
    CHECK_EQ(psk_result(8, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(psk_result(8, 65), TLSP_ERR_BAD_ARG);
    CHECK_EQ(psk_result(8, 64), 0);
    CHECK_EQ(psk_result(8, 1), 0);

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_psk(NULL, (const uint8_t *) "id", 2, key, 16), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_psk(&cfg, NULL, 2, key, 16), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_psk(&cfg, (const uint8_t *) "id", 2, NULL, 16), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_psk(&cfg, (const uint8_t *) "id", 2, key, 16), 0);
    CHECK_EQ(tlsp_config_set_psk(&cfg, (const uint8_t *) "id2", 3, key, 16), TLSP_ERR_STATE);
    tlsp_config_free(&cfg);
}

/* ---- Own certificate and key ----------------------------------------------------------- */

static int own_cert_result(const uint8_t *crt, size_t crt_len, const uint8_t *key, size_t key_len,
                           const char *password)
{
    tlsp_config cfg;
    int ret;

    if (tlsp_config_init(&cfg, TLSP_SERVER) != 0) {
        return -1000;
    }
    ret = tlsp_config_set_own_cert(&cfg, crt, crt_len, key, key_len, password);
    tlsp_config_free(&cfg);
    return ret;
}

static void test_own_cert_formats(void)
{
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(server_key), NULL), 0);
    CHECK_EQ(own_cert_result(DER(server_crt), DER(server_key), NULL), 0);
    /* Mixed encodings are fine: each buffer is recognised on its own. */
    CHECK_EQ(own_cert_result(DER(server_crt), PEM(server_key), NULL), 0);
    CHECK_EQ(own_cert_result(PEM(client_crt), PEM(client_key), NULL), 0);
}

static void test_own_cert_encrypted_key(void)
{
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(server_key_encrypted), tlsp_test_key_password), 0);
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(server_key_encrypted), NULL), TLSP_ERR_KEY_PASSWORD);
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(server_key_encrypted), "wrong-password"),
             TLSP_ERR_KEY_PASSWORD);
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(server_key_encrypted), ""), TLSP_ERR_KEY_PASSWORD);
}

static void test_own_cert_errors(void)
{
    tlsp_config cfg;

    CHECK_EQ(own_cert_result(garbage_pem, sizeof(garbage_pem), PEM(server_key), NULL), TLSP_ERR_PARSE);
    CHECK_EQ(own_cert_result(garbage_der, sizeof(garbage_der), PEM(server_key), NULL), TLSP_ERR_PARSE);
    CHECK_EQ(own_cert_result(PEM(server_crt), garbage_der, sizeof(garbage_der), NULL), TLSP_ERR_PARSE);
    /* A valid key that is not the certificate's. */
    CHECK_EQ(own_cert_result(PEM(server_crt), PEM(client_key), NULL), TLSP_ERR_PARSE);
    CHECK_EQ(own_cert_result(DER(server_crt), PEM(client_key), NULL), TLSP_ERR_PARSE);

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_own_cert(NULL, PEM(server_crt), PEM(server_key), NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, NULL, 10, PEM(server_key), NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, (const uint8_t *) tlsp_test_server_crt_pem, 0,
                                      PEM(server_key), NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), NULL, 10, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt),
                                      (const uint8_t *) tlsp_test_server_key_pem, 0, NULL),
             TLSP_ERR_BAD_ARG);
    /* Failures leave nothing half-set: the right credentials are accepted afterwards. */
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(client_key), NULL), TLSP_ERR_PARSE);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(server_key_encrypted), "nope"),
             TLSP_ERR_KEY_PASSWORD);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(server_key_encrypted),
                                      tlsp_test_key_password), 0);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(server_key), NULL), TLSP_ERR_STATE);
    tlsp_config_free(&cfg);
}

static void test_add_ca(void)
{
    tlsp_config cfg;

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_add_ca(NULL, PEM(test_ca_crt)), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, NULL, 10), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, garbage_pem, sizeof(garbage_pem)), TLSP_ERR_PARSE);
    CHECK_EQ(tlsp_config_add_ca(&cfg, garbage_der, sizeof(garbage_der)), TLSP_ERR_PARSE);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), 0);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(untrusted_ca_crt)), 0);
    CHECK_EQ(tlsp_config_add_ca(&cfg, DER(server_crt)), 0);
    tlsp_config_free(&cfg);
}

static void test_hostname(void)
{
    tlsp_config cli, srv;
    char name[TLSP_MAX_HOSTNAME + 2];

    REQUIRE_EQ(tlsp_config_init(&cli, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_init(&srv, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_hostname(&srv, "tlspair-test-server"), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_config_set_hostname(NULL, "a"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_hostname(&cli, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_hostname(&cli, ""), TLSP_ERR_BAD_ARG);
    memset(name, 'a', sizeof(name));
    name[TLSP_MAX_HOSTNAME + 1] = '\0';
    CHECK_EQ(tlsp_config_set_hostname(&cli, name), TLSP_ERR_BAD_ARG);
    name[TLSP_MAX_HOSTNAME] = '\0';
    CHECK_EQ(tlsp_config_set_hostname(&cli, name), 0);
    CHECK_EQ(tlsp_config_set_hostname(&cli, "x"), 0);
    tlsp_config_free(&cli);
    tlsp_config_free(&srv);
}

static void test_require_client_cert(void)
{
    tlsp_config cli, srv;

    REQUIRE_EQ(tlsp_config_init(&cli, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_init(&srv, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_require_client_cert(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_require_client_cert(&cli), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_config_require_client_cert(&srv), 0);
    tlsp_config_free(&cli);
    tlsp_config_free(&srv);
}

/* Appends s to the string in list, which has room for cap bytes with its terminator. */
static void append(char *list, size_t cap, const char *s)
{
    size_t used = strlen(list);
    size_t n = strlen(s);

    REQUIRE(used + n < cap);
    memcpy(list + used, s, n + 1);
}

static void test_ciphersuite_args(void)
{
    tlsp_config cfg;
    char list[TLSP_MAX_CIPHERSUITES * 40];
    int i;

    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg,
                                          "TLS1-3-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS-ECDHE-ECDSA-WITH-CHACHA20-POLY1305-SHA256"), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS-PSK-WITH-AES-128-CCM"), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(NULL, "TLS1-3-AES-128-GCM-SHA256"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS-NO-SUCH-SUITE"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS1-3-AES-128-GCM-SHA256:TLS-NO-SUCH-SUITE"),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS1-3-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256"),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, ""), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS1-3-AES-128-GCM-SHA256:"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, ":TLS1-3-AES-128-GCM-SHA256"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, "TLS1-3-AES-128-GCM-SHA256::TLS1-3-AES-256-GCM-SHA384"),
             TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, ":"), TLSP_ERR_BAD_ARG);
    /* A name longer than any suite name, so it cannot be a truncated match. */
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg,
                                          "TLS1-3-AES-128-GCM-SHA256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
             TLSP_ERR_BAD_ARG);

    /* Exactly the maximum number of names is accepted, one more is not. */
    list[0] = '\0';
    for (i = 0; i < TLSP_MAX_CIPHERSUITES; i++) {
        append(list, sizeof(list), i == 0 ? "" : ":");
        append(list, sizeof(list), "TLS1-3-AES-128-GCM-SHA256");
    }
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, list), 0);
    append(list, sizeof(list), ":TLS1-3-AES-128-GCM-SHA256");
    CHECK_EQ(tlsp_config_set_ciphersuites(&cfg, list), TLSP_ERR_BAD_ARG);
    tlsp_config_free(&cfg);
}

static void test_record_size_bounds(void)
{
    tlsp_config cli, srv;

    REQUIRE_EQ(tlsp_config_init(&cli, TLSP_CLIENT), 0);
    REQUIRE_EQ(tlsp_config_init(&srv, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_record_size(NULL, 1024), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 63), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 16385), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 64), 0);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 512), 0);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 1000), 0);
    CHECK_EQ(tlsp_config_set_record_size(&cli, 16384), 0);
    CHECK_EQ(tlsp_config_set_record_size(&srv, 63), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_record_size(&srv, 4096), 0);
    tlsp_config_free(&cli);
    tlsp_config_free(&srv);
}

/* ---- Engine init refuses configs that cannot be secure ----------------------------------- */

static int engine_init_result(const tlsp_config *cfg)
{
    static uint8_t in[512], out[512];
    tlsp_engine e;
    int ret = tlsp_engine_init(&e, cfg, in, sizeof(in), out, sizeof(out));

    if (ret == 0) {
        tlsp_engine_free(&e);
    }
    return ret;
}

static void test_engine_init_insecure(void)
{
    tlsp_config cfg;

    /* Client with nothing to verify the server with. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    CHECK_EQ(tlsp_config_set_hostname(&cfg, "tlspair-test-server"), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    tlsp_config_free(&cfg);

    /* Client with a CA but no name to check the certificate against. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    CHECK_EQ(tlsp_config_set_hostname(&cfg, "tlspair-test-server"), 0);
    CHECK_EQ(engine_init_result(&cfg), 0);
    tlsp_config_free(&cfg);

    /* A PSK-only client needs neither. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_CLIENT), 0);
    CHECK_EQ(tlsp_config_set_psk(&cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                 tlsp_pair_psk_key, tlsp_pair_psk_key_len), 0);
    CHECK_EQ(engine_init_result(&cfg), 0);
    /* ...but adding a CA means certificates may be verified, so a hostname is due. */
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    tlsp_config_free(&cfg);

    /* Server with no identity at all. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(server_key), NULL), 0);
    CHECK_EQ(engine_init_result(&cfg), 0);
    tlsp_config_free(&cfg);

    /* Server demanding client certificates it cannot verify. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_own_cert(&cfg, PEM(server_crt), PEM(server_key), NULL), 0);
    CHECK_EQ(tlsp_config_require_client_cert(&cfg), 0);
    CHECK_EQ(engine_init_result(&cfg), TLSP_ERR_CONFIG);
    CHECK_EQ(tlsp_config_add_ca(&cfg, PEM(test_ca_crt)), 0);
    CHECK_EQ(engine_init_result(&cfg), 0);
    tlsp_config_free(&cfg);

    /* PSK server. */
    REQUIRE_EQ(tlsp_config_init(&cfg, TLSP_SERVER), 0);
    CHECK_EQ(tlsp_config_set_psk(&cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                 tlsp_pair_psk_key, tlsp_pair_psk_key_len), 0);
    CHECK_EQ(engine_init_result(&cfg), 0);
    tlsp_config_free(&cfg);
}

/* ---- Handshakes that prove the settings take effect --------------------------------------- */

static tlsp_pair *configured_pair(tlsp_version min, tlsp_version max)
{
    tlsp_pair_opts o;
    tlsp_pair *p;

    memset(&o, 0, sizeof(o));
    o.auth = TLSP_PAIR_CERT;
    o.min_version = min;
    o.max_version = max;
    p = tlsp_pair_alloc(&o);
    if (p != NULL && tlsp_pair_configure(p) != 0) {
        tlsp_pair_free(p);
        p = NULL;
    }
    return p;
}

/* Replace the pair's server config by a fresh one for the given credentials. */
static int reconfigure_server(tlsp_pair *p, const uint8_t *crt, size_t crt_len,
                              const uint8_t *key, size_t key_len, const char *password)
{
    int ret;

    tlsp_config_free(&p->server_cfg);
    ret = tlsp_config_init(&p->server_cfg, TLSP_SERVER);
    if (ret == 0) {
        ret = tlsp_config_set_versions(&p->server_cfg, p->opts.min_version, p->opts.max_version);
    }
    if (ret == 0) {
        ret = tlsp_config_set_own_cert(&p->server_cfg, crt, crt_len, key, key_len, password);
    }
    return ret;
}

static void run_suite_restriction(tlsp_version v, const char *suite)
{
    tlsp_pair *p = configured_pair(v, v);
    tlsp_info ci, si;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->client_cfg, suite), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->server_cfg, suite), 0);
    /* A rejected list leaves the previous one in force. */
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->client_cfg, "TLS-NO-SUCH-SUITE"), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->server_cfg, "TLS-ECDHE-ECDSA-WITH-AES-128-CBC-SHA256"),
             TLSP_ERR_BAD_ARG);
    if (tlsp_pair_start(p) == 0) {
        CHECK_EQ(tlsp_pair_handshake(p), 0);
        CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
        CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
        CHECK(strcmp(ci.ciphersuite, suite) == 0);
        CHECK(strcmp(si.ciphersuite, suite) == 0);
        CHECK_EQ(tlsp_pair_transfer(p, 5000, 1000), 0);
    } else {
        CHECK(0);
    }
    tlsp_pair_free(p);
}

/* Each suite below is not the default first choice, so only the restriction picks it. */
static void test_suite_restriction_tls12(void)
{
    run_suite_restriction(TLSP_TLS1_2, "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384");
}

static void test_suite_restriction_tls13(void)
{
    run_suite_restriction(TLSP_TLS1_3, "TLS1-3-CHACHA20-POLY1305-SHA256");
}

/* Disjoint lists: nothing in common must fail, not fall back to a default. */
static void test_suite_disjoint(void)
{
    tlsp_pair *p = configured_pair(TLSP_TLS1_2, TLSP_TLS1_2);
    int ret;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->client_cfg, "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384"), 0);
    CHECK_EQ(tlsp_config_set_ciphersuites(&p->server_cfg, "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256"), 0);
    if (tlsp_pair_start(p) == 0) {
        ret = tlsp_pair_handshake(p);
        CHECK(ret < 0 && ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE);
        CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE));
        CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE));
    } else {
        CHECK(0);
    }
    tlsp_pair_free(p);
}

static void run_server_credentials(const uint8_t *crt, size_t crt_len, const uint8_t *key,
                                   size_t key_len, const char *password, tlsp_version v)
{
    tlsp_pair *p = configured_pair(v, v);
    tlsp_info ci;

    REQUIRE(p != NULL);
    CHECK_EQ(reconfigure_server(p, crt, crt_len, key, key_len, password), 0);
    if (tlsp_pair_start(p) == 0) {
        CHECK_EQ(tlsp_pair_handshake(p), 0);
        CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
        CHECK(strstr(ci.peer_subject, "tlspair-test-server") != NULL);
        CHECK_EQ(tlsp_pair_transfer(p, 2000, 500), 0);
    } else {
        CHECK(0);
    }
    tlsp_pair_free(p);
}

static void test_encrypted_key_server(void)
{
    run_server_credentials(PEM(server_crt), PEM(server_key_encrypted), tlsp_test_key_password, TLSP_TLS1_2);
    run_server_credentials(PEM(server_crt), PEM(server_key_encrypted), tlsp_test_key_password, TLSP_TLS1_3);
}

static void test_der_server(void)
{
    run_server_credentials(DER(server_crt), DER(server_key), NULL, TLSP_TLS1_2);
    run_server_credentials(DER(server_crt), DER(server_key), NULL, TLSP_TLS1_3);
}

/* A CA list with a bad entry is refused whole: the good entries before it must not end
 * up trusted either. */
static void test_partly_bad_ca_not_trusted(void)
{
    tlsp_pair *p = configured_pair(TLSP_TLS1_2, TLSP_TLS1_3);
    size_t len = tlsp_test_untrusted_ca_crt_pem_len - 1 + sizeof(garbage_pem);
    uint8_t *mixed = malloc(len);
    int ret;

    REQUIRE(p != NULL && mixed != NULL);
    memcpy(mixed, tlsp_test_untrusted_ca_crt_pem, tlsp_test_untrusted_ca_crt_pem_len - 1);
    memcpy(mixed + tlsp_test_untrusted_ca_crt_pem_len - 1, garbage_pem, sizeof(garbage_pem));
    CHECK_EQ(tlsp_config_add_ca(&p->client_cfg, mixed, len), TLSP_ERR_PARSE);
    CHECK_EQ(reconfigure_server(p, PEM(server_untrusted_crt), PEM(server_untrusted_key), NULL), 0);
    if (tlsp_pair_start(p) == 0) {
        ret = tlsp_pair_handshake(p);
        CHECK(ret != 0);
        CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_CERT_REJECTED);
        CHECK(tlsp_engine_cert_flags(&p->client) & TLSP_CERT_UNTRUSTED);
    } else {
        CHECK(0);
    }
    tlsp_pair_free(p);
    free(mixed);
}

/* ---- Client authentication ------------------------------------------------------------ */

static tlsp_pair *client_auth_pair(tlsp_version v, int client_has_cert)
{
    tlsp_pair *p = configured_pair(v, v);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_config_add_ca(&p->server_cfg, PEM(test_ca_crt)) != 0 ||
        tlsp_config_require_client_cert(&p->server_cfg) != 0 ||
        (client_has_cert &&
         tlsp_config_set_own_cert(&p->client_cfg, PEM(client_crt), PEM(client_key), NULL) != 0) ||
        tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

static void run_mutual_auth(tlsp_version v)
{
    tlsp_pair *p = client_auth_pair(v, 1);
    tlsp_info ci, si;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_pair_handshake(p), 0);
    CHECK_EQ(tlsp_engine_info(&p->server, &si), 0);
    CHECK_EQ(tlsp_engine_info(&p->client, &ci), 0);
    CHECK(strstr(si.peer_subject, "tlspair-test-client") != NULL);
    CHECK(strstr(ci.peer_subject, "tlspair-test-server") != NULL);
    CHECK(strcmp(si.version, v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
    CHECK_EQ(tlsp_pair_transfer(p, 3000, 700), 0);
    tlsp_pair_free(p);
}

static void test_mutual_auth_tls12(void) { run_mutual_auth(TLSP_TLS1_2); }
static void test_mutual_auth_tls13(void) { run_mutual_auth(TLSP_TLS1_3); }

static void run_missing_client_cert(tlsp_version v)
{
    tlsp_pair *p = client_auth_pair(v, 0);
    uint8_t buf[16];
    int ret;

    REQUIRE(p != NULL);
    ret = tlsp_pair_handshake(p);
    CHECK(ret != 0);
    CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_NO_CERT);
    CHECK(!(tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE));
    /* Let the server's alert reach the client. In TLS 1.3 the client has finished its side
     * of the handshake by then, so it learns of the refusal on its next read. */
    (void) tlsp_pair_settle(p, 16);
    if (v == TLSP_TLS1_2) {
        CHECK(!(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE));
        CHECK_EQ(tlsp_engine_error(&p->client), TLSP_ERR_PEER_ALERT);
        CHECK_EQ(tlsp_engine_alert_received(&p->client), 40); /* handshake_failure */
    } else {
        /* The client has finished its side, so it learns of the refusal on its next read.
         * mbedTLS 3.6 servers encrypt this post-Finished alert under the handshake keys
         * instead of the application keys (Mbed-TLS/mbedtls#10877), so the client cannot
         * decrypt it and reports a bad record; with a fixed server it sees the alert. */
        CHECK(tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE);
        ret = tlsp_read(&p->client, buf, sizeof(buf));
        CHECK(ret == TLSP_ERR_PEER_ALERT || ret == TLSP_ERR_BAD_RECORD);
        CHECK_EQ(tlsp_engine_error(&p->client), ret);
        if (ret == TLSP_ERR_PEER_ALERT) {
            CHECK(tlsp_engine_alert_received(&p->client) >= 0);
        }
    }
    printf("  %s: server %s; client got alert %d\n", v == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2",
           tlsp_strerror(tlsp_engine_error(&p->server)), tlsp_engine_alert_received(&p->client));
    tlsp_pair_free(p);
}

static void test_missing_client_cert_tls12(void) { run_missing_client_cert(TLSP_TLS1_2); }
static void test_missing_client_cert_tls13(void) { run_missing_client_cert(TLSP_TLS1_3); }

/* A client certificate the server's CA did not sign is rejected as such. */
static void test_untrusted_client_cert(void)
{
    tlsp_pair *p = configured_pair(TLSP_TLS1_3, TLSP_TLS1_3);
    int ret;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_config_add_ca(&p->server_cfg, PEM(untrusted_ca_crt)), 0);
    CHECK_EQ(tlsp_config_require_client_cert(&p->server_cfg), 0);
    CHECK_EQ(tlsp_config_set_own_cert(&p->client_cfg, PEM(client_crt), PEM(client_key), NULL), 0);
    if (tlsp_pair_start(p) == 0) {
        ret = tlsp_pair_handshake(p);
        CHECK(ret != 0);
        CHECK_EQ(tlsp_engine_error(&p->server), TLSP_ERR_CERT_REJECTED);
        CHECK(tlsp_engine_cert_flags(&p->server) & TLSP_CERT_UNTRUSTED);
    } else {
        CHECK(0);
    }
    tlsp_pair_free(p);
}

/* The record size caps the plaintext of each record this side sends. (TLS 1.3 takes one
 * byte of a 512-byte limit for the inner content type, so "at most", not "exactly".) */
static void run_record_size(tlsp_version v, size_t size)
{
    tlsp_pair *p = configured_pair(v, v);
    uint8_t data[4096];
    tlsp_info before, after;
    size_t off = 0;
    uint64_t writes = 0;
    int ret;

    REQUIRE(p != NULL);
    CHECK_EQ(tlsp_config_set_record_size(&p->client_cfg, size), 0);
    REQUIRE_EQ(tlsp_pair_start(p), 0);
    REQUIRE_EQ(tlsp_pair_handshake(p), 0);
    REQUIRE_EQ(tlsp_pair_settle(p, 4), 0);
    memset(data, 0x5c, sizeof(data));
    CHECK_EQ(tlsp_engine_info(&p->client, &before), 0);
    while (off < sizeof(data)) {
        ret = tlsp_write(&p->client, data + off, sizeof(data) - off);
        REQUIRE(ret > 0);
        CHECK((size_t) ret <= size);
        off += (size_t) ret;
        writes++;
    }
    CHECK(writes >= (sizeof(data) + size - 1) / size);
    CHECK_EQ(tlsp_engine_info(&p->client, &after), 0);
    CHECK_EQ(after.counters.records_out - before.counters.records_out, writes);
    /* The peer gets it all, in those small records. */
    {
        uint8_t rx[4096];
        size_t got = 0;
        unsigned rounds;
        for (rounds = 0; rounds < 1000 && got < sizeof(rx); rounds++) {
            CHECK_EQ(tlsp_memory_pair_step(&p->client, &p->server, &p->link, NULL), 0);
            ret = tlsp_read(&p->server, rx + got, sizeof(rx) - got);
            if (ret > 0) {
                CHECK((size_t) ret <= size);
                got += (size_t) ret;
            } else {
                CHECK(ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE);
            }
        }
        CHECK_EQ(got, sizeof(rx));
        CHECK(memcmp(rx, data, got) == 0);
    }
    CHECK_EQ(tlsp_pair_transfer(p, 3000, 3000), 0);
    tlsp_pair_free(p);
}

static void test_record_size_applies(void)
{
    run_record_size(TLSP_TLS1_2, 1000);
    run_record_size(TLSP_TLS1_2, 512);
    run_record_size(TLSP_TLS1_3, 512);
    run_record_size(TLSP_TLS1_3, 64);
}

int main(void)
{
    RUN_TEST(test_init_bad_args);
    RUN_TEST(test_setters_need_init);
    RUN_TEST(test_versions);
    RUN_TEST(test_psk_args);
    RUN_TEST(test_own_cert_formats);
    RUN_TEST(test_own_cert_encrypted_key);
    RUN_TEST(test_own_cert_errors);
    RUN_TEST(test_add_ca);
    RUN_TEST(test_hostname);
    RUN_TEST(test_require_client_cert);
    RUN_TEST(test_ciphersuite_args);
    RUN_TEST(test_record_size_bounds);
    RUN_TEST(test_engine_init_insecure);
    RUN_TEST(test_suite_restriction_tls12);
    RUN_TEST(test_suite_restriction_tls13);
    RUN_TEST(test_suite_disjoint);
    RUN_TEST(test_encrypted_key_server);
    RUN_TEST(test_der_server);
    RUN_TEST(test_partly_bad_ca_not_trusted);
    RUN_TEST(test_mutual_auth_tls12);
    RUN_TEST(test_mutual_auth_tls13);
    RUN_TEST(test_missing_client_cert_tls12);
    RUN_TEST(test_missing_client_cert_tls13);
    RUN_TEST(test_untrusted_client_cert);
    RUN_TEST(test_record_size_applies);
    return tlsp_test_finish("config");
}
