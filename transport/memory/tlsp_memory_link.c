/*
 * In-memory duplex link: two byte queues and a transport per end, with an MTU cap so
 * tests can deliver records in arbitrary fragments, down to one byte at a time.
 */
#include "tlspair/tlsp_memory_link.h"

#include <limits.h>

#include "tlspair/tlsp_drive.h"

static tlsp_queue *outgoing(tlsp_memory_link *link, tlsp_link_side side)
{
    return side == TLSP_LINK_A ? &link->to_b : &link->to_a;
}

static tlsp_queue *incoming(tlsp_memory_link *link, tlsp_link_side side)
{
    return side == TLSP_LINK_A ? &link->to_a : &link->to_b;
}

static size_t cap(const tlsp_memory_link *link, size_t len)
{
    if (link->mtu != 0 && len > link->mtu) {
        len = link->mtu;
    }
    return len > INT_MAX ? INT_MAX : len;
}

static int link_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_memory_end *end = ctx;
    size_t n;

    if (end->link->shut[end->side]) {
        return TLSP_ERR_TRANSPORT; /* writing after shutdown: a broken pipe */
    }
    n = tlsp_queue_write(outgoing(end->link, end->side), buf, cap(end->link, len));
    return n == 0 ? TLSP_WANT_WRITE : (int) n;
}

static int link_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_memory_end *end = ctx;
    size_t n = tlsp_queue_read(incoming(end->link, end->side), buf, cap(end->link, len));

    if (n == 0) {
        return end->link->shut[1 - end->side] ? 0 : TLSP_WANT_READ;
    }
    return (int) n;
}

int tlsp_memory_link_init(tlsp_memory_link *link,
                          uint8_t *buf_a_to_b, size_t size_a_to_b,
                          uint8_t *buf_b_to_a, size_t size_b_to_a, size_t mtu)
{
    int ret;

    if (link == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    ret = tlsp_queue_init(&link->to_b, buf_a_to_b, size_a_to_b);
    if (ret == 0) {
        ret = tlsp_queue_init(&link->to_a, buf_b_to_a, size_b_to_a);
    }
    if (ret != 0) {
        return ret;
    }
    link->mtu = mtu;
    link->shut[0] = link->shut[1] = 0;
    link->end[0].link = link;
    link->end[0].side = TLSP_LINK_A;
    link->end[1].link = link;
    link->end[1].side = TLSP_LINK_B;
    return 0;
}

void tlsp_memory_link_set_mtu(tlsp_memory_link *link, size_t mtu)
{
    link->mtu = mtu;
}

void tlsp_memory_link_transport(tlsp_memory_link *link, tlsp_link_side side, tlsp_transport *t)
{
    t->send = link_send;
    t->recv = link_recv;
    t->wait = NULL; /* both ends run in one thread: there is nothing to wait for */
    t->ctx = &link->end[side];
}

void tlsp_memory_link_shutdown(tlsp_memory_link *link, tlsp_link_side side)
{
    link->shut[side] = 1;
}

uint8_t *tlsp_memory_link_in_flight(tlsp_memory_link *link, tlsp_link_side from, size_t *len)
{
    /* The queue hands consumers a const view; tests that tamper with bytes in flight are
     * the one legitimate writer, so rebuild a writable pointer from the link's storage. */
    tlsp_queue *q = outgoing(link, from);
    const uint8_t *p = tlsp_queue_peek(q, len);

    return p != NULL ? q->buf + (p - q->buf) : NULL;
}

int tlsp_memory_pair_step(tlsp_engine *a, tlsp_engine *b, tlsp_memory_link *link, int *progress)
{
    tlsp_transport ta, tb;
    int pa = 0, pb = 0;
    int ra, rb;

    tlsp_memory_link_transport(link, TLSP_LINK_A, &ta);
    tlsp_memory_link_transport(link, TLSP_LINK_B, &tb);
    ra = tlsp_drive_step(a, &ta, &pa);
    rb = tlsp_drive_step(b, &tb, &pb);
    if (progress != NULL) {
        *progress = pa || pb;
    }
    return ra != 0 ? ra : rb;
}

int tlsp_memory_pair_handshake(tlsp_engine *a, tlsp_engine *b, tlsp_memory_link *link,
                               unsigned max_idle_rounds)
{
    unsigned idle = 0;

    for (;;) {
        int progress;
        int ret = tlsp_memory_pair_step(a, b, link, &progress);
        if (ret != 0) {
            return ret;
        }
        if ((tlsp_status(a) & TLSP_STATUS_HANDSHAKE_DONE) &&
            (tlsp_status(b) & TLSP_STATUS_HANDSHAKE_DONE)) {
            return 0;
        }
        idle = progress ? 0 : idle + 1;
        if (idle > max_idle_rounds) {
            return TLSP_ERR_TIMEOUT;
        }
    }
}
