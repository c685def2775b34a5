/*
 * Firmware for two emulated MPS2 boards talking TLS over their UART1s: board A is the
 * TLS client, board B the server. One source, built per image with:
 *
 *   FW_ROLE_CLIENT or FW_ROLE_SERVER
 *   FW_AUTH_ECDSA (test PKI compiled in: the client trusts the test CA, the server has
 *                 the compact test certificate of examples/firmware/pki) or FW_AUTH_PSK
 *   FW_TLS_MIN, FW_TLS_MAX   0x0303 (TLS 1.2) / 0x0304 (TLS 1.3); a client offering one
 *                            version picks the case; the server accepts both
 *   FW_WALL_TIME             the date the firmware claims (seconds since 1970, UTC)
 *   FW_LINK                  run TLS over the link layer (tlsp_link.h: framing, CRC-32,
 *                            retransmission) on top of the UART, as on a lossy line
 *   FW_LINK_FLIP_EVERY=N     (with FW_LINK) flip one bit of every Nth byte this board
 *                            transmits, to prove the link recovers; the board then
 *                            fails unless its link retransmitted
 *   FW_CAPTURE               stream a pcap of the connection (and the key log, in a
 *                            TLSP_KEYLOG build) over the console: fw_capture.h; in a
 *                            TLSP_TRACE build also print the handshake trace there
 *
 * After the handshake both ends exchange FW_EXCHANGE_BYTES each way, checksummed
 * (fw_session.h), close cleanly, print a summary and exit through semihosting: 0 only on
 * success. See docs/firmware.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "mps2_board.h"
#include "tlsp_port_cortexm.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_heap.h"
#include "tlspair/tlsp_uart.h"

#include "fw_session.h"
#if defined(FW_LINK)
#include "tlspair/tlsp_link.h"
#endif
#if defined(FW_CAPTURE)
#include "fw_capture.h"
#endif
#if defined(FW_CAPTURE) && defined(TLSP_TRACE)
#include "tlspair/tlsp_trace.h"
#endif

#if defined(FW_AUTH_ECDSA)
#include "fw_pki.h"
#include "tlsp_test_pki.h"
#define FW_AUTH_NAME "ecdhe-ecdsa"
#elif defined(FW_AUTH_PSK)
#define FW_AUTH_NAME "psk"
#else
#error "define FW_AUTH_ECDSA or FW_AUTH_PSK"
#endif

#if defined(FW_ROLE_CLIENT)
#define FW_ROLE TLSP_CLIENT
#define FW_ROLE_NAME "client"
#define FW_SEND_SEED FW_SEED_CLIENT
#define FW_RECV_SEED FW_SEED_SERVER
#elif defined(FW_ROLE_SERVER)
#define FW_ROLE TLSP_SERVER
#define FW_ROLE_NAME "server"
#define FW_SEND_SEED FW_SEED_SERVER
#define FW_RECV_SEED FW_SEED_CLIENT
#else
#error "define FW_ROLE_CLIENT or FW_ROLE_SERVER"
#endif

#ifndef FW_TLS_MIN
#define FW_TLS_MIN 0x0303
#endif
#ifndef FW_TLS_MAX
#define FW_TLS_MAX 0x0304
#endif
#ifndef FW_WALL_TIME
#error "define FW_WALL_TIME (seconds since 1970, UTC): the date the test certificates are checked against"
#endif

/* mbedTLS's heap: a static arena. Sized with headroom; the summary prints the peak.
 * The interop record profile takes 16 KiB records in, so its input buffer is 14 KiB
 * larger. */
#ifndef FW_ARENA_SIZE
#if defined(TLSP_RECORD_PROFILE_INTEROP)
#define FW_ARENA_EXTRA (16u * 1024u)
#else
#define FW_ARENA_EXTRA 0u
#endif
#if defined(FW_AUTH_ECDSA)
#define FW_ARENA_SIZE (24u * 1024u + FW_ARENA_EXTRA)
#else
#define FW_ARENA_SIZE (12u * 1024u + FW_ARENA_EXTRA)
#endif
#endif

/* Engine queues: any size works; mbedTLS keeps whole records in its own buffers. */
#ifndef FW_NET_QUEUE
#define FW_NET_QUEUE 512u
#endif

#if defined(FW_LINK)
/* Link frames: 256-byte payloads, 8 frames in flight each way, not the 384 x 6 defaults:
 * the fault-injection case flips one bit in every 1500 bytes, and smaller frames lose less
 * to each flip (docs/link.md, "Why 384-byte frames by default"). The UART rx ring must hold a full window
 * of the peer's frames, since a byte the ring cannot take is fatal for the UART transport. */
#define FW_LINK_PAYLOAD 256u
#define FW_LINK_WINDOW  8u
#define FW_LINK_BAUD    115200u
/* QEMU does not pace its UARTs: bytes move as fast as two emulators on a shared host
 * run, so the round trip jitters far beyond a real 115200-baud line's (the derived
 * timeout, 211 ms, fires spuriously). A real board keeps the derived value. */
#define FW_LINK_RTO_MS  600u
#ifndef FW_UART_RX
#define FW_UART_RX (FW_LINK_WINDOW * TLSP_LINK_WIRE_MAX(FW_LINK_PAYLOAD) + 256u)
#endif
/* After its last frame a board keeps answering for this long, so that a peer whose
 * acknowledgement got lost can resend and hear back. */
#define FW_LINK_LINGER_MS 1000u
#endif

/* UART rings. rx holds what arrives while the main loop computes (the rest of the peer's
 * flight during an ECDH or ECDSA operation); the summary prints its peak. */
#ifndef FW_UART_RX
#define FW_UART_RX 1024u
#endif
#ifndef FW_UART_TX
#define FW_UART_TX 256u
#endif

/* Wake the engine per 128 received bytes or per 2 ms pause, not per byte. */
#ifndef FW_RX_BATCH
#define FW_RX_BATCH 128u
#endif
#ifndef FW_RX_IDLE_MS
#define FW_RX_IDLE_MS 2u
#endif

#define HANDSHAKE_TIMEOUT_MS (FW_ROLE == TLSP_SERVER ? 120000u : 60000u)
#define EXCHANGE_TIMEOUT_MS  120000u
#define CLOSE_TIMEOUT_MS     20000u
#define LINGER_MS            300u

/* Exit codes: which step failed. */
enum {
    FW_OK = 0,
    FW_FAIL_SETUP = 10,
    FW_FAIL_HANDSHAKE = 11,
    FW_FAIL_EXCHANGE = 12,
    FW_FAIL_DATA = 13,
    FW_FAIL_CLOSE = 14,
    FW_FAIL_LINK = 15,
};

static uint8_t arena[FW_ARENA_SIZE] __attribute__((aligned(8)));
static uint8_t net_in[FW_NET_QUEUE];
static uint8_t net_out[FW_NET_QUEUE];
static uint8_t uart_rx[FW_UART_RX];
static uint8_t uart_tx[FW_UART_TX];
static tlsp_config cfg;
static tlsp_engine engine;
static int engine_up;
#if defined(FW_LINK)
static tlsp_link fw_link;
static uint8_t link_mem[TLSP_LINK_MEMORY_SIZE(FW_LINK_PAYLOAD, FW_LINK_WINDOW, FW_LINK_WINDOW)];
#endif

static int fail(int code, const char *what, int ret)
{
    mps2_printf("tlspair-fw: FAIL %s: %d (%s)", what, ret, tlsp_strerror(ret));
    if (engine_up) {
        mps2_printf(" [engine %d, mbedtls -0x%04x, alert %d, cert flags 0x%x]",
                    tlsp_engine_error(&engine), (unsigned) -tlsp_engine_mbedtls_error(&engine),
                    tlsp_engine_alert_received(&engine), tlsp_engine_cert_flags(&engine));
    }
    mps2_puts("\n");
    return code;
}

#if defined(FW_LINK)
/* The line under the link: the UART, or the UART behind a bit flipper. */
static tlsp_transport line;

#if defined(FW_LINK_FLIP_EVERY)
static tlsp_transport uart_line;
static uint32_t line_bytes_out;
static uint32_t bits_flipped;

static int flips_at(uint32_t position)
{
    return (position + 1u) % (uint32_t) (FW_LINK_FLIP_EVERY) == 0u;
}

/* A noisy transmitter: one bit of every FW_LINK_FLIP_EVERY-th byte inverted, by position
 * on the line, so bytes the UART refuses now get the same treatment when sent again. */
static int flip_send(void *ctx, const uint8_t *buf, size_t len)
{
    uint8_t tmp[64];
    size_t n = len < sizeof(tmp) ? len : sizeof(tmp);
    size_t i;
    int ret;

    (void) ctx;
    /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 false positive on n = a < sizeof b ? a : sizeof b */
    for (i = 0; i < n; i++) {
        tmp[i] = (uint8_t) (buf[i] ^ (flips_at(line_bytes_out + (uint32_t) i) ? 0x10u : 0u));
    }
    ret = uart_line.send(uart_line.ctx, tmp, n);
    for (i = 0; ret > 0 && i < (size_t) ret; i++) {
        bits_flipped += (uint32_t) flips_at(line_bytes_out + (uint32_t) i);
    }
    if (ret > 0) {
        line_bytes_out += (uint32_t) ret;
    }
    return ret;
}
#endif

/* The engine's transport becomes the link's upper side; the UART is its lower side. */
static int link_start(tlsp_transport *upper)
{
    tlsp_link_config lc;
    int ret;

#if defined(FW_LINK_FLIP_EVERY)
    uart_line = line;
    line.send = flip_send;
#endif
    tlsp_link_config_init(&lc, FW_LINK_BAUD);
    lc.frame_payload = FW_LINK_PAYLOAD;
    lc.tx_window = FW_LINK_WINDOW;
    lc.rx_window = FW_LINK_WINDOW;
    lc.rto_initial_ms = FW_LINK_RTO_MS;
    ret = tlsp_link_init(&fw_link, &lc, &line, link_mem, sizeof(link_mem));
    if (ret == 0) {
        tlsp_link_transport(&fw_link, upper);
    }
    return ret;
}

/* Pump the link (read, acknowledge, resend) until `until` returns nonzero or ms pass. */
static void link_pump_for(const tlsp_transport *upper, uint32_t ms, int (*until)(void))
{
    uint64_t end = tlsp_port_millis() + ms;

    while (tlsp_port_millis() < end && (until == NULL || !until())) {
        (void) upper->wait(upper->ctx, TLSP_IO_READABLE, 10u);
        if (tlsp_link_poll(&fw_link) != 0) {
            return;
        }
    }
}

static int link_is_idle(void)
{
    return tlsp_link_idle(&fw_link);
}

#define LINE_FAILED(u) (tlsp_uart_failed(u) || tlsp_link_error(&fw_link) != 0)
#else
#define LINE_FAILED(u) tlsp_uart_failed(u)
#endif

/* Records as large as the profile's output buffer (2 KiB in the small profile). A TLS 1.2
 * client then asks the server for the same limit with max_fragment_length; in TLS 1.3
 * both ends state their input limit with record_size_limit (the profile's part). */
#if defined(FW_CAPTURE) && defined(TLSP_TRACE)
/* The handshake trace on the console: the trace needs no stdio, only this function.
 * States are left out (mbedTLS's state machine, too detailed for a console). */
static void console_trace(void *ctx, const tlsp_trace_event *ev)
{
    char line[192];

    (void) ctx;
    if (ev->kind == TLSP_TRACE_STATE) {
        return;
    }
    (void) tlsp_trace_format(ev, line, sizeof(line));
    mps2_puts("tlspair-fw: trace: ");
    mps2_puts(line);
    mps2_puts("\n");
}
#endif

static int configure(void)
{
    int ret;

    if ((ret = tlsp_config_init(&cfg, FW_ROLE)) != 0 ||
        (ret = tlsp_config_set_versions(&cfg, (tlsp_version) FW_TLS_MIN, (tlsp_version) FW_TLS_MAX)) != 0 ||
        (ret = tlsp_config_set_record_size(&cfg, MBEDTLS_SSL_OUT_CONTENT_LEN)) != 0 ||
        (ret = tlsp_config_set_timeouts(&cfg, HANDSHAKE_TIMEOUT_MS, 0)) != 0) {
        return ret;
    }
#if defined(FW_SUITES)
    /* A build-time suite list (TLSP_FW_SUITES), e.g. the 8-byte-tag CCM suites that save
     * 16 bytes per handshake where the profile compiles them in. */
    if ((ret = tlsp_config_set_ciphersuites(&cfg, FW_SUITES)) != 0) {
        return ret;
    }
#endif
#if defined(FW_AUTH_PSK)
    ret = tlsp_config_set_psk(&cfg, fw_psk_identity, fw_psk_identity_len, fw_psk_key, fw_psk_key_len);
#elif defined(FW_ROLE_CLIENT)
    if ((ret = tlsp_config_add_ca(&cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                  tlsp_test_test_ca_crt_pem_len)) == 0) {
        ret = tlsp_config_set_hostname(&cfg, FW_SERVER_NAME);
    }
#else
    /* The compact certificate (examples/firmware/pki): 312 bytes against the 486 of
     * tests/pki/server.crt, the largest item of a TLS 1.3 handshake. DER: no PEM text in
     * flash, no decoding copy in the arena. */
    ret = tlsp_config_set_own_cert(&cfg, fw_server_compact_crt_der, fw_server_compact_crt_der_len,
                                   fw_server_compact_key_der, fw_server_compact_key_der_len, NULL);
#endif
    return ret;
}

int main(void)
{
    tlsp_transport link;
    tlsp_uart *uart;
    tlsp_info info;
    tlsp_heap_stats heap;
    tlsp_heap_stats heap_after_config;
    tlsp_uart_stats us;
    fw_exchange_result xr;
    uint64_t hs_start, hs_end, hs_sleep_start, hs_sleep_end;
    uint64_t busy;
    uint32_t busy32;
    uint64_t data_start_ms;
    uint32_t data_ms;
    int ret;

    mps2_board_init("tlspair-fw " FW_AUTH_NAME " " FW_ROLE_NAME);
    tlsp_port_cortexm_set_wall_time((int64_t) FW_WALL_TIME);

    if ((ret = tlsp_heap_use_arena(arena, sizeof(arena))) != 0) {
        return fail(FW_FAIL_SETUP, "arena", ret);
    }
#if defined(FW_LINK)
    uart = mps2_link_init(uart_rx, sizeof(uart_rx), uart_tx, sizeof(uart_tx), &line);
#else
    uart = mps2_link_init(uart_rx, sizeof(uart_rx), uart_tx, sizeof(uart_tx), &link);
#endif
    if (uart == NULL) {
        return fail(FW_FAIL_SETUP, "link", TLSP_ERR_BAD_ARG);
    }
    if ((ret = tlsp_uart_set_rx_batch(uart, FW_RX_BATCH, FW_RX_IDLE_MS)) != 0) {
        return fail(FW_FAIL_SETUP, "link", ret);
    }
#if defined(FW_LINK)
    if ((ret = link_start(&link)) != 0) {
        return fail(FW_FAIL_SETUP, "link layer", ret);
    }
#endif
    if ((ret = configure()) != 0) {
        return fail(FW_FAIL_SETUP, "config", ret);
    }
#if defined(FW_CAPTURE) && defined(TLSP_TRACE)
    if ((ret = tlsp_config_set_trace(&cfg, console_trace, NULL)) != 0) {
        return fail(FW_FAIL_SETUP, "trace", ret);
    }
#endif
    tlsp_heap_get_stats(&heap_after_config);
    if ((ret = tlsp_engine_init(&engine, &cfg, net_in, sizeof(net_in), net_out, sizeof(net_out))) != 0) {
        return fail(FW_FAIL_SETUP, "engine", ret);
    }
    engine_up = 1;
#if defined(FW_CAPTURE)
    if ((ret = fw_capture_start(&engine)) != 0) {
        return fail(FW_FAIL_SETUP, "capture", ret);
    }
#endif

    hs_start = mps2_cycles();
    hs_sleep_start = mps2_sleep_cycles();
    ret = tlsp_drive_handshake(&engine, &link, HANDSHAKE_TIMEOUT_MS);
    hs_end = mps2_cycles();
    hs_sleep_end = mps2_sleep_cycles();
    if (ret != 0) {
        return fail(LINE_FAILED(uart) ? FW_FAIL_LINK : FW_FAIL_HANDSHAKE, "handshake", ret);
    }
    (void) tlsp_engine_info(&engine, &info);
    busy = (hs_end - hs_start) - (hs_sleep_end - hs_sleep_start);
    mps2_printf("tlspair-fw: handshake done: %s %s\n", info.version, info.ciphersuite);

    data_start_ms = tlsp_port_millis();
    ret = fw_exchange(&engine, &link, FW_SEND_SEED, FW_RECV_SEED, EXCHANGE_TIMEOUT_MS, &xr);
    data_ms = (uint32_t) (tlsp_port_millis() - data_start_ms);
    if (ret < 0) {
        return fail(LINE_FAILED(uart) ? FW_FAIL_LINK : FW_FAIL_EXCHANGE, "exchange", ret);
    }
    if (ret > 0) {
        mps2_printf("tlspair-fw: FAIL data: first mismatch at %ld, crc %08lx, trailer %08lx\n",
                    xr.first_mismatch == SIZE_MAX ? -1L : (long) xr.first_mismatch,
                    (unsigned long) xr.crc_received, (unsigned long) xr.crc_trailer);
        return FW_FAIL_DATA;
    }
#if defined(FW_ROLE_CLIENT)
    ret = fw_close_client(&engine, &link, CLOSE_TIMEOUT_MS);
#else
    ret = fw_close_server(&engine, &link, CLOSE_TIMEOUT_MS);
#endif
#if defined(FW_LINK)
    if (ret == 0) {
        /* The link's last frames are delivered when the peer acknowledged them (and ours
         * acknowledged the peer's): resent as often as the line needs. */
        link_pump_for(&link, CLOSE_TIMEOUT_MS, link_is_idle);
        ret = tlsp_link_error(&fw_link) != 0 ? TLSP_ERR_TRANSPORT
              : tlsp_link_idle(&fw_link) ? 0 : TLSP_ERR_TIMEOUT;
    }
#endif
    if (ret == 0) {
        /* The last bytes must leave before the board stops (QEMU drops what a stopped
         * board has not written yet). */
        ret = tlsp_uart_flush(uart, CLOSE_TIMEOUT_MS);
    }
    if (ret != 0) {
        return fail(LINE_FAILED(uart) ? FW_FAIL_LINK : FW_FAIL_CLOSE, "close", ret);
    }
#if defined(FW_CAPTURE)
    fw_capture_end(&engine);
#endif
#if defined(FW_LINK)
    /* Keep answering: if our last acknowledgement was lost, the peer resends and must
     * hear back before it gives up. */
    link_pump_for(&link, FW_LINK_LINGER_MS, NULL);
#else
    mps2_delay_ms(LINGER_MS);
#endif

    /* 25 MHz cycles to thousands of instructions (1 ns each under -icount shift=0), in
     * 32 bits: a 64-bit division would add 700 bytes of libgcc to the image. */
    busy32 = busy > UINT32_MAX ? UINT32_MAX : (uint32_t) busy;
    (void) tlsp_engine_info(&engine, &info);
    tlsp_heap_get_stats(&heap);
    tlsp_uart_get_stats(uart, &us);
    mps2_printf("tlspair-fw: SUMMARY %s %s\n", FW_AUTH_NAME, FW_ROLE_NAME);
    mps2_printf("tlspair-fw:   version          %s\n", info.version);
    mps2_printf("tlspair-fw:   suite            %s\n", info.ciphersuite);
    mps2_printf("tlspair-fw:   handshake        %lu ms (SysTick), busy %llu cycles @25MHz "
                "= %lu kinstr under -icount shift=0\n",
                (unsigned long) info.handshake_ms, (unsigned long long) busy,
                (unsigned long) (busy32 / 25u));
    mps2_printf("tlspair-fw:   handshake bytes  out %llu, in %llu, total %llu\n",
                (unsigned long long) info.handshake_bytes_out,
                (unsigned long long) info.handshake_bytes_in,
                (unsigned long long) (info.handshake_bytes_out + info.handshake_bytes_in));
    mps2_printf("tlspair-fw:   data             %lu B out, %lu B in, crc %08lx/%08lx ok, %lu ms\n",
                (unsigned long) FW_EXCHANGE_BYTES, (unsigned long) FW_EXCHANGE_BYTES,
                (unsigned long) xr.crc_sent, (unsigned long) xr.crc_received,
                (unsigned long) data_ms);
    mps2_printf("tlspair-fw:   arena            peak %lu B (after config %lu B); high water %lu B "
                "with allocator overhead, of %lu B\n",
                (unsigned long) heap.peak, (unsigned long) heap_after_config.peak,
                (unsigned long) heap.arena_high_water, (unsigned long) sizeof(arena));
    mps2_printf("tlspair-fw:   engine+queues    %lu B (engine %lu + net_in %lu + net_out %lu)\n",
                (unsigned long) sizeof(engine) + sizeof(net_in) + sizeof(net_out),
                (unsigned long) sizeof(engine), (unsigned long) sizeof(net_in),
                (unsigned long) sizeof(net_out));
    mps2_printf("tlspair-fw:   per connection   %lu B (arena peak + engine + queues); config %lu B\n",
                (unsigned long) heap.peak + sizeof(engine) + sizeof(net_in) + sizeof(net_out),
                (unsigned long) sizeof(cfg));
    mps2_printf("tlspair-fw:   uart             rings %lu+%lu B, rx peak %lu B, %lu B in, %lu B out, "
                "overruns %lu/%lu\n",
                (unsigned long) sizeof(uart_rx), (unsigned long) sizeof(uart_tx),
                (unsigned long) us.rx_peak, (unsigned long) us.bytes_in,
                (unsigned long) us.bytes_out, (unsigned long) us.rx_overruns,
                (unsigned long) us.hw_overruns);
    mps2_printf("tlspair-fw:   stack            %lu B used of %lu B\n",
                (unsigned long) mps2_stack_used(), (unsigned long) mps2_stack_size());
#if defined(FW_LINK)
    {
        const tlsp_link_stats *ls = tlsp_link_get_stats(&fw_link);
        mps2_printf("tlspair-fw:   link             frames out %llu (data %llu, ack-only %llu), "
                    "in %llu; retransmissions %llu, timeouts %llu, crc errors %llu, "
                    "bad frames %llu, duplicates %llu\n",
                    (unsigned long long) ls->frames_sent, (unsigned long long) ls->data_frames_sent,
                    (unsigned long long) ls->acks_sent, (unsigned long long) ls->frames_received,
                    (unsigned long long) ls->retransmissions, (unsigned long long) ls->timeouts,
                    (unsigned long long) ls->crc_errors, (unsigned long long) ls->bad_frames,
                    (unsigned long long) ls->duplicates);
        mps2_printf("tlspair-fw:   link bytes       line out %llu, in %llu; TLS out %llu, in %llu\n",
                    (unsigned long long) ls->line_bytes_out, (unsigned long long) ls->line_bytes_in,
                    (unsigned long long) ls->bytes_accepted, (unsigned long long) ls->bytes_delivered);
        mps2_printf("tlspair-fw:   link RAM         %lu B (memory %lu + struct %lu; payload %u, "
                    "windows %u/%u)\n",
                    (unsigned long) sizeof(link_mem) + (unsigned long) sizeof(fw_link),
                    (unsigned long) sizeof(link_mem), (unsigned long) sizeof(fw_link),
                    FW_LINK_PAYLOAD, FW_LINK_WINDOW, FW_LINK_WINDOW);
#if defined(FW_LINK_FLIP_EVERY)
        mps2_printf("tlspair-fw:   faults           %lu bits flipped in %lu B sent (every %u-th byte)\n",
                    (unsigned long) bits_flipped, (unsigned long) line_bytes_out,
                    (unsigned) (FW_LINK_FLIP_EVERY));
        if (bits_flipped == 0 || ls->retransmissions == 0) {
            mps2_puts("tlspair-fw: FAIL faults were injected but the link never retransmitted\n");
            return FW_FAIL_LINK;
        }
#endif
    }
#endif
    mps2_puts("tlspair-fw: RESULT PASS\n");

    tlsp_engine_free(&engine);
    tlsp_config_free(&cfg);
    return FW_OK;
}
