/*
 * The engine as the fuzz targets and the seed recorder run it: one tlspair engine whose
 * peer is a byte stream. Everything an engine draws from the port (entropy, both clocks)
 * is reset before each connection, so the same peer bytes always meet the same engine
 * bytes: a recorded real handshake replays exactly, up to its Finished and beyond.
 *
 * Fuzz input of the engine targets (fuzz_engine_client, fuzz_engine_server):
 *
 *   byte 0      bits 0-6: profile (modulo FZ_PROFILE_COUNT); bit 7: end of input (EOF)
 *               after the last flight
 *   then        flights, each [length: 2 bytes, big-endian][length bytes]; a length
 *               beyond the end of the input takes what is left
 *
 * The engine gets each flight, runs until it stops moving (handshake, then the script
 * below), and its output is drained (and dropped) before the next flight.
 *
 * The script both ends follow after the handshake, in the recorder and in the targets:
 * the engine under test writes FZ_GREETING once; the recorder's peer answers with
 * FZ_REPLY and close_notify once it has read the greeting; the engine under test answers
 * the peer's close_notify with its own.
 */
#ifndef FUZZ_ENGINE_H
#define FUZZ_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_config.h"
#include "tlspair/tlsp_engine.h"

#define FZ_PROFILE_COUNT 7u
#define FZ_FLAG_EOF      0x80u
/* Engine queues: smaller than a full record, so long records also arrive in parts. */
#define FZ_QUEUE_SIZE    4096u
/* Steps (feed, run, drain) one flight may take before the engine counts as hung. */
#define FZ_MAX_ROUNDS    20000u

#define FZ_GREETING "GET /fuzz HTTP/1.0\r\n\r\n"
#define FZ_REPLY    "HTTP/1.0 200 OK\r\n\r\nhello from the recorded peer\n"

/* Abort with a message: libFuzzer reports it as a crash, with the input. */
#define FZ_ASSERT(cond)                                                                \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fz_fail(__FILE__, __LINE__, #cond);                                        \
        }                                                                              \
    } while (0)

/** Print "file:line: invariant failed: what" and abort(). */
void fz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/** Profile name (for seed file names and messages). */
const char *fz_profile_name(unsigned profile);

/** Where an engine's output goes (the recorder's peer, or nowhere). */
typedef void (*fz_sink)(void *ctx, const uint8_t *data, size_t len);

/** One end: config, engine, queues, and how far the script got. */
typedef struct fz_conn {
    tlsp_config cfg;
    tlsp_engine e;
    unsigned profile;
    tlsp_role role;
    int is_peer;                 /* the recorder's peer: replies and closes first */
    int configured, started;
    size_t greeting_sent;        /* bytes of FZ_GREETING (or FZ_REPLY for the peer) written */
    int close_sent;
    int peer_closed;             /* tlsp_read() said TLSP_ERR_CLOSED */
    int handshake_done;
    int first_error;             /* the first sticky failure seen, 0 if none */
    size_t app_in;               /* plaintext bytes read */
    uint8_t net_in[FZ_QUEUE_SIZE];
    uint8_t net_out[FZ_QUEUE_SIZE];
} fz_conn;

/**
 * Reset the port (entropy seed, PSA's generator) and set up one end for a profile.
 * \return 0 or a TLSP code (printed); on failure the end is freed.
 */
int fz_conn_setup(fz_conn *c, unsigned profile, tlsp_role role, int is_peer, uint64_t seed);

/** Free the end and PSA's global state (nothing carries over to the next connection). */
void fz_conn_free(fz_conn *c);

/**
 * Give the end one flight of peer bytes (none: just run it) and run it until it stops
 * moving, its output drained into sink after every step. Checks the engine's invariants
 * and aborts on a violation or a hang (more than FZ_MAX_ROUNDS steps).
 */
void fz_conn_deliver(fz_conn *c, const uint8_t *data, size_t len, fz_sink sink, void *ctx);

/** The transport ended: tell the engine and run it once more. */
void fz_conn_eof(fz_conn *c, fz_sink sink, void *ctx);

/** What a replay reached (fz_run()). */
typedef struct fz_outcome {
    unsigned profile;
    int handshake_done;
    int peer_closed;
    size_t app_in;
    int error;                   /* first sticky failure, 0 if none */
    unsigned flights;
} fz_outcome;

/**
 * Run one fuzz input (format above) against a fresh engine of the given role.
 * \param out  may be NULL.
 */
void fz_run(const uint8_t *data, size_t size, tlsp_role role, fz_outcome *out);

#endif /* FUZZ_ENGINE_H */
