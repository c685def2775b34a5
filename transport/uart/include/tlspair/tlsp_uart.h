/**
 * \file tlsp_uart.h
 * \brief The bare-metal UART transport: a tlsp_transport over one UART of a board
 *        (tlsp_uart_hal.h), with interrupt-fed ring buffers in both directions.
 *
 *   engine ── send() ──► tx ring ──► transmit interrupt ──► UART ──► wire
 *   engine ◄── recv() ── rx ring ◄── receive interrupt  ◄── UART ◄── wire
 *
 * Receive: the UART's interrupt handler (tlsp_uart_irq()) moves every received byte into
 * the rx ring at once, so nothing is lost while the main loop is busy in the TLS engine
 * (an ECDSA verify, say) as long as the ring can hold what arrives meanwhile. Size it for
 * the longest main-loop stall at the line's rate (115200 baud is 11.5 bytes per ms); the
 * statistics report the fullest the ring has been (rx_peak).
 *
 * Transmit: send() copies into the tx ring and returns; the transmit interrupt feeds the
 * UART whenever it can take a byte, so the engine runs on while bytes leave. send() takes
 * what fits (short writes) and answers TLSP_WANT_WRITE when the ring is full.
 *
 * Lost bytes are errors, never silent: a byte that finds the rx ring full, or that the
 * hardware reports as overrun, is counted, and from then on send(), recv() and wait()
 * return TLSP_ERR_TRANSPORT (sticky until tlsp_uart_init()). A TLS stream with a hole in
 * it cannot be repaired, so failing at once names the real cause instead of a MAC error
 * a record later. A UART has no end of input: recv() never returns 0.
 *
 * wait() sleeps (tlsp_uart_hal.sleep, WFI on Cortex-M) until a byte arrives, the tx ring
 * has room, or the timeout passes on tlsp_port_millis(). The port's clock interrupt (a
 * 1 ms SysTick) also wakes it, so timeouts are honoured to the millisecond. By default
 * every received byte ends the wait; tlsp_uart_set_rx_batch() makes it wait for a batch
 * or a pause in the line instead, so the TLS engine is not woken once per byte.
 *
 * Polled mode (TLSP_UART_POLLED): for boards that do not route the UART's interrupts.
 * send(), recv() and wait() then do the interrupt handler's work themselves. Bytes that
 * arrive while the engine computes are lost once the UART's own buffer (one byte on the
 * CMSDK UART) overflows, and such a loss is detected only if the hardware reports
 * overruns: use polled mode only where the peer waits for this side (a request/response
 * protocol over a slow line), never for TLS at full line rate.
 *
 * Contexts: tlsp_uart_irq() runs in the UART's interrupt handler; everything else in the
 * main loop. One main loop per UART.
 */
#ifndef TLSP_UART_H
#define TLSP_UART_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_queue.h"
#include "tlspair/tlsp_transport.h"
#include "tlspair/tlsp_uart_hal.h"

#ifdef __cplusplus
extern "C" {
#endif

/** tlsp_uart_init() flags. */
#define TLSP_UART_POLLED 0x1u   /**< no interrupts: the main loop services the UART */

/** Counters, for diagnostics and for sizing the rings. */
typedef struct tlsp_uart_stats {
    uint32_t bytes_in;       /**< bytes taken from the UART into the rx ring */
    uint32_t bytes_out;      /**< bytes handed to the UART's transmitter */
    uint32_t rx_overruns;    /**< bytes dropped because the rx ring was full */
    uint32_t hw_overruns;    /**< overruns the hardware reported (bytes it dropped) */
    size_t rx_peak;          /**< most bytes the rx ring ever held */
    size_t tx_peak;          /**< most bytes the tx ring ever held */
} tlsp_uart_stats;

/** Caller-allocated transport state. Fields are private: use the functions. */
typedef struct tlsp_uart {
    const tlsp_uart_hal *hal;
    void *dev;
    tlsp_queue rx;                     /* produced by the interrupt, consumed by recv() */
    tlsp_queue tx;                     /* produced by send(), consumed by the interrupt */
    unsigned flags;
    volatile uint8_t tx_active;        /* transmit interrupt on: the handler feeds the UART */
    volatile uint8_t failed;           /* a byte was lost: sticky */
    volatile uint32_t bytes_in;
    volatile uint32_t bytes_out;
    volatile uint32_t rx_overruns;
    volatile uint32_t hw_overruns;
    volatile size_t rx_peak;
    size_t tx_peak;
    volatile uint64_t last_rx_ms;      /* tlsp_port_millis() when the last byte came in */
    size_t rx_batch;                   /* see tlsp_uart_set_rx_batch() */
    uint32_t rx_idle_ms;
} tlsp_uart;

/**
 * \brief Set up the transport over one UART and start the UART (hal->start()).
 * \param u         caller-allocated; must outlive every use of its transport.
 * \param hal       the board's table for this UART (kept by pointer).
 * \param dev       the driver's handle, passed to every hal function.
 * \param rx_buf, rx_size  receive ring storage (>= 1 byte), owned by the caller.
 * \param tx_buf, tx_size  transmit ring storage (>= 1 byte), owned by the caller.
 * \param flags     0 (interrupts) or TLSP_UART_POLLED.
 * \return 0, or TLSP_ERR_BAD_ARG (NULL, a missing hal function, a zero size).
 * \note Call it before enabling the UART's interrupts in the interrupt controller; from
 *       then on the board's handler calls tlsp_uart_irq(u). Calling it again restarts the
 *       UART and clears the counters and a failure.
 */
int tlsp_uart_init(tlsp_uart *u, const tlsp_uart_hal *hal, void *dev,
                   uint8_t *rx_buf, size_t rx_size, uint8_t *tx_buf, size_t tx_size,
                   unsigned flags);

/**
 * \brief Wake the reader in batches: wait() reports "readable" only once `bytes` are
 *        buffered, or the line has been quiet for `idle_ms` with something buffered.
 * \param bytes    batch size; 0 or 1 (the default) reports every byte at once.
 * \param idle_ms  how long a pause ends a batch, on the port's millisecond clock, whose
 *                 resolution makes the real pause anywhere from idle_ms - 1 to idle_ms
 *                 (use 2 or more). Must be > 0 when bytes > 1.
 * \return 0, or TLSP_ERR_BAD_ARG.
 * \note A TLS engine can do nothing with part of a record, so waking it for every byte
 *       (thousands of times per 2 KiB record) only burns cycles and power. With a batch
 *       the engine runs about once per batch; the cost is up to idle_ms more latency at
 *       the end of each flight. recv() still returns whatever is buffered. Keep the batch
 *       well below the rx ring size.
 */
int tlsp_uart_set_rx_batch(tlsp_uart *u, size_t bytes, uint32_t idle_ms);

/** \brief Fill t with this UART's transport (send, recv, wait; ctx = u). */
void tlsp_uart_transport(tlsp_uart *u, tlsp_transport *t);

/**
 * \brief The UART's interrupt work: acknowledge, drain the receiver into the rx ring,
 *        feed the transmitter from the tx ring. Call from every interrupt handler of this
 *        UART (receive, transmit, overrun). Short and bounded: no loops beyond the bytes
 *        the hardware holds.
 */
void tlsp_uart_irq(tlsp_uart *u);

/** \brief Bytes queued for sending and not yet handed to the UART. */
size_t tlsp_uart_tx_pending(const tlsp_uart *u);

/**
 * \brief Wait until every queued byte has been handed to the UART (and the transmitter
 *        can take another, i.e. the last one has left its holding register).
 * \return 0; TLSP_ERR_TIMEOUT after timeout_ms; TLSP_ERR_TRANSPORT after a failure.
 * \note The UART may still be shifting the last byte out: a board about to reset or
 *       power down should allow one more character time.
 */
int tlsp_uart_flush(tlsp_uart *u, uint32_t timeout_ms);

/** \brief 1 once a byte was lost (overrun): the transport then only returns errors. */
int tlsp_uart_failed(const tlsp_uart *u);

/** \brief Copy the counters. */
void tlsp_uart_get_stats(const tlsp_uart *u, tlsp_uart_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_UART_H */
