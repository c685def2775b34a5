/*
 * The C-library system calls this firmware can reach, for newlib (nano):
 *   _exit: mbedTLS calls exit() when its arena allocator finds the arena corrupted;
 *          exit() ends in _exit(), which ends the emulation with that code.
 *   _sbrk: should anything link newlib's malloc() (some of its formatted-output
 *          functions do), it asks _sbrk() for a heap. There is none: everything lives in
 *          static memory and mbedTLS has its arena. Refusing keeps an unexpected malloc()
 *          from silently growing into the stack, and the link from failing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "mps2_board.h"

void _exit(int code);
void *_sbrk(ptrdiff_t increment);

/* used: the C library's references come after link-time optimisation has run. */
__attribute__((used)) void _exit(int code)
{
    mps2_exit(code);
}

__attribute__((used)) void *_sbrk(ptrdiff_t increment)
{
    (void) increment;
    errno = ENOMEM;
    return (void *) (intptr_t) -1;
}
