/*
 * The input of fuzz_config.c, shared with the recorder that writes its seeds.
 *
 *   byte 0   bit 0: server config (else client)
 *   then     operations, each [op: 1 byte][fields...]; a field is
 *            [length: 2 bytes, big-endian][bytes], cut short at the end of the input
 */
#ifndef FUZZ_CONFIG_H
#define FUZZ_CONFIG_H

enum fz_config_op {
    FZ_OP_OWN_CERT = 0,   /* fields: chain, key, password ("" = none) */
    FZ_OP_ADD_CA,         /* field: certificates */
    FZ_OP_PSK,            /* fields: identity, key */
    FZ_OP_CIPHERSUITES,   /* field: names (a NUL is added) */
    FZ_OP_HOSTNAME,       /* field: name (a NUL is added) */
    FZ_OP_VERSIONS,       /* field: 4 bytes, min and max, big-endian */
    FZ_OP_RECORD_SIZE,    /* field: 2 bytes, big-endian */
    FZ_OP_RESUMPTION,     /* field: mechanisms, lifetime (4 bytes), cache entries (2 bytes) */
    FZ_OP_CLIENT_CERT,    /* no field: require a client certificate */
    FZ_OP_COUNT
};

#define FZ_CONFIG_SERVER 0x01u
#define FZ_CONFIG_MAX_OPS 16u

#endif /* FUZZ_CONFIG_H */
