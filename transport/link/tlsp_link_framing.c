/*
 * Framing primitives of the link layer: CRC-32 and COBS. Pure functions, no state.
 */
#include "tlspair/tlsp_link.h"

#include "tlsp_link_cobs.h"

/* CRC-32 four bits at a time: a 64-byte table instead of 1 KiB, at about half the speed
 * of the byte-wise table, which a line at UART rates never notices. */
static const uint32_t crc32_nibble[16] = {
    0x00000000u, 0x1db71064u, 0x3b6e20c8u, 0x26d930acu,
    0x76dc4190u, 0x6b6b51f4u, 0x4db26158u, 0x5005713cu,
    0xedb88320u, 0xf00f9344u, 0xd6d6a3e8u, 0xcb61b38cu,
    0x9b64c2b0u, 0x86d3d2d4u, 0xa00ae278u, 0xbdbdf21cu,
};

uint32_t tlsp_link_crc32(uint32_t crc, const uint8_t *data, size_t len)
{
    size_t i;

    crc = ~crc;
    for (i = 0; i < len; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0x0fu];
        crc = (crc >> 4) ^ crc32_nibble[crc & 0x0fu];
    }
    return ~crc;
}

void tlsp_cobs_enc_start(tlsp_cobs_enc *e, uint8_t *out)
{
    e->out = out;
    e->code_at = 0;
    e->o = 1;
    e->code = 1;
    e->open = 1;
}

void tlsp_cobs_enc_put(tlsp_cobs_enc *e, const uint8_t *in, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (!e->open) {
            e->code_at = e->o++;
            e->code = 1;
            e->open = 1;
        }
        if (in[i] == 0) {
            e->out[e->code_at] = e->code;
            e->code_at = e->o++;
            e->code = 1;
            continue;
        }
        e->out[e->o++] = in[i];
        if (++e->code == 0xff) {
            /* A full block implies no zero. The next block opens only if data follows,
             * which keeps the size bound at len + len/254 + 1. */
            e->out[e->code_at] = e->code;
            e->open = 0;
        }
    }
}

size_t tlsp_cobs_enc_finish(tlsp_cobs_enc *e)
{
    if (e->open) {
        e->out[e->code_at] = e->code;
    }
    return e->o;
}

size_t tlsp_link_cobs_encode(const uint8_t *in, size_t len, uint8_t *out)
{
    tlsp_cobs_enc e;

    tlsp_cobs_enc_start(&e, out);
    tlsp_cobs_enc_put(&e, in, len);
    return tlsp_cobs_enc_finish(&e);
}

long tlsp_link_cobs_decode(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0;
    size_t o = 0;

    while (i < len) {
        uint8_t code = in[i++];
        uint8_t k;

        if (code == 0) {
            return -1;
        }
        for (k = 1; k < code; k++) {
            if (i >= len || in[i] == 0) {
                return -1;
            }
            out[o++] = in[i++];
        }
        if (code != 0xff && i < len) {
            out[o++] = 0;
        }
    }
    return (long) o;
}
