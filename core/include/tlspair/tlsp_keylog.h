/**
 * \file tlsp_keylog.h
 * \brief NSS key log lines (the SSLKEYLOGFILE format) from an engine: to decrypt a capture.
 *
 * WARNING: a key log holds the secrets of the connection. Anyone with the log and a
 * capture of the traffic (tlsp_pcap.h, or any sniffer on the medium) reads everything the
 * connection carried, including passwords and keys sent over it. Enable it only on test
 * systems, keep the file private, and delete it after use. Never ship a product with it.
 *
 * Two switches, both off by default:
 *   - compile time: CMake option TLSP_KEYLOG (compile definition TLSP_KEYLOG on
 *     tlspair_core and everything using it); configuring with it prints a CMake WARNING.
 *     Without it the engine has no key-log code, and tlsp_keylog_enable() returns
 *     TLSP_ERR_CONFIG: it never silently does nothing.
 *   - run time: tlsp_keylog_enable() on each engine whose keys are to be logged.
 *
 * Lines come from mbedTLS's key export callback (mbedtls_ssl_set_export_keys_cb()) as the
 * handshake derives each secret:
 *   TLS 1.2:  CLIENT_RANDOM <client random> <master secret>
 *   TLS 1.3:  CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *             CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 <client random> <secret>
 * (hex, lower case). Wireshark and tshark read these (tls.keylog_file). mbedTLS 3.6 does
 * not export the TLS 1.3 exporter secret, so there is no EXPORTER_SECRET line; decryption
 * does not need it.
 */
#ifndef TLSP_KEYLOG_H
#define TLSP_KEYLOG_H

#ifdef __cplusplus
extern "C" {
#endif

struct tlsp_engine;

/** Longest key log line, newline and NUL included. */
#define TLSP_KEYLOG_LINE_MAX 256

/**
 * \brief A key log sink.
 * \param ctx   the pointer given to tlsp_keylog_enable().
 * \param line  one NUL-terminated line ending in "\n", valid only during the call; the
 *              engine wipes it afterwards. Write it out as it is (append to a file, print
 *              to a console).
 * \note Called from inside the handshake (tlsp_handshake(), tlsp_poll()...). It must not
 *       call the engine.
 */
typedef void (*tlsp_keylog_fn)(void *ctx, const char *line);

/**
 * \brief Log the engine's session secrets through fn, from the next handshake on
 *        (also after tlsp_engine_reset()). Read this header's WARNING first.
 * \param e    an initialised engine whose handshake has not started (stopping is allowed
 *             at any time).
 * \param fn   the sink, or NULL to stop logging.
 * \param ctx  passed to fn; owned by the caller, must outlive the engine's handshakes.
 * \return 0; TLSP_ERR_BAD_ARG (NULL or uninitialised engine); TLSP_ERR_STATE when enabling after the
 *         handshake has started (earlier secrets would be missing); TLSP_ERR_CONFIG when
 *         this build has no key log (TLSP_KEYLOG off).
 */
int tlsp_keylog_enable(struct tlsp_engine *e, tlsp_keylog_fn fn, void *ctx);

/** \brief 1 when this build can log keys (TLSP_KEYLOG on), else 0. */
int tlsp_keylog_available(void);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_KEYLOG_H */
