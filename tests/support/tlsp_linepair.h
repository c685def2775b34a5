/*
 * Test harness: two engines (client = end A, server = end B) over the serial line
 * simulator, with or without the link layer, run in one thread in virtual time on the
 * test port's clock. When neither end can move, the clock jumps to the next event (a byte
 * landing, a link timer), so minutes of line time take a fraction of a second.
 *
 *   tlsp_linepair lp;
 *   tlsp_linepair_init(&lp, 115200, &link_cfg, seed);   // NULL link_cfg: raw line
 *   tlsp_linesim_set_faults(&lp.sim, TLSP_LINESIM_A, &faults);
 *   tlsp_linepair_handshake(&lp, &client, &server, 60000);
 *   tlsp_linepair_transfer(&lp, &client, &server, 256 * 1024, 256 * 1024, 4096, 600000, &res);
 *   tlsp_linepair_free(&lp);
 */
#ifndef TLSP_LINEPAIR_H
#define TLSP_LINEPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_link.h"
#include "tlspair/tlsp_linesim.h"

typedef struct tlsp_linepair {
    tlsp_linesim sim;
    int use_link;
    tlsp_link link[2];
    uint8_t *link_mem[2];
    tlsp_transport raw[2];   /* the line ends */
    tlsp_transport up[2];    /* what the engines use: link upper, or the raw end */
    tlsp_link_config link_cfg; /* what both links were (and are re-)initialised with */
    uint64_t idle_steps;     /* clock jumps so far */
} tlsp_linepair;

/* What a transfer did. */
typedef struct tlsp_linepair_result {
    size_t sent[2];          /* bytes written by A (index 0) and B (1) */
    size_t received[2];      /* bytes read by A and B, all checked */
    size_t mismatches;       /* bytes read that differ from what was written */
    int err[2];              /* the failure each engine reported (0 = none) */
    uint64_t ms;             /* virtual time the transfer took */
} tlsp_linepair_result;

/* A line at baud with 256-byte UART buffers each way (tx_fifo 256, rx 1024) and, if
 * link_cfg is not NULL, a link on each end. 0 or a TLSP code. */
int tlsp_linepair_init(tlsp_linepair *lp, uint32_t baud, const tlsp_link_config *link_cfg,
                       uint64_t seed);
void tlsp_linepair_free(tlsp_linepair *lp);

/* One drive step of each engine; jumps the clock when nothing moved. Returns the first
 * failure either engine reported (TLSP_ERR_CLOSED included), else 0. */
int tlsp_linepair_step(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b);

/* Both handshakes, within timeout_ms of virtual time (TLSP_ERR_TIMEOUT beyond). After a
 * failure, keeps running the other end (bounded) so it sees the alert or times out:
 * err_a / err_b (may be NULL) receive each end's final code. */
int tlsp_linepair_handshake(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b,
                            uint32_t timeout_ms, int *err_a, int *err_b);

/* Move bytes_ab from A to B and bytes_ba from B to A at once (writes of at most chunk),
 * checking every byte read against tlsp_pair_data_byte(). Stops when done, when both
 * ends failed, or at timeout_ms of virtual time. 0 when all arrived intact; else the
 * first failure, TLSP_ERR_TIMEOUT, or -1 on a mismatch. */
int tlsp_linepair_transfer(tlsp_linepair *lp, tlsp_engine *a, tlsp_engine *b,
                           size_t bytes_ab, size_t bytes_ba, size_t chunk,
                           uint32_t timeout_ms, tlsp_linepair_result *res);

/* Restart one end's link alone (tlsp_link_init() on its memory, counters from 0), as a
 * board that rebooted would: the other end's link is left as it is, so the two no longer
 * agree on sequence numbers. 0, TLSP_ERR_STATE without links. */
int tlsp_linepair_reset_link(tlsp_linepair *lp, tlsp_linesim_end end);

/* Reconnect after a failed link: let the line fall quiet, then restart both links (the
 * link has no reconnect handshake, so both ends start afresh together; docs/link.md).
 * Runs the line without the engines, reading and dropping whatever arrives, until no
 * byte is in flight either way and nothing has arrived for quiet_ms; then re-initialises
 * both links. 0; TLSP_ERR_STATE without links; TLSP_ERR_TIMEOUT if the line did not fall
 * quiet within timeout_ms of virtual time. */
int tlsp_linepair_restart_links(tlsp_linepair *lp, uint32_t quiet_ms, uint32_t timeout_ms);

#endif /* TLSP_LINEPAIR_H */
