/*
 * tlspair: sessions in files (cli_session.h).
 */
#define _GNU_SOURCE
#include "cli_session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbedtls/platform_util.h"
#include "tlspair/tlsp_session.h"

#include "cli_tls.h"

#define MAX_SESSION_FILE (64u * 1024u)

/* The --sess-key bytes, or 0 without one; -1 for a malformed key. */
static int session_key(const cli_opts *o, uint8_t key[32])
{
    int n;

    if (o->sess_key_hex == NULL) {
        return 0;
    }
    n = cli_hex_decode(o->sess_key_hex, key, 32);
    return (n == 16 || n == 32) ? n : -1;
}

static void warn(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(const cli_opts *o, const char *fmt, ...)
{
    va_list ap;

    if (!o->quiet) {
        fprintf(stderr, CLI_NAME ": warning: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);  /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is just above; clang-tidy 14 says otherwise only when one run analyses several files */
        va_end(ap);
        fputc('\n', stderr);
    }
}

int cli_session_load(tlsp_engine *e, const cli_opts *o)
{
    uint8_t key[32];
    int key_len = session_key(o, key);
    size_t len = 0;
    uint8_t *blob;
    int ret;

    if (key_len < 0) {
        fprintf(stderr, CLI_NAME ": usage error: --sess-key wants 16 or 32 bytes as hex (32 or 64 digits)\n");
        return -CLI_EXIT_USAGE;
    }
    blob = cli_read_file(o->sess_in, &len, MAX_SESSION_FILE);
    if (blob == NULL) {
        warn(o, "no session loaded from %s (%s): full handshake", o->sess_in, strerror(errno));
        mbedtls_platform_zeroize(key, sizeof(key));
        return 0;
    }
    if (key_len > 0) {
        ret = tlsp_session_load_sealed(e, key, (size_t) key_len, blob, len);
    } else {
        ret = tlsp_session_load(e, blob, len);
    }
    mbedtls_platform_zeroize(key, sizeof(key));
    mbedtls_platform_zeroize(blob, len);
    free(blob);
    if (ret != 0) {
        warn(o, "session in %s not usable (%s): full handshake", o->sess_in,
             ret == TLSP_ERR_BAD_SESSION && key_len > 0
                 ? "corrupt, not sealed, or sealed with another --sess-key"
                 : tlsp_strerror(ret));
        return 0;
    }
    return 1;
}

/* Written beside the target with mode 0600, then renamed over it. */
static int write_private_file(const char *path, const uint8_t *buf, size_t len)
{
    char tmp[4200];
    int fd;
    int ok;

    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long) getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return -1;
    }
    ok = write(fd, buf, len) == (ssize_t) len;
    ok = (close(fd) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int err = errno;

        unlink(tmp);
        errno = err;
        return -1;
    }
    return 0;
}

int cli_session_save(tlsp_engine *e, const cli_opts *o)
{
    uint8_t key[32];
    int key_len = session_key(o, key);
    size_t need = 0;
    uint8_t *blob;
    int ret;

    ret = tlsp_session_save(e, NULL, 0, &need);
    if (ret == TLSP_WANT_READ) {
        return 0;
    }
    if (ret != TLSP_ERR_BUFFER_SMALL) {
        fprintf(stderr, CLI_NAME ": warning: session not saved: %s\n", tlsp_strerror(ret));
        return -1;
    }
    need += TLSP_SESSION_SEAL_OVERHEAD;
    blob = malloc(need);
    if (blob == NULL) {
        fprintf(stderr, CLI_NAME ": warning: session not saved: out of memory\n");
        return -1;
    }
    if (key_len > 0) {
        ret = tlsp_session_save_sealed(e, key, (size_t) key_len, blob, need, &need);
    } else {
        ret = tlsp_session_save(e, blob, need, &need);
    }
    mbedtls_platform_zeroize(key, sizeof(key));
    if (ret == 0 && write_private_file(o->sess_out, blob, need) != 0) {
        fprintf(stderr, CLI_NAME ": warning: session not saved to %s: %s\n", o->sess_out, strerror(errno));
        ret = -1;
    } else if (ret != 0) {
        fprintf(stderr, CLI_NAME ": warning: session not saved: %s\n", tlsp_strerror(ret));
    }
    mbedtls_platform_zeroize(blob, need);
    free(blob);
    return ret == 0 ? 1 : -1;
}
