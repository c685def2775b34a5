/* Internal: config flags shared by tlsp_config.c and tlsp_engine.c. */
#ifndef TLSP_CONFIG_INTERNAL_H
#define TLSP_CONFIG_INTERNAL_H

#define TLSP_CFG_INIT                0x01u
#define TLSP_CFG_HAS_PSK             0x02u
#define TLSP_CFG_HAS_CERT            0x04u
#define TLSP_CFG_HAS_CA              0x08u
#define TLSP_CFG_HAS_HOSTNAME        0x10u
#define TLSP_CFG_REQUIRE_CLIENT_CERT 0x20u

/* 0 when an engine may be attached to cfg, else TLSP_ERR_CONFIG or TLSP_ERR_BAD_ARG. */
int tlsp_config_check_usable(const struct tlsp_config *cfg);

#endif /* TLSP_CONFIG_INTERNAL_H */
