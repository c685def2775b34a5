/**
 * \file tlsp_cortexm_irq.h
 * \brief Masking interrupts on Cortex-M (PRIMASK), shared by the port and board code.
 *
 * Save-and-disable rather than plain disable, so a section entered with interrupts
 * already masked (inside a handler, or nested) leaves them masked on exit.
 */
#ifndef TLSP_CORTEXM_IRQ_H
#define TLSP_CORTEXM_IRQ_H

#include <stdint.h>

/** \brief Mask interrupts. \return the previous PRIMASK, for tlsp_cortexm_irq_restore(). */
static inline uint32_t tlsp_cortexm_irq_save(void)
{
    uint32_t primask;

    __asm volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask) : : "memory");
    return primask;
}

/** \brief Put PRIMASK back as tlsp_cortexm_irq_save() found it. */
static inline void tlsp_cortexm_irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" : : "r"(primask) : "memory");
}

#endif /* TLSP_CORTEXM_IRQ_H */
