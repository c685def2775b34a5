/*
 * MPS2 (AN385/AN386) reset and exception handling: the vector table, the reset handler
 * (FPU, .data, .bss, stack paint, main) and the fault handlers. See mps2_board.h.
 */
#include <stdint.h>

#include "mps2_board.h"
#include "mps2_internal.h"

/* From mps2.ld. */
extern uint32_t __stack_limit__[];
extern uint32_t __stack_top__[];
extern uint32_t __data_start__[];
extern uint32_t __data_end__[];
extern uint32_t __data_load__[];
extern uint32_t __bss_start__[];
extern uint32_t __bss_end__[];

int main(void);

#define SCB_CPACR (*(volatile uint32_t *) 0xE000ED88u)
#define SCB_ICSR  (*(volatile uint32_t *) 0xE000ED04u)
#define SCB_CFSR  (*(volatile uint32_t *) 0xE000ED28u)
#define SCB_HFSR  (*(volatile uint32_t *) 0xE000ED2Cu)
#define SCB_BFAR  (*(volatile uint32_t *) 0xE000ED38u)

#define STACK_PAINT 0xA5C3E1F0u

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);
void mps2_fault(const uint32_t *frame);

/* Interrupt handlers: the board's (mps2_board.c) override these weak defaults. */
#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;
void UART0RX_Handler(void) WEAK_DEFAULT;
void UART0TX_Handler(void) WEAK_DEFAULT;
void UART1RX_Handler(void) WEAK_DEFAULT;
void UART1TX_Handler(void) WEAK_DEFAULT;

typedef void (*vector)(void);

/* ARMv7-M: 16 system entries, then the AN385/AN386's 32 external interrupts (UART0 RX/TX
 * 0/1, UART1 RX/TX 2/3, ... see QEMU hw/arm/mps2.c). Unlisted ones are Default_Handler. */
__attribute__((section(".vectors"), used))
static const vector vector_table[16 + 32] = {
    (vector) (uintptr_t) __stack_top__,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    [16 + 0] = UART0RX_Handler,
    [16 + 1] = UART0TX_Handler,
    [16 + 2] = UART1RX_Handler,
    [16 + 3] = UART1TX_Handler,
    [16 + 4] = Default_Handler, [16 + 5] = Default_Handler, [16 + 6] = Default_Handler,
    [16 + 7] = Default_Handler, [16 + 8] = Default_Handler, [16 + 9] = Default_Handler,
    [16 + 10] = Default_Handler, [16 + 11] = Default_Handler, [16 + 12] = Default_Handler,
    [16 + 13] = Default_Handler, [16 + 14] = Default_Handler, [16 + 15] = Default_Handler,
    [16 + 16] = Default_Handler, [16 + 17] = Default_Handler, [16 + 18] = Default_Handler,
    [16 + 19] = Default_Handler, [16 + 20] = Default_Handler, [16 + 21] = Default_Handler,
    [16 + 22] = Default_Handler, [16 + 23] = Default_Handler, [16 + 24] = Default_Handler,
    [16 + 25] = Default_Handler, [16 + 26] = Default_Handler, [16 + 27] = Default_Handler,
    [16 + 28] = Default_Handler, [16 + 29] = Default_Handler, [16 + 30] = Default_Handler,
    [16 + 31] = Default_Handler,
};

/* Everything below the caller's frame is unused: paint it, so mps2_stack_used() can find
 * the deepest word ever written. Not inlined, so its own frame sits below the caller's
 * and above what it paints. */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t *p = __stack_limit__;
    uint32_t *sp;

    __asm volatile("mov %0, sp" : "=r"(sp));
    sp -= 16;   /* margin below this frame */
    while (p < sp) {
        *p++ = STACK_PAINT;
    }
}

__attribute__((noinline, noreturn)) static void start_c(void)
{
    uint32_t *src = __data_load__;
    uint32_t *dst;

    for (dst = __data_start__; dst < __data_end__; dst++, src++) {
        *dst = *src;
    }
    for (dst = __bss_start__; dst < __bss_end__; dst++) {
        *dst = 0;
    }
    paint_stack();
    mps2_exit(main());
}

void Reset_Handler(void)
{
#if defined(__ARM_FP)
    /* CP10 and CP11 full access, before any code that may touch an FP register. */
    SCB_CPACR |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    start_c();
}

size_t mps2_stack_size(void)
{
    return (size_t) ((uintptr_t) __stack_top__ - (uintptr_t) __stack_limit__);
}

size_t mps2_stack_used(void)
{
    const uint32_t *p = __stack_limit__;

    while (p < __stack_top__ && *p == STACK_PAINT) {
        p++;
    }
    return (size_t) ((uintptr_t) __stack_top__ - (uintptr_t) p);
}

/* The stacked frame of the faulting code: r0-r3, r12, lr, pc, xpsr. Only the main stack
 * is ever used here. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("mrs r0, msp\n\t"
                   "b mps2_fault\n\t");
}

__attribute__((used)) void mps2_fault(const uint32_t *frame)
{
    mps2_printf("\nFAULT: pc=%08lx lr=%08lx cfsr=%08lx hfsr=%08lx bfar=%08lx\n",
                (unsigned long) frame[6], (unsigned long) frame[5],
                (unsigned long) SCB_CFSR, (unsigned long) SCB_HFSR, (unsigned long) SCB_BFAR);
    mps2_exit(MPS2_EXIT_FAULT);
}

void Default_Handler(void)
{
    uint32_t ipsr;

    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    mps2_printf("\nFAULT: unexpected exception %lu\n", (unsigned long) (ipsr & 0x1FFu));
    mps2_exit(MPS2_EXIT_FAULT);
}
