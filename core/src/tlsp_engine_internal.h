/* Internal: engine state bits and helpers shared by the engine's source files. */
#ifndef TLSP_ENGINE_INTERNAL_H
#define TLSP_ENGINE_INTERNAL_H

#include "tlspair/tlsp_engine.h"

#define TLSP_ENG_INIT              0x0001u
#define TLSP_ENG_HANDSHAKE_STARTED 0x0002u
#define TLSP_ENG_HANDSHAKE_DONE    0x0004u
#define TLSP_ENG_PEER_CLOSED       0x0008u
#define TLSP_ENG_LOCAL_CLOSED      0x0010u
#define TLSP_ENG_NET_EOF           0x0020u
#define TLSP_ENG_NEED_INPUT        0x0040u  /* mbedTLS last found net_in empty */
#define TLSP_ENG_RESUMED           0x0080u  /* the handshake resumed a session */
#define TLSP_ENG_SESSION_LOADED    0x0100u  /* tlsp_session_load() gave mbedTLS a session */

/* Record the first failure (sticky) and return the engine's failure code. */
int tlsp_engine_fail(tlsp_engine *e, int code, int mbedtls_code);

/* Translate an mbedTLS failure ret into a TLSP_ERR_* code; also records the peer's alert
 * and the certificate verification flags when they explain the failure. */
int tlsp_engine_map_error(tlsp_engine *e, int ret);

#if defined(MBEDTLS_X509_CRT_PARSE_C)
/* mbedTLS verify callback (mbedtls_ssl_set_verify(), ctx = the engine): notes the first
 * certificate with a problem, and the leaf's names, for tlsp_engine_describe_error().
 * Never changes the verdict. */
int tlsp_note_cert_problem(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags);
#endif

/* Feed n stream bytes to the record meter. Returns how many records they completed. */
uint64_t tlsp_record_meter_feed(tlsp_record_meter *m, const uint8_t *data, size_t n);

/* ---- The net tap (tlsp_capture.h) ---------------------------------------------------------
 * TLSP_CAPTURE_TAP(): report len bytes at data. TLSP_CAPTURE_TAP_QUEUE_HEAD(): report the
 * first n bytes stored in queue q (before they are consumed). Without TLSP_CAPTURE both are
 * empty: the arguments are not evaluated for effect, and no code remains. */
#if defined(TLSP_CAPTURE)
void tlsp_capture_report(tlsp_engine *e, tlsp_capture_dir dir, const uint8_t *data, size_t len);
void tlsp_capture_report_queue_head(tlsp_engine *e, tlsp_capture_dir dir, const tlsp_queue *q, size_t n);
#define TLSP_CAPTURE_TAP(e, dir, data, len) \
    ((e)->capture_fn != NULL ? tlsp_capture_report((e), (dir), (data), (len)) : (void) 0)
#define TLSP_CAPTURE_TAP_QUEUE_HEAD(e, dir, q, n) \
    ((e)->capture_fn != NULL ? tlsp_capture_report_queue_head((e), (dir), (q), (n)) : (void) 0)
#else
#define TLSP_CAPTURE_TAP(e, dir, data, len) ((void) (e), (void) (data), (void) (len))
#define TLSP_CAPTURE_TAP_QUEUE_HEAD(e, dir, q, n) ((void) (e), (void) (q), (void) (n))
#endif

#endif /* TLSP_ENGINE_INTERNAL_H */
