/**
 * \file mps2_board.h
 * \brief Board support for Arm's MPS2 FPGA images AN385 (Cortex-M3) and AN386
 *        (Cortex-M4F), as QEMU models them (`-M mps2-an385`, `-M mps2-an386`).
 *
 * Memory: 4 MB at 0x00000000 (code; QEMU loads the ELF there), 4 MB RAM at 0x20000000.
 * Clock: SYSCLK 25 MHz drives the core, SysTick and the APB UARTs (QEMU hw/arm/mps2.c).
 * UART0 (0x40004000) is the console, written by polling; UART1 (0x40005000, RX/TX
 * interrupts 2/3) is the link to the other board, run by the UART transport
 * (tlsp_uart.h) with interrupts.
 *
 * What the board does at reset (mps2_startup.c): FPU on (M4F), .data copied, .bss
 * zeroed, the stack painted so its deepest use can be measured, then main(). main()'s
 * return value goes to mps2_exit().
 *
 * There is no TRNG on these boards: firmware links the Cortex-M port's TEST-ONLY entropy
 * (TLSP_INSECURE_TEST_ENTROPY=ON), and mps2_board_init() says so loudly on the console.
 */
#ifndef MPS2_BOARD_H
#define MPS2_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_transport.h"
#include "tlspair/tlsp_uart.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The core clock (SYSCLK) on QEMU's MPS2 models. */
#define MPS2_SYSCLK_HZ 25000000u

/** Console and link line rate (the emulated line ignores it). */
#define MPS2_BAUD 115200u

/** Start SysTick (1 ms, the Cortex-M port's clock) and the console; print the banner. */
void mps2_board_init(const char *firmware_name);

/**
 * \brief Start UART1 as the link: the UART transport over caller rings, interrupts on.
 * \param rx_buf, rx_size  receive ring: holds what arrives while the main loop computes.
 * \param tx_buf, tx_size  transmit ring.
 * \param t  receives the transport.
 * \return the transport state (for statistics and flushing), or NULL on bad arguments.
 */
tlsp_uart *mps2_link_init(uint8_t *rx_buf, size_t rx_size, uint8_t *tx_buf, size_t tx_size,
                          tlsp_transport *t);

/** printf to the console (UART0). Supports %% %c %s %d %i %u %x %X %p with the flags
 *  '0' and '-', a width, and the length modifiers l, ll, z. No floating point. */
void mps2_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Write a string to the console. */
void mps2_puts(const char *s);

/** End the emulation with an exit code (semihosting SYS_EXIT_EXTENDED; QEMU must run
 *  with -semihosting-config enable=on,target=native). Never returns. */
__attribute__((noreturn)) void mps2_exit(int code);

/** Sleep about ms milliseconds (WFI between SysTicks). */
void mps2_delay_ms(uint32_t ms);

/** Stack: size reserved by the linker script, and the most of it ever used (bytes). */
size_t mps2_stack_size(void);
size_t mps2_stack_used(void);

/**
 * \brief A fine clock: SYSCLK cycles (25 MHz, 40 ns) since boot, from SysTick's count.
 * \note Under QEMU `-icount shift=0` one instruction takes 1 ns of virtual time, so one
 *       tick of this clock is 40 instructions' worth.
 */
uint64_t mps2_cycles(void);

/** Cycles (mps2_cycles() units) spent asleep in WFI waiting for the link. */
uint64_t mps2_sleep_cycles(void);

#ifdef __cplusplus
}
#endif

#endif /* MPS2_BOARD_H */
