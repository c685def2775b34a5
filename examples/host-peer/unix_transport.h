/*
 * A tlsp_transport over a connected unix stream socket (non-blocking), for the host peer
 * of the firmware demo: QEMU exposes a board's UART1 as such a socket
 * (-chardev socket,path=...,server=on).
 */
#ifndef UNIX_TRANSPORT_H
#define UNIX_TRANSPORT_H

#include <stdint.h>

#include "tlspair/tlsp_transport.h"

typedef struct unix_link {
    int fd;
} unix_link;

/**
 * Connect to the socket at path, retrying for up to wait_ms while it does not exist yet
 * or refuses (the board is still starting). 0 or -1 (errno set).
 */
int unix_link_connect(unix_link *l, const char *path, uint32_t wait_ms);

/** Fill t with the link's transport (send, recv, wait via poll()). */
void unix_link_transport(unix_link *l, tlsp_transport *t);

void unix_link_close(unix_link *l);

#endif /* UNIX_TRANSPORT_H */
