/*
 * Shared command line and test-credential config for the socket examples.
 */
#include "socket_example.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsp_test_pki.h"

/* TEST-ONLY pre-shared key. */
static const uint8_t example_psk_identity[] = "tlspair-example";
static const uint8_t example_psk_key[32] = {
    0x74, 0x6c, 0x73, 0x70, 0x61, 0x69, 0x72, 0x2d, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2d,
    0x70, 0x73, 0x6b, 0x2d, 0x74, 0x65, 0x73, 0x74, 0x2d, 0x6f, 0x6e, 0x6c, 0x79, 0x21, 0x21, 0x21,
};

int socket_example_parse(int argc, char **argv, socket_example_opts *o,
                         int (*extra)(const char *arg, const char *value, void *ctx), void *ctx)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->host = "localhost";
    o->port = 4433;
    o->servername = SOCKET_EXAMPLE_SERVER_NAME;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strncmp(a, "--", 2) != 0) {
            break;
        }
        if (strcmp(a, "--psk") == 0) {
            o->psk = 1;
        } else if (strcmp(a, "--host") == 0 && v != NULL) {
            o->host = v;
            i++;
        } else if (strcmp(a, "--servername") == 0 && v != NULL) {
            o->servername = v;
            i++;
        } else if (strcmp(a, "--port") == 0 && v != NULL) {
            char *end;
            unsigned long port = strtoul(v, &end, 10);
            if (*end != '\0' || port > 65535) {
                fprintf(stderr, "bad port: %s\n", v);
                return -1;
            }
            o->port = (uint16_t) port;
            i++;
        } else if (strcmp(a, "--tls") == 0 && v != NULL) {
            if (strcmp(v, "12") == 0) {
                o->version = TLSP_TLS1_2;
            } else if (strcmp(v, "13") == 0) {
                o->version = TLSP_TLS1_3;
            } else {
                fprintf(stderr, "--tls takes 12 or 13\n");
                return -1;
            }
            i++;
        } else {
            int used = extra != NULL ? extra(a, v, ctx) : 0;
            if (used == 0) {
                fprintf(stderr, "unknown option (or missing value): %s\n", a);
                return -1;
            }
            i += used - 1;
        }
    }
    o->first_arg = i;
    return 0;
}

int socket_example_config(tlsp_config *cfg, tlsp_role role, int psk, tlsp_version version,
                          const char *servername)
{
    int ret = tlsp_config_init(cfg, role);

    if (ret == 0 && version != 0) {
        ret = tlsp_config_set_versions(cfg, version, version);
    }
    if (ret == 0 && psk) {
        ret = tlsp_config_set_psk(cfg, example_psk_identity, sizeof(example_psk_identity) - 1,
                                  example_psk_key, sizeof(example_psk_key));
    } else if (ret == 0 && role == TLSP_SERVER) {
        ret = tlsp_config_set_own_cert(cfg, (const uint8_t *) tlsp_test_server_crt_pem,
                                       tlsp_test_server_crt_pem_len,
                                       (const uint8_t *) tlsp_test_server_key_pem,
                                       tlsp_test_server_key_pem_len, NULL);
    } else if (ret == 0) {
        ret = tlsp_config_add_ca(cfg, (const uint8_t *) tlsp_test_test_ca_crt_pem,
                                 tlsp_test_test_ca_crt_pem_len);
        if (ret == 0) {
            ret = tlsp_config_set_hostname(cfg, servername);
        }
    }
    if (ret != 0) {
        tlsp_config_free(cfg);
    }
    return ret;
}
