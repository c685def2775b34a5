/*
 * The firmware demo's exchange (fw_session.h), run by both boards. The stream itself is
 * fw_stream.h, which the host's fw-stream (tests/firmware/fw_stream.c) shares.
 */
#include "fw_session.h"
#include "fw_stream.h"

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_port.h"

/* TEST-ONLY credentials: public, like the test PKI. A short identity: it crosses the
 * line in every handshake. */
const uint8_t fw_psk_identity[] = "fw-test";
const size_t fw_psk_identity_len = sizeof(fw_psk_identity) - 1;
const uint8_t fw_psk_key[] = {
    0x5a, 0x3c, 0x11, 0x92, 0xe7, 0x40, 0x08, 0x6b, 0xd1, 0x2f, 0x77, 0x9e, 0x03, 0xc8, 0x55, 0xa4,
};
const size_t fw_psk_key_len = sizeof(fw_psk_key);

#define TRAILER_LEN  4u
#define CHUNK        256u

int fw_exchange(tlsp_engine *e, const tlsp_transport *t, uint32_t send_seed,
                uint32_t recv_seed, uint32_t timeout_ms, fw_exchange_result *r)
{
    const size_t total = FW_EXCHANGE_BYTES + TRAILER_LEN;
    uint64_t deadline = tlsp_port_millis() + timeout_ms;
    uint8_t out[CHUNK];
    uint8_t in[CHUNK];
    size_t out_len = 0;
    size_t out_off = 0;
    size_t staged = 0;          /* bytes of the outgoing stream put in `out` so far */
    fw_stream tx;
    fw_stream rx;
    uint8_t trailer_in[TRAILER_LEN];
    int ret;

    r->sent = 0;
    r->received = 0;
    r->crc_sent = 0;
    r->crc_received = 0;
    r->crc_trailer = 0;
    r->first_mismatch = SIZE_MAX;
    fw_stream_init(&tx, send_seed);
    fw_stream_init(&rx, recv_seed);

    while (r->sent < total || r->received < total) {
        int progress = 0;
        int step_progress = 0;
        int n;

        if (out_off == out_len && staged < total) {
            out_len = 0;
            out_off = 0;
            while (out_len < CHUNK && staged < total) {
                if (staged < FW_EXCHANGE_BYTES) {
                    uint8_t b = fw_stream_next(&tx);

                    fw_stream_crc_add(&tx, b);
                    out[out_len++] = b;
                } else {
                    if (staged == FW_EXCHANGE_BYTES) {
                        r->crc_sent = fw_stream_crc(&tx);
                    }
                    out[out_len++] = (uint8_t) (r->crc_sent >> (8u * (staged - FW_EXCHANGE_BYTES)));
                }
                staged++;
            }
        }
        if (out_off < out_len) {
            n = tlsp_write(e, out + out_off, out_len - out_off);
            if (n > 0) {
                out_off += (size_t) n;
                r->sent += (size_t) n;
                progress = 1;
            } else if (n != TLSP_WANT_WRITE && n != TLSP_WANT_READ) {
                return n;
            }
        }

        ret = tlsp_drive_step(e, t, &step_progress);
        if (ret == TLSP_ERR_CLOSED && r->received == total && r->sent == total) {
            break;        /* the peer had everything and closed already: fine */
        }
        if (ret != 0) {
            return ret;   /* TLSP_ERR_CLOSED included: too early */
        }
        progress |= step_progress;

        if (r->received < total) {
            size_t want = total - r->received;

            n = tlsp_read(e, in, want < sizeof(in) ? want : sizeof(in));
            if (n > 0) {
                size_t i;

                for (i = 0; i < (size_t) n; i++, r->received++) {
                    if (r->received < FW_EXCHANGE_BYTES) {
                        if (in[i] != fw_stream_next(&rx) && r->first_mismatch == SIZE_MAX) {
                            r->first_mismatch = r->received;
                        }
                        fw_stream_crc_add(&rx, in[i]);
                    } else {
                        trailer_in[r->received - FW_EXCHANGE_BYTES] = in[i];
                    }
                }
                progress = 1;
            } else if (n != TLSP_WANT_READ && n != TLSP_WANT_WRITE) {
                return n;
            }
        }
        if (!progress) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                return ret;
            }
        }
    }
    /* Everything is encrypted; make sure it has left the engine too. */
    while (tlsp_status(e) & TLSP_STATUS_NET_OUT) {
        int progress = 0;

        ret = tlsp_drive_step(e, t, &progress);
        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            return ret;
        }
        if (!progress && (ret = tlsp_drive_wait(e, t, deadline)) != 0) {
            return ret;
        }
    }
    r->crc_received = fw_stream_crc(&rx);
    r->crc_trailer = (uint32_t) trailer_in[0] | ((uint32_t) trailer_in[1] << 8) |
                     ((uint32_t) trailer_in[2] << 16) | ((uint32_t) trailer_in[3] << 24);
    return (r->first_mismatch == SIZE_MAX && r->crc_trailer == r->crc_received) ? 0 : 1;
}

/* Read until the peer's close_notify; any application data now is a protocol error. */
static int await_close_notify(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms)
{
    uint8_t byte;
    int ret = tlsp_drive_read(e, t, &byte, 1, timeout_ms);

    if (ret == TLSP_ERR_CLOSED) {
        return 0;
    }
    return ret > 0 ? TLSP_ERR_STATE : ret;
}

int fw_close_client(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms)
{
    int ret = tlsp_drive_close(e, t, timeout_ms);

    return ret != 0 ? ret : await_close_notify(e, t, timeout_ms);
}

int fw_close_server(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms)
{
    int ret = await_close_notify(e, t, timeout_ms);

    return ret != 0 ? ret : tlsp_drive_close(e, t, timeout_ms);
}
