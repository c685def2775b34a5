/*
 * What the socket examples share: their command line (--host, --port, --psk, --tls) and a
 * tlsp_config built from the TEST-ONLY PKI in tests/pki (or the test PSK below).
 * Never ship these credentials: their private keys are public.
 */
#ifndef SOCKET_EXAMPLE_H
#define SOCKET_EXAMPLE_H

#include <stdint.h>

#include "tlspair/tlsp_config.h"

/** The name in the test server certificate's subjectAltName, with localhost and 127.0.0.1. */
#define SOCKET_EXAMPLE_SERVER_NAME "tlspair-test-server"

typedef struct socket_example_opts {
    const char *host;        /* --host, default "localhost" (test keys stay off the network) */
    uint16_t port;           /* --port, default 4433; 0 = ephemeral (servers) */
    int psk;                 /* --psk: the test PSK instead of certificates */
    tlsp_version version;    /* --tls 12|13; 0 = negotiate 1.2..1.3 */
    const char *servername;  /* --servername (clients), default SOCKET_EXAMPLE_SERVER_NAME */
    int first_arg;           /* index of the first argument that is not an option */
} socket_example_opts;

/**
 * Parse the shared options; stops at the first argument that is not an option (or after
 * "--"). extra, if not NULL, takes the program's own options: it is called for an
 * unknown "--x" with the argument after it (NULL at the end) and returns how many it
 * used: 0 (not an option it knows), 1 (a flag) or 2 (an option and its value).
 * \return 0, or -1 after printing what was wrong.
 */
int socket_example_parse(int argc, char **argv, socket_example_opts *o,
                         int (*extra)(const char *arg, const char *value, void *ctx), void *ctx);

/**
 * Initialise cfg for role from the test credentials: a server gets the test server
 * certificate (or the PSK); a client trusts the test CA and expects servername (or uses
 * the PSK). version 0 allows TLS 1.2 and 1.3.
 * \return 0 or a tlspair code (cfg is freed then).
 */
int socket_example_config(tlsp_config *cfg, tlsp_role role, int psk, tlsp_version version,
                          const char *servername);

#endif /* SOCKET_EXAMPLE_H */
