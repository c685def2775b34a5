/*
 * The poll() loop of the non-blocking echo server (poll_echo.h).
 *
 * One pass of the loop: poll() the listener, the stop descriptor and every connection for
 * what its engine wants (tlsp_socket_poll_events()); accept new clients while slots are
 * free; service each ready connection until it makes no more progress; drop connections
 * past their deadline. poll()'s timeout is the nearest deadline, so an idle server sleeps.
 */
#define _GNU_SOURCE
#include "poll_echo.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlspair/tlsp_drive.h"
#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_port.h"

#define QUEUE_SIZE (16384u + 512u)      /* one full record each way */
#define ECHO_SIZE 4096u
#define CLOSE_LINGER_MS 2000u           /* to flush our close_notify after the client's */
#define DEFAULT_HANDSHAKE_MS 10000u

typedef enum { CONN_FREE = 0, CONN_OPEN, CONN_CLOSING } conn_state;

typedef struct conn {
    conn_state state;
    int handshake_done;
    unsigned id;
    tlsp_socket sock;
    tlsp_transport t;
    tlsp_engine e;
    uint64_t deadline;                  /* port clock; 0 = none */
    size_t echo_len, echo_off;          /* read from the client, not yet written back */
    uint8_t echo[ECHO_SIZE];
    uint8_t net_in[QUEUE_SIZE];
    uint8_t net_out[QUEUE_SIZE];
} conn;

typedef enum { KEEP, DONE_CLEAN, DONE_FAILED } conn_outcome;

typedef struct server {
    const poll_echo_opts *o;
    poll_echo_stats *st;
    conn *conns;
    unsigned max, open, next_id;
} server;

static void conn_end(server *sv, conn *c, conn_outcome how, int code)
{
    if (sv->o->verbose && how == DONE_CLEAN) {
        fprintf(stderr, "poll-echo: #%u closed cleanly\n", c->id);
    } else if (sv->o->verbose) {
        fprintf(stderr, "poll-echo: #%u dropped: %s\n", c->id, tlsp_strerror(code));
    }
    if (how == DONE_CLEAN) {
        sv->st->completed++;
    } else if (code == TLSP_ERR_TIMEOUT) {
        sv->st->timed_out++;
    } else {
        sv->st->failed++;
    }
    tlsp_engine_free(&c->e);
    tlsp_socket_close(&c->sock);
    c->state = CONN_FREE;
    sv->open--;
}

static int accept_one(server *sv, tlsp_socket *listener)
{
    conn *c = NULL;
    unsigned i;
    int ret;

    for (i = 0; i < sv->max && c == NULL; i++) {
        if (sv->conns[i].state == CONN_FREE) {
            c = &sv->conns[i];
        }
    }
    if (c == NULL) {
        return TLSP_WANT_READ;   /* full: the client waits in the backlog */
    }
    tlsp_socket_init(&c->sock);
    ret = tlsp_socket_accept(listener, &c->sock, 0);
    if (ret != 0) {
        return ret;
    }
    sv->st->accepted++;
    ret = tlsp_engine_init(&c->e, sv->o->cfg, c->net_in, sizeof(c->net_in), c->net_out,
                           sizeof(c->net_out));
    if (ret != 0) {
        fprintf(stderr, "poll-echo: engine: %s\n", tlsp_strerror(ret));
        tlsp_socket_close(&c->sock);
        sv->st->failed++;
        return 0;
    }
    tlsp_socket_transport(&c->sock, &c->t);
    c->state = CONN_OPEN;
    c->handshake_done = 0;
    c->id = ++sv->next_id;
    c->echo_len = c->echo_off = 0;
    c->deadline = tlsp_port_millis() +
                  (sv->o->handshake_timeout_ms ? sv->o->handshake_timeout_ms : DEFAULT_HANDSHAKE_MS);
    sv->open++;
    if (sv->o->verbose) {
        fprintf(stderr, "poll-echo: #%u accepted (%u open)\n", c->id, sv->open);
    }
    return 0;
}

/* Echo: write back what is pending, then read more only once it is all written, so a
 * client that does not read its echoes is slowed down instead of growing a buffer. */
static conn_outcome echo_some(server *sv, conn *c, int *progress, int *code)
{
    int ret;

    if (c->echo_off < c->echo_len) {
        ret = tlsp_write(&c->e, c->echo + c->echo_off, c->echo_len - c->echo_off);
        if (ret > 0) {
            c->echo_off += (size_t) ret;
            sv->st->echoed += (unsigned) ret;
            *progress = 1;
        } else if (ret != TLSP_WANT_WRITE && ret != TLSP_WANT_READ) {
            *code = ret;
            return DONE_FAILED;
        }
        if (c->echo_off < c->echo_len) {
            return KEEP;
        }
    }
    ret = tlsp_read(&c->e, c->echo, sizeof(c->echo));
    if (ret > 0) {
        c->echo_len = (size_t) ret;
        c->echo_off = 0;
        *progress = 1;
        return KEEP;
    }
    c->echo_len = c->echo_off = 0;
    if (ret == TLSP_ERR_CLOSED) {
        /* The client is done: answer with our close_notify, flush it, then FIN. */
        c->state = CONN_CLOSING;
        c->deadline = tlsp_port_millis() + CLOSE_LINGER_MS;
        *progress = 1;
        return KEEP;
    }
    if (ret != TLSP_WANT_READ && ret != TLSP_WANT_WRITE) {
        *code = ret;
        return DONE_FAILED;
    }
    return KEEP;
}

/* Run one connection until it stops making progress. */
static conn_outcome conn_service(server *sv, conn *c, int *code)
{
    for (;;) {
        int progress = 0;
        int ret = tlsp_drive_step(&c->e, &c->t, &progress);
        unsigned st;

        if (ret != 0 && ret != TLSP_ERR_CLOSED) {
            *code = ret;
            return DONE_FAILED;
        }
        st = tlsp_status(&c->e);
        if (c->state == CONN_OPEN && (st & TLSP_STATUS_HANDSHAKE_DONE)) {
            conn_outcome out = echo_some(sv, c, &progress, code);
            if (out != KEEP) {
                return out;
            }
            /* From here on the deadline is the idle limit, restarted by every exchange. */
            if (progress || !c->handshake_done) {
                c->handshake_done = 1;
                c->deadline = sv->o->idle_timeout_ms ? tlsp_port_millis() + sv->o->idle_timeout_ms : 0;
            }
        }
        if (c->state == CONN_CLOSING) {
            if (!(tlsp_status(&c->e) & TLSP_STATUS_LOCAL_CLOSED)) {
                ret = tlsp_close(&c->e);   /* TLSP_WANT_WRITE: after net_out drains */
                if (ret == 0) {
                    progress = 1;
                } else if (ret != TLSP_WANT_WRITE) {
                    *code = ret;
                    return DONE_FAILED;
                }
            } else if (!(tlsp_status(&c->e) & TLSP_STATUS_NET_OUT)) {
                (void) tlsp_socket_shutdown_write(&c->sock);
                return DONE_CLEAN;
            }
        }
        if (!progress) {
            return KEEP;
        }
    }
}

/* poll() timeout: until the nearest connection deadline. */
static int poll_timeout(const server *sv)
{
    uint64_t now = tlsp_port_millis();
    uint64_t nearest = UINT64_MAX;
    unsigned i;

    for (i = 0; i < sv->max; i++) {
        const conn *c = &sv->conns[i];
        if (c->state != CONN_FREE && c->deadline != 0 && c->deadline < nearest) {
            nearest = c->deadline;
        }
    }
    if (nearest == UINT64_MAX) {
        return -1;
    }
    if (nearest <= now) {
        return 0;
    }
    return nearest - now > INT_MAX ? INT_MAX : (int) (nearest - now);
}

int poll_echo_run(tlsp_socket *listener, const poll_echo_opts *opts, poll_echo_stats *stats)
{
    server sv;
    struct pollfd *fds;
    unsigned i;
    int ret = 0;

    memset(&sv, 0, sizeof(sv));
    memset(stats, 0, sizeof(*stats));
    sv.o = opts;
    sv.st = stats;
    sv.max = opts->max_conns == 0 || opts->max_conns > POLL_ECHO_MAX_CONNS ? POLL_ECHO_MAX_CONNS
                                                                            : opts->max_conns;
    sv.conns = calloc(sv.max, sizeof(conn));
    fds = calloc(sv.max + 2, sizeof(struct pollfd));
    if (sv.conns == NULL || fds == NULL) {
        free(sv.conns);
        free(fds);
        return TLSP_ERR_NO_MEMORY;
    }
    for (;;) {
        /* fds[0]: stop, fds[1]: listener, fds[2 + i]: connection i (fd -1 = ignored). */
        fds[0].fd = opts->stop_fd;
        fds[0].events = POLLIN;
        fds[1].fd = sv.open < sv.max ? listener->fd : -1;
        fds[1].events = POLLIN;
        for (i = 0; i < sv.max; i++) {
            conn *c = &sv.conns[i];
            fds[2 + i].fd = c->state != CONN_FREE ? c->sock.fd : -1;
            fds[2 + i].events = (short) (c->state != CONN_FREE ? tlsp_socket_poll_events(&c->e) : 0);
            fds[2 + i].revents = 0;
        }
        fds[0].revents = fds[1].revents = 0;
        if (poll(fds, sv.max + 2, poll_timeout(&sv)) < 0) {
            if (errno == EINTR) {
                continue;
            }
            ret = TLSP_ERR_TRANSPORT;
            break;
        }
        for (i = 0; i < sv.max; i++) {
            conn *c = &sv.conns[i];
            int code = 0;
            conn_outcome out;

            if (c->state == CONN_FREE) {
                continue;
            }
            out = KEEP;
            if (fds[2 + i].revents != 0) {
                out = conn_service(&sv, c, &code);
            }
            if (out == KEEP && c->deadline != 0 && tlsp_port_millis() >= c->deadline) {
                out = DONE_FAILED;
                code = TLSP_ERR_TIMEOUT;
            }
            if (out == KEEP && tlsp_socket_poll_events(&c->e) == 0 && c->echo_off >= c->echo_len) {
                out = DONE_FAILED;   /* nothing left to wait for: the engine failed or EOF */
                code = tlsp_engine_error(&c->e) ? tlsp_engine_error(&c->e) : TLSP_ERR_TRUNCATED;
            }
            if (out != KEEP) {
                conn_end(&sv, c, out, code);
            }
        }
        if (fds[1].revents != 0) {
            while (sv.open < sv.max && accept_one(&sv, listener) == 0) {
            }
        }
        if (fds[0].revents != 0) {
            break;   /* after this round's events: what already happened is counted */
        }
    }
    for (i = 0; i < sv.max; i++) {
        if (sv.conns[i].state != CONN_FREE) {
            tlsp_engine_free(&sv.conns[i].e);
            tlsp_socket_close(&sv.conns[i].sock);
        }
    }
    free(sv.conns);
    free(fds);
    return ret;
}
