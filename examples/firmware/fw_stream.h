/**
 * \file fw_stream.h
 * \brief The firmware demo's test stream (fw_session.h): a xorshift32 byte stream from a
 *        seed and the CRC-32 of what passed. Header-only, so the boards (fw_session.c)
 *        and host programs (tests/firmware/fw_stream.c) make the very same bytes.
 */
#ifndef FW_STREAM_H
#define FW_STREAM_H

#include <stdint.h>

typedef struct fw_stream {
    uint32_t state;
    uint32_t crc;
} fw_stream;

/** \brief Start the stream of a seed (0 is taken as 1: xorshift never leaves 0). */
static inline void fw_stream_init(fw_stream *s, uint32_t seed)
{
    s->state = seed != 0 ? seed : 1u;
    s->crc = 0xFFFFFFFFu;
}

/** \brief The next byte: xorshift32 (Marsaglia 2003), a cheap stream both ends regenerate. */
static inline uint8_t fw_stream_next(fw_stream *s)
{
    uint32_t x = s->state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s->state = x;
    return (uint8_t) (x >> 24);
}

/** \brief Add a byte to the CRC-32 (IEEE 802.3, reflected), bit at a time: no table in flash. */
static inline void fw_stream_crc_add(fw_stream *s, uint8_t byte)
{
    uint32_t c = s->crc ^ byte;
    int k;

    for (k = 0; k < 8; k++) {
        c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    s->crc = c;
}

/** \brief The CRC-32 of the bytes added so far (sent little-endian as the trailer). */
static inline uint32_t fw_stream_crc(const fw_stream *s)
{
    return s->crc ^ 0xFFFFFFFFu;
}

#endif /* FW_STREAM_H */
