/*
 * The pcap writer (tlsp_pcap.h): a made-up Ethernet/IPv4/TCP connection around the
 * engine's two ciphertext streams. Every header field is written byte by byte in its
 * specified order (pcap records little-endian, network headers big-endian), so the file
 * is the same on every CPU.
 */
#include "tlspair/tlsp_pcap.h"

#include <string.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_port.h"

#define TLSP_PCAP_OPEN   0x1u
#define TLSP_PCAP_CLOSED 0x2u

#define ETH_LEN 14u
#define IPV4_LEN 20u
#define TCP_LEN 20u
#define TCP_MSS_OPTION_LEN 4u
#define MAX_HEADERS (ETH_LEN + IPV4_LEN + TCP_LEN + TCP_MSS_OPTION_LEN)

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u

#define LINKTYPE_ETHERNET 1u
#define SNAPLEN 65535u

static const uint8_t client_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t server_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t client_ip[4] = { 192, 0, 2, 1 };
static const uint8_t server_ip[4] = { 192, 0, 2, 2 };

static void put16be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void put32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) (v >> 24);
    p[1] = (uint8_t) (v >> 16);
    p[2] = (uint8_t) (v >> 8);
    p[3] = (uint8_t) v;
}

static void put32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t) v;
    p[1] = (uint8_t) (v >> 8);
    p[2] = (uint8_t) (v >> 16);
    p[3] = (uint8_t) (v >> 24);
}

/* RFC 1071 one's-complement sum, continued from sum; data of odd length is padded. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) p[i] << 8 | p[i + 1];
    }
    if (len & 1u) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

static int emit(tlsp_pcap *w, const uint8_t *data, size_t len)
{
    if (w->error == 0 && len != 0 && w->sink(w->sink_ctx, data, len) != 0) {
        w->error = TLSP_ERR_TRANSPORT;
    }
    return w->error;
}

/* One frame: the pcap record header, Ethernet, IPv4, TCP (with an MSS option on SYNs),
 * then the payload straight from the caller's buffer. */
static int write_packet(tlsp_pcap *w, tlsp_pcap_side from, unsigned flags,
                        const uint8_t *payload, size_t len)
{
    tlsp_pcap_side to = from == TLSP_PCAP_FROM_CLIENT ? TLSP_PCAP_FROM_SERVER : TLSP_PCAP_FROM_CLIENT;
    uint8_t rec[16];
    uint8_t h[MAX_HEADERS];
    uint8_t *ip = h + ETH_LEN;
    uint8_t *tcp = ip + IPV4_LEN;
    size_t tcp_len = TCP_LEN + ((flags & TCP_SYN) ? TCP_MSS_OPTION_LEN : 0u);
    size_t frame_len = ETH_LEN + IPV4_LEN + tcp_len + len;
    uint64_t ms = (uint64_t) ((int64_t) tlsp_port_millis() + w->wall_offset_ms);
    uint8_t pseudo[12];
    uint32_t sum;

    put32le(rec, (uint32_t) (ms / 1000u));
    put32le(rec + 4, (uint32_t) (ms % 1000u) * 1000u);
    put32le(rec + 8, (uint32_t) frame_len);
    put32le(rec + 12, (uint32_t) frame_len);

    memcpy(h, from == TLSP_PCAP_FROM_CLIENT ? server_mac : client_mac, 6);
    memcpy(h + 6, from == TLSP_PCAP_FROM_CLIENT ? client_mac : server_mac, 6);
    put16be(h + 12, 0x0800u);   /* IPv4 */

    memset(ip, 0, IPV4_LEN);
    ip[0] = 0x45;               /* version 4, 5 words */
    put16be(ip + 2, (uint32_t) (IPV4_LEN + tcp_len + len));
    put16be(ip + 4, w->ip_id[from]++);
    put16be(ip + 6, 0x4000u);   /* don't fragment */
    ip[8] = 64;                 /* TTL */
    ip[9] = 6;                  /* TCP */
    memcpy(ip + 12, from == TLSP_PCAP_FROM_CLIENT ? client_ip : server_ip, 4);
    memcpy(ip + 16, from == TLSP_PCAP_FROM_CLIENT ? server_ip : client_ip, 4);
    put16be(ip + 10, fold(sum16(0, ip, IPV4_LEN)));

    memset(tcp, 0, tcp_len);
    put16be(tcp, from == TLSP_PCAP_FROM_CLIENT ? TLSP_PCAP_CLIENT_PORT : TLSP_PCAP_SERVER_PORT);
    put16be(tcp + 2, from == TLSP_PCAP_FROM_CLIENT ? TLSP_PCAP_SERVER_PORT : TLSP_PCAP_CLIENT_PORT);
    put32be(tcp + 4, w->next_seq[from]);
    put32be(tcp + 8, (flags & TCP_ACK) ? w->next_seq[to] : 0u);
    tcp[12] = (uint8_t) ((tcp_len / 4u) << 4);
    tcp[13] = (uint8_t) flags;
    put16be(tcp + 14, 65535u);  /* window */
    if (flags & TCP_SYN) {
        tcp[20] = 2;            /* MSS option */
        tcp[21] = 4;
        put16be(tcp + 22, TLSP_PCAP_MSS);
    }
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16be(pseudo + 10, (uint32_t) (tcp_len + len));
    sum = sum16(0, pseudo, sizeof(pseudo));
    sum = sum16(sum, tcp, tcp_len);
    /* The header has an even length, so the payload's words line up with the sum's. */
    sum = sum16(sum, payload, len);
    put16be(tcp + 16, fold(sum));

    if (flags & TCP_ACK) {
        w->acked[to] = w->next_seq[to];
    }
    w->next_seq[from] += (uint32_t) len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
    (void) emit(w, rec, sizeof(rec));
    (void) emit(w, h, ETH_LEN + IPV4_LEN + tcp_len);
    return emit(w, payload, len);
}

int tlsp_pcap_begin(tlsp_pcap *w, tlsp_pcap_sink sink, void *sink_ctx)
{
    uint8_t hdr[24];
    int64_t wall;

    if (w == NULL || sink == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    memset(w, 0, sizeof(*w));
    w->sink = sink;
    w->sink_ctx = sink_ctx;
    w->next_seq[TLSP_PCAP_FROM_CLIENT] = TLSP_PCAP_CLIENT_ISN;
    w->next_seq[TLSP_PCAP_FROM_SERVER] = TLSP_PCAP_SERVER_ISN;
    w->ip_id[TLSP_PCAP_FROM_CLIENT] = 1;
    w->ip_id[TLSP_PCAP_FROM_SERVER] = 1;
    wall = tlsp_port_wall_time();
    if (wall >= 0) {
        w->wall_offset_ms = wall * 1000 - (int64_t) tlsp_port_millis();
    }
    w->state = TLSP_PCAP_OPEN;

    put32le(hdr, 0xa1b2c3d4u);            /* magic: microsecond timestamps */
    hdr[4] = 2;                           /* version 2.4, little-endian 16-bit fields */
    hdr[5] = 0;
    hdr[6] = 4;
    hdr[7] = 0;
    put32le(hdr + 8, 0);                  /* thiszone */
    put32le(hdr + 12, 0);                 /* sigfigs */
    put32le(hdr + 16, SNAPLEN);
    put32le(hdr + 20, LINKTYPE_ETHERNET);
    (void) emit(w, hdr, sizeof(hdr));
    (void) write_packet(w, TLSP_PCAP_FROM_CLIENT, TCP_SYN, NULL, 0);
    (void) write_packet(w, TLSP_PCAP_FROM_SERVER, TCP_SYN | TCP_ACK, NULL, 0);
    return write_packet(w, TLSP_PCAP_FROM_CLIENT, TCP_ACK, NULL, 0);
}

static int check_open(const tlsp_pcap *w)
{
    if (w == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (w->state != TLSP_PCAP_OPEN) {
        return TLSP_ERR_STATE;
    }
    return w->error;
}

int tlsp_pcap_data(tlsp_pcap *w, tlsp_pcap_side from, const uint8_t *data, size_t len)
{
    tlsp_pcap_side to = from == TLSP_PCAP_FROM_CLIENT ? TLSP_PCAP_FROM_SERVER : TLSP_PCAP_FROM_CLIENT;
    int ret = check_open(w);

    if (ret != 0) {
        return ret;
    }
    if ((from != TLSP_PCAP_FROM_CLIENT && from != TLSP_PCAP_FROM_SERVER) || (data == NULL && len != 0)) {
        return TLSP_ERR_BAD_ARG;
    }
    while (len != 0 && ret == 0) {
        int last = len <= TLSP_PCAP_MSS;   /* PSH marks the end of each write */
        size_t n = last ? len : TLSP_PCAP_MSS;
        unsigned flags = last ? (TCP_ACK | TCP_PSH) : TCP_ACK;

        if (w->next_seq[from] - w->acked[from] >= TLSP_PCAP_ACK_EVERY) {
            ret = write_packet(w, to, TCP_ACK, NULL, 0);
        }
        if (ret == 0) {
            ret = write_packet(w, from, flags, data, n);
        }
        data += n;
        len -= n;
    }
    return ret;
}

int tlsp_pcap_end(tlsp_pcap *w)
{
    int ret = check_open(w);

    if (ret != 0) {
        return ret;
    }
    w->state = TLSP_PCAP_CLOSED;
    (void) write_packet(w, TLSP_PCAP_FROM_CLIENT, TCP_FIN | TCP_ACK, NULL, 0);
    (void) write_packet(w, TLSP_PCAP_FROM_SERVER, TCP_FIN | TCP_ACK, NULL, 0);
    return write_packet(w, TLSP_PCAP_FROM_CLIENT, TCP_ACK, NULL, 0);
}

int tlsp_pcap_error(const tlsp_pcap *w)
{
    return w == NULL ? TLSP_ERR_BAD_ARG : w->error;
}

void tlsp_pcap_tap(void *ctx, tlsp_capture_dir dir, const uint8_t *data, size_t len)
{
    tlsp_pcap *w = ctx;
    /* What the engine sent comes from its own side of the connection. */
    int from_server = (dir == TLSP_CAPTURE_OUT) == (w->engine_is_server != 0);

    (void) tlsp_pcap_data(w, from_server ? TLSP_PCAP_FROM_SERVER : TLSP_PCAP_FROM_CLIENT, data, len);
}

int tlsp_pcap_attach(tlsp_pcap *w, struct tlsp_engine *e)
{
    if (w == NULL || e == NULL || e->cfg == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    w->engine_is_server = e->cfg->role == TLSP_SERVER;
    return tlsp_engine_set_capture(e, tlsp_pcap_tap, w);
}
