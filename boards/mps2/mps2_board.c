/*
 * MPS2 (AN385/AN386) board support: clocks, console, the UART1 link, semihosting exit.
 * See mps2_board.h.
 */
#include "mps2_board.h"

#include "tlsp_cortexm_irq.h"
#include "tlsp_port_cortexm.h"
#include "tlspair/tlsp_port.h"
#include "tlspair/tlsp_uart_cmsdk.h"

#include "mps2_internal.h"

#define SYST_RVR   (*(volatile uint32_t *) 0xE000E014u)
#define SYST_CVR   (*(volatile uint32_t *) 0xE000E018u)
#define SCB_ICSR   (*(volatile uint32_t *) 0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define NVIC_ISER0 (*(volatile uint32_t *) 0xE000E100u)
#define NVIC_ICER0 (*(volatile uint32_t *) 0xE000E180u)

#define IRQ_UART1_RX 2u
#define IRQ_UART1_TX 3u

#define SEMIHOST_SYS_EXIT_EXTENDED   0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static tlsp_uart_cmsdk console = { TLSP_UART_CMSDK_REGS(0x40004000u), MPS2_SYSCLK_HZ, MPS2_BAUD };
static tlsp_uart_cmsdk link_dev = { TLSP_UART_CMSDK_REGS(0x40005000u), MPS2_SYSCLK_HZ, MPS2_BAUD };
static tlsp_uart link;
static uint64_t sleep_cycles;

/* ---- CPU ------------------------------------------------------------------------------ */

uint64_t mps2_cycles(void)
{
    uint32_t reload = SYST_RVR + 1u;
    uint64_t ms;
    uint32_t cvr;
    uint32_t pending_before;
    uint32_t pending_after;

    /* A wrap whose interrupt is still pending (masked, or simply late: under -icount the
     * interrupt is taken some instructions after the wrap) is not in the millisecond
     * count yet. Pending before the counter read means the read is after that wrap; a
     * change of state across the read means the wrap fell in between: read again. */
    do {
        ms = tlsp_port_millis();
        pending_before = SCB_ICSR & ICSR_PENDSTSET;
        cvr = SYST_CVR;
        pending_after = SCB_ICSR & ICSR_PENDSTSET;
    } while (ms != tlsp_port_millis() || pending_before != pending_after);
    if (pending_before) {
        ms++;
    }
    return ms * reload + (reload - 1u - cvr);
}

uint64_t mps2_sleep_cycles(void)
{
    return sleep_cycles;
}

/* Called by the UART transport with interrupts masked: WFI still wakes on a pending one. */
static void sleep_until_interrupt(void)
{
    uint64_t start = mps2_cycles();

    __asm volatile("dsb\n\twfi" ::: "memory");
    sleep_cycles += mps2_cycles() - start;
}

void mps2_delay_ms(uint32_t ms)
{
    uint64_t start = tlsp_port_millis();

    while (tlsp_port_millis() - start < ms) {
        __asm volatile("wfi" ::: "memory");
    }
}

/* ---- Interrupts ------------------------------------------------------------------------- */

void SysTick_Handler(void);
void UART1RX_Handler(void);
void UART1TX_Handler(void);

void SysTick_Handler(void)
{
    tlsp_port_cortexm_tick();
}

void UART1RX_Handler(void)
{
    tlsp_uart_irq(&link);
}

void UART1TX_Handler(void)
{
    tlsp_uart_irq(&link);
}

/* ---- The link: UART1 under the UART transport --------------------------------------------- */

static const tlsp_uart_hal link_hal = {
    tlsp_uart_cmsdk_start,
    tlsp_uart_cmsdk_rx_ready,
    tlsp_uart_cmsdk_rx_get,
    tlsp_uart_cmsdk_tx_ready,
    tlsp_uart_cmsdk_tx_put,
    tlsp_uart_cmsdk_tx_irq,
    tlsp_uart_cmsdk_ack,
    tlsp_cortexm_irq_save,
    tlsp_cortexm_irq_restore,
    sleep_until_interrupt,
};

tlsp_uart *mps2_link_init(uint8_t *rx_buf, size_t rx_size, uint8_t *tx_buf, size_t tx_size,
                          tlsp_transport *t)
{
    NVIC_ICER0 = (1u << IRQ_UART1_RX) | (1u << IRQ_UART1_TX);
    if (tlsp_uart_init(&link, &link_hal, &link_dev, rx_buf, rx_size, tx_buf, tx_size, 0) != 0) {
        return NULL;
    }
    tlsp_uart_transport(&link, t);
    NVIC_ISER0 = (1u << IRQ_UART1_RX) | (1u << IRQ_UART1_TX);
    return &link;
}

/* ---- Console, exit ------------------------------------------------------------------------ */

void mps2_console_putc(char c)
{
    tlsp_uart_cmsdk_putc_blocking(&console, (uint8_t) c);
}

void mps2_puts(const char *s)
{
    while (*s != '\0') {
        mps2_console_putc(*s++);
    }
}

void mps2_exit(int code)
{
    uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t) code };
    register uint32_t r0 __asm("r0") = SEMIHOST_SYS_EXIT_EXTENDED;
    register uint32_t *r1 __asm("r1") = block;

    __asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    for (;;) {   /* no semihosting: stop here */
        __asm volatile("cpsid i\n\twfi" ::: "memory");
    }
}

void mps2_board_init(const char *firmware_name)
{
    tlsp_uart_cmsdk_start_tx_only(&console);
    tlsp_port_cortexm_init(MPS2_SYSCLK_HZ);
    mps2_printf("\n%s (MPS2, %lu Hz)\n", firmware_name, (unsigned long) MPS2_SYSCLK_HZ);
#if defined(MPS2_INSECURE_TEST_ENTROPY)
    mps2_puts("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
              "!!! INSECURE TEST ENTROPY: randomness is PREDICTABLE; keys, nonces and  !!!\n"
              "!!! every session secret can be guessed. Emulator tests only, never a   !!!\n"
              "!!! real device. (QEMU's MPS2 has no TRNG: TLSP_INSECURE_TEST_ENTROPY)   !!!\n"
              "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
#endif
}
