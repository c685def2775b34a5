/*
 * The random generator every mbedTLS context of tlspair draws from (nonces, ephemeral
 * keys, ticket keys), seeded from the port's entropy (tlsp_port_entropy(), or mbedTLS's
 * NV seed on parts without a TRNG).
 *
 * With PSA crypto in the build (TLS 1.3 needs it), PSA's own generator is the one: PSA
 * seeds it when it starts, and a second DRBG would only cost flash. A TLS 1.2-only
 * Cortex-M build leaves PSA out (TLSP_TLS12_ONLY), and tlspair then runs HMAC_DRBG
 * (SHA-256, which TLS needs anyway) over mbedTLS's entropy collector itself.
 */
#include "tlsp_platform.h"

#include "mbedtls/entropy.h"
#include "tlspair/tlsp_error.h"

#if defined(MBEDTLS_PSA_CRYPTO_C)

#include "psa/crypto.h"

int tlsp_rng_init(void)
{
    psa_status_t status = psa_crypto_init();  /* idempotent once it has succeeded */

    if (status == PSA_ERROR_INSUFFICIENT_MEMORY) {
        return TLSP_ERR_NO_MEMORY;
    }
    return status == PSA_SUCCESS ? 0 : TLSP_ERR_ENTROPY;
}

/* psa_generate_random() allocates a copy of its output buffer (3.6 without
 * MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS), and mbedtls_psa_get_random() reports every
 * failure as MBEDTLS_ERR_ENTROPY_SOURCE_FAILED: an exhausted heap would read as a broken
 * entropy source. */
int tlsp_mbedtls_random(void *p_rng, unsigned char *output, size_t len)
{
    psa_status_t status;

    (void) p_rng;
    status = psa_generate_random(output, len);
    if (status == PSA_SUCCESS) {
        return 0;
    }
    return status == PSA_ERROR_INSUFFICIENT_MEMORY ? MBEDTLS_ERR_SSL_ALLOC_FAILED
                                                   : MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
}

#elif defined(MBEDTLS_HMAC_DRBG_C) && defined(MBEDTLS_ENTROPY_C)

#include "mbedtls/hmac_drbg.h"
#include "mbedtls/md.h"

/* One generator for the program, like PSA's: static, so the core still never allocates
 * for itself. Not thread-safe, like the rest of a tlspair build without threading. */
static mbedtls_entropy_context entropy;
static mbedtls_hmac_drbg_context drbg;
static int seeded;

int tlsp_rng_init(void)
{
    static const unsigned char personalization[] = "tlspair rng";
    int ret;

    if (seeded) {
        return 0;
    }
    mbedtls_entropy_init(&entropy);
    mbedtls_hmac_drbg_init(&drbg);
    ret = mbedtls_hmac_drbg_seed(&drbg, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                 mbedtls_entropy_func, &entropy,
                                 personalization, sizeof(personalization) - 1);
    if (ret != 0) {
        /* Leave nothing half-seeded: the next config init tries again from scratch. */
        mbedtls_hmac_drbg_free(&drbg);
        mbedtls_entropy_free(&entropy);
        return ret == MBEDTLS_ERR_MD_ALLOC_FAILED ? TLSP_ERR_NO_MEMORY : TLSP_ERR_ENTROPY;
    }
    seeded = 1;
    return 0;
}

/* The generator reseeds itself from the entropy collector every
 * MBEDTLS_HMAC_DRBG_RESEED_INTERVAL requests; a failing source then fails the request
 * (MBEDTLS_ERR_HMAC_DRBG_ENTROPY_SOURCE_FAILED) rather than carrying on unseeded. */
int tlsp_mbedtls_random(void *p_rng, unsigned char *output, size_t len)
{
    (void) p_rng;
    if (!seeded) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    return mbedtls_hmac_drbg_random(&drbg, output, len);
}

#else
#error "tlspair needs PSA crypto, or HMAC_DRBG and the entropy collector, for its RNG"
#endif
