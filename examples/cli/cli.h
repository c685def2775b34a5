/*
 * tlspair (the command-line tool): what its parts share. The options as parsed
 * (cli_args.c), the exit codes (documented in --help and README.md), and the prefix of
 * every line it writes to stderr. stdout carries only the connection's plaintext.
 */
#ifndef CLI_H
#define CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_config.h"

/* Exit codes: scripts and the interop tests tell failures apart by these. */
#define CLI_EXIT_OK        0  /* clean close both ways (or --help) */
#define CLI_EXIT_OTHER     1  /* anything else: stdin/stdout error, out of memory, ... */
#define CLI_EXIT_USAGE     2  /* bad command line, unreadable or unusable credential file */
#define CLI_EXIT_TRANSPORT 3  /* resolve, refused, unreachable, reset; serial device missing, busy, bad baud */
#define CLI_EXIT_TLS       4  /* handshake failure, alert, bad record, truncation (EOF without close_notify) */
#define CLI_EXIT_CERT      5  /* a certificate was rejected: the peer's by us, or ours by the peer */
#define CLI_EXIT_TIMEOUT   6  /* connect, handshake or closing deadline passed */

#define CLI_NAME "tlspair"

typedef enum {
    CLI_LINK_NONE = 0,
    CLI_LINK_TCP,
    CLI_LINK_UNIX,
    CLI_LINK_SERIAL
} cli_link_kind;

/** The command line, checked for consistency by cli_parse_args(). Strings point into argv. */
typedef struct cli_opts {
    tlsp_role role;
    cli_link_kind link;
    char tcp_host[256];          /* --tcp host part ("" for ":PORT") */
    uint16_t tcp_port;
    int tcp_host_is_address;     /* the host is a numeric IPv4/IPv6 address */
    const char *path;            /* --unix PATH or --serial DEV */
    uint32_t baud;
    int rtscts;
    const char *psk_identity;
    const char *psk_hex;
    const char *cert;
    const char *key;
    const char *key_password;
    const char *ca;
    const char *hostname;        /* --hostname, or the --tcp host when it is a name */
    int tls12_only;
    int tls13_only;
    const char *ciphers;
    int require_client_cert;
    uint32_t timeout_ms;
    size_t record_size;          /* 0 = library default */
    int echo;
    int once;
    int resumption;
    const char *sess_in;
    const char *sess_out;
    const char *sess_key_hex;
    int quiet;
    int trace;                   /* --trace 1, --trace-states 2 (tlsp_trace.h) */
    const char *ready_file;
    uint32_t connect_retry_ms;
    const char *pcap;            /* --pcap FILE (cli_capture.c) */
    const char *keylog;          /* --keylog FILE */
} cli_opts;

/* Set by SIGINT/SIGTERM: the loops stop, clean up (unix socket file, serial settings)
 * and the program re-raises the signal. */
extern volatile sig_atomic_t cli_stop_signal;

#endif /* CLI_H */
