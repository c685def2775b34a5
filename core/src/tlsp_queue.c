/*
 * Byte ring over caller storage. Indices run over [0, 2*size) so that "full" (head - tail
 * == size) and "empty" (head == tail) differ without wasting a slot or keeping a shared
 * count that both producer and consumer would have to write.
 */
#include "tlspair/tlsp_queue.h"

#include <string.h>

#include "tlspair/tlsp_error.h"

/* Keeps the compiler from moving data stores after the index store that publishes them
 * (and index loads before data loads). A single-core MCU needs nothing more between its
 * main loop and an interrupt handler. */
#if defined(__GNUC__) || defined(__clang__)
#define QUEUE_BARRIER() __asm__ __volatile__("" ::: "memory")
#else
#define QUEUE_BARRIER() ((void) 0)
#endif

static size_t wrap_index(const tlsp_queue *q, size_t i)
{
    return i >= q->size ? i - q->size : i;
}

static size_t advance(const tlsp_queue *q, size_t i, size_t n)
{
    i += n;
    return i >= 2 * q->size ? i - 2 * q->size : i;
}

int tlsp_queue_init(tlsp_queue *q, uint8_t *buf, size_t size)
{
    if (q == NULL || buf == NULL || size == 0 || size > SIZE_MAX / 2) {
        return TLSP_ERR_BAD_ARG;
    }
    q->buf = buf;
    q->size = size;
    q->head = 0;
    q->tail = 0;
    return 0;
}

void tlsp_queue_clear(tlsp_queue *q)
{
    q->head = 0;
    q->tail = 0;
}

size_t tlsp_queue_used(const tlsp_queue *q)
{
    size_t head = q->head;
    size_t tail = q->tail;

    return head >= tail ? head - tail : head + 2 * q->size - tail;
}

size_t tlsp_queue_free(const tlsp_queue *q)
{
    return q->size - tlsp_queue_used(q);
}

const uint8_t *tlsp_queue_peek(const tlsp_queue *q, size_t *len)
{
    size_t used = tlsp_queue_used(q);
    size_t start = wrap_index(q, q->tail);
    size_t run = q->size - start;

    QUEUE_BARRIER();
    *len = used < run ? used : run;
    return *len ? q->buf + start : NULL;
}

void tlsp_queue_consume(tlsp_queue *q, size_t n)
{
    size_t used = tlsp_queue_used(q);

    if (n > used) {
        n = used;
    }
    QUEUE_BARRIER();
    q->tail = advance(q, q->tail, n);
}

uint8_t *tlsp_queue_reserve(tlsp_queue *q, size_t *len)
{
    size_t space = tlsp_queue_free(q);
    size_t start = wrap_index(q, q->head);
    size_t run = q->size - start;

    *len = space < run ? space : run;
    return *len ? q->buf + start : NULL;
}

void tlsp_queue_commit(tlsp_queue *q, size_t n)
{
    size_t space = tlsp_queue_free(q);

    if (n > space) {
        n = space;
    }
    QUEUE_BARRIER();
    q->head = advance(q, q->head, n);
}

size_t tlsp_queue_write(tlsp_queue *q, const uint8_t *data, size_t len)
{
    size_t done = 0;

    while (done < len) {
        size_t run;
        uint8_t *dst = tlsp_queue_reserve(q, &run);
        if (dst == NULL) {
            break;
        }
        if (run > len - done) {
            run = len - done;
        }
        memcpy(dst, data + done, run);
        tlsp_queue_commit(q, run);
        done += run;
    }
    return done;
}

size_t tlsp_queue_read(tlsp_queue *q, uint8_t *out, size_t len)
{
    size_t done = 0;

    while (done < len) {
        size_t run;
        const uint8_t *src = tlsp_queue_peek(q, &run);
        if (src == NULL) {
            break;
        }
        if (run > len - done) {
            run = len - done;
        }
        memcpy(out + done, src, run);
        tlsp_queue_consume(q, run);
        done += run;
    }
    return done;
}
