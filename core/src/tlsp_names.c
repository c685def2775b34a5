/*
 * Names of TLS alerts and handshake messages (RFC 8446 sections 4 and 6, RFC 5246), for
 * trace lines and failure descriptions.
 */
#include "tlspair/tlsp_trace.h"

#include <stddef.h>

struct number_name {
    int number;
    const char *name;
};

static const struct number_name alert_names[] = {
    { 0, "close_notify" },
    { 10, "unexpected_message" },
    { 20, "bad_record_mac" },
    { 21, "decryption_failed" },
    { 22, "record_overflow" },
    { 30, "decompression_failure" },
    { 40, "handshake_failure" },
    { 41, "no_certificate" },
    { 42, "bad_certificate" },
    { 43, "unsupported_certificate" },
    { 44, "certificate_revoked" },
    { 45, "certificate_expired" },
    { 46, "certificate_unknown" },
    { 47, "illegal_parameter" },
    { 48, "unknown_ca" },
    { 49, "access_denied" },
    { 50, "decode_error" },
    { 51, "decrypt_error" },
    { 60, "export_restriction" },
    { 70, "protocol_version" },
    { 71, "insufficient_security" },
    { 80, "internal_error" },
    { 86, "inappropriate_fallback" },
    { 90, "user_canceled" },
    { 100, "no_renegotiation" },
    { 109, "missing_extension" },
    { 110, "unsupported_extension" },
    { 112, "unrecognized_name" },
    { 113, "bad_certificate_status_response" },
    { 115, "unknown_psk_identity" },
    { 116, "certificate_required" },
    { 120, "no_application_protocol" },
};

static const struct number_name handshake_names[] = {
    { 0, "HelloRequest" },
    { 1, "ClientHello" },
    { 2, "ServerHello" },
    { 3, "HelloVerifyRequest" },
    { 4, "NewSessionTicket" },
    { 5, "EndOfEarlyData" },
    { 8, "EncryptedExtensions" },
    { 11, "Certificate" },
    { 12, "ServerKeyExchange" },
    { 13, "CertificateRequest" },
    { 14, "ServerHelloDone" },
    { 15, "CertificateVerify" },
    { 16, "ClientKeyExchange" },
    { 20, "Finished" },
    { 24, "KeyUpdate" },
    { 254, "message_hash" },
    { TLSP_TRACE_MSG_CHANGE_CIPHER_SPEC, "ChangeCipherSpec" },
};

static const char *lookup(const struct number_name *table, size_t n, int number)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (table[i].number == number) {
            return table[i].name;
        }
    }
    return "unknown";
}

const char *tlsp_alert_name(int alert)
{
    return lookup(alert_names, sizeof(alert_names) / sizeof(alert_names[0]), alert);
}

const char *tlsp_handshake_msg_name(int msg_type)
{
    return lookup(handshake_names, sizeof(handshake_names) / sizeof(handshake_names[0]), msg_type);
}
