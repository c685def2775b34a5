/*
 * The serial line simulator (tlsp_linesim.h). Virtual time: a byte takes 10 bit-times, so
 * per millisecond of the port clock a line moves baud/10000 bytes; the remainder carries
 * over in `credit` (units: baud * ms, 10000 per byte). An idle line banks no time.
 */
#include "tlspair/tlsp_linesim.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tlspair/tlsp_port.h"

#define UNITS_PER_BYTE 10000u   /* 10 bits * 1000 ms/s */

static uint64_t rng_next(uint64_t *s)
{
    /* xorshift64*: fast, good enough for fault placement, reproducible everywhere. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

static double rng_unit(uint64_t *s)
{
    return (double) (rng_next(s) >> 11) * (1.0 / 9007199254740992.0);
}

static int chance(uint64_t *s, double p)
{
    return p > 0.0 && rng_unit(s) < p;
}

static void rx_put(tlsp_linesim_dir *d, uint8_t b)
{
    if (d->rx_len == d->rx_size) {
        d->stats.overruns++;
        return;
    }
    d->rx[(d->rx_head + d->rx_len) % d->rx_size] = b;
    d->rx_len++;
    d->stats.bytes_landed++;
}

/* One byte leaves the wire at the receiver: faults apply here. */
static void land(tlsp_linesim_dir *d, uint8_t b)
{
    const tlsp_linesim_faults *f = &d->faults;

    if (d->burst_left == 0 && chance(&d->rng, f->burst_rate)) {
        d->burst_left = f->burst_len != 0 ? f->burst_len : 16u;
    }
    if (d->burst_left != 0) {
        d->burst_left--;
        d->stats.burst_bytes++;
        rx_put(d, (uint8_t) rng_next(&d->rng));
        return;
    }
    if (chance(&d->rng, f->insert_rate)) {
        d->stats.bytes_inserted++;
        rx_put(d, (uint8_t) rng_next(&d->rng));
    }
    if (chance(&d->rng, f->drop_rate)) {
        d->stats.bytes_dropped++;
        return;
    }
    if (chance(&d->rng, d->p_flip_byte)) {
        /* At least one bit flips; the others flip with the plain rate. */
        unsigned first = (unsigned) (rng_next(&d->rng) % 8u);
        unsigned bit;
        b ^= (uint8_t) (1u << first);
        d->stats.bits_flipped++;
        for (bit = 0; bit < 8u; bit++) {
            if (bit != first && chance(&d->rng, f->bit_error_rate)) {
                b ^= (uint8_t) (1u << bit);
                d->stats.bits_flipped++;
            }
        }
    }
    rx_put(d, b);
    if (chance(&d->rng, f->dup_rate)) {
        d->stats.bytes_duplicated++;
        rx_put(d, b);
    }
}

static void dir_update(tlsp_linesim_dir *d, uint32_t baud, uint64_t now)
{
    uint64_t n;

    if (now <= d->last_ms) {
        return;
    }
    if (d->tx_len == 0) {
        d->credit = 0; /* an idle line banks no time */
        d->last_ms = now;
        return;
    }
    d->credit += (now - d->last_ms) * baud;
    d->last_ms = now;
    n = d->credit / UNITS_PER_BYTE;
    if (n >= d->tx_len) {
        n = d->tx_len;
    }
    d->credit -= n * UNITS_PER_BYTE;
    while (n-- > 0) {
        uint8_t b = d->tx[d->tx_head];
        d->tx_head = (d->tx_head + 1) % d->tx_size;
        d->tx_len--;
        land(d, b);
    }
    if (d->tx_len == 0) {
        d->credit = 0;
    }
}

void tlsp_linesim_update(tlsp_linesim *sim)
{
    uint64_t now = tlsp_port_millis();

    dir_update(&sim->dir[0], sim->baud, now);
    dir_update(&sim->dir[1], sim->baud, now);
}

/* When the next byte of d lands (UINT64_MAX if idle). */
static uint64_t dir_next(const tlsp_linesim_dir *d, uint32_t baud)
{
    uint64_t need;

    if (d->tx_len == 0) {
        return UINT64_MAX;
    }
    need = UNITS_PER_BYTE - d->credit;
    return d->last_ms + (need + baud - 1) / baud;
}

uint64_t tlsp_linesim_next_event(tlsp_linesim *sim)
{
    uint64_t a, b;

    tlsp_linesim_update(sim);
    a = dir_next(&sim->dir[0], sim->baud);
    b = dir_next(&sim->dir[1], sim->baud);
    return a < b ? a : b;
}

uint64_t tlsp_linesim_idle_until(tlsp_linesim *sim, const uint64_t *timers, size_t n,
                                 uint32_t max_step_ms)
{
    uint64_t now = tlsp_port_millis();
    uint64_t t = tlsp_linesim_next_event(sim);
    size_t i;

    for (i = 0; i < n; i++) {
        if (timers[i] < t) {
            t = timers[i];
        }
    }
    if (t > now + max_step_ms) {
        t = now + max_step_ms;
    }
    return t > now ? t : now + 1;
}

static int sim_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_linesim_port *p = ctx;
    tlsp_linesim_dir *d = &p->sim->dir[p->side];
    size_t n = 0;

    tlsp_linesim_update(p->sim);
    if (d->tx_len == 0) {
        d->last_ms = tlsp_port_millis(); /* the line starts now */
        d->credit = 0;
    }
    while (n < len && d->tx_len < d->tx_size) {
        d->tx[(d->tx_head + d->tx_len) % d->tx_size] = buf[n++];
        d->tx_len++;
    }
    if (n == 0) {
        return TLSP_WANT_WRITE;
    }
    d->stats.bytes_sent += n;
    return n > INT_MAX ? INT_MAX : (int) n;
}

static int sim_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_linesim_port *p = ctx;
    tlsp_linesim_dir *d = &p->sim->dir[1 - p->side];
    size_t n = 0;

    tlsp_linesim_update(p->sim);
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    while (n < len && d->rx_len > 0) {
        buf[n++] = d->rx[d->rx_head];
        d->rx_head = (d->rx_head + 1) % d->rx_size;
        d->rx_len--;
    }
    return n == 0 ? TLSP_WANT_READ : (int) n;
}

static unsigned ready(tlsp_linesim_port *p, unsigned events)
{
    unsigned r = 0;

    if ((events & TLSP_IO_READABLE) && p->sim->dir[1 - p->side].rx_len > 0) {
        r |= TLSP_IO_READABLE;
    }
    if ((events & TLSP_IO_WRITABLE) && p->sim->dir[p->side].tx_len < p->sim->dir[p->side].tx_size) {
        r |= TLSP_IO_WRITABLE;
    }
    return r;
}

static int sim_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    tlsp_linesim_port *p = ctx;
    tlsp_linesim *sim = p->sim;
    uint64_t now, until, t;
    unsigned r;

    tlsp_linesim_update(sim);
    r = ready(p, events);
    if (r != 0 || sim->advance == NULL) {
        return (int) r;
    }
    now = tlsp_port_millis();
    until = now + timeout_ms;
    /* Something changes for this end when a byte lands for it, or leaves its FIFO. */
    if ((events & TLSP_IO_READABLE) && (t = dir_next(&sim->dir[1 - p->side], sim->baud)) < until) {
        until = t;
    }
    if ((events & TLSP_IO_WRITABLE) && (t = dir_next(&sim->dir[p->side], sim->baud)) < until) {
        until = t;
    }
    if (until > now) {
        sim->advance(sim->advance_arg, until);
    }
    tlsp_linesim_update(sim);
    return (int) ready(p, events);
}

void tlsp_linesim_set_faults(tlsp_linesim *sim, tlsp_linesim_end from,
                             const tlsp_linesim_faults *faults)
{
    tlsp_linesim_dir *d = &sim->dir[from];

    tlsp_linesim_update(sim);
    memset(&d->faults, 0, sizeof(d->faults));
    if (faults != NULL) {
        d->faults = *faults;
    }
    d->p_flip_byte = 1.0 - pow(1.0 - d->faults.bit_error_rate, 8.0);
}

void tlsp_linesim_set_clock(tlsp_linesim *sim, void (*advance)(void *arg, uint64_t to_ms),
                            void *arg)
{
    sim->advance = advance;
    sim->advance_arg = arg;
}

int tlsp_linesim_init(tlsp_linesim *sim, uint32_t baud, size_t tx_fifo, size_t rx_buf,
                      uint64_t seed)
{
    int i;

    if (sim == NULL || baud < 10u || tx_fifo == 0 || rx_buf == 0) {
        return TLSP_ERR_BAD_ARG;
    }
    memset(sim, 0, sizeof(*sim));
    sim->baud = baud;
    for (i = 0; i < 2; i++) {
        tlsp_linesim_dir *d = &sim->dir[i];
        d->tx = malloc(tx_fifo);
        d->rx = malloc(rx_buf);
        if (d->tx == NULL || d->rx == NULL) {
            tlsp_linesim_free(sim);
            return TLSP_ERR_NO_MEMORY;
        }
        d->tx_size = tx_fifo;
        d->rx_size = rx_buf;
        d->last_ms = tlsp_port_millis();
        /* Distinct, nonzero xorshift states per direction. */
        d->rng = (seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t) (unsigned) (i + 1))) | UINT64_C(1);
        sim->port[i].sim = sim;
        sim->port[i].side = i;
    }
    return 0;
}

void tlsp_linesim_free(tlsp_linesim *sim)
{
    int i;

    if (sim == NULL) {
        return;
    }
    for (i = 0; i < 2; i++) {
        free(sim->dir[i].tx);
        free(sim->dir[i].rx);
        sim->dir[i].tx = sim->dir[i].rx = NULL;
    }
}

void tlsp_linesim_transport(tlsp_linesim *sim, tlsp_linesim_end end, tlsp_transport *t)
{
    static const tlsp_transport proto = { sim_send, sim_recv, sim_wait, NULL };

    *t = proto;
    t->ctx = &sim->port[end];
}

size_t tlsp_linesim_pending(const tlsp_linesim *sim, tlsp_linesim_end from)
{
    return sim->dir[from].tx_len + sim->dir[from].rx_len;
}

const tlsp_linesim_stats *tlsp_linesim_get_stats(const tlsp_linesim *sim, tlsp_linesim_end from)
{
    return &sim->dir[from].stats;
}
