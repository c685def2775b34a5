/**
 * \file tlsp_session.h
 * \brief Client session resumption: save a connection's session, load it into a new
 *        engine (after a reconnect or a reboot) so the next handshake is abbreviated.
 *
 * Both configs must opt in with tlsp_config_enable_resumption(). Then:
 *
 *   // first connection, after tlsp_handshake() returned 0
 *   n = tlsp_session_save_sealed(&e, key, 32, blob, sizeof blob, &len); // store blob[0..len)
 *   ...reboot...
 *   tlsp_engine_init(&e2, &cfg, ...);
 *   tlsp_session_load_sealed(&e2, key, 32, blob, len);  // before the first tlsp_handshake()
 *   tlsp_handshake(&e2) ...                             // tlsp_info.resumed says if it worked
 *
 * When a save is possible:
 *   - client engines only, after the handshake completed, and only while the engine has
 *     not failed (a session that ended in a fatal alert must not be resumed, RFC 5246 7.2;
 *     the engine's sticky code is returned). A clean close (TLSP_ERR_CLOSED) still allows it.
 *   - TLS 1.2: as soon as the handshake is done (the session ID, or the ticket the server
 *     sent inside the handshake).
 *   - TLS 1.3: only after the server's NewSessionTicket arrived, which is after the
 *     handshake. Until then the save returns TLSP_WANT_READ. The engine processes tickets
 *     in tlsp_read() and tlsp_poll() (also in tlsp_write()): keep feeding net input and
 *     calling one of them, then save again. A server that does not do resumption never
 *     sends a ticket, so treat WANT_READ as "not yet, maybe never", not as a reason to
 *     wait. A later ticket replaces the earlier one; saving again saves the newest.
 *   - A session may be saved any number of times.
 *
 * What a load does: the engine offers the session in its ClientHello. The server decides:
 * if it accepts, the handshake is abbreviated (tlsp_info.resumed = 1); if not (restarted
 * server, expired ticket, resumption off, another server), it is a full handshake with
 * full certificate verification, and nothing fails. A loaded session does not change who
 * is trusted: the server was verified when the session was made. On a resumed TLS 1.2
 * connection tlsp_info.peer_subject shows that certificate (kept in the session); mbedTLS
 * keeps no certificate in TLS 1.3 tickets, so there it is "".
 *
 * Clocks: TLS 1.3 ticket ages are measured with the port's monotonic clock, which starts
 * again after a reboot. The saved blob therefore carries the ticket's age and the port's
 * wall time at save; a load adds the wall-clock time elapsed since. Without a known date
 * (tlsp_port_wall_time() = -1) at save or load, the ticket is taken to be as old as it was
 * at save; if much more time passed, the server rejects it and the handshake is a full one.
 *
 * \warning A saved session holds the session's secrets: the TLS 1.2 master secret or the
 *          TLS 1.3 resumption PSK. Whoever reads it can impersonate this client to the
 *          server (until the ticket or cache entry expires) and, for TLS 1.2, decrypt
 *          recorded traffic of the resumed connections. Whoever can modify it feeds
 *          mbedTLS's parser. Store plain blobs only where nothing else can read or write
 *          them, and wipe RAM copies (mbedtls_platform_zeroize()) when done; otherwise
 *          use the sealed variants, which encrypt and authenticate the blob under a
 *          caller key (AES-GCM, random 96-bit nonce, versioned authenticated header).
 */
#ifndef TLSP_SESSION_H
#define TLSP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes a sealed blob adds to the plain one: header (version, algorithm, nonce) + tag. */
#define TLSP_SESSION_SEAL_OVERHEAD (2u + 12u + 16u)

/**
 * \brief Serialise the engine's current session into buf (plain: see the warning above).
 * \param e        a client engine whose handshake completed.
 * \param buf      caller buffer, or NULL with buf_len 0 to ask for the size.
 * \param buf_len  its size.
 * \param out_len  receives the bytes written, or the size needed when the result is
 *                 TLSP_ERR_BUFFER_SMALL. Must not be NULL.
 * \return 0; TLSP_ERR_BUFFER_SMALL (nothing written, *out_len = size needed; the blob of
 *         a certificate session includes the server's leaf certificate, so plan for
 *         about 1 KiB plus that certificate); TLSP_WANT_READ (TLS 1.3: no ticket has
 *         arrived yet, see the file comment); TLSP_ERR_STATE (a server engine, or the
 *         handshake is not done); TLSP_ERR_CONFIG (the config did not enable resumption,
 *         or a TLS 1.3 session without TLSP_RESUME_TICKETS: it can never resume);
 *         TLSP_ERR_BAD_ARG; the engine's sticky failure. None of these change the engine.
 */
int tlsp_session_save(tlsp_engine *e, uint8_t *buf, size_t buf_len, size_t *out_len);

/**
 * \brief Offer a saved session in the next handshake of a fresh engine.
 * \param e    a client engine after tlsp_engine_init() or tlsp_engine_reset(), before its
 *             first tlsp_handshake() call; its config must have enabled resumption.
 * \param buf  a blob from tlsp_session_save(), copied: the caller may wipe it at once.
 * \return 0; TLSP_ERR_BAD_SESSION (not a tlspair session blob, truncated, corrupt, saved
 *         by another tlspair or mbedTLS build or configuration, or a session this config
 *         cannot use, e.g. a TLS 1.3 session on a TLS 1.2-only config): nothing loaded,
 *         connect anyway for a full handshake; TLSP_ERR_STATE (server engine, handshake
 *         started, a session already loaded); TLSP_ERR_CONFIG (resumption not enabled);
 *         TLSP_ERR_NO_MEMORY; TLSP_ERR_BAD_ARG. Not sticky.
 */
int tlsp_session_load(tlsp_engine *e, const uint8_t *buf, size_t len);

/**
 * \brief tlsp_session_save(), then encrypt and authenticate the blob under key.
 * \param key, key_len  AES key, 16 or 32 bytes (a device key, or one derived from it for
 *                      this purpose only). Not kept.
 * \param buf, buf_len, out_len  as tlsp_session_save(); the size needed is the plain
 *                      size + TLSP_SESSION_SEAL_OVERHEAD. buf holds plaintext secrets only
 *                      transiently during the call.
 * \return as tlsp_session_save(), plus TLSP_ERR_BAD_ARG (key length), TLSP_ERR_ENTROPY
 *         (nonce), TLSP_ERR_CONFIG when the mbedTLS build has no AES-GCM (the Cortex-M
 *         PSK profile) or no AES-256 (key_len 32 on the Cortex-M ECDSA profile).
 */
int tlsp_session_save_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *buf, size_t buf_len, size_t *out_len);

/**
 * \brief Check and open a sealed blob, then tlsp_session_load().
 * \param key, key_len  the key it was sealed with.
 * \param sealed, len   the sealed blob. It is opened in place: when the seal check passes,
 *                      sealed is decrypted, loaded and then wiped (whatever the load
 *                      says); when the check fails (wrong key, any modified, missing or
 *                      added byte), it is left exactly as it was and nothing is loaded.
 * \return as tlsp_session_load(), with TLSP_ERR_BAD_SESSION also for a failed seal check
 *         or an unknown seal version; TLSP_ERR_BAD_ARG (key length); TLSP_ERR_CONFIG as
 *         for tlsp_session_save_sealed().
 */
int tlsp_session_load_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *sealed, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_SESSION_H */
