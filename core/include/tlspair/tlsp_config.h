/**
 * \file tlsp_config.h
 * \brief Connection configuration: role, credentials, versions, suites, sizes, deadlines.
 *
 * A tlsp_config is caller-allocated and shared by any number of engines. Set it up once
 * (init, then setters), then attach engines with tlsp_engine_init(). The config must
 * outlive its engines and must not be changed while any engine uses it: mbedTLS reads it
 * during every handshake.
 *
 * Everything is given from memory; nothing reads a file system. Credentials are copied
 * (parsed into mbedTLS structures on the mbedTLS heap), so the caller's buffers may be
 * wiped right after the call returns.
 *
 * Defaults are the secure ones:
 *   - TLS 1.2 minimum, TLS 1.3 maximum; AEAD cipher suites only.
 *   - A client verifies the server's certificate (a CA chain is required unless the client
 *     uses only a PSK) and checks the hostname it was given (required when verifying).
 *   - A server does not ask for a client certificate unless tlsp_config_require_client_cert().
 *   - No renegotiation; no compression; extended master secret on TLS 1.2.
 *   - Handshake deadline 30 s; no read deadline (an idle connection is legitimate).
 *   - No session resumption (no tickets, no session cache, no TLS 1.3 0-RTT ever) unless
 *     tlsp_config_enable_resumption() turns it on.
 */
#ifndef TLSP_CONFIG_H
#define TLSP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"
#if defined(MBEDTLS_SSL_TICKET_C)
#include "mbedtls/ssl_ticket.h"
#endif
#if defined(MBEDTLS_SSL_CACHE_C)
#include "mbedtls/ssl_cache.h"
#endif

#include "tlspair/tlsp_error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tlsp_trace_event;

/** Longest hostname accepted (RFC 1035). */
#define TLSP_MAX_HOSTNAME 253
/** Most cipher suites a config can list. */
#define TLSP_MAX_CIPHERSUITES 16
/** Default handshake deadline (ms). */
#define TLSP_DEFAULT_HANDSHAKE_TIMEOUT_MS 30000u

/** Resumption mechanisms (tlsp_config_enable_resumption()). */
#define TLSP_RESUME_TICKETS    0x01u /**< session tickets: RFC 5077 on TLS 1.2, NewSessionTicket on TLS 1.3 */
#define TLSP_RESUME_SESSION_ID 0x02u /**< TLS 1.2 session IDs: a server-side session cache */
#define TLSP_RESUME_ALL        (TLSP_RESUME_TICKETS | TLSP_RESUME_SESSION_ID)
/** Longest session lifetime: 7 days, the TLS 1.3 maximum (RFC 8446 4.6.1). */
#define TLSP_MAX_SESSION_LIFETIME_S 604800u
/** Session-cache entries a server keeps when the caller passes 0. */
#define TLSP_DEFAULT_SESSION_CACHE_ENTRIES 16u

typedef enum {
    TLSP_CLIENT = 0,
    TLSP_SERVER = 1
} tlsp_role;

typedef enum {
    TLSP_TLS1_2 = 0x0303,
    TLSP_TLS1_3 = 0x0304
} tlsp_version;

/** Caller-allocated configuration. Fields are private: use the functions. */
typedef struct tlsp_config {
    mbedtls_ssl_config ssl;
    mbedtls_x509_crt ca_chain;
    mbedtls_x509_crt own_chain;
    mbedtls_pk_context own_key;
    int ciphersuites[TLSP_MAX_CIPHERSUITES + 1];   /* 0-terminated */
    char hostname[TLSP_MAX_HOSTNAME + 1];
    uint32_t handshake_timeout_ms;
    uint32_t read_timeout_ms;
    size_t record_size;
    tlsp_role role;
    unsigned flags;                                /* TLSP_CFG_* in tlsp_config.c */
#if defined(TLSP_TRACE)
    void (*trace_fn)(void *ctx, const struct tlsp_trace_event *ev); /* tlsp_trace.h */
    void *trace_ctx;
#endif
#if defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_ticket_context tickets;            /* server: ticket keys (resumption) */
#endif
#if defined(MBEDTLS_SSL_CACHE_C) && defined(MBEDTLS_SSL_SRV_C)
    mbedtls_ssl_cache_context cache;               /* server: TLS 1.2 session-ID cache */
#endif
} tlsp_config;

/**
 * \brief Initialise a config with the secure defaults for a role.
 * \param cfg   caller-allocated; must not be initialised already.
 * \param role  TLSP_CLIENT or TLSP_SERVER.
 * \return 0; TLSP_ERR_BAD_ARG (NULL, bad role); TLSP_ERR_ENTROPY if the port's entropy
 *         source fails (the random generator is seeded here, once per process);
 *         TLSP_ERR_NO_MEMORY; TLSP_ERR_STATE on an arena build (Cortex-M) before
 *         tlsp_heap_use_arena(); TLSP_ERR_CONFIG for a role the build left out
 *         (TLSP_TLS_ROLES, docs/cortex-m.md).
 * \note On failure cfg is left freed; calling tlsp_config_free() on it is harmless.
 */
int tlsp_config_init(tlsp_config *cfg, tlsp_role role);

/**
 * \brief Release everything the config holds and wipe it (keys, PSK, hostname, session
 *        ticket keys, cached sessions).
 * \param cfg  may be NULL. No engine may still use it.
 */
void tlsp_config_free(tlsp_config *cfg);

/**
 * \brief Restrict the protocol versions (default: every version the build has).
 * \param min, max  TLSP_TLS1_2 or TLSP_TLS1_3, min <= max.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_CONFIG if the range names a version whose code
 *         this build leaves out (a Cortex-M build with TLSP_TLS12_ONLY or TLSP_TLS13_ONLY).
 */
int tlsp_config_set_versions(tlsp_config *cfg, tlsp_version min, tlsp_version max);

/**
 * \brief Use a pre-shared key (both roles). A server accepts only this identity.
 * \param identity, identity_len  1..128 bytes, copied.
 * \param key, key_len            1..64 bytes, copied (and wiped on free).
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_STATE if a PSK is already set;
 *         TLSP_ERR_NO_MEMORY; TLSP_ERR_CONFIG if the mbedTLS config has no PSK key
 *         exchange (the Cortex-M ECDHE-ECDSA profile).
 */
int tlsp_config_set_psk(tlsp_config *cfg, const uint8_t *identity, size_t identity_len,
                        const uint8_t *key, size_t key_len);

/**
 * \brief This side's certificate chain and private key (a server's identity, or a
 *        client's for mutual authentication).
 * \param chain, chain_len  PEM (NUL-terminated, the NUL counted in chain_len) or DER; leaf
 *                          first. Several PEM certificates may follow each other.
 * \param key, key_len      PEM (NUL counted) or DER private key, matching the leaf.
 * \param password          NUL-terminated password for an encrypted key, or NULL.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_PARSE (unreadable chain or key, or the key does
 *         not match the certificate); TLSP_ERR_KEY_PASSWORD (encrypted key with a missing
 *         or wrong password); TLSP_ERR_STATE if already set; TLSP_ERR_NO_MEMORY;
 *         TLSP_ERR_CONFIG if the mbedTLS config has no certificates (Cortex-M PSK profile).
 */
int tlsp_config_set_own_cert(tlsp_config *cfg, const uint8_t *chain, size_t chain_len,
                             const uint8_t *key, size_t key_len, const char *password);

/**
 * \brief Trusted CA certificates for verifying the peer.
 * \param ca, ca_len  PEM (NUL counted) or DER. May be called again to add more.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_PARSE; TLSP_ERR_NO_MEMORY; TLSP_ERR_CONFIG if the
 *         mbedTLS config has no certificates (Cortex-M PSK profile).
 */
int tlsp_config_add_ca(tlsp_config *cfg, const uint8_t *ca, size_t ca_len);

/**
 * \brief Client only: the server's expected name. Sent as SNI and checked against the
 *        certificate's subjectAltName (or CN).
 * \param hostname  NUL-terminated, 1..TLSP_MAX_HOSTNAME characters, copied.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_STATE on a server config.
 */
int tlsp_config_set_hostname(tlsp_config *cfg, const char *hostname);

/**
 * \brief Server only: demand a client certificate signed by the configured CA chain.
 * \return 0; TLSP_ERR_BAD_ARG; TLSP_ERR_STATE on a client config.
 */
int tlsp_config_require_client_cert(tlsp_config *cfg);

/**
 * \brief Replace the cipher-suite list.
 * \param names  colon-separated mbedTLS suite names, most preferred first, e.g.
 *               "TLS1-3-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256".
 * \return 0; TLSP_ERR_BAD_ARG for an unknown name, a non-AEAD suite, more than
 *         TLSP_MAX_CIPHERSUITES names, or an empty list.
 */
int tlsp_config_set_ciphersuites(tlsp_config *cfg, const char *names);

/**
 * \brief Largest plaintext this side puts in one record (and, on a TLS 1.2 client, asks
 *        the server to respect with max_fragment_length when size is 512, 1024, 2048 or
 *        4096).
 * \param size  64 .. 16384. Default 16384.
 * \return 0 or TLSP_ERR_BAD_ARG.
 */
int tlsp_config_set_record_size(tlsp_config *cfg, size_t size);

/**
 * \brief Deadlines, measured on the port's monotonic clock.
 * \param handshake_ms  whole handshake, from the first tlsp_handshake() call; 0 = none.
 * \param read_ms       longest time tlsp_read() goes without application data to
 *                      return, counted from its first call that found none; 0 = none.
 *                      Peer records that carry no application data (alerts, tickets,
 *                      empty records, ChangeCipherSpec) do not restart it, so a peer
 *                      cannot hold a read open with them; decrypted data waiting for the
 *                      application stops it. On a slow medium make it longer than one
 *                      full record (the peer's record size) takes to arrive.
 * \return 0 or TLSP_ERR_BAD_ARG.
 */
int tlsp_config_set_timeouts(tlsp_config *cfg, uint32_t handshake_ms, uint32_t read_ms);

/**
 * \brief Opt in to session resumption (abbreviated handshakes: no certificate, no
 *        signature, fewer bytes and far less CPU on a reconnect). Off by default.
 *
 * Server config:
 *   - TLSP_RESUME_TICKETS: the server issues session tickets (RFC 5077 on TLS 1.2, one
 *     NewSessionTicket after each TLS 1.3 handshake) and accepts them for lifetime_s. The
 *     ticket keys are random (from the port's entropy via PSA), live only in this config
 *     (a restarted server cannot open old tickets; clients then fall back to a full
 *     handshake) and are replaced every lifetime_s by mbedTLS (ssl_ticket.c rotation,
 *     which reads the port's wall clock; without a known date the key is never rotated,
 *     while ticket ages are still checked on the monotonic clock).
 *   - TLSP_RESUME_SESSION_ID: a TLS 1.2 session cache of at most cache_entries sessions
 *     (0 = TLSP_DEFAULT_SESSION_CACHE_ENTRIES; the oldest is evicted), each usable for
 *     lifetime_s by the port's wall clock. Entries live on the mbedTLS heap.
 * Client config:
 *   - TLSP_RESUME_TICKETS: ask TLS 1.2 servers for a ticket and keep TLS 1.3 tickets, so
 *     that tlsp_session_save() has something to save (TLS 1.3 resumes only with tickets).
 *   - TLSP_RESUME_SESSION_ID: resume TLS 1.2 sessions by ID (nothing more to configure).
 *   - lifetime_s and cache_entries are ignored.
 * Both roles: TLS 1.3 gains the psk_dhe_ke key-exchange mode (a resumed handshake still
 * makes a fresh ECDHE key: forward secrecy is kept); ephemeral (certificate) handshakes
 * stay allowed. 0-RTT early data is never enabled. Resumption never weakens verification:
 * a session is only issued after a handshake that passed it, and a loaded session is only
 * used with the server that issued it (otherwise the handshake is a full one).
 *
 * \param mechanisms     TLSP_RESUME_TICKETS and/or TLSP_RESUME_SESSION_ID (nonzero).
 * \param lifetime_s     server: 1 .. TLSP_MAX_SESSION_LIFETIME_S seconds.
 * \param cache_entries  server with TLSP_RESUME_SESSION_ID: 0 (default) .. 65535.
 * \return 0; TLSP_ERR_BAD_ARG (unknown bits, bad lifetime or count); TLSP_ERR_STATE if
 *         already enabled; TLSP_ERR_CONFIG if the mbedTLS build lacks a requested
 *         mechanism (the Cortex-M profiles have neither tickets nor a cache: nothing is
 *         changed then); TLSP_ERR_NO_MEMORY; TLSP_ERR_ENTROPY (ticket key generation).
 * \note Call before attaching engines. Tickets carry the session secrets encrypted under
 *       the server's ticket key: anyone holding that key (this process) can decrypt
 *       recorded resumed sessions until the key is rotated away, so keep lifetime_s short
 *       (hours, not days) when forward secrecy matters.
 */
int tlsp_config_enable_resumption(tlsp_config *cfg, unsigned mechanisms, uint32_t lifetime_s,
                                  unsigned cache_entries);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_CONFIG_H */
