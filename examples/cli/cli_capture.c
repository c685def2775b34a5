/*
 * tlspair: --pcap and --keylog (cli_capture.h).
 */
#define _GNU_SOURCE
#include "cli_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tlspair/tlsp_keylog.h"

static int pcap_sink(void *ctx, const uint8_t *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *) ctx) == len ? 0 : -1;
}

/* Each line is flushed at once: a crash later still leaves the keys of what was captured. */
static void keylog_sink(void *ctx, const char *line)
{
    FILE *f = ctx;

    if (fputs(line, f) < 0 || fflush(f) != 0) {
        fprintf(stderr, CLI_NAME ": warning: key log: write failed: %s\n", strerror(errno));
    }
}

void cli_capture_warn(const cli_opts *o)
{
    if (o->keylog != NULL) {
        fprintf(stderr, CLI_NAME ": WARNING: --keylog writes this connection's TLS secrets to %s: "
                        "with it, anyone holding a capture reads all the traffic. "
                        "Test use only; delete the file after use.\n", o->keylog);
    }
}

/* The key log holds secrets: created private (0600), appended to. */
static FILE *open_keylog(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    FILE *f;

    if (fd < 0) {
        return NULL;
    }
    f = fdopen(fd, "a");
    if (f == NULL) {
        int err = errno;

        (void) close(fd);
        errno = err;
    }
    return f;
}

static void close_files(cli_capture *c)
{
    if (c->pcap_file != NULL) {
        (void) fclose(c->pcap_file);
        c->pcap_file = NULL;
    }
    if (c->keylog_file != NULL) {
        (void) fclose(c->keylog_file);
        c->keylog_file = NULL;
    }
}

int cli_capture_start(cli_capture *c, tlsp_engine *e, const cli_opts *o)
{
    int ret;

    memset(c, 0, sizeof(*c));
    if (o->keylog != NULL) {
        c->keylog_file = open_keylog(o->keylog);
        if (c->keylog_file == NULL) {
            fprintf(stderr, CLI_NAME ": error: --keylog %s: %s\n", o->keylog, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        ret = tlsp_keylog_enable(e, keylog_sink, c->keylog_file);
        if (ret != 0) {
            fprintf(stderr, CLI_NAME ": error: --keylog: %s (this tlspair was built without "
                            "TLSP_KEYLOG)\n", tlsp_strerror(ret));
            close_files(c);
            return CLI_EXIT_USAGE;
        }
    }
    if (o->pcap != NULL) {
        c->pcap_file = fopen(o->pcap, "wb");
        if (c->pcap_file == NULL) {
            fprintf(stderr, CLI_NAME ": error: --pcap %s: %s\n", o->pcap, strerror(errno));
            (void) tlsp_keylog_enable(e, NULL, NULL);
            close_files(c);
            return CLI_EXIT_USAGE;
        }
        ret = tlsp_pcap_begin(&c->pcap, pcap_sink, c->pcap_file);
        if (ret == 0) {
            ret = tlsp_pcap_attach(&c->pcap, e);
        }
        if (ret != 0) {
            fprintf(stderr, CLI_NAME ": error: --pcap: %s%s\n", tlsp_strerror(ret),
                    ret == TLSP_ERR_CONFIG ? " (this tlspair was built without TLSP_CAPTURE)" : "");
            (void) tlsp_keylog_enable(e, NULL, NULL);
            close_files(c);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

int cli_capture_stop(cli_capture *c, tlsp_engine *e)
{
    int ok = 1;

    if (c->pcap_file != NULL) {
        (void) tlsp_engine_set_capture(e, NULL, NULL);
        ok = tlsp_pcap_end(&c->pcap) == 0;
        ok = fflush(c->pcap_file) == 0 && ok;
        if (!ok) {
            fprintf(stderr, CLI_NAME ": warning: --pcap: the capture file is incomplete (write failed)\n");
        }
    }
    if (c->keylog_file != NULL) {
        (void) tlsp_keylog_enable(e, NULL, NULL);
    }
    close_files(c);
    return ok ? 0 : -1;
}
