/**
 * \file tlsp_error.h
 * \brief tlspair's one error model.
 *
 * Every tlspair call that can fail returns an int:
 *   - 0 (TLSP_OK) or a positive count: success.
 *   - TLSP_WANT_READ / TLSP_WANT_WRITE: not errors. The engine cannot make progress until
 *     the caller moves network bytes (feed input / drain output); call again afterwards.
 *   - TLSP_ERR_CLOSED: not a failure either: the peer ended the connection cleanly with a
 *     close_notify alert. Reads return it from then on.
 *   - any other negative TLSP_ERR_*: a failure. Failures reported by an engine are sticky:
 *     every later call on that engine returns the same code until tlsp_engine_reset() or
 *     tlsp_engine_free(). Argument errors (TLSP_ERR_BAD_ARG, TLSP_ERR_STATE) are not sticky:
 *     they reject the call and leave the engine as it was.
 *
 * The mbedTLS code behind a failure and the TLS alert the peer sent are kept by the engine
 * (tlsp_engine_mbedtls_error(), tlsp_engine_alert_received()).
 */
#ifndef TLSP_ERROR_H
#define TLSP_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

#define TLSP_OK                  0

/* Progress codes: not errors. */
#define TLSP_WANT_READ          (-0x01) /**< needs network input: feed it, then call again */
#define TLSP_WANT_WRITE         (-0x02) /**< network output is queued: drain it, then call again */

/* End of stream. */
#define TLSP_ERR_CLOSED         (-0x10) /**< peer sent close_notify: clean end, not a failure */
#define TLSP_ERR_TRUNCATED      (-0x11) /**< transport EOF without close_notify: data may be missing */
#define TLSP_ERR_TIMEOUT        (-0x12) /**< handshake or read deadline passed (port clock) */
#define TLSP_ERR_TRANSPORT      (-0x13) /**< the transport reported a fatal I/O error */

/* Handshake failures. */
#define TLSP_ERR_CERT_REJECTED  (-0x20) /**< peer certificate failed verification; see tlsp_engine_cert_flags() */
#define TLSP_ERR_NO_CERT        (-0x21) /**< verification required but the peer sent no certificate */
#define TLSP_ERR_PSK            (-0x22) /**< PSK handshake failed: unknown identity or the keys differ */
#define TLSP_ERR_NEGOTIATION    (-0x23) /**< no protocol version, cipher suite or group in common */
#define TLSP_ERR_HANDSHAKE      (-0x24) /**< handshake failed for another protocol reason */
#define TLSP_ERR_PEER_ALERT     (-0x25) /**< the peer sent a fatal alert; see tlsp_engine_alert_received() */

/* Record layer. */
#define TLSP_ERR_BAD_RECORD     (-0x30) /**< a record failed its integrity check or was malformed */

/* Resources, configuration, misuse. */
#define TLSP_ERR_NO_MEMORY      (-0x40) /**< the mbedTLS heap (or arena) is exhausted */
#define TLSP_ERR_BAD_ARG        (-0x41) /**< NULL pointer, zero size or out-of-range value; not sticky */
#define TLSP_ERR_STATE          (-0x42) /**< call not allowed in this state (e.g. write before handshake); not sticky */
#define TLSP_ERR_PARSE          (-0x43) /**< a certificate, key or PSK given to the config could not be parsed */
#define TLSP_ERR_KEY_PASSWORD   (-0x44) /**< the private key is encrypted and the password is missing or wrong */
#define TLSP_ERR_ENTROPY        (-0x45) /**< the port's entropy source failed */
#define TLSP_ERR_CONFIG         (-0x46) /**< the config cannot make a secure connection (e.g. a verifying client without CA or hostname) */
#define TLSP_ERR_BAD_SESSION    (-0x47) /**< a saved session is unusable (corrupt, wrong seal key, other build): discard it, connect with a full handshake */
#define TLSP_ERR_BUFFER_SMALL   (-0x48) /**< the caller's output buffer is too small; the size needed was returned (nothing written) */
#define TLSP_ERR_INTERNAL       (-0x4F) /**< unexpected mbedTLS failure; see tlsp_engine_mbedtls_error() */

/* Connection setup, for transports that dial a peer (TCP: tlsp_socket.h). */
#define TLSP_ERR_RESOLVE        (-0x50) /**< the host name could not be resolved */
#define TLSP_ERR_REFUSED        (-0x51) /**< the peer refused the connection (nothing listens there) */
#define TLSP_ERR_UNREACHABLE    (-0x52) /**< no route to the peer's network or host */

/**
 * \brief Reasons a certificate was rejected: bits of tlsp_engine_cert_flags().
 * Several can be set at once (an expired certificate from an unknown CA has two).
 */
#define TLSP_CERT_UNTRUSTED       0x01u /**< not signed by a CA in the configured chain */
#define TLSP_CERT_EXPIRED         0x02u /**< past notAfter by the port's wall clock */
#define TLSP_CERT_NOT_YET_VALID   0x04u /**< before notBefore by the port's wall clock */
#define TLSP_CERT_HOSTNAME        0x08u /**< no CN/SAN matches the expected hostname */
#define TLSP_CERT_BAD_USAGE       0x10u /**< key usage or extended key usage forbids this role */
#define TLSP_CERT_OTHER           0x80u /**< another verification failure (bad signature, bad key...) */

/**
 * \brief A sentence describing a tlspair return code.
 * \param code  any value returned by a tlspair function.
 * \return A static, NUL-terminated English sentence; never NULL. Codes tlspair does not
 *         define give "unknown tlspair error code".
 */
const char *tlsp_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_ERROR_H */
