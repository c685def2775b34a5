/*
 * What fuzz_session.c and the recorder agree on: the seal key of the sealed seeds, the
 * input's first byte, and the client configs a blob is loaded into.
 *
 * Input: byte 0 bit 0: sealed (tlsp_session_load_sealed() with FZ_SESSION_KEY) or plain
 * (tlsp_session_load()); bit 1: load into the PSK client config instead of the
 * certificate one. The rest is the blob.
 */
#ifndef FUZZ_SESSION_H
#define FUZZ_SESSION_H

#include <stdint.h>

#define FZ_SESSION_SEALED  0x01u
#define FZ_SESSION_PSK_CFG 0x02u

/** The 32-byte AES key the sealed seeds are sealed with (not a secret: tests only). */
extern const uint8_t fz_session_key[32];

#endif /* FUZZ_SESSION_H */
