#include "tlsp_linepair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlsp_port_test.h"
#include "tlspair/tlsp_drive.h"

#define TX_FIFO 256u
#define RX_BUF 1024u
/* Longest clock jump: engine deadlines are checked at least this often. */
#define MAX_STEP_MS 50u
/* After one end fails, how long the other gets to see the alert or time out. */
#define SETTLE_MS 60000u

int tlsp_linepair_init(tlsp_linepair *lp, uint32_t baud, const tlsp_link_config *link_cfg,
                       uint64_t seed)
{
    int ret, i;

    memset(lp, 0, sizeof(*lp));
    ret = tlsp_linesim_init(&lp->sim, baud, TX_FIFO, RX_BUF, seed);
    if (ret != 0) {
        return ret;
    }
    for (i = 0; i < 2; i++) {
        tlsp_linesim_transport(&lp->sim, (tlsp_linesim_end) i, &lp->raw[i]);
        lp->up[i] = lp->raw[i];
        if (link_cfg != NULL) {
            size_t size = tlsp_link_memory_size(link_cfg);
            lp->link_mem[i] = malloc(size);
            if (lp->link_mem[i] == NULL) {
                tlsp_linepair_free(lp);
                return TLSP_ERR_NO_MEMORY;
            }
            ret = tlsp_link_init(&lp->link[i], link_cfg, &lp->raw[i], lp->link_mem[i], size);
            if (ret != 0) {
                tlsp_linepair_free(lp);
                return ret;
            }
            tlsp_link_transport(&lp->link[i], &lp->up[i]);
        }
    }
    lp->use_link = link_cfg != NULL;
    if (link_cfg != NULL) {
        lp->link_cfg = *link_cfg;
    }
    return 0;
}

int tlsp_linepair_reset_link(tlsp_linepair *lp, tlsp_linesim_end end)
{
    int i = (int) end;

    if (!lp->use_link) {
        return TLSP_ERR_STATE;
    }
    return tlsp_link_init(&lp->link[i], &lp->link_cfg, &lp->raw[i], lp->link_mem[i],
                          tlsp_link_memory_size(&lp->link_cfg));
}

int tlsp_linepair_restart_links(tlsp_linepair *lp, uint32_t quiet_ms, uint32_t timeout_ms)
{
    uint64_t deadline = tlsp_port_millis() + timeout_ms;
    uint64_t last_heard = tlsp_port_millis();
    uint32_t step = quiet_ms / 4u != 0 ? quiet_ms / 4u : 1u;
    int i, ret;

    if (!lp->use_link) {
        return TLSP_ERR_STATE;
    }
    for (;;) {
        uint8_t junk[256];
        tlsp_linesim_update(&lp->sim);
        for (i = 0; i < 2; i++) {
            while (lp->raw[i].recv(lp->raw[i].ctx, junk, sizeof(junk)) > 0) {
                last_heard = tlsp_port_millis();
            }
        }
        if (tlsp_linesim_pending(&lp->sim, TLSP_LINESIM_A) == 0 &&
            tlsp_linesim_pending(&lp->sim, TLSP_LINESIM_B) == 0 &&
            tlsp_port_millis() - last_heard >= quiet_ms) {
            break;
        }
        if (tlsp_port_millis() >= deadline) {
            return TLSP_ERR_TIMEOUT;
        }
        tlsp_port_test_set_millis(tlsp_linesim_idle_until(&lp->sim, NULL, 0, step));
    }
    for (i = 0; i < 2; i++) {
        ret = tlsp_linepair_reset_link(lp, (tlsp_linesim_end) i);
        if (ret != 0) {
            return ret;
        }
    }
    return 0;
}

void tlsp_linepair_free(tlsp_linepair *lp)
{
    tlsp_linesim_free(&lp->sim);
    free(lp->link_mem[0]);
    free(lp->link_mem[1]);
    lp->link_mem[0] = lp->link_mem[1] = NULL;
}

static void idle(tlsp_linepair *lp)
{
    uint64_t timers[2] = { UINT64_MAX, UINT64_MAX };

    if (lp->use_link) {
        timers[0] = tlsp_link_next_timer(&lp->link[0]);
        timers[1] = tlsp_link_next_timer(&lp->link[1]);
    }
    tlsp_port_test_set_millis(tlsp_linesim_idle_until(&lp->sim, timers, 2, MAX_STEP_MS));
    lp->idle_steps++;
}

/* One step each; failures (not CLOSED) are recorded in err[] once. */
static int step_both(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b, int err[2])
{
    int pa = 0, pb = 0;
    int ra = tlsp_drive_step(a, &lp->up[0], &pa);
    int rb = tlsp_drive_step(b, &lp->up[1], &pb);

    if (ra != 0 && ra != TLSP_ERR_CLOSED && err[0] == 0) {
        err[0] = ra;
    }
    if (rb != 0 && rb != TLSP_ERR_CLOSED && err[1] == 0) {
        err[1] = rb;
    }
    return pa || pb;
}

int tlsp_linepair_step(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b)
{
    int err[2] = { 0, 0 };

    if (!step_both(lp, a, b, err)) {
        idle(lp);
    }
    return err[0] != 0 ? err[0] : err[1];
}

/* Run until both ends have failed or SETTLE_MS passed. */
static void settle_failure(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b, int err[2])
{
    uint64_t end = tlsp_port_millis() + SETTLE_MS;

    while ((err[0] == 0 || err[1] == 0) && tlsp_port_millis() < end) {
        if (!step_both(lp, a, b, err)) {
            idle(lp);
        }
        if (err[0] == 0) {
            err[0] = tlsp_engine_error(a);
        }
        if (err[1] == 0) {
            err[1] = tlsp_engine_error(b);
        }
    }
}

int tlsp_linepair_handshake(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b,
                            uint32_t timeout_ms, int *err_a, int *err_b)
{
    uint64_t deadline = tlsp_port_millis() + timeout_ms;
    int err[2] = { 0, 0 };
    int ret = 0;

    for (;;) {
        int progress = step_both(lp, a, b, err);
        if (err[0] != 0 || err[1] != 0) {
            ret = err[0] != 0 ? err[0] : err[1];
            settle_failure(lp, a, b, err);
            break;
        }
        if ((tlsp_status(a) & TLSP_STATUS_HANDSHAKE_DONE) &&
            (tlsp_status(b) & TLSP_STATUS_HANDSHAKE_DONE)) {
            break;
        }
        if (tlsp_port_millis() >= deadline) {
            ret = TLSP_ERR_TIMEOUT;
            break;
        }
        if (!progress) {
            idle(lp);
        }
    }
    if (err_a != NULL) {
        *err_a = err[0];
    }
    if (err_b != NULL) {
        *err_b = err[1];
    }
    return ret;
}

typedef struct direction {
    tlsp_engine *writer, *reader;
    uint32_t seed;
    size_t bytes, written, read, mismatches;
} direction;

static int write_some(direction *d, size_t chunk)
{
    uint8_t buf[4096];
    size_t n = d->bytes - d->written;
    size_t i;
    int ret;

    if (n == 0) {
        return 0;
    }
    if (n > chunk) {
        n = chunk;
    }
    if (n > sizeof(buf)) {
        n = sizeof(buf);
    }
    for (i = 0; i < n; i++) {
        buf[i] = tlsp_pair_data_byte(d->seed, d->written + i);
    }
    ret = tlsp_write(d->writer, buf, n);
    if (ret > 0) {
        d->written += (size_t) ret;
        return 1;
    }
    return 0;
}

/* Reads even after all expected bytes arrived: anything more is wrong too, and a
 * reader must keep asking for its engine's read deadline to run. */
static int read_some(direction *d)
{
    uint8_t buf[4096];
    int moved = 0;

    for (;;) {
        int ret = tlsp_read(d->reader, buf, sizeof(buf));
        size_t i;
        if (ret <= 0) {
            break;
        }
        for (i = 0; i < (size_t) ret; i++) {
            if (d->read + i >= d->bytes ||
                buf[i] != tlsp_pair_data_byte(d->seed, d->read + i)) {
                if (d->mismatches == 0) {
                    fprintf(stderr, "linepair: wrong plaintext at byte %zu\n", d->read + i);
                }
                d->mismatches++;
            }
        }
        d->read += (size_t) ret;
        moved = 1;
    }
    return moved;
}

int tlsp_linepair_transfer(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b,
                           size_t bytes_ab, size_t bytes_ba, size_t chunk,
                           uint32_t timeout_ms, tlsp_linepair_result *res)
{
    uint64_t start = tlsp_port_millis();
    uint64_t deadline = start + timeout_ms;
    direction ab = { a, b, 0xab, bytes_ab, 0, 0, 0 };
    direction ba = { b, a, 0xba, bytes_ba, 0, 0, 0 };
    int err[2] = { 0, 0 };
    uint64_t settle_end = 0;
    int ret = 0;

    for (;;) {
        int progress = 0;
        progress |= write_some(&ab, chunk);
        progress |= write_some(&ba, chunk);
        progress |= step_both(lp, a, b, err);
        progress |= read_some(&ab);
        progress |= read_some(&ba);
        if (err[0] == 0) {
            err[0] = tlsp_engine_error(a);
        }
        if (err[1] == 0) {
            err[1] = tlsp_engine_error(b);
        }
        if ((err[0] != 0 || err[1] != 0) && ret == 0) {
            /* Let the other end see the alert, or time out reading. */
            ret = err[0] != 0 ? err[0] : err[1];
            settle_end = tlsp_port_millis() + SETTLE_MS;
        }
        if (ret != 0 && ((err[0] != 0 && err[1] != 0) || tlsp_port_millis() >= settle_end)) {
            break;
        }
        if (ret == 0 && ab.read >= bytes_ab && ba.read >= bytes_ba) {
            break;
        }
        if (ret == 0 && tlsp_port_millis() >= deadline) {
            ret = TLSP_ERR_TIMEOUT;
            break;
        }
        if (!progress) {
            idle(lp);
        }
    }
    if (ab.mismatches != 0 || ba.mismatches != 0) {
        ret = -1;
    }
    if (res != NULL) {
        res->sent[0] = ab.written;
        res->sent[1] = ba.written;
        res->received[1] = ab.read;
        res->received[0] = ba.read;
        res->mismatches = ab.mismatches + ba.mismatches;
        res->err[0] = err[0];
        res->err[1] = err[1];
        res->ms = tlsp_port_millis() - start;
    }
    return ret;
}
