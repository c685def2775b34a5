/**
 * \file tlsp_transport.h
 * \brief The transport contract: how bytes reach a medium (memory, TCP, serial, UART).
 *
 * A transport is three callbacks and a context. The driver loop (tlsp_drive.h) moves an
 * engine's ciphertext through them; nothing else in tlspair calls them.
 *
 * send(ctx, buf, len), len >= 1:
 *   > 0                 bytes taken by the medium; fewer than len is normal (short write).
 *   TLSP_WANT_WRITE     nothing can be taken now (would block); try again later.
 *   TLSP_ERR_TRANSPORT  fatal: the medium is gone (reset, unplugged). Never returns 0.
 *
 * recv(ctx, buf, len), len >= 1:
 *   > 0                 bytes received into buf (up to len).
 *   0                   end of input: the peer closed its side; no byte will ever follow.
 *   TLSP_WANT_READ      nothing available now (would block); try again later.
 *   TLSP_ERR_TRANSPORT  fatal error.
 *
 * wait(ctx, events, timeout_ms)   (optional; NULL means the driver polls without sleeping)
 *   Block until one of `events` (TLSP_IO_READABLE | TLSP_IO_WRITABLE) may succeed, or
 *   timeout_ms passes. Returns the ready subset (0 on timeout), or TLSP_ERR_TRANSPORT.
 *   A wait that returns early without a ready event is allowed (spurious wake-up).
 *
 * Callbacks never call back into the engine. Lengths passed are at most INT_MAX.
 */
#ifndef TLSP_TRANSPORT_H
#define TLSP_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TLSP_IO_READABLE 0x1u
#define TLSP_IO_WRITABLE 0x2u

typedef struct tlsp_transport {
    int (*send)(void *ctx, const uint8_t *buf, size_t len);
    int (*recv)(void *ctx, uint8_t *buf, size_t len);
    int (*wait)(void *ctx, unsigned events, uint32_t timeout_ms);
    void *ctx;
} tlsp_transport;

#ifdef __cplusplus
}
#endif

#endif /* TLSP_TRANSPORT_H */
