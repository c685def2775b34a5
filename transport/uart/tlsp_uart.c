/*
 * The bare-metal UART transport: two tlsp_queue rings between the main loop and the
 * UART's interrupt handler. Each ring has one producer and one consumer (rx: handler →
 * main loop, tx: main loop → handler), which is tlsp_queue's documented model, so the
 * data path needs no locking. Interrupts are masked only around the few instructions
 * that switch the transmit interrupt on, and around "check, then sleep" in wait().
 */
#include "tlspair/tlsp_uart.h"

#include <limits.h>

#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_port.h"

/* Feed the transmitter from the tx ring while it takes bytes; switch the transmit
 * interrupt off once the ring is empty. Runs in the handler, or in the main loop with
 * interrupts masked (or polled), so it is never re-entered. */
static void feed_tx(tlsp_uart *u)
{
    const tlsp_uart_hal *hal = u->hal;
    size_t len;
    const uint8_t *p;

    while ((p = tlsp_queue_peek(&u->tx, &len)) != NULL) {
        size_t n = 0;

        while (n < len && hal->tx_ready(u->dev)) {
            hal->tx_put(u->dev, p[n]);
            n++;
        }
        tlsp_queue_consume(&u->tx, n);
        u->bytes_out += (uint32_t) n;
        if (n < len) {
            return;  /* transmitter full: its next "can take a byte" interrupt resumes */
        }
    }
    if (u->tx_active) {
        hal->tx_irq(u->dev, 0);
        u->tx_active = 0;
    }
}

static void lose_byte(tlsp_uart *u, volatile uint32_t *counter)
{
    *counter = *counter + 1u;
    u->failed = 1;
}

/* The handler's work (also the polled main loop's). */
static void service(tlsp_uart *u)
{
    const tlsp_uart_hal *hal = u->hal;
    unsigned errors = hal->ack(u->dev);
    int received = 0;

    if (errors & TLSP_UART_HW_OVERRUN) {
        lose_byte(u, &u->hw_overruns);
    }
    while (hal->rx_ready(u->dev)) {
        uint8_t byte = hal->rx_get(u->dev);

        if (tlsp_queue_write(&u->rx, &byte, 1) == 0) {
            lose_byte(u, &u->rx_overruns);
        } else {
            size_t used = tlsp_queue_used(&u->rx);

            u->bytes_in = u->bytes_in + 1u;
            if (used > u->rx_peak) {
                u->rx_peak = used;
            }
        }
        received = 1;
    }
    if (received) {
        u->last_rx_ms = tlsp_port_millis();
    }
    if (u->tx_active || (u->flags & TLSP_UART_POLLED)) {
        feed_tx(u);
    }
}

void tlsp_uart_irq(tlsp_uart *u)
{
    service(u);
}

/* Start transmitting what send() queued, unless the handler is already at it. */
static void kick_tx(tlsp_uart *u)
{
    const tlsp_uart_hal *hal = u->hal;
    uint32_t state;

    if (u->flags & TLSP_UART_POLLED) {
        service(u);
        return;
    }
    state = hal->irq_lock();
    if (!u->tx_active && tlsp_queue_used(&u->tx) != 0) {
        /* Interrupt on before the first byte: a byte leaving from now on raises it, so
         * the handler takes over however the two race. */
        u->tx_active = 1;
        hal->tx_irq(u->dev, 1);
        feed_tx(u);
    }
    hal->irq_unlock(state);
}

static int uart_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_uart *u = ctx;
    size_t n;
    size_t used;

    if (u->failed) {
        return TLSP_ERR_TRANSPORT;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = tlsp_queue_write(&u->tx, buf, len);
    used = tlsp_queue_used(&u->tx);
    if (used > u->tx_peak) {
        u->tx_peak = used;
    }
    kick_tx(u);
    return n == 0 ? TLSP_WANT_WRITE : (int) n;
}

static int uart_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_uart *u = ctx;
    size_t n;

    if (u->flags & TLSP_UART_POLLED) {
        service(u);
    }
    if (u->failed) {
        return TLSP_ERR_TRANSPORT;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    n = tlsp_queue_read(&u->rx, buf, len);
    return n == 0 ? TLSP_WANT_READ : (int) n;
}

static unsigned ready_events(const tlsp_uart *u, unsigned events)
{
    unsigned ready = 0;
    size_t used = tlsp_queue_used(&u->rx);

    /* A batch is complete when big enough, or when the line has paused. */
    if ((events & TLSP_IO_READABLE) && used != 0 &&
        (used >= u->rx_batch || tlsp_port_millis() - u->last_rx_ms >= u->rx_idle_ms)) {
        ready |= TLSP_IO_READABLE;
    }
    if ((events & TLSP_IO_WRITABLE) && tlsp_queue_free(&u->tx) != 0) {
        ready |= TLSP_IO_WRITABLE;
    }
    return ready;
}

/* Sleep until done(u) holds, a failure, or the timeout. Returns 1 if done, 0 on timeout,
 * TLSP_ERR_TRANSPORT on a failure. The check runs with interrupts masked and the sleep
 * starts before they are unmasked, so an interrupt between the two is not slept through. */
static int sleep_until(tlsp_uart *u, unsigned (*done)(const tlsp_uart *, unsigned),
                       unsigned arg, uint32_t timeout_ms, unsigned *result)
{
    const tlsp_uart_hal *hal = u->hal;
    uint64_t start = tlsp_port_millis();

    for (;;) {
        unsigned r;
        int timed_out;
        uint32_t state;

        if (u->flags & TLSP_UART_POLLED) {
            service(u);
        }
        state = hal->irq_lock();
        r = done(u, arg);
        timed_out = tlsp_port_millis() - start >= timeout_ms;
        if (r == 0 && !u->failed && !timed_out && hal->sleep != NULL &&
            !(u->flags & TLSP_UART_POLLED)) {
            hal->sleep();
        }
        hal->irq_unlock(state);
        if (u->failed) {
            return TLSP_ERR_TRANSPORT;
        }
        if (r != 0 || timed_out) {
            *result = r;
            return r != 0;
        }
    }
}

static int uart_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    unsigned ready = 0;
    int ret = sleep_until(ctx, ready_events, events, timeout_ms, &ready);

    return ret < 0 ? ret : (int) ready;
}

static unsigned tx_drained(const tlsp_uart *u, unsigned unused)
{
    (void) unused;
    return tlsp_queue_used(&u->tx) == 0 && !u->tx_active && u->hal->tx_ready(u->dev);
}

int tlsp_uart_flush(tlsp_uart *u, uint32_t timeout_ms)
{
    unsigned done = 0;
    int ret;

    if (u == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    ret = sleep_until(u, tx_drained, 0, timeout_ms, &done);
    if (ret < 0) {
        return ret;
    }
    return done ? 0 : TLSP_ERR_TIMEOUT;
}

int tlsp_uart_init(tlsp_uart *u, const tlsp_uart_hal *hal, void *dev,
                   uint8_t *rx_buf, size_t rx_size, uint8_t *tx_buf, size_t tx_size,
                   unsigned flags)
{
    if (u == NULL || hal == NULL || hal->start == NULL || hal->rx_ready == NULL ||
        hal->rx_get == NULL || hal->tx_ready == NULL || hal->tx_put == NULL ||
        hal->tx_irq == NULL || hal->ack == NULL || hal->irq_lock == NULL ||
        hal->irq_unlock == NULL || (flags & ~TLSP_UART_POLLED) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (tlsp_queue_init(&u->rx, rx_buf, rx_size) != 0 ||
        tlsp_queue_init(&u->tx, tx_buf, tx_size) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
    u->hal = hal;
    u->dev = dev;
    u->flags = flags;
    u->tx_active = 0;
    u->failed = 0;
    u->bytes_in = 0;
    u->bytes_out = 0;
    u->rx_overruns = 0;
    u->hw_overruns = 0;
    u->rx_peak = 0;
    u->tx_peak = 0;
    u->last_rx_ms = 0;
    u->rx_batch = 1;
    u->rx_idle_ms = 0;
    hal->start(dev);
    return 0;
}

int tlsp_uart_set_rx_batch(tlsp_uart *u, size_t bytes, uint32_t idle_ms)
{
    if (u == NULL || (bytes > 1 && idle_ms == 0) || bytes > u->rx.size) {
        return TLSP_ERR_BAD_ARG;
    }
    u->rx_batch = bytes > 1 ? bytes : 1;
    u->rx_idle_ms = bytes > 1 ? idle_ms : 0;
    return 0;
}

void tlsp_uart_transport(tlsp_uart *u, tlsp_transport *t)
{
    t->send = uart_send;
    t->recv = uart_recv;
    t->wait = uart_wait;
    t->ctx = u;
}

size_t tlsp_uart_tx_pending(const tlsp_uart *u)
{
    return tlsp_queue_used(&u->tx);
}

int tlsp_uart_failed(const tlsp_uart *u)
{
    return u->failed != 0;
}

void tlsp_uart_get_stats(const tlsp_uart *u, tlsp_uart_stats *stats)
{
    stats->bytes_in = u->bytes_in;
    stats->bytes_out = u->bytes_out;
    stats->rx_overruns = u->rx_overruns;
    stats->hw_overruns = u->hw_overruns;
    stats->rx_peak = u->rx_peak;
    stats->tx_peak = u->tx_peak;
}
