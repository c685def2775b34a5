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

#endif /* TLSP_ENGINE_INTERNAL_H */
