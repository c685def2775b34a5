/*
 * Writes the committed seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/):
 *
 *   record_seeds OUTDIR        (scripts/fuzz.sh --record runs it on tests/fuzz/corpus)
 *
 * engine_client, engine_server: real connections, recorded. For every profile and role,
 * the engine under test runs exactly as the fuzz target runs it (fuzz_engine.c, same
 * port seed) and its peer, a real tlspair engine, runs in a child process with its own
 * port state, so that the peer's random draws do not shift the engine's. Each round,
 * the engine's output goes to the peer and the peer's answer is one flight of the seed.
 * Seeds: the whole connection (handshake, application data both ways, close_notify both
 * ways, then EOF) and its prefixes ending after each flight. Every seed is replayed
 * before it is written: the whole one must reach a clean close, a prefix no failure.
 *
 * session: the sessions the recorded clients saved (plain and sealed). config: the test
 * PKI, PSKs, suite lists and names as setter calls. link: a real link's frames (data,
 * acknowledgements, SACKs). link_framing: frames and COBS blocks. cli_args: the command
 * lines of the tool's --help and tests.
 *
 * The output is deterministic: running it again writes the same files.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz_config.h"
#include "fuzz_engine.h"
#include "fuzz_link.h"
#include "fuzz_session.h"
#include "tlsp_port_test.h"
#include "tlsp_test_pki.h"
#include "tlspair/tlsp_session.h"

#define TARGET_SEED 1u       /* fz_run()'s */
#define PEER_SEED   0x5eedu
#define MAX_FLIGHTS 32u
#define MAX_ROUNDS  64u
#define MSG_MAX     (64u * 1024u)

typedef struct buffer {
    uint8_t data[MSG_MAX];
    size_t len;
} buffer;

typedef struct recording {
    buffer flights[MAX_FLIGHTS];
    unsigned count;
    uint8_t session[4096];
    size_t session_len;
    uint8_t sealed[4096];
    size_t sealed_len;
} recording;

static const char *out_dir;
static unsigned files_written;

static void die(const char *what)
{
    fprintf(stderr, "record_seeds: %s\n", what);
    exit(1);
}

static void append(buffer *b, const uint8_t *data, size_t len)
{
    if (len > sizeof(b->data) - b->len) {
        die("buffer overflow");
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void collect(void *ctx, const uint8_t *data, size_t len)
{
    append(ctx, data, len);
}

static void write_seed(const char *target, const char *name, const uint8_t *data, size_t len)
{
    char path[1024];
    FILE *f;
    int n;

    n = snprintf(path, sizeof(path), "%s/%s", out_dir, target);
    if (n < 0 || (size_t) n >= sizeof(path) || (mkdir(path, 0755) != 0 && errno != EEXIST)) {
        die("cannot create a target directory");
    }
    n = snprintf(path, sizeof(path), "%s/%s/%s", out_dir, target, name);
    if (n < 0 || (size_t) n >= sizeof(path)) {
        die("path too long");
    }
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        die("cannot write a seed");
    }
    files_written++;
}

/* ---- Messages between the engine and its peer (one SOCK_SEQPACKET message each) ------- */

static void send_msg(int fd, char tag, const buffer *b)
{
    static uint8_t msg[MSG_MAX + 1];
    size_t len = b != NULL ? b->len : 0;

    msg[0] = (uint8_t) tag;
    if (len > 0) {
        memcpy(msg + 1, b->data, len);
    }
    if (send(fd, msg, len + 1, 0) != (ssize_t) (len + 1)) {
        die("send to the peer process failed");
    }
}

static char recv_msg(int fd, buffer *b)
{
    static uint8_t msg[MSG_MAX + 1];
    ssize_t n = recv(fd, msg, sizeof(msg), 0);

    if (n < 1) {
        die("the peer process went away");
    }
    b->len = 0;
    append(b, msg + 1, (size_t) n - 1);
    return (char) msg[0];
}

/* The peer: a real engine of the other role, answering each message of the engine
 * under test with everything it has to say. */
static void run_peer(int fd, unsigned profile, tlsp_role role)
{
    static fz_conn peer;
    static buffer in, out;

    if (fz_conn_setup(&peer, profile, role, 1, PEER_SEED) != 0) {
        _exit(2);
    }
    while (recv_msg(fd, &in) == 'D') {
        out.len = 0;
        fz_conn_deliver(&peer, in.data, in.len, collect, &out);
        send_msg(fd, 'D', &out);
    }
    fz_conn_free(&peer);
    _exit(0);
}

static void save_session(fz_conn *c, recording *rec)
{
    if (c->role != TLSP_CLIENT) {
        return;
    }
    if (tlsp_session_save(&c->e, rec->session, sizeof(rec->session), &rec->session_len) != 0) {
        rec->session_len = 0;
    }
    if (tlsp_session_save_sealed(&c->e, fz_session_key, sizeof(fz_session_key), rec->sealed,
                                 sizeof(rec->sealed), &rec->sealed_len) != 0) {
        rec->sealed_len = 0;
    }
}

/* One connection: the engine under test here, its peer in a child process. */
static void record(unsigned profile, tlsp_role role, recording *rec)
{
    static fz_conn conn;
    static buffer out, reply;
    int sv[2];
    pid_t pid;
    unsigned round;
    int status;

    memset(rec, 0, sizeof(*rec));
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0) {
        die("socketpair failed");
    }
    (void) fflush(NULL);
    pid = fork();
    if (pid < 0) {
        die("fork failed");
    }
    if (pid == 0) {
        (void) close(sv[0]);
        run_peer(sv[1], profile, role == TLSP_CLIENT ? TLSP_SERVER : TLSP_CLIENT);
    }
    (void) close(sv[1]);
    if (fz_conn_setup(&conn, profile, role, 0, TARGET_SEED) != 0) {
        die("engine setup failed");
    }
    out.len = 0;
    fz_conn_deliver(&conn, NULL, 0, collect, &out);
    for (round = 0; round < MAX_ROUNDS && !(conn.peer_closed && conn.close_sent); round++) {
        size_t sent = out.len;

        send_msg(sv[0], 'D', &out);
        out.len = 0;
        (void) recv_msg(sv[0], &reply);
        if (reply.len == 0) {
            if (sent == 0) {
                break;                                   /* both ends idle */
            }
            continue;
        }
        if (rec->count == MAX_FLIGHTS) {
            die("too many flights");
        }
        rec->flights[rec->count++] = reply;
        /* Exactly as fz_run() will: one delivery per non-empty flight. */
        fz_conn_deliver(&conn, reply.data, reply.len, collect, &out);
    }
    save_session(&conn, rec);
    fz_conn_free(&conn);
    send_msg(sv[0], 'Q', NULL);
    (void) close(sv[0]);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        die("the peer process failed");
    }
}

/* [profile | flags] then the first `count` flights, framed (fuzz_engine.h). */
static size_t build_seed(const recording *rec, unsigned profile, unsigned count, int eof, buffer *seed)
{
    unsigned i;
    uint8_t head = (uint8_t) (profile | (eof ? FZ_FLAG_EOF : 0u));

    seed->len = 0;
    append(seed, &head, 1);
    for (i = 0; i < count; i++) {
        const buffer *f = &rec->flights[i];
        uint8_t len[2] = { (uint8_t) (f->len >> 8), (uint8_t) f->len };

        if (f->len > 0xFFFFu) {
            die("flight too long for the framing");
        }
        append(seed, len, 2);
        append(seed, f->data, f->len);
    }
    return seed->len;
}

static void record_engine(tlsp_role role, const char *target)
{
    static recording rec;
    static buffer seed;
    unsigned profile;

    for (profile = 0; profile < FZ_PROFILE_COUNT; profile++) {
        fz_outcome o, whole;
        unsigned k;
        char name[128];
        size_t whole_len;

        record(profile, role, &rec);
        build_seed(&rec, profile, rec.count, 1, &seed);
        fz_run(seed.data, seed.len, role, &o);
        if (!o.handshake_done || !o.peer_closed || o.error != 0 || o.app_in != strlen(FZ_REPLY)) {
            fprintf(stderr, "record_seeds: %s %s: the replay did not reach a clean close "
                            "(handshake %d, closed %d, %zu bytes, error %d)\n",
                    target, fz_profile_name(profile), o.handshake_done, o.peer_closed, o.app_in, o.error);
            exit(1);
        }
        whole = o;
        whole_len = seed.len;
        (void) snprintf(name, sizeof(name), "%s-full", fz_profile_name(profile));
        write_seed(target, name, seed.data, seed.len);
        for (k = 1; k < rec.count; k++) {
            build_seed(&rec, profile, k, 0, &seed);
            fz_run(seed.data, seed.len, role, &o);
            if (o.error != 0) {
                die("a prefix replay failed");
            }
            (void) snprintf(name, sizeof(name), "%s-flight%u%s", fz_profile_name(profile), k,
                            o.handshake_done ? "-established" : "");
            write_seed(target, name, seed.data, seed.len);
        }
        printf("%s %-20s %u flights, %zu bytes: handshake, %zu bytes of data, clean close\n",
               target, fz_profile_name(profile), rec.count, whole_len, whole.app_in);
        if (role == TLSP_CLIENT) {
            uint8_t psk_cfg = strstr(fz_profile_name(profile), "psk") != NULL ? FZ_SESSION_PSK_CFG : 0u;

            if (rec.session_len > 0) {
                seed.len = 0;
                append(&seed, &psk_cfg, 1);
                append(&seed, rec.session, rec.session_len);
                (void) snprintf(name, sizeof(name), "%s-plain", fz_profile_name(profile));
                write_seed("session", name, seed.data, seed.len);
            }
            if (rec.sealed_len > 0) {
                uint8_t head = psk_cfg | FZ_SESSION_SEALED;

                seed.len = 0;
                append(&seed, &head, 1);
                append(&seed, rec.sealed, rec.sealed_len);
                (void) snprintf(name, sizeof(name), "%s-sealed", fz_profile_name(profile));
                write_seed("session", name, seed.data, seed.len);
            }
        }
    }
}

/* ---- Config: setter calls with the test PKI ------------------------------------------- */

static void put_field(buffer *b, const void *data, size_t len)
{
    uint8_t n[2] = { (uint8_t) (len >> 8), (uint8_t) len };

    append(b, n, 2);
    append(b, data, len);
}

static void put_op(buffer *b, unsigned op)
{
    uint8_t o = (uint8_t) op;

    append(b, &o, 1);
}

static void record_config(void)
{
    static buffer b;
    static const uint8_t versions[4] = { 0x03, 0x03, 0x03, 0x04 };
    static const uint8_t record_size[2] = { 0x04, 0x00 };
    static const uint8_t resume[7] = { TLSP_RESUME_ALL, 0, 0, 0x0e, 0x10, 0, 8 };
    static const char suites[] = "TLS1-3-AES-128-GCM-SHA256:TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256:"
                                 "TLS-PSK-WITH-AES-128-GCM-SHA256";
    uint8_t server = FZ_CONFIG_SERVER, client = 0;

    b.len = 0;   /* server: PEM chain and key, resumption, client certificates */
    append(&b, &server, 1);
    put_op(&b, FZ_OP_OWN_CERT);
    put_field(&b, tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len);
    put_field(&b, tlsp_test_server_key_pem, tlsp_test_server_key_pem_len);
    put_field(&b, "", 0);
    put_op(&b, FZ_OP_ADD_CA);
    put_field(&b, tlsp_test_test_ca_crt_pem, tlsp_test_test_ca_crt_pem_len);
    put_op(&b, FZ_OP_CLIENT_CERT);
    put_op(&b, FZ_OP_RESUMPTION);
    put_field(&b, resume, sizeof(resume));
    write_seed("config", "server-pem", b.data, b.len);

    b.len = 1;   /* server: DER */
    put_op(&b, FZ_OP_OWN_CERT);
    put_field(&b, tlsp_test_server_crt_der, tlsp_test_server_crt_der_len);
    put_field(&b, tlsp_test_server_key_der, tlsp_test_server_key_der_len);
    put_field(&b, "", 0);
    put_op(&b, FZ_OP_RECORD_SIZE);
    put_field(&b, record_size, sizeof(record_size));
    write_seed("config", "server-der", b.data, b.len);

    b.len = 1;   /* server: encrypted key and its password */
    put_op(&b, FZ_OP_OWN_CERT);
    put_field(&b, tlsp_test_server_crt_pem, tlsp_test_server_crt_pem_len);
    put_field(&b, tlsp_test_server_key_encrypted_pem, tlsp_test_server_key_encrypted_pem_len);
    put_field(&b, tlsp_test_key_password, strlen(tlsp_test_key_password));
    write_seed("config", "server-encrypted-key", b.data, b.len);

    b.len = 0;   /* client: CA, hostname, suites, versions */
    append(&b, &client, 1);
    put_op(&b, FZ_OP_ADD_CA);
    put_field(&b, tlsp_test_test_ca_crt_pem, tlsp_test_test_ca_crt_pem_len);
    put_op(&b, FZ_OP_ADD_CA);
    put_field(&b, tlsp_test_server_crt_der, tlsp_test_server_crt_der_len);
    put_op(&b, FZ_OP_HOSTNAME);
    put_field(&b, "tlspair-test-server", strlen("tlspair-test-server"));
    put_op(&b, FZ_OP_CIPHERSUITES);
    put_field(&b, suites, strlen(suites));
    put_op(&b, FZ_OP_VERSIONS);
    put_field(&b, versions, sizeof(versions));
    write_seed("config", "client-ca", b.data, b.len);

    b.len = 1;   /* client: PSK, and a client certificate */
    put_op(&b, FZ_OP_PSK);
    put_field(&b, "device-1", strlen("device-1"));
    put_field(&b, tlsp_test_server_key_der, 32);
    put_op(&b, FZ_OP_OWN_CERT);
    put_field(&b, tlsp_test_client_crt_pem, tlsp_test_client_crt_pem_len);
    put_field(&b, tlsp_test_client_key_pem, tlsp_test_client_key_pem_len);
    put_field(&b, "", 0);
    put_op(&b, FZ_OP_RESUMPTION);
    put_field(&b, resume, sizeof(resume));
    write_seed("config", "client-psk", b.data, b.len);
}

/* ---- Link: a real link's line bytes ---------------------------------------------------- */

typedef struct wire {
    buffer to_b;                 /* what link A wrote */
    buffer to_a;                 /* what link B wrote */
    size_t a_read, b_read;
} wire;

static int wire_send_a(void *ctx, const uint8_t *buf, size_t len)
{
    append(&((wire *) ctx)->to_b, buf, len);
    return (int) len;
}

static int wire_send_b(void *ctx, const uint8_t *buf, size_t len)
{
    append(&((wire *) ctx)->to_a, buf, len);
    return (int) len;
}

static int wire_recv(buffer *from, size_t *off, uint8_t *buf, size_t len)
{
    size_t n = from->len - *off;

    if (n == 0) {
        return TLSP_WANT_READ;
    }
    n = n < len ? n : len;
    memcpy(buf, from->data + *off, n);
    *off += n;
    return (int) n;
}

static int wire_recv_a(void *ctx, uint8_t *buf, size_t len)
{
    wire *w = ctx;
    return wire_recv(&w->to_a, &w->a_read, buf, len);
}

static int wire_recv_b(void *ctx, uint8_t *buf, size_t len)
{
    wire *w = ctx;
    return wire_recv(&w->to_b, &w->b_read, buf, len);
}

static void put_link_op(buffer *b, unsigned op, const uint8_t *data, size_t len)
{
    uint8_t h[3] = { (uint8_t) op, (uint8_t) (len >> 8), (uint8_t) len };

    append(b, h, 3);
    if (data != NULL) {
        append(b, data, len);
    }
}

/* Link A sends to link B (the one the fuzz target plays); the seed is what B heard, with
 * B's own data to send in between so that A's acknowledgements meet a send window. */
static void record_link_variant(uint8_t variant)
{
    static wire w;
    static buffer seed;
    static tlsp_link a, b;
    static uint8_t mem_a[TLSP_LINK_MEMORY_SIZE(TLSP_LINK_MAX_PAYLOAD, TLSP_LINK_MAX_WINDOW, TLSP_LINK_MAX_WINDOW)];
    static uint8_t mem_b[sizeof(mem_a)];
    tlsp_link_config cfg;
    tlsp_transport la = { wire_send_a, wire_recv_a, NULL, &w }, lb = { wire_send_b, wire_recv_b, NULL, &w };
    tlsp_transport ua, ub;
    uint8_t data[700], sink[1024];
    size_t i, heard = 0;
    char name[64];
    int round;

    memset(&w, 0, sizeof(w));
    for (i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t) (i * 7u);   /* zeros included: COBS must stuff them */
    }
    fz_link_config(&cfg, variant);
    if (tlsp_link_init(&a, &cfg, &la, mem_a, sizeof(mem_a)) != 0 ||
        tlsp_link_init(&b, &cfg, &lb, mem_b, sizeof(mem_b)) != 0) {
        die("link init failed");
    }
    tlsp_link_transport(&a, &ua);
    tlsp_link_transport(&b, &ub);
    seed.len = 0;
    append(&seed, &variant, 1);
    put_link_op(&seed, FZ_LINK_SEND, data, 40);              /* B has data out too */
    {
        size_t off = 0;
        for (round = 0; round < 200 && (off < sizeof(data) || !tlsp_link_idle(&a)); round++) {
            int r = off < sizeof(data) ? ua.send(ua.ctx, data + off, sizeof(data) - off) : 0;

            if (r > 0) {
                off += (size_t) r;
            }
            (void) tlsp_link_poll(&a);
            while (ub.recv(ub.ctx, sink, sizeof(sink)) > 0) {
            }
            if (round == 0) {
                (void) ub.send(ub.ctx, data, 40);
            }
            (void) tlsp_link_poll(&b);
            tlsp_port_test_advance_millis(5);
        }
    }
    /* The line bytes B heard, in a few parts (frames split across reads), then a pause. */
    while (heard < w.to_b.len) {
        size_t part = w.to_b.len - heard < 97 ? w.to_b.len - heard : 97;

        put_link_op(&seed, FZ_LINK_LINE, w.to_b.data + heard, part);
        heard += part;
    }
    put_link_op(&seed, FZ_LINK_TIME, NULL, 100);
    put_link_op(&seed, FZ_LINK_EOF, NULL, 0);
    (void) snprintf(name, sizeof(name), "variant%u", variant);
    write_seed("link", name, seed.data, seed.len);
    /* The same bytes for the framing target: whole line traffic, COBS blocks and all. */
    write_seed("link_framing", name, w.to_b.data, w.to_b.len < 2048 ? w.to_b.len : 2048);
}

static void record_link(void)
{
    static const uint8_t cobs[] = { 0x03, 0x11, 0x22, 0x02, 0x33, 0x01, 0x04, 0x44, 0x55, 0x66 };
    uint8_t v;

    for (v = 0; v < FZ_LINK_VARIANTS; v++) {
        record_link_variant(v);
    }
    write_seed("link_framing", "cobs-blocks", cobs, sizeof(cobs));
}

/* ---- The tool's command lines ----------------------------------------------------------- */

static void record_cli(void)
{
#define LINE(s) { s, sizeof(s) - 1 }
    static const struct {
        const char *text;
        size_t len;
    } lines[] = {
        LINE("client\0--tcp\0localhost:4433\0--ca\0ca.pem"),
        LINE("server\0--tcp\0:4433\0--cert\0server.pem\0--key\0server.key\0--echo\0--once"),
        LINE("client\0--serial\0/dev/ttyUSB0\0--baud\0115200\0--psk-identity\0board-1\0--psk\0"
             "5a3c1192e740086bd12f779e03c855a4\0--record-size\0001024"),
        LINE("client\0--tcp=[::1]:4433\0--hostname=localhost\0--ca=ca.pem\0--tls1.3\0--timeout\0002.5\0"
             "--sess-in\0s.bin\0--sess-out\0s.bin\0--sess-key\00000112233445566778899aabbccddeeff"),
        LINE("server\0--unix\0/tmp/t.sock\0--psk-identity\0id\0--psk\000aa\0--resumption\0--ready-file\0r\0"
             "--require-client-cert\0--ca\0ca.pem\0--ciphers\0TLS1-3-AES-128-GCM-SHA256\0--quiet"),
        LINE("client\0--tcp\0127.0.0.1:1\0--psk-identity\0x\0--psk\0ff\0--connect-retry\0000.5\0--tls1.2"),
        LINE("server\0--serial\0/dev/ttyS0\0--rtscts\0--cert\0c\0--key\0k\0--key-password\0pw\0--help"),
    };
#undef LINE
    size_t i;

    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        char name[32];

        (void) snprintf(name, sizeof(name), "line%zu", i + 1);
        write_seed("cli_args", name, (const uint8_t *) lines[i].text, lines[i].len);
    }
}

/* ---- --check: the committed engine seeds still replay to their stage ---------------- */

static int read_file(const char *path, buffer *b)
{
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        return -1;
    }
    b->len = fread(b->data, 1, sizeof(b->data), f);
    return fclose(f) == 0 && b->len < sizeof(b->data) ? 0 : -1;
}

/* "-full": handshake, the reply, a clean close. "-established": the handshake done.
 * Other prefixes: no failure. Returns the number of seeds that fall short. */
static unsigned check_target(const char *dir, const char *target, tlsp_role role, unsigned *seen)
{
    static buffer b;
    char path[1024];
    DIR *d;
    const struct dirent *ent;
    unsigned bad = 0;

    (void) snprintf(path, sizeof(path), "%s/%s", dir, target);
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "record_seeds: no corpus directory %s\n", path);
        return 1;
    }
    /* cppcheck-suppress readdirCalled ; single-threaded program, one directory stream */
    while ((ent = readdir(d)) != NULL) {
        fz_outcome o;
        int ok;

        /* regress-* inputs found bugs: they only have to run (fuzz_corpus_* does that). */
        if (ent->d_name[0] == '.' || strncmp(ent->d_name, "regress-", 8) == 0) {
            continue;
        }
        (void) snprintf(path, sizeof(path), "%s/%s/%s", dir, target, ent->d_name);
        if (read_file(path, &b) != 0) {
            bad++;
            continue;
        }
        memset(&o, 0, sizeof(o));
        fz_run(b.data, b.len, role, &o);
        if (strstr(ent->d_name, "-full") != NULL) {
            ok = o.handshake_done && o.peer_closed && o.error == 0 && o.app_in == strlen(FZ_REPLY);
        } else if (strstr(ent->d_name, "-established") != NULL) {
            ok = o.handshake_done && o.error == 0;
        } else {
            ok = o.error == 0;
        }
        if (!ok) {
            fprintf(stderr, "record_seeds: %s no longer replays (handshake %d, closed %d, error %d): "
                            "re-record the corpus (scripts/fuzz.sh --record)\n",
                    path, o.handshake_done, o.peer_closed, o.error);
            bad++;
        }
        (*seen)++;
    }
    (void) closedir(d);
    return bad;
}

static int check_corpus(const char *dir)
{
    unsigned seen = 0;
    unsigned bad = check_target(dir, "engine_client", TLSP_CLIENT, &seen) +
                   check_target(dir, "engine_server", TLSP_SERVER, &seen);

    printf("record_seeds: %u engine seeds checked, %u stale\n", seen, bad);
    return bad == 0 && seen > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--check") == 0) {
        return check_corpus(argv[2]);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: record_seeds OUTDIR | --check CORPUSDIR\n");
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0755) != 0 && errno != EEXIST) {
        die("cannot create OUTDIR");
    }
    record_engine(TLSP_CLIENT, "engine_client");
    record_engine(TLSP_SERVER, "engine_server");
    record_config();
    record_link();
    record_cli();
    printf("record_seeds: %u files in %s\n", files_written, out_dir);
    return 0;
}
