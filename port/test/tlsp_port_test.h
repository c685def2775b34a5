/**
 * \file tlsp_port_test.h
 * \brief The test port: deterministic entropy and a clock the test sets by hand.
 *
 * For tests only: its "entropy" is a seeded counter-mode stream, which is exactly what a
 * real device must never use. It makes runs reproducible and lets tests move time forward
 * (expired certificates, handshake and read timeouts) without sleeping.
 *
 * Initial state: seed 1, monotonic clock at 1000 ms, wall clock at 2026-01-01T00:00:00Z.
 */
#ifndef TLSP_PORT_TEST_H
#define TLSP_PORT_TEST_H

#include <stdint.h>

#include "tlspair/tlsp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/** \brief Restart the entropy stream from seed. */
void tlsp_port_test_seed(uint64_t seed);

/** \brief Make tlsp_port_entropy() fail (nonzero) while fail is nonzero. */
void tlsp_port_test_fail_entropy(int fail);

/** \brief Set the monotonic clock. Moving it backwards is refused (ignored). */
void tlsp_port_test_set_millis(uint64_t ms);

/** \brief Move the monotonic clock forward by ms. */
void tlsp_port_test_advance_millis(uint64_t ms);

/** \brief Set the wall clock (seconds since the epoch; -1 = unknown). */
void tlsp_port_test_set_wall_time(int64_t seconds);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_PORT_TEST_H */
