/*
 * The net tap (tlsp_capture.h): setting it, and reporting a range that may wrap around
 * the end of a queue. The engine calls in through TLSP_CAPTURE_TAP*() in
 * tlsp_engine_internal.h, which are empty without TLSP_CAPTURE.
 */
#include "tlspair/tlsp_capture.h"

#include "tlspair/tlsp_engine.h"
#include "tlsp_engine_internal.h"

#if defined(TLSP_CAPTURE)

int tlsp_engine_set_capture(struct tlsp_engine *e, tlsp_capture_fn fn, void *ctx)
{
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    e->capture_fn = fn;
    e->capture_ctx = fn != NULL ? ctx : NULL;
    return 0;
}

void tlsp_capture_report(tlsp_engine *e, tlsp_capture_dir dir, const uint8_t *data, size_t len)
{
    if (e->capture_fn != NULL && len != 0) {
        e->capture_fn(e->capture_ctx, dir, data, len);
    }
}

void tlsp_capture_report_queue_head(tlsp_engine *e, tlsp_capture_dir dir, const tlsp_queue *q, size_t n)
{
    size_t run;
    const uint8_t *p;

    if (e->capture_fn == NULL) {
        return;
    }
    p = tlsp_queue_peek(q, &run);
    if (p == NULL) {
        return;
    }
    if (run > n) {
        run = n;
    }
    e->capture_fn(e->capture_ctx, dir, p, run);
    if (n > run) {
        /* The rest wrapped around to the start of the storage. */
        e->capture_fn(e->capture_ctx, dir, q->buf, n - run);
    }
}

#else /* !TLSP_CAPTURE */

int tlsp_engine_set_capture(struct tlsp_engine *e, tlsp_capture_fn fn, void *ctx)
{
    (void) e;
    (void) fn;
    (void) ctx;
    return TLSP_ERR_CONFIG;
}

#endif /* TLSP_CAPTURE */
