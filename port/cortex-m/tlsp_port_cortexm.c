/*
 * The Cortex-M port (tlsp_port_cortexm.h): SysTick milliseconds, and a wall clock that
 * counts on from the date the application sets. This file holds what touches the
 * hardware; the arithmetic and the entropy hooks, which do not, are in
 * tlsp_cortexm_wall_clock.h and tlsp_port_cortexm_entropy.c, where host tests reach them.
 *
 * No CMSIS: the three SysTick registers are architectural (ARMv6-M, ARMv7-M, ARMv8-M), at
 * the same addresses on every Cortex-M, so the port needs no vendor header.
 */
#include "tlsp_cortexm_irq.h"
#include "tlsp_cortexm_wall_clock.h"
#include "tlsp_port_cortexm.h"

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

static tlsp_cortexm_wall_clock wall_clock = TLSP_CORTEXM_WALL_CLOCK_UNKNOWN;

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
    /* cppcheck-suppress knownConditionTrueFalse ; cppcheck 2.10 misses the wrap after 2^32 ms */
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
    tlsp_cortexm_wall_clock_set(&wall_clock, seconds_since_epoch, tlsp_port_millis());
}

int64_t tlsp_port_wall_time(void)
{
    return tlsp_cortexm_wall_clock_read(&wall_clock, tlsp_port_millis());
}
