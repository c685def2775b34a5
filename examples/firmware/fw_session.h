/**
 * \file fw_session.h
 * \brief What both ends of the firmware demo agree on, and the exchange they run: the
 *        two MPS2 boards (examples/firmware), and on the host the tlspair tool fed and
 *        checked by fw-stream (tests/firmware/fw_stream.c).
 *
 * After the handshake each end sends FW_EXCHANGE_BYTES of a pseudo-random stream (xorshift32
 * from its role's seed) followed by the CRC-32 of those bytes, and at the same time
 * receives the peer's. The receiver checks every byte against the stream it expects and
 * the trailer against its own CRC. Then the client sends close_notify and waits for the
 * server's; the server waits for the client's, then answers with its own.
 *
 * Plain tlspair API over any tlsp_transport: no I/O, no printing, no board code here.
 */
#ifndef FW_SESSION_H
#define FW_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef FW_EXCHANGE_BYTES
#define FW_EXCHANGE_BYTES (64u * 1024u)   /**< payload each way, before the 4-byte CRC */
#endif

/** Record sizes for a host talking to a board (tlspair --record-size, from
 *  `fw-stream args`): the small Cortex-M profiles' buffers, 2 KiB for ECDHE-ECDSA and
 *  1 KiB for PSK (the boards use their profile's MBEDTLS_SSL_OUT_CONTENT_LEN). */
#define FW_RECORD_SIZE_ECDSA 2048u
#define FW_RECORD_SIZE_PSK   1024u

/** The name in the test server certificate, checked by the client. */
#define FW_SERVER_NAME "tlspair-test-server"

/** Stream seeds, one per sending role. */
#define FW_SEED_CLIENT 0xC11E4701u
#define FW_SEED_SERVER 0x5E4E4702u

/** TEST-ONLY pre-shared key (public: it is in this repository). */
extern const uint8_t fw_psk_identity[];
extern const size_t fw_psk_identity_len;
extern const uint8_t fw_psk_key[];
extern const size_t fw_psk_key_len;

typedef struct fw_exchange_result {
    size_t sent;             /**< bytes handed to tlsp_write(), trailer included */
    size_t received;         /**< bytes read, trailer included */
    uint32_t crc_sent;       /**< CRC-32 of the payload we sent (our trailer) */
    uint32_t crc_received;   /**< CRC-32 of the payload we received */
    uint32_t crc_trailer;    /**< the trailer the peer sent */
    size_t first_mismatch;   /**< offset of the first unexpected payload byte, or SIZE_MAX */
} fw_exchange_result;

/**
 * \brief Send and receive FW_EXCHANGE_BYTES (+ trailer) at the same time.
 * \param e, t        a connected engine and its transport.
 * \param send_seed   stream seed of what this end sends.
 * \param recv_seed   stream seed of what the peer sends.
 * \param timeout_ms  for the whole exchange.
 * \param r           filled even on failure.
 * \return 0 when both directions completed and everything matched; 1 when the bytes
 *         moved but the data or a CRC did not match; a negative TLSP_ERR_* code.
 */
int fw_exchange(tlsp_engine *e, const tlsp_transport *t, uint32_t send_seed,
                uint32_t recv_seed, uint32_t timeout_ms, fw_exchange_result *r);

/**
 * \brief The client's clean end: send close_notify, then read until the server's.
 * \return 0 or a TLSP_ERR_* code (TLSP_ERR_HANDSHAKE-like codes pass through).
 */
int fw_close_client(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms);

/**
 * \brief The server's clean end: read until the client's close_notify, then send ours.
 * \return 0 or a TLSP_ERR_* code. The caller must then keep the line up until the bytes
 *         have left (a board: flush its UART and linger).
 */
int fw_close_server(tlsp_engine *e, const tlsp_transport *t, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* FW_SESSION_H */
