#include "tlsp_pair.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_test_pki.h"
#include "tlspair/tlsp_error.h"

#define DEFAULT_QUEUE (16384u + 512u)
#define DEFAULT_LINK  (64u * 1024u)
#define IDLE_ROUNDS   64u

const uint8_t tlsp_pair_psk_identity[] = "tlspair-test-device";
const size_t tlsp_pair_psk_identity_len = sizeof(tlsp_pair_psk_identity) - 1;
const uint8_t tlsp_pair_psk_key[] = {
    0x5a, 0x3c, 0x11, 0x92, 0xe7, 0x40, 0x08, 0x6b, 0xd1, 0x2f, 0x77, 0x9e, 0x03, 0xc8, 0x55, 0xa4,
    0x6e, 0x19, 0xb0, 0x2d, 0x84, 0xfa, 0x31, 0x5c, 0x0b, 0x97, 0xe2, 0x48, 0x7d, 0x16, 0xc3, 0x69,
};
const size_t tlsp_pair_psk_key_len = sizeof(tlsp_pair_psk_key);

tlsp_pair *tlsp_pair_alloc(const tlsp_pair_opts *opts)
{
    tlsp_pair *p = calloc(1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    if (opts != NULL) {
        p->opts = *opts;
    }
    if (p->opts.min_version == 0) {
        p->opts.min_version = TLSP_TLS1_2;
    }
    if (p->opts.max_version == 0) {
        p->opts.max_version = TLSP_TLS1_3;
    }
    if (p->opts.queue_size == 0) {
        p->opts.queue_size = DEFAULT_QUEUE;
    }
    if (p->opts.link_size == 0) {
        p->opts.link_size = DEFAULT_LINK;
    }
    return p;
}

#define TRY(call)                                                                    \
    do {                                                                             \
        int try_ret_ = (call);                                                       \
        if (try_ret_ != 0) {                                                         \
            fprintf(stderr, "%s:%d: %s -> %d (%s)\n", __FILE__, __LINE__, #call,     \
                    try_ret_, tlsp_strerror(try_ret_));                              \
            return try_ret_;                                                         \
        }                                                                            \
    } while (0)

int tlsp_pair_configure(tlsp_pair *p)
{
    TRY(tlsp_config_init(&p->client_cfg, TLSP_CLIENT));
    p->configured = 1;
    TRY(tlsp_config_init(&p->server_cfg, TLSP_SERVER));
    TRY(tlsp_config_set_versions(&p->client_cfg, p->opts.min_version, p->opts.max_version));
    TRY(tlsp_config_set_versions(&p->server_cfg, p->opts.min_version, p->opts.max_version));
    if (p->opts.auth == TLSP_PAIR_PSK) {
        TRY(tlsp_config_set_psk(&p->client_cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                tlsp_pair_psk_key, tlsp_pair_psk_key_len));
        TRY(tlsp_config_set_psk(&p->server_cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                tlsp_pair_psk_key, tlsp_pair_psk_key_len));
    } else {
        TRY(tlsp_config_add_ca(&p->client_cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                               tlsp_test_test_ca_crt_pem_len));
        TRY(tlsp_config_set_hostname(&p->client_cfg, "tlspair-test-server"));
        TRY(tlsp_config_set_own_cert(&p->server_cfg,
                                     (const uint8_t *) tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len,
                                     (const uint8_t *) tlsp_test_server_key_pem, tlsp_test_server_key_pem_len,
                                     NULL));
    }
    return 0;
}

int tlsp_pair_start(tlsp_pair *p)
{
    size_t q = p->opts.queue_size;
    size_t l = p->opts.link_size;
    uint8_t *b;

    p->buffers = calloc(1, 4 * q + 2 * l);   /* zeroed: tests scan it (test_secrets) */
    if (p->buffers == NULL) {
        return TLSP_ERR_NO_MEMORY;
    }
    b = p->buffers;
    TRY(tlsp_engine_init(&p->client, &p->client_cfg, b, q, b + q, q));
    p->started |= 1;
    TRY(tlsp_engine_init(&p->server, &p->server_cfg, b + 2 * q, q, b + 3 * q, q));
    p->started |= 2;
    TRY(tlsp_memory_link_init(&p->link, b + 4 * q, l, b + 4 * q + l, l, p->opts.mtu));
    return 0;
}

tlsp_pair *tlsp_pair_new(const tlsp_pair_opts *opts)
{
    tlsp_pair *p = tlsp_pair_alloc(opts);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_configure(p) != 0 || tlsp_pair_start(p) != 0) {
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

tlsp_pair *tlsp_pair_new_connected(tlsp_version version, tlsp_pair_auth auth)
{
    tlsp_pair_opts o = { auth, version, version, 0, 0, 0 };
    tlsp_pair *p = tlsp_pair_new(&o);

    if (p == NULL) {
        return NULL;
    }
    if (tlsp_pair_handshake(p) != 0 || tlsp_pair_settle(p, 8) != 0) {
        fprintf(stderr, "tlsp_pair_new_connected: handshake failed\n");
        tlsp_pair_free(p);
        return NULL;
    }
    return p;
}

void tlsp_pair_free(tlsp_pair *p)
{
    if (p == NULL) {
        return;
    }
    if (p->started & 1) {
        tlsp_engine_free(&p->client);
    }
    if (p->started & 2) {
        tlsp_engine_free(&p->server);
    }
    if (p->configured) {
        tlsp_config_free(&p->client_cfg);
        tlsp_config_free(&p->server_cfg);
    }
    free(p->buffers);
    free(p);
}

int tlsp_pair_handshake(tlsp_pair *p)
{
    /* One-byte delivery needs a step per byte of a flight, so idleness, not a step count,
     * decides that the two ends are stuck. */
    return tlsp_memory_pair_handshake(&p->client, &p->server, &p->link, IDLE_ROUNDS);
}

int tlsp_pair_settle(tlsp_pair *p, unsigned idle_rounds)
{
    unsigned idle = 0;

    while (idle <= idle_rounds) {
        int progress;
        int ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        if (ret != 0) {
            return ret;
        }
        idle = progress ? 0 : idle + 1;
    }
    return 0;
}

static uint64_t records_sent(const tlsp_engine *e)
{
    tlsp_info info;

    return tlsp_engine_info(e, &info) == 0 ? info.counters.records_out : 0;
}

void tlsp_pair_fail_handshake(tlsp_pair *p, tlsp_pair_failure *f)
{
    uint64_t client_before = 0, server_before = 0;   /* records_out while still sound */
    unsigned idle = 0;
    unsigned rounds = 0;

    f->ret = 0;
    while (idle <= IDLE_ROUNDS && rounds < 10000) {
        int progress = 0;
        int ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, &progress);
        if (f->ret == 0) {
            f->ret = ret;
        }
        if (tlsp_engine_error(&p->client) == 0) {
            client_before = records_sent(&p->client);
        }
        if (tlsp_engine_error(&p->server) == 0) {
            server_before = records_sent(&p->server);
        }
        if (tlsp_engine_error(&p->client) != 0 && tlsp_engine_error(&p->server) != 0) {
            break;
        }
        idle = progress ? 0 : idle + 1;
        rounds++;
    }
    f->client_records = records_sent(&p->client) - client_before;
    f->server_records = records_sent(&p->server) - server_before;
}

void tlsp_pair_settle_failure(tlsp_pair *p)
{
    tlsp_pair_failure unused;

    tlsp_pair_fail_handshake(p, &unused);
}

/* An end that found the fault itself owes exactly one alert; an end told by an alert
 * owes none, but may answer one it could not decrypt (a TLS 1.3 server reading the
 * client's cleartext alert under handshake keys: bad_record_mac). Never two. */
int tlsp_pair_alerted_once(const tlsp_pair *p, const tlsp_pair_failure *f)
{
    int client_found = tlsp_engine_alert_received(&p->client) < 0;
    int server_found = tlsp_engine_alert_received(&p->server) < 0;
    int ok = f->client_records <= 1 && f->server_records <= 1 &&
             (!client_found || f->client_records == 1) && (!server_found || f->server_records == 1);

    if (!ok) {
        fprintf(stderr, "  records sent after failing: client %llu (%s), server %llu (%s)\n",
                (unsigned long long) f->client_records, client_found ? "found the fault" : "was told",
                (unsigned long long) f->server_records, server_found ? "found the fault" : "was told");
    }
    return ok;
}

uint8_t tlsp_pair_data_byte(uint32_t seed, size_t i)
{
    uint32_t x = seed * 2654435761u ^ (uint32_t) i * 2246822519u ^ (uint32_t) (i >> 13);

    x ^= x >> 15;
    x *= 2654435761u;
    x ^= x >> 13;
    return (uint8_t) x;
}

typedef struct direction {
    tlsp_engine *writer, *reader;
    uint32_t seed;
    size_t written, read;
} direction;

/* Write what fits, read what arrived; returns 0, a TLSP failure, or -1 on bad data. */
static int move_direction(direction *d, size_t bytes, size_t chunk, int *progress)
{
    uint8_t buf[4096];
    int ret;

    if (d->written < bytes) {
        size_t n = bytes - d->written;
        size_t i;
        if (n > chunk) {
            n = chunk;
        }
        if (n > sizeof(buf)) {
            n = sizeof(buf);
        }
        for (i = 0; i < n; i++) {
            buf[i] = tlsp_pair_data_byte(d->seed, d->written + i);
        }
        ret = tlsp_write(d->writer, buf, n);
        if (ret > 0) {
            d->written += (size_t) ret;
            *progress = 1;
        } else if (ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
            return ret;
        }
    }
    while (d->read < bytes) {
        size_t i;
        ret = tlsp_read(d->reader, buf, sizeof(buf));
        if (ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE) {
            break;
        }
        if (ret < 0) {
            return ret;
        }
        for (i = 0; i < (size_t) ret; i++) {
            if (buf[i] != tlsp_pair_data_byte(d->seed, d->read + i)) {
                fprintf(stderr, "data mismatch at byte %zu\n", d->read + i);
                return -1;
            }
        }
        d->read += (size_t) ret;
        *progress = 1;
    }
    return 0;
}

int tlsp_pair_transfer(tlsp_pair *p, size_t bytes, size_t chunk)
{
    direction up = { &p->client, &p->server, 0x1234u, 0, 0 };
    direction down = { &p->server, &p->client, 0x5678u, 0, 0 };
    unsigned idle = 0;

    if (chunk == 0) {
        chunk = 1;
    }
    while (up.read < bytes || down.read < bytes) {
        int progress = 0;
        int ret = move_direction(&up, bytes, chunk, &progress);
        if (ret == 0) {
            ret = move_direction(&down, bytes, chunk, &progress);
        }
        if (ret != 0) {
            return ret;
        }
        {
            int moved;
            ret = tlsp_memory_pair_step(&p->client, &p->server, &p->link, &moved);
            if (ret != 0) {
                return ret;
            }
            progress |= moved;
        }
        idle = progress ? 0 : idle + 1;
        if (idle > IDLE_ROUNDS) {
            fprintf(stderr, "transfer stalled: up %zu/%zu, down %zu/%zu\n",
                    up.read, bytes, down.read, bytes);
            return TLSP_ERR_TIMEOUT;
        }
    }
    return 0;
}
