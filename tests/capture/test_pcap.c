/* The pcap writer (tlsp_pcap.h) by itself: the file header, each packet's headers and
 * checksums, TCP sequence and acknowledgement numbers, segmentation, the ACKs it adds,
 * timestamps from the port clock, the TCP close, sink failures and misuse. The bytes are
 * parsed back here field by field; tshark reads whole files in tshark_check.sh. */
#include <stdlib.h>
#include <string.h>

#include "tlsp_test.h"
#include "tlspair/tlsp_pcap.h"
#include "tlsp_port_test.h"

#define FILE_HEADER 24u
#define RECORD_HEADER 16u

/* A sink into memory that can be told to fail after a number of calls. */
typedef struct mem_sink {
    uint8_t buf[1u << 18];
    size_t len;
    unsigned calls;
    unsigned fail_after;   /* 0 = never */
} mem_sink;

static mem_sink sink;

static int mem_write(void *ctx, const uint8_t *data, size_t len)
{
    mem_sink *s = ctx;

    s->calls++;
    if (s->fail_after != 0 && s->calls > s->fail_after) {
        return -1;
    }
    if (len > sizeof(s->buf) - s->len) {
        return -1;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return 0;
}

static void sink_reset(void)
{
    memset(&sink, 0, sizeof(sink));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t) p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

/* RFC 1071 sum; a header with its checksum in place sums to 0xffff. */
static uint32_t ones_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (len & 1u) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return sum;
}

/* One packet parsed back. */
typedef struct packet {
    uint32_t ts_sec, ts_usec;
    int from_client;
    uint32_t seq, ack;
    unsigned flags;
    const uint8_t *payload;
    size_t payload_len;
} packet;

#define MAX_PACKETS 256
static packet pkts[MAX_PACKETS];

/* Parse every packet after the file header, checking what every packet must satisfy:
 * lengths, Ethernet type, IPv4 header and checksum, addresses and ports, TCP checksum. */
static size_t parse_all(void)
{
    size_t off = FILE_HEADER;
    size_t n = 0;

    while (off < sink.len && n < MAX_PACKETS) {
        const uint8_t *rec = sink.buf + off;
        const uint8_t *eth = rec + RECORD_HEADER;
        const uint8_t *ip = eth + 14;
        const uint8_t *tcp = ip + 20;
        uint32_t incl = le32(rec + 8);
        size_t tcp_len;
        uint8_t pseudo[12];
        packet *p = &pkts[n];

        CHECK(off + RECORD_HEADER + incl <= sink.len);
        CHECK_EQ(incl, le32(rec + 12));
        CHECK(incl <= 1514u);
        CHECK_EQ(be16(eth + 12), 0x0800);
        CHECK_EQ(ip[0], 0x45);
        CHECK_EQ(be16(ip + 2), incl - 14u);
        CHECK_EQ(ip[9], 6);
        CHECK_EQ(ones_sum(0, ip, 20), 0xffff);
        p->from_client = ip[15] == 1;
        CHECK_EQ(ip[12], 192);
        CHECK_EQ(ip[15], p->from_client ? 1 : 2);
        CHECK_EQ(ip[19], p->from_client ? 2 : 1);
        CHECK_EQ(be16(tcp), p->from_client ? TLSP_PCAP_CLIENT_PORT : TLSP_PCAP_SERVER_PORT);
        CHECK_EQ(be16(tcp + 2), p->from_client ? TLSP_PCAP_SERVER_PORT : TLSP_PCAP_CLIENT_PORT);
        tcp_len = (size_t) (tcp[12] >> 4) * 4u;
        CHECK(tcp_len == 20 || tcp_len == 24);
        p->ts_sec = le32(rec);
        p->ts_usec = le32(rec + 4);
        p->seq = be32(tcp + 4);
        p->ack = be32(tcp + 8);
        p->flags = tcp[13];
        p->payload = tcp + tcp_len;
        p->payload_len = incl - 14u - 20u - tcp_len;
        memcpy(pseudo, ip + 12, 8);
        pseudo[8] = 0;
        pseudo[9] = 6;
        pseudo[10] = (uint8_t) ((tcp_len + p->payload_len) >> 8);
        pseudo[11] = (uint8_t) (tcp_len + p->payload_len);
        CHECK_EQ(ones_sum(ones_sum(0, pseudo, 12), tcp, tcp_len + p->payload_len), 0xffff);
        off += RECORD_HEADER + incl;
        n++;
    }
    CHECK_EQ(off, sink.len);
    return n;
}

#define SYN 0x02u
#define FIN 0x01u
#define ACK 0x10u
#define PSH 0x08u

static void test_file_header_and_open(void)
{
    tlsp_pcap w;
    size_t n;

    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    REQUIRE(sink.len > FILE_HEADER);
    CHECK_EQ(le32(sink.buf), 0xa1b2c3d4u);
    CHECK_EQ(sink.buf[4] | sink.buf[5] << 8, 2);      /* version 2.4 */
    CHECK_EQ(sink.buf[6] | sink.buf[7] << 8, 4);
    CHECK_EQ(le32(sink.buf + 16), 65535);              /* snaplen */
    CHECK_EQ(le32(sink.buf + 20), 1);                  /* Ethernet */
    n = parse_all();
    REQUIRE_EQ(n, 3);
    CHECK(pkts[0].from_client);
    CHECK_EQ(pkts[0].flags, SYN);
    CHECK_EQ(pkts[0].seq, TLSP_PCAP_CLIENT_ISN);
    CHECK(!pkts[1].from_client);
    CHECK_EQ(pkts[1].flags, SYN | ACK);
    CHECK_EQ(pkts[1].seq, TLSP_PCAP_SERVER_ISN);
    CHECK_EQ(pkts[1].ack, TLSP_PCAP_CLIENT_ISN + 1);
    CHECK(pkts[2].from_client);
    CHECK_EQ(pkts[2].flags, ACK);
    CHECK_EQ(pkts[2].seq, TLSP_PCAP_CLIENT_ISN + 1);
    CHECK_EQ(pkts[2].ack, TLSP_PCAP_SERVER_ISN + 1);
    CHECK_EQ(tlsp_pcap_error(&w), 0);
}

/* Data is cut at the MSS, sequence numbers run on, each segment acknowledges all the
 * other side sent, PSH marks the end of each write, the bytes are the caller's. */
static void test_segments_and_numbers(void)
{
    static uint8_t data[4000];
    tlsp_pcap w;
    size_t i;
    size_t n;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t) (i * 7u + 3u);
    }
    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, 517), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_SERVER, data, sizeof(data)), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data + 517, 3), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, 0), 0);   /* nothing */
    n = parse_all();
    REQUIRE_EQ(n, 3 + 1 + 3 + 1);
    /* client 517 */
    CHECK(pkts[3].from_client);
    CHECK_EQ(pkts[3].flags, ACK | PSH);
    CHECK_EQ(pkts[3].seq, TLSP_PCAP_CLIENT_ISN + 1);
    CHECK_EQ(pkts[3].ack, TLSP_PCAP_SERVER_ISN + 1);
    CHECK_EQ(pkts[3].payload_len, 517);
    CHECK(memcmp(pkts[3].payload, data, 517) == 0);
    /* server 4000 = 1460 + 1460 + 1080 */
    CHECK_EQ(pkts[4].payload_len, TLSP_PCAP_MSS);
    CHECK_EQ(pkts[5].payload_len, TLSP_PCAP_MSS);
    CHECK_EQ(pkts[6].payload_len, 4000 - 2 * TLSP_PCAP_MSS);
    for (i = 4; i <= 6; i++) {
        CHECK(!pkts[i].from_client);
        CHECK_EQ(pkts[i].seq, TLSP_PCAP_SERVER_ISN + 1 + (uint32_t) (i - 4) * TLSP_PCAP_MSS);
        CHECK_EQ(pkts[i].ack, TLSP_PCAP_CLIENT_ISN + 1 + 517);
        CHECK_EQ(pkts[i].flags, i == 6 ? (ACK | PSH) : ACK);
        CHECK(memcmp(pkts[i].payload, data + (i - 4) * TLSP_PCAP_MSS, pkts[i].payload_len) == 0);
    }
    /* client 3 more, acknowledging the server's 4000 */
    CHECK_EQ(pkts[7].seq, TLSP_PCAP_CLIENT_ISN + 1 + 517);
    CHECK_EQ(pkts[7].ack, TLSP_PCAP_SERVER_ISN + 1 + 4000);
    CHECK_EQ(pkts[7].payload_len, 3);
    /* an odd payload length still gives a valid TCP checksum: parse_all() checked it */
}

/* A long one-way stream gets a bare ACK from the receiver every TLSP_PCAP_ACK_EVERY
 * bytes, so that no window looks full. */
static void test_acks_long_streams(void)
{
    static uint8_t data[40000];
    tlsp_pcap w;
    size_t n;
    size_t i;
    size_t bare_acks = 0;
    size_t payload = 0;

    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, sizeof(data)), 0);
    n = parse_all();
    for (i = 3; i < n; i++) {
        if (!pkts[i].from_client) {
            bare_acks++;
            CHECK_EQ(pkts[i].payload_len, 0);
            CHECK_EQ(pkts[i].flags, ACK);
            CHECK_EQ(pkts[i].ack, TLSP_PCAP_CLIENT_ISN + 1 + payload);
            CHECK(payload >= TLSP_PCAP_ACK_EVERY);
        } else {
            payload += pkts[i].payload_len;
        }
    }
    CHECK_EQ(bare_acks, 1);
    CHECK_EQ(payload, sizeof(data));
}

static void test_close(void)
{
    uint8_t data[10] = { 0 };
    tlsp_pcap w;
    size_t n;

    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_SERVER, data, sizeof(data)), 0);
    REQUIRE_EQ(tlsp_pcap_end(&w), 0);
    n = parse_all();
    REQUIRE_EQ(n, 3 + 1 + 3);
    CHECK(pkts[4].from_client);
    CHECK_EQ(pkts[4].flags, FIN | ACK);
    CHECK_EQ(pkts[4].seq, TLSP_PCAP_CLIENT_ISN + 1);
    CHECK_EQ(pkts[4].ack, TLSP_PCAP_SERVER_ISN + 1 + 10);
    CHECK(!pkts[5].from_client);
    CHECK_EQ(pkts[5].flags, FIN | ACK);
    CHECK_EQ(pkts[5].seq, TLSP_PCAP_SERVER_ISN + 1 + 10);
    CHECK_EQ(pkts[5].ack, TLSP_PCAP_CLIENT_ISN + 2);       /* the client's FIN counts */
    CHECK(pkts[6].from_client);
    CHECK_EQ(pkts[6].flags, ACK);
    CHECK_EQ(pkts[6].seq, TLSP_PCAP_CLIENT_ISN + 2);
    CHECK_EQ(pkts[6].ack, TLSP_PCAP_SERVER_ISN + 1 + 10 + 1);
    /* ended: nothing more goes in */
    CHECK_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, 1), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_pcap_end(&w), TLSP_ERR_STATE);
    CHECK_EQ(parse_all(), n);
}

/* Timestamps: the port's wall clock at begin, plus the port clock's progress since. */
static void test_timestamps(void)
{
    uint8_t data[1] = { 0 };
    tlsp_pcap w;
    size_t n;
    const int64_t wall = 1767225600;   /* the test port's date */

    tlsp_port_test_set_wall_time(wall);
    tlsp_port_test_advance_millis(500);
    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    tlsp_port_test_advance_millis(1234);
    REQUIRE_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, 1), 0);
    n = parse_all();
    REQUIRE_EQ(n, 4);
    CHECK_EQ(pkts[0].ts_sec, wall);
    CHECK_EQ(pkts[0].ts_usec, 0);
    CHECK_EQ(pkts[3].ts_sec, wall + 1);
    CHECK_EQ(pkts[3].ts_usec, 234000);

    /* A port that does not know the date: the port clock as it is. */
    tlsp_port_test_set_wall_time(-1);
    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    n = parse_all();
    REQUIRE_EQ(n, 3);
    CHECK_EQ((uint64_t) pkts[0].ts_sec * 1000u + pkts[0].ts_usec / 1000u, tlsp_port_millis());
    tlsp_port_test_set_wall_time(wall);
}

/* A failing sink fails the writer for good, and nothing more is written. */
static void test_sink_failure_sticky(void)
{
    uint8_t data[100] = { 0 };
    tlsp_pcap w;
    unsigned calls;

    sink_reset();
    sink.fail_after = 5;
    CHECK_EQ(tlsp_pcap_begin(&w, mem_write, &sink), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_pcap_error(&w), TLSP_ERR_TRANSPORT);
    calls = sink.calls;
    sink.fail_after = 0;   /* the sink would work again: the writer stays failed */
    CHECK_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, sizeof(data)), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_pcap_end(&w), TLSP_ERR_TRANSPORT);
    CHECK_EQ(sink.calls, calls);
}

static void test_misuse(void)
{
    uint8_t data[4] = { 0 };
    tlsp_pcap w;

    memset(&w, 0, sizeof(w));
    CHECK_EQ(tlsp_pcap_begin(NULL, mem_write, &sink), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_begin(&w, NULL, &sink), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, data, 4), TLSP_ERR_STATE);   /* not begun */
    CHECK_EQ(tlsp_pcap_end(&w), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_pcap_data(NULL, TLSP_PCAP_FROM_CLIENT, data, 4), TLSP_ERR_BAD_ARG);
    sink_reset();
    REQUIRE_EQ(tlsp_pcap_begin(&w, mem_write, &sink), 0);
    CHECK_EQ(tlsp_pcap_data(&w, TLSP_PCAP_FROM_CLIENT, NULL, 4), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_data(&w, (tlsp_pcap_side) 7, data, 4), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_attach(&w, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_error(NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_pcap_error(&w), 0);
}

int main(void)
{
    RUN_TEST(test_file_header_and_open);
    RUN_TEST(test_segments_and_numbers);
    RUN_TEST(test_acks_long_streams);
    RUN_TEST(test_close);
    RUN_TEST(test_timestamps);
    RUN_TEST(test_sink_failure_sticky);
    RUN_TEST(test_misuse);
    return tlsp_test_finish("pcap");
}
