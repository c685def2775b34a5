#ifndef HELLO_CLIENT_H
#define HELLO_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "tlspair/tlsp_transport.h"

/* Connect over `link`, verify the server against ca_pem (PEM, NUL counted in ca_len),
 * send "hello", print the reply, close cleanly. Returns 0 or a TLSP_ERR_* code. */
int hello_client(const tlsp_transport *link, const uint8_t *ca_pem, size_t ca_len);

#endif
