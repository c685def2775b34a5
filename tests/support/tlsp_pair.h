/*
 * Test harness: a client and a server engine joined by a memory link, configured from the
 * test PKI or a test PSK. The client is link end A, the server end B.
 *
 *   tlsp_pair *p = tlsp_pair_new(&opts);      // configs + engines + link
 *   tlsp_pair_handshake(p);                   // 0 when both are done
 *   tlsp_pair_transfer(p, 1 << 20, 4096);     // checksummed bytes both ways
 *   tlsp_pair_free(p);
 *
 * Options left zero take defaults (certificates, TLS 1.2..1.3, 16 KiB+ queues, no MTU).
 * Tests adjust the configs between tlsp_pair_configure() and tlsp_pair_start() when the
 * defaults do not fit.
 */
#ifndef TLSP_PAIR_H
#define TLSP_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_memory_link.h"

typedef enum { TLSP_PAIR_CERT = 0, TLSP_PAIR_PSK = 1 } tlsp_pair_auth;

typedef struct tlsp_pair_opts {
    tlsp_pair_auth auth;
    tlsp_version min_version;   /* 0 = TLS 1.2 */
    tlsp_version max_version;   /* 0 = TLS 1.3 */
    size_t queue_size;          /* each engine queue; 0 = 16 KiB + 512 */
    size_t link_size;           /* each link direction; 0 = 64 KiB */
    size_t mtu;                 /* link MTU; 0 = unlimited, 1 = byte at a time */
} tlsp_pair_opts;

typedef struct tlsp_pair {
    tlsp_pair_opts opts;
    tlsp_config client_cfg;
    tlsp_config server_cfg;
    tlsp_engine client;
    tlsp_engine server;
    tlsp_memory_link link;
    uint8_t *buffers;           /* one allocation for all queues (test code may malloc) */
    int configured, started;
} tlsp_pair;

/* Test PSK shared by both ends unless a test sets its own. */
extern const uint8_t tlsp_pair_psk_identity[];
extern const size_t tlsp_pair_psk_identity_len;
extern const uint8_t tlsp_pair_psk_key[];
extern const size_t tlsp_pair_psk_key_len;

/* Allocate a pair and run tlsp_pair_configure() and tlsp_pair_start(). NULL on failure
 * (the reason is printed). */
tlsp_pair *tlsp_pair_new(const tlsp_pair_opts *opts);

/* A pair with a completed handshake at one version, settled so that nothing (TLS 1.3
 * session tickets) is in flight when the test starts. NULL on failure (printed). */
tlsp_pair *tlsp_pair_new_connected(tlsp_version version, tlsp_pair_auth auth);

/* Two steps, for tests that change the configs in between. */
tlsp_pair *tlsp_pair_alloc(const tlsp_pair_opts *opts);
int tlsp_pair_configure(tlsp_pair *p);  /* both configs from opts; 0 or a TLSP code */
int tlsp_pair_start(tlsp_pair *p);      /* engines + link; 0 or a TLSP code */

void tlsp_pair_free(tlsp_pair *p);

/* Handshake both ends over the link; 0 or the first failure. */
int tlsp_pair_handshake(tlsp_pair *p);

/* Step both ends until neither moves for `idle_rounds` rounds or either fails; returns 0
 * or the first failure (TLSP_ERR_CLOSED included). Used to let alerts arrive. */
int tlsp_pair_settle(tlsp_pair *p, unsigned idle_rounds);

/* Step both ends until both have failed or nothing moves for 64 rounds (bounded), so the
 * alert the failing side queued reaches its peer and is processed there. Returns nothing:
 * tests check each side's tlsp_engine_error(). */
void tlsp_pair_settle_failure(tlsp_pair *p);

/* What each end of a failed handshake sent once it failed: the records from the step in
 * which it failed on. RFC 5246 7.2 and RFC 8446 6.2: the end that finds the fault sends
 * one fatal alert and closes. */
typedef struct tlsp_pair_failure {
    int ret;                    /* the first failure a step returned (tlsp_pair_handshake()) */
    uint64_t client_records;
    uint64_t server_records;
} tlsp_pair_failure;

/* tlsp_pair_handshake() and tlsp_pair_settle_failure() in one, counting the records each
 * end sends from its failing step on (a step is one tlsp_drive_step() of that end). */
void tlsp_pair_fail_handshake(tlsp_pair *p, tlsp_pair_failure *f);

/* 1 if no end sent more than one record once it failed, and each end that found the
 * fault itself (tlsp_engine_alert_received() -1) sent one: its alert. An end told by
 * an alert may send one too: mbedTLS answers an alert it cannot decrypt with
 * bad_record_mac. Else 0, and the counts on stderr. */
int tlsp_pair_alerted_once(const tlsp_pair *p, const tlsp_pair_failure *f);

/* Send `bytes` of pseudo-random data each way at once, in writes of at most `chunk`, and
 * check that each side reads exactly what the other wrote. 0 on success, else a TLSP code
 * or -1 on a data mismatch (printed). */
int tlsp_pair_transfer(tlsp_pair *p, size_t bytes, size_t chunk);

/* Deterministic test data: byte i of stream `seed`. */
uint8_t tlsp_pair_data_byte(uint32_t seed, size_t i);

#endif /* TLSP_PAIR_H */
