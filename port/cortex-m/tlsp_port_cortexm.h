/**
 * \file tlsp_port_cortexm.h
 * \brief The Cortex-M port: SysTick milliseconds, board entropy, a settable wall clock.
 *
 * Implements tlsp_port.h for bare-metal Cortex-M (M0+, M3, M4F, M33, M7):
 *   - tlsp_port_millis(): a 1 kHz SysTick count. Call tlsp_port_cortexm_init() once at
 *     boot and tlsp_port_cortexm_tick() from SysTick_Handler.
 *   - tlsp_port_wall_time(): unknown (-1) until the application learns the date (an RTC,
 *     GPS, the network, or the host over a console) and calls
 *     tlsp_port_cortexm_set_wall_time(); it then counts on with SysTick.
 *   - tlsp_port_entropy(): the board's entropy source, tlsp_board_entropy() below.
 *
 * The board must provide entropy. There is deliberately no default: a firmware for a real
 * board that does not define tlsp_board_entropy() fails to link instead of running with
 * weak randomness. Parts without a TRNG use mbedTLS's NV-seed path instead (see the
 * Cortex-M config headers). Emulators without a TRNG (QEMU's MPS2 boards) may link the
 * test-only source port/cortex-m/tlsp_entropy_insecure_test.c, which refuses to compile
 * unless the build sets TLSP_INSECURE_TEST_ENTROPY.
 */
#ifndef TLSP_PORT_CORTEXM_H
#define TLSP_PORT_CORTEXM_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_port.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * \brief Start SysTick at 1 kHz from the core clock and enable its interrupt.
 * \param core_clock_hz  the clock SysTick counts (the processor clock); at least 1 MHz.
 */
void tlsp_port_cortexm_init(uint32_t core_clock_hz);

/** \brief Advance the millisecond count: call from SysTick_Handler, once per interrupt. */
void tlsp_port_cortexm_tick(void);

/**
 * \brief Tell the port the current date.
 * \param seconds_since_epoch  UTC seconds since 1970-01-01; a negative value forgets the
 *                             date again (certificates are then rejected).
 */
void tlsp_port_cortexm_set_wall_time(int64_t seconds_since_epoch);

/**
 * \brief The board's entropy source (a TRNG). Provided by the board, not by tlspair.
 * \param buf, len  fill all len bytes with true random data.
 * \return 0 on success, nonzero if the source failed (tlspair then refuses to start).
 */
int tlsp_board_entropy(uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_PORT_CORTEXM_H */
