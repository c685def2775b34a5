/*
 * The POSIX serial transport (tlsp_serial.h) over pseudo-terminals, so no hardware is
 * needed. The slave side is opened by path, as a real /dev/ttyUSB0 would be; the master
 * side is attached by fd. For TLS the two ends run in two processes (fork): mbedTLS's
 * random generator and tlspair's heap counters are process-wide and not thread-safe.
 * A child reports through its exit status (0 = every check passed) and is killed by
 * alarm() if it ever hangs, so a broken transport fails the suite instead of stalling it.
 *
 * The suite uses the POSIX port: deadlines are real, and asserted as "not before the
 * deadline, and within the deadline plus a generous margin", never as speed. A pty does
 * not pace bytes, so "several baud rates" means each rate is set, read back, and carries
 * a full TLS session; not timing.
 */
#define _GNU_SOURCE   /* posix_openpt() and ptsname_r(), CRTSCTS */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "tlsp_pair.h"
#include "tlsp_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_serial.h"

#define QUEUE_SIZE     (16384u + 512u)
#define MIB            (1024u * 1024u)
#define LONG_MS        30000u   /* bounds a step that should finish long before */
#define MARGIN_MS      2000u    /* lateness allowed on a deadline on a loaded machine */
#define CHILD_ALARM_S  60u      /* a child that hangs is killed, and the test fails */
#define SEED_CLIENT    0xC11Eu
#define SEED_SERVER    0x5E4Fu

/* ---- Pseudo-terminals ------------------------------------------------------------------ */

typedef struct pty {
    int master;
    char path[64];   /* the slave's device path, /dev/pts/N */
} pty;

/* A fresh pseudo-terminal; its slave is left unopened for the test to open by path. */
static int pty_new(pty *p)
{
    p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (p->master < 0 || grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
        ptsname_r(p->master, p->path, sizeof(p->path)) != 0) {
        fprintf(stderr, "pty: %s\n", strerror(errno));
        if (p->master >= 0) {
            close(p->master);
        }
        p->master = -1;
        return -1;
    }
    return 0;
}

static void pty_close_master(pty *p)
{
    if (p->master >= 0) {
        close(p->master);
        p->master = -1;
    }
}

static uint64_t now_ms(void)
{
    return tlsp_port_millis();   /* the POSIX port: CLOCK_MONOTONIC */
}

/* ---- Child processes ----------------------------------------------------------------- */

/* Run fn(arg) in a child and return its pid (-1 on failure). The child exits with 0 when
 * fn returned 0 and no CHECK failed there. close_fd: a descriptor the child must not keep
 * (the parent's end, or a hang-up would never reach the parent's peer), or -1. */
static pid_t spawn(int (*fn)(const void *arg), const void *arg, int close_fd)
{
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int ok;
        if (close_fd >= 0) {
            close(close_fd);   /* raw close: the parent's port keeps its lock and settings */
        }
        alarm(CHILD_ALARM_S);
        tlsp_test_checks_failed = 0;
        ok = fn(arg) == 0 && tlsp_test_checks_failed == 0;
        fflush(stderr);
        _exit(ok ? 0 : 1);
    }
    return pid;
}

/* The child's exit status, or 128 + signal if it was killed (alarm: it hung). */
static int reap(pid_t pid)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "child killed by signal %d\n", WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

/* ---- One TLS end ------------------------------------------------------------------------ */

typedef struct tls_end {
    tlsp_config cfg;
    tlsp_engine engine;
    uint8_t *bufs;
    int cfg_up, engine_up;
} tls_end;

static int end_init(tls_end *s, tlsp_role role, tlsp_version version, tlsp_pair_auth auth,
                    uint32_t read_timeout_ms)
{
    int ret;

    memset(s, 0, sizeof(*s));
    if ((ret = tlsp_config_init(&s->cfg, role)) != 0) {
        return ret;
    }
    s->cfg_up = 1;
    if ((ret = tlsp_config_set_versions(&s->cfg, version, version)) != 0 ||
        (ret = tlsp_config_set_timeouts(&s->cfg, LONG_MS, read_timeout_ms)) != 0) {
        return ret;
    }
    if (auth == TLSP_PAIR_PSK) {
        ret = tlsp_config_set_psk(&s->cfg, tlsp_pair_psk_identity, tlsp_pair_psk_identity_len,
                                  tlsp_pair_psk_key, tlsp_pair_psk_key_len);
    } else if (role == TLSP_CLIENT) {
        ret = tlsp_config_add_ca(&s->cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                 tlsp_test_test_ca_crt_pem_len);
        if (ret == 0) {
            ret = tlsp_config_set_hostname(&s->cfg, "tlspair-test-server");
        }
    } else {
        ret = tlsp_config_set_own_cert(&s->cfg,
                                       (const uint8_t *) tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len,
                                       (const uint8_t *) tlsp_test_server_key_pem, tlsp_test_server_key_pem_len,
                                       NULL);
    }
    if (ret != 0) {
        return ret;
    }
    s->bufs = malloc(2 * QUEUE_SIZE);
    if (s->bufs == NULL) {
        return TLSP_ERR_NO_MEMORY;
    }
    if ((ret = tlsp_engine_init(&s->engine, &s->cfg, s->bufs, QUEUE_SIZE,
                                s->bufs + QUEUE_SIZE, QUEUE_SIZE)) != 0) {
        return ret;
    }
    s->engine_up = 1;
    return 0;
}

static void end_free(tls_end *s)
{
    if (s->engine_up) {
        tlsp_engine_free(&s->engine);
    }
    if (s->cfg_up) {
        tlsp_config_free(&s->cfg);
    }
    free(s->bufs);
    memset(s, 0, sizeof(*s));
}

/* Send `total` bytes of stream tx_seed while receiving `total` bytes of stream rx_seed,
 * comparing every received byte with the stream. Both ends run this at once (full
 * duplex). 0, a TLSP code, or -1 on a data mismatch (printed). */
static int exchange(tlsp_engine *e, const tlsp_transport *t, size_t total,
                    uint32_t tx_seed, uint32_t rx_seed)
{
    uint64_t deadline = now_ms() + LONG_MS;
    uint8_t out[4096], in[4096];
    size_t out_base = 0, out_len = 0;   /* out holds stream bytes [out_base, +out_len) */
    size_t sent = 0, got = 0;

    while (sent < total || got < total) {
        int progress = 0;
        int moved;
        int ret;

        if (sent < total) {
            if (sent >= out_base + out_len) {
                size_t i;
                out_base = sent;
                out_len = total - sent < sizeof(out) ? total - sent : sizeof(out);
                /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 false positive: out_len > 0 */
                for (i = 0; i < out_len; i++) {
                    out[i] = tlsp_pair_data_byte(tx_seed, out_base + i);
                }
            }
            ret = tlsp_write(e, out + (sent - out_base), out_base + out_len - sent);
            if (ret > 0) {
                sent += (size_t) ret;
                progress = 1;
            } else if (ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
                return ret;
            }
        }
        ret = tlsp_read(e, in, sizeof(in));
        if (ret > 0) {
            int i;
            for (i = 0; i < ret; i++) {
                if (in[i] != tlsp_pair_data_byte(rx_seed, got + (size_t) i)) {
                    fprintf(stderr, "data mismatch at byte %zu\n", got + (size_t) i);
                    return -1;
                }
            }
            got += (size_t) ret;
            progress = 1;
        } else if (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE) {
            return ret;
        }
        /* CLOSED here means close_notify is queued behind data still to read: tlsp_read()
         * hands out the data first, then reports the close. */
        ret = tlsp_drive_step(e, t, &moved);
        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            return ret;
        }
        if (!progress && !moved) {
            ret = tlsp_drive_wait(e, t, deadline);
            if (ret != 0) {
                fprintf(stderr, "exchange stalled: sent %zu, got %zu of %zu\n", sent, got, total);
                return ret;
            }
        }
    }
    return 0;
}

/* ---- The server end, in a child process on the pty master --------------------------- */

typedef enum {
    SERVE_EXCHANGE,     /* handshake, exchange, clean close both ways */
    SERVE_VANISH,       /* handshake, send part of what was promised, exit without close */
    SERVE_EXPECT_TRUNC, /* handshake, read until the client vanishes: expect TRUNCATED */
    SERVE_QUIET         /* handshake, then say nothing until the client's close_notify */
} serve_mode;

typedef struct serve_args {
    int master;
    tlsp_version version;
    tlsp_pair_auth auth;
    size_t bytes;
    serve_mode mode;
} serve_args;

/* Closing a pty master discards what the slave side has not read yet (the hang-up flushes
 * it), so the master end that sends last waits for the other end to close first. A real
 * line has no such race: sent bytes are on the wire. */
static int linger_until_hangup(const tlsp_transport *t)
{
    uint64_t deadline = now_ms() + LONG_MS;
    uint8_t b[64];

    while (now_ms() < deadline) {
        int n = t->recv(t->ctx, b, sizeof(b));
        if (n == 0) {
            return 0;
        }
        if (n == TLSP_WANT_READ) {
            (void) t->wait(t->ctx, TLSP_IO_READABLE, 100);
        } else if (n < 0) {
            return n;
        }
    }
    return TLSP_ERR_TIMEOUT;
}

static void serve_body(const serve_args *a)
{
    tlsp_serial port;
    tlsp_transport t;
    tls_end s;
    uint8_t buf[256];
    int ret;

    REQUIRE_EQ(tlsp_serial_attach_fd(&port, a->master), 0);
    tlsp_serial_transport(&port, &t);
    ret = end_init(&s, TLSP_SERVER, a->version, a->auth, 0);
    CHECK_EQ(ret, 0);
    if (ret == 0) {
        ret = tlsp_drive_handshake(&s.engine, &t, LONG_MS);
        CHECK_EQ(ret, 0);
    }
    if (ret == 0) {
        switch (a->mode) {
        case SERVE_EXCHANGE:
            CHECK_EQ(exchange(&s.engine, &t, a->bytes, SEED_SERVER, SEED_CLIENT), 0);
            /* The client closes first; answer its close_notify with ours. */
            CHECK_EQ(tlsp_drive_read(&s.engine, &t, buf, sizeof(buf), LONG_MS), TLSP_ERR_CLOSED);
            CHECK_EQ(tlsp_drive_close(&s.engine, &t, LONG_MS), 0);
            CHECK_EQ(linger_until_hangup(&t), 0);
            break;
        case SERVE_VANISH: {
            uint8_t *data = malloc(a->bytes / 16);
            size_t i;
            REQUIRE(data != NULL);
            for (i = 0; i < a->bytes / 16; i++) {
                data[i] = tlsp_pair_data_byte(SEED_SERVER, i);
            }
            CHECK_EQ(tlsp_drive_write(&s.engine, &t, data, a->bytes / 16, LONG_MS), 0);
            free(data);
            break;   /* exit: the master closes, the client's pty hangs up */
        }
        case SERVE_EXPECT_TRUNC: {
            uint8_t *data = malloc(a->bytes);
            size_t got = 0;
            REQUIRE(data != NULL);
            CHECK_EQ(tlsp_drive_read_exact(&s.engine, &t, data, a->bytes, &got, LONG_MS),
                     TLSP_ERR_TRUNCATED);
            CHECK(got < a->bytes);
            free(data);
            break;
        }
        case SERVE_QUIET:
            CHECK_EQ(tlsp_drive_read(&s.engine, &t, buf, sizeof(buf), LONG_MS), TLSP_ERR_CLOSED);
            CHECK_EQ(tlsp_drive_close(&s.engine, &t, LONG_MS), 0);
            CHECK_EQ(linger_until_hangup(&t), 0);
            break;
        }
    }
    end_free(&s);
    tlsp_serial_close(&port);
}

static int serve(const void *arg)
{
    serve_body(arg);
    return 0;
}

/* ---- Line settings --------------------------------------------------------------------- */

typedef struct rate_entry {
    uint32_t rate;
    speed_t code;
} rate_entry;

static const rate_entry rates[] = {
    { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 }, { 19200, B19200 },
    { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
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

static speed_t speed_of(uint32_t rate)
{
    size_t i;

    for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        if (rates[i].rate == rate) {
            return rates[i].code;
        }
    }
    return B0;
}

static int same_settings(const struct termios *a, const struct termios *b)
{
    return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag && a->c_cflag == b->c_cflag &&
           a->c_lflag == b->c_lflag && a->c_cc[VMIN] == b->c_cc[VMIN] &&
           a->c_cc[VTIME] == b->c_cc[VTIME] && cfgetospeed(a) == cfgetospeed(b) &&
           cfgetispeed(a) == cfgetispeed(b);
}

/* The settings the port promises, read back from the device. */
static void check_raw_line(const struct termios *t, uint32_t rate, int rtscts)
{
    CHECK(cfgetospeed(t) == speed_of(rate));
    CHECK(cfgetispeed(t) == speed_of(rate));
    CHECK(((t->c_cflag & CRTSCTS) != 0) == (rtscts != 0));
    CHECK((t->c_cflag & CSIZE) == CS8);
    CHECK((t->c_cflag & (PARENB | CSTOPB)) == 0);
    CHECK((t->c_cflag & (CLOCAL | CREAD)) == (CLOCAL | CREAD));
    CHECK((t->c_lflag & (ECHO | ECHONL | ICANON | ISIG | IEXTEN)) == 0);
    CHECK((t->c_iflag & (IXON | IXOFF | ICRNL | INLCR | IGNCR | ISTRIP | BRKINT)) == 0);
    CHECK((t->c_oflag & OPOST) == 0);
    CHECK(t->c_cc[VMIN] == 1 && t->c_cc[VTIME] == 0);
}

/* Every rate, with and without RTS/CTS: set, read back, and the old settings restored on
 * close. A second descriptor on the same pty ("holder") watches from outside the port. */
static void test_each_rate_set_and_restored(void)
{
    pty p;
    struct termios before, now, after;
    int holder;
    size_t i;

    REQUIRE(pty_new(&p) == 0);
    holder = open(p.path, O_RDWR | O_NOCTTY);
    REQUIRE(holder >= 0);
    REQUIRE(tcgetattr(holder, &before) == 0);
    CHECK((before.c_lflag & ECHO) != 0);   /* a fresh pty is cooked: restoring is visible */
    for (i = 0; i < 2 * sizeof(rates) / sizeof(rates[0]); i++) {
        tlsp_serial port;
        tlsp_serial_opts o = { rates[i / 2].rate, (int) (i % 2) };
        int ret = tlsp_serial_open(&port, p.path, &o);

        CHECK_EQ(ret, 0);
        if (ret != 0) {
            fprintf(stderr, "  rate %u rtscts %d: %s\n", (unsigned) o.baud, o.rtscts,
                    strerror(tlsp_serial_os_error(&port)));
            continue;
        }
        CHECK(tcgetattr(holder, &now) == 0);
        check_raw_line(&now, o.baud, o.rtscts);
        tlsp_serial_close(&port);
        CHECK_EQ(tlsp_serial_fd(&port), -1);
        CHECK(tcgetattr(holder, &after) == 0);
        CHECK(same_settings(&after, &before));
    }
    {
        tlsp_serial port;   /* no options: 115200, no flow control */
        REQUIRE_EQ(tlsp_serial_open(&port, p.path, NULL), 0);
        CHECK(tcgetattr(holder, &now) == 0);
        check_raw_line(&now, TLSP_SERIAL_DEFAULT_BAUD, 0);
        tlsp_serial_close(&port);
        tlsp_serial_close(&port);   /* closing twice is harmless */
    }
    close(holder);
    pty_close_master(&p);
}

/* ---- The transport callbacks, without TLS -------------------------------------------- */

/* Receive exactly len bytes through t, waiting in t->wait between tries. */
static int recv_all(const tlsp_transport *t, uint8_t *buf, size_t len)
{
    size_t got = 0;
    uint64_t deadline = now_ms() + LONG_MS;

    while (got < len && now_ms() < deadline) {
        int n = t->recv(t->ctx, buf + got, len - got);
        if (n > 0) {
            got += (size_t) n;
        } else if (n == TLSP_WANT_READ) {
            (void) t->wait(t->ctx, TLSP_IO_READABLE, 100);
        } else {
            return n == 0 ? -1 : n;
        }
    }
    return got == len ? 0 : TLSP_ERR_TIMEOUT;
}

static int send_all(const tlsp_transport *t, const uint8_t *buf, size_t len)
{
    size_t sent = 0;
    uint64_t deadline = now_ms() + LONG_MS;

    while (sent < len && now_ms() < deadline) {
        int n = t->send(t->ctx, buf + sent, len - sent);
        if (n > 0) {
            sent += (size_t) n;
        } else if (n == TLSP_WANT_WRITE) {
            (void) t->wait(t->ctx, TLSP_IO_WRITABLE, 100);
        } else {
            return n;
        }
    }
    return sent == len ? 0 : TLSP_ERR_TIMEOUT;
}

/* Raw mode: every byte value crosses unchanged both ways (no CR/LF mapping, no XON/XOFF,
 * no signal or editing characters, no 8th-bit stripping), and an empty line reads as
 * "would block", never as end of input. */
static void test_raw_bytes_both_ways(void)
{
    pty p;
    tlsp_serial dev, peer;
    tlsp_transport td, tp;
    uint8_t all[256], got[256];
    int flags_before;
    size_t i;

    for (i = 0; i < sizeof(all); i++) {
        all[i] = (uint8_t) i;
    }
    REQUIRE(pty_new(&p) == 0);
    flags_before = fcntl(p.master, F_GETFL);
    REQUIRE_EQ(tlsp_serial_open(&dev, p.path, NULL), 0);
    REQUIRE_EQ(tlsp_serial_attach_fd(&peer, p.master), 0);
    tlsp_serial_transport(&dev, &td);
    tlsp_serial_transport(&peer, &tp);

    CHECK_EQ(td.recv(td.ctx, got, sizeof(got)), TLSP_WANT_READ);
    CHECK_EQ(tp.recv(tp.ctx, got, sizeof(got)), TLSP_WANT_READ);
    CHECK_EQ(td.wait(td.ctx, TLSP_IO_READABLE, 0), 0);

    CHECK_EQ(send_all(&td, all, sizeof(all)), 0);
    memset(got, 0, sizeof(got));
    CHECK_EQ(recv_all(&tp, got, sizeof(got)), 0);
    CHECK(memcmp(got, all, sizeof(all)) == 0);

    CHECK_EQ(send_all(&tp, all, sizeof(all)), 0);
    memset(got, 0, sizeof(got));
    CHECK_EQ(recv_all(&td, got, sizeof(got)), 0);
    CHECK(memcmp(got, all, sizeof(all)) == 0);
    CHECK_EQ(td.recv(td.ctx, got, 1), TLSP_WANT_READ);   /* nothing extra (no echo) */
    CHECK_EQ(tp.recv(tp.ctx, got, 1), TLSP_WANT_READ);

    CHECK_EQ(tlsp_serial_drain(&dev, 1000), 0);
    tlsp_serial_close(&peer);
    CHECK_EQ(fcntl(p.master, F_GETFL), flags_before);   /* attach put O_NONBLOCK back */
    tlsp_serial_close(&dev);
    pty_close_master(&p);
}

/* Bytes that arrived before the open (in whatever mode the line was then) are dropped:
 * the first byte read is the first one sent after the open. */
static void test_stale_input_dropped_on_open(void)
{
    pty p;
    tlsp_serial dev;
    tlsp_transport t;
    uint8_t b = 0;
    int holder;

    REQUIRE(pty_new(&p) == 0);
    holder = open(p.path, O_RDWR | O_NOCTTY);   /* a pty takes input only while open */
    REQUIRE(holder >= 0);
    REQUIRE(write(p.master, "stale", 5) == 5);
    REQUIRE_EQ(tlsp_serial_open(&dev, p.path, NULL), 0);
    tlsp_serial_transport(&dev, &t);
    REQUIRE(write(p.master, "M", 1) == 1);
    CHECK_EQ(recv_all(&t, &b, 1), 0);
    CHECK_EQ(b, 'M');
    tlsp_serial_close(&dev);
    close(holder);
    pty_close_master(&p);
}

/* A full line: send says "would block", wait for writability times out while nobody
 * reads, and reports writable again once the peer has read. The kernel moves bytes
 * between a pty's internal buffers in the background, so "full" is when the line has
 * stayed full for a whole wait. */
static void test_backpressure(void)
{
    pty p;
    tlsp_serial dev, peer;
    tlsp_transport td, tp;
    uint8_t block[4096];
    size_t total = 0, drained = 0;
    int n = 0, full = 0, rounds;

    memset(block, 0x5a, sizeof(block));
    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&dev, p.path, NULL), 0);
    REQUIRE_EQ(tlsp_serial_attach_fd(&peer, p.master), 0);
    tlsp_serial_transport(&dev, &td);
    tlsp_serial_transport(&peer, &tp);

    for (rounds = 0; rounds < 1000 && !full; rounds++) {
        while ((n = td.send(td.ctx, block, sizeof(block))) > 0) {
            total += (size_t) n;
        }
        CHECK_EQ(n, TLSP_WANT_WRITE);
        if (n != TLSP_WANT_WRITE) {
            break;
        }
        full = td.wait(td.ctx, TLSP_IO_WRITABLE, 50) == 0;
    }
    CHECK(full);
    CHECK(total > 0);
    while ((n = tp.recv(tp.ctx, block, sizeof(block))) > 0) {
        drained += (size_t) n;
    }
    CHECK_EQ(n, TLSP_WANT_READ);
    CHECK(drained > 0 && drained <= total);
    CHECK_EQ(td.wait(td.ctx, TLSP_IO_WRITABLE, LONG_MS), (int) TLSP_IO_WRITABLE);
    CHECK(td.send(td.ctx, block, 1) == 1);

    tlsp_serial_close(&peer);
    tlsp_serial_close(&dev);
    pty_close_master(&p);
}

/* The far side of the line goes away: recv() reports end of input (0), send() a transport
 * failure, and wait() wakes at once instead of sleeping out its timeout. */
static void test_hangup_of_the_master(void)
{
    pty p;
    tlsp_serial dev;
    tlsp_transport t;
    uint8_t b[16] = { 0 };   /* the send below must fail for the hang-up, not for its data */
    uint64_t t0;

    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&dev, p.path, NULL), 0);
    tlsp_serial_transport(&dev, &t);
    pty_close_master(&p);
    t0 = now_ms();
    CHECK_EQ(t.wait(t.ctx, TLSP_IO_READABLE, LONG_MS), (int) TLSP_IO_READABLE);
    CHECK(now_ms() - t0 < LONG_MS);
    CHECK_EQ(t.recv(t.ctx, b, sizeof(b)), 0);
    CHECK_EQ(t.recv(t.ctx, b, sizeof(b)), 0);
    CHECK_EQ(t.send(t.ctx, b, 1), TLSP_ERR_TRANSPORT);
    tlsp_serial_close(&dev);   /* on a hung-up device: must not hang or crash */
}

static void test_hangup_of_the_device_side(void)
{
    pty p;
    tlsp_serial dev, peer;
    tlsp_transport td, tp;
    uint8_t b[16];

    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&dev, p.path, NULL), 0);
    REQUIRE_EQ(tlsp_serial_attach_fd(&peer, p.master), 0);
    tlsp_serial_transport(&dev, &td);
    tlsp_serial_transport(&peer, &tp);
    CHECK_EQ(send_all(&td, (const uint8_t *) "bye", 3), 0);
    tlsp_serial_close(&dev);   /* the only slave fd: the master sees a hang-up */
    CHECK_EQ(tp.wait(tp.ctx, TLSP_IO_READABLE, LONG_MS), (int) TLSP_IO_READABLE);
    CHECK_EQ(recv_all(&tp, b, 3), 0);   /* what was sent before the close still arrives */
    CHECK(memcmp(b, "bye", 3) == 0);
    /* Nothing left to read, only the hang-up (POLLHUP without POLLIN): still "ready". */
    CHECK_EQ(tp.wait(tp.ctx, TLSP_IO_READABLE, LONG_MS), (int) TLSP_IO_READABLE);
    CHECK_EQ(tp.recv(tp.ctx, b, sizeof(b)), 0);
    tlsp_serial_close(&peer);
    pty_close_master(&p);
}

/* ---- TLS over the pty ----------------------------------------------------------------- */

typedef struct tls_case {
    tlsp_version version;
    tlsp_pair_auth auth;
    uint32_t baud;
    int rtscts;
} tls_case;

/* A client on the device path (with the case's line options) and a server on the master,
 * in a child: handshake, `bytes` each way at once, close_notify both ways. */
static void run_tls_session(const tls_case *c, size_t bytes)
{
    tlsp_serial_opts o = { c->baud, c->rtscts };
    tlsp_serial port;
    tlsp_transport t;
    serve_args a;
    struct termios line;
    tls_end cl;
    uint8_t buf[64];
    pty p;
    pid_t pid;
    int ret;

    memset(&cl, 0, sizeof(cl));   /* end_free() below also runs when no child started */
    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&port, p.path, &o), 0);
    CHECK(tcgetattr(tlsp_serial_fd(&port), &line) == 0);
    check_raw_line(&line, c->baud, c->rtscts);
    a.master = p.master;
    a.version = c->version;
    a.auth = c->auth;
    a.bytes = bytes;
    a.mode = SERVE_EXCHANGE;
    pid = spawn(serve, &a, tlsp_serial_fd(&port));
    pty_close_master(&p);
    CHECK(pid > 0);
    tlsp_serial_transport(&port, &t);

    ret = pid > 0 ? end_init(&cl, TLSP_CLIENT, c->version, c->auth, 0) : -1;
    CHECK_EQ(ret, 0);
    if (ret == 0 && (ret = tlsp_drive_handshake(&cl.engine, &t, LONG_MS)) == 0) {
        tlsp_info info;
        CHECK_EQ(tlsp_engine_info(&cl.engine, &info), 0);
        CHECK(strcmp(info.version, c->version == TLSP_TLS1_3 ? "TLSv1.3" : "TLSv1.2") == 0);
        CHECK_EQ(exchange(&cl.engine, &t, bytes, SEED_CLIENT, SEED_SERVER), 0);
        CHECK_EQ(tlsp_drive_close(&cl.engine, &t, LONG_MS), 0);
        CHECK_EQ(tlsp_drive_read(&cl.engine, &t, buf, sizeof(buf), LONG_MS), TLSP_ERR_CLOSED);
    }
    CHECK_EQ(ret, 0);
    end_free(&cl);
    tlsp_serial_close(&port);   /* before reaping: a failed client must not leave the child waiting */
    if (pid > 0) {
        CHECK_EQ(reap(pid), 0);
    }
}

/* TLS 1.2 and 1.3, certificates and PSK, each at 9600, 115200 and 921600 baud, RTS/CTS on
 * for half of them, every byte checked. Each version and credential pair moves 1 MiB each
 * way at one of the rates (rotating) and 128 KiB at the others, which keeps the suite at
 * seconds: a pty runs at the same speed whatever the rate. */
static void test_tls_sessions_at_several_rates(void)
{
    static const uint32_t bauds[] = { 9600, 115200, 921600 };
    static const tlsp_version versions[] = { TLSP_TLS1_2, TLSP_TLS1_3 };
    static const tlsp_pair_auth auths[] = { TLSP_PAIR_CERT, TLSP_PAIR_PSK };
    size_t b, v, k;

    for (b = 0; b < 3; b++) {
        for (v = 0; v < 2; v++) {
            for (k = 0; k < 2; k++) {
                tls_case c = { versions[v], auths[k], bauds[b], (int) ((v + k) % 2) };
                int before = tlsp_test_checks_failed;
                run_tls_session(&c, (v * 2 + k) % 3 == b ? MIB : MIB / 8);
                if (tlsp_test_checks_failed != before) {
                    fprintf(stderr, "  in: TLS 1.%d, %s, %u baud, rtscts %d\n",
                            v == 0 ? 2 : 3, k == 0 ? "certificates" : "PSK",
                            (unsigned) c.baud, c.rtscts);
                }
            }
        }
    }
}

/* Start a server child in `mode` on a fresh pty and hand back a connected client. */
static int connect_client(pty *p, tlsp_serial *port, tlsp_transport *t, tls_end *cl,
                          serve_args *a, serve_mode mode, pid_t *pid)
{
    int ret;

    *pid = -1;
    if (pty_new(p) != 0) {
        return -1;
    }
    ret = tlsp_serial_open(port, p->path, NULL);
    if (ret != 0) {
        pty_close_master(p);
        return ret;
    }
    a->master = p->master;
    a->version = TLSP_TLS1_3;
    a->auth = TLSP_PAIR_CERT;
    a->bytes = MIB;
    a->mode = mode;
    *pid = spawn(serve, a, tlsp_serial_fd(port));
    pty_close_master(p);
    if (*pid < 0) {
        return -1;
    }
    tlsp_serial_transport(port, t);
    ret = end_init(cl, TLSP_CLIENT, TLSP_TLS1_3, TLSP_PAIR_CERT, 0);
    if (ret == 0) {
        ret = tlsp_drive_handshake(&cl->engine, t, LONG_MS);
    }
    return ret;
}

/* The server process exits mid-transfer, without close_notify: the client's read ends in
 * TLSP_ERR_TRUNCATED (end of input at the hang-up), long before its 30 s deadline. */
static void test_server_vanishes_mid_transfer(void)
{
    tlsp_serial port;
    tlsp_transport t;
    tls_end cl;
    serve_args a;
    pty p;
    pid_t pid;
    uint8_t *data = malloc(MIB);
    size_t got = 0, i;

    REQUIRE(data != NULL);
    memset(&cl, 0, sizeof(cl));
    CHECK_EQ(connect_client(&p, &port, &t, &cl, &a, SERVE_VANISH, &pid), 0);
    if (pid > 0) {
        CHECK_EQ(tlsp_drive_read_exact(&cl.engine, &t, data, MIB, &got, LONG_MS),
                 TLSP_ERR_TRUNCATED);
        CHECK(got < MIB);
        for (i = 0; i < got; i++) {
            if (data[i] != tlsp_pair_data_byte(SEED_SERVER, i)) {
                CHECK(!"data before the truncation is intact");
                break;
            }
        }
        CHECK_EQ(tlsp_engine_error(&cl.engine), TLSP_ERR_TRUNCATED);
    }
    end_free(&cl);
    tlsp_serial_close(&port);
    if (pid > 0) {
        CHECK_EQ(reap(pid), 0);
    }
    free(data);
}

/* The client closes its device mid-transfer: the server (in the child) reads
 * TLSP_ERR_TRUNCATED, asserted there. */
static void test_client_vanishes_mid_transfer(void)
{
    tlsp_serial port;
    tlsp_transport t;
    tls_end cl;
    serve_args a;
    pty p;
    pid_t pid;
    uint8_t *data = malloc(MIB / 16);
    size_t i;

    REQUIRE(data != NULL);
    for (i = 0; i < MIB / 16; i++) {
        data[i] = tlsp_pair_data_byte(SEED_CLIENT, i);
    }
    memset(&cl, 0, sizeof(cl));
    CHECK_EQ(connect_client(&p, &port, &t, &cl, &a, SERVE_EXPECT_TRUNC, &pid), 0);
    if (pid > 0) {
        CHECK_EQ(tlsp_drive_write(&cl.engine, &t, data, MIB / 16, LONG_MS), 0);
    }
    tlsp_serial_close(&port);   /* no close_notify: the device just goes away */
    end_free(&cl);
    if (pid > 0) {
        CHECK_EQ(reap(pid), 0);
    }
    free(data);
}

/* Nobody answers the ClientHello (the other end is open but silent): the handshake ends in
 * TLSP_ERR_TIMEOUT at its deadline, not before and not much after. */
static void test_silent_peer_handshake_timeout(void)
{
    const uint32_t deadline_ms = 400;
    tlsp_serial port;
    tlsp_transport t;
    tls_end cl;
    pty p;
    uint64_t t0, elapsed;

    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&port, p.path, NULL), 0);
    tlsp_serial_transport(&port, &t);
    CHECK_EQ(end_init(&cl, TLSP_CLIENT, TLSP_TLS1_3, TLSP_PAIR_CERT, 0), 0);
    t0 = now_ms();
    CHECK_EQ(tlsp_drive_handshake(&cl.engine, &t, deadline_ms), TLSP_ERR_TIMEOUT);
    elapsed = now_ms() - t0;
    CHECK(elapsed >= deadline_ms);
    CHECK(elapsed < deadline_ms + MARGIN_MS);
    end_free(&cl);
    tlsp_serial_close(&port);
    pty_close_master(&p);
}

/* After the handshake the server says nothing: a read times out at its deadline, and the
 * connection is still usable for a clean close (the driver's timeout is not sticky). */
static void test_silent_peer_read_timeout(void)
{
    const uint32_t deadline_ms = 300;
    tlsp_serial port;
    tlsp_transport t;
    tls_end cl;
    serve_args a;
    uint8_t buf[64];
    pty p;
    pid_t pid;
    uint64_t t0, elapsed;

    memset(&cl, 0, sizeof(cl));
    CHECK_EQ(connect_client(&p, &port, &t, &cl, &a, SERVE_QUIET, &pid), 0);
    if (pid > 0) {
        t0 = now_ms();
        CHECK_EQ(tlsp_drive_read(&cl.engine, &t, buf, sizeof(buf), deadline_ms), TLSP_ERR_TIMEOUT);
        elapsed = now_ms() - t0;
        CHECK(elapsed >= deadline_ms);
        CHECK(elapsed < deadline_ms + MARGIN_MS);
        CHECK_EQ(tlsp_drive_close(&cl.engine, &t, LONG_MS), 0);
        CHECK_EQ(tlsp_drive_read(&cl.engine, &t, buf, sizeof(buf), LONG_MS), TLSP_ERR_CLOSED);
    }
    end_free(&cl);
    tlsp_serial_close(&port);
    if (pid > 0) {
        CHECK_EQ(reap(pid), 0);   /* the server saw our close_notify */
    }
}

/* ---- Open errors ------------------------------------------------------------------------ */

static void test_missing_device(void)
{
    tlsp_serial port;

    CHECK_EQ(tlsp_serial_open(&port, "/dev/tlspair-no-such-tty", NULL), TLSP_SERIAL_ERR_NO_DEVICE);
    CHECK_EQ(tlsp_serial_os_error(&port), ENOENT);
    CHECK_EQ(tlsp_serial_fd(&port), -1);
    tlsp_serial_close(&port);   /* harmless on a port that never opened */
}

static void test_not_a_tty(void)
{
    char file[] = "/tmp/tlspair-serial-XXXXXX";
    tlsp_serial port;
    int fd = mkstemp(file);
    int pipe_fds[2];

    CHECK_EQ(tlsp_serial_open(&port, "/dev/null", NULL), TLSP_SERIAL_ERR_NOT_TTY);
    CHECK_EQ(tlsp_serial_os_error(&port), ENOTTY);
    REQUIRE(fd >= 0);
    close(fd);
    CHECK_EQ(tlsp_serial_open(&port, file, NULL), TLSP_SERIAL_ERR_NOT_TTY);
    unlink(file);
    CHECK_EQ(tlsp_serial_open(&port, "/tmp", NULL), TLSP_SERIAL_ERR_NOT_TTY);
    REQUIRE(pipe(pipe_fds) == 0);
    CHECK_EQ(tlsp_serial_attach_fd(&port, pipe_fds[0]), TLSP_SERIAL_ERR_NOT_TTY);
    CHECK_EQ(tlsp_serial_fd(&port), -1);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void test_bad_arguments(void)
{
    tlsp_serial port;

    CHECK_EQ(tlsp_serial_open(NULL, "/dev/null", NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_serial_open(&port, NULL, NULL), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_serial_attach_fd(&port, -1), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_serial_attach_fd(NULL, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_serial_drain(&port, 0), TLSP_ERR_BAD_ARG);   /* closed port */
}

/* A rate the build does not know is refused before the device is touched: no rounding to
 * a neighbour, and the line keeps its settings. */
static void test_unsupported_baud(void)
{
    static const uint32_t bad[] = { 12345, 0, 921601, 110 };
    struct termios before, after;
    tlsp_serial port;
    pty p;
    int holder;
    size_t i;

    REQUIRE(pty_new(&p) == 0);
    holder = open(p.path, O_RDWR | O_NOCTTY);
    REQUIRE(holder >= 0);
    REQUIRE(tcgetattr(holder, &before) == 0);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tlsp_serial_opts o = { bad[i], 0 };
        CHECK_EQ(tlsp_serial_open(&port, p.path, &o), TLSP_SERIAL_ERR_BAUD);
        CHECK_EQ(tlsp_serial_fd(&port), -1);
    }
    CHECK(tcgetattr(holder, &after) == 0);
    CHECK(same_settings(&after, &before));
    close(holder);
    pty_close_master(&p);
}

/* The same device twice: the second open is refused as busy and leaves the first one's
 * settings alone; after the first closes, the device can be opened again. */
static void test_busy_device(void)
{
    tlsp_serial_opts first = { 9600, 0 };
    tlsp_serial_opts second = { 115200, 1 };
    tlsp_serial a, b;
    struct termios line;
    pty p;

    REQUIRE(pty_new(&p) == 0);
    REQUIRE_EQ(tlsp_serial_open(&a, p.path, &first), 0);
    CHECK_EQ(tlsp_serial_open(&b, p.path, &second), TLSP_SERIAL_ERR_BUSY);
    CHECK(tlsp_serial_os_error(&b) == EWOULDBLOCK || tlsp_serial_os_error(&b) == EBUSY);
    CHECK(tcgetattr(tlsp_serial_fd(&a), &line) == 0);
    check_raw_line(&line, 9600, 0);
    tlsp_serial_close(&a);
    CHECK_EQ(tlsp_serial_open(&b, p.path, &second), 0);
    tlsp_serial_close(&b);
    pty_close_master(&p);
}

static int open_denied(const void *arg)
{
    const char *path = arg;
    tlsp_serial port;

    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
        fprintf(stderr, "  cannot drop root to test permissions: %s\n", strerror(errno));
        _exit(77);
    }
    CHECK_EQ(tlsp_serial_open(&port, path, NULL), TLSP_SERIAL_ERR_PERMISSION);
    CHECK_EQ(tlsp_serial_os_error(&port), EACCES);
    return 0;
}

/* A device the user may not open (mode 000; root is dropped to "nobody" in a child, since
 * root ignores permissions). */
static void test_permission_denied(void)
{
    pty p;
    int status;

    REQUIRE(pty_new(&p) == 0);
    REQUIRE(chmod(p.path, 0) == 0);
    if (geteuid() == 0) {
        pid_t pid = spawn(open_denied, p.path, -1);
        CHECK(pid > 0);
        status = pid > 0 ? reap(pid) : -1;
        if (status == 77) {
            printf("  (permission case skipped: cannot drop privileges here)\n");
        } else {
            CHECK_EQ(status, 0);
        }
    } else {
        CHECK_EQ(open_denied(p.path), 0);
    }
    pty_close_master(&p);
}

static void test_error_strings(void)
{
    static const int codes[] = {
        TLSP_SERIAL_ERR_NO_DEVICE, TLSP_SERIAL_ERR_PERMISSION, TLSP_SERIAL_ERR_BUSY,
        TLSP_SERIAL_ERR_NOT_TTY, TLSP_SERIAL_ERR_BAUD, TLSP_SERIAL_ERR_SETTINGS,
        TLSP_SERIAL_ERR_OS,
    };
    size_t i, k;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *s = tlsp_serial_strerror(codes[i]);
        REQUIRE(s != NULL);
        CHECK(strcmp(s, tlsp_strerror(codes[i])) != 0);
        for (k = 0; k < i; k++) {
            CHECK(strcmp(s, tlsp_serial_strerror(codes[k])) != 0);
        }
    }
    CHECK(strcmp(tlsp_serial_strerror(TLSP_ERR_TIMEOUT), tlsp_strerror(TLSP_ERR_TIMEOUT)) == 0);
}

int main(void)
{
    /* A hung-up pty must end the read, not the process. */
    CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
    RUN_TEST(test_each_rate_set_and_restored);
    RUN_TEST(test_raw_bytes_both_ways);
    RUN_TEST(test_stale_input_dropped_on_open);
    RUN_TEST(test_backpressure);
    RUN_TEST(test_hangup_of_the_master);
    RUN_TEST(test_hangup_of_the_device_side);
    RUN_TEST(test_tls_sessions_at_several_rates);
    RUN_TEST(test_server_vanishes_mid_transfer);
    RUN_TEST(test_client_vanishes_mid_transfer);
    RUN_TEST(test_silent_peer_handshake_timeout);
    RUN_TEST(test_silent_peer_read_timeout);
    RUN_TEST(test_missing_device);
    RUN_TEST(test_not_a_tty);
    RUN_TEST(test_bad_arguments);
    RUN_TEST(test_unsupported_baud);
    RUN_TEST(test_busy_device);
    RUN_TEST(test_permission_denied);
    RUN_TEST(test_error_strings);
    return tlsp_test_finish("serial");
}
