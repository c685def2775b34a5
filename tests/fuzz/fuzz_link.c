/*
 * Fuzz target: the link layer's receive path (COBS frame decoder, CRC check, ARQ header
 * parsing, SACK, credit, POLL/FINAL, retransmission timers) on a tlsp_link instance whose
 * lower transport delivers the fuzz input (format in fuzz_link.h). The upper side reads
 * whatever the link delivers and sends data of its own, so acknowledgements from the
 * input meet a real send window.
 */
#include <string.h>

#include "fuzz_engine.h"
#include "fuzz_link.h"
#include "fuzz_target.h"
#include "tlsp_port_test.h"

/* Calls into the link per operation before it counts as hung: every upper recv() of a
 * pump returns bytes, or ends the pump. */
#define MAX_PUMPS 100000u

typedef struct line {
    const uint8_t *in;           /* bytes the line has for the link */
    size_t in_len, in_off;
    int eof;
    size_t out_bytes;            /* what the link wrote to the line */
    size_t wire_max;             /* the largest write it may make */
} line;

static int line_send(void *ctx, const uint8_t *buf, size_t len)
{
    line *l = ctx;

    FZ_ASSERT(buf != NULL && len >= 1);
    /* A whole encoded frame at most, even with its delimiters. */
    FZ_ASSERT(len <= l->wire_max);
    l->out_bytes += len;
    return (int) len;
}

static int line_recv(void *ctx, uint8_t *buf, size_t len)
{
    line *l = ctx;
    size_t n = l->in_len - l->in_off;

    FZ_ASSERT(buf != NULL && len >= 1);
    if (n == 0) {
        return l->eof ? 0 : TLSP_WANT_READ;
    }
    if (n > len) {
        n = len;
    }
    memcpy(buf, l->in + l->in_off, n);
    l->in_off += n;
    return (int) n;
}

static tlsp_link link_;
static uint8_t link_mem[TLSP_LINK_MEMORY_SIZE(TLSP_LINK_MAX_PAYLOAD, TLSP_LINK_MAX_WINDOW,
                                              TLSP_LINK_MAX_WINDOW)];

/* Read what the link delivers until it has nothing more. */
static void pump(tlsp_transport *upper)
{
    uint8_t buf[512];
    unsigned i;
    uint64_t delivered_before = tlsp_link_get_stats(&link_)->bytes_delivered;
    size_t got = 0;

    for (i = 0; i < MAX_PUMPS; i++) {
        int r = upper->recv(upper->ctx, buf, sizeof(buf));

        if (r <= 0) {
            FZ_ASSERT(r == 0 || r == TLSP_WANT_READ || r == TLSP_ERR_TRANSPORT);
            FZ_ASSERT(r != TLSP_ERR_TRANSPORT || tlsp_link_error(&link_) != 0);
            FZ_ASSERT(tlsp_link_get_stats(&link_)->bytes_delivered == delivered_before + got);
            return;
        }
        FZ_ASSERT((size_t) r <= sizeof(buf));
        got += (size_t) r;
    }
    fz_fail(__FILE__, __LINE__, "link keeps delivering without end (hang)");
}

/* Bytes arrive on the line; the link reads them while the upper side reads it. */
static void arrive(line *l, tlsp_transport *upper, const uint8_t *p, size_t n)
{
    l->in = p;
    l->in_len = n;
    l->in_off = 0;
    pump(upper);
    l->in_len = 0;
    l->in_off = 0;
}

static void send_data(tlsp_transport *upper, const uint8_t *p, size_t n)
{
    unsigned i;

    for (i = 0; i < MAX_PUMPS && n > 0; i++) {
        int r = upper->send(upper->ctx, p, n);

        if (r <= 0) {
            FZ_ASSERT(r == TLSP_WANT_WRITE || r == TLSP_ERR_TRANSPORT);
            return;
        }
        FZ_ASSERT((size_t) r <= n);
        p += r;
        n -= (size_t) r;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tlsp_link_config cfg;
    tlsp_transport lower, upper;
    line l;
    size_t off = 1;
    const tlsp_link_stats *st;

    if (size == 0) {
        return 0;
    }
    memset(&l, 0, sizeof(l));
    fz_link_config(&cfg, data[0]);
    l.wire_max = TLSP_LINK_WIRE_MAX(cfg.frame_payload);
    lower.send = line_send;
    lower.recv = line_recv;
    lower.wait = NULL;
    lower.ctx = &l;
    FZ_ASSERT(tlsp_link_memory_size(&cfg) <= sizeof(link_mem));
    FZ_ASSERT(tlsp_link_init(&link_, &cfg, &lower, link_mem, sizeof(link_mem)) == 0);
    tlsp_link_transport(&link_, &upper);
    while (off + 3 <= size) {
        unsigned op = data[off] % FZ_LINK_OPS;
        size_t len = ((size_t) data[off + 1] << 8) | data[off + 2];

        off += 3;
        if (op == FZ_LINK_TIME) {
            tlsp_port_test_advance_millis(len * 8u);
            (void) tlsp_link_poll(&link_);
            continue;
        }
        if (op == FZ_LINK_EOF) {
            l.eof = 1;
            pump(&upper);
            continue;
        }
        if (len > size - off) {
            len = size - off;
        }
        if (op == FZ_LINK_LINE) {
            arrive(&l, &upper, data + off, len);
        } else {
            send_data(&upper, data + off, len);
        }
        off += len;
    }
    st = tlsp_link_get_stats(&link_);
    /* Payload comes out of frames that came in: never more than the line carried. */
    FZ_ASSERT(st->bytes_delivered <= st->line_bytes_in);
    FZ_ASSERT(st->line_bytes_out == l.out_bytes);
    return 0;
}
