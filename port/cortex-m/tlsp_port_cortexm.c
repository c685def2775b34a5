/*
 * The Cortex-M port (tlsp_port_cortexm.h): SysTick milliseconds, board entropy, and a wall
 * clock that counts on from the date the application sets.
 *
 * No CMSIS: the three SysTick registers are architectural (ARMv6-M, ARMv7-M, ARMv8-M), at
 * the same addresses on every Cortex-M, so the port needs no vendor header.
 */
#include "tlsp_cortexm_irq.h"
#include "tlsp_port_cortexm.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* SysTick (ARMv7-M ARM B3.3): control/status, reload value, current value. */
#define SYST_CSR (*(volatile uint32_t *) 0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *) 0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *) 0xE000E018u)

#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)   /* count the processor clock */
#define SYST_RVR_MAX       0x00FFFFFFu /* the reload register has 24 bits */

/* The millisecond count, as two halves: a 64-bit load is not atomic on these cores (M0+
 * has neither LDRD nor LDREXD), so the reader below relies only on 32-bit loads. */
static volatile uint32_t millis_lo;
static volatile uint32_t millis_hi;

/* Wall clock: wall_base seconds at millisecond wall_base_ms; wall_base < 0: date unknown. */
static int64_t wall_base = -1;
static uint64_t wall_base_ms;

void tlsp_port_cortexm_init(uint32_t core_clock_hz)
{
    uint32_t reload = core_clock_hz / 1000u;

    /* Clocks below 1 kHz cannot give 1 ms ticks; above 16.7 GHz the count does not fit.
     * Neither exists on a Cortex-M, but a wrong argument should not stop the clock. */
    if (reload == 0u) {
        reload = 1u;
    }
    if (reload - 1u > SYST_RVR_MAX) {
        reload = SYST_RVR_MAX + 1u;
    }
    SYST_CSR = 0u;               /* stop while reprogramming */
    SYST_RVR = reload - 1u;      /* the counter wraps after reload ticks */
    SYST_CVR = 0u;               /* any write clears the count and COUNTFLAG */
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
}

void tlsp_port_cortexm_tick(void)
{
    /* Masked so that no reader, even an interrupt of higher priority than SysTick, ever
     * sees the low half wrapped but the high half not yet carried. */
    uint32_t primask = tlsp_cortexm_irq_save();
    uint32_t lo = millis_lo + 1u;

    millis_lo = lo;
    if (lo == 0u) {
        millis_hi = millis_hi + 1u;
    }
    tlsp_cortexm_irq_restore(primask);
}

uint64_t tlsp_port_millis(void)
{
    uint32_t hi;
    uint32_t lo;

    /* If the high half changed while we read the low half, the low half wrapped in
     * between: read again. No interrupt masking, so any context may call this. */
    do {
        hi = millis_hi;
        lo = millis_lo;
    } while (hi != millis_hi);
    return ((uint64_t) hi << 32) | lo;
}

void tlsp_port_cortexm_set_wall_time(int64_t seconds_since_epoch)
{
    if (seconds_since_epoch < 0) {
        wall_base = -1;
        return;
    }
    wall_base_ms = tlsp_port_millis();
    wall_base = seconds_since_epoch;
}

int64_t tlsp_port_wall_time(void)
{
    uint64_t elapsed;

    if (wall_base < 0) {
        return -1;
    }
    /* Carry whole seconds into the base until the rest fits 32 bits, so that only a
     * 32-bit division remains: a 64-bit one pulls a ~0.8 KB libgcc routine into the
     * firmware. (Runs once per 49 days of not asking.) */
    elapsed = tlsp_port_millis() - wall_base_ms;
    while (elapsed > UINT32_MAX) {
        wall_base += 4000000;
        wall_base_ms += 4000000000u;
        elapsed -= 4000000000u;
    }
    return wall_base + (int64_t) ((uint32_t) elapsed / 1000u);
}

#if defined(TLSP_ENTROPY_NV_SEED)

/* No TRNG on this board: mbedTLS's entropy comes from the NV seed alone (the Cortex-M
 * configs leave MBEDTLS_ENTROPY_HARDWARE_ALT out), so nothing calls this. Failing keeps
 * the contract honest should anything ever do so. */
int tlsp_port_entropy(uint8_t *buf, size_t len)
{
    (void) buf;
    (void) len;
    return -1;
}

/* mbedTLS's NV-seed hooks (MBEDTLS_PLATFORM_NV_SEED_READ_MACRO / _WRITE_MACRO in
 * tlsp_mbedtls_config_cm_common.h) return the length on success and -1 on failure. */
int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len);
int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len);

int tlsp_mbedtls_nv_seed_read(unsigned char *buf, size_t buf_len)
{
    if (buf_len > (size_t) INT_MAX || tlsp_board_nv_seed_read(buf, buf_len) != 0) {
        return -1;
    }
    return (int) buf_len;
}

int tlsp_mbedtls_nv_seed_write(unsigned char *buf, size_t buf_len)
{
    if (buf_len > (size_t) INT_MAX || tlsp_board_nv_seed_write(buf, buf_len) != 0) {
        return -1;
    }
    return (int) buf_len;
}

#else

int tlsp_port_entropy(uint8_t *buf, size_t len)
{
    return tlsp_board_entropy(buf, len) == 0 ? 0 : -1;
}

#endif /* TLSP_ENTROPY_NV_SEED */
