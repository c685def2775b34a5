/*
 * The input of fuzz_link.c, shared with the recorder that writes its seeds.
 *
 *   byte 0   link config variant (fz_link_config())
 *   then     operations, each [op: 1 byte][length: 2 bytes, big-endian][...]:
 *     FZ_LINK_LINE  length bytes arrive on the line; the link is pumped through the
 *                   upper recv() until it has nothing more
 *     FZ_LINK_SEND  length bytes of the input are offered to the upper send()
 *     FZ_LINK_TIME  the port clock moves length * 8 ms; tlsp_link_poll()
 *     FZ_LINK_EOF   the line ends; the link is pumped (length: no bytes follow)
 */
#ifndef FUZZ_LINK_H
#define FUZZ_LINK_H

#include <stdint.h>

#include "tlspair/tlsp_link.h"

enum { FZ_LINK_LINE = 0, FZ_LINK_SEND, FZ_LINK_TIME, FZ_LINK_EOF, FZ_LINK_OPS };

#define FZ_LINK_VARIANTS 4u

/** The link parameters of a variant (small payloads and windows, and the defaults). */
static inline void fz_link_config(tlsp_link_config *cfg, uint8_t variant)
{
    tlsp_link_config_init(cfg, 115200);
    switch (variant % FZ_LINK_VARIANTS) {
    case 0:
        break;                                   /* 256-byte payloads, windows of 8 */
    case 1:
        cfg->frame_payload = TLSP_LINK_MIN_PAYLOAD;
        cfg->tx_window = 1;
        cfg->rx_window = 1;
        break;
    case 2:
        cfg->frame_payload = 64;
        cfg->tx_window = TLSP_LINK_MAX_WINDOW;
        cfg->rx_window = TLSP_LINK_MAX_WINDOW;
        break;
    default:
        cfg->frame_payload = 300;                /* a payload that is no power of two */
        cfg->tx_window = 3;
        cfg->rx_window = 5;
        break;
    }
}

#endif /* FUZZ_LINK_H */
