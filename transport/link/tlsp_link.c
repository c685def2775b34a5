/*
 * The link layer: frames, acknowledgements and selective-repeat retransmission over a
 * lossy lower transport (see tlsp_link.h for the wire format and the rules).
 *
 * Sequence numbers are 8 bits; windows are at most 32 frames each way, so the 256
 * numbers never alias (selective repeat needs send + receive window <= 256).
 */
#include "tlspair/tlsp_link.h"

#include <limits.h>
#include <string.h>

#include "tlspair/tlsp_port.h"
#include "tlsp_link_cobs.h"

#define KIND_DATA   0x01u
#define KIND_ACK    0x02u
#define KIND_MASK   0x03u
#define F_SACK      0x04u
#define F_POLL      0x08u
#define F_FINAL     0x10u
#define F_RESERVED  0xe0u

/* Most line bytes one pump reads, so a flooded line cannot starve sending. */
#define RX_CHUNK 64u
#define RX_CHUNKS_PER_PUMP 16u

static uint8_t seq_dist(uint8_t from, uint8_t to)
{
    return (uint8_t) (to - from);
}

static int order_before(uint32_t a, uint32_t b)
{
    return (int32_t) (a - b) < 0;
}

static int fail(tlsp_link *l, int code)
{
    if (l->error == 0) {
        l->error = code;
    }
    return l->error;
}

/* ---- configuration and memory ------------------------------------------------------- */

void tlsp_link_config_init(tlsp_link_config *cfg, uint32_t baud)
{
    if (cfg == NULL) {
        return;
    }
    memset(cfg, 0, sizeof(*cfg));
    cfg->baud = baud != 0 ? baud : 115200u;
    /* 384-byte frames, windows of 6: the smallest frame that keeps a clean 115200-baud
     * line at >= 93 % goodput with 512-byte records (11 bytes of framing per frame), in
     * about the RAM of 256 x 8. Smaller frames survive worse lines (docs/link.md). */
    cfg->frame_payload = 384;
    cfg->tx_window = 6;
    cfg->rx_window = 6;
    /* rto_initial_ms, rto_max_ms, dead_ms = 0: derived at init from the line rate and
     * the final payload and window sizes. */
}

/* Fill in the timers left at 0. A frame's timer starts when it starts going out, so its
 * round trip is its own line time, a peer frame already on the line, the peer's frame
 * that carries the ack, and UART buffering: four full frames' line time, doubled, plus
 * 20 ms for a busy peer. Backoff ceiling 4 times that (at most 5 s, never below the
 * timeout): on a lossy line, silence is usually loss, not death. Dead after 8 ceilings,
 * at least 10 s. */
static void derive_timing(tlsp_link_config *cfg)
{
    uint32_t bytes_per_s = cfg->baud / 10u;
    uint32_t frames_ms;

    if (bytes_per_s == 0) {
        bytes_per_s = 1;
    }
    /* 32-bit arithmetic (at most 4 * 4128 * 1000): no 64-bit division helper on MCUs. */
    frames_ms = (uint32_t) ((4u * TLSP_LINK_WIRE_MAX(cfg->frame_payload) * 1000u +
                             bytes_per_s - 1u) / bytes_per_s);
    if (cfg->rto_initial_ms == 0) {
        uint32_t rto = 2u * frames_ms + 20u;
        cfg->rto_initial_ms = rto > 60000u ? 60000u : rto;
    }
    if (cfg->rto_max_ms == 0) {
        uint64_t max = (uint64_t) cfg->rto_initial_ms * 4u;
        if (max > 5000u) {
            max = cfg->rto_initial_ms > 5000u ? cfg->rto_initial_ms : 5000u;
        }
        cfg->rto_max_ms = (uint32_t) max;
    }
    if (cfg->dead_ms == 0) {
        uint64_t dead = (uint64_t) cfg->rto_max_ms * 8u;
        cfg->dead_ms = dead < 10000u ? 10000u : (dead > 600000u ? 600000u : (uint32_t) dead);
    }
}

static int config_ok(const tlsp_link_config *cfg)
{
    return cfg != NULL && cfg->frame_payload >= TLSP_LINK_MIN_PAYLOAD &&
           cfg->frame_payload <= TLSP_LINK_MAX_PAYLOAD && cfg->tx_window >= 1 &&
           cfg->tx_window <= TLSP_LINK_MAX_WINDOW && cfg->rx_window >= 1 &&
           cfg->rx_window <= TLSP_LINK_MAX_WINDOW && cfg->baud >= 10u &&
           (cfg->rto_max_ms == 0 || cfg->rto_max_ms >= cfg->rto_initial_ms);
}

size_t tlsp_link_memory_size(const tlsp_link_config *cfg)
{
    if (!config_ok(cfg)) {
        return 0;
    }
    return TLSP_LINK_MEMORY_SIZE(cfg->frame_payload, cfg->tx_window, cfg->rx_window);
}

int tlsp_link_init(tlsp_link *l, const tlsp_link_config *cfg, const tlsp_transport *lower,
                   void *mem, size_t mem_size)
{
    size_t need = tlsp_link_memory_size(cfg);
    uintptr_t a;
    size_t p;

    if (l == NULL || need == 0 || lower == NULL || lower->send == NULL ||
        lower->recv == NULL || mem == NULL || mem_size < need) {
        return TLSP_ERR_BAD_ARG;
    }
    memset(l, 0, sizeof(*l));
    l->cfg = *cfg;
    derive_timing(&l->cfg);
    l->lower = *lower;
    p = cfg->frame_payload;
    /* Slot bookkeeping first, 8-byte aligned (it holds uint64_t); bytes after. */
    a = ((uintptr_t) mem + 7u) & ~(uintptr_t) 7u;
    l->tx_meta = (tlsp_link_tx_slot *) a;
    a += cfg->tx_window * sizeof(tlsp_link_tx_slot);
    l->rx_meta = (tlsp_link_rx_slot *) a;
    a += cfg->rx_window * sizeof(tlsp_link_rx_slot);
    l->tx_data = (uint8_t *) a;
    a += cfg->tx_window * p;
    l->rx_data = (uint8_t *) a;
    a += cfg->rx_window * p;
    l->wire = (uint8_t *) a;
    a += TLSP_LINK_WIRE_MAX(p);
    l->frame = (uint8_t *) a;
    memset(l->tx_meta, 0, cfg->tx_window * sizeof(tlsp_link_tx_slot));
    memset(l->rx_meta, 0, cfg->rx_window * sizeof(tlsp_link_rx_slot));
    /* Until the peer says how much it takes, send one frame at a time. */
    l->peer_credit = 1;
    l->credit_sent = cfg->rx_window;
    return 0;
}

/* ---- slots -------------------------------------------------------------------------- */

static unsigned tx_index(const tlsp_link *l, uint8_t seq)
{
    return ((unsigned) l->tx_head + seq_dist(l->snd_una, seq)) % l->cfg.tx_window;
}

static tlsp_link_tx_slot *tx_slot(tlsp_link *l, uint8_t seq, uint8_t **data)
{
    unsigned i = tx_index(l, seq);

    if (data != NULL) {
        *data = l->tx_data + (size_t) i * l->cfg.frame_payload;
    }
    return &l->tx_meta[i];
}

static tlsp_link_rx_slot *rx_slot(tlsp_link *l, uint8_t seq, uint8_t **data)
{
    unsigned i = ((unsigned) l->rx_head + seq_dist(l->rcv_read, seq)) % l->cfg.rx_window;

    if (data != NULL) {
        *data = l->rx_data + (size_t) i * l->cfg.frame_payload;
    }
    return &l->rx_meta[i];
}

/* Frames the receive window takes from rcv_next on. */
static uint8_t rx_credit(const tlsp_link *l)
{
    return (uint8_t) (l->cfg.rx_window - seq_dist(l->rcv_read, l->rcv_next));
}

static uint32_t sack_bits(tlsp_link *l)
{
    uint8_t credit = rx_credit(l);
    uint32_t bits = 0;
    unsigned i;

    for (i = 1; i < credit && i <= 32u; i++) {
        if (rx_slot(l, (uint8_t) (l->rcv_next + i), NULL)->present) {
            bits |= 1u << (i - 1);
        }
    }
    return bits;
}

static uint32_t rto_ms(const tlsp_link *l)
{
    uint32_t rto = l->cfg.rto_initial_ms;
    unsigned i;

    for (i = 0; i < l->backoff && rto < l->cfg.rto_max_ms; i++) {
        rto = rto > l->cfg.rto_max_ms / 2u ? l->cfg.rto_max_ms : rto * 2u;
    }
    return rto;
}

/* ---- the line: sending -------------------------------------------------------------- */

static int wire_busy(const tlsp_link *l)
{
    return l->wire_off < l->wire_len;
}

static int flush_wire(tlsp_link *l)
{
    while (wire_busy(l)) {
        size_t len = l->wire_len - l->wire_off;
        int n = l->lower.send(l->lower.ctx, l->wire + l->wire_off, len);
        if (n > 0 && (size_t) n <= len) {
            l->wire_off += (size_t) n;
            l->stats.line_bytes_out += (uint64_t) n;
        } else if (n == TLSP_WANT_WRITE) {
            return 0;
        } else {
            return fail(l, TLSP_ERR_TRANSPORT);
        }
    }
    return 0;
}

/* Encode one frame into the (free) line buffer. Every frame carries our ack state. */
static void build_frame(tlsp_link *l, uint8_t flags, uint8_t seq,
                        const uint8_t *payload, size_t len)
{
    uint8_t head[TLSP_LINK_HEADER + TLSP_LINK_SACK];
    uint8_t tail[TLSP_LINK_CRC];
    uint32_t sack = sack_bits(l);
    uint8_t credit = rx_credit(l);
    size_t hl = TLSP_LINK_HEADER;
    tlsp_cobs_enc enc;
    uint32_t crc;
    size_t o = 0;

    if (l->answer_due) {
        flags |= F_FINAL;
        l->answer_due = 0;
    }
    if (sack != 0) {
        flags |= F_SACK;
        head[4] = (uint8_t) sack;
        head[5] = (uint8_t) (sack >> 8);
        head[6] = (uint8_t) (sack >> 16);
        head[7] = (uint8_t) (sack >> 24);
        hl += TLSP_LINK_SACK;
    }
    head[0] = flags;
    head[1] = seq;
    head[2] = l->rcv_next;
    head[3] = credit;
    crc = tlsp_link_crc32(0, head, hl);
    crc = tlsp_link_crc32(crc, payload, len);
    tail[0] = (uint8_t) crc;
    tail[1] = (uint8_t) (crc >> 8);
    tail[2] = (uint8_t) (crc >> 16);
    tail[3] = (uint8_t) (crc >> 24);

    /* The very first frame also starts with a delimiter: whatever the line carried
     * before (power-on noise) then ends as a separate, discarded frame. */
    if (!l->wire_started) {
        l->wire[o++] = 0;
        l->wire_started = 1;
    }
    tlsp_cobs_enc_start(&enc, l->wire + o);
    tlsp_cobs_enc_put(&enc, head, hl);
    tlsp_cobs_enc_put(&enc, payload, len);
    tlsp_cobs_enc_put(&enc, tail, sizeof(tail));
    o += tlsp_cobs_enc_finish(&enc);
    l->wire[o++] = 0;
    l->wire_len = o;
    l->wire_off = 0;
    l->ack_due = 0;
    l->credit_sent = credit;
    l->stats.frames_sent++;
}

static void send_data(tlsp_link *l, uint8_t seq, uint64_t now)
{
    uint8_t *data;
    tlsp_link_tx_slot *s = tx_slot(l, seq, &data);

    build_frame(l, KIND_DATA, seq, data, s->len);
    if (s->sends != 0) {
        l->stats.retransmissions++;
    }
    if (s->sends < 255u) {
        s->sends++;
    }
    s->sent_ms = now;
    s->sent_order = l->send_counter++;
    l->stats.data_frames_sent++;
}

/* Nothing outstanding, data queued, but the peer has no room: ask it to say when. */
static int credit_blocked(const tlsp_link *l)
{
    return l->snd_next == l->snd_una && l->snd_end != l->snd_next && l->peer_credit == 0;
}

/* The first outstanding frame the peer has not reported, or NULL. */
static const tlsp_link_tx_slot *oldest_unreported(const tlsp_link *l, uint8_t *seq_out)
{
    uint8_t seq;

    for (seq = l->snd_una; seq != l->snd_next; seq++) {
        const tlsp_link_tx_slot *s = &l->tx_meta[tx_index(l, seq)];
        if (!s->sacked) {
            *seq_out = seq;
            return s;
        }
    }
    return NULL;
}

/* Choose the next frame for the line, most urgent first. 1 if one was built. */
static int next_frame(tlsp_link *l, uint64_t now)
{
    uint8_t seq;
    tlsp_link_tx_slot *s;
    const tlsp_link_tx_slot *oldest;

    /* Lost: sent before a frame the peer reported, and not reported itself (a serial
     * line does not reorder). Resend at once. */
    if (l->delivered_known) {
        for (seq = l->snd_una; seq != l->snd_next; seq++) {
            s = tx_slot(l, seq, NULL);
            if (!s->sacked && order_before(s->sent_order, l->delivered_order)) {
                send_data(l, seq, now);
                return 1;
            }
        }
    }
    /* Timer: the line has been quiet; resend every unreported frame, oldest first (the
     * rest follow through the rule above: they were all sent before this one). Quiet
     * means the line is free, and on a very lossy line one probe per timeout is slow. */
    oldest = oldest_unreported(l, &seq);
    if (oldest != NULL && now >= oldest->sent_ms + rto_ms(l)) {
        l->stats.timeouts++;
        if (l->backoff < 31u) {
            l->backoff++;
        }
        l->delivered_order = l->send_counter; /* = the order this resend gets */
        l->delivered_known = 1;
        send_data(l, seq, now);
        return 1;
    }
    /* New data, within our window and the peer's credit. */
    if (l->snd_next != l->snd_end && seq_dist(l->snd_una, l->snd_next) < l->peer_credit) {
        send_data(l, l->snd_next, now);
        l->snd_next++;
        return 1;
    }
    if (l->ack_due || l->answer_due) {
        build_frame(l, KIND_ACK, 0, NULL, 0);
        l->stats.acks_sent++;
        return 1;
    }
    if (credit_blocked(l) && now >= l->poll_ms + rto_ms(l)) {
        build_frame(l, KIND_ACK | F_POLL, 0, NULL, 0);
        l->stats.acks_sent++;
        l->polling = 1;
        l->poll_ms = now;
        if (l->backoff < 31u) {
            l->backoff++;
        }
        return 1;
    }
    return 0;
}

static int pump_tx(tlsp_link *l, uint64_t now)
{
    /* Bounded: each frame either fills the line buffer or nothing is left to send. */
    unsigned frames;

    for (frames = 0; frames < 2u * TLSP_LINK_MAX_WINDOW + 2u; frames++) {
        if (flush_wire(l) != 0) {
            return l->error;
        }
        if (wire_busy(l) || !next_frame(l, now)) {
            break;
        }
    }
    return flush_wire(l);
}

/* ---- the line: receiving ------------------------------------------------------------ */

/* 0 if ack is impossible (acknowledges what was never sent: not this session). */
static int peer_acked(tlsp_link *l, uint8_t ack, uint64_t now)
{
    uint8_t outstanding = seq_dist(l->snd_una, l->snd_next);

    if (seq_dist(l->snd_una, ack) > outstanding) {
        return 0;
    }
    while (l->snd_una != ack) {
        tlsp_link_tx_slot *s = &l->tx_meta[l->tx_head];
        if (!l->delivered_known || order_before(l->delivered_order, s->sent_order)) {
            l->delivered_order = s->sent_order;
            l->delivered_known = 1;
        }
        memset(s, 0, sizeof(*s));
        l->tx_head = (uint8_t) ((l->tx_head + 1u) % l->cfg.tx_window);
        l->snd_una++;
        l->progress_ms = now;
        l->poll_ms = now;
        l->backoff = 0;
    }
    return 1;
}

/* A frame reported out of order got through: progress for the dead-link clock, even
 * while the oldest one keeps getting lost. */
static void peer_sacked(tlsp_link *l, uint32_t bits, uint64_t now)
{
    unsigned i;

    for (i = 0; i < 32u && bits != 0; i++, bits >>= 1) {
        uint8_t seq = (uint8_t) (l->snd_una + 1u + i);
        tlsp_link_tx_slot *s;
        if (!(bits & 1u) || seq_dist(l->snd_una, seq) >= seq_dist(l->snd_una, l->snd_next)) {
            continue;
        }
        s = tx_slot(l, seq, NULL);
        if (!s->sacked) {
            s->sacked = 1;
            l->progress_ms = now;
        }
        if (!l->delivered_known || order_before(l->delivered_order, s->sent_order)) {
            l->delivered_order = s->sent_order;
            l->delivered_known = 1;
        }
    }
}

static void data_arrived(tlsp_link *l, uint8_t seq, const uint8_t *payload, size_t len)
{
    uint8_t d = seq_dist(l->rcv_next, seq);
    uint8_t *data;
    tlsp_link_rx_slot *s;

    l->ack_due = 1; /* whatever it was: the peer learns our state */
    if (d >= 128u) {
        l->stats.duplicates++; /* before rcv_next: delivered already; our ack was lost */
        return;
    }
    if (d >= rx_credit(l)) {
        l->stats.out_of_window++;
        return;
    }
    s = rx_slot(l, seq, &data);
    if (s->present) {
        l->stats.duplicates++;
        return;
    }
    memcpy(data, payload, len);
    s->len = (uint16_t) len;
    s->present = 1;
    while (seq_dist(l->rcv_read, l->rcv_next) < l->cfg.rx_window &&
           rx_slot(l, l->rcv_next, NULL)->present) {
        l->rcv_next++;
    }
}

static void frame_arrived(tlsp_link *l, uint64_t now)
{
    const uint8_t *f = l->frame;
    size_t len = l->frame_len;
    size_t hl = TLSP_LINK_HEADER;
    uint32_t crc;
    uint8_t kind;

    if (len < TLSP_LINK_HEADER + TLSP_LINK_CRC) {
        l->stats.bad_frames++;
        l->stats.garbage_bytes += l->frame_raw;
        return;
    }
    crc = (uint32_t) f[len - 4] | (uint32_t) f[len - 3] << 8 | (uint32_t) f[len - 2] << 16 |
          (uint32_t) f[len - 1] << 24;
    if (tlsp_link_crc32(0, f, len - TLSP_LINK_CRC) != crc) {
        l->stats.crc_errors++;
        l->stats.garbage_bytes += l->frame_raw;
        return;
    }
    kind = f[0] & KIND_MASK;
    if ((f[0] & F_SACK) != 0) {
        hl += TLSP_LINK_SACK;
    }
    if ((f[0] & F_RESERVED) != 0 || (kind != KIND_DATA && kind != KIND_ACK) ||
        len < hl + TLSP_LINK_CRC ||
        (kind == KIND_DATA && (len == hl + TLSP_LINK_CRC ||
                               len - hl - TLSP_LINK_CRC > l->cfg.frame_payload))) {
        l->stats.bad_frames++;
        l->stats.garbage_bytes += l->frame_raw;
        return;
    }
    if (!peer_acked(l, f[2], now)) {
        l->stats.bad_frames++;
        return;
    }
    l->stats.frames_received++;
    /* The peer is alive and hears... something: back off only from silence. A serial
     * line has no congestion to back away from, and on a very lossy line a long backoff
     * would waste the time the peer's frames prove is usable. */
    l->backoff = 0;
    l->peer_credit = f[3];
    if ((f[0] & F_SACK) != 0) {
        peer_sacked(l, (uint32_t) f[4] | (uint32_t) f[5] << 8 | (uint32_t) f[6] << 16 |
                           (uint32_t) f[7] << 24, now);
    }
    if ((f[0] & F_FINAL) != 0 && l->polling) {
        l->polling = 0;
        l->progress_ms = now;
    }
    if ((f[0] & F_POLL) != 0) {
        l->answer_due = 1;
    }
    if (kind == KIND_DATA) {
        data_arrived(l, f[1], f + hl, len - hl - TLSP_LINK_CRC);
    }
}

static void frame_byte(tlsp_link *l, uint8_t b)
{
    if (l->frame_bad) {
        return;
    }
    if (l->frame_len >= TLSP_LINK_FRAME_MAX(l->cfg.frame_payload)) {
        l->frame_bad = 1; /* longer than any frame: garbage, or two frames run together */
        return;
    }
    l->frame[l->frame_len++] = b;
}

/* The incremental COBS decoder: one line byte at a time. */
static void line_byte(tlsp_link *l, uint8_t b, uint64_t now)
{
    if (b == 0) {
        if (l->frame_raw != 0) {
            if (l->frame_bad || l->cobs_left != 0) {
                l->stats.bad_frames++;
                l->stats.garbage_bytes += l->frame_raw;
            } else {
                frame_arrived(l, now);
            }
        }
        l->frame_len = 0;
        l->frame_raw = 0;
        l->cobs_left = 0;
        l->cobs_code = 0;
        l->frame_bad = 0;
        return;
    }
    l->frame_raw++;
    if (l->cobs_left == 0) {
        if (l->cobs_code != 0 && l->cobs_code != 0xffu) {
            frame_byte(l, 0); /* the zero the previous block stands for */
        }
        l->cobs_code = b;
        l->cobs_left = (uint8_t) (b - 1u);
    } else {
        frame_byte(l, b);
        l->cobs_left--;
    }
}

static int pump_rx(tlsp_link *l, uint64_t now)
{
    uint8_t buf[RX_CHUNK];
    unsigned chunks;

    for (chunks = 0; chunks < RX_CHUNKS_PER_PUMP && !l->lower_eof; chunks++) {
        int n = l->lower.recv(l->lower.ctx, buf, sizeof(buf));
        int i;
        if (n == TLSP_WANT_READ) {
            break;
        }
        if (n == 0) {
            l->lower_eof = 1;
            break;
        }
        if (n < 0 || (size_t) n > sizeof(buf)) {
            return fail(l, TLSP_ERR_TRANSPORT);
        }
        l->stats.line_bytes_in += (uint64_t) n;
        for (i = 0; i < n; i++) {
            line_byte(l, buf[i], now);
        }
    }
    return 0;
}

/* ---- timers and the pump ------------------------------------------------------------ */

static int data_waiting(const tlsp_link *l)
{
    return l->snd_next != l->snd_una || credit_blocked(l);
}

static int check_dead(tlsp_link *l, uint64_t now)
{
    int waiting = data_waiting(l);

    if (waiting && !l->waiting) {
        l->progress_ms = now; /* the dead-link clock starts when data starts waiting */
        if (credit_blocked(l)) {
            l->poll_ms = now;
        }
    }
    l->waiting = (uint8_t) waiting;
    if (waiting && now - l->progress_ms >= l->cfg.dead_ms) {
        return fail(l, TLSP_ERR_TIMEOUT);
    }
    return 0;
}

static int pump(tlsp_link *l)
{
    uint64_t now = tlsp_port_millis();

    if (l->error != 0) {
        return l->error;
    }
    if (pump_rx(l, now) != 0 || check_dead(l, now) != 0 || pump_tx(l, now) != 0) {
        return l->error;
    }
    return check_dead(l, now);
}

int tlsp_link_poll(tlsp_link *l)
{
    if (l == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    return pump(l);
}

uint64_t tlsp_link_next_timer(const tlsp_link *l)
{
    uint64_t t = UINT64_MAX;
    const tlsp_link_tx_slot *s;
    uint8_t seq;

    if (l == NULL || l->error != 0) {
        return UINT64_MAX;
    }
    if ((l->ack_due || l->answer_due) && !wire_busy(l)) {
        return tlsp_port_millis();
    }
    s = oldest_unreported(l, &seq);
    if (s != NULL) {
        t = s->sent_ms + rto_ms(l);
    }
    if (credit_blocked(l) && l->poll_ms + rto_ms(l) < t) {
        t = l->poll_ms + rto_ms(l);
    }
    if (data_waiting(l) && l->waiting && l->progress_ms + l->cfg.dead_ms < t) {
        t = l->progress_ms + l->cfg.dead_ms;
    }
    return t;
}

int tlsp_link_idle(const tlsp_link *l)
{
    return l != NULL && l->snd_una == l->snd_end && !l->ack_due && !l->answer_due &&
           !wire_busy(l);
}

int tlsp_link_error(const tlsp_link *l)
{
    return l == NULL ? TLSP_ERR_BAD_ARG : l->error;
}

const tlsp_link_stats *tlsp_link_get_stats(const tlsp_link *l)
{
    return l == NULL ? NULL : &l->stats;
}

/* ---- the upper transport ------------------------------------------------------------ */

/* Room for more bytes: an unsent last frame with space, or a free slot. */
static int can_take(tlsp_link *l)
{
    if (l->snd_end != l->snd_next &&
        tx_slot(l, (uint8_t) (l->snd_end - 1u), NULL)->len < l->cfg.frame_payload) {
        return 1;
    }
    return seq_dist(l->snd_una, l->snd_end) < l->cfg.tx_window;
}

static int upper_send(void *ctx, const uint8_t *buf, size_t len)
{
    tlsp_link *l = ctx;
    size_t taken = 0;

    if (pump(l) != 0) {
        return TLSP_ERR_TRANSPORT;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    while (taken < len) {
        uint8_t *data = NULL;
        tlsp_link_tx_slot *s = NULL;
        size_t n;
        /* Top up the last frame while it has not gone out: fewer, fuller frames. */
        if (l->snd_end != l->snd_next) {
            s = tx_slot(l, (uint8_t) (l->snd_end - 1u), &data);
            if (s->len >= l->cfg.frame_payload) {
                s = NULL;
            }
        }
        if (s != NULL) {
            /* append below */
        } else if (seq_dist(l->snd_una, l->snd_end) < l->cfg.tx_window) {
            s = tx_slot(l, l->snd_end, &data);
            memset(s, 0, sizeof(*s));
            l->snd_end++;
        } else {
            break;
        }
        n = l->cfg.frame_payload - s->len;
        if (n > len - taken) {
            n = len - taken;
        }
        memcpy(data + s->len, buf + taken, n);
        s->len = (uint16_t) (s->len + n);
        taken += n;
    }
    if (taken == 0) {
        return TLSP_WANT_WRITE;
    }
    l->stats.bytes_accepted += taken;
    (void) pump(l); /* a failure is reported by the next call; these bytes were taken */
    return (int) taken;
}

static int upper_recv(void *ctx, uint8_t *buf, size_t len)
{
    tlsp_link *l = ctx;
    uint8_t before;
    size_t got = 0;

    if (pump(l) != 0) {
        return TLSP_ERR_TRANSPORT;
    }
    if (len > INT_MAX) {
        len = INT_MAX;
    }
    before = rx_credit(l);
    while (got < len && l->rcv_read != l->rcv_next) {
        uint8_t *data;
        tlsp_link_rx_slot *s = rx_slot(l, l->rcv_read, &data);
        size_t n = s->len - l->rx_read_off;
        if (n > len - got) {
            n = len - got;
        }
        memcpy(buf + got, data + l->rx_read_off, n);
        got += n;
        l->rx_read_off = (uint16_t) (l->rx_read_off + n);
        if (l->rx_read_off == s->len) {
            s->present = 0;
            l->rx_read_off = 0;
            l->rx_head = (uint8_t) ((l->rx_head + 1u) % l->cfg.rx_window);
            l->rcv_read++;
        }
    }
    if (got == 0) {
        return l->lower_eof ? 0 : TLSP_WANT_READ;
    }
    l->stats.bytes_delivered += got;
    /* Reading freed room: tell a peer that was held back (or nearly). */
    if (rx_credit(l) > before &&
        (l->credit_sent == 0 ||
         (unsigned) (rx_credit(l) - l->credit_sent) >= (l->cfg.rx_window + 1u) / 2u)) {
        l->ack_due = 1;
        (void) pump(l);
    }
    return (int) got;
}

static unsigned ready_events(tlsp_link *l, unsigned events)
{
    unsigned ready = 0;

    if ((events & TLSP_IO_READABLE) && (l->rcv_read != l->rcv_next || l->lower_eof)) {
        ready |= TLSP_IO_READABLE;
    }
    if ((events & TLSP_IO_WRITABLE) && can_take(l)) {
        ready |= TLSP_IO_WRITABLE;
    }
    return ready;
}

static int upper_wait(void *ctx, unsigned events, uint32_t timeout_ms)
{
    tlsp_link *l = ctx;
    uint64_t now, until, timer;
    unsigned ready;
    int r;

    if (pump(l) != 0) {
        return TLSP_ERR_TRANSPORT;
    }
    ready = ready_events(l, events);
    if (ready != 0 || l->lower.wait == NULL || timeout_ms == 0) {
        return (int) ready;
    }
    /* Sleep on the line, never past our next timer; a wake-up without our events is a
     * spurious one for the caller, who waits again (the contract allows it). */
    now = tlsp_port_millis();
    until = now + timeout_ms;
    timer = tlsp_link_next_timer(l);
    if (timer < until) {
        until = timer > now ? timer : now;
    }
    r = l->lower.wait(l->lower.ctx, TLSP_IO_READABLE | (wire_busy(l) ? TLSP_IO_WRITABLE : 0u),
                      (uint32_t) (until - now));
    if (r < 0) {
        (void) fail(l, TLSP_ERR_TRANSPORT);
        return TLSP_ERR_TRANSPORT;
    }
    if (pump(l) != 0) {
        return TLSP_ERR_TRANSPORT;
    }
    return (int) ready_events(l, events);
}

void tlsp_link_transport(tlsp_link *l, tlsp_transport *t)
{
    t->send = upper_send;
    t->recv = upper_recv;
    t->wait = upper_wait;
    t->ctx = l;
}
