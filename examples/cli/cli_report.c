/*
 * tlspair: messages on stderr and exit codes (cli_report.h).
 */
#define _GNU_SOURCE
#include "cli_report.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_serial.h"
#include "tlspair/tlsp_trace.h"

static int progress_shown;
static uint64_t progress_last_ms;

static const char *alert_name(int alert)
{
    switch (alert) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "alert";
    }
}

/* Alerts by which a peer says it rejected (or missed) our certificate. */
static int is_certificate_alert(int alert)
{
    return (alert >= 42 && alert <= 46) || alert == 48 || alert == 116;
}

int cli_exit_code(int code, const tlsp_engine *e)
{
    switch (code) {
    case 0:
    case TLSP_ERR_CLOSED:
        return CLI_EXIT_OK;
    case TLSP_ERR_TIMEOUT:
        return CLI_EXIT_TIMEOUT;
    case TLSP_ERR_CERT_REJECTED:
    case TLSP_ERR_NO_CERT:
        return CLI_EXIT_CERT;
    case TLSP_ERR_PEER_ALERT:
        return (e != NULL && is_certificate_alert(tlsp_engine_alert_received(e))) ? CLI_EXIT_CERT
                                                                                  : CLI_EXIT_TLS;
    case TLSP_ERR_TRUNCATED:
    case TLSP_ERR_PSK:
    case TLSP_ERR_NEGOTIATION:
    case TLSP_ERR_HANDSHAKE:
    case TLSP_ERR_BAD_RECORD:
        return CLI_EXIT_TLS;
    case TLSP_ERR_TRANSPORT:
    case TLSP_ERR_RESOLVE:
    case TLSP_ERR_REFUSED:
    case TLSP_ERR_UNREACHABLE:
    case TLSP_SERIAL_ERR_NO_DEVICE:
    case TLSP_SERIAL_ERR_PERMISSION:
    case TLSP_SERIAL_ERR_BUSY:
    case TLSP_SERIAL_ERR_NOT_TTY:
    case TLSP_SERIAL_ERR_BAUD:
    case TLSP_SERIAL_ERR_SETTINGS:
    case TLSP_SERIAL_ERR_OS:
        return CLI_EXIT_TRANSPORT;
    case TLSP_ERR_CONFIG:
    case TLSP_ERR_PARSE:
    case TLSP_ERR_KEY_PASSWORD:
        return CLI_EXIT_USAGE;
    default:
        return CLI_EXIT_OTHER;
    }
}

static void describe_cert_flags(char *out, size_t cap, unsigned flags, const cli_opts *o)
{
    size_t n = 0;

    out[0] = '\0';
#define ADD(bit, text) \
    if ((flags & (bit)) && n < cap) { \
        n += (size_t) snprintf(out + n, cap - n, "%s%s", n ? ", " : "", text); \
    }
    ADD(TLSP_CERT_UNTRUSTED, "not signed by a trusted CA (--ca)");
    ADD(TLSP_CERT_EXPIRED, "expired");
    ADD(TLSP_CERT_NOT_YET_VALID, "not valid yet");
    if ((flags & TLSP_CERT_HOSTNAME) && n < cap) {
        n += (size_t) snprintf(out + n, cap - n, "%snot issued for \"%s\" (--hostname)", n ? ", " : "",
                               o->hostname != NULL ? o->hostname : "?");
    }
    ADD(TLSP_CERT_BAD_USAGE, "its key usage forbids this role");
    if ((flags & TLSP_CERT_OTHER) && n < cap) {   /* the last one: n is not needed after */
        (void) snprintf(out + n, cap - n, "%sbad signature or key", n ? ", " : "");
    }
#undef ADD
}

void cli_report_failure(const char *what, int code, const tlsp_engine *e, const cli_opts *o)
{
    char detail[400] = "";

    if (e != NULL) {
        int alert = tlsp_engine_alert_received(e);
        unsigned flags = tlsp_engine_cert_flags(e);
        int mbed = tlsp_engine_mbedtls_error(e);

        if ((code == TLSP_ERR_CERT_REJECTED || flags != 0) && code != TLSP_ERR_PEER_ALERT) {
            char reasons[300];

            describe_cert_flags(reasons, sizeof(reasons), flags, o);
            snprintf(detail, sizeof(detail), ": the peer's certificate is %s", reasons);
        } else if (alert >= 0 && code != TLSP_ERR_CLOSED) {
            snprintf(detail, sizeof(detail), ": the peer sent alert %d (%s)%s", alert, alert_name(alert),
                     is_certificate_alert(alert) ? ": it rejected our certificate" : "");
        } else if (mbed != 0) {
            snprintf(detail, sizeof(detail), " (mbedTLS -0x%04x)", (unsigned) -mbed);
        }
    }
    fprintf(stderr, CLI_NAME ": error: %s: %s%s\n", what,
            code <= TLSP_SERIAL_ERR_NO_DEVICE && code >= TLSP_SERIAL_ERR_OS ? tlsp_serial_strerror(code)
                                                                            : tlsp_strerror(code),
            detail);
    if (e != NULL && tlsp_engine_error(e) != 0) {
        char reason[512];
        if (tlsp_engine_describe_error(e, reason, sizeof(reason)) > 0) {
            fprintf(stderr, CLI_NAME ": reason: %s\n", reason);
        }
    }
}

static int trace_states;

static void print_trace(void *ctx, const tlsp_trace_event *ev)
{
    char line[512];

    (void) ctx;
    if (ev->kind == TLSP_TRACE_STATE && !trace_states) {
        return;
    }
    if (tlsp_trace_format(ev, line, sizeof(line)) > 0) {
        fprintf(stderr, CLI_NAME ": trace: %s\n", line);
    }
}

int cli_report_enable_trace(tlsp_config *cfg, int level)
{
    trace_states = level > 1;
    return tlsp_config_set_trace(cfg, print_trace, NULL);
}

void cli_report_handshake(const tlsp_engine *e, const char *where, const cli_opts *o)
{
    tlsp_info info;
    const char *peer;

    if (o->quiet || tlsp_engine_info(e, &info) != 0) {
        return;
    }
    if (info.peer_subject[0] != '\0') {
        peer = info.peer_subject;
    } else if (info.resumed) {
        peer = "(resumed session: no certificate this time)";
    } else if (o->role == TLSP_SERVER) {
        peer = o->require_client_cert ? "(none)" : "(none: no client certificate asked for)";
    } else {
        peer = "(none: pre-shared key)";
    }
    fprintf(stderr,
            CLI_NAME ": %s %s\n"
            CLI_NAME ":   version    %s\n"
            CLI_NAME ":   suite      %s\n"
            CLI_NAME ":   peer       %s\n"
            CLI_NAME ":   handshake  %u ms, %llu B in, %llu B out\n"
            CLI_NAME ":   resumed    %s\n",
            o->role == TLSP_SERVER ? "connection from" : "connected to", where,
            info.version, info.ciphersuite, peer,
            (unsigned) info.handshake_ms, (unsigned long long) info.handshake_bytes_in,
            (unsigned long long) info.handshake_bytes_out, info.resumed ? "yes" : "no");
}

static double mib(uint64_t bytes)
{
    return (double) bytes / (1024.0 * 1024.0);
}

void cli_report_progress(const tlsp_engine *e, const cli_opts *o, uint64_t started_ms)
{
    uint64_t now = tlsp_port_millis();
    tlsp_info info;
    double secs;

    if (o->quiet || now - started_ms < 1000 || now - progress_last_ms < 1000 || !isatty(2) ||
        tlsp_engine_info(e, &info) != 0) {
        return;
    }
    progress_last_ms = now;
    progress_shown = 1;
    secs = (double) (now - started_ms) / 1000.0;
    fprintf(stderr, "\r" CLI_NAME ": %.1f MiB sent (%.2f MiB/s), %.1f MiB received (%.2f MiB/s)   ",
            mib(info.counters.app_bytes_out), mib(info.counters.app_bytes_out) / secs,
            mib(info.counters.app_bytes_in), mib(info.counters.app_bytes_in) / secs);
}

void cli_report_end(const tlsp_engine *e, const cli_opts *o, uint64_t started_ms)
{
    tlsp_info info;

    if (progress_shown) {
        fputc('\n', stderr);
        progress_shown = 0;
    }
    if (o->quiet || tlsp_engine_info(e, &info) != 0) {
        return;
    }
    fprintf(stderr, CLI_NAME ": closed cleanly: %llu B sent, %llu B received in %llu ms\n",
            (unsigned long long) info.counters.app_bytes_out,
            (unsigned long long) info.counters.app_bytes_in,
            (unsigned long long) (tlsp_port_millis() - started_ms));
}
