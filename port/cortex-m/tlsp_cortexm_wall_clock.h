/**
 * \file tlsp_cortexm_wall_clock.h
 * \brief The Cortex-M port's wall clock arithmetic: a date set once, counted on by the
 *        millisecond clock.
 *
 * Pure arithmetic, no registers: tlsp_port_cortexm.c uses it with SysTick's millisecond
 * count, and the host tests (tests/port_cortexm/) with a count of their own, so the code
 * they check is the code the firmware runs. Static inline, so the firmware pays no call.
 *
 * Not locked: the port calls it from thread code only (tlsp_port_cortexm.h).
 */
#ifndef TLSP_CORTEXM_WALL_CLOCK_H
#define TLSP_CORTEXM_WALL_CLOCK_H

#include <stdint.h>

/** \brief base seconds since 1970-01-01 UTC at millisecond base_ms; base < 0: date unknown. */
typedef struct tlsp_cortexm_wall_clock {
    int64_t base;
    uint64_t base_ms;
} tlsp_cortexm_wall_clock;

/** \brief Initializer for a clock that does not know the date yet. */
#define TLSP_CORTEXM_WALL_CLOCK_UNKNOWN { -1, 0 }

/**
 * \brief Set the date, or forget it.
 * \param clock                the clock.
 * \param seconds_since_epoch  UTC seconds since 1970-01-01; negative: the date is unknown.
 * \param now_ms               the millisecond count now.
 */
static inline void tlsp_cortexm_wall_clock_set(tlsp_cortexm_wall_clock *clock,
                                               int64_t seconds_since_epoch, uint64_t now_ms)
{
    if (seconds_since_epoch < 0) {
        clock->base = -1;
        return;
    }
    clock->base_ms = now_ms;
    clock->base = seconds_since_epoch;
}

/**
 * \brief The date now: the date set plus the whole seconds counted since.
 * \param clock   the clock; its base moves forward when the count since it grows large.
 * \param now_ms  the millisecond count now, not less than when the date was set.
 * \return UTC seconds since 1970-01-01, or -1 if the date is unknown.
 */
static inline int64_t tlsp_cortexm_wall_clock_read(tlsp_cortexm_wall_clock *clock,
                                                   uint64_t now_ms)
{
    uint64_t elapsed;

    if (clock->base < 0) {
        return -1;
    }
    /* Carry whole seconds into the base until the rest fits 32 bits, so that only a
     * 32-bit division remains: a 64-bit one pulls a ~0.8 KB libgcc routine into the
     * firmware. (Runs once per 49 days of not asking.) */
    elapsed = now_ms - clock->base_ms;
    while (elapsed > UINT32_MAX) {
        clock->base += 4000000;
        clock->base_ms += 4000000000u;
        elapsed -= 4000000000u;
    }
    return clock->base + (int64_t) ((uint32_t) elapsed / 1000u);
}

#endif /* TLSP_CORTEXM_WALL_CLOCK_H */
