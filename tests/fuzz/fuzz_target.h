/*
 * The libFuzzer entry points every target defines. In the host-fuzz preset libFuzzer
 * supplies main(); in the other host builds fuzz_replay_main.c does, running the
 * committed corpus once as a regression test.
 */
#ifndef FUZZ_TARGET_H
#define FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

/** One input; returns 0 (libFuzzer's convention). Aborts on a broken invariant. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Once per process, before the first input. Optional (weak): targets that need no setup
 *  leave it out, as libFuzzer allows. */
/* NOLINTNEXTLINE(readability-non-const-parameter): libFuzzer's signature */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#endif /* FUZZ_TARGET_H */
