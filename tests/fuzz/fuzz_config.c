/*
 * Fuzz target: the config setters that parse caller data (PEM/DER certificates and keys,
 * encrypted keys and their password, PSKs, cipher-suite lists, hostnames, versions,
 * record size, resumption) in any order and number (input format in fuzz_config.h). The
 * result is then used: tlsp_engine_init() checks it and a client writes its ClientHello
 * from it. Every setter must answer with one of its documented codes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_config.h"
#include "fuzz_engine.h"
#include "fuzz_target.h"
#include "tlspair/tlsp_engine.h"

typedef struct reader {
    const uint8_t *p;
    size_t left;
} reader;

/* Each field in its own exact-size heap block (plus the NUL when asked), so ASan sees a
 * read past its end. Never NULL. */
static uint8_t *take_field(reader *r, size_t *len, int add_nul)
{
    size_t n = 0;
    uint8_t *copy;

    if (r->left >= 2) {
        n = ((size_t) r->p[0] << 8) | r->p[1];
        r->p += 2;
        r->left -= 2;
    } else {
        r->left = 0;
    }
    if (n > r->left) {
        n = r->left;
    }
    copy = malloc(n + (add_nul ? 1u : 0u) + 1u);
    FZ_ASSERT(copy != NULL);
    if (n > 0) {
        memcpy(copy, r->p, n);
    }
    if (add_nul) {
        copy[n] = 0;
    }
    r->p += n;
    r->left -= n;
    *len = n;
    return copy;
}

static uint32_t get_be(const uint8_t *p, size_t n)
{
    uint32_t v = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static int count_names(const char *s)
{
    int names = 1;

    for (; *s != '\0'; s++) {
        names += *s == ':';
    }
    return names;
}

static void op_own_cert(tlsp_config *cfg, reader *r)
{
    size_t chain_len, key_len, pw_len;
    uint8_t *chain = take_field(r, &chain_len, 0);
    uint8_t *key = take_field(r, &key_len, 0);
    uint8_t *pw = take_field(r, &pw_len, 1);
    int ret = tlsp_config_set_own_cert(cfg, chain, chain_len, key, key_len,
                                       pw_len > 0 ? (const char *) pw : NULL);

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_PARSE ||
              ret == TLSP_ERR_KEY_PASSWORD || ret == TLSP_ERR_STATE || ret == TLSP_ERR_NO_MEMORY);
    free(chain);
    free(key);
    free(pw);
}

static void op_add_ca(tlsp_config *cfg, reader *r)
{
    size_t len;
    uint8_t *ca = take_field(r, &len, 0);
    int ret = tlsp_config_add_ca(cfg, ca, len);

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_PARSE || ret == TLSP_ERR_NO_MEMORY);
    FZ_ASSERT(ret != 0 || len > 0);
    free(ca);
}

static void op_psk(tlsp_config *cfg, reader *r)
{
    size_t id_len, key_len;
    uint8_t *id = take_field(r, &id_len, 0);
    uint8_t *key = take_field(r, &key_len, 0);
    int ret = tlsp_config_set_psk(cfg, id, id_len, key, key_len);

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_STATE || ret == TLSP_ERR_NO_MEMORY);
    if (ret == 0) {   /* the documented limits hold */
        FZ_ASSERT(id_len >= 1 && id_len <= 128 && key_len >= 1 && key_len <= 64);
    }
    free(id);
    free(key);
}

static void op_ciphersuites(tlsp_config *cfg, reader *r)
{
    size_t len;
    char *names = (char *) take_field(r, &len, 1);
    int ret = tlsp_config_set_ciphersuites(cfg, names);

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG);
    if (ret == 0) {
        FZ_ASSERT(names[0] != '\0' && count_names(names) <= TLSP_MAX_CIPHERSUITES);
    }
    free(names);
}

static void op_hostname(tlsp_config *cfg, reader *r, int server)
{
    size_t len;
    char *name = (char *) take_field(r, &len, 1);
    int ret = tlsp_config_set_hostname(cfg, name);

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_STATE);
    if (ret == 0) {
        FZ_ASSERT(!server && strlen(name) >= 1 && strlen(name) <= TLSP_MAX_HOSTNAME);
    }
    free(name);
}

static void op_numbers(tlsp_config *cfg, reader *r, unsigned op)
{
    size_t len;
    uint8_t *f = take_field(r, &len, 0);
    int ret;

    if (op == FZ_OP_VERSIONS) {
        ret = len < 4 ? 0 : tlsp_config_set_versions(cfg, (tlsp_version) get_be(f, 2),
                                                     (tlsp_version) get_be(f + 2, 2));
        FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_CONFIG);
    } else if (op == FZ_OP_RECORD_SIZE) {
        ret = len < 2 ? 0 : tlsp_config_set_record_size(cfg, get_be(f, 2));
        FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG);
    } else {
        ret = len < 7 ? 0 : tlsp_config_enable_resumption(cfg, f[0], get_be(f + 1, 4), get_be(f + 5, 2));
        FZ_ASSERT(ret == 0 || ret == TLSP_ERR_BAD_ARG || ret == TLSP_ERR_STATE ||
                  ret == TLSP_ERR_CONFIG || ret == TLSP_ERR_NO_MEMORY);
    }
    free(f);
}

/* The config as the fuzz input left it, used: an engine on it, and a client's first
 * flight written from it. */
static void use_config(const tlsp_config *cfg)
{
    static tlsp_engine e;
    static uint8_t in[FZ_QUEUE_SIZE], out[FZ_QUEUE_SIZE];
    int ret = tlsp_engine_init(&e, cfg, in, sizeof(in), out, sizeof(out));
    size_t n = 0;
    const uint8_t *p;

    FZ_ASSERT(ret == 0 || ret == TLSP_ERR_CONFIG || ret == TLSP_ERR_NO_MEMORY);
    if (ret != 0) {
        return;
    }
    ret = tlsp_handshake(&e);
    FZ_ASSERT(ret == TLSP_WANT_READ || ret == TLSP_WANT_WRITE || ret < 0);
    p = tlsp_net_out_peek(&e, &n);
    if (p != NULL) {
        FZ_ASSERT(p >= out && p + n <= out + sizeof(out));
    }
    tlsp_engine_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tlsp_config cfg;
    reader r;
    unsigned ops = 0;
    int server;

    if (size == 0) {
        return 0;
    }
    server = (data[0] & FZ_CONFIG_SERVER) != 0;
    FZ_ASSERT(tlsp_config_init(&cfg, server ? TLSP_SERVER : TLSP_CLIENT) == 0);
    r.p = data + 1;
    r.left = size - 1;
    while (r.left > 0 && ops++ < FZ_CONFIG_MAX_OPS) {
        unsigned op = r.p[0] % FZ_OP_COUNT;

        r.p++;
        r.left--;
        switch (op) {
        case FZ_OP_OWN_CERT:
            op_own_cert(&cfg, &r);
            break;
        case FZ_OP_ADD_CA:
            op_add_ca(&cfg, &r);
            break;
        case FZ_OP_PSK:
            op_psk(&cfg, &r);
            break;
        case FZ_OP_CIPHERSUITES:
            op_ciphersuites(&cfg, &r);
            break;
        case FZ_OP_HOSTNAME:
            op_hostname(&cfg, &r, server);
            break;
        case FZ_OP_CLIENT_CERT: {
            int ret = tlsp_config_require_client_cert(&cfg);
            FZ_ASSERT(ret == (server ? 0 : TLSP_ERR_STATE));
            break;
        }
        default:
            op_numbers(&cfg, &r, op);
            break;
        }
    }
    use_config(&cfg);
    tlsp_config_free(&cfg);
    return 0;
}
