/*
 * Saving and loading a client's session, plain or sealed with AES-GCM.
 *
 * Plain blob:  [format 1][flags][wall time at save: int64 BE][TLS 1.3 ticket age at save,
 *              ms: uint32 BE][mbedtls_ssl_session_save() output]
 * Sealed blob: [seal version 1][algorithm 1 = AES-GCM][nonce: 12][plain blob encrypted]
 *              [tag: 16]; the additional data is a label and the 14 header bytes.
 * mbedTLS's own serialisation starts with its version and configuration flags, so a blob
 * from another mbedTLS build is refused by mbedtls_ssl_session_load().
 */
#include "tlspair/tlsp_session.h"

#include <string.h>

#include "mbedtls/constant_time.h"
#include "mbedtls/platform_util.h"
#if defined(MBEDTLS_GCM_C)
#include "mbedtls/gcm.h"
#endif

#include "tlspair/tlsp_port.h"
#include "tlsp_config_internal.h"
#include "tlsp_engine_internal.h"
#include "tlsp_platform.h"

#define PLAIN_FORMAT      1u
#define PLAIN_WALL_KNOWN  0x01u
#define PLAIN_HEADER      14u

#define SEAL_VERSION      1u
#define SEAL_ALG_AES_GCM  1u
#define SEAL_NONCE        12u
#define SEAL_HEADER       (2u + SEAL_NONCE)
#define SEAL_TAG          16u


/* ---- Plain blobs ------------------------------------------------------------------------ */

static void put_u64(uint8_t *p, uint64_t v)
{
    int i;

    for (i = 7; i >= 0; i--) {
        p[i] = (uint8_t) v;
        v >>= 8;
    }
}

/* The session a save may write, or a reason why there is none (engine unchanged). */
static int savable_session(tlsp_engine *e, const mbedtls_ssl_session **out)
{
    const mbedtls_ssl_session *s;

    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    if (e->error != 0) {
        return e->error;
    }
    if (e->cfg->role != TLSP_CLIENT || !(e->state & TLSP_ENG_HANDSHAKE_DONE)) {
        return TLSP_ERR_STATE;
    }
    if (!(e->cfg->flags & TLSP_CFG_RESUMPTION)) {
        return TLSP_ERR_CONFIG;
    }
    s = tlsp_mbedtls_current_session(&e->ssl);
    if (s == NULL) {
        return TLSP_ERR_STATE;
    }
    if (tlsp_mbedtls_session_is_tls13(s)) {
        /* TLS 1.3 resumes with tickets only. */
        if (!(e->cfg->flags & TLSP_CFG_RESUME_TICKETS)) {
            return TLSP_ERR_CONFIG;
        }
        if (!tlsp_mbedtls_session_has_ticket(s)) {
            return TLSP_WANT_READ;
        }
    }
    *out = s;
    return 0;
}

/* Size of the plain blob for s. */
static int plain_size(const mbedtls_ssl_session *s, size_t *size)
{
    size_t need = 0;
    int ret = mbedtls_ssl_session_save(s, NULL, 0, &need);

    if (ret != 0 && ret != MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL) {
        return ret == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE ? TLSP_ERR_CONFIG : TLSP_ERR_INTERNAL;
    }
    *size = PLAIN_HEADER + need;
    return 0;
}

/* Write the plain blob (exactly `size` bytes, from plain_size()) to buf. */
static int write_plain(const mbedtls_ssl_session *s, uint8_t *buf, size_t size)
{
    int64_t wall = tlsp_port_wall_time();
    int64_t age = tlsp_mbedtls_ticket_age_ms(s);
    size_t written = 0;
    int ret;

    if (age < 0) {
        age = 0;
    } else if (age > (int64_t) UINT32_MAX) {
        age = (int64_t) UINT32_MAX;
    }
    buf[0] = PLAIN_FORMAT;
    buf[1] = wall >= 0 ? PLAIN_WALL_KNOWN : 0u;
    put_u64(buf + 2, wall >= 0 ? (uint64_t) wall : 0u);
    buf[10] = (uint8_t) ((uint64_t) age >> 24);
    buf[11] = (uint8_t) ((uint64_t) age >> 16);
    buf[12] = (uint8_t) ((uint64_t) age >> 8);
    buf[13] = (uint8_t) age;
    ret = mbedtls_ssl_session_save(s, buf + PLAIN_HEADER, size - PLAIN_HEADER, &written);
    if (ret != 0 || written != size - PLAIN_HEADER) {
        mbedtls_platform_zeroize(buf, size);
        return TLSP_ERR_INTERNAL;
    }
    return 0;
}

int tlsp_session_save(tlsp_engine *e, uint8_t *buf, size_t buf_len, size_t *out_len)
{
    const mbedtls_ssl_session *s = NULL;
    size_t size = 0;
    int ret;

    if (out_len == NULL || (buf == NULL && buf_len != 0)) {
        return TLSP_ERR_BAD_ARG;
    }
    *out_len = 0;
    ret = savable_session(e, &s);
    if (ret == 0) {
        ret = plain_size(s, &size);
    }
    if (ret != 0) {
        return ret;
    }
    *out_len = size;
    if (buf == NULL || buf_len < size) {
        return TLSP_ERR_BUFFER_SMALL;
    }
    ret = write_plain(s, buf, size);
    if (ret != 0) {
        *out_len = 0;
    }
    return ret;
}

/* Preconditions of a load, checked before any work (and before a sealed blob is opened). */
static int check_loadable(const tlsp_engine *e)
{
    if (e == NULL || !(e->state & TLSP_ENG_INIT)) {
        return TLSP_ERR_BAD_ARG;
    }
    if (e->cfg->role != TLSP_CLIENT ||
        (e->state & (TLSP_ENG_HANDSHAKE_STARTED | TLSP_ENG_SESSION_LOADED)) || e->error != 0) {
        return TLSP_ERR_STATE;
    }
    if (!(e->cfg->flags & TLSP_CFG_RESUMPTION)) {
        return TLSP_ERR_CONFIG;
    }
    return 0;
}

#if defined(MBEDTLS_SSL_CLI_C)
static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* The ticket's age now: its age at save plus the wall-clock time since, when both dates
 * are known and the clock did not go backwards; else its age at save. */
static int64_t ticket_age_now(const uint8_t *hdr)
{
    int64_t age = (int64_t) (((uint32_t) hdr[10] << 24) | ((uint32_t) hdr[11] << 16) |
                             ((uint32_t) hdr[12] << 8) | hdr[13]);
    int64_t now = tlsp_port_wall_time();
    uint64_t saved = get_u64(hdr + 2);

    if ((hdr[1] & PLAIN_WALL_KNOWN) && now >= 0 && saved <= (uint64_t) now) {
        uint64_t elapsed_s = (uint64_t) now - saved;
        /* Beyond the TLS 1.3 maximum lifetime the ticket is dead anyway; capping keeps the
         * arithmetic far from overflow. */
        if (elapsed_s > UINT64_C(2) * 604800u) {
            elapsed_s = UINT64_C(2) * 604800u;
        }
        age += (int64_t) elapsed_s * 1000;
    }
    return age;
}
#endif

int tlsp_session_load(tlsp_engine *e, const uint8_t *buf, size_t len)
{
    mbedtls_ssl_session s;
    int ret = check_loadable(e);

    if (ret != 0) {
        return ret;
    }
#if !defined(MBEDTLS_SSL_CLI_C)
    /* A server-only build (TLSP_TLS_SERVER_ONLY) has no client to load into; check_loadable()
     * has already refused, since no config here can have the client role. */
    (void) s;
    (void) buf;
    (void) len;
    return TLSP_ERR_CONFIG;
#else
    if (buf == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (len <= PLAIN_HEADER || buf[0] != PLAIN_FORMAT || (buf[1] & ~PLAIN_WALL_KNOWN) != 0) {
        return TLSP_ERR_BAD_SESSION;
    }
    mbedtls_ssl_session_init(&s);
    ret = mbedtls_ssl_session_load(&s, buf + PLAIN_HEADER, len - PLAIN_HEADER);
    if (ret == 0 && (!tlsp_mbedtls_session_fits_config(&s, &e->cfg->ssl) ||
                     !tlsp_mbedtls_session_hostname_ok(&s))) {
        ret = MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
    }
    if (ret == 0) {
        tlsp_mbedtls_set_ticket_age_ms(&s, ticket_age_now(buf));
        ret = mbedtls_ssl_set_session(&e->ssl, &s);
        if (ret == MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE) {
            ret = TLSP_ERR_STATE;
        }
    }
    mbedtls_ssl_session_free(&s);   /* wipes the copy of the secrets */
    switch (ret) {
    case 0:
        e->state |= TLSP_ENG_SESSION_LOADED;
        return 0;
    case TLSP_ERR_STATE:
        return ret;
    case MBEDTLS_ERR_SSL_ALLOC_FAILED:
    case MBEDTLS_ERR_X509_ALLOC_FAILED:
        return TLSP_ERR_NO_MEMORY;
    default:
        /* VERSION_MISMATCH, BAD_INPUT_DATA (corrupt, or a suite this config cannot use),
         * certificate parse errors inside the blob. */
        return TLSP_ERR_BAD_SESSION;
    }
#endif /* MBEDTLS_SSL_CLI_C */
}

/* ---- Sealed blobs ----------------------------------------------------------------------- */

#if defined(MBEDTLS_GCM_C) && defined(MBEDTLS_AES_C)

/* The seal key may have other uses; the label keeps a sealed session from being taken
 * for anything else sealed under it. */
static const uint8_t seal_label[] = "tlspair sealed session v1";

static int seal_key_check(const uint8_t *key, size_t key_len)
{
    return (key != NULL && (key_len == 16 || key_len == 32)) ? 0 : TLSP_ERR_BAD_ARG;
}

static int gcm_start(mbedtls_gcm_context *gcm, const uint8_t *key, size_t key_len, int mode,
                     const uint8_t *header)
{
    int ret = mbedtls_gcm_setkey(gcm, MBEDTLS_CIPHER_ID_AES, key, (unsigned) (key_len * 8));

    if (ret != 0) {
        /* The only key sizes accepted are 16 and 32: a refusal means this build has
         * no AES-256 (MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH). */
        return TLSP_ERR_CONFIG;
    }
    if (mbedtls_gcm_starts(gcm, mode, header + 2, SEAL_NONCE) != 0 ||
        mbedtls_gcm_update_ad(gcm, seal_label, sizeof(seal_label) - 1) != 0 ||
        mbedtls_gcm_update_ad(gcm, header, SEAL_HEADER) != 0) {
        return TLSP_ERR_INTERNAL;
    }
    return 0;
}

int tlsp_session_save_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *buf, size_t buf_len, size_t *out_len)
{
    const mbedtls_ssl_session *s = NULL;
    mbedtls_gcm_context gcm;
    size_t size = 0, olen = 0;
    uint8_t *body;
    int ret;

    if (out_len == NULL || (buf == NULL && buf_len != 0) || seal_key_check(key, key_len) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
    *out_len = 0;
    ret = savable_session(e, &s);
    if (ret == 0) {
        ret = plain_size(s, &size);
    }
    if (ret != 0) {
        return ret;
    }
    *out_len = SEAL_HEADER + size + SEAL_TAG;
    if (buf == NULL || buf_len < *out_len) {
        return TLSP_ERR_BUFFER_SMALL;
    }
    buf[0] = SEAL_VERSION;
    buf[1] = SEAL_ALG_AES_GCM;
    if (tlsp_mbedtls_random(NULL, buf + 2, SEAL_NONCE) != 0) {
        *out_len = 0;
        return TLSP_ERR_ENTROPY;
    }
    body = buf + SEAL_HEADER;
    ret = write_plain(s, body, size);
    if (ret != 0) {
        *out_len = 0;
        return ret;
    }
    /* Encrypted in place (GCM allows output == input): the plaintext never exists
     * anywhere but in this buffer, and only until the next line finishes. */
    mbedtls_gcm_init(&gcm);
    ret = gcm_start(&gcm, key, key_len, MBEDTLS_GCM_ENCRYPT, buf);
    if (ret == 0 && (mbedtls_gcm_update(&gcm, body, size, body, size, &olen) != 0 ||
                     olen != size ||
                     mbedtls_gcm_finish(&gcm, NULL, 0, &olen, body + size, SEAL_TAG) != 0)) {
        ret = TLSP_ERR_INTERNAL;
    }
    mbedtls_gcm_free(&gcm);   /* wipes the key schedule */
    if (ret != 0) {
        mbedtls_platform_zeroize(buf, *out_len);
        *out_len = 0;
    }
    return ret;
}

/* Compute the tag of the ciphertext without writing any plaintext to the caller's buffer
 * (decrypted bytes go to a small scratch buffer and are wiped), so that a blob that fails
 * the check is returned untouched. */
static int seal_verify(const uint8_t *key, size_t key_len, const uint8_t *sealed, size_t len)
{
    mbedtls_gcm_context gcm;
    uint8_t scratch[64];
    uint8_t tag[SEAL_TAG];
    size_t body_len = len - SEAL_HEADER - SEAL_TAG;
    size_t done, olen;
    int ret;

    mbedtls_gcm_init(&gcm);
    ret = gcm_start(&gcm, key, key_len, MBEDTLS_GCM_DECRYPT, sealed);
    for (done = 0; ret == 0 && done < body_len; done += olen) {
        size_t n = body_len - done < sizeof(scratch) ? body_len - done : sizeof(scratch);
        if (mbedtls_gcm_update(&gcm, sealed + SEAL_HEADER + done, n, scratch, sizeof(scratch),
                               &olen) != 0 || olen != n) {
            ret = TLSP_ERR_INTERNAL;
        }
    }
    if (ret == 0 && mbedtls_gcm_finish(&gcm, NULL, 0, &olen, tag, sizeof(tag)) != 0) {
        ret = TLSP_ERR_INTERNAL;
    }
    if (ret == 0 && mbedtls_ct_memcmp(tag, sealed + len - SEAL_TAG, SEAL_TAG) != 0) {
        ret = TLSP_ERR_BAD_SESSION;
    }
    mbedtls_gcm_free(&gcm);
    mbedtls_platform_zeroize(scratch, sizeof(scratch));
    mbedtls_platform_zeroize(tag, sizeof(tag));
    return ret;
}

int tlsp_session_load_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *sealed, size_t len)
{
    mbedtls_gcm_context gcm;
    size_t body_len, olen = 0;
    int ret = check_loadable(e);

    if (ret != 0) {
        return ret;
    }
    if (sealed == NULL || seal_key_check(key, key_len) != 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (len <= SEAL_HEADER + SEAL_TAG + PLAIN_HEADER || sealed[0] != SEAL_VERSION ||
        sealed[1] != SEAL_ALG_AES_GCM) {
        return TLSP_ERR_BAD_SESSION;
    }
    ret = seal_verify(key, key_len, sealed, len);
    if (ret != 0) {
        return ret;
    }
    body_len = len - SEAL_HEADER - SEAL_TAG;
    mbedtls_gcm_init(&gcm);
    ret = gcm_start(&gcm, key, key_len, MBEDTLS_GCM_DECRYPT, sealed);
    if (ret == 0 && (mbedtls_gcm_update(&gcm, sealed + SEAL_HEADER, body_len,
                                        sealed + SEAL_HEADER, body_len, &olen) != 0 ||
                     olen != body_len)) {
        ret = TLSP_ERR_INTERNAL;
    }
    mbedtls_gcm_free(&gcm);
    if (ret == 0) {
        ret = tlsp_session_load(e, sealed + SEAL_HEADER, body_len);
    }
    mbedtls_platform_zeroize(sealed, len);
    return ret;
}

#else /* no AES-GCM in this mbedTLS build (the Cortex-M PSK profile) */

/* The stubs keep the public signatures (tlsp_session.h), non-const buffers included. */
int tlsp_session_save_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *buf, size_t buf_len, size_t *out_len)  /* NOLINT(readability-non-const-parameter) */
{
    (void) e;
    (void) key;
    (void) key_len;
    (void) buf;
    (void) buf_len;
    if (out_len != NULL) {
        *out_len = 0;
    }
    return TLSP_ERR_CONFIG;
}

int tlsp_session_load_sealed(tlsp_engine *e, const uint8_t *key, size_t key_len,
                             uint8_t *sealed, size_t len)  /* NOLINT(readability-non-const-parameter) */
{
    (void) e;
    (void) key;
    (void) key_len;
    (void) sealed;
    (void) len;
    return TLSP_ERR_CONFIG;
}

#endif /* MBEDTLS_GCM_C && MBEDTLS_AES_C */
