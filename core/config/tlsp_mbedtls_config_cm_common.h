/**
 * \file tlsp_mbedtls_config_cm_common.h
 * \brief The part every tlspair Cortex-M mbedTLS profile shares: platform hooks, the
 *        static arena, entropy, clocks, record sizes and the TLS features common to both
 *        profiles. Not a config on its own: included by tlsp_mbedtls_config_cm_psk.h and
 *        tlsp_mbedtls_config_cm_ecdsa.h, which add their key exchanges and crypto.
 *
 * Build-time choices (set by CMake for every target, see docs/cortex-m.md; a build that
 * does not use CMake must define the same macros for every file that includes mbedTLS):
 *
 *   TLSP_RECORD_PROFILE_SMALL (default)   both ends are tlspair: 2 KiB record buffers each
 *                                         way. The peer must keep its records that small:
 *                                         a TLS 1.2 client asks for it with
 *                                         max_fragment_length (tlsp_config_set_record_size
 *                                         (cfg, 2048)), TLS 1.3 peers learn it from
 *                                         record_size_limit. The ECDHE-ECDSA profile leaves
 *                                         SNI out (it only costs bytes between two tlspair
 *                                         ends).
 *   TLSP_RECORD_PROFILE_INTEROP           any peer: accepts 16 KiB records (what a TLS peer
 *                                         may send unless told otherwise), sends 2 KiB
 *                                         records; the ECDHE-ECDSA profile sends SNI.
 *   TLSP_MBEDTLS_IN_CONTENT_LEN,
 *   TLSP_MBEDTLS_OUT_CONTENT_LEN          override the profile's buffer sizes (bytes of
 *                                         plaintext per record, 64..16384; CMake:
 *                                         TLSP_RECORD_CONTENT_LEN sets both).
 *   TLSP_TLS_CLIENT_ONLY,
 *   TLSP_TLS_SERVER_ONLY                  leave the other role's code out (default: both).
 *   TLSP_MBEDTLS_USE_PSA                  TLS 1.2 and X.509 run on PSA crypto too
 *                                         (MBEDTLS_USE_PSA_CRYPTO): less RAM, more flash.
 *                                         Off by default: the flash targets need it off.
 *   TLSP_TLS12_ONLY,
 *   TLSP_TLS13_ONLY                       leave the other TLS version's code out (default:
 *                                         both). TLS 1.2 only also leaves out the PSA crypto
 *                                         core, which only TLS 1.3 needs in mbedTLS 3.6:
 *                                         the smallest build (docs/cortex-m.md). CMake:
 *                                         TLSP_TLS_VERSIONS=TLS12 or TLS13.
 *   TLSP_ENTROPY_NV_SEED                  the part has no TRNG: entropy comes from a seed
 *                                         kept in non-volatile memory (MBEDTLS_ENTROPY_NV_SEED)
 *                                         through the board hooks tlsp_board_nv_seed_read()
 *                                         and tlsp_board_nv_seed_write() (tlsp_port_cortexm.h).
 *                                         Default: a TRNG through tlsp_board_entropy().
 */
#ifndef TLSP_MBEDTLS_CONFIG_CM_COMMON_H
#define TLSP_MBEDTLS_CONFIG_CM_COMMON_H

#include <stddef.h>

/* ---- Record buffers ---------------------------------------------------------------- */
#if defined(TLSP_RECORD_PROFILE_SMALL) && defined(TLSP_RECORD_PROFILE_INTEROP)
#error "define at most one of TLSP_RECORD_PROFILE_SMALL and TLSP_RECORD_PROFILE_INTEROP"
#endif

#if defined(TLSP_RECORD_PROFILE_INTEROP)
/* A peer that does not implement record_size_limit (OpenSSL, as of 3.x) and was not asked
 * for max_fragment_length may send full 16 KiB records: the input buffer must take them.
 * What we send is ours to choose, so the output buffer stays small. */
#define TLSP_MBEDTLS_PROFILE_IN_LEN  16384
#define TLSP_MBEDTLS_PROFILE_OUT_LEN 2048
#else
/* A profile may choose its small size before including this file (the PSK one: 1 KiB). */
#if !defined(TLSP_MBEDTLS_PROFILE_SMALL_LEN)
#define TLSP_MBEDTLS_PROFILE_SMALL_LEN 2048
#endif
#define TLSP_MBEDTLS_PROFILE_IN_LEN  TLSP_MBEDTLS_PROFILE_SMALL_LEN
#define TLSP_MBEDTLS_PROFILE_OUT_LEN TLSP_MBEDTLS_PROFILE_SMALL_LEN
#endif

#if defined(TLSP_MBEDTLS_IN_CONTENT_LEN)
#define MBEDTLS_SSL_IN_CONTENT_LEN TLSP_MBEDTLS_IN_CONTENT_LEN
#else
#define MBEDTLS_SSL_IN_CONTENT_LEN TLSP_MBEDTLS_PROFILE_IN_LEN
#endif
#if defined(TLSP_MBEDTLS_OUT_CONTENT_LEN)
#define MBEDTLS_SSL_OUT_CONTENT_LEN TLSP_MBEDTLS_OUT_CONTENT_LEN
#else
#define MBEDTLS_SSL_OUT_CONTENT_LEN TLSP_MBEDTLS_PROFILE_OUT_LEN
#endif

/* ---- Platform: memory comes from a static arena, counted by tlspair ----------------- */
/* mbedTLS's buffer allocator (MBEDTLS_MEMORY_BUFFER_ALLOC_C) manages the arena the
 * application hands to tlsp_heap_use_arena(). mbedTLS's own calls still go through
 * tlsp_mbedtls_calloc()/tlsp_mbedtls_free(), exactly as on hosts, so use, peak, refusals
 * and the optional limit are counted the same way everywhere. The two fit together
 * because, with the calloc/free macros set, mbedTLS's platform.c leaves out
 * mbedtls_platform_set_calloc_free(): tlspair defines it instead (declared below), and
 * mbedtls_memory_buffer_alloc_init() hands it the arena allocator, which tlspair then
 * calls underneath its counting layer. */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_CALLOC_MACRO tlsp_mbedtls_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO   tlsp_mbedtls_free
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* Blocks aligned like malloc's, to alignof(max_align_t): 8 bytes on Arm (AAPCS), 16 on
 * the 64-bit hosts these profiles are also built on for tests. */
#if defined(__SIZEOF_POINTER__) && __SIZEOF_POINTER__ == 8
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 16
#else
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8
#endif
void *tlsp_mbedtls_calloc(size_t count, size_t size);
void tlsp_mbedtls_free(void *ptr);
int mbedtls_platform_set_calloc_free(void *(*calloc_func)(size_t, size_t),
                                     void (*free_func)(void *));

/* ---- Platform: time ---------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM                 /* bignum inner loops in Thumb assembly */
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_TIME_ALT        /* wall clock: tlsp_port_wall_time() ... */
#define MBEDTLS_PLATFORM_STD_TIME tlsp_mbedtls_time  /* ... from the start, so that the C
                                            library's time() (and the _gettimeofday()
                                            system call behind it) stays out of the image */
#define MBEDTLS_PLATFORM_MS_TIME_ALT     /* mbedtls_ms_time() = tlsp_port_millis() */
#include <time.h>
time_t tlsp_mbedtls_time(time_t *out);

/* ---- Platform: entropy ------------------------------------------------------------- */
#define MBEDTLS_NO_PLATFORM_ENTROPY      /* no OS to ask */
#define MBEDTLS_ENTROPY_C
#if defined(TLSP_ENTROPY_NV_SEED)
/* No TRNG: the only source is a seed in non-volatile memory, which the entropy module
 * reads at start and rewrites (with fresh output) before it releases any entropy, so the
 * device never reuses a seed. The board provisions a unique random seed at manufacture. */
#define MBEDTLS_ENTROPY_NV_SEED
#define MBEDTLS_PLATFORM_NV_SEED_READ_MACRO  tlsp_mbedtls_nv_seed_read
#define MBEDTLS_PLATFORM_NV_SEED_WRITE_MACRO tlsp_mbedtls_nv_seed_write
/* In the Cortex-M port: mbedTLS's calling convention (buf_len on success, -1 on failure)
 * around the board hooks. */
int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len);
int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len);
#else
#define MBEDTLS_ENTROPY_HARDWARE_ALT     /* mbedtls_hardware_poll() -> tlsp_port_entropy() */
#endif

/* ---- Shared crypto ----------------------------------------------------------------- */
#if defined(TLSP_TLS12_ONLY) && defined(TLSP_TLS13_ONLY)
#error "define at most one of TLSP_TLS12_ONLY and TLSP_TLS13_ONLY"
#endif
#if !defined(TLSP_TLS12_ONLY)
#define MBEDTLS_PSA_CRYPTO_C             /* TLS 1.3 runs on PSA; tlspair seeds PSA's RNG */
#define MBEDTLS_HKDF_C                   /* TLS 1.3 key schedule */
#if defined(TLSP_MBEDTLS_USE_PSA)
#define MBEDTLS_USE_PSA_CRYPTO           /* TLS 1.2 and X.509 on PSA too: 2.7 KB less RAM
                                            for an ECDHE-ECDSA client, 3.9 KB more flash;
                                            docs/cortex-m.md */
#endif
#endif
/* Without PSA, tlspair runs HMAC_DRBG itself (tlsp_mbedtls_platform.c). */
#define MBEDTLS_HMAC_DRBG_C              /* the RNG; reuses HMAC-SHA-256 TLS needs anyway */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER           /* rolled-up rounds: smaller, a little slower */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES           /* tables in flash, not 8 KiB of RAM */
#define MBEDTLS_AES_FEWER_TABLES         /* 2 KiB of tables instead of 8 */
#define MBEDTLS_AES_ONLY_128_BIT_KEY_LENGTH
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT  /* GCM and CCM only ever run AES forwards */
#define MBEDTLS_CIPHER_C

/* ---- Shared TLS -------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
/* Both roles by default. A firmware that is only ever a client (or only a server) saves
 * the other role's handshake code with TLSP_TLS_CLIENT_ONLY (TLSP_TLS_SERVER_ONLY); the
 * role left out then fails in tlsp_config_init() with TLSP_ERR_CONFIG. */
#if defined(TLSP_TLS_CLIENT_ONLY) && defined(TLSP_TLS_SERVER_ONLY)
#error "define at most one of TLSP_TLS_CLIENT_ONLY and TLSP_TLS_SERVER_ONLY"
#endif
#if !defined(TLSP_TLS_SERVER_ONLY)
#define MBEDTLS_SSL_CLI_C
#endif
#if !defined(TLSP_TLS_CLIENT_ONLY)
#define MBEDTLS_SSL_SRV_C
#endif
#if !defined(TLSP_TLS13_ONLY)
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET  /* TLS 1.2; tlspair always asks for it */
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH     /* TLS 1.2: a client asks for small records */
#endif
#if !defined(TLSP_TLS12_ONLY)
#define MBEDTLS_SSL_PROTO_TLS1_3
/* No MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE: the fake session id and ChangeCipherSpec
 * records cost bytes on a serial line and there is no middlebox on one. */
#define MBEDTLS_SSL_CID_TLS1_3_PADDING_GRANULARITY 1   /* no TLS 1.3 record padding */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE   /* mbedTLS's TLS 1.3 code requires it */
#define MBEDTLS_SSL_RECORD_SIZE_LIMIT       /* TLS 1.3: both ends state their limit */
#endif
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES      /* the peer learns why we failed */
/* Left out on purpose: session tickets and resumption, renegotiation, ALPN, DTLS,
 * encrypt-then-MAC (CBC only), context serialization, early data, debug output,
 * mbedtls_strerror() (tlsp_strerror() explains tlspair's codes). */

#endif /* TLSP_MBEDTLS_CONFIG_CM_COMMON_H */
