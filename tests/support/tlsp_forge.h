/*
 * Test-only record forgery: make a connected engine write a record of any content type
 * and body, protected with its current keys, so that a test can play a hostile but
 * authenticated peer (one that holds the session keys and sends what no honest peer
 * would: endless alerts, renegotiation requests, empty records, stray handshake messages).
 */
#ifndef TLSP_FORGE_H
#define TLSP_FORGE_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_engine.h"

/**
 * \brief Encrypt one record of content type `type` holding body[0..len) with the
 *        sender's current write keys, into the sender's net_out (drain it from there).
 * \param sender  an engine whose handshake is complete; its record sequence moves on, so
 *                its later records stay valid for the receiver.
 * \param len     0 (an empty record) up to 16384.
 * \return 0, or the mbedTLS error (negative) when the record could not be written
 *         (net_out too full: drain it first).
 */
int tlsp_forge_record(tlsp_engine *sender, uint8_t type, const uint8_t *body, size_t len);

#endif /* TLSP_FORGE_H */
