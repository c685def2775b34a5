/* The bare-metal UART transport (tlsp_uart.h) on the host, over a fake one-byte UART
 * like the CMSDK one: its "interrupts" run the transport's handler at once, or when the
 * main loop unmasks them, so the tests control exactly when bytes arrive and leave.
 * Checked: nothing is lost while the main loop is busy, order is kept, lost bytes are
 * reported (ring overrun and hardware overrun) and stick, transmit backpressure, wait()
 * wake-ups and timeouts, polled mode, flush, and a full TLS session over two fake UARTs
 * wired together. */
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_uart.h"

/* ---- A fake UART and CPU --------------------------------------------------------------- */

#define WIRE_MAX 4096

typedef struct fake_uart {
    tlsp_uart *owner;             /* whose handler its interrupts run */
    struct fake_uart *peer;       /* where transmitted bytes arrive, or NULL */
    int started;
    int rx_full;
    uint8_t rx_byte;
    int hw_overrun;
    int tx_full;
    uint8_t tx_byte;
    int tx_irq_on;
    int irq_pending;              /* an RX or TX interrupt waits to be taken */
    uint8_t wire[WIRE_MAX];       /* what left the transmitter, when no peer */
    size_t wire_len;
} fake_uart;

static int cpu_masked;
static fake_uart *devices[2];
static void (*on_sleep)(void);
static unsigned sleeps;

static void run_pending(void)
{
    size_t i;

    for (i = 0; i < 2; i++) {
        if (devices[i] != NULL && devices[i]->irq_pending && devices[i]->owner != NULL) {
            tlsp_uart_irq(devices[i]->owner);
        }
    }
}

static void raise_irq(fake_uart *d)
{
    d->irq_pending = 1;
    if (!cpu_masked) {
        run_pending();
    }
}

/* A byte arrives on the line. */
static void line_deliver(fake_uart *d, uint8_t byte)
{
    if (d->rx_full) {
        d->hw_overrun = 1;  /* the byte is lost, as on the hardware */
    } else {
        d->rx_byte = byte;
        d->rx_full = 1;
    }
    raise_irq(d);
}

/* The transmitter finishes its byte. Returns 1 if one was sent. */
static int line_tx_complete(fake_uart *d)
{
    uint8_t b;

    if (!d->tx_full) {
        return 0;
    }
    b = d->tx_byte;
    d->tx_full = 0;
    if (d->peer != NULL) {
        line_deliver(d->peer, b);
    } else if (d->wire_len < WIRE_MAX) {
        d->wire[d->wire_len++] = b;
    }
    if (d->tx_irq_on) {
        raise_irq(d);
    }
    return 1;
}

static void fake_start(void *dev)
{
    fake_uart *d = dev;

    d->started = 1;
    d->rx_full = 0;
    d->hw_overrun = 0;
    d->irq_pending = 0;
    d->tx_irq_on = 0;
}

static int fake_rx_ready(void *dev)
{
    return ((fake_uart *) dev)->rx_full;
}

static uint8_t fake_rx_get(void *dev)
{
    fake_uart *d = dev;

    d->rx_full = 0;
    return d->rx_byte;
}

static int fake_tx_ready(void *dev)
{
    return !((fake_uart *) dev)->tx_full;
}

static void fake_tx_put(void *dev, uint8_t byte)
{
    fake_uart *d = dev;

    CHECK(!d->tx_full);   /* the transport must respect TX full */
    d->tx_byte = byte;
    d->tx_full = 1;
}

static void fake_tx_irq(void *dev, int on)
{
    ((fake_uart *) dev)->tx_irq_on = on;
}

static unsigned fake_ack(void *dev)
{
    fake_uart *d = dev;
    unsigned errors = d->hw_overrun ? TLSP_UART_HW_OVERRUN : 0u;

    d->irq_pending = 0;
    d->hw_overrun = 0;
    return errors;
}

static uint32_t fake_lock(void)
{
    uint32_t was = (uint32_t) cpu_masked;

    cpu_masked = 1;
    return was;
}

static void fake_unlock(uint32_t state)
{
    cpu_masked = (int) state;
    if (!cpu_masked) {
        run_pending();
    }
}

/* WFI: called masked; "time passes" (1 ms and whatever the test makes happen). */
static void fake_sleep(void)
{
    CHECK(cpu_masked);
    sleeps++;
    tlsp_port_test_advance_millis(1);
    if (on_sleep != NULL) {
        on_sleep();
    }
}

static const tlsp_uart_hal fake_hal = {
    fake_start, fake_rx_ready, fake_rx_get, fake_tx_ready, fake_tx_put, fake_tx_irq,
    fake_ack, fake_lock, fake_unlock, fake_sleep,
};

static fake_uart dev_a, dev_b;
static tlsp_uart ua, ub;
static uint8_t rx_a[64], tx_a[32], rx_b[64], tx_b[32];
static tlsp_transport ta, tb;

static void setup(unsigned flags)
{
    memset(&dev_a, 0, sizeof(dev_a));
    memset(&dev_b, 0, sizeof(dev_b));
    cpu_masked = 0;
    on_sleep = NULL;
    sleeps = 0;
    devices[0] = &dev_a;
    devices[1] = &dev_b;
    dev_a.owner = &ua;
    dev_b.owner = &ub;
    CHECK_EQ(tlsp_uart_init(&ua, &fake_hal, &dev_a, rx_a, sizeof(rx_a), tx_a, sizeof(tx_a), flags), 0);
    CHECK_EQ(tlsp_uart_init(&ub, &fake_hal, &dev_b, rx_b, sizeof(rx_b), tx_b, sizeof(tx_b), flags), 0);
    tlsp_uart_transport(&ua, &ta);
    tlsp_uart_transport(&ub, &tb);
}

/* ---- Cases ------------------------------------------------------------------------------ */

static void test_init_checks(void)
{
    tlsp_uart_hal partial = fake_hal;
    tlsp_uart u;
    uint8_t b[4];

    CHECK_EQ(tlsp_uart_init(NULL, &fake_hal, &dev_a, b, 2, b + 2, 2, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_init(&u, NULL, &dev_a, b, 2, b + 2, 2, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_init(&u, &fake_hal, &dev_a, b, 0, b + 2, 2, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_init(&u, &fake_hal, &dev_a, b, 2, NULL, 2, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_init(&u, &fake_hal, &dev_a, b, 2, b + 2, 2, 0x80), TLSP_ERR_BAD_ARG);
    partial.ack = NULL;
    CHECK_EQ(tlsp_uart_init(&u, &partial, &dev_a, b, 2, b + 2, 2, 0), TLSP_ERR_BAD_ARG);
    partial = fake_hal;
    partial.sleep = NULL;   /* optional */
    memset(&dev_a, 0, sizeof(dev_a));
    CHECK_EQ(tlsp_uart_init(&u, &partial, &dev_a, b, 2, b + 2, 2, 0), 0);
    CHECK(dev_a.started);
}

/* The main loop is busy (no recv) while a ring's worth arrives byte by byte: all kept. */
static void test_rx_buffered_while_busy(void)
{
    uint8_t got[64];
    size_t i;
    tlsp_uart_stats st;

    setup(0);
    for (i = 0; i < sizeof(rx_a); i++) {
        line_deliver(&dev_a, (uint8_t) (i * 7u + 1u));
    }
    CHECK(!tlsp_uart_failed(&ua));
    CHECK_EQ(ta.recv(ta.ctx, got, 10), 10);
    CHECK_EQ(ta.recv(ta.ctx, got + 10, sizeof(got)), (int) sizeof(rx_a) - 10);
    for (i = 0; i < sizeof(rx_a); i++) {
        CHECK_EQ(got[i], (uint8_t) (i * 7u + 1u));
    }
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), TLSP_WANT_READ);
    tlsp_uart_get_stats(&ua, &st);
    CHECK_EQ(st.bytes_in, sizeof(rx_a));
    CHECK_EQ(st.rx_peak, sizeof(rx_a));
    CHECK_EQ(st.rx_overruns, 0);
}

/* One byte more than the ring holds: counted, and the transport fails, stickily. */
static void test_rx_ring_overrun_is_fatal(void)
{
    uint8_t got[8];
    size_t i;
    tlsp_uart_stats st;

    setup(0);
    for (i = 0; i <= sizeof(rx_a); i++) {
        line_deliver(&dev_a, (uint8_t) i);
    }
    tlsp_uart_get_stats(&ua, &st);
    CHECK_EQ(st.rx_overruns, 1);
    CHECK(tlsp_uart_failed(&ua));
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), TLSP_ERR_TRANSPORT);
    CHECK_EQ(ta.send(ta.ctx, got, 1), TLSP_ERR_TRANSPORT);
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 10), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_uart_flush(&ua, 10), TLSP_ERR_TRANSPORT);
    /* A driver over it reports the transport, not a TLS error. */
    {
        tlsp_pair *p = tlsp_pair_new(NULL);

        REQUIRE(p != NULL);
        CHECK_EQ(tlsp_drive_handshake(&p->client, &ta, 100), TLSP_ERR_TRANSPORT);
        tlsp_pair_free(p);
    }
    /* Re-initialising starts afresh. */
    CHECK_EQ(tlsp_uart_init(&ua, &fake_hal, &dev_a, rx_a, sizeof(rx_a), tx_a, sizeof(tx_a), 0), 0);
    CHECK(!tlsp_uart_failed(&ua));
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), TLSP_WANT_READ);
}

/* Interrupts masked too long: the one-byte UART overruns; the hardware flag is reported. */
static void test_hw_overrun_is_fatal(void)
{
    uint8_t got[8];
    tlsp_uart_stats st;

    setup(0);
    cpu_masked = 1;
    line_deliver(&dev_a, 1);
    line_deliver(&dev_a, 2);   /* lost in the device */
    fake_unlock(0);
    tlsp_uart_get_stats(&ua, &st);
    CHECK_EQ(st.hw_overruns, 1);
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), TLSP_ERR_TRANSPORT);
}

/* send() takes what fits, the transmit interrupt drains it in order, and switches itself
 * off when the ring is empty. */
static void test_tx_backpressure_and_order(void)
{
    uint8_t data[100];
    size_t i;
    size_t sent = 0;
    int n;

    setup(0);
    for (i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t) (255u - i);
    }
    n = ta.send(ta.ctx, data, sizeof(data));
    /* The ring took 32; the first of them went on to the idle transmitter at once. */
    CHECK_EQ(n, (int) sizeof(tx_a));
    CHECK(dev_a.tx_full);
    CHECK(dev_a.tx_irq_on);
    sent = (size_t) n;
    CHECK_EQ(ta.send(ta.ctx, data + sent, sizeof(data) - sent), 1); /* the byte that left */
    sent++;
    CHECK_EQ(ta.send(ta.ctx, data + sent, sizeof(data) - sent), TLSP_WANT_WRITE);
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_WRITABLE, 0), 0);
    while (sent < sizeof(data)) {
        CHECK(line_tx_complete(&dev_a));
        n = ta.send(ta.ctx, data + sent, sizeof(data) - sent);
        if (n > 0) {
            sent += (size_t) n;
        } else {
            CHECK_EQ(n, TLSP_WANT_WRITE);
        }
    }
    while (line_tx_complete(&dev_a)) {
    }
    CHECK_EQ(dev_a.wire_len, sizeof(data));
    CHECK(memcmp(dev_a.wire, data, sizeof(data)) == 0);
    CHECK(!dev_a.tx_irq_on);
    CHECK_EQ(tlsp_uart_tx_pending(&ua), 0);
    CHECK_EQ(tlsp_uart_flush(&ua, 0), 0);
}

/* The transmitter is still busy with the last byte when new data is queued: the handler
 * must pick it up when that byte leaves (no lost kick). */
static void test_tx_kick_while_busy(void)
{
    uint8_t one = 0x11, two[2] = { 0x22, 0x33 };

    setup(0);
    CHECK_EQ(ta.send(ta.ctx, &one, 1), 1);     /* straight into the transmitter */
    CHECK(!dev_a.tx_irq_on);                    /* ring empty again */
    CHECK_EQ(ta.send(ta.ctx, two, 2), 2);       /* transmitter full: queued */
    CHECK(dev_a.tx_irq_on);
    CHECK(line_tx_complete(&dev_a));
    CHECK(line_tx_complete(&dev_a));
    CHECK(line_tx_complete(&dev_a));
    CHECK(!line_tx_complete(&dev_a));
    CHECK_EQ(dev_a.wire_len, 3);
    CHECK_EQ(dev_a.wire[0], 0x11);
    CHECK_EQ(dev_a.wire[1], 0x22);
    CHECK_EQ(dev_a.wire[2], 0x33);
}

static void deliver_on_third_sleep(void)
{
    if (sleeps == 3) {
        line_deliver(&dev_a, 0x5A);
    }
}

/* wait() sleeps until a byte arrives (the interrupt wakes it), or times out. */
static void test_wait_wakes_and_times_out(void)
{
    uint8_t b = 0;
    uint64_t t0;

    setup(0);
    on_sleep = deliver_on_third_sleep;
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 1000), (int) TLSP_IO_READABLE);
    CHECK_EQ(sleeps, 3);
    CHECK_EQ(ta.recv(ta.ctx, &b, 1), 1);
    CHECK_EQ(b, 0x5A);
    CHECK(!cpu_masked);

    on_sleep = NULL;
    sleeps = 0;
    t0 = tlsp_port_millis();
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 25), 0);
    CHECK(tlsp_port_millis() - t0 >= 25);
    CHECK(sleeps >= 25 && sleeps <= 26);
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_WRITABLE, 25), (int) TLSP_IO_WRITABLE);
}

/* One byte per sleep (the fake UART, like the real one, holds one byte until its
 * interrupt is taken). */
static void deliver_two_while_asleep(void)
{
    if (sleeps <= 2) {
        line_deliver(&dev_a, (uint8_t) (2 + sleeps));
    }
}

/* Batched wake-ups: a batch, or a pause in the line, ends the wait; not each byte. */
static void test_rx_batch(void)
{
    uint8_t got[8];

    setup(0);
    CHECK_EQ(tlsp_uart_set_rx_batch(&ua, 4, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_set_rx_batch(&ua, sizeof(rx_a) + 1, 2), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_uart_set_rx_batch(&ua, 4, 2), 0);
    line_deliver(&dev_a, 1);
    line_deliver(&dev_a, 2);
    /* Two bytes, and the line only just went quiet: not yet. */
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 1), 0);
    /* Two more arrive while asleep: a full batch ends the wait at once. */
    on_sleep = deliver_two_while_asleep;
    sleeps = 0;
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 100), (int) TLSP_IO_READABLE);
    CHECK_EQ(sleeps, 2);
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), 4);
    /* One byte, then silence: readable once the pause reaches 2 ms. */
    on_sleep = NULL;
    line_deliver(&dev_a, 5);
    sleeps = 0;
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 100), (int) TLSP_IO_READABLE);
    CHECK_EQ(sleeps, 2);
    /* recv() never waits for a batch. */
    line_deliver(&dev_a, 6);
    CHECK_EQ(ta.recv(ta.ctx, got, sizeof(got)), 2);
    /* Back to every byte. */
    CHECK_EQ(tlsp_uart_set_rx_batch(&ua, 1, 0), 0);
    line_deliver(&dev_a, 7);
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_READABLE, 0), (int) TLSP_IO_READABLE);
}

/* Polled: nothing moves until the main loop calls in; then the device is serviced. */
static void test_polled_mode(void)
{
    uint8_t b = 0;
    uint8_t out[3] = { 1, 2, 3 };

    memset(&dev_a, 0, sizeof(dev_a));
    devices[0] = &dev_a;
    devices[1] = NULL;
    dev_a.owner = NULL;       /* no interrupt routed */
    cpu_masked = 0;
    on_sleep = NULL;
    CHECK_EQ(tlsp_uart_init(&ua, &fake_hal, &dev_a, rx_a, sizeof(rx_a), tx_a, sizeof(tx_a),
                            TLSP_UART_POLLED), 0);
    tlsp_uart_transport(&ua, &ta);
    line_deliver(&dev_a, 0x42);
    CHECK_EQ(ta.recv(ta.ctx, &b, 1), 1);
    CHECK_EQ(b, 0x42);
    CHECK_EQ(ta.send(ta.ctx, out, 3), 3);
    CHECK_EQ(tlsp_uart_tx_pending(&ua), 2);   /* one in the transmitter */
    CHECK(line_tx_complete(&dev_a));
    CHECK_EQ(ta.wait(ta.ctx, TLSP_IO_WRITABLE, 0), (int) TLSP_IO_WRITABLE); /* services: next byte */
    CHECK(line_tx_complete(&dev_a));
    CHECK_EQ(ta.recv(ta.ctx, &b, 1), TLSP_WANT_READ);
    CHECK(line_tx_complete(&dev_a));
    CHECK_EQ(dev_a.wire_len, 3);
    CHECK(!dev_a.tx_irq_on);
}

/* ---- TLS over two fake UARTs wired together ------------------------------------------- */

/* The line: each direction moves up to `rate` bytes per tick. */
static void line_tick(unsigned rate)
{
    unsigned i;

    for (i = 0; i < rate; i++) {
        (void) line_tx_complete(&dev_a);
        (void) line_tx_complete(&dev_b);
    }
}

static void wire_together(void)
{
    setup(0);
    dev_a.peer = &dev_b;
    dev_b.peer = &dev_a;
}

static void test_tls_over_uarts(void)
{
    tlsp_pair_opts o;
    tlsp_pair *p;
    static uint8_t out_c[3000], out_s[3000], in_c[3000], in_s[3000];
    size_t oc = 0, os = 0, ic = 0, is = 0;
    unsigned ticks = 0;
    size_t i;

    memset(&o, 0, sizeof(o));
    o.queue_size = 300;     /* small engine queues: many passes, partial records */
    p = tlsp_pair_new(&o);
    REQUIRE(p != NULL);
    wire_together();
    for (i = 0; i < sizeof(out_c); i++) {
        out_c[i] = tlsp_pair_data_byte(1, i);
        out_s[i] = tlsp_pair_data_byte(2, i);
    }
    while (ticks++ < 200000 && (ic < sizeof(in_c) || is < sizeof(in_s))) {
        int r;

        CHECK_EQ(tlsp_drive_step(&p->client, &ta, NULL), 0);
        CHECK_EQ(tlsp_drive_step(&p->server, &tb, NULL), 0);
        if ((tlsp_status(&p->client) & TLSP_STATUS_HANDSHAKE_DONE) &&
            (tlsp_status(&p->server) & TLSP_STATUS_HANDSHAKE_DONE)) {
            if (oc < sizeof(out_c) && (r = tlsp_write(&p->client, out_c + oc, sizeof(out_c) - oc)) > 0) {
                oc += (size_t) r;
            }
            if (os < sizeof(out_s) && (r = tlsp_write(&p->server, out_s + os, sizeof(out_s) - os)) > 0) {
                os += (size_t) r;
            }
            if (ic < sizeof(in_c) && (r = tlsp_read(&p->client, in_c + ic, sizeof(in_c) - ic)) > 0) {
                ic += (size_t) r;
            }
            if (is < sizeof(in_s) && (r = tlsp_read(&p->server, in_s + is, sizeof(in_s) - is)) > 0) {
                is += (size_t) r;
            }
        }
        if (tlsp_uart_failed(&ua) || tlsp_uart_failed(&ub)) {
            break;
        }
        line_tick(16);
    }
    CHECK(!tlsp_uart_failed(&ua));
    CHECK(!tlsp_uart_failed(&ub));
    CHECK_EQ(ic, sizeof(in_c));
    CHECK_EQ(is, sizeof(in_s));
    CHECK(memcmp(in_c, out_s, sizeof(in_c)) == 0);
    CHECK(memcmp(in_s, out_c, sizeof(in_s)) == 0);
    tlsp_pair_free(p);
}

/* The server's main loop stops servicing (a long computation) while the client sends:
 * its 64-byte ring fills and the next byte is reported lost, not silently dropped. */
static void test_tls_receiver_stall_detected(void)
{
    tlsp_pair *p = tlsp_pair_new(NULL);
    unsigned i;
    tlsp_uart_stats st;

    REQUIRE(p != NULL);
    wire_together();
    /* ClientHello (over 64 bytes) goes out while the server does not run. */
    for (i = 0; i < 100; i++) {
        CHECK_EQ(tlsp_drive_step(&p->client, &ta, NULL), 0);
        line_tick(16);
    }
    tlsp_uart_get_stats(&ub, &st);
    CHECK(st.rx_overruns > 0);
    CHECK_EQ(tlsp_drive_step(&p->server, &tb, NULL), TLSP_ERR_TRANSPORT);
    tlsp_pair_free(p);
}

int main(void)
{
    RUN_TEST(test_init_checks);
    RUN_TEST(test_rx_buffered_while_busy);
    RUN_TEST(test_rx_ring_overrun_is_fatal);
    RUN_TEST(test_hw_overrun_is_fatal);
    RUN_TEST(test_tx_backpressure_and_order);
    RUN_TEST(test_tx_kick_while_busy);
    RUN_TEST(test_wait_wakes_and_times_out);
    RUN_TEST(test_rx_batch);
    RUN_TEST(test_polled_mode);
    RUN_TEST(test_tls_over_uarts);
    RUN_TEST(test_tls_receiver_stall_detected);
    return tlsp_test_finish("uart_transport");
}
