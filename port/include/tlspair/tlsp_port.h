/**
 * \file tlsp_port.h
 * \brief The platform contract: what a port must provide to tlspair.
 *
 * A port is three functions, linked in by the application (one port per executable):
 *
 *   int      tlsp_port_entropy(uint8_t *buf, size_t len);
 *       Fill buf with len bytes from a true entropy source (a TRNG, getrandom()).
 *       Return 0 on success, nonzero if the source failed; tlspair then refuses to start
 *       (TLSP_ERR_ENTROPY) rather than run with weak randomness. May block briefly.
 *
 *   uint64_t tlsp_port_millis(void);
 *       A monotonic millisecond clock: never goes backwards, arbitrary epoch. All handshake
 *       and read deadlines are measured with it, so it must keep running while the engine
 *       waits. 64 bits so it never wraps in a device's lifetime.
 *
 *   int64_t  tlsp_port_wall_time(void);
 *       Seconds since 1970-01-01 UTC, or -1 when the device does not know the date. Used only
 *       to check certificate validity dates. A port without a calendar returns -1; a build
 *       that verifies certificates then rejects them as "not yet valid", never silently
 *       accepts an expired one.
 *
 * Implementations: port/posix (getrandom, CLOCK_MONOTONIC, time()), port/test (deterministic
 * RNG and a settable clock; tests only).
 */
#ifndef TLSP_PORT_H
#define TLSP_PORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** \brief Fill buf with len bytes of entropy. \return 0 on success, nonzero on failure. */
int tlsp_port_entropy(uint8_t *buf, size_t len);

/** \brief Monotonic milliseconds since an arbitrary epoch. */
uint64_t tlsp_port_millis(void);

/** \brief Seconds since the Unix epoch (UTC), or -1 when unknown. */
int64_t tlsp_port_wall_time(void);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_PORT_H */
