/*
 * The POSIX TCP transport (tlsp_socket.h) on 127.0.0.1 with ephemeral ports, on the real
 * POSIX port (real clock and entropy).
 *
 * Processes, not threads: mbedTLS's random generator and tlspair's heap counters are
 * process-wide and not thread-safe, so every case runs in a child process of its own,
 * and a case that needs a blocking peer forks it before touching any TLS state (each
 * process then seeds its own generator). A child reports through its exit status; one
 * killed by a signal (SIGPIPE, or the SIGALRM safety net) fails the case. SIGPIPE keeps
 * its default action everywhere, so a write that raised it would kill the case.
 *
 * Timing: deadlines are asserted as "not before the deadline, within the deadline plus
 * a margin", never as speed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "poll_echo.h"
#include "socket_example.h"
#include "tlsp_test.h"
#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_socket.h"

#define QUEUE_SIZE (16384u + 512u)
#define IO_MS 10000u                /* generous: a deadline that fires here is a failure */
#define CASE_ALARM_S 60u            /* safety net: a hung child dies instead of the suite */
#define MARGIN_MS 5000u             /* scheduling slack for deadline checks: ASan on 2 shared,
                                       overloaded cores has stalled a process for seconds */

typedef enum { AUTH_CERT, AUTH_PSK } auth_kind;

/* REQUIRE for the int-returning bodies of child processes: fail the child. */
#define CHILD_REQUIRE(cond)                                                            \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
            tlsp_test_checks_failed++;                                                 \
            return 1;                                                                  \
        }                                                                              \
    } while (0)

/* ---- processes ---------------------------------------------------------------------- */

static void enter_child(void)
{
    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    alarm(CASE_ALARM_S);
}

/* Fork; the child runs fn(arg) and exits 0 only if it returned 0 and failed no check. */
static pid_t spawn(int (*fn)(void *), void *arg)
{
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        int before = tlsp_test_checks_failed;   /* the parent's failures are not ours */
        int ret;
        enter_child();
        ret = fn(arg);
        exit(ret == 0 && tlsp_test_checks_failed == before ? 0 : 1);
    }
    return pid;
}

/* Wait for a child; 1 if it exited with status 0, else 0 (and say why). */
static int reap(pid_t pid, const char *what)
{
    int status;

    if (pid < 0) {
        fprintf(stderr, "%s: fork failed\n", what);
        return 0;
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("waitpid");
            return 0;
        }
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        return 1;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: killed by signal %d (%s)\n", what, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    } else {
        fprintf(stderr, "%s: exit status %d\n", what, WEXITSTATUS(status));
    }
    return 0;
}

static void (*current_case)(void);

static int case_body(void *unused)
{
    (void) unused;
    current_case();
    return 0;
}

static void run_isolated(void)
{
    CHECK(reap(spawn(case_body, NULL), "case"));
}

#define RUN_CASE(fn) do { current_case = (fn); tlsp_test_run(#fn, run_isolated); } while (0)

/* ---- shared set-up ------------------------------------------------------------------ */

/* A deadline held: not before it, and not later than it plus the margin. */
#define CHECK_DEADLINE(elapsed, deadline)                                              \
    do {                                                                               \
        unsigned long long el_ = (elapsed), dl_ = (deadline);                          \
        if (el_ < dl_ || el_ > dl_ + MARGIN_MS) {                                      \
            fprintf(stderr, "%s:%d: took %llu ms for a %llu ms deadline (margin %u)\n",  \
                    __FILE__, __LINE__, el_, dl_, MARGIN_MS);                          \
            tlsp_test_checks_failed++;                                                 \
        }                                                                              \
    } while (0)

static uint64_t now_ms(void)
{
    return tlsp_port_millis();
}

static int listen_local(tlsp_socket *listener)
{
    tlsp_socket_init(listener);
    if (tlsp_socket_listen(listener, "127.0.0.1", 0, 0) != 0) {
        fprintf(stderr, "listen: %s\n", tlsp_socket_detail(listener));
        return 0;
    }
    return tlsp_socket_local_port(listener);
}

static int make_config(tlsp_config *cfg, tlsp_role role, auth_kind auth, tlsp_version v)
{
    return socket_example_config(cfg, role, auth == AUTH_PSK, v, SOCKET_EXAMPLE_SERVER_NAME);
}

static void set_blocking(int fd, int blocking)
{
    int fl = fcntl(fd, F_GETFL);

    (void) fcntl(fd, F_SETFL, blocking ? (fl & ~O_NONBLOCK) : (fl | O_NONBLOCK));
}

/* Deterministic test data: byte i of stream seed. */
static uint8_t data_byte(uint32_t seed, size_t i)
{
    uint32_t x = (uint32_t) i * 2654435761u ^ (seed * 0x9E3779B9u);

    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return (uint8_t) x;
}

static void fill(uint8_t *buf, size_t len, uint32_t seed, size_t offset)
{
    size_t i;

    for (i = 0; i < len; i++) {
        buf[i] = data_byte(seed, offset + i);
    }
}

/* FNV-1a, to compare what was sent with what arrived without keeping either. */
static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t len)
{
    while (len--) {
        h = (h ^ *p++) * 16777619u;
    }
    return h;
}

#define FNV_INIT 2166136261u

/* One connected TLS end in this process: socket, engine, queues. */
typedef struct tls_end {
    tlsp_socket sock;
    tlsp_transport t;
    tlsp_config cfg;
    tlsp_engine e;
    int engine_up;
    uint8_t net_in[QUEUE_SIZE];
    uint8_t net_out[QUEUE_SIZE];
} tls_end;

static int tls_end_start(tls_end *x, tlsp_role role, auth_kind auth, tlsp_version v)
{
    int ret = make_config(&x->cfg, role, auth, v);

    if (ret == 0) {
        ret = tlsp_engine_init(&x->e, &x->cfg, x->net_in, sizeof(x->net_in), x->net_out,
                               sizeof(x->net_out));
        if (ret != 0) {
            tlsp_config_free(&x->cfg);
        }
    }
    x->engine_up = ret == 0;
    tlsp_socket_transport(&x->sock, &x->t);
    return ret;
}

static void tls_end_free(tls_end *x)
{
    if (x->engine_up) {
        tlsp_engine_free(&x->e);
        tlsp_config_free(&x->cfg);
        x->engine_up = 0;
    }
    tlsp_socket_close(&x->sock);
}

static tls_end *tls_end_new(void)
{
    tls_end *x = calloc(1, sizeof(*x));

    if (x != NULL) {
        tlsp_socket_init(&x->sock);
    }
    return x;
}

/* ---- blocking peer: a server child ------------------------------------------------- */

typedef enum {
    PEER_ECHO,            /* echo until the client's close_notify, answer it */
    PEER_NOTIFY_CLOSE,    /* after "ping"/"pong": close_notify, FIN, close */
    PEER_CLOSE,           /* after "ping"/"pong": close the socket, no close_notify */
    PEER_RESET            /* after "ping"/"pong": SO_LINGER 0, close: RST */
} peer_mode;

typedef struct peer_args {
    tlsp_socket *listener;
    auth_kind auth;
    tlsp_version version;
    peer_mode mode;
    int blocking_fd;      /* clear O_NONBLOCK on the accepted socket */
} peer_args;

static int server_peer(void *arg)
{
    const peer_args *a = arg;
    tls_end *x = tls_end_new();
    uint8_t buf[8192];
    size_t got;
    int ret;

    CHILD_REQUIRE(x != NULL);
    ret = tlsp_socket_accept(a->listener, &x->sock, IO_MS);
    tlsp_socket_close(a->listener);
    if (ret == 0 && a->blocking_fd) {
        set_blocking(x->sock.fd, 1);
    }
    if (ret == 0) {
        ret = tls_end_start(x, TLSP_SERVER, a->auth, a->version);
    }
    if (ret == 0) {
        ret = tlsp_drive_handshake(&x->e, &x->t, IO_MS);
    }
    if (ret != 0) {
        fprintf(stderr, "server peer: set-up: %s\n", tlsp_strerror(ret));
        tls_end_free(x);
        free(x);
        return 1;
    }
    if (a->mode == PEER_ECHO) {
        while ((ret = tlsp_drive_read(&x->e, &x->t, buf, sizeof(buf), IO_MS)) > 0 &&
               (ret = tlsp_drive_write(&x->e, &x->t, buf, (size_t) ret, IO_MS)) == 0) {
        }
        CHECK_EQ(ret, TLSP_ERR_CLOSED);
        CHECK_EQ(tlsp_socket_close_notify(&x->sock, &x->e, IO_MS), 0);
    } else {
        CHECK_EQ(tlsp_drive_read_exact(&x->e, &x->t, buf, 4, &got, IO_MS), 0);
        CHECK(memcmp(buf, "ping", 4) == 0);
        CHECK_EQ(tlsp_drive_write(&x->e, &x->t, (const uint8_t *) "pong", 4, IO_MS), 0);
        if (a->mode == PEER_NOTIFY_CLOSE) {
            CHECK_EQ(tlsp_socket_close_notify(&x->sock, &x->e, IO_MS), 0);
        } else if (a->mode == PEER_RESET) {
            struct linger lg = { 1, 0 };
            CHECK_EQ(setsockopt(x->sock.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
        }
    }
    tls_end_free(x);
    free(x);
    return 0;
}

/* Client side of a blocking-style case: connect to the listener's port, handshake. */
static tls_end *client_connect(int port, auth_kind auth, tlsp_version v, int blocking_fd)
{
    tls_end *x = tls_end_new();
    int ret;

    if (x == NULL) {
        return NULL;
    }
    ret = tlsp_socket_connect(&x->sock, "127.0.0.1", (uint16_t) port, IO_MS);
    if (ret == 0 && blocking_fd) {
        set_blocking(x->sock.fd, 1);
    }
    if (ret == 0) {
        ret = tls_end_start(x, TLSP_CLIENT, auth, v);
    }
    if (ret == 0) {
        ret = tlsp_drive_handshake(&x->e, &x->t, IO_MS);
    }
    if (ret != 0) {
        fprintf(stderr, "client: set-up: %s (%s)\n", tlsp_strerror(ret), tlsp_socket_detail(&x->sock));
        tls_end_free(x);
        free(x);
        return NULL;
    }
    return x;
}

/* Write `total` bytes in `chunk`s and read each echo back: data both ways, checked. */
static void echo_exchange(tls_end *x, size_t total, size_t chunk)
{
    uint8_t *out = malloc(chunk);
    uint8_t *in = malloc(chunk);
    uint32_t sum_out = FNV_INIT, sum_in = FNV_INIT;
    size_t off, got;

    REQUIRE(out != NULL && in != NULL);
    for (off = 0; off < total; off += chunk) {
        size_t n = total - off < chunk ? total - off : chunk;
        fill(out, n, 7, off);
        sum_out = fnv1a(sum_out, out, n);
        CHECK_EQ(tlsp_drive_write(&x->e, &x->t, out, n, IO_MS), 0);
        CHECK_EQ(tlsp_drive_read_exact(&x->e, &x->t, in, n, &got, IO_MS), 0);
        REQUIRE_EQ(got, n);
        sum_in = fnv1a(sum_in, in, n);
    }
    CHECK_EQ(sum_in, sum_out);
    free(out);
    free(in);
}

/* Blocking style: the client's fd has O_NONBLOCK cleared, so these also show that the
 * transport never blocks in send/recv (a deadline could not fire if it did). */
static void blocking_case(auth_kind auth, tlsp_version v)
{
    tlsp_socket listener;
    peer_args a = { &listener, auth, v, PEER_ECHO, 1 };
    int port = listen_local(&listener);
    pid_t peer;
    tls_end *x;
    tlsp_info info;
    uint8_t byte;
    static const size_t sizes[] = { 1, 100, 16385, 40000 };
    size_t i;

    REQUIRE(port > 0);
    peer = spawn(server_peer, &a);
    tlsp_socket_close(&listener);
    x = client_connect(port, auth, v, 1);
    if (x != NULL) {
        CHECK_EQ(tlsp_engine_info(&x->e, &info), 0);
        CHECK(strcmp(info.version, v == TLSP_TLS1_2 ? "TLSv1.2" : "TLSv1.3") == 0);
        for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            echo_exchange(x, sizes[i], sizes[i]);
        }
        CHECK_EQ(tlsp_socket_close_notify(&x->sock, &x->e, IO_MS), 0);
        CHECK_EQ(tlsp_drive_read(&x->e, &x->t, &byte, 1, IO_MS), TLSP_ERR_CLOSED);
        tls_end_free(x);
        free(x);
    }
    CHECK(x != NULL);
    CHECK(reap(peer, "server peer"));
}

static void test_blocking_cert_tls12(void) { blocking_case(AUTH_CERT, TLSP_TLS1_2); }
static void test_blocking_cert_tls13(void) { blocking_case(AUTH_CERT, TLSP_TLS1_3); }
static void test_blocking_psk_tls12(void)  { blocking_case(AUTH_PSK, TLSP_TLS1_2); }
static void test_blocking_psk_tls13(void)  { blocking_case(AUTH_PSK, TLSP_TLS1_3); }

/* 1 MiB each way through an echo server, in 16 KiB round trips, checksummed. */
static void test_blocking_large_echo(void)
{
    tlsp_socket listener;
    peer_args a = { &listener, AUTH_CERT, TLSP_TLS1_3, PEER_ECHO, 0 };
    int port = listen_local(&listener);
    pid_t peer;
    tls_end *x;
    uint8_t byte;

    REQUIRE(port > 0);
    peer = spawn(server_peer, &a);
    tlsp_socket_close(&listener);
    x = client_connect(port, AUTH_CERT, TLSP_TLS1_3, 0);
    if (x != NULL) {
        echo_exchange(x, 1u << 20, 16384);
        CHECK_EQ(tlsp_socket_close_notify(&x->sock, &x->e, IO_MS), 0);
        CHECK_EQ(tlsp_drive_read(&x->e, &x->t, &byte, 1, IO_MS), TLSP_ERR_CLOSED);
        tls_end_free(x);
        free(x);
    }
    CHECK(x != NULL);
    CHECK(reap(peer, "server peer"));
}

/* ---- how the peer ends the connection ---------------------------------------------- */

/* The client sends "ping" and reads "pong", the server then ends the connection its
 * way, and the client's next read reports it. The round trip orders things: the
 * server ends only after the client's write is complete (a drive call that is still
 * stepping when the peer's EOF arrives reports that EOF, even for a write whose bytes
 * all left), and the client reads everything before the ending. */
static int peer_ending_case(peer_mode mode, tlsp_version v, int *sys_errno)
{
    tlsp_socket listener;
    peer_args a = { &listener, AUTH_CERT, v, mode, 0 };
    int port = listen_local(&listener);
    pid_t peer;
    tls_end *x;
    uint8_t buf[64];
    int ret = 1;

    if (port <= 0) {
        return 1;
    }
    peer = spawn(server_peer, &a);
    tlsp_socket_close(&listener);
    x = client_connect(port, AUTH_CERT, v, 0);
    if (x != NULL) {
        size_t got;
        CHECK_EQ(tlsp_drive_write(&x->e, &x->t, (const uint8_t *) "ping", 4, IO_MS), 0);
        CHECK_EQ(tlsp_drive_read_exact(&x->e, &x->t, buf, 4, &got, IO_MS), 0);
        CHECK(memcmp(buf, "pong", 4) == 0);
        ret = tlsp_drive_read(&x->e, &x->t, buf, sizeof(buf), IO_MS);
        *sys_errno = tlsp_socket_errno(&x->sock);
        tls_end_free(x);
        free(x);
    }
    CHECK(x != NULL);
    CHECK(reap(peer, "server peer"));
    return ret;
}

static void test_peer_close_notify_is_clean(void)
{
    int err = 0;

    CHECK_EQ(peer_ending_case(PEER_NOTIFY_CLOSE, TLSP_TLS1_2, &err), TLSP_ERR_CLOSED);
    CHECK_EQ(peer_ending_case(PEER_NOTIFY_CLOSE, TLSP_TLS1_3, &err), TLSP_ERR_CLOSED);
}

static void test_peer_close_without_notify_is_truncated(void)
{
    int err = 0;

    CHECK_EQ(peer_ending_case(PEER_CLOSE, TLSP_TLS1_2, &err), TLSP_ERR_TRUNCATED);
    CHECK_EQ(peer_ending_case(PEER_CLOSE, TLSP_TLS1_3, &err), TLSP_ERR_TRUNCATED);
}

/* A reset is a transport error with ECONNRESET, never an end of stream. */
static void test_peer_reset_is_transport_error(void)
{
    int err = 0;

    CHECK_EQ(peer_ending_case(PEER_RESET, TLSP_TLS1_3, &err), TLSP_ERR_TRANSPORT);
    CHECK_EQ(err, ECONNRESET);
    err = 0;
    CHECK_EQ(peer_ending_case(PEER_RESET, TLSP_TLS1_2, &err), TLSP_ERR_TRANSPORT);
    CHECK_EQ(err, ECONNRESET);
}

/* ---- non-blocking: both ends in one poll() loop ------------------------------------ */

/* One end of a full-duplex transfer: sends `total` bytes of stream tx_seed while it
 * reads `total` bytes of stream rx_seed, then closes with close_notify and FIN. */
typedef struct nb_end {
    tls_end *x;
    uint32_t tx_seed, rx_seed;
    size_t total, tx_off, rx_off;
    uint32_t rx_sum, want_sum;
    int mismatch, close_sent, peer_closed, fin_sent;
    int error;
} nb_end;

static int nb_done(const nb_end *n)
{
    return n->error != 0 || (n->fin_sent && n->peer_closed);
}

/* Run one end until it stops making progress. */
static void nb_service(nb_end *n)
{
    tlsp_engine *e = &n->x->e;
    uint8_t buf[8192];

    for (;;) {
        int progress = 0;
        int ret = tlsp_drive_step(e, &n->x->t, &progress);

        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            n->error = ret;
            return;
        }
        if (tlsp_status(e) & TLSP_STATUS_HANDSHAKE_DONE) {
            while (n->tx_off < n->total) {
                size_t len = n->total - n->tx_off < sizeof(buf) ? n->total - n->tx_off : sizeof(buf);
                fill(buf, len, n->tx_seed, n->tx_off);
                ret = tlsp_write(e, buf, len);
                if (ret <= 0) {
                    break;
                }
                n->tx_off += (size_t) ret;
                progress = 1;
            }
            if (n->tx_off == n->total && !n->close_sent && tlsp_close(e) == 0) {
                n->close_sent = 1;
                progress = 1;
            }
            while (!n->peer_closed && (ret = tlsp_read(e, buf, sizeof(buf))) != TLSP_WANT_READ &&
                   ret != TLSP_WANT_WRITE) {
                size_t i;
                if (ret == TLSP_ERR_CLOSED) {
                    n->peer_closed = 1;
                } else if (ret < 0) {
                    n->error = ret;
                    return;
                } else {
                    for (i = 0; i < (size_t) ret; i++) {
                        n->mismatch |= buf[i] != data_byte(n->rx_seed, n->rx_off + i);
                    }
                    n->rx_sum = fnv1a(n->rx_sum, buf, (size_t) ret);
                    n->rx_off += (size_t) ret;
                }
                progress = 1;
            }
            if (n->close_sent && !n->fin_sent && !(tlsp_status(e) & TLSP_STATUS_NET_OUT)) {
                CHECK_EQ(tlsp_socket_shutdown_write(&n->x->sock), 0);
                n->fin_sent = 1;
            }
        }
        if (!progress || nb_done(n)) {
            return;
        }
    }
}

static void nb_init(nb_end *n, tls_end *x, uint32_t tx_seed, uint32_t rx_seed, size_t total)
{
    size_t i;
    uint8_t b;

    memset(n, 0, sizeof(*n));
    n->x = x;
    n->tx_seed = tx_seed;
    n->rx_seed = rx_seed;
    n->total = total;
    n->rx_sum = n->want_sum = FNV_INIT;
    for (i = 0; i < total; i++) {
        b = data_byte(rx_seed, i);
        n->want_sum = fnv1a(n->want_sum, &b, 1);
    }
}

static void nonblocking_case(auth_kind auth, tlsp_version v, size_t total)
{
    tlsp_socket listener;
    int port = listen_local(&listener);
    tls_end *c = tls_end_new(), *s = tls_end_new();
    nb_end ends[2];
    uint64_t deadline = now_ms() + 30000u;
    tlsp_info info;
    int k;

    REQUIRE(port > 0 && c != NULL && s != NULL);
    REQUIRE_EQ(tlsp_socket_connect(&c->sock, "127.0.0.1", (uint16_t) port, IO_MS), 0);
    REQUIRE_EQ(tlsp_socket_accept(&listener, &s->sock, IO_MS), 0);
    CHECK(fcntl(c->sock.fd, F_GETFL) & O_NONBLOCK);
    CHECK(fcntl(s->sock.fd, F_GETFL) & O_NONBLOCK);
    REQUIRE_EQ(tls_end_start(c, TLSP_CLIENT, auth, v), 0);
    REQUIRE_EQ(tls_end_start(s, TLSP_SERVER, auth, v), 0);
    nb_init(&ends[0], c, 1, 2, total);
    nb_init(&ends[1], s, 2, 1, total);

    while (!(nb_done(&ends[0]) && nb_done(&ends[1])) && now_ms() < deadline) {
        struct pollfd p[2];
        for (k = 0; k < 2; k++) {
            p[k].fd = nb_done(&ends[k]) ? -1 : ends[k].x->sock.fd;
            p[k].events = tlsp_socket_poll_events(&ends[k].x->e);
            p[k].revents = 0;
        }
        REQUIRE(poll(p, 2, 100) >= 0);
        /* Service both ends every round: cheap, and no end can starve on a missed event. */
        for (k = 0; k < 2; k++) {
            if (!nb_done(&ends[k])) {
                nb_service(&ends[k]);
            }
        }
    }
    for (k = 0; k < 2; k++) {
        CHECK_EQ(ends[k].error, 0);
        CHECK(ends[k].peer_closed && ends[k].fin_sent);
        CHECK_EQ(ends[k].rx_off, total);
        CHECK_EQ(ends[k].tx_off, total);
        CHECK_EQ(ends[k].mismatch, 0);
        CHECK_EQ(ends[k].rx_sum, ends[k].want_sum);
    }
    CHECK_EQ(tlsp_engine_info(&c->e, &info), 0);
    CHECK(strcmp(info.version, v == TLSP_TLS1_2 ? "TLSv1.2" : "TLSv1.3") == 0);
    tls_end_free(c);
    tls_end_free(s);
    free(c);
    free(s);
    tlsp_socket_close(&listener);
}

static void test_nonblocking_cert_tls12(void) { nonblocking_case(AUTH_CERT, TLSP_TLS1_2, 65536); }
static void test_nonblocking_cert_tls13(void) { nonblocking_case(AUTH_CERT, TLSP_TLS1_3, 65536); }
static void test_nonblocking_psk_tls12(void)  { nonblocking_case(AUTH_PSK, TLSP_TLS1_2, 65536); }
static void test_nonblocking_psk_tls13(void)  { nonblocking_case(AUTH_PSK, TLSP_TLS1_3, 65536); }

/* 1 MiB each way at the same time: both socket buffers fill, so both directions must
 * make progress without either end waiting for the other to stop writing. */
static void test_nonblocking_large_duplex(void)
{
    nonblocking_case(AUTH_CERT, TLSP_TLS1_3, 1u << 20);
}

/* ---- writes to a closed connection never raise SIGPIPE ------------------------------ */

/* Connected pair on loopback, no TLS: a's end connected, b the accepted end. */
static int raw_pair(tlsp_socket *a, tlsp_socket *b)
{
    tlsp_socket listener;
    int port = listen_local(&listener);

    tlsp_socket_init(a);
    tlsp_socket_init(b);
    if (port <= 0 || tlsp_socket_connect(a, "127.0.0.1", (uint16_t) port, IO_MS) != 0 ||
        tlsp_socket_accept(&listener, b, IO_MS) != 0) {
        tlsp_socket_close(&listener);
        return -1;
    }
    tlsp_socket_close(&listener);
    return 0;
}

/* After our own shutdown(SHUT_WR) a send is EPIPE: the one case where the kernel always
 * raises SIGPIPE unless told not to. This process keeps SIGPIPE's default action. */
static void test_send_after_shutdown_no_sigpipe(void)
{
    tlsp_socket a, b;
    tlsp_transport t;

    REQUIRE(raw_pair(&a, &b) == 0);
    tlsp_socket_transport(&a, &t);
    CHECK_EQ(tlsp_socket_shutdown_write(&a), 0);
    CHECK_EQ(t.send(t.ctx, (const uint8_t *) "x", 1), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_socket_errno(&a), EPIPE);
    tlsp_socket_close(&a);
    tlsp_socket_close(&b);
}

/* The peer closes; we keep writing: first the reset, then EPIPE, never a signal. */
static void test_send_to_closed_peer(void)
{
    tlsp_socket a, b, again;
    tlsp_transport t;
    int ret = 0;
    int i;

    REQUIRE(raw_pair(&a, &b) == 0);
    tlsp_socket_transport(&a, &t);
    tlsp_socket_close(&b);
    /* The first bytes reach the closed socket, which answers with a reset; poll() with
     * no events waits for just that (POLLERR/POLLHUP), not for the EOF already there. */
    for (i = 0; i < 50; i++) {
        struct pollfd p = { a.fd, 0, 0 };
        ret = t.send(t.ctx, (const uint8_t *) "data", 4);
        if (ret < 0 && ret != TLSP_WANT_WRITE) {
            break;
        }
        (void) poll(&p, 1, 100);
    }
    CHECK_EQ(ret, TLSP_ERR_TRANSPORT);
    CHECK(tlsp_socket_errno(&a) == ECONNRESET || tlsp_socket_errno(&a) == EPIPE);
    /* Sticky: the transport does not touch the socket again. */
    CHECK_EQ(t.send(t.ctx, (const uint8_t *) "x", 1), TLSP_ERR_TRANSPORT);
    CHECK_EQ(t.recv(t.ctx, (uint8_t *) &i, 1), TLSP_ERR_TRANSPORT);
    /* A fresh transport on the same descriptor gets EPIPE from the kernel, quietly. */
    tlsp_socket_init(&again);
    REQUIRE_EQ(tlsp_socket_attach(&again, dup(a.fd)), 0);
    tlsp_socket_transport(&again, &t);
    CHECK_EQ(t.send(t.ctx, (const uint8_t *) "x", 1), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_socket_errno(&again), EPIPE);
    tlsp_socket_close(&again);
    tlsp_socket_close(&a);
}

/* ---- connecting and accepting -------------------------------------------------------- */

static void test_connect_refused(void)
{
    /* A port bound but not listening answers SYN with RST, and nobody can take it
     * while we hold it. */
    tlsp_socket bound, s;
    uint64_t start;
    int port;
    int ret;

    tlsp_socket_init(&bound);
    bound.fd = socket(AF_INET, SOCK_STREAM, 0);
    {
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(0x7f000001u);
        REQUIRE(bind(bound.fd, (struct sockaddr *) &sin, sizeof(sin)) == 0);
        REQUIRE(getsockname(bound.fd, (struct sockaddr *) &sin, &len) == 0);
        port = ntohs(sin.sin_port);
    }
    tlsp_socket_init(&s);
    start = now_ms();
    ret = tlsp_socket_connect(&s, "127.0.0.1", (uint16_t) port, 20000);
    CHECK_EQ(ret, TLSP_ERR_REFUSED);
    CHECK_EQ(tlsp_socket_errno(&s), ECONNREFUSED);
    CHECK(strlen(tlsp_socket_detail(&s)) > 0);
    CHECK_EQ(s.fd, -1);
    CHECK(now_ms() - start < 20000u);   /* refused, not timed out */
    tlsp_socket_close(&bound);
}

/* A listener whose accept queue is full drops further SYNs: the connect can only end
 * by its own timeout. (Linux: backlog 0 queues one connection; the next SYN is dropped.) */
static void test_connect_timeout(void)
{
    tlsp_socket listener, first, s;
    const uint32_t timeout = 400;
    uint64_t start, elapsed;
    int port;

    tlsp_socket_init(&listener);
    REQUIRE_EQ(tlsp_socket_listen(&listener, "127.0.0.1", 0, 0), 0);
    REQUIRE(listen(listener.fd, 0) == 0);   /* backlog 0 (tlsp_socket_listen takes <= 0 as SOMAXCONN) */
    port = tlsp_socket_local_port(&listener);
    tlsp_socket_init(&first);
    REQUIRE_EQ(tlsp_socket_connect(&first, "127.0.0.1", (uint16_t) port, IO_MS), 0);
    tlsp_socket_init(&s);
    start = now_ms();
    CHECK_EQ(tlsp_socket_connect(&s, "127.0.0.1", (uint16_t) port, timeout), TLSP_ERR_TIMEOUT);
    elapsed = now_ms() - start;
    CHECK_DEADLINE(elapsed, timeout);
    CHECK_EQ(s.fd, -1);
    tlsp_socket_close(&first);
    tlsp_socket_close(&listener);
}

/* Linux refuses TCP to the broadcast address with ENETUNREACH, network or not (an
 * address without a route would depend on the machine: some sandboxes "connect" to
 * anything through a proxy). */
static void test_connect_unreachable(void)
{
    tlsp_socket s;

    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_connect(&s, "255.255.255.255", 443, 5000), TLSP_ERR_UNREACHABLE);
    CHECK_EQ(tlsp_socket_errno(&s), ENETUNREACH);
    CHECK_EQ(s.fd, -1);
}

/* Without any network: glibc rejects a 64-character label before asking a resolver. */
static void test_connect_dns_failure(void)
{
    char name[80];
    tlsp_socket s;

    memset(name, 'a', 64);
    memcpy(name + 64, ".invalid", sizeof(".invalid"));
    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_connect(&s, name, 443, 5000), TLSP_ERR_RESOLVE);
    CHECK(tlsp_socket_gai_error(&s) != 0);
    CHECK(strlen(tlsp_socket_detail(&s)) > 0);
    CHECK_EQ(s.fd, -1);
}

/* "localhost" may resolve to ::1 first: connect must move on to 127.0.0.1. */
static void test_connect_by_name_tries_each_address(void)
{
    tlsp_socket listener, c, s;
    int port = listen_local(&listener);

    REQUIRE(port > 0);
    tlsp_socket_init(&c);
    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_connect(&c, "localhost", (uint16_t) port, IO_MS), 0);
    CHECK_EQ(tlsp_socket_accept(&listener, &s, IO_MS), 0);
    CHECK_EQ(tlsp_socket_local_port(&s), port);
    tlsp_socket_close(&c);
    tlsp_socket_close(&s);
    tlsp_socket_close(&listener);
}

static void test_ipv6_loopback(void)
{
    tlsp_socket listener, c, s;
    int ret;

    tlsp_socket_init(&listener);
    ret = tlsp_socket_listen(&listener, "::1", 0, 0);
    if (ret != 0) {
        printf("  (no IPv6 loopback here: %s; skipped)\n", tlsp_socket_detail(&listener));
        return;
    }
    tlsp_socket_init(&c);
    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_connect(&c, "::1", (uint16_t) tlsp_socket_local_port(&listener), IO_MS), 0);
    CHECK_EQ(tlsp_socket_accept(&listener, &s, IO_MS), 0);
    CHECK(s.fd >= 0);
    tlsp_socket_close(&c);
    tlsp_socket_close(&s);
    tlsp_socket_close(&listener);
}

static void test_accept_timeouts(void)
{
    tlsp_socket listener, s;
    uint64_t start, elapsed;

    REQUIRE(listen_local(&listener) > 0);
    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_accept(&listener, &s, 0), TLSP_WANT_READ);
    start = now_ms();
    CHECK_EQ(tlsp_socket_accept(&listener, &s, 200), TLSP_ERR_TIMEOUT);
    elapsed = now_ms() - start;
    CHECK_DEADLINE(elapsed, 200);
    CHECK_EQ(s.fd, -1);
    tlsp_socket_close(&listener);
}

static void test_bad_arguments_and_states(void)
{
    tlsp_socket s, l;

    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_connect(NULL, "127.0.0.1", 1, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_socket_connect(&s, NULL, 1, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_socket_connect(&s, "127.0.0.1", 0, 100), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_socket_connect(&s, "127.0.0.1", 1, 0), TLSP_ERR_BAD_ARG);
    CHECK_EQ(tlsp_socket_local_port(&s), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_socket_shutdown_write(&s), TLSP_ERR_STATE);
    CHECK_EQ(tlsp_socket_attach(&s, -1), TLSP_ERR_BAD_ARG);
    REQUIRE(listen_local(&l) > 0);
    CHECK_EQ(tlsp_socket_listen(&l, "127.0.0.1", 0, 0), TLSP_ERR_STATE);   /* already open */
    CHECK_EQ(tlsp_socket_accept(&s, &s, 0), TLSP_ERR_STATE);               /* not a listener */
    tlsp_socket_close(&l);
    tlsp_socket_close(&l);   /* twice is harmless */
    CHECK_EQ(l.fd, -1);
}

/* A setup failure that is none of refused/unreachable/timeout is TLSP_ERR_TRANSPORT,
 * with the errno behind it. */
static void test_listen_error_keeps_errno(void)
{
    tlsp_socket s;

    /* No interface here has this TEST-NET-3 address: bind() gives EADDRNOTAVAIL. */
    tlsp_socket_init(&s);
    CHECK_EQ(tlsp_socket_listen(&s, "203.0.113.77", 0, 0), TLSP_ERR_TRANSPORT);
    CHECK_EQ(tlsp_socket_errno(&s), EADDRNOTAVAIL);
    CHECK(strlen(tlsp_socket_detail(&s)) > 0);
}

/* The handshake against a server that accepts and never speaks: TLSP_ERR_TIMEOUT from
 * the drive call's deadline. The kernel completes the TCP connection for us. */
static void test_handshake_timeout_silent_server(void)
{
    tlsp_socket listener;
    int port = listen_local(&listener);
    tls_end *x = tls_end_new();
    const uint32_t timeout = 500;
    uint64_t start, elapsed;

    REQUIRE(port > 0 && x != NULL);
    REQUIRE_EQ(tlsp_socket_connect(&x->sock, "127.0.0.1", (uint16_t) port, IO_MS), 0);
    REQUIRE_EQ(tls_end_start(x, TLSP_CLIENT, AUTH_CERT, 0), 0);
    start = now_ms();
    CHECK_EQ(tlsp_drive_handshake(&x->e, &x->t, timeout), TLSP_ERR_TIMEOUT);
    elapsed = now_ms() - start;
    CHECK_DEADLINE(elapsed, timeout);
    tls_end_free(x);
    free(x);
    tlsp_socket_close(&listener);
}

/* ---- the poll() server example --------------------------------------------------------- */

typedef struct poll_server_args {
    tlsp_socket *listener;
    auth_kind auth;
    tlsp_version version;      /* 0: 1.2..1.3 */
    int stop_fd;
    unsigned max_conns;
    uint32_t handshake_ms;
    poll_echo_stats want;
} poll_server_args;

static int poll_server_child(void *arg)
{
    poll_server_args *a = arg;
    tlsp_config cfg;
    poll_echo_opts o;
    poll_echo_stats st;

    CHILD_REQUIRE(make_config(&cfg, TLSP_SERVER, a->auth, a->version) == 0);
    memset(&o, 0, sizeof(o));
    o.cfg = &cfg;
    o.max_conns = a->max_conns;
    o.handshake_timeout_ms = a->handshake_ms;
    o.stop_fd = a->stop_fd;
    o.verbose = getenv("TLSP_TEST_VERBOSE") != NULL;
    CHECK_EQ(poll_echo_run(a->listener, &o, &st), 0);
    CHECK_EQ(st.accepted, a->want.accepted);
    CHECK_EQ(st.completed, a->want.completed);
    CHECK_EQ(st.failed, a->want.failed);
    CHECK_EQ(st.timed_out, a->want.timed_out);
    CHECK_EQ(st.echoed, a->want.echoed);
    tlsp_socket_close(a->listener);
    tlsp_config_free(&cfg);
    return 0;
}

#define POLL_CLIENTS 8
#define POLL_CLIENT_BYTES 50000u

typedef struct echo_client_args {
    int port;
    uint32_t seed;
    auth_kind auth;
    tlsp_version version;      /* 0: 1.2..1.3 */
} echo_client_args;

/* A well-behaved client: handshake, 50000 bytes echoed in mixed sizes, clean close. */
static int echo_client_child(void *arg)
{
    const echo_client_args *a = arg;
    tls_end *x = client_connect(a->port, a->auth, a->version, 0);
    static const size_t chunks[] = { 1, 777, 4096, 16384, 20000, 8742 };
    uint8_t out[20000], in[20000];
    size_t i, off = 0, got;
    uint8_t byte;

    CHILD_REQUIRE(x != NULL);
    for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        fill(out, chunks[i], a->seed, off);
        CHECK_EQ(tlsp_drive_write(&x->e, &x->t, out, chunks[i], IO_MS), 0);
        CHECK_EQ(tlsp_drive_read_exact(&x->e, &x->t, in, chunks[i], &got, IO_MS), 0);
        CHECK(got == chunks[i] && memcmp(in, out, chunks[i]) == 0);
        off += chunks[i];
    }
    CHECK_EQ(off, POLL_CLIENT_BYTES);
    CHECK_EQ(tlsp_socket_close_notify(&x->sock, &x->e, IO_MS), 0);
    CHECK_EQ(tlsp_drive_read(&x->e, &x->t, &byte, 1, IO_MS), TLSP_ERR_CLOSED);
    tls_end_free(x);
    free(x);
    return 0;
}

typedef struct stall_args {
    int port;
    int ready_fd;      /* written once connected */
    int release_fd;    /* -1: wait for the server to drop us; else wait for this */
    uint32_t deadline_ms;      /* when the server must drop us (release_fd == -1) */
} stall_args;

/* A client that connects, sends the first 3 bytes of a TLS record and nothing more. */
static int stall_client_child(void *arg)
{
    const stall_args *a = arg;
    tlsp_socket s;
    uint64_t start;
    char c;

    tlsp_socket_init(&s);
    /* Before connect(): the server cannot accept us, and so cannot start our deadline,
     * before this. Taken after connect() returns, the server may already have accepted
     * us a scheduling delay earlier on a loaded machine, and the drop looks early. */
    start = now_ms();
    CHILD_REQUIRE((tlsp_socket_connect(&s, "127.0.0.1", (uint16_t) a->port, IO_MS)) == 0);
    CHILD_REQUIRE(send(s.fd, "\x16\x03\x01", 3, MSG_NOSIGNAL) == 3);
    CHILD_REQUIRE(write(a->ready_fd, "r", 1) == 1);
    if (a->release_fd >= 0) {
        struct pollfd p = { s.fd, POLLIN, 0 };
        /* Held open while everybody else is served; still open when released. */
        CHILD_REQUIRE(read(a->release_fd, &c, 1) >= 0);
        CHECK(recv(s.fd, &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN);
        /* Give up with a FIN and wait until the server has closed its end: then it
         * has counted this connection (EOF mid-handshake) before the test stops it. */
        CHECK_EQ(shutdown(s.fd, SHUT_WR), 0);
        CHECK(poll(&p, 1, IO_MS) == 1);
        CHECK(recv(s.fd, &c, 1, 0) <= 0);
    } else {
        struct pollfd p = { s.fd, POLLIN, 0 };
        uint64_t elapsed;
        CHECK(poll(&p, 1, (int) (a->deadline_ms + MARGIN_MS)) == 1);
        CHECK(recv(s.fd, &c, 1, 0) <= 0);   /* EOF or reset: the server dropped us */
        elapsed = now_ms() - start;
        CHECK_DEADLINE(elapsed, a->deadline_ms);
    }
    tlsp_socket_close(&s);
    return 0;
}

/* 8 clients at once while a 9th stalls mid-handshake: all 8 served, the stall held. */
static void test_poll_server_many_clients_and_a_stall(void)
{
    tlsp_socket listener;
    int port = listen_local(&listener);
    int stop[2], ready[2], release[2];
    poll_server_args sa;
    stall_args st;
    echo_client_args ca[POLL_CLIENTS];
    pid_t server, stall, clients[POLL_CLIENTS];
    char c;
    int i;

    REQUIRE(port > 0);
    REQUIRE(pipe(stop) == 0 && pipe(ready) == 0 && pipe(release) == 0);
    memset(&sa, 0, sizeof(sa));
    sa.listener = &listener;
    sa.stop_fd = stop[0];
    sa.handshake_ms = 60000;   /* the stall must not be freed by its deadline here */
    sa.want.accepted = POLL_CLIENTS + 1;
    sa.want.completed = POLL_CLIENTS;
    sa.want.failed = 1;        /* the stall, once it gives up: EOF mid-handshake */
    sa.want.echoed = POLL_CLIENTS * (unsigned long long) POLL_CLIENT_BYTES;
    server = spawn(poll_server_child, &sa);
    tlsp_socket_close(&listener);

    st.port = port;
    st.ready_fd = ready[1];
    st.release_fd = release[0];
    st.deadline_ms = 0;        /* unused: the release pipe ends the stall */
    stall = spawn(stall_client_child, &st);
    CHECK(read(ready[0], &c, 1) == 1);   /* connected first: accepted first */
    for (i = 0; i < POLL_CLIENTS; i++) {
        ca[i].port = port;
        ca[i].seed = 100u + (uint32_t) i;
        ca[i].auth = AUTH_CERT;
        ca[i].version = 0;
        clients[i] = spawn(echo_client_child, &ca[i]);
    }
    for (i = 0; i < POLL_CLIENTS; i++) {
        CHECK(reap(clients[i], "echo client"));
    }
    CHECK(write(release[1], "g", 1) == 1);
    CHECK(reap(stall, "stalled client"));   /* returns once the server dropped it */
    CHECK(write(stop[1], "s", 1) == 1);
    CHECK(reap(server, "poll server"));
    close(stop[0]);
    close(stop[1]);
    close(ready[0]);
    close(ready[1]);
    close(release[0]);
    close(release[1]);
}

/* One slot, a stall in it: the next client waits in the backlog until the stall's
 * handshake deadline frees the slot, then is served. The client's handshake runs under
 * the same deadline, so it uses TLS 1.2 PSK (no public-key work): fast even under ASan
 * on a loaded machine. */
static void test_poll_server_handshake_deadline(void)
{
    tlsp_socket listener;
    int port = listen_local(&listener);
    int stop[2], ready[2];
    poll_server_args sa;
    stall_args st;
    echo_client_args ca;
    pid_t server, stall, client;
    char c;

    REQUIRE(port > 0);
    REQUIRE(pipe(stop) == 0 && pipe(ready) == 0);
    memset(&sa, 0, sizeof(sa));
    sa.listener = &listener;
    sa.stop_fd = stop[0];
    sa.auth = AUTH_PSK;
    sa.version = TLSP_TLS1_2;
    sa.max_conns = 1;
    sa.handshake_ms = 1000;
    sa.want.accepted = 2;
    sa.want.completed = 1;
    sa.want.timed_out = 1;
    sa.want.echoed = POLL_CLIENT_BYTES;
    server = spawn(poll_server_child, &sa);
    tlsp_socket_close(&listener);

    st.port = port;
    st.ready_fd = ready[1];
    st.release_fd = -1;
    st.deadline_ms = sa.handshake_ms;
    stall = spawn(stall_client_child, &st);
    CHECK(read(ready[0], &c, 1) == 1);
    ca.port = port;
    ca.seed = 7;
    ca.auth = AUTH_PSK;
    ca.version = TLSP_TLS1_2;
    client = spawn(echo_client_child, &ca);
    CHECK(reap(stall, "stalled client"));
    CHECK(reap(client, "echo client"));
    CHECK(write(stop[1], "s", 1) == 1);
    CHECK(reap(server, "poll server"));
    close(stop[0]);
    close(stop[1]);
    close(ready[0]);
    close(ready[1]);
}

int main(void)
{
    /* Default SIGPIPE: a write that raised it would kill the case and fail it. */
    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);

    RUN_CASE(test_bad_arguments_and_states);
    RUN_CASE(test_listen_error_keeps_errno);
    RUN_CASE(test_accept_timeouts);
    RUN_CASE(test_connect_refused);
    RUN_CASE(test_connect_timeout);
    RUN_CASE(test_connect_unreachable);
    RUN_CASE(test_connect_dns_failure);
    RUN_CASE(test_connect_by_name_tries_each_address);
    RUN_CASE(test_ipv6_loopback);
    RUN_CASE(test_send_after_shutdown_no_sigpipe);
    RUN_CASE(test_send_to_closed_peer);
    RUN_CASE(test_blocking_cert_tls12);
    RUN_CASE(test_blocking_cert_tls13);
    RUN_CASE(test_blocking_psk_tls12);
    RUN_CASE(test_blocking_psk_tls13);
    RUN_CASE(test_blocking_large_echo);
    RUN_CASE(test_nonblocking_cert_tls12);
    RUN_CASE(test_nonblocking_cert_tls13);
    RUN_CASE(test_nonblocking_psk_tls12);
    RUN_CASE(test_nonblocking_psk_tls13);
    RUN_CASE(test_nonblocking_large_duplex);
    RUN_CASE(test_peer_close_notify_is_clean);
    RUN_CASE(test_peer_close_without_notify_is_truncated);
    RUN_CASE(test_peer_reset_is_transport_error);
    RUN_CASE(test_handshake_timeout_silent_server);
    RUN_CASE(test_poll_server_many_clients_and_a_stall);
    RUN_CASE(test_poll_server_handshake_deadline);
    return tlsp_test_finish("socket");
}
