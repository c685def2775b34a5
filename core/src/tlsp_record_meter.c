/*
 * Counts TLS records in a byte stream that arrives in arbitrary pieces, by following the
 * 5-byte record header (type, version, 16-bit length). Used for the engine's record
 * counters; it reads the stream and never changes it.
 */
#include "tlsp_engine_internal.h"

#define RECORD_HEADER_LEN 5u

uint64_t tlsp_record_meter_feed(tlsp_record_meter *m, const uint8_t *data, size_t n)
{
    uint64_t completed = 0;
    size_t i = 0;

    while (i < n) {
        if (m->header_len < RECORD_HEADER_LEN) {
            m->header[m->header_len++] = data[i++];
            if (m->header_len == RECORD_HEADER_LEN) {
                m->body_left = ((uint32_t) m->header[3] << 8) | m->header[4];
                if (m->body_left == 0) {
                    completed++;
                    m->header_len = 0;
                }
            }
        } else {
            size_t take = n - i;
            if (take > m->body_left) {
                take = m->body_left;
            }
            m->body_left -= (uint32_t) take;
            i += take;
            if (m->body_left == 0) {
                completed++;
                m->header_len = 0;
            }
        }
    }
    return completed;
}
