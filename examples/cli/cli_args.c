/*
 * tlspair's command line: options into a cli_opts, consistency checks, --help.
 * Only the shape of the command line is checked here; whether files can be read and
 * credentials parsed is cli_tls.c's job.
 */
#define _GNU_SOURCE
#include "cli_args.h"

#include "tlspair/tlsp_keylog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char help_text[] =
"Usage: tlspair client|server TRANSPORT CREDENTIALS [OPTIONS]\n"
"\n"
"Speak TLS (mbedTLS through tlspair) over TCP, a unix socket or a serial line.\n"
"stdin goes into the connection and the connection's plaintext comes out on stdout,\n"
"both at once (like nc, or openssl s_client -quiet). At end of stdin tlspair sends\n"
"close_notify (and on TCP a FIN) and keeps reading until the peer closes. stdout\n"
"carries nothing but the peer's plaintext; messages go to stderr.\n"
"\n"
"Transport (exactly one):\n"
"  --tcp HOST:PORT      client: connect to HOST:PORT ([ADDR]:PORT for IPv6).\n"
"                       server: listen on HOST:PORT. \":PORT\" listens on 127.0.0.1\n"
"                       only; to listen on every interface say so: \"0.0.0.0:PORT\"\n"
"                       or \"[::]:PORT\". PORT 0 picks a free port (--ready-file).\n"
"  --unix PATH          unix stream socket. Client: connect to it (e.g. a board in\n"
"                       QEMU: -chardev socket,id=c,path=PATH,server=on,wait=off).\n"
"                       Server: listen on it (a stale socket file is replaced).\n"
"  --serial DEV         serial device: /dev/ttyUSB0, /dev/ttyACM0, a pty.\n"
"  --baud N             serial rate, 1200..921600 (default 115200)\n"
"  --rtscts             serial RTS/CTS hardware flow control\n"
"\n"
"Credentials:\n"
"  --psk-identity ID --psk HEX\n"
"                       pre-shared key (1..64 bytes as hex); both ends alike\n"
"  --cert FILE --key FILE\n"
"                       this side's certificate chain (leaf first) and key, PEM or\n"
"                       DER. A server needs these or a PSK; a client sends them when\n"
"                       the server asks (--require-client-cert).\n"
"  --key-password PW    password of an encrypted --key\n"
"  --ca FILE            trusted CA certificate(s), PEM or DER. A client that does not\n"
"                       use a PSK checks the server's certificate and needs this.\n"
"  --hostname NAME      client: the name the server's certificate must carry (also\n"
"                       sent as SNI). Default: the --tcp host when it is a name; give\n"
"                       it for an address, --unix and --serial.\n"
"  --require-client-cert\n"
"                       server: demand a client certificate signed by --ca\n"
"\n"
"TLS:\n"
"  --tls1.2, --tls1.3   allow only this version (default: both, 1.3 preferred)\n"
"  --ciphers LIST       colon-separated mbedTLS suite names, most preferred first, e.g.\n"
"                       TLS1-3-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256\n"
"  --timeout S          handshake deadline in seconds (default 30). Also bounds the TCP\n"
"                       connect, and how long tlspair waits for the peer's close_notify\n"
"                       once it sent its own and nothing more arrives.\n"
"  --record-size N      largest plaintext per record, 64..16384 (default 16384). A small\n"
"                       board may want its buffer size (e.g. 1024).\n"
"\n"
"Data and connections:\n"
"  --echo               server: send back what the client sends (stdin is not read)\n"
"  --once               server: serve one connection, exit with its status. Default:\n"
"                       one connection after another until killed (SIGINT/SIGTERM).\n"
"  --connect-retry S    client: while the peer refuses or its socket or device does\n"
"                       not exist yet, try again for up to S seconds (default 0)\n"
"\n"
"Session resumption:\n"
"  --resumption         server: issue session tickets (TLS 1.2 and 1.3) and keep a\n"
"                       TLS 1.2 session-ID cache; sessions live 1 hour, in this process\n"
"  --sess-out FILE      client: save the session to FILE (mode 0600). TLS 1.2: right\n"
"                       after the handshake. TLS 1.3: once the server's ticket arrived,\n"
"                       which is after the handshake; a server without resumption sends\n"
"                       none, and then nothing is saved (a warning says so).\n"
"  --sess-in FILE       client: offer the session in FILE. A missing, corrupt or wrong-\n"
"                       key file, or a session the server no longer accepts, gives a\n"
"                       warning and a full handshake, never a failure.\n"
"  --sess-key HEX       client: 16 or 32-byte AES key: --sess-out seals the file\n"
"                       (AES-GCM) and --sess-in opens it. Without it the file holds the\n"
"                       session's secrets in the clear.\n"
"\n"
"Output:\n"
"  --quiet              no summary and no progress; the error line stays\n"
"  --trace              print the handshake as it happens, one line per event: each\n"
"                       message sent (->) or received (<-) by name and size, the\n"
"                       negotiated version, suite and group, alerts by name, and why\n"
"                       it failed (docs/diagnostics.md). Lines start \"tlspair: trace:\"\n"
"  --trace-states       --trace, plus every mbedTLS handshake state\n"
"  --ready-file FILE    server: once listening, write the TCP port (or the --unix or\n"
"                       --serial path) and a newline to FILE, atomically. Scripts wait\n"
"                       for FILE instead of sleeping. The server also prints\n"
"                       \"listening on HOST:PORT\" to stderr (unless --quiet).\n"
"  -h, --help           this text\n"
"\n"
"Capture (docs/capture.md):\n"
"  --pcap FILE          write the connection's TLS bytes to FILE as a pcap that\n"
"                       Wireshark/tshark dissect (a made-up TCP connection to port\n"
"                       443, whatever the transport). Server: with --once only.\n"
"  --keylog FILE        append the connection's TLS secrets to FILE (0600) in the\n"
"                       SSLKEYLOGFILE format, so that Wireshark/tshark decrypt the\n"
"                       pcap (tls.keylog_file). WARNING: anyone with FILE and a capture\n"
"                       reads all the traffic; printed on stderr even with --quiet.\n"
"                       Only in builds with TLSP_KEYLOG=ON (test builds).\n"
"\n"
"On stderr: a handshake summary (version, suite, peer certificate subject, handshake\n"
"time and bytes, whether the session was resumed), a throughput line during long\n"
"transfers when stderr is a terminal, and on failure one line \"tlspair: error: ...\"\n"
"followed by \"tlspair: reason: ...\": what happened on this connection and what to check.\n"
"\n"
"Exit status:\n"
"  0  clean close both ways (close_notify each way)\n"
"  1  other failure (stdin/stdout error, out of memory)\n"
"  2  usage error, unreadable or unusable credential file\n"
"  3  connection or transport failure: name not resolved, connection refused,\n"
"     unreachable or reset; serial device missing, busy, not a tty, bad baud\n"
"  4  TLS failure: handshake, alert, bad record, truncation (EOF without close_notify)\n"
"  5  certificate rejected: the peer's by us (untrusted, expired, wrong hostname), or\n"
"     ours by the peer (it sent a certificate alert)\n"
"  6  timeout: connect, handshake, or the wait for the peer's close_notify\n"
"\n"
"Examples:\n"
"  Talk to a board on /dev/ttyUSB0 at 115200 baud with a pre-shared key:\n"
"    tlspair client --serial /dev/ttyUSB0 --baud 115200 \\\n"
"        --psk-identity board-1 --psk 5a3c1192e740086bd12f779e03c855a4 \\\n"
"        --record-size 1024\n"
"\n"
"  TCP with certificates: an echo server on localhost:4433, and a client that checks\n"
"  the server is \"localhost\" by a certificate from ca.pem:\n"
"    tlspair server --tcp :4433 --cert server.pem --key server.key --echo\n"
"    echo hello | tlspair client --tcp localhost:4433 --ca ca.pem\n"
"\n"
"  Resume a session on the next connection:\n"
"    tlspair client --tcp localhost:4433 --ca ca.pem --sess-out s.bin </dev/null\n"
"    tlspair client --tcp localhost:4433 --ca ca.pem --sess-in s.bin </dev/null\n";

void cli_print_help(FILE *out)
{
    fputs(help_text, out);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, CLI_NAME ": usage error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);  /* NOLINT(clang-analyzer-valist.Uninitialized): va_start is just above; clang-tidy 14 says otherwise only when one run analyses several files */
    va_end(ap);
    fprintf(stderr, " (tlspair --help)\n");
    return CLI_EXIT_USAGE;
}

/* Whole-string unsigned number in [min, max]. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if (s[0] < '0' || s[0] > '9') {
        return -1;
    }
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

/* Seconds, possibly fractional ("0.5"), into milliseconds (1 ms .. 1 day). */
static int parse_seconds(const char *s, uint32_t *ms, int allow_zero)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0) || v > 86400.0) {
        return -1;
    }
    *ms = (uint32_t) (v * 1000.0 + 0.5);
    if (*ms == 0 && !allow_zero) {
        return -1;
    }
    return 0;
}

static int is_address(const char *host)
{
    unsigned char buf[16];

    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* "host:port", "[v6]:port", ":port". */
static int parse_host_port(const char *s, cli_opts *o)
{
    const char *colon;
    size_t host_len;
    const char *host = s;
    unsigned long port;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (close == NULL || close[1] != ':') {
            return -1;
        }
        host = s + 1;
        host_len = (size_t) (close - host);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL) {
            return -1;
        }
        host_len = (size_t) (colon - s);
        if (memchr(s, ':', host_len) != NULL) {
            return -1;   /* a bare IPv6 address: needs brackets */
        }
    }
    if (host_len >= sizeof(o->tcp_host) || parse_uint(colon + 1, 0, 65535, &port) != 0) {
        return -1;
    }
    memcpy(o->tcp_host, host, host_len);
    o->tcp_host[host_len] = '\0';
    o->tcp_port = (uint16_t) port;
    o->tcp_host_is_address = host_len > 0 && is_address(o->tcp_host);
    return 0;
}

/* An option and the value that follows it, as "--opt VALUE" or "--opt=VALUE". */
typedef struct arg_cursor {
    int argc;
    char **argv;
    int i;
    const char *name;     /* the option, without any "=value" */
    char name_buf[64];
    const char *inline_value;
} arg_cursor;

static const char *take_value(arg_cursor *c)
{
    if (c->inline_value != NULL) {
        const char *v = c->inline_value;

        c->inline_value = NULL;
        return v;
    }
    if (c->i + 1 >= c->argc) {
        return NULL;
    }
    return c->argv[++c->i];
}

/* Options that only make sense for one role, checked once the role is known. */
static int check_roles(const cli_opts *o)
{
    if (o->role == TLSP_CLIENT) {
        if (o->echo) {
            return usage_error("%s is a server option", "--echo");
        }
        if (o->once) {
            return usage_error("%s is a server option", "--once");
        }
        if (o->resumption) {
            return usage_error("%s is a server option (clients resume with --sess-in)", "--resumption");
        }
        if (o->require_client_cert) {
            return usage_error("%s is a server option", "--require-client-cert");
        }
        if (o->ready_file) {
            return usage_error("%s is a server option", "--ready-file");
        }
    } else {
        if (o->hostname) {
            return usage_error("%s is a client option", "--hostname");
        }
        if (o->sess_in) {
            return usage_error("%s is a client option", "--sess-in");
        }
        if (o->sess_out) {
            return usage_error("%s is a client option", "--sess-out");
        }
        if (o->sess_key_hex) {
            return usage_error("%s is a client option", "--sess-key");
        }
        if (o->connect_retry_ms) {
            return usage_error("%s is a client option", "--connect-retry");
        }
    }
    return 0;
}

static int check_combination(cli_opts *o)
{
    int ret = check_roles(o);

    if (ret != 0) {
        return ret;
    }
    if (o->link == CLI_LINK_NONE) {
        return usage_error("%s", "give a transport: --tcp HOST:PORT, --unix PATH or --serial DEV");
    }
    if (o->link != CLI_LINK_SERIAL && (o->baud != 0 || o->rtscts)) {
        return usage_error("%s", "--baud and --rtscts go with --serial");
    }
    if (o->link == CLI_LINK_SERIAL && o->baud == 0) {
        o->baud = 115200;
    }
    if (o->link == CLI_LINK_TCP && o->role == TLSP_CLIENT && (o->tcp_host[0] == '\0' || o->tcp_port == 0)) {
        return usage_error("%s", "a client needs --tcp HOST:PORT with a host and a nonzero port");
    }
    if ((o->psk_identity == NULL) != (o->psk_hex == NULL)) {
        return usage_error("%s", "--psk-identity and --psk go together");
    }
    if ((o->cert == NULL) != (o->key == NULL)) {
        return usage_error("%s", "--cert and --key go together");
    }
    if (o->key_password != NULL && o->key == NULL) {
        return usage_error("%s", "--key-password needs --key");
    }
    if (o->pcap != NULL && o->role == TLSP_SERVER && !o->once) {
        return usage_error("%s", "--pcap holds one connection: a server needs --once with it");
    }
    if (o->keylog != NULL && !tlsp_keylog_available()) {
        return usage_error("%s", "--keylog: this tlspair was built without the key log "
                                 "(cmake -DTLSP_KEYLOG=ON: test builds only)");
    }
    if (o->tls12_only && o->tls13_only) {
        return usage_error("%s", "--tls1.2 and --tls1.3 exclude each other (give neither to allow both)");
    }
    if (o->role == TLSP_SERVER) {
        if (o->cert == NULL && o->psk_hex == NULL) {
            return usage_error("%s", "a server needs --cert FILE --key FILE, or --psk-identity ID --psk HEX");
        }
        if (o->require_client_cert && o->ca == NULL) {
            return usage_error("%s", "--require-client-cert needs --ca FILE (the CA that signs client certificates)");
        }
        return 0;
    }
    /* Client: secure defaults. Without a PSK the server's certificate is checked, which
     * takes a CA and a name to check it against. */
    if (o->hostname == NULL && o->link == CLI_LINK_TCP && !o->tcp_host_is_address) {
        o->hostname = o->tcp_host;
    }
    if (o->psk_hex == NULL) {
        if (o->ca == NULL) {
            return usage_error("%s", "a client that uses certificates needs --ca FILE to check the server "
                                     "(or use a PSK: --psk-identity ID --psk HEX)");
        }
        if (o->hostname == NULL) {
            return usage_error("%s", "give --hostname NAME: the name the server's certificate must carry "
                                     "(the default is the --tcp host, and only when it is a name)");
        }
    }
    if (o->sess_key_hex != NULL && o->sess_in == NULL && o->sess_out == NULL) {
        return usage_error("%s", "--sess-key goes with --sess-in or --sess-out");
    }
    if (o->sess_key_hex != NULL &&
        ((strlen(o->sess_key_hex) != 32 && strlen(o->sess_key_hex) != 64) ||
         strspn(o->sess_key_hex, "0123456789abcdefABCDEF") != strlen(o->sess_key_hex))) {
        return usage_error("%s", "--sess-key wants 16 or 32 bytes as hex (32 or 64 digits)");
    }
    return 0;
}

static int set_link(cli_opts *o, cli_link_kind kind, const char *opt)
{
    if (o->link != CLI_LINK_NONE) {
        return usage_error("%s: give only one of --tcp, --unix, --serial", opt);
    }
    o->link = kind;
    return 0;
}

int cli_parse_args(int argc, char **argv, cli_opts *o, int *help)
{
    arg_cursor c;
    unsigned long n;
    int ret;

    memset(o, 0, sizeof(*o));
    o->timeout_ms = 30000;
    *help = 0;
    memset(&c, 0, sizeof(c));
    c.argc = argc;
    c.argv = argv;

    for (c.i = 1; c.i < argc; c.i++) {
        const char *arg = argv[c.i];
        const char *eq;
        const char *v = NULL;

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 || strcmp(arg, "help") == 0) {
            cli_print_help(stdout);
            *help = 1;
            return CLI_EXIT_OK;
        }
        if (c.i == 1) {
            if (strcmp(arg, "client") == 0) {
                o->role = TLSP_CLIENT;
                continue;
            }
            if (strcmp(arg, "server") == 0) {
                o->role = TLSP_SERVER;
                continue;
            }
            return usage_error("the first word must be \"client\" or \"server\", not \"%s\"", arg);
        }
        if (strncmp(arg, "--", 2) != 0) {
            return usage_error("unexpected argument \"%s\"", arg);
        }
        c.inline_value = NULL;
        c.name = arg;
        eq = strchr(arg, '=');
        if (eq != NULL && (size_t) (eq - arg) < sizeof(c.name_buf)) {
            memcpy(c.name_buf, arg, (size_t) (eq - arg));
            c.name_buf[eq - arg] = '\0';
            c.name = c.name_buf;
            c.inline_value = eq + 1;
        }

#define VALUE() do { if ((v = take_value(&c)) == NULL) \
                         return usage_error("%s needs a value", c.name); } while (0)
#define IS(opt) (strcmp(c.name, (opt)) == 0)
        if (IS("--tcp")) {
            VALUE();
            if ((ret = set_link(o, CLI_LINK_TCP, c.name)) != 0) {
                return ret;
            }
            if (parse_host_port(v, o) != 0) {
                return usage_error("--tcp wants HOST:PORT, [IPV6]:PORT or :PORT, not \"%s\"", v);
            }
        } else if (IS("--unix")) {
            VALUE();
            if ((ret = set_link(o, CLI_LINK_UNIX, c.name)) != 0) {
                return ret;
            }
            o->path = v;
        } else if (IS("--serial")) {
            VALUE();
            if ((ret = set_link(o, CLI_LINK_SERIAL, c.name)) != 0) {
                return ret;
            }
            o->path = v;
        } else if (IS("--baud")) {
            VALUE();
            if (parse_uint(v, 1, 4000000, &n) != 0) {
                return usage_error("--baud wants a rate such as 115200, not \"%s\"", v);
            }
            o->baud = (uint32_t) n;
        } else if (IS("--rtscts")) {
            o->rtscts = 1;
        } else if (IS("--psk-identity")) {
            VALUE();
            o->psk_identity = v;
        } else if (IS("--psk")) {
            VALUE();
            o->psk_hex = v;
        } else if (IS("--cert")) {
            VALUE();
            o->cert = v;
        } else if (IS("--key")) {
            VALUE();
            o->key = v;
        } else if (IS("--key-password")) {
            VALUE();
            o->key_password = v;
        } else if (IS("--ca")) {
            VALUE();
            o->ca = v;
        } else if (IS("--hostname")) {
            VALUE();
            o->hostname = v;
        } else if (IS("--tls1.2")) {
            o->tls12_only = 1;
        } else if (IS("--tls1.3")) {
            o->tls13_only = 1;
        } else if (IS("--ciphers")) {
            VALUE();
            o->ciphers = v;
        } else if (IS("--require-client-cert")) {
            o->require_client_cert = 1;
        } else if (IS("--timeout")) {
            VALUE();
            if (parse_seconds(v, &o->timeout_ms, 0) != 0) {
                return usage_error("--timeout wants seconds (> 0), not \"%s\"", v);
            }
        } else if (IS("--record-size")) {
            VALUE();
            if (parse_uint(v, 64, 16384, &n) != 0) {
                return usage_error("--record-size wants 64..16384, not \"%s\"", v);
            }
            o->record_size = (size_t) n;
        } else if (IS("--echo")) {
            o->echo = 1;
        } else if (IS("--once")) {
            o->once = 1;
        } else if (IS("--connect-retry")) {
            VALUE();
            if (parse_seconds(v, &o->connect_retry_ms, 1) != 0) {
                return usage_error("--connect-retry wants seconds, not \"%s\"", v);
            }
        } else if (IS("--resumption")) {
            o->resumption = 1;
        } else if (IS("--sess-out")) {
            VALUE();
            o->sess_out = v;
        } else if (IS("--sess-in")) {
            VALUE();
            o->sess_in = v;
        } else if (IS("--sess-key")) {
            VALUE();
            o->sess_key_hex = v;
        } else if (IS("--quiet")) {
            o->quiet = 1;
        } else if (IS("--trace")) {
            o->trace = o->trace > 1 ? o->trace : 1;
        } else if (IS("--trace-states")) {
            o->trace = 2;
        } else if (IS("--ready-file")) {
            VALUE();
            o->ready_file = v;
        } else if (IS("--pcap")) {
            VALUE();
            o->pcap = v;
        } else if (IS("--keylog")) {
            VALUE();
            o->keylog = v;
        } else {
            return usage_error("unknown option \"%s\"", arg);
        }
        if (c.inline_value != NULL) {
            return usage_error("%s takes no value", c.name);
        }
#undef VALUE
#undef IS
    }
    if (argc < 2) {
        return usage_error("%s", "say \"client\" or \"server\" first");
    }
    return check_combination(o);
}
