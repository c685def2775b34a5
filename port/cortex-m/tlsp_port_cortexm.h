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
 *
 * What the board provides, by build:
 *   - default (a TRNG):           tlsp_board_entropy().
 *   - TLSP_ENTROPY_NV_SEED (none): tlsp_board_nv_seed_read() and tlsp_board_nv_seed_write();
 *                                 tlsp_board_entropy() is not used.
 * A missing hook is a link error, never a silent fallback.
 *
 * Concurrency: tlsp_port_millis() may be called from any context, interrupts included.
 * The other functions are for thread (non-interrupt) code.
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

/**
 * \brief NV-seed builds (TLSP_ENTROPY_NV_SEED): read the entropy seed from non-volatile
 *        memory. Provided by the board.
 * \param buf, len  fill all len bytes with the stored seed. len is MBEDTLS_ENTROPY_BLOCK_SIZE
 *                  (32 bytes in the tlspair Cortex-M profiles, which hash with SHA-256).
 * \return 0 on success, nonzero if no seed could be read (tlspair then refuses to start).
 * \note Each device needs its own seed, random and secret, stored at manufacture: the
 *       security of every key the device makes rests on it. mbedTLS replaces it (through
 *       tlsp_board_nv_seed_write()) before it uses any randomness, so a seed is never
 *       used twice even across resets.
 */
int tlsp_board_nv_seed_read(uint8_t *buf, size_t len);

/**
 * \brief NV-seed builds (TLSP_ENTROPY_NV_SEED): store a new seed in non-volatile memory,
 *        replacing the old one. Provided by the board.
 * \param buf, len  len bytes to store (the same len tlsp_board_nv_seed_read() gets).
 * \return 0 once the seed is durably stored, nonzero on failure (tlspair then refuses to
 *         start rather than reuse the old seed after the next reset).
 */
int tlsp_board_nv_seed_write(const uint8_t *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_PORT_CORTEXM_H */
