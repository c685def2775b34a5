/*
 * tlspair: TLS from the command line over TCP, a unix socket or a serial line, for
 * talking to boards and for interop tests (tlspair --help; README.md "Talking TLS to a
 * board"). This file runs connections: set up, handshake, data (cli_pump.c), and the
 * exit code. The parts:
 *   cli_args.c     the command line and --help
 *   cli_tls.c      the TLS configuration (credential files, PSK, versions, suites)
 *   cli_link.c     the medium: connect, listen, accept, open the device
 *   cli_pump.c     the full-duplex data loop
 *   cli_session.c  --sess-in / --sess-out files
 *   cli_report.c   the summary, progress, error line and exit codes
 *   cli_capture.c  --pcap / --keylog
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tlspair/tlsp_engine.h"

#include "cli.h"
#include "cli_args.h"
#include "cli_capture.h"
#include "cli_link.h"
#include "cli_pump.h"
#include "cli_report.h"
#include "cli_session.h"
#include "cli_tls.h"

/* One full record each way plus headroom, whatever the peer's record size. */
#define QUEUE_SIZE (16384u + 1024u)

volatile sig_atomic_t cli_stop_signal;

static void on_signal(int sig)
{
    cli_stop_signal = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    (void) sigemptyset(&sa.sa_mask);
    /* Cannot fail with valid arguments (EINVAL is for bad signal numbers only). */
    (void) sigaction(SIGINT, &sa, NULL);
    (void) sigaction(SIGTERM, &sa, NULL);
    /* A closed stdout or a vanished peer is an error code, not a silent death. */
    (void) signal(SIGPIPE, SIG_IGN);
}

/* What a failed connection is reported as, and its exit code. */
static int connection_failed(const char *what, int code, const tlsp_engine *e, const cli_opts *o)
{
    if (code == CLI_PUMP_IO_ERROR) {
        return CLI_EXIT_OTHER;       /* already reported */
    }
    cli_report_failure(what, code, e, o);
    return cli_exit_code(code, e);
}

/* Handshake and data over a connected link. Returns a CLI_EXIT_* code, or -1 when a
 * signal stopped it. */
static int run_connection(const tlsp_config *cfg, cli_link *l, const cli_opts *o, int *stdin_eof)
{
    static uint8_t net_in[QUEUE_SIZE];
    static uint8_t net_out[QUEUE_SIZE];
    tlsp_engine e;
    cli_capture cap;
    int session_saved = 0;
    int ret;
    int status;

    ret = tlsp_engine_init(&e, cfg, net_in, sizeof(net_in), net_out, sizeof(net_out));
    if (ret != 0) {
        return connection_failed("TLS setup", ret, NULL, o);
    }
    ret = cli_capture_start(&cap, &e, o);
    if (ret != 0) {
        tlsp_engine_free(&e);
        return ret;
    }
    if (o->sess_in != NULL && (ret = cli_session_load(&e, o)) < 0) {
        (void) cli_capture_stop(&cap, &e);
        tlsp_engine_free(&e);
        return -ret;
    }
    ret = cli_handshake(&e, l, o->timeout_ms);
    if (ret != 0) {
        char what[400];

        snprintf(what, sizeof(what), "handshake with %s failed", l->peer);
        status = ret == CLI_PUMP_STOPPED ? -1 : connection_failed(what, ret, &e, o);
        (void) cli_capture_stop(&cap, &e);
        tlsp_engine_free(&e);
        return status;
    }
    cli_report_handshake(&e, l->peer, o);
    ret = cli_pump(&e, l, o, stdin_eof, &session_saved);
    if (ret == CLI_PUMP_STOPPED) {
        status = -1;
    } else if (ret != 0) {
        char what[400];

        snprintf(what, sizeof(what), "connection with %s", l->peer);
        status = connection_failed(what, ret, &e, o);
    } else {
        status = CLI_EXIT_OK;
    }
    if (o->sess_out != NULL && session_saved == 0 && status == CLI_EXIT_OK) {
        /* TLS 1.3 and the ticket never came (or the connection ended before it). */
        if (cli_session_save(&e, o) == 0 && !o->quiet) {
            fprintf(stderr, CLI_NAME ": warning: no session saved to %s: the server sent no "
                            "session ticket (does it have resumption on?)\n", o->sess_out);
        }
    }
    (void) cli_capture_stop(&cap, &e);
    tlsp_engine_free(&e);
    return status;
}

static int run_client(const tlsp_config *cfg, const cli_opts *o)
{
    cli_link l;
    int stdin_eof = 0;
    int ret;

    cli_link_init(&l);
    ret = cli_link_connect(&l, o);
    if (ret != 0) {
        fprintf(stderr, CLI_NAME ": error: %s\n", l.reason);
        cli_link_close(&l);
        return cli_exit_code(ret, NULL);
    }
    ret = run_connection(cfg, &l, o, &stdin_eof);
    cli_link_close(&l);
    return ret;
}

static int run_server(const tlsp_config *cfg, const cli_opts *o)
{
    cli_link l;
    int stdin_eof = 0;
    int status = CLI_EXIT_OK;
    int ret;

    cli_link_init(&l);
    ret = cli_link_listen(&l, o);
    if (ret != 0) {
        fprintf(stderr, CLI_NAME ": error: %s\n", l.reason);
        cli_link_close(&l);
        return cli_exit_code(ret, NULL);
    }
    for (;;) {
        ret = cli_link_accept(&l, o);
        if (ret == TLSP_ERR_STATE && cli_stop_signal) {
            status = -1;
            break;
        }
        if (ret != 0) {
            fprintf(stderr, CLI_NAME ": error: %s\n", l.reason);
            status = cli_exit_code(ret, NULL);
            break;
        }
        status = run_connection(cfg, &l, o, &stdin_eof);
        cli_link_end(&l);
        if (o->once || status < 0) {
            break;
        }
    }
    cli_link_close(&l);
    return status;
}

int main(int argc, char **argv)
{
    cli_opts o;
    tlsp_config cfg;
    int help;
    int ret;

    ret = cli_parse_args(argc, argv, &o, &help);
    if (ret != 0 || help) {
        return ret;
    }
    ret = cli_tls_config(&cfg, &o);
    if (ret != 0) {
        return ret;
    }
    cli_capture_warn(&o);
    catch_signals();
    ret = o.role == TLSP_CLIENT ? run_client(&cfg, &o) : run_server(&cfg, &o);
    tlsp_config_free(&cfg);
    if (ret < 0) {
        /* Stopped by a signal: everything is cleaned up; die of it as expected. */
        int sig = cli_stop_signal;

        (void) signal(sig, SIG_DFL);
        (void) raise(sig);   /* if it returns, the exit status says the same */
        return 128 + sig;
    }
    return ret;
}
