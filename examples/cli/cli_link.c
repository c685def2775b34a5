/*
 * tlspair: setting up the medium (cli_link.h). TCP goes through tlsp_socket, serial
 * through tlsp_serial; a unix stream socket is connected or accepted here and then
 * adopted by tlsp_socket_attach(), which gives it the same transport as TCP.
 */
#define _GNU_SOURCE
#include "cli_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "tlspair/tlsp_port.h"

/* How often a waiting server looks at cli_stop_signal, and the pause between connect
 * attempts while the peer is not there yet. */
#define STOP_CHECK_MS 250u
#define RETRY_PAUSE_MS 100u

void cli_link_init(cli_link *l)
{
    memset(l, 0, sizeof(*l));
    tlsp_socket_init(&l->conn);
    tlsp_socket_init(&l->listener);
    l->unix_listen_fd = -1;
    l->serial.fd = -1;
}

static void pause_ms(unsigned ms)
{
    struct timespec ts = { (time_t) (ms / 1000u), (long) (ms % 1000u) * 1000000L };

    nanosleep(&ts, NULL);
}

static void format_tcp_where(char *out, size_t cap, const char *host, int port)
{
    if (strchr(host, ':') != NULL) {
        snprintf(out, cap, "[%s]:%d", host, port);
    } else {
        snprintf(out, cap, "%s:%d", host, port);
    }
}

/* ---- serial ------------------------------------------------------------------------- */

static int serial_open(cli_link *l, const cli_opts *o, uint32_t retry_ms)
{
    tlsp_serial_opts so = { o->baud, o->rtscts };
    uint64_t give_up = tlsp_port_millis() + retry_ms;
    int ret;

    for (;;) {
        ret = tlsp_serial_open(&l->serial, o->path, &so);
        if (ret != TLSP_SERIAL_ERR_NO_DEVICE || tlsp_port_millis() >= give_up || cli_stop_signal) {
            break;
        }
        pause_ms(RETRY_PAUSE_MS);
    }
    if (ret != 0) {
        int os = tlsp_serial_os_error(&l->serial);

        snprintf(l->reason, sizeof(l->reason), "cannot open %s at %u baud: %s%s%s%s", o->path,
                 (unsigned) o->baud, tlsp_serial_strerror(ret), os ? " (" : "",
                 os ? strerror(os) : "", os ? ")" : "");
        return ret;
    }
    l->serial_open = 1;
    tlsp_serial_transport(&l->serial, &l->t);
    return 0;
}

/* ---- unix stream sockets -------------------------------------------------------------- */

static int unix_address(struct sockaddr_un *addr, const char *path)
{
    size_t len = strlen(path);

    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (len >= sizeof(addr->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr->sun_path, path, len + 1);
    return 0;
}

static int unix_fail(cli_link *l, const char *what, const char *path, int err)
{
    int code = (err == ENOENT || err == ECONNREFUSED) ? TLSP_ERR_REFUSED : TLSP_ERR_TRANSPORT;

    snprintf(l->reason, sizeof(l->reason), "%s %s: %s", what, path, strerror(err));
    return code;
}

static int unix_connect(cli_link *l, const cli_opts *o)
{
    struct sockaddr_un addr;
    uint64_t give_up = tlsp_port_millis() + o->connect_retry_ms;
    int fd;

    if (unix_address(&addr, o->path) != 0) {
        return unix_fail(l, "cannot connect to", o->path, errno);
    }
    for (;;) {
        int err;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return unix_fail(l, "cannot make a socket for", o->path, errno);
        }
        if (connect(fd, (const struct sockaddr *) &addr, sizeof(addr)) == 0) {
            break;
        }
        err = errno;
        close(fd);
        if ((err != ENOENT && err != ECONNREFUSED) || tlsp_port_millis() >= give_up ||
            cli_stop_signal) {
            return unix_fail(l, "cannot connect to", o->path, err);
        }
        pause_ms(RETRY_PAUSE_MS);
    }
    tlsp_socket_attach(&l->conn, fd);
    tlsp_socket_transport(&l->conn, &l->t);
    return 0;
}

/* A socket file nobody listens on is left over from a killed server: replace it. A
 * live one, or any other kind of file, is not ours to remove. */
static int unix_clear_stale(cli_link *l, const char *path, const struct sockaddr_un *addr)
{
    struct stat st;
    int fd;
    int live;

    if (lstat(path, &st) != 0) {
        return 0;
    }
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(l->reason, sizeof(l->reason), "cannot listen on %s: it exists and is not a socket", path);
        return TLSP_ERR_TRANSPORT;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return unix_fail(l, "cannot make a socket for", path, errno);
    }
    live = connect(fd, (const struct sockaddr *) addr, sizeof(*addr)) == 0;
    close(fd);
    if (live) {
        snprintf(l->reason, sizeof(l->reason), "cannot listen on %s: another server listens there", path);
        return TLSP_ERR_TRANSPORT;
    }
    unlink(path);
    return 0;
}

static int unix_listen(cli_link *l, const cli_opts *o)
{
    struct sockaddr_un addr;
    int ret;
    int fd;

    if (unix_address(&addr, o->path) != 0) {
        return unix_fail(l, "cannot listen on", o->path, errno);
    }
    if ((ret = unix_clear_stale(l, o->path, &addr)) != 0) {
        return ret;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return unix_fail(l, "cannot make a socket for", o->path, errno);
    }
    if (bind(fd, (const struct sockaddr *) &addr, sizeof(addr)) != 0) {
        int err = errno;

        close(fd);
        return unix_fail(l, "cannot listen on", o->path, err == ENOENT ? ENOTDIR : err);
    }
    l->unix_path_made = 1;
    if (listen(fd, 8) != 0) {
        int err = errno;

        close(fd);
        return unix_fail(l, "cannot listen on", o->path, err);
    }
    l->unix_listen_fd = fd;
    return 0;
}

/* Wait until fd is readable, looking at cli_stop_signal every STOP_CHECK_MS. */
static int wait_readable_or_stop(int fd)
{
    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int n;

        if (cli_stop_signal) {
            return TLSP_ERR_STATE;
        }
        n = poll(&p, 1, (int) STOP_CHECK_MS);
        if (n > 0) {
            return 0;
        }
        if (n < 0 && errno != EINTR) {
            return TLSP_ERR_TRANSPORT;
        }
    }
}

static int unix_accept(cli_link *l, const cli_opts *o)
{
    for (;;) {
        int fd;
        int ret = wait_readable_or_stop(l->unix_listen_fd);

        if (ret != 0) {
            return ret == TLSP_ERR_STATE ? ret : unix_fail(l, "cannot accept on", o->path, errno);
        }
        fd = accept4(l->unix_listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            tlsp_socket_attach(&l->conn, fd);
            tlsp_socket_transport(&l->conn, &l->t);
            return 0;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED) {
            return unix_fail(l, "cannot accept on", o->path, errno);
        }
    }
}

/* ---- TCP ---------------------------------------------------------------------------- */

static int tcp_fail(cli_link *l, const char *what, int ret, const tlsp_socket *s)
{
    const char *detail = tlsp_socket_detail(s);

    snprintf(l->reason, sizeof(l->reason), "%s %s: %s%s%s%s", what, l->where, tlsp_strerror(ret),
             detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
    return ret;
}

static int tcp_connect(cli_link *l, const cli_opts *o)
{
    uint64_t give_up = tlsp_port_millis() + o->connect_retry_ms;
    int ret;

    format_tcp_where(l->where, sizeof(l->where), o->tcp_host, o->tcp_port);
    for (;;) {
        ret = tlsp_socket_connect(&l->conn, o->tcp_host, o->tcp_port, o->timeout_ms);
        if (ret != TLSP_ERR_REFUSED || tlsp_port_millis() >= give_up || cli_stop_signal) {
            break;
        }
        pause_ms(RETRY_PAUSE_MS);
    }
    if (ret != 0) {
        return tcp_fail(l, "cannot connect to", ret, &l->conn);
    }
    tlsp_socket_transport(&l->conn, &l->t);
    return 0;
}

static int tcp_listen(cli_link *l, const cli_opts *o)
{
    /* ":PORT" means loopback only: a test key or a debugging session should not be on
     * the network unless the user names an address. */
    const char *host = o->tcp_host[0] != '\0' ? o->tcp_host : "127.0.0.1";
    int ret;
    int port;

    format_tcp_where(l->where, sizeof(l->where), host, o->tcp_port);
    ret = tlsp_socket_listen(&l->listener, host, o->tcp_port, 8);
    if (ret != 0) {
        return tcp_fail(l, "cannot listen on", ret, &l->listener);
    }
    port = tlsp_socket_local_port(&l->listener);
    if (port < 0) {
        return tcp_fail(l, "cannot listen on", port, &l->listener);
    }
    format_tcp_where(l->where, sizeof(l->where), host, port);
    return 0;
}

/* "address:port" of the client on a TCP connection, for the summary. */
static void name_tcp_peer(cli_link *l)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "?";

    memset(&ss, 0, sizeof(ss));   /* the analyser cannot see getpeername() fill it */
    int port = 0;

    if (getpeername(l->conn.fd, (struct sockaddr *) &ss, &len) == 0) {
        if (ss.ss_family == AF_INET) {
            const struct sockaddr_in *a = (const struct sockaddr_in *) &ss;

            inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
            port = ntohs(a->sin_port);
        } else if (ss.ss_family == AF_INET6) {
            const struct sockaddr_in6 *a = (const struct sockaddr_in6 *) &ss;

            inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
            port = ntohs(a->sin6_port);
        }
    }
    format_tcp_where(l->peer, sizeof(l->peer), host, port);
}

static int tcp_accept(cli_link *l)
{
    for (;;) {
        int ret;

        if (cli_stop_signal) {
            return TLSP_ERR_STATE;
        }
        ret = tlsp_socket_accept(&l->listener, &l->conn, STOP_CHECK_MS);
        if (ret == 0) {
            name_tcp_peer(l);
            tlsp_socket_transport(&l->conn, &l->t);
            return 0;
        }
        if (ret != TLSP_ERR_TIMEOUT && ret != TLSP_WANT_READ) {
            return tcp_fail(l, "cannot accept on", ret, &l->listener);
        }
    }
}

/* ---- the interface -------------------------------------------------------------------- */

static int connect_medium(cli_link *l, const cli_opts *o)
{
    switch (o->link) {
    case CLI_LINK_TCP:
        return tcp_connect(l, o);
    case CLI_LINK_UNIX:
        snprintf(l->where, sizeof(l->where), "%s", o->path);
        return unix_connect(l, o);
    case CLI_LINK_SERIAL:
        snprintf(l->where, sizeof(l->where), "%s", o->path);
        return serial_open(l, o, o->connect_retry_ms);
    default:
        return TLSP_ERR_BAD_ARG;
    }
}

int cli_link_connect(cli_link *l, const cli_opts *o)
{
    int ret;

    l->kind = o->link;
    ret = connect_medium(l, o);
    snprintf(l->peer, sizeof(l->peer), "%s", l->where);
    return ret;
}

/* The file appears complete or not at all: written beside it, then renamed. */
static int write_ready_file(cli_link *l, const char *path, const char *content)
{
    char tmp[4200];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long) getpid());
    f = fopen(tmp, "w");
    if (f == NULL || fprintf(f, "%s\n", content) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
        snprintf(l->reason, sizeof(l->reason), "cannot write --ready-file %s: %s", path, strerror(errno));
        unlink(tmp);
        return TLSP_ERR_TRANSPORT;
    }
    return 0;
}

int cli_link_listen(cli_link *l, const cli_opts *o)
{
    char content[300];
    int ret;

    l->kind = o->link;
    switch (o->link) {
    case CLI_LINK_TCP:
        ret = tcp_listen(l, o);
        snprintf(content, sizeof(content), "%d", ret == 0 ? tlsp_socket_local_port(&l->listener) : 0);
        break;
    case CLI_LINK_UNIX:
        snprintf(l->where, sizeof(l->where), "%s", o->path);
        ret = unix_listen(l, o);
        snprintf(content, sizeof(content), "%s", o->path);
        break;
    case CLI_LINK_SERIAL:
        /* Open now, so that a missing device fails at once and the ready file means
         * "the line is open and listening". */
        snprintf(l->where, sizeof(l->where), "%s", o->path);
        ret = serial_open(l, o, 0);
        snprintf(content, sizeof(content), "%s", o->path);
        break;
    default:
        return TLSP_ERR_BAD_ARG;
    }
    if (ret != 0) {
        return ret;
    }
    if (o->ready_file != NULL && (ret = write_ready_file(l, o->ready_file, content)) != 0) {
        return ret;
    }
    if (!o->quiet) {
        fprintf(stderr, CLI_NAME ": listening on %s\n", l->where);
    }
    return 0;
}

int cli_link_accept(cli_link *l, const cli_opts *o)
{
    snprintf(l->peer, sizeof(l->peer), "%s", l->where);   /* TCP: replaced by the address */
    switch (l->kind) {
    case CLI_LINK_TCP:
        return tcp_accept(l);
    case CLI_LINK_UNIX:
        return unix_accept(l, o);
    case CLI_LINK_SERIAL:
        /* The line is "the connection". After the first one, reopen the device: that
         * drops what the last peer left on the line and notices an unplugged adapter. */
        if (l->serial_open) {
            tlsp_serial_transport(&l->serial, &l->t);
            return 0;
        }
        return serial_open(l, o, 0);
    default:
        return TLSP_ERR_BAD_ARG;
    }
}

int cli_link_fd(const cli_link *l)
{
    if (l->kind == CLI_LINK_SERIAL) {
        return l->serial_open ? tlsp_serial_fd(&l->serial) : -1;
    }
    return l->conn.fd;
}

void cli_link_half_close(cli_link *l)
{
    if (l->kind == CLI_LINK_TCP && l->conn.fd >= 0) {
        (void) tlsp_socket_shutdown_write(&l->conn);
    }
}

void cli_link_end(cli_link *l)
{
    if (l->kind == CLI_LINK_SERIAL) {
        if (l->serial_open) {
            tlsp_serial_close(&l->serial);
            l->serial_open = 0;
        }
    } else {
        tlsp_socket_close(&l->conn);
    }
}

void cli_link_close(cli_link *l)
{
    cli_link_end(l);
    tlsp_socket_close(&l->listener);
    if (l->unix_listen_fd >= 0) {
        close(l->unix_listen_fd);
        l->unix_listen_fd = -1;
    }
    if (l->unix_path_made) {
        unlink(l->where);
        l->unix_path_made = 0;
    }
}
