/*
 * capture-pair: a client and a server engine over the memory link (the test harness),
 * the client captured to a pcap file and both ends' secrets to a key log, for
 * tshark_check.sh to dissect and decrypt:
 *
 *   capture-pair OUTDIR 1.2|1.3      writes OUTDIR/pair.pcap and OUTDIR/pair.keys
 *
 * The application data is known text: a greeting each way, then 300 numbered lines from
 * the client (about 6 KiB: several records, many TCP segments). Exit 0 when the
 * connection and the files are complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_pair.h"
#include "tlspair/tlsp_keylog.h"
#include "tlspair/tlsp_pcap.h"

#define CLIENT_HELLO_TEXT "tlspair capture test: hello from the client\n"
#define SERVER_HELLO_TEXT "tlspair capture test: hello from the server\n"
#define LINES 300

static int file_sink(void *ctx, const uint8_t *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *) ctx) == len ? 0 : -1;
}

static void keylog_sink(void *ctx, const char *line)
{
    (void) fputs(line, (FILE *) ctx);
}

/* Write all of buf from one end, moving bytes over the link until the other end has read
 * it all; returns 0 when what arrived is what was sent. */
static int send_and_receive(tlsp_pair *p, tlsp_engine *from, tlsp_engine *to,
                            const uint8_t *buf, size_t len)
{
    static uint8_t got[16384];
    size_t sent = 0;
    size_t received = 0;
    unsigned rounds;

    if (len > sizeof(got)) {
        return -1;
    }
    for (rounds = 0; rounds < 100000 && received < len; rounds++) {
        int progress;
        int n;

        if (sent < len) {
            n = tlsp_write(from, buf + sent, len - sent);
            if (n > 0) {
                sent += (size_t) n;
            } else if (n != TLSP_WANT_WRITE && n != TLSP_WANT_READ) {
                return n;
            }
        }
        n = tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        if (n != 0) {
            return n;
        }
        n = tlsp_read(to, got + received, len - received);
        if (n > 0) {
            received += (size_t) n;
        } else if (n != TLSP_WANT_WRITE && n != TLSP_WANT_READ) {
            return n;
        }
    }
    return received == len && memcmp(got, buf, len) == 0 ? 0 : -1;
}

static int run(tlsp_pair *p, FILE *pcap_file, FILE *keys)
{
    static char lines[LINES * 24];
    tlsp_pcap cap;
    size_t len = 0;
    int ret;
    int i;
    int idle;

    if ((ret = tlsp_pcap_begin(&cap, file_sink, pcap_file)) != 0 ||
        (ret = tlsp_pcap_attach(&cap, &p->client)) != 0 ||
        (ret = tlsp_keylog_enable(&p->client, keylog_sink, keys)) != 0) {
        fprintf(stderr, "capture-pair: setup: %s\n", tlsp_strerror(ret));
        return 1;
    }
    if ((ret = tlsp_pair_handshake(p)) != 0) {
        fprintf(stderr, "capture-pair: handshake: %s\n", tlsp_strerror(ret));
        return 1;
    }
    for (i = 0; i < LINES; i++) {
        len += (size_t) snprintf(lines + len, sizeof(lines) - len, "capture-line-%04d\n", i);
    }
    if (send_and_receive(p, &p->client, &p->server, (const uint8_t *) CLIENT_HELLO_TEXT,
                         strlen(CLIENT_HELLO_TEXT)) != 0 ||
        send_and_receive(p, &p->server, &p->client, (const uint8_t *) SERVER_HELLO_TEXT,
                         strlen(SERVER_HELLO_TEXT)) != 0 ||
        send_and_receive(p, &p->client, &p->server, (const uint8_t *) lines, len) != 0) {
        fprintf(stderr, "capture-pair: application data did not arrive intact\n");
        return 1;
    }
    if (tlsp_close(&p->client) != 0 || tlsp_close(&p->server) != 0) {
        fprintf(stderr, "capture-pair: close failed\n");
        return 1;
    }
    /* Until nothing moves: each close_notify reaches the other end. */
    for (i = 0, idle = 0; i < 1000 && idle < 8; i++) {
        int progress = 0;

        (void) tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        idle = progress ? 0 : idle + 1;
    }
    (void) tlsp_engine_set_capture(&p->client, NULL, NULL);
    if (tlsp_pcap_end(&cap) != 0) {
        fprintf(stderr, "capture-pair: writing the pcap failed\n");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    tlsp_pair_opts o;
    tlsp_pair *p;
    char path[4096];
    FILE *pcap_file;
    FILE *keys;
    int status;

    if (argc != 3 || (strcmp(argv[2], "1.2") != 0 && strcmp(argv[2], "1.3") != 0)) {
        fprintf(stderr, "usage: capture-pair OUTDIR 1.2|1.3\n");
        return 2;
    }
    memset(&o, 0, sizeof(o));
    o.min_version = o.max_version = strcmp(argv[2], "1.2") == 0 ? TLSP_TLS1_2 : TLSP_TLS1_3;
    o.mtu = 700;   /* flights cross the link in pieces, as on a real medium */
    p = tlsp_pair_new(&o);
    if (p == NULL) {
        return 1;
    }
    (void) snprintf(path, sizeof(path), "%s/pair.pcap", argv[1]);
    pcap_file = fopen(path, "wb");
    (void) snprintf(path, sizeof(path), "%s/pair.keys", argv[1]);
    keys = fopen(path, "w");
    if (pcap_file == NULL || keys == NULL) {
        fprintf(stderr, "capture-pair: cannot write in %s\n", argv[1]);
        status = 1;
    } else {
        status = run(p, pcap_file, keys);
    }
    if (pcap_file != NULL && fclose(pcap_file) != 0) {
        status = 1;
    }
    if (keys != NULL && fclose(keys) != 0) {
        status = 1;
    }
    tlsp_pair_free(p);
    return status;
}
