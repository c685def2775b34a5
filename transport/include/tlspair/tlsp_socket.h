/**
 * \file tlsp_socket.h
 * \brief The POSIX TCP transport: connect, listen, accept, and a tlsp_transport over a
 *        connected socket (host builds only).
 *
 * A tlsp_socket is a caller-allocated struct holding one file descriptor, either a
 * connected stream socket or a listener, plus the system error behind its last failure:
 *
 *   tlsp_socket s;
 *   tlsp_transport t;
 *   tlsp_socket_init(&s);
 *   if (tlsp_socket_connect(&s, "localhost", 4433, 5000) == 0) {
 *       tlsp_socket_transport(&s, &t);
 *       tlsp_drive_handshake(&engine, &t, 10000);     // blocking style, with deadlines
 *       ...
 *       tlsp_socket_close_notify(&s, &engine, 1000);  // close_notify, then FIN
 *   }
 *   tlsp_socket_close(&s);
 *
 * Blocking and non-blocking use. The transport's send() and recv() never block, whatever
 * the descriptor's O_NONBLOCK flag says (they pass MSG_DONTWAIT): only wait() sleeps, in
 * poll(). So one transport serves both styles:
 *   - blocking style: the tlsp_drive_* calls (tlsp_drive.h) sleep in wait() until their
 *     goal or their deadline; a silent peer gives TLSP_ERR_TIMEOUT, never a stuck call;
 *   - non-blocking style: your own poll() loop over many sockets asks for
 *     tlsp_socket_poll_events() on s.fd and runs tlsp_drive_step() when it is ready.
 *
 * What the transport reports (the contract of tlsp_transport.h):
 *   - send: bytes taken (short writes are normal); TLSP_WANT_WRITE when the socket
 *     buffer is full; TLSP_ERR_TRANSPORT on a reset or a closed connection (EPIPE,
 *     ECONNRESET). Never raises SIGPIPE (MSG_NOSIGNAL, or SO_NOSIGPIPE where that exists).
 *   - recv: bytes; 0 at the peer's FIN (the engine then reports TLSP_ERR_CLOSED if
 *     close_notify came first, TLSP_ERR_TRUNCATED if not); TLSP_WANT_READ when nothing
 *     is there; TLSP_ERR_TRANSPORT on a reset. A peer that resets the connection (RST,
 *     e.g. SO_LINGER 0 then close) is TLSP_ERR_TRANSPORT with tlsp_socket_errno() ==
 *     ECONNRESET, after any data that arrived before the reset, never EOF.
 *   - EINTR is retried inside every call.
 *   - A fatal error is sticky: once send or recv has returned TLSP_ERR_TRANSPORT, every
 *     later send and recv on that tlsp_socket does too, without touching the socket.
 *
 * Error codes of the setup calls (connect, listen, accept): TLSP_ERR_RESOLVE (name not
 * found: tlsp_socket_gai_error() has the getaddrinfo() code), TLSP_ERR_REFUSED,
 * TLSP_ERR_UNREACHABLE, TLSP_ERR_TIMEOUT, TLSP_ERR_TRANSPORT for any other system error;
 * tlsp_socket_errno() keeps the errno behind each of them and tlsp_socket_detail() the
 * system's sentence.
 *
 * Clocks: connect and accept timeouts are real time (CLOCK_MONOTONIC, like poll()); the
 * drive calls' deadlines are on the port clock (tlsp_port.h), which on POSIX is the same.
 *
 * Threads: a tlsp_socket is used by one thread at a time. No global state.
 */
#ifndef TLSP_SOCKET_H
#define TLSP_SOCKET_H

#include <stdint.h>

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Timeout for tlsp_socket_connect() and tlsp_socket_accept(): wait as long as it takes. */
#define TLSP_SOCKET_WAIT_FOREVER UINT32_MAX

/** Caller-allocated socket. Read fd freely (to poll() it); the rest through functions. */
typedef struct tlsp_socket {
    int fd;          /**< the socket, or -1 when none is open */
    int sys_errno;   /* errno behind the last failure, 0 if none */
    int gai_error;   /* getaddrinfo() code behind the last TLSP_ERR_RESOLVE, 0 if none */
    int failed;      /* sticky: send/recv hit a fatal error */
    int eof;         /* recv saw the peer's FIN */
} tlsp_socket;

/**
 * \brief Make s an empty socket (fd -1, no error). Call before any other function.
 */
void tlsp_socket_init(tlsp_socket *s);

/**
 * \brief Resolve host and connect to port over TCP (IPv4 or IPv6), within timeout_ms.
 *
 * Tries every address getaddrinfo() gives, in its order, until one connects (a name like
 * "localhost" may give ::1 and 127.0.0.1); each attempt gets what is left of the budget.
 * The connect itself is non-blocking plus poll(), so timeout_ms bounds it even where the
 * peer drops SYNs. Name resolution is not bounded by it (getaddrinfo() has no timeout).
 *
 * \param s           initialised and not open.
 * \param host        name or numeric address, NUL-terminated.
 * \param port        1..65535.
 * \param timeout_ms  whole budget (>= 1), or TLSP_SOCKET_WAIT_FOREVER (the kernel's limit).
 * \return 0: s.fd is connected, non-blocking (O_NONBLOCK), close-on-exec, TCP_NODELAY;
 *         TLSP_ERR_RESOLVE: the name does not resolve (tlsp_socket_gai_error());
 *         TLSP_ERR_REFUSED: nothing listens there (ECONNREFUSED);
 *         TLSP_ERR_UNREACHABLE: no route to the network or host (ENETUNREACH, EHOSTUNREACH);
 *         TLSP_ERR_TIMEOUT: no answer within timeout_ms;
 *         TLSP_ERR_TRANSPORT: another system error (tlsp_socket_errno());
 *         TLSP_ERR_BAD_ARG; TLSP_ERR_STATE if s is already open.
 *         With several addresses, the failure reported is the last address's.
 */
int tlsp_socket_connect(tlsp_socket *s, const char *host, uint16_t port, uint32_t timeout_ms);

/**
 * \brief Listen for TCP connections on host:port.
 *
 * \param s        initialised and not open.
 * \param host     address to bind, e.g. "127.0.0.1", "::1", "localhost", "0.0.0.0" or
 *                 "::" (IPv6 sockets accept IPv4 too where the system allows); NULL binds
 *                 the first wildcard address getaddrinfo() gives. The first address that
 *                 binds is used.
 * \param port     0 picks a free ephemeral port: read it with tlsp_socket_local_port().
 * \param backlog  pending-connection queue length for listen(); <= 0 uses SOMAXCONN.
 * \return 0: s.fd listens (SO_REUSEADDR, non-blocking, close-on-exec);
 *         TLSP_ERR_RESOLVE; TLSP_ERR_TRANSPORT (e.g. EADDRINUSE in tlsp_socket_errno());
 *         TLSP_ERR_BAD_ARG; TLSP_ERR_STATE if s is already open.
 */
int tlsp_socket_listen(tlsp_socket *s, const char *host, uint16_t port, int backlog);

/**
 * \brief The local port s is bound to (a listener's, or a connection's own end).
 * \return 1..65535; TLSP_ERR_STATE if s is not open; TLSP_ERR_TRANSPORT if
 *         getsockname() fails.
 */
int tlsp_socket_local_port(const tlsp_socket *s);

/**
 * \brief Accept one connection from a listener.
 * \param listener    from tlsp_socket_listen().
 * \param conn        initialised and not open; receives the connection (non-blocking,
 *                    close-on-exec, TCP_NODELAY).
 * \param timeout_ms  0: do not wait (non-blocking servers call this when poll() says the
 *                    listener is readable); otherwise the longest wait, or
 *                    TLSP_SOCKET_WAIT_FOREVER.
 * \return 0; TLSP_WANT_READ when timeout_ms is 0 and no connection is pending (also when
 *         a pending one was aborted by its client before accept); TLSP_ERR_TIMEOUT;
 *         TLSP_ERR_TRANSPORT with the errno in the listener's tlsp_socket_errno() (e.g.
 *         EMFILE: out of descriptors; the listener stays usable);
 *         TLSP_ERR_BAD_ARG; TLSP_ERR_STATE if conn is open or listener is not.
 */
int tlsp_socket_accept(tlsp_socket *listener, tlsp_socket *conn, uint32_t timeout_ms);

/**
 * \brief Adopt a connected stream socket made elsewhere (any mode, blocking or not).
 *        Sets TCP_NODELAY where the socket is TCP and SO_NOSIGPIPE where that exists;
 *        leaves O_NONBLOCK as it is (the transport never blocks either way).
 * \param s   initialised and not open. Owns fd from now on: tlsp_socket_close() closes it.
 * \param fd  a connected SOCK_STREAM socket (TCP, or a unix socket).
 * \return 0; TLSP_ERR_BAD_ARG (fd < 0); TLSP_ERR_STATE if s is already open.
 */
int tlsp_socket_attach(tlsp_socket *s, int fd);

/**
 * \brief Fill t with the transport over s (send, recv, wait; ctx = s).
 * \param s  connected; must stay at the same address while t is used.
 */
void tlsp_socket_transport(tlsp_socket *s, tlsp_transport *t);

/**
 * \brief The poll() events (POLLIN, POLLOUT) a socket needs for what the engine wants
 *        next: POLLOUT while net_out holds bytes; POLLIN while net_in has room and the
 *        peer has not finished. For non-blocking loops built on tlsp_drive_step().
 * \return A value for pollfd.events. 0 means the socket can do nothing for the engine
 *         now: either net_in is full (the application must tlsp_read() first), or the
 *         engine failed or its input ended, with nothing left to send (close the socket).
 */
short tlsp_socket_poll_events(const tlsp_engine *e);

/**
 * \brief Send TLS's close_notify, flush it, then end the TCP sending direction
 *        (shutdown(SHUT_WR), a FIN), so a peer reading to end of stream sees a clean end.
 *        Blocking style: drives e over s for at most timeout_ms. Reading stays possible
 *        (the peer's close_notify, or the data it still sends).
 * \return 0 once close_notify has left and the FIN is sent, also when the peer closed
 *         its end during the call (its EOF, clean or truncated, is then for tlsp_read()
 *         to report); otherwise what tlsp_drive_close() returns (TLSP_ERR_TIMEOUT, a
 *         failure), and no FIN is sent.
 */
int tlsp_socket_close_notify(tlsp_socket *s, tlsp_engine *e, uint32_t timeout_ms);

/**
 * \brief shutdown(SHUT_WR): send FIN, keep reading. Call it only after close_notify has
 *        been handed to the socket (tlsp_drive_close(), or TLSP_STATUS_LOCAL_CLOSED and
 *        no TLSP_STATUS_NET_OUT), or the peer sees TLSP_ERR_TRUNCATED.
 * \return 0; TLSP_ERR_TRANSPORT (tlsp_socket_errno()); TLSP_ERR_STATE if not open.
 */
int tlsp_socket_shutdown_write(tlsp_socket *s);

/**
 * \brief Close the descriptor (if open) and make s empty again. Does not send
 *        close_notify. Safe to call twice.
 */
void tlsp_socket_close(tlsp_socket *s);

/** \brief The errno behind the last failure on s, 0 if none. */
int tlsp_socket_errno(const tlsp_socket *s);

/** \brief The getaddrinfo() code behind the last TLSP_ERR_RESOLVE, 0 if none. */
int tlsp_socket_gai_error(const tlsp_socket *s);

/**
 * \brief The system's sentence for the last failure (strerror() or gai_strerror()),
 *        "" if none. Valid until the next call on s; not thread-safe (strerror()).
 */
const char *tlsp_socket_detail(const tlsp_socket *s);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_SOCKET_H */
