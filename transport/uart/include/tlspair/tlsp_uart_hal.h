/**
 * \file tlsp_uart_hal.h
 * \brief The board HAL under the bare-metal UART transport (tlsp_uart.h): what a board
 *        provides for one UART, as a table of functions.
 *
 * A board fills one const tlsp_uart_hal per UART it gives to tlspair. The device
 * functions come from the UART's driver (for the Arm CMSDK APB UART of the MPS2 boards:
 * tlsp_uart_cmsdk.h); the CPU functions (interrupt masking, sleep) from the board's core
 * support. Every `dev` argument is the driver's handle for that UART, passed through
 * untouched by the transport.
 *
 * Contexts: rx_ready, rx_get, tx_ready, tx_put, tx_irq and ack are called from the UART's
 * interrupt handler (through tlsp_uart_irq()) and, with interrupts masked, from the main
 * loop. start runs once, before the UART's interrupts are enabled in the interrupt
 * controller. irq_lock, irq_unlock and sleep run only in the main loop.
 *
 * Interrupts the board routes to tlsp_uart_irq() (all of them for this UART: receive,
 * transmit, errors; one handler or several):
 *   - "receive": at least one byte waits in the receiver;
 *   - "transmit": the transmitter can take a byte again (only while tx_irq(dev, 1));
 *   - optionally "overrun": a byte arrived while the receiver was still full.
 * A board that does not hook the UART's interrupts at all runs the transport in polled
 * mode (TLSP_UART_POLLED), where the main loop does the handler's work itself.
 */
#ifndef TLSP_UART_HAL_H
#define TLSP_UART_HAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bits returned by tlsp_uart_hal.ack(). */
#define TLSP_UART_HW_OVERRUN 0x1u   /**< the receiver dropped at least one byte (hardware overrun) */

/** One UART, as the transport sees it. All members are required unless marked optional. */
typedef struct tlsp_uart_hal {
    /**
     * Enable the transmitter, the receiver and the receive interrupt in the device (not in
     * the interrupt controller); transmit interrupt off. Discard anything stale in the
     * receiver and any pending interrupt or error flag.
     */
    void (*start)(void *dev);

    /** 1 if a received byte waits in the device, else 0. */
    int (*rx_ready)(void *dev);

    /** Take the received byte out of the device (only after rx_ready() said 1). */
    uint8_t (*rx_get)(void *dev);

    /** 1 if the transmitter can take a byte now, else 0. */
    int (*tx_ready)(void *dev);

    /** Hand one byte to the transmitter (only after tx_ready() said 1). */
    void (*tx_put)(void *dev, uint8_t byte);

    /**
     * Turn the "transmitter can take a byte" interrupt on (1) or off (0). The transport
     * turns it on while it has bytes queued and off when its queue runs empty, so both
     * edge-style (CMSDK: fires when a byte leaves) and level-style (16550: fires while the
     * holding register is empty) transmit interrupts work.
     */
    void (*tx_irq)(void *dev, int on);

    /**
     * Acknowledge (clear) the device's pending interrupt flags, and report the error
     * conditions seen since the last call as TLSP_UART_HW_* bits (clearing them too).
     * Called first in the interrupt handler, before any byte moves: a byte that arrives
     * afterwards raises its flag again rather than being missed.
     */
    unsigned (*ack)(void *dev);

    /** Mask interrupts on this CPU; return what irq_unlock() needs to restore the state. */
    uint32_t (*irq_lock)(void);

    /** Restore the interrupt mask irq_lock() returned. */
    void (*irq_unlock)(uint32_t state);

    /**
     * Optional (NULL: the transport spins). Sleep until an interrupt is pending. Called
     * with interrupts masked by irq_lock(), and must return as soon as any interrupt
     * becomes pending even so: on Cortex-M this is a bare WFI, which wakes on a pending
     * interrupt regardless of PRIMASK; the handler then runs at irq_unlock(). This is what
     * makes "check the queue, then sleep" free of the lost-wake-up race.
     */
    void (*sleep)(void);
} tlsp_uart_hal;

#ifdef __cplusplus
}
#endif

#endif /* TLSP_UART_HAL_H */
