/*
 * Arm CMSDK APB UART driver (tlsp_uart_cmsdk.h).
 */
#include "tlspair/tlsp_uart_cmsdk.h"

#include "tlspair/tlsp_uart_hal.h"

#define STATE_TXFULL     (1u << 0)
#define STATE_RXFULL     (1u << 1)
#define STATE_TXOVERRUN  (1u << 2)
#define STATE_RXOVERRUN  (1u << 3)

#define CTRL_TX_EN       (1u << 0)
#define CTRL_RX_EN       (1u << 1)
#define CTRL_TX_INTEN    (1u << 2)
#define CTRL_RX_INTEN    (1u << 3)

#define INT_TX           (1u << 0)
#define INT_RX           (1u << 1)
#define INT_ALL          0xFu

#define BAUDDIV_MIN      16u

static uint32_t bauddiv(const tlsp_uart_cmsdk *uart)
{
    uint32_t div = uart->baud != 0 ? uart->pclk_hz / uart->baud : 0;

    return div < BAUDDIV_MIN ? BAUDDIV_MIN : div;
}

void tlsp_uart_cmsdk_start(void *dev)
{
    tlsp_uart_cmsdk *uart = dev;
    tlsp_uart_cmsdk_regs *r = uart->regs;

    r->ctrl = 0;
    r->bauddiv = bauddiv(uart);
    r->state = STATE_TXOVERRUN | STATE_RXOVERRUN;
    r->intstatus = INT_ALL;
    r->ctrl = CTRL_TX_EN | CTRL_RX_EN | CTRL_RX_INTEN;
    (void) r->data;   /* see the header: unblocks QEMU's input, drops a stale byte */
}

int tlsp_uart_cmsdk_rx_ready(void *dev)
{
    return (((tlsp_uart_cmsdk *) dev)->regs->state & STATE_RXFULL) != 0;
}

uint8_t tlsp_uart_cmsdk_rx_get(void *dev)
{
    return (uint8_t) ((tlsp_uart_cmsdk *) dev)->regs->data;
}

int tlsp_uart_cmsdk_tx_ready(void *dev)
{
    return (((tlsp_uart_cmsdk *) dev)->regs->state & STATE_TXFULL) == 0;
}

void tlsp_uart_cmsdk_tx_put(void *dev, uint8_t byte)
{
    ((tlsp_uart_cmsdk *) dev)->regs->data = byte;
}

void tlsp_uart_cmsdk_tx_irq(void *dev, int on)
{
    tlsp_uart_cmsdk_regs *r = ((tlsp_uart_cmsdk *) dev)->regs;

    if (on) {
        r->ctrl |= CTRL_TX_INTEN;
    } else {
        r->ctrl &= ~CTRL_TX_INTEN;
    }
}

unsigned tlsp_uart_cmsdk_ack(void *dev)
{
    tlsp_uart_cmsdk_regs *r = ((tlsp_uart_cmsdk *) dev)->regs;
    unsigned errors = 0;

    r->intstatus = INT_TX | INT_RX;
    if (r->state & STATE_RXOVERRUN) {
        r->state = STATE_RXOVERRUN;
        errors |= TLSP_UART_HW_OVERRUN;
    }
    return errors;
}

void tlsp_uart_cmsdk_start_tx_only(tlsp_uart_cmsdk *uart)
{
    tlsp_uart_cmsdk_regs *r = uart->regs;

    r->ctrl = 0;
    r->bauddiv = bauddiv(uart);
    r->intstatus = INT_ALL;
    r->ctrl = CTRL_TX_EN;
}

void tlsp_uart_cmsdk_putc_blocking(tlsp_uart_cmsdk *uart, uint8_t byte)
{
    while (uart->regs->state & STATE_TXFULL) {
    }
    uart->regs->data = byte;
}
