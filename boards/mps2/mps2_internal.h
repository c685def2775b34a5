/* Board-internal declarations shared by the MPS2 board's files. */
#ifndef MPS2_INTERNAL_H
#define MPS2_INTERNAL_H

/* Exit code of a fault or unexpected exception: distinct from the firmware's own codes. */
#define MPS2_EXIT_FAULT 99

/* One character to the console (UART0), waiting while its transmitter is full. */
void mps2_console_putc(char c);

#endif /* MPS2_INTERNAL_H */
