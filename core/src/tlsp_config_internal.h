/* Internal: config flags shared by tlsp_config.c and tlsp_engine.c. */
#ifndef TLSP_CONFIG_INTERNAL_H
#define TLSP_CONFIG_INTERNAL_H

#define TLSP_CFG_INIT                0x01u
#define TLSP_CFG_HAS_PSK             0x02u
#define TLSP_CFG_HAS_CERT            0x04u
#define TLSP_CFG_HAS_CA              0x08u
#define TLSP_CFG_HAS_HOSTNAME        0x10u
#define TLSP_CFG_REQUIRE_CLIENT_CERT 0x20u
#define TLSP_CFG_RESUME_TICKETS      0x40u  /* tlsp_config_enable_resumption() */
#define TLSP_CFG_RESUME_SESSION_ID   0x80u

/* Any resumption mechanism enabled. */
#define TLSP_CFG_RESUMPTION (TLSP_CFG_RESUME_TICKETS | TLSP_CFG_RESUME_SESSION_ID)

/* Apply the TLS 1.3 key-exchange modes the credentials and resumption call for. */
void tlsp_config_apply_tls13_modes(struct tlsp_config *cfg);

/* 0 when an engine may be attached to cfg, else TLSP_ERR_CONFIG or TLSP_ERR_BAD_ARG. */
int tlsp_config_check_usable(const struct tlsp_config *cfg);

#endif /* TLSP_CONFIG_INTERNAL_H */
