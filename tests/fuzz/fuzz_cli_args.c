/*
 * Fuzz target: the tlspair tool's hand-written argument parser (examples/cli/cli_args.c).
 * The input, split at NUL bytes, is argv[1..]. Whatever it is, the parser must return
 * "run", "help printed" or a usage error, and a command line it accepts must satisfy
 * every rule its --help states (one transport, credentials that go together, role-only
 * options on their role, secure client defaults), with every string pointing into argv.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "fuzz_engine.h"
#include "fuzz_target.h"

#define MAX_ARGS 64

static int devnull = -1;

/* NOLINTNEXTLINE(readability-non-const-parameter): libFuzzer's signature */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    FZ_ASSERT(devnull >= 0);
    return 0;
}

/* The parser's usage lines and --help text go nowhere while it runs (a line per input
 * would flood the fuzzer's log); the checks below print where they always do. */
static int parse_quietly(int argc, char **argv, cli_opts *o, int *help)
{
    int saved_out, saved_err, ret;

    (void) fflush(stdout);
    (void) fflush(stderr);
    saved_out = dup(STDOUT_FILENO);
    saved_err = dup(STDERR_FILENO);
    FZ_ASSERT(saved_out >= 0 && saved_err >= 0);
    FZ_ASSERT(dup2(devnull, STDOUT_FILENO) >= 0 && dup2(devnull, STDERR_FILENO) >= 0);
    ret = cli_parse_args(argc, argv, o, help);
    (void) fflush(stdout);
    (void) fflush(stderr);
    FZ_ASSERT(dup2(saved_out, STDOUT_FILENO) >= 0 && dup2(saved_err, STDERR_FILENO) >= 0);
    (void) close(saved_out);
    (void) close(saved_err);
    return ret;
}

/* s is NULL or points into one of the argument strings. */
static int in_argv(const char *s, int argc, char **argv)
{
    int i;

    if (s == NULL) {
        return 1;
    }
    for (i = 1; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (s >= argv[i] && s <= argv[i] + n) {
            return 1;
        }
    }
    return 0;
}

static int is_hex(const char *s)
{
    return strspn(s, "0123456789abcdefABCDEF") == strlen(s);
}

static void check_accepted(const cli_opts *o, int argc, char **argv)
{
    FZ_ASSERT(argc >= 2);
    FZ_ASSERT(strcmp(argv[1], o->role == TLSP_CLIENT ? "client" : "server") == 0);
    FZ_ASSERT(o->link == CLI_LINK_TCP || o->link == CLI_LINK_UNIX || o->link == CLI_LINK_SERIAL);
    FZ_ASSERT(memchr(o->tcp_host, 0, sizeof(o->tcp_host)) != NULL);
    FZ_ASSERT(o->link == CLI_LINK_TCP || o->path != NULL);
    FZ_ASSERT(o->link == CLI_LINK_SERIAL ? o->baud >= 1 && o->baud <= 4000000u : o->baud == 0 && !o->rtscts);
    FZ_ASSERT((o->psk_identity == NULL) == (o->psk_hex == NULL));
    FZ_ASSERT((o->cert == NULL) == (o->key == NULL));
    FZ_ASSERT(o->key_password == NULL || o->key != NULL);
    FZ_ASSERT(!(o->tls12_only && o->tls13_only));
    FZ_ASSERT(o->timeout_ms >= 1 && o->timeout_ms <= 86400000u);
    FZ_ASSERT(o->record_size == 0 || (o->record_size >= 64 && o->record_size <= 16384));
    FZ_ASSERT(in_argv(o->path, argc, argv) && in_argv(o->psk_identity, argc, argv) &&
              in_argv(o->psk_hex, argc, argv) && in_argv(o->cert, argc, argv) &&
              in_argv(o->key, argc, argv) && in_argv(o->key_password, argc, argv) &&
              in_argv(o->ca, argc, argv) && in_argv(o->ciphers, argc, argv) &&
              in_argv(o->sess_in, argc, argv) && in_argv(o->sess_out, argc, argv) &&
              in_argv(o->sess_key_hex, argc, argv) && in_argv(o->ready_file, argc, argv));
    FZ_ASSERT(in_argv(o->hostname, argc, argv) || o->hostname == o->tcp_host);
    if (o->role == TLSP_SERVER) {
        FZ_ASSERT(o->cert != NULL || o->psk_hex != NULL);
        FZ_ASSERT(!o->require_client_cert || o->ca != NULL);
        FZ_ASSERT(o->hostname == NULL && o->sess_in == NULL && o->sess_out == NULL &&
                  o->sess_key_hex == NULL && o->connect_retry_ms == 0);
        return;
    }
    FZ_ASSERT(!o->echo && !o->once && !o->resumption && !o->require_client_cert && o->ready_file == NULL);
    FZ_ASSERT(o->link != CLI_LINK_TCP || (o->tcp_host[0] != '\0' && o->tcp_port != 0));
    /* Secure defaults: a certificate client always has a CA and a name to check. */
    FZ_ASSERT(o->psk_hex != NULL || (o->ca != NULL && o->hostname != NULL));
    if (o->sess_key_hex != NULL) {
        FZ_ASSERT(o->sess_in != NULL || o->sess_out != NULL);
        FZ_ASSERT((strlen(o->sess_key_hex) == 32 || strlen(o->sess_key_hex) == 64) && is_hex(o->sess_key_hex));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *argv[MAX_ARGS + 2];
    int argc = 1;
    size_t start = 0;
    size_t i;
    cli_opts o;
    int help = 0;
    int ret;
    int asked_help = 0;

    static char program[] = "tlspair";

    argv[0] = program;
    /* Each argument in its own exact-size heap block: a read past its NUL is caught. */
    for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
        if (i == size || data[i] == 0) {
            size_t n = i - start;
            char *arg = malloc(n + 1);

            FZ_ASSERT(arg != NULL);
            if (n > 0) {
                memcpy(arg, data + start, n);
            }
            arg[n] = '\0';
            argv[argc++] = arg;
            asked_help |= strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "help") == 0;
            start = i + 1;
        }
    }
    argv[argc] = NULL;
    ret = parse_quietly(argc, argv, &o, &help);
    FZ_ASSERT(ret == 0 || ret == CLI_EXIT_USAGE);
    if (help) {
        FZ_ASSERT(ret == CLI_EXIT_OK && asked_help);
    } else if (ret == 0) {
        check_accepted(&o, argc, argv);
    }
    for (i = 1; i < (size_t) argc; i++) {
        free(argv[i]);
    }
    return 0;
}
