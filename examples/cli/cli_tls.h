/*
 * tlspair: the TLS configuration from the command line (credential files, PSK, versions,
 * suites, sizes, deadlines, resumption), and hex strings (--psk, --sess-key).
 */
#ifndef CLI_TLS_H
#define CLI_TLS_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_config.h"

#include "cli.h"

/**
 * Initialise cfg from o. On failure prints the reason on stderr, frees cfg and returns a
 * CLI_EXIT_* code (CLI_EXIT_USAGE for an unreadable or unusable file or value).
 */
int cli_tls_config(tlsp_config *cfg, const cli_opts *o);

/**
 * Decode hex (upper or lower case, even length) into out[0..cap). Returns the byte
 * count, or -1 for anything else (odd length, a non-hex digit, too long, empty).
 */
int cli_hex_decode(const char *hex, uint8_t *out, size_t cap);

/**
 * Read a whole file into a malloc'd buffer with a NUL appended (not counted in *len).
 * Returns NULL with errno set on failure. The caller wipes and frees it.
 */
uint8_t *cli_read_file(const char *path, size_t *len, size_t max_len);

#endif /* CLI_TLS_H */
