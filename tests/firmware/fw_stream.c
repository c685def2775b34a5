/*
 * fw-stream: the firmware demo's data exchange (examples/firmware/fw_session.h) as a
 * filter, so that a generic TLS client can stand in for the client board:
 *
 *   fw-stream gen client --hold FIFO | tlspair client --unix SOCK $(fw-stream args psk) \
 *       | fw-stream check server --done FIFO
 *
 *   gen ROLE [--hold FIFO]    write ROLE's stream (FW_EXCHANGE_BYTES pseudo-random bytes
 *                             and their CRC-32, little-endian) to stdout. With --hold,
 *                             then wait for a byte on FIFO before ending stdout: the
 *                             board's server closes only after it sent all of its
 *                             stream, so tlspair's close_notify (sent at the end of its
 *                             stdin) must wait until check has all of it.
 *   check ROLE [--done FIFO]  read ROLE's stream from stdin and check every byte and the
 *                             CRC; once all arrived (or input ended), write a byte to
 *                             FIFO (releasing gen --hold), then read on to end of input:
 *                             nothing more may come. Prints "RESULT PASS" on success.
 *
 * The FIFO: gen opens it read-write at start (Linux: never blocks), so check's
 * non-blocking open finds a reader whenever gen still runs, and a gen that is gone
 * leaves nothing to release. No sleeping, no polling.
 *   args psk|ecdsa            print the tlspair options for a board of that profile:
 *                             its PSK or server name, and its record size.
 *
 * Exit status 0 on success, 1 when the data is wrong or short, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fw_session.h"
#include "fw_stream.h"

#define TRAILER_LEN 4u
#define TOTAL (FW_EXCHANGE_BYTES + TRAILER_LEN)

static int usage(void)
{
    fprintf(stderr, "usage: fw-stream gen client|server [--hold FIFO]\n"
                    "       fw-stream check client|server [--done FIFO]\n"
                    "       fw-stream args psk|ecdsa\n");
    return 2;
}

static int role_seed(const char *role, uint32_t *seed)
{
    if (strcmp(role, "client") == 0) {
        *seed = FW_SEED_CLIENT;
    } else if (strcmp(role, "server") == 0) {
        *seed = FW_SEED_SERVER;
    } else {
        return -1;
    }
    return 0;
}

static int write_all(const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

static int gen(uint32_t seed, const char *hold)
{
    uint8_t buf[4096];
    fw_stream s;
    size_t done = 0;
    uint32_t crc;
    uint8_t trailer[TRAILER_LEN];
    int hold_fd = -1;

    if (hold != NULL && (hold_fd = open(hold, O_RDWR | O_CLOEXEC)) < 0) {
        perror("fw-stream gen: --hold");
        return 2;
    }
    fw_stream_init(&s, seed);
    while (done < FW_EXCHANGE_BYTES) {
        size_t n = 0;

        while (n < sizeof(buf) && done < FW_EXCHANGE_BYTES) {
            buf[n] = fw_stream_next(&s);
            fw_stream_crc_add(&s, buf[n]);
            n++;
            done++;
        }
        if (write_all(buf, n) != 0) {
            perror("fw-stream gen: stdout");
            return 1;
        }
    }
    crc = fw_stream_crc(&s);
    trailer[0] = (uint8_t) crc;
    trailer[1] = (uint8_t) (crc >> 8);
    trailer[2] = (uint8_t) (crc >> 16);
    trailer[3] = (uint8_t) (crc >> 24);
    if (write_all(trailer, sizeof(trailer)) != 0) {
        perror("fw-stream gen: stdout");
        return 1;
    }
    if (hold_fd >= 0) {
        ssize_t n;

        do {
            n = read(hold_fd, buf, 1);   /* blocks until check writes its byte */
        } while (n < 0 && errno == EINTR);
        close(hold_fd);
    }
    return 0;
}

/* Release gen --hold. Never blocks: if gen is gone there is nobody to release. */
static void signal_done(const char *path)
{
    static const uint8_t byte = 1;
    int fd;

    if (path == NULL) {
        return;
    }
    fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        if (write(fd, &byte, 1) != 1) {
            perror("fw-stream check: --done");
        }
        close(fd);
    }
}

static int check(uint32_t seed, const char *role, const char *done_fifo)
{
    uint8_t buf[4096];
    uint8_t trailer[TRAILER_LEN];
    fw_stream s;
    size_t got = 0;
    size_t extra = 0;
    size_t first_mismatch = (size_t) -1;
    uint32_t crc;
    uint32_t crc_sent;
    int signalled = 0;

    fw_stream_init(&s, seed);
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        ssize_t i;

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        for (i = 0; i < n; i++) {
            if (got < FW_EXCHANGE_BYTES) {
                if (buf[i] != fw_stream_next(&s) && first_mismatch == (size_t) -1) {
                    first_mismatch = got;
                }
                fw_stream_crc_add(&s, buf[i]);
                got++;
            } else if (got < TOTAL) {
                trailer[got - FW_EXCHANGE_BYTES] = buf[i];
                got++;
            } else {
                extra++;
            }
        }
        if (got == TOTAL && !signalled) {
            signal_done(done_fifo);
            signalled = 1;
        }
    }
    if (!signalled) {
        signal_done(done_fifo);
    }
    if (got < TOTAL) {
        printf("fw-stream: FAIL: %zu of %u bytes from the %s\n", got, (unsigned) TOTAL, role);
        return 1;
    }
    crc = fw_stream_crc(&s);
    crc_sent = (uint32_t) trailer[0] | ((uint32_t) trailer[1] << 8) | ((uint32_t) trailer[2] << 16) |
               ((uint32_t) trailer[3] << 24);
    if (first_mismatch != (size_t) -1 || crc != crc_sent || extra != 0) {
        printf("fw-stream: FAIL: %s stream: first mismatch at %lld, crc %08x, trailer %08x, %zu extra bytes\n",
               role, first_mismatch == (size_t) -1 ? -1LL : (long long) first_mismatch,
               (unsigned) crc, (unsigned) crc_sent, extra);
        return 1;
    }
    printf("fw-stream: %s stream: %u B, crc %08x ok\n", role, (unsigned) FW_EXCHANGE_BYTES, (unsigned) crc);
    printf("fw-stream: RESULT PASS\n");
    return 0;
}

static int args(const char *profile)
{
    size_t i;

    if (strcmp(profile, "psk") == 0) {
        printf("--psk-identity %.*s --psk ", (int) fw_psk_identity_len, (const char *) fw_psk_identity);
        for (i = 0; i < fw_psk_key_len; i++) {
            printf("%02x", fw_psk_key[i]);
        }
        printf(" --record-size %u\n", (unsigned) FW_RECORD_SIZE_PSK);
        return 0;
    }
    if (strcmp(profile, "ecdsa") == 0) {
        printf("--hostname %s --record-size %u\n", FW_SERVER_NAME, (unsigned) FW_RECORD_SIZE_ECDSA);
        return 0;
    }
    return usage();
}

int main(int argc, char **argv)
{
    uint32_t seed;
    const char *fifo = NULL;

    if (argc == 3 && strcmp(argv[1], "args") == 0) {
        return args(argv[2]);
    }
    if (argc != 3 && argc != 5) {
        return usage();
    }
    if (role_seed(argv[2], &seed) != 0) {
        return usage();
    }
    if (strcmp(argv[1], "gen") == 0) {
        if (argc == 5) {
            if (strcmp(argv[3], "--hold") != 0) {
                return usage();
            }
            fifo = argv[4];
        }
        return gen(seed, fifo);
    }
    if (strcmp(argv[1], "check") == 0) {
        if (argc == 5) {
            if (strcmp(argv[3], "--done") != 0) {
                return usage();
            }
            fifo = argv[4];
        }
        return check(seed, argv[2], fifo);
    }
    return usage();
}
