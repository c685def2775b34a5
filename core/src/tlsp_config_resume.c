/*
 * Session resumption on a config: the server's ticket keys and session cache, the
 * client's ticket requests, and the TLS 1.3 key-exchange mode resumption needs.
 * Every piece is compiled only where the mbedTLS config has it; the Cortex-M profiles
 * have none of it and get TLSP_ERR_CONFIG.
 */
#include "tlspair/tlsp_config.h"

#include "mbedtls/cipher.h"

#include "tlsp_config_internal.h"
#include "tlsp_platform.h"

#if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_SRV_C) && \
    defined(MBEDTLS_SSL_SESSION_TICKETS)
#define HAVE_SERVER_TICKETS 1
#endif
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
#define HAVE_CLIENT_TICKETS 1
#endif
#if defined(MBEDTLS_SSL_CACHE_C) && defined(MBEDTLS_SSL_SRV_C) && defined(MBEDTLS_SSL_PROTO_TLS1_2)
#define HAVE_SERVER_CACHE 1
#endif

#define MAX_CACHE_ENTRIES 65535u

#if defined(HAVE_SERVER_TICKETS)
/* The strongest AEAD the build has protects the tickets (mbedTLS recommends AES-256-GCM:
 * a ticket key should be at least as strong as the strongest suite). */
static mbedtls_cipher_type_t ticket_cipher(void)
{
#if defined(MBEDTLS_GCM_C) && !defined(MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH)
    return MBEDTLS_CIPHER_AES_256_GCM;
#elif defined(MBEDTLS_CHACHAPOLY_C)
    return MBEDTLS_CIPHER_CHACHA20_POLY1305;
#elif defined(MBEDTLS_GCM_C)
    return MBEDTLS_CIPHER_AES_128_GCM;
#else
    return MBEDTLS_CIPHER_AES_128_CCM;
#endif
}

static int map_setup_error(int ret)
{
    switch (ret) {
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_CIPHER_ALLOC_FAILED:
        return TLSP_ERR_NO_MEMORY;
    case MBEDTLS_ERR_SSL_NO_RNG:
        return TLSP_ERR_ENTROPY;
    default:
        return TLSP_ERR_INTERNAL;
    }
}
#endif /* HAVE_SERVER_TICKETS */

/* What this build can do for a role: the TLSP_RESUME_* bits available. */
static unsigned mechanisms_compiled_in(tlsp_role role)
{
    unsigned have = 0;

    /* Both branches are empty in builds without resumption: equal there, not in general. */
    if (role == TLSP_SERVER) {  /* NOLINT(bugprone-branch-clone) */
#if defined(HAVE_SERVER_TICKETS)
        have |= TLSP_RESUME_TICKETS;
#endif
#if defined(HAVE_SERVER_CACHE)
        have |= TLSP_RESUME_SESSION_ID;
#endif
    } else {
#if defined(HAVE_CLIENT_TICKETS)
        have |= TLSP_RESUME_TICKETS;
#endif
#if defined(MBEDTLS_SSL_CLI_C) && defined(MBEDTLS_SSL_PROTO_TLS1_2)
        have |= TLSP_RESUME_SESSION_ID;
#endif
    }
    return have;
}

static int enable_server(tlsp_config *cfg, unsigned mechanisms, uint32_t lifetime_s,
                         unsigned cache_entries)
{
    (void) cfg;   /* unused when the build has neither tickets nor a cache */
#if defined(HAVE_SERVER_TICKETS)
    if (mechanisms & TLSP_RESUME_TICKETS) {
        /* The key comes from the RNG now; mbedtls_ssl_ticket replaces it after
         * lifetime_s (it keeps the previous key one more period so that tickets issued
         * just before a rotation stay valid for their whole lifetime). */
        int ret = mbedtls_ssl_ticket_setup(&cfg->tickets, tlsp_mbedtls_random, NULL,
                                           ticket_cipher(), lifetime_s);
        if (ret != 0) {
            mbedtls_ssl_ticket_free(&cfg->tickets);
            mbedtls_ssl_ticket_init(&cfg->tickets);
            return map_setup_error(ret);
        }
        mbedtls_ssl_conf_session_tickets_cb(&cfg->ssl, mbedtls_ssl_ticket_write,
                                            mbedtls_ssl_ticket_parse, &cfg->tickets);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        /* One ticket per handshake: a device keeps one session, and every extra ticket
         * costs air time on a slow link. */
        mbedtls_ssl_conf_new_session_tickets(&cfg->ssl, 1);
#endif
    }
#else
    (void) lifetime_s;
#endif
#if defined(HAVE_SERVER_CACHE)
    if (mechanisms & TLSP_RESUME_SESSION_ID) {
        mbedtls_ssl_cache_set_max_entries(&cfg->cache, (int) (cache_entries != 0
                                              ? cache_entries : TLSP_DEFAULT_SESSION_CACHE_ENTRIES));
        mbedtls_ssl_cache_set_timeout(&cfg->cache, (int) lifetime_s);
        mbedtls_ssl_conf_session_cache(&cfg->ssl, &cfg->cache, mbedtls_ssl_cache_get,
                                       mbedtls_ssl_cache_set);
    }
#else
    (void) cache_entries;
#endif
    (void) mechanisms;
    return 0;
}

static void enable_client(tlsp_config *cfg, unsigned mechanisms)
{
#if defined(HAVE_CLIENT_TICKETS)
    if (mechanisms & TLSP_RESUME_TICKETS) {
        mbedtls_ssl_conf_session_tickets(&cfg->ssl, MBEDTLS_SSL_SESSION_TICKETS_ENABLED);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
        /* Without this an mbedTLS 3.6 client drops every TLS 1.3 ticket it receives. The
         * engine's read loop then sees MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET and
         * carries on; the ticket stays in the session for tlsp_session_save(). */
        mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
            &cfg->ssl, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
    }
#else
    (void) cfg;
    (void) mechanisms;
#endif
}

int tlsp_config_enable_resumption(tlsp_config *cfg, unsigned mechanisms, uint32_t lifetime_s,
                                  unsigned cache_entries)
{
    int ret;

    if (cfg == NULL || !(cfg->flags & TLSP_CFG_INIT) || mechanisms == 0 ||
        (mechanisms & ~TLSP_RESUME_ALL) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->role == TLSP_SERVER &&
        (lifetime_s == 0 || lifetime_s > TLSP_MAX_SESSION_LIFETIME_S ||
         cache_entries > MAX_CACHE_ENTRIES)) {
        return TLSP_ERR_BAD_ARG;
    }
    if (cfg->flags & TLSP_CFG_RESUMPTION) {
        return TLSP_ERR_STATE;
    }
    if ((mechanisms & ~mechanisms_compiled_in(cfg->role)) != 0) {
        return TLSP_ERR_CONFIG;
    }
    if (cfg->role == TLSP_SERVER) {
        ret = enable_server(cfg, mechanisms, lifetime_s, cache_entries);
        if (ret != 0) {
            return ret;
        }
    } else {
        enable_client(cfg, mechanisms);
    }
    if (mechanisms & TLSP_RESUME_TICKETS) {
        cfg->flags |= TLSP_CFG_RESUME_TICKETS;
    }
    if (mechanisms & TLSP_RESUME_SESSION_ID) {
        cfg->flags |= TLSP_CFG_RESUME_SESSION_ID;
    }
    tlsp_config_apply_tls13_modes(cfg);
    return 0;
}
