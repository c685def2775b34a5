/*
 * Opening, setting up and closing a serial port (tlsp_serial.h). The byte moving is in
 * tlsp_serial_io.c.
 */
#define _GNU_SOURCE   /* CRTSCTS, flock(), TIOCEXCL, TIOCOUTQ are not in strict POSIX */
#include "tlspair/tlsp_serial.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Extra time close() grants the drain beyond what the queued bytes need at the line rate:
 * a UART's hardware FIFO and a USB adapter's buffer are not in the driver's count. */
#define CLOSE_DRAIN_SLACK_MS 1000u
/* Longest sleep between two looks at the output queue while draining. */
#define DRAIN_POLL_MAX_MS 20u

typedef struct baud_entry {
    uint32_t rate;
    speed_t code;
} baud_entry;

/* Only the B* constants the OS defines: an unknown rate is refused, never rounded. */
static const baud_entry bauds[] = {
    { 1200, B1200 },
    { 2400, B2400 },
    { 4800, B4800 },
    { 9600, B9600 },
    { 19200, B19200 },
    { 38400, B38400 },
    { 57600, B57600 },
    { 115200, B115200 },
#ifdef B230400
    { 230400, B230400 },
#endif
#ifdef B460800
    { 460800, B460800 },
#endif
#ifdef B921600
    { 921600, B921600 },
#endif
};

static int baud_code(uint32_t rate, speed_t *code)
{
    size_t i;

    for (i = 0; i < sizeof(bauds) / sizeof(bauds[0]); i++) {
        if (bauds[i].rate == rate) {
            *code = bauds[i].code;
            return 0;
        }
    }
    return -1;
}

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static void sleep_ms(uint32_t ms)
{
    struct timespec ts = { (time_t) (ms / 1000u), (long) (ms % 1000u) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void set_closed(tlsp_serial *port, int os_error)
{
    memset(port, 0, sizeof(*port));
    port->fd = -1;
    port->os_error = os_error;
}

/* Why open() failed, as a port error. */
static int open_error(int err)
{
    switch (err) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case EIO:      /* e.g. /dev/ttyS3 with no UART behind it */
        return TLSP_SERIAL_ERR_NO_DEVICE;
    case EACCES:
    case EPERM:
        return TLSP_SERIAL_ERR_PERMISSION;
    case EBUSY:    /* TIOCEXCL set by another holder */
        return TLSP_SERIAL_ERR_BUSY;
    case EISDIR:
        return TLSP_SERIAL_ERR_NOT_TTY;
    default:
        return TLSP_SERIAL_ERR_OS;
    }
}

/* Raw 8N1 as cfmakeraw() makes it (spelled out: cfmakeraw is not POSIX), receiver on,
 * modem lines ignored, reads that return EAGAIN when empty. */
static void make_raw(struct termios *t, speed_t speed, int rtscts)
{
    t->c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL |
                               IXON | IXOFF | IXANY | INPCK);
    t->c_oflag &= ~(tcflag_t) OPOST;
    t->c_lflag &= ~(tcflag_t) (ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(tcflag_t) (CSIZE | PARENB | CSTOPB | CRTSCTS);
    t->c_cflag |= CS8 | CLOCAL | CREAD;
    if (rtscts) {
        t->c_cflag |= CRTSCTS;
    }
    /* VMIN 1, not 0: with VMIN = VTIME = 0 Linux's read() returns 0 on an empty line
     * even on a non-blocking fd, which reads like end of input. With VMIN 1 an empty
     * non-blocking read fails with EAGAIN; O_NONBLOCK means it never waits for that byte. */
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
    (void) cfsetospeed(t, speed);
    (void) cfsetispeed(t, speed);
}

/* tcsetattr() succeeds if any one change took: read back to see that all did. */
static int check_applied(int fd, speed_t speed, int rtscts)
{
    struct termios now;

    if (tcgetattr(fd, &now) != 0) {
        return TLSP_SERIAL_ERR_OS;
    }
    if (cfgetospeed(&now) != speed || cfgetispeed(&now) != speed) {
        errno = EINVAL;
        return TLSP_SERIAL_ERR_BAUD;
    }
    if (((now.c_cflag & CRTSCTS) != 0) != (rtscts != 0) ||
        (now.c_cflag & CSIZE) != CS8 || (now.c_lflag & (ICANON | ECHO)) != 0) {
        errno = EINVAL;
        return TLSP_SERIAL_ERR_SETTINGS;
    }
    return 0;
}

int tlsp_serial_open(tlsp_serial *port, const char *path, const tlsp_serial_opts *opts)
{
    tlsp_serial_opts defaults = { TLSP_SERIAL_DEFAULT_BAUD, 0 };
    struct termios saved, raw;
    speed_t speed;
    int fd, ret;

    if (port == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    set_closed(port, 0);
    if (path == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    if (opts == NULL) {
        opts = &defaults;
    }
    if (baud_code(opts->baud, &speed) != 0) {
        port->os_error = EINVAL;
        return TLSP_SERIAL_ERR_BAUD;
    }
    /* O_NONBLOCK also keeps open() from waiting for carrier on a modem line; O_NOCTTY
     * keeps a terminal from becoming our controlling one (and its hang-up a SIGHUP). */
    do {
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        port->os_error = errno;
        return open_error(errno);
    }
    if (!isatty(fd)) {
        ret = TLSP_SERIAL_ERR_NOT_TTY;
        goto fail;
    }
    if (tcgetattr(fd, &saved) != 0) {
        ret = TLSP_SERIAL_ERR_OS;
        goto fail;
    }
    /* The lock before any change, so a busy device is left exactly as its holder set it. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ret = errno == EWOULDBLOCK ? TLSP_SERIAL_ERR_BUSY : TLSP_SERIAL_ERR_OS;
        goto fail;
    }
    (void) ioctl(fd, TIOCEXCL);   /* keeps out later non-root openers that take no lock */
    raw = saved;
    make_raw(&raw, speed, opts->rtscts);
    if (tcsetattr(fd, TCSANOW, &raw) != 0) {
        ret = errno == EINVAL ? TLSP_SERIAL_ERR_SETTINGS : TLSP_SERIAL_ERR_OS;
        goto restore;
    }
    ret = check_applied(fd, speed, opts->rtscts);
    if (ret != 0) {
        goto restore;
    }
    (void) tcflush(fd, TCIFLUSH);   /* bytes from before the open were read in old settings */
    port->fd = fd;
    port->owned = 1;
    port->saved_flags = -1;
    port->saved = saved;
    port->baud = opts->baud;
    return 0;

restore:
    port->os_error = errno;
    (void) tcsetattr(fd, TCSANOW, &saved);
    (void) ioctl(fd, TIOCNXCL);
    close(fd);
    return ret;
fail:
    port->os_error = errno;
    close(fd);
    return ret;
}

int tlsp_serial_attach_fd(tlsp_serial *port, int fd)
{
    int flags;

    if (port == NULL) {
        return TLSP_ERR_BAD_ARG;
    }
    set_closed(port, 0);
    if (fd < 0) {
        return TLSP_ERR_BAD_ARG;
    }
    if (!isatty(fd)) {
        port->os_error = errno;
        return TLSP_SERIAL_ERR_NOT_TTY;
    }
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        port->os_error = errno;
        return TLSP_SERIAL_ERR_OS;
    }
    port->fd = fd;
    port->owned = 0;
    port->saved_flags = flags;
    return 0;
}

int tlsp_serial_drain(tlsp_serial *port, uint32_t timeout_ms)
{
    uint64_t deadline;

    if (port == NULL || port->fd < 0) {
        return TLSP_ERR_BAD_ARG;
    }
    deadline = now_ms() + timeout_ms;
#ifdef TIOCOUTQ
    for (;;) {
        int queued = 0;
        uint64_t now;
        uint64_t left;

        if (ioctl(port->fd, TIOCOUTQ, &queued) != 0) {
            port->os_error = errno;
            return TLSP_ERR_TRANSPORT;
        }
        if (queued <= 0) {
            break;
        }
        now = now_ms();
        if (now >= deadline) {
            return TLSP_ERR_TIMEOUT;
        }
        left = deadline - now;
        sleep_ms(left < DRAIN_POLL_MAX_MS ? (uint32_t) left : DRAIN_POLL_MAX_MS);
    }
#endif
    /* The driver's buffer is empty: what is left is the UART's own FIFO, whose wait the
     * kernel bounds. */
    while (tcdrain(port->fd) != 0) {
        if (errno != EINTR) {
            port->os_error = errno;
            return TLSP_ERR_TRANSPORT;
        }
    }
    return 0;
}

/* Time the bytes now queued need at the line rate (10 bits each with start and stop). */
static uint32_t close_drain_ms(const tlsp_serial *port)
{
    int queued = 0;

#ifdef TIOCOUTQ
    if (ioctl(port->fd, TIOCOUTQ, &queued) != 0 || queued < 0) {
        queued = 0;
    }
#endif
    return (uint32_t) ((uint64_t) queued * 10u * 1000u / port->baud) + CLOSE_DRAIN_SLACK_MS;
}

void tlsp_serial_close(tlsp_serial *port)
{
    if (port == NULL || port->fd < 0) {
        return;
    }
    if (port->owned) {
        /* Settings change at once (TCSANOW), so the last bytes must be out first or they
         * would leave at the old rate. A hung-up device fails these calls: nothing to do. */
        if (tlsp_serial_drain(port, close_drain_ms(port)) != 0) {
            /* What the deadline left is dropped, never sent later at the old settings.
             * Only then: on a pty, TCOFLUSH also discards what the peer has not read. */
            (void) tcflush(port->fd, TCOFLUSH);
        }
        (void) tcsetattr(port->fd, TCSANOW, &port->saved);
        (void) ioctl(port->fd, TIOCNXCL);
        (void) flock(port->fd, LOCK_UN);
        close(port->fd);
    } else {
        (void) fcntl(port->fd, F_SETFL, port->saved_flags);
    }
    set_closed(port, 0);
}

int tlsp_serial_fd(const tlsp_serial *port)
{
    return port == NULL ? -1 : port->fd;
}

int tlsp_serial_os_error(const tlsp_serial *port)
{
    return port == NULL ? 0 : port->os_error;
}

const char *tlsp_serial_strerror(int code)
{
    switch (code) {
    case TLSP_SERIAL_ERR_NO_DEVICE:
        return "no such serial device (check the path; is the adapter plugged in?)";
    case TLSP_SERIAL_ERR_PERMISSION:
        return "permission denied on the serial device (is the user in its group, e.g. dialout?)";
    case TLSP_SERIAL_ERR_BUSY:
        return "the serial device is busy: another program has it open";
    case TLSP_SERIAL_ERR_NOT_TTY:
        return "not a serial device (not a terminal)";
    case TLSP_SERIAL_ERR_BAUD:
        return "unsupported baud rate";
    case TLSP_SERIAL_ERR_SETTINGS:
        return "the serial device refused the line settings (flow control?)";
    case TLSP_SERIAL_ERR_OS:
        return "system error on the serial device";
    default:
        return tlsp_strerror(code);
    }
}
