/*
 * Connection configuration. Every setter applies its value to the mbedTLS config at once,
 * so tlsp_engine_init() only has to check that the whole is usable and secure.
 */
#include "tlspair/tlsp_config.h"

#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/bignum.h"
#include "mbedtls/ecp.h"
#include "mbedtls/error.h"
#include "mbedtls/pem.h"
#include "mbedtls/platform.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/ssl_ciphersuites.h"

#include "tlsp_config_internal.h"
#include "tlsp_platform.h"

#define MIN_RECORD_SIZE 64u
#define MAX_PSK_IDENTITY 128u
#define MAX_PSK_KEY MBEDTLS_PSK_MAX_LEN

/* The TLS versions this mbedTLS build has code for. */
#if defined(MBEDTLS_SSL_PROTO_TLS1_2)
#define BUILD_MIN_VERSION MBEDTLS_SSL_VERSION_TLS1_2
#else
#define BUILD_MIN_VERSION MBEDTLS_SSL_VERSION_TLS1_3
#endif
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define BUILD_MAX_VERSION MBEDTLS_SSL_VERSION_TLS1_3
#else
#define BUILD_MAX_VERSION MBEDTLS_SSL_VERSION_TLS1_2
#endif

static int is_ready(const tlsp_config *cfg)
{
    return cfg != NULL && (cfg->flags & TLSP_CFG_INIT) != 0;
}

#if defined(MBEDTLS_X509_CRT_PARSE_C)
static int map_parse_error(int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_PK_PASSWORD_REQUIRED:
    case MBEDTLS_ERR_PK_PASSWORD_MISMATCH:
        return TLSP_ERR_KEY_PASSWORD;
    case MBEDTLS_ERR_PK_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
    case MBEDTLS_ERR_PEM_ALLOC_FAILED:
    case MBEDTLS_ERR_ASN1_ALLOC_FAILED:
    case MBEDTLS_ERR_MPI_ALLOC_FAILED:
    case MBEDTLS_ERR_ECP_ALLOC_FAILED:
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
        return TLSP_ERR_NO_MEMORY;
    default:
        return TLSP_ERR_PARSE;
    }
}
#endif

/* 1 if word occurs in s. A plain loop, not strstr(): newlib's two-way strstr() is about
 * 1 KB of flash for three short searches on suite names. */
static int contains(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; *s != '\0'; s++) {
        if (strncmp(s, word, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* AEAD suites only. TLS 1.3 suites are AEAD by definition; for TLS 1.2 the mbedTLS name
 * says the mode (…-GCM-…, …-CCM, …-CHACHA20-POLY1305-…). CBC and NULL suites never pass. */
static int is_aead_suite(int id)
{
    const mbedtls_ssl_ciphersuite_t *info = mbedtls_ssl_ciphersuite_from_id(id);
    const char *name;

    if (info == NULL) {
        return 0;
    }
    name = mbedtls_ssl_ciphersuite_get_name(info);
    if (strncmp(name, "TLS1-3-", 7) == 0) {
        return 1;
    }
    return contains(name, "-GCM-") || contains(name, "-CCM") ||
           contains(name, "-CHACHA20-POLY1305-");
}

/* TLS 1.3 key exchange modes follow the credentials: a client with only a PSK must not
 * let a server steer it into a certificate handshake it cannot verify. Resumption with
 * tickets adds psk_dhe_ke: the only PSK a certificate-only end knows is a ticket, which
 * an authenticated handshake issued, and the handshake still runs ECDHE. */
void tlsp_config_apply_tls13_modes(tlsp_config *cfg)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    int modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL;

    if (cfg->flags & TLSP_CFG_HAS_PSK) {
        if (cfg->flags & (TLSP_CFG_HAS_CA | TLSP_CFG_HAS_CERT)) {
            modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_ALL;
        } else {
            modes = MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_ALL;
        }
    }
    if (cfg->flags & TLSP_CFG_RESUME_TICKETS) {
        modes = (int) ((unsigned) modes | (unsigned) MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL);
    }
    mbedtls_ssl_conf_tls13_key_exchange_modes(&cfg->ssl, modes);
#else
    (void) cfg;   /* a TLS 1.2-only build (TLSP_TLS12_ONLY) */
#endif
}

int tlsp_config_init(tlsp_config *cfg, tlsp_role role)
{
    const int *all;
    size_t n = 0;
    int ret;

    if (cfg == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    /* Zeroed before any check: the contract lets the caller free cfg after any failure,
     * and a zeroed config is one tlsp_config_free() handles. */
    memset(cfg, 0, sizeof(*cfg));
    if (role != TLSP_CLIENT && role != TLSP_SERVER) {
        return TLSP_ERR_BAD_ARG;
    }
    /* Cortex-M builds may leave one role out (TLSP_TLS_CLIENT_ONLY / _SERVER_ONLY). */
#if !defined(MBEDTLS_SSL_CLI_C)
    if (role == TLSP_CLIENT) {
        return TLSP_ERR_CONFIG;
    }
#endif
#if !defined(MBEDTLS_SSL_SRV_C)
    if (role == TLSP_SERVER) {
        return TLSP_ERR_CONFIG;
    }
#endif
    mbedtls_ssl_config_init(&cfg->ssl);
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_init(&cfg->ca_chain);
    mbedtls_x509_crt_init(&cfg->own_chain);
    mbedtls_pk_init(&cfg->own_key);
#endif
    cfg->flags = TLSP_CFG_INIT;
    cfg->role = role;

    ret = tlsp_platform_init();
    if (ret != 0) {
        tlsp_config_free(cfg);
        return ret;
    }
    ret = mbedtls_ssl_config_defaults(&cfg->ssl,
                                      role == TLSP_CLIENT ? MBEDTLS_SSL_IS_CLIENT : MBEDTLS_SSL_IS_SERVER,
                                      MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        tlsp_config_free(cfg);
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_INTERNAL;
    }
    mbedtls_ssl_conf_rng(&cfg->ssl, tlsp_mbedtls_random, NULL);
    /* Every version the build has (a Cortex-M build may have only one of them). */
    mbedtls_ssl_conf_min_tls_version(&cfg->ssl, BUILD_MIN_VERSION);
    mbedtls_ssl_conf_max_tls_version(&cfg->ssl, BUILD_MAX_VERSION);
    mbedtls_ssl_conf_authmode(&cfg->ssl, role == TLSP_CLIENT ? MBEDTLS_SSL_VERIFY_REQUIRED
                                                             : MBEDTLS_SSL_VERIFY_NONE);
#if defined(MBEDTLS_SSL_EXTENDED_MASTER_SECRET)   /* TLS 1.2 only */
    mbedtls_ssl_conf_extended_master_secret(&cfg->ssl, MBEDTLS_SSL_EXTENDED_MS_ENABLED);
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
    /* mbedTLS clients ask TLS 1.2 servers for tickets by default; tlspair resumes only
     * when the caller opts in (tlsp_config_enable_resumption()). */
    if (role == TLSP_CLIENT) {
        mbedtls_ssl_conf_session_tickets(&cfg->ssl, MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
    }
#endif
#if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_ticket_init(&cfg->tickets);
#endif
#if defined(MBEDTLS_SSL_CACHE_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_cache_init(&cfg->cache);
#endif

    /* Defaults: the AEAD suites this mbedTLS build offers, in its preference order. */
    for (all = mbedtls_ssl_list_ciphersuites(); *all != 0 && n < TLSP_MAX_CIPHERSUITES; all++) {
        if (is_aead_suite(*all)) {
            cfg->ciphersuites[n++] = *all;
        }
    }
    cfg->ciphersuites[n] = 0;
    mbedtls_ssl_conf_ciphersuites(&cfg->ssl, cfg->ciphersuites);
    tlsp_config_apply_tls13_modes(cfg);

    cfg->handshake_timeout_ms = TLSP_DEFAULT_HANDSHAKE_TIMEOUT_MS;
    cfg->read_timeout_ms = 0;
    cfg->record_size = MBEDTLS_SSL_OUT_CONTENT_LEN;
    return 0;
}

void tlsp_config_free(tlsp_config *cfg)
{
    if (cfg == NULL) {
        return;
    }
    /* mbedTLS wipes the PSK, the private key, the ticket keys (PSA key slots are wiped
     * when destroyed) and the cached sessions as it frees them. A config that never got
     * past the memset in tlsp_config_init() is all zeros, which every free accepts. */
    mbedtls_ssl_config_free(&cfg->ssl);
#if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_ticket_free(&cfg->tickets);
#endif
#if defined(MBEDTLS_SSL_CACHE_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_cache_free(&cfg->cache);
#endif
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt_free(&cfg->ca_chain);
    mbedtls_x509_crt_free(&cfg->own_chain);
    mbedtls_pk_free(&cfg->own_key);
#endif
    mbedtls_platform_zeroize(cfg, sizeof(*cfg));
}

int tlsp_config_set_versions(tlsp_config *cfg, tlsp_version min, tlsp_version max)
{
    if (!is_ready(cfg) || (min != TLSP_TLS1_2 && min != TLSP_TLS1_3) ||
        (max != TLSP_TLS1_2 && max != TLSP_TLS1_3) || min > max) {
        return TLSP_ERR_BAD_ARG;
    }
    if ((int) min < (int) BUILD_MIN_VERSION || (int) max > (int) BUILD_MAX_VERSION) {
        return TLSP_ERR_CONFIG;   /* that version's code is not in this build */
    }
    mbedtls_ssl_conf_min_tls_version(&cfg->ssl, (mbedtls_ssl_protocol_version) min);
    mbedtls_ssl_conf_max_tls_version(&cfg->ssl, (mbedtls_ssl_protocol_version) max);
    return 0;
}

int tlsp_config_set_psk(tlsp_config *cfg, const uint8_t *identity, size_t identity_len,
                        const uint8_t *key, size_t key_len)
{
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    int ret;
#endif

    if (!is_ready(cfg) || identity == NULL || key == NULL || identity_len == 0 ||
        identity_len > MAX_PSK_IDENTITY || key_len == 0 || key_len > MAX_PSK_KEY) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->flags & TLSP_CFG_HAS_PSK) {
        return TLSP_ERR_STATE;
    }
#if defined(MBEDTLS_SSL_HANDSHAKE_WITH_PSK_ENABLED)
    ret = mbedtls_ssl_conf_psk(&cfg->ssl, key, key_len, identity, identity_len);
    if (ret != 0) {
        return ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_BAD_ARG;
    }
    cfg->flags |= TLSP_CFG_HAS_PSK;
    tlsp_config_apply_tls13_modes(cfg);
    return 0;
#else
    /* This mbedTLS config has no PSK key exchange (the Cortex-M ECDHE-ECDSA profile). */
    return TLSP_ERR_CONFIG;
#endif
}

int tlsp_config_set_own_cert(tlsp_config *cfg, const uint8_t *chain, size_t chain_len,
                             const uint8_t *key, size_t key_len, const char *password)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    int ret;
#endif

    if (!is_ready(cfg) || chain == NULL || chain_len == 0 || key == NULL || key_len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->flags & TLSP_CFG_HAS_CERT) {
        return TLSP_ERR_STATE;
    }
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
    /* This mbedTLS config has no certificates (the Cortex-M PSK profile). */
    (void) password;
    return TLSP_ERR_CONFIG;
#else
    ret = mbedtls_x509_crt_parse(&cfg->own_chain, chain, chain_len);
    if (ret != 0) {
        ret = map_parse_error(ret);
        goto fail;
    }
    ret = mbedtls_pk_parse_key(&cfg->own_key, key, key_len, (const unsigned char *) password,
                               password != NULL ? strlen(password) : 0,
                               tlsp_mbedtls_random, NULL);
    if (ret != 0) {
        ret = map_parse_error(ret);
        goto fail;
    }
    ret = mbedtls_pk_check_pair(&cfg->own_chain.pk, &cfg->own_key,
                                tlsp_mbedtls_random, NULL);
    if (ret != 0) {
        ret = ret == MBEDTLS_ERR_PK_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_PARSE;
        goto fail;
    }
    ret = mbedtls_ssl_conf_own_cert(&cfg->ssl, &cfg->own_chain, &cfg->own_key);
    if (ret != 0) {
        ret = TLSP_ERR_NO_MEMORY;
        goto fail;
    }
    cfg->flags |= TLSP_CFG_HAS_CERT;
    tlsp_config_apply_tls13_modes(cfg);
    return 0;

fail:
    mbedtls_x509_crt_free(&cfg->own_chain);
    mbedtls_pk_free(&cfg->own_key);
    mbedtls_x509_crt_init(&cfg->own_chain);
    mbedtls_pk_init(&cfg->own_key);
    return ret;
#endif /* MBEDTLS_X509_CRT_PARSE_C */
}

int tlsp_config_add_ca(tlsp_config *cfg, const uint8_t *ca, size_t ca_len)
{
#if defined(MBEDTLS_X509_CRT_PARSE_C)
    mbedtls_x509_crt *last;
    int ret;
#endif

    if (!is_ready(cfg) || ca == NULL || ca_len == 0) {
        return TLSP_ERR_BAD_ARG;
    }
#if !defined(MBEDTLS_X509_CRT_PARSE_C)
    /* This mbedTLS config has no certificates (the Cortex-M PSK profile). */
    return TLSP_ERR_CONFIG;
#else
    /* mbedtls_x509_crt_parse() keeps the certificates it could read even when a later
     * one in the same buffer fails; a CA list that is partly wrong is refused whole. */
    last = NULL;
    if (cfg->ca_chain.version != 0) {
        for (last = &cfg->ca_chain; last->next != NULL; last = last->next) {
        }
    }
    ret = mbedtls_x509_crt_parse(&cfg->ca_chain, ca, ca_len);
    if (ret != 0) {
        /* Drop what this call appended; the chain may already be in use by the config. */
        if (last == NULL) {
            mbedtls_x509_crt_free(&cfg->ca_chain);
            mbedtls_x509_crt_init(&cfg->ca_chain);
        } else if (last->next != NULL) {
            mbedtls_x509_crt *added = last->next;
            last->next = NULL;
            mbedtls_x509_crt_free(added);
            mbedtls_free(added);
        }
        return map_parse_error(ret);
    }
    mbedtls_ssl_conf_ca_chain(&cfg->ssl, &cfg->ca_chain, NULL);
    cfg->flags |= TLSP_CFG_HAS_CA;
    tlsp_config_apply_tls13_modes(cfg);
    return 0;
#endif /* MBEDTLS_X509_CRT_PARSE_C */
}

int tlsp_config_set_hostname(tlsp_config *cfg, const char *hostname)
{
    size_t len;

    if (!is_ready(cfg) || hostname == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->role != TLSP_CLIENT) {
        return TLSP_ERR_STATE;
    }
    len = strlen(hostname);
    if (len == 0 || len > TLSP_MAX_HOSTNAME) {
        return TLSP_ERR_BAD_ARG;
    }
    memcpy(cfg->hostname, hostname, len + 1);
    cfg->flags |= TLSP_CFG_HAS_HOSTNAME;
    return 0;
}

int tlsp_config_require_client_cert(tlsp_config *cfg)
{
    if (!is_ready(cfg)) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->role != TLSP_SERVER) {
        return TLSP_ERR_STATE;
    }
    mbedtls_ssl_conf_authmode(&cfg->ssl, MBEDTLS_SSL_VERIFY_REQUIRED);
    cfg->flags |= TLSP_CFG_REQUIRE_CLIENT_CERT;
    return 0;
}

int tlsp_config_set_ciphersuites(tlsp_config *cfg, const char *names)
{
    int list[TLSP_MAX_CIPHERSUITES + 1];
    char name[64];
    size_t n = 0;
    const char *p;

    if (!is_ready(cfg) || names == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    for (p = names; *p != '\0';) {
        const char *end = strchr(p, ':');
        size_t len = end != NULL ? (size_t) (end - p) : strlen(p);
        int id;

        if (len == 0 || len >= sizeof(name) || n == TLSP_MAX_CIPHERSUITES) {
            return TLSP_ERR_BAD_ARG;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        id = mbedtls_ssl_get_ciphersuite_id(name);
        if (id == 0 || !is_aead_suite(id)) {
            return TLSP_ERR_BAD_ARG;
        }
        list[n++] = id;
        p += len;
        if (*p == ':') {
            p++;
            if (*p == '\0') {
                return TLSP_ERR_BAD_ARG;
            }
        }
    }
    if (n == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    list[n] = 0;
    memcpy(cfg->ciphersuites, list, (n + 1) * sizeof(list[0]));
    return 0;
}

int tlsp_config_set_record_size(tlsp_config *cfg, size_t size)
{
    if (!is_ready(cfg) || size < MIN_RECORD_SIZE || size > MBEDTLS_SSL_OUT_CONTENT_LEN) {
        return TLSP_ERR_BAD_ARG;
    }
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    /* A TLS 1.2 client asks the server for records this small (max_fragment_length).
     * TLS 1.3 peers learn the receive limit from record_size_limit instead, which mbedTLS
     * fills from MBEDTLS_SSL_IN_CONTENT_LEN. */
    unsigned char mfl = MBEDTLS_SSL_MAX_FRAG_LEN_NONE;
    switch (size) {
    case 512:  mfl = MBEDTLS_SSL_MAX_FRAG_LEN_512; break;
    case 1024: mfl = MBEDTLS_SSL_MAX_FRAG_LEN_1024; break;
    case 2048: mfl = MBEDTLS_SSL_MAX_FRAG_LEN_2048; break;
    case 4096: mfl = MBEDTLS_SSL_MAX_FRAG_LEN_4096; break;
    default: break;
    }
    if (cfg->role == TLSP_CLIENT && mbedtls_ssl_conf_max_frag_len(&cfg->ssl, mfl) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
#endif
    cfg->record_size = size;
    return 0;
}

int tlsp_config_set_timeouts(tlsp_config *cfg, uint32_t handshake_ms, uint32_t read_ms)
{
    if (!is_ready(cfg)) {
        return TLSP_ERR_BAD_ARG;
    }
    cfg->handshake_timeout_ms = handshake_ms;
    cfg->read_timeout_ms = read_ms;
    return 0;
}

int tlsp_config_check_usable(const tlsp_config *cfg)
{
    unsigned f;

    if (!is_ready(cfg)) {
        return TLSP_ERR_BAD_ARG;
    }
    f = cfg->flags;
    if (cfg->role == TLSP_CLIENT) {
        /* A client that may see a certificate must be able to verify it, name included. */
        if (!(f & TLSP_CFG_HAS_PSK) && !(f & TLSP_CFG_HAS_CA)) {
            return TLSP_ERR_CONFIG;
        }
        if ((f & TLSP_CFG_HAS_CA) && !(f & TLSP_CFG_HAS_HOSTNAME)) {
            return TLSP_ERR_CONFIG;
        }
    } else {
        if (!(f & (TLSP_CFG_HAS_CERT | TLSP_CFG_HAS_PSK))) {
            return TLSP_ERR_CONFIG;
        }
        if ((f & TLSP_CFG_REQUIRE_CLIENT_CERT) && !(f & TLSP_CFG_HAS_CA)) {
            return TLSP_ERR_CONFIG;
        }
    }
    return 0;
}
