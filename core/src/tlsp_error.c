/*
 * Sentences for tlspair's return codes. Each says what happened and, where the user can
 * act on it, what to check.
 */
#include "tlspair/tlsp_error.h"

#include <stddef.h>

struct error_text {
    int code;
    const char *text;
};

static const struct error_text error_texts[] = {
    { TLSP_OK, "success" },
    { TLSP_WANT_READ, "waiting for network input (not an error): feed received bytes and call again" },
    { TLSP_WANT_WRITE, "network output pending (not an error): drain it to the transport and call again" },
    { TLSP_ERR_CLOSED, "the peer closed the connection cleanly (close_notify)" },
    { TLSP_ERR_TRUNCATED, "the connection ended without close_notify: data may be cut off; check the peer's log" },
    { TLSP_ERR_TIMEOUT, "timed out: the peer sent nothing before the deadline (is it running and connected?)" },
    { TLSP_ERR_TRANSPORT, "the transport failed (connection reset, device gone or I/O error)" },
    { TLSP_ERR_CERT_REJECTED, "the peer's certificate was rejected (check the CA chain, the hostname and the clock)" },
    { TLSP_ERR_NO_CERT, "the peer sent no certificate but one is required" },
    { TLSP_ERR_PSK, "the PSK handshake failed: the peer does not know this identity or the keys differ" },
    { TLSP_ERR_NEGOTIATION, "no protocol version, cipher suite or group in common: compare both ends' settings" },
    { TLSP_ERR_HANDSHAKE, "the handshake failed (malformed or unexpected message)" },
    { TLSP_ERR_PEER_ALERT, "the peer aborted the connection with a fatal alert" },
    { TLSP_ERR_BAD_RECORD, "a record failed its integrity check: the data was corrupted or tampered with" },
    { TLSP_ERR_NO_MEMORY, "out of memory for mbedTLS: raise the heap limit or arena size" },
    { TLSP_ERR_BAD_ARG, "bad argument (NULL pointer, zero length or out-of-range value)" },
    { TLSP_ERR_STATE, "call not allowed in the engine's current state" },
    { TLSP_ERR_PARSE, "a certificate, key or PSK could not be parsed" },
    { TLSP_ERR_KEY_PASSWORD, "the private key is encrypted and the password is missing or wrong" },
    { TLSP_ERR_ENTROPY, "the entropy source failed; refusing to run with weak randomness" },
    { TLSP_ERR_CONFIG, "the configuration cannot make a secure connection (missing CA chain, hostname, certificate or PSK)" },
    { TLSP_ERR_BAD_SESSION, "the saved session cannot be used (corrupt, sealed with another key, or saved by a different tlspair or mbedTLS build): discard it and connect with a full handshake" },
    { TLSP_ERR_BUFFER_SMALL, "the output buffer is too small: nothing was written; retry with the size that was returned" },
    { TLSP_ERR_INTERNAL, "unexpected internal mbedTLS error (see the mbedTLS code)" },
    { TLSP_ERR_RESOLVE, "the host name could not be resolved (check the name and the resolver)" },
    { TLSP_ERR_REFUSED, "the connection was refused: nothing listens at that address and port" },
    { TLSP_ERR_UNREACHABLE, "the peer's network or host is unreachable (no route)" },
};

const char *tlsp_strerror(int code)
{
    size_t i;

    for (i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++) {
        if (error_texts[i].code == code) {
            return error_texts[i].text;
        }
    }
    return "unknown tlspair error code";
}
