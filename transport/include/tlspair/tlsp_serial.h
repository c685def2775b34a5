/**
 * \file tlsp_serial.h
 * \brief The POSIX serial-port transport: a tlsp_transport over a terminal device
 *        (/dev/ttyUSB*, /dev/ttyACM*, /dev/ttyS*, a pseudo-terminal), set up with termios.
 *
 *   tlsp_serial port;
 *   tlsp_serial_opts opts = { 115200, 0 };            // baud, no RTS/CTS
 *   tlsp_transport t;
 *   if (tlsp_serial_open(&port, "/dev/ttyUSB0", &opts) != 0) { ...tlsp_serial_strerror()... }
 *   tlsp_serial_transport(&port, &t);                 // then tlsp_drive_*(engine, &t, ...)
 *   ...
 *   tlsp_serial_close(&port);                         // drains, restores the old settings
 *
 * The line: raw bytes (no echo, no line editing, no CR/LF mapping, no XON/XOFF), 8 data
 * bits, no parity, one stop bit, modem control lines ignored (CLOCAL), receiver on
 * (CREAD), optional RTS/CTS hardware flow control. The device is opened non-blocking;
 * wait() sleeps in poll(). Input that arrived before the open is discarded.
 *
 * Exclusive access: an open port holds an flock() lock on the device and sets TIOCEXCL,
 * so a second tlsp_serial_open() of the same device (by this or another process) fails
 * with TLSP_SERIAL_ERR_BUSY rather than two programs splitting one byte stream. TIOCEXCL
 * alone does not stop root, the lock does; other programs that take neither are not kept
 * out.
 *
 * End of input: a serial line has none of its own. recv() reports end of input (0) only
 * when the device itself goes away: a hang-up (USB adapter unplugged, the other side of a
 * pseudo-terminal closed: read() returns 0 or fails with EIO, poll() reports POLLHUP). The
 * engine then reports TLSP_ERR_CLOSED if the peer's close_notify came first, else
 * TLSP_ERR_TRUNCATED. A peer that merely stops talking on a wire that stays connected is
 * only noticed by deadlines: give the driver calls timeouts, and consider a read deadline
 * (tlsp_config_set_timeouts()). send() on a hung-up device returns TLSP_ERR_TRANSPORT.
 *
 * Speed: a pseudo-terminal accepts and reports any of the rates below but does not pace
 * bytes; a real UART sends at the chosen rate.
 *
 * Errors from open/attach are the TLSP_SERIAL_ERR_* codes below (or TLSP_ERR_BAD_ARG);
 * tlsp_serial_strerror() names them and tlsp_serial_os_error() gives the errno behind them.
 * The transport callbacks return only the codes of the transport contract.
 *
 * Threads: one port is used by one thread at a time. Host only (POSIX).
 */
#ifndef TLSP_SERIAL_H
#define TLSP_SERIAL_H

#include <stdint.h>
#include <termios.h>

#include "tlspair/tlsp_error.h"
#include "tlspair/tlsp_transport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why an open or attach failed. Distinct from the engine's TLSP_ERR_* codes. */
#define TLSP_SERIAL_ERR_NO_DEVICE  (-0x60) /**< no such device: ENOENT, ENODEV, ENXIO, or EIO (no hardware behind the node) */
#define TLSP_SERIAL_ERR_PERMISSION (-0x61) /**< EACCES/EPERM: e.g. the user is not in the device's group (dialout) */
#define TLSP_SERIAL_ERR_BUSY       (-0x62) /**< another open port (or a TIOCEXCL holder) has the device */
#define TLSP_SERIAL_ERR_NOT_TTY    (-0x63) /**< the path or fd is not a terminal device */
#define TLSP_SERIAL_ERR_BAUD       (-0x64) /**< the rate is not one this build supports, or the device refused it */
#define TLSP_SERIAL_ERR_SETTINGS   (-0x65) /**< the device refused the line settings (e.g. RTS/CTS) */
#define TLSP_SERIAL_ERR_OS         (-0x66) /**< another system error; see tlsp_serial_os_error() */

/** Default rate when tlsp_serial_open() gets no options. */
#define TLSP_SERIAL_DEFAULT_BAUD 115200u

/** Line options for tlsp_serial_open(). */
typedef struct tlsp_serial_opts {
    uint32_t baud;   /**< bits per second: 1200, 2400, 4800, 9600, 19200, 38400, 57600,
                          115200, 230400, 460800 or 921600 (where the OS defines it) */
    int rtscts;      /**< nonzero: RTS/CTS hardware flow control (CRTSCTS) */
} tlsp_serial_opts;

/** Caller-allocated port. Fields are private: use the functions. */
typedef struct tlsp_serial {
    int fd;                  /* -1 when closed */
    int owned;               /* opened by tlsp_serial_open(): restore, unlock and close it */
    int saved_flags;         /* fcntl(F_GETFL) before this port changed it */
    struct termios saved;    /* line settings before tlsp_serial_open() changed them */
    uint32_t baud;           /* 0 for an attached fd (unknown) */
    int os_error;            /* errno behind the last failure, 0 if none */
} tlsp_serial;

/**
 * \brief Open a serial device and set it up as described in the file comment.
 * \param port  caller-allocated; filled in. On failure it is left closed (fd -1) with
 *              tlsp_serial_os_error() telling the errno, and the device is left as it was.
 * \param path  device path, e.g. "/dev/ttyUSB0"; the string is not kept.
 * \param opts  rate and flow control; NULL = TLSP_SERIAL_DEFAULT_BAUD, no flow control.
 * \return 0; TLSP_ERR_BAD_ARG (NULL port or path); TLSP_SERIAL_ERR_BAUD (checked before
 *         the device is touched, and again after setting it); TLSP_SERIAL_ERR_NO_DEVICE;
 *         TLSP_SERIAL_ERR_PERMISSION; TLSP_SERIAL_ERR_BUSY; TLSP_SERIAL_ERR_NOT_TTY;
 *         TLSP_SERIAL_ERR_SETTINGS; TLSP_SERIAL_ERR_OS.
 */
int tlsp_serial_open(tlsp_serial *port, const char *path, const tlsp_serial_opts *opts);

/**
 * \brief Use a terminal fd the caller already has (the master side of a pseudo-terminal,
 *        a device opened by another component) as a port, with its line settings as
 *        they are. Only the fd's O_NONBLOCK flag is changed (and put back on close).
 * \param fd  an open terminal fd; stays owned by the caller, who closes it after
 *            tlsp_serial_close(). No lock is taken.
 * \note Closing a pty master hangs up its slave side and discards what that side has
 *       not read yet. A master end that sends last (a close_notify) should wait for the
 *       other side to close first (its recv() then returns 0) before closing its fd.
 * \return 0; TLSP_ERR_BAD_ARG (NULL port, negative fd); TLSP_SERIAL_ERR_NOT_TTY;
 *         TLSP_SERIAL_ERR_OS. On failure the port is left closed.
 */
int tlsp_serial_attach_fd(tlsp_serial *port, int fd);

/**
 * \brief Fill t with the port's transport (send, recv, wait). The port must stay open
 *        while t is in use.
 *   - send: write(); a short write is normal; TLSP_WANT_WRITE when the driver's buffer is
 *     full (or RTS/CTS holds it); TLSP_ERR_TRANSPORT when the device is gone or fails.
 *   - recv: read(); TLSP_WANT_READ when nothing arrived; 0 after a hang-up;
 *     TLSP_ERR_TRANSPORT on another error.
 *   - wait: poll(); a hang-up counts as ready, so the next send/recv reports it.
 * Interrupted calls (EINTR) are retried; none of them blocks except wait().
 */
void tlsp_serial_transport(tlsp_serial *port, tlsp_transport *t);

/**
 * \brief Wait until the bytes handed to the device have left the driver's buffer (the
 *        last records, a close_notify) or timeout_ms passes. tcdrain() alone could block
 *        for ever when RTS/CTS holds the line, so the queue is polled against a deadline
 *        first. A pseudo-terminal never holds bytes back: it returns at once.
 * \return 0; TLSP_ERR_TIMEOUT (bytes are still queued); TLSP_ERR_BAD_ARG on a closed port;
 *         TLSP_ERR_TRANSPORT if the device failed (see tlsp_serial_os_error()).
 */
int tlsp_serial_drain(tlsp_serial *port, uint32_t timeout_ms);

/**
 * \brief Close the port. An opened device is drained first (for at most the time its
 *        queued bytes need at the line rate, plus one second), its previous line
 *        settings are restored, its lock released and its fd closed. An attached fd gets
 *        its O_NONBLOCK flag back and stays open. Safe on a closed port (does nothing).
 */
void tlsp_serial_close(tlsp_serial *port);

/**
 * \brief The port's fd, for an application's own poll() loop or for reading the line
 *        settings (tcgetattr()). Do not close it or change its settings. -1 when closed.
 */
int tlsp_serial_fd(const tlsp_serial *port);

/**
 * \brief The errno behind the last failure of open, attach or drain on this port (0 if
 *        none), for strerror() or a log line.
 */
int tlsp_serial_os_error(const tlsp_serial *port);

/**
 * \brief A sentence for a TLSP_SERIAL_ERR_* code; any other code gets tlsp_strerror()'s.
 * \return a static NUL-terminated string, never NULL.
 */
const char *tlsp_serial_strerror(int code);

#ifdef __cplusplus
}
#endif

#endif /* TLSP_SERIAL_H */
