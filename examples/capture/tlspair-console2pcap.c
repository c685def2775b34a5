/*
 * tlspair-console2pcap: turn the console log of a firmware image built with FW_CAPTURE
 * (examples/firmware/fw_capture.h) back into a pcap file and a key log file.
 *
 *   tlspair-console2pcap CONSOLE_LOG OUT.pcap [OUT.keys]
 *
 * Only lines starting with TLSPCAP / TLSKEYLOG are read; the firmware's other console
 * lines are skipped. Every such line must carry a valid CRC-32 and the next sequence
 * number, and the END lines must match the counts: a garbled, lost or repeated line is an
 * error (exit 1, with its line number), never data in the output. Exit 2: usage or an
 * output file that cannot be written. The key log file is created with mode 0600: it
 * holds the connection's secrets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fw_stream.h"

#define MAX_LINE 4096
#define MAX_PCAP_BYTES_PER_LINE 48u

typedef struct state {
    const char *log_name;
    unsigned long line_no;
    unsigned long pcap_lines, pcap_bytes, keylog_lines;
    int pcap_ended, keylog_ended;
    FILE *pcap;
    FILE *keys;
} state;

static int bad(const state *s, const char *why)
{
    fprintf(stderr, "tlspair-console2pcap: %s:%lu: %s\n", s->log_name, s->line_no, why);
    return 1;
}

/* The line (without newline) is "BODY *crc8": 1 when the CRC of BODY matches; body_len
 * receives BODY's length. */
static int crc_ok(const char *line, size_t *body_len)
{
    const char *star = strrchr(line, '*');
    fw_stream crc;
    size_t i;
    size_t n;
    char want[9];

    if (star == NULL || star == line || star[-1] != ' ' || strlen(star + 1) != 8) {
        return 0;
    }
    n = (size_t) (star - 1 - line);
    fw_stream_init(&crc, 1u);
    for (i = 0; i < n; i++) {
        fw_stream_crc_add(&crc, (uint8_t) line[i]);
    }
    snprintf(want, sizeof(want), "%08lx", (unsigned long) fw_stream_crc(&crc));
    *body_len = n;
    return strcmp(want, star + 1) == 0;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* "NUMBER " at *p: the value, *p moved past the space; -1 if malformed. */
static long take_number(const char **p)
{
    char *end;
    long v;

    if (**p < '0' || **p > '9') {
        return -1;
    }
    errno = 0;
    v = strtol(*p, &end, 10);
    if (errno != 0 || (*end != ' ' && *end != '\0')) {
        return -1;
    }
    *p = *end == ' ' ? end + 1 : end;
    return v;
}

static int pcap_line(state *s, const char *p, size_t len)
{
    uint8_t bytes[MAX_PCAP_BYTES_PER_LINE];
    const char *end = p + len;
    long seq = take_number(&p);
    size_t n = 0;

    if (s->pcap_ended) {
        return bad(s, "TLSPCAP line after TLSPCAP-END");
    }
    if (seq < 0 || (unsigned long) seq != s->pcap_lines) {
        return bad(s, "TLSPCAP line out of sequence (a line was lost or repeated)");
    }
    if ((size_t) (end - p) % 2 != 0 || (size_t) (end - p) / 2 > sizeof(bytes) || end == p) {
        return bad(s, "TLSPCAP line with a bad hex length");
    }
    for (; p < end; p += 2) {
        int hi = hex_value(p[0]);
        int lo = hex_value(p[1]);

        if (hi < 0 || lo < 0) {
            return bad(s, "TLSPCAP line with a non-hex digit");
        }
        bytes[n++] = (uint8_t) (hi << 4 | lo);
    }
    if (fwrite(bytes, 1, n, s->pcap) != n) {
        return bad(s, "writing the pcap file failed");
    }
    s->pcap_lines++;
    s->pcap_bytes += n;
    return 0;
}

static int keylog_line(state *s, const char *p, size_t len)
{
    const char *end = p + len;
    long seq = take_number(&p);

    if (s->keylog_ended) {
        return bad(s, "TLSKEYLOG line after TLSKEYLOG-END");
    }
    if (seq < 0 || (unsigned long) seq != s->keylog_lines) {
        return bad(s, "TLSKEYLOG line out of sequence (a line was lost or repeated)");
    }
    if (s->keys != NULL && (fwrite(p, 1, (size_t) (end - p), s->keys) != (size_t) (end - p) ||
                            fputc('\n', s->keys) == EOF)) {
        return bad(s, "writing the key log file failed");
    }
    s->keylog_lines++;
    return 0;
}

static int end_line(state *s, const char *p, int pcap)
{
    long lines = take_number(&p);

    if (pcap) {
        long bytes = take_number(&p);

        if (lines < 0 || bytes < 0 || (unsigned long) lines != s->pcap_lines ||
            (unsigned long) bytes != s->pcap_bytes) {
            return bad(s, "TLSPCAP-END does not match the lines read (some were lost)");
        }
        s->pcap_ended = 1;
    } else {
        if (lines < 0 || (unsigned long) lines != s->keylog_lines) {
            return bad(s, "TLSKEYLOG-END does not match the lines read (some were lost)");
        }
        s->keylog_ended = 1;
    }
    return 0;
}

static int one_line(state *s, char *line)
{
    static const struct {
        const char *tag;
        int kind;   /* 0 pcap, 1 pcap end, 2 keylog, 3 keylog end */
    } tags[] = { { "TLSPCAP ", 0 }, { "TLSPCAP-END ", 1 }, { "TLSKEYLOG ", 2 }, { "TLSKEYLOG-END ", 3 } };
    size_t len = strlen(line);
    size_t body;
    size_t i;

    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
        line[--len] = '\0';
    }
    for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        size_t tag_len = strlen(tags[i].tag);

        if (strncmp(line, tags[i].tag, tag_len) != 0) {
            continue;
        }
        if (!crc_ok(line, &body) || body < tag_len) {
            return bad(s, "line fails its CRC (garbled on the console)");
        }
        line[body] = '\0';
        switch (tags[i].kind) {
        case 0:
            return pcap_line(s, line + tag_len, body - tag_len);
        case 1:
            return end_line(s, line + tag_len, 1);
        case 2:
            return keylog_line(s, line + tag_len, body - tag_len);
        default:
            return end_line(s, line + tag_len, 0);
        }
    }
    if (strncmp(line, "TLSPCAP", 7) == 0 || strncmp(line, "TLSKEYLOG", 9) == 0) {
        return bad(s, "unknown capture line (garbled tag)");
    }
    return 0;
}

static FILE *open_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    return fd < 0 ? NULL : fdopen(fd, "w");
}

int main(int argc, char **argv)
{
    static char line[MAX_LINE];
    state s;
    FILE *in;
    int ret = 0;

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: tlspair-console2pcap CONSOLE_LOG OUT.pcap [OUT.keys]\n");
        return 2;
    }
    memset(&s, 0, sizeof(s));
    s.log_name = argv[1];
    in = fopen(argv[1], "r");
    if (in == NULL) {
        fprintf(stderr, "tlspair-console2pcap: %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    s.pcap = fopen(argv[2], "wb");
    if (argc == 4) {
        s.keys = open_private(argv[3]);
    }
    if (s.pcap == NULL || (argc == 4 && s.keys == NULL)) {
        fprintf(stderr, "tlspair-console2pcap: cannot write %s: %s\n",
                s.pcap == NULL ? argv[2] : argv[3], strerror(errno));
        ret = 2;
    }
    while (ret == 0 && fgets(line, sizeof(line), in) != NULL) {
        s.line_no++;
        if (strchr(line, '\n') == NULL && !feof(in)) {
            ret = bad(&s, "line too long");
            break;
        }
        ret = one_line(&s, line);
    }
    if (ret == 0 && !s.pcap_ended) {
        ret = bad(&s, s.pcap_lines == 0 ? "no capture in this log (an FW_CAPTURE image?)"
                                        : "the capture never ended (no TLSPCAP-END): incomplete");
    }
    if (ret == 0 && s.keys != NULL && !s.keylog_ended) {
        ret = bad(&s, "no TLSKEYLOG-END: the key log is incomplete");
    }
    if (ret == 0 && s.keys != NULL && s.keylog_lines == 0) {
        fprintf(stderr, "tlspair-console2pcap: warning: no key log lines (a build without TLSP_KEYLOG)\n");
    }
    (void) fclose(in);
    if (s.pcap != NULL && fclose(s.pcap) != 0 && ret == 0) {
        ret = 2;
    }
    if (s.keys != NULL && fclose(s.keys) != 0 && ret == 0) {
        ret = 2;
    }
    if (ret == 0) {
        fprintf(stderr, "tlspair-console2pcap: %lu pcap bytes, %lu key log lines\n", s.pcap_bytes,
                s.keylog_lines);
    }
    return ret;
}
