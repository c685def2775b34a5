/*
 * The console capture of FW_CAPTURE images (fw_capture.h): the core's pcap writer, with
 * a sink that cuts the file into checksummed hex lines on UART0.
 */
#include "fw_capture.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mps2_board.h"
#include "tlspair/tlsp_keylog.h"
#include "tlspair/tlsp_pcap.h"

#include "fw_stream.h"

static tlsp_pcap pcap;
static uint8_t pending[FW_CAPTURE_LINE_BYTES];
static size_t pending_len;
static uint32_t pcap_lines;
static uint32_t pcap_bytes;
static uint32_t keylog_lines;

/* "TAG SEQ BODY *CRC\n": the CRC covers everything before " *". */
static char line[32 + 2 * FW_CAPTURE_LINE_BYTES + TLSP_KEYLOG_LINE_MAX];
static size_t line_len;

/* Text into the line; whatever does not fit is cut (the CRC then covers what was sent). */
static void put_text(const char *s)
{
    while (*s != '\0' && line_len + 1 < sizeof(line)) {
        line[line_len++] = *s++;
    }
}

static void put_hex(const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len && line_len + 2 < sizeof(line); i++) {
        line[line_len++] = digits[data[i] >> 4];
        line[line_len++] = digits[data[i] & 0x0fu];
    }
}

static void put_uint(uint32_t v)
{
    char digits[11];
    size_t n = 0;

    do {
        digits[n++] = (char) ('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    while (n != 0 && line_len + 1 < sizeof(line)) {
        line[line_len++] = digits[--n];
    }
}

static void send_line(void)
{
    fw_stream crc;
    uint8_t crc_be[4];
    size_t i;
    uint32_t c;

    fw_stream_init(&crc, 1u);
    for (i = 0; i < line_len; i++) {
        fw_stream_crc_add(&crc, (uint8_t) line[i]);
    }
    c = fw_stream_crc(&crc);
    crc_be[0] = (uint8_t) (c >> 24);
    crc_be[1] = (uint8_t) (c >> 16);
    crc_be[2] = (uint8_t) (c >> 8);
    crc_be[3] = (uint8_t) c;
    put_text(" *");
    put_hex(crc_be, sizeof(crc_be));
    put_text("\n");
    line[line_len] = '\0';
    mps2_puts(line);
    line_len = 0;
}

static void flush_pcap_line(void)
{
    if (pending_len == 0) {
        return;
    }
    line_len = 0;
    put_text("TLSPCAP ");
    put_uint(pcap_lines++);
    put_text(" ");
    put_hex(pending, pending_len);
    send_line();
    pending_len = 0;
}

static int console_sink(void *ctx, const uint8_t *data, size_t len)
{
    (void) ctx;
    pcap_bytes += (uint32_t) len;
    while (len != 0) {
        size_t n = FW_CAPTURE_LINE_BYTES - pending_len;

        if (n > len) {
            n = len;
        }
        memcpy(pending + pending_len, data, n);
        pending_len += n;
        data += n;
        len -= n;
        if (pending_len == FW_CAPTURE_LINE_BYTES) {
            flush_pcap_line();
        }
    }
    return 0;
}

static void console_keylog(void *ctx, const char *text)
{
    (void) ctx;
    line_len = 0;
    put_text("TLSKEYLOG ");
    put_uint(keylog_lines++);
    put_text(" ");
    put_text(text);
    if (line_len != 0 && line[line_len - 1] == '\n') {
        line_len--;   /* the console line ends it */
    }
    send_line();
    memset(line, 0, sizeof(line));
}

int fw_capture_start(tlsp_engine *e)
{
    int ret = tlsp_pcap_begin(&pcap, console_sink, NULL);

    if (ret == 0) {
        ret = tlsp_pcap_attach(&pcap, e);
    }
    if (ret != 0) {
        return ret;
    }
    if (tlsp_keylog_enable(e, console_keylog, NULL) == 0) {
        mps2_puts("tlspair-fw: WARNING: key log on: this console carries the TLS session "
                  "secrets (TLSKEYLOG lines). Test builds only.\n");
    } else {
        mps2_puts("tlspair-fw: capture without key log (the build has no TLSP_KEYLOG)\n");
    }
    return 0;
}

void fw_capture_end(tlsp_engine *e)
{
    (void) tlsp_engine_set_capture(e, NULL, NULL);
    (void) tlsp_keylog_enable(e, NULL, NULL);
    (void) tlsp_pcap_end(&pcap);
    flush_pcap_line();
    line_len = 0;
    put_text("TLSPCAP-END ");
    put_uint(pcap_lines);
    put_text(" ");
    put_uint(pcap_bytes);
    send_line();
    line_len = 0;
    put_text("TLSKEYLOG-END ");
    put_uint(keylog_lines);
    send_line();
}
