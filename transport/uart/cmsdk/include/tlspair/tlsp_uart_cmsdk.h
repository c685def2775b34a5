/**
 * \file tlsp_uart_cmsdk.h
 * \brief Driver for the Arm CMSDK APB UART (Cortex-M System Design Kit, DDI0479), the
 *        UART of Arm's MPS2/MPS2+ FPGA images (AN385, AN386, AN500...) and of QEMU's
 *        models of them: the device half of a tlsp_uart_hal (tlsp_uart_hal.h).
 *
 * The device: 8N1, one byte of buffering each way (no FIFO), no flow control.
 * Registers (32-bit, from the base address):
 *   0x00 DATA       write: transmit a byte; read: the received byte (clears RX full)
 *   0x04 STATE      bit0 TX full, bit1 RX full, bit2 TX overrun, bit3 RX overrun (W1C)
 *   0x08 CTRL       bit0 TX enable, bit1 RX enable, bit2 TX int, bit3 RX int,
 *                   bit4 TX overrun int, bit5 RX overrun int
 *   0x0C INTSTATUS  bit0 TX, bit1 RX, bit2 TX overrun, bit3 RX overrun (W1C)
 *   0x10 BAUDDIV    PCLK / baud rate, at least 16
 * Interrupts: separate RX and TX lines (on AN385/AN386: UART0 RX/TX = IRQ 0/1, UART1 =
 * 2/3, UART2 = 4/5; the overrun lines of UARTs 0-2 are ORed into IRQ 12). The TX
 * interrupt is edge-like: it fires when a byte leaves the holding register, not while it
 * is empty. The driver does not enable the overrun interrupts: ack() reads the RX overrun
 * bit instead, which the receive interrupt always gets to first.
 *
 * A board wires these functions into its tlsp_uart_hal along with its CPU's interrupt
 * masking and sleep, e.g.
 *
 *     static tlsp_uart_cmsdk link_dev = { TLSP_UART_CMSDK_REGS(0x40005000u), 25000000u, 115200u };
 *     static const tlsp_uart_hal link_hal = {
 *         tlsp_uart_cmsdk_start, tlsp_uart_cmsdk_rx_ready, tlsp_uart_cmsdk_rx_get,
 *         tlsp_uart_cmsdk_tx_ready, tlsp_uart_cmsdk_tx_put, tlsp_uart_cmsdk_tx_irq,
 *         tlsp_uart_cmsdk_ack, board_irq_lock, board_irq_unlock, board_sleep };
 */
#ifndef TLSP_UART_CMSDK_H
#define TLSP_UART_CMSDK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The register block. */
typedef struct tlsp_uart_cmsdk_regs {
    volatile uint32_t data;
    volatile uint32_t state;
    volatile uint32_t ctrl;
    volatile uint32_t intstatus;
    volatile uint32_t bauddiv;
} tlsp_uart_cmsdk_regs;

/** One UART: its registers and line settings. The `dev` of the tlsp_uart_hal functions. */
typedef struct tlsp_uart_cmsdk {
    tlsp_uart_cmsdk_regs *regs;
    uint32_t pclk_hz;    /**< the UART's APB clock (25 MHz on the MPS2 images) */
    uint32_t baud;       /**< line rate; BAUDDIV = pclk_hz / baud */
} tlsp_uart_cmsdk;

/** The register block at a base address, e.g. TLSP_UART_CMSDK_REGS(0x40004000u). */
#define TLSP_UART_CMSDK_REGS(base) ((tlsp_uart_cmsdk_regs *) (uintptr_t) (base))

/**
 * \brief Program the baud rate, enable TX, RX and the RX interrupt, clear stale state.
 * \note Reads DATA once after enabling the receiver: QEMU's model only starts accepting
 *       input from its character backend after that (otherwise the first byte waits
 *       about a second); on hardware it discards a stale byte.
 */
void tlsp_uart_cmsdk_start(void *dev);

/** \brief 1 if a received byte waits (STATE.RXFULL). */
int tlsp_uart_cmsdk_rx_ready(void *dev);

/** \brief Read the received byte (clears STATE.RXFULL). */
uint8_t tlsp_uart_cmsdk_rx_get(void *dev);

/** \brief 1 if DATA can take a byte (STATE.TXFULL clear). */
int tlsp_uart_cmsdk_tx_ready(void *dev);

/** \brief Write a byte to DATA. */
void tlsp_uart_cmsdk_tx_put(void *dev, uint8_t byte);

/** \brief CTRL.TX interrupt enable on/off. */
void tlsp_uart_cmsdk_tx_irq(void *dev, int on);

/** \brief Clear INTSTATUS (TX, RX); report and clear STATE.RXOVERRUN as TLSP_UART_HW_OVERRUN. */
unsigned tlsp_uart_cmsdk_ack(void *dev);

/**
 * \brief Console use without the transport: enable the transmitter only (no interrupts)
 *        and send bytes by polling.
 */
void tlsp_uart_cmsdk_start_tx_only(tlsp_uart_cmsdk *uart);

/** \brief Send one byte, waiting while the transmitter is full. */
void tlsp_uart_cmsdk_putc_blocking(tlsp_uart_cmsdk *uart, uint8_t byte);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_UART_CMSDK_H */
