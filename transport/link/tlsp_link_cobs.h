/*
 * Streaming COBS encoder shared by the link (which encodes a frame from its pieces
 * straight into the line buffer) and tlsp_link_cobs_encode(). Internal to the link.
 */
#ifndef TLSP_LINK_COBS_H
#define TLSP_LINK_COBS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tlsp_cobs_enc {
    uint8_t *out;
    size_t o;         /* next output byte */
    size_t code_at;   /* where the open block's code byte goes */
    uint8_t code;     /* 1 + data bytes in the open block */
    uint8_t open;     /* a block is open (0 right after a full 254-byte block) */
} tlsp_cobs_enc;

void tlsp_cobs_enc_start(tlsp_cobs_enc *e, uint8_t *out);
void tlsp_cobs_enc_put(tlsp_cobs_enc *e, const uint8_t *in, size_t len);
/* Closes the last block; returns the encoded length. */
size_t tlsp_cobs_enc_finish(tlsp_cobs_enc *e);

#endif /* TLSP_LINK_COBS_H */
