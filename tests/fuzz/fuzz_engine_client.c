/*
 * Fuzz target: a client engine's net input. The input is the server's byte stream in
 * flights (format in fuzz_engine.h); the committed seeds are recorded real handshakes
 * (record_seeds.c), whole and cut after each flight, so mutations start at every stage
 * of the handshake and after it (application data, tickets, alerts, close_notify).
 */
#include "fuzz_engine.h"
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(data, size, TLSP_CLIENT, NULL);
    return 0;
}
