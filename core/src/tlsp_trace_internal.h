/*
 * Internal: the engine's trace hooks (tlsp_trace.c). Each TLSP_TRACE_* macro is a call
 * when the build has TLSP_TRACE and nothing at all otherwise, so an engine built without
 * the trace carries neither code nor state for it. Called with tracing off at run time
 * (no callback on the config), each hook returns after one pointer test.
 */
#ifndef TLSP_TRACE_INTERNAL_H
#define TLSP_TRACE_INTERNAL_H

#include "tlspair/tlsp_engine.h"
#include "tlspair/tlsp_trace.h"

#if defined(TLSP_TRACE)

void tlsp_trace_reset(tlsp_engine *e);
void tlsp_trace_before_step(tlsp_engine *e);
void tlsp_trace_after_step(tlsp_engine *e);
void tlsp_trace_after_read(tlsp_engine *e);
void tlsp_trace_done(tlsp_engine *e);
void tlsp_trace_failed(tlsp_engine *e);
void tlsp_trace_alert(tlsp_engine *e, tlsp_trace_dir dir, int level, int desc);
void tlsp_trace_alert_hint(tlsp_engine *e, int desc);
void tlsp_trace_sent(tlsp_engine *e, const uint8_t *buf, size_t n);
void tlsp_trace_received(tlsp_engine *e, const uint8_t *buf, size_t n);

#define TLSP_TRACE_RESET(e)                 tlsp_trace_reset(e)
#define TLSP_TRACE_BEFORE_STEP(e)           tlsp_trace_before_step(e)
#define TLSP_TRACE_AFTER_STEP(e)            tlsp_trace_after_step(e)
#define TLSP_TRACE_AFTER_READ(e)            tlsp_trace_after_read(e)
#define TLSP_TRACE_DONE(e)                  tlsp_trace_done(e)
#define TLSP_TRACE_FAILED(e)                tlsp_trace_failed(e)
#define TLSP_TRACE_ALERT_IN(e, level, desc) tlsp_trace_alert((e), TLSP_TRACE_IN, (level), (desc))
#define TLSP_TRACE_ALERT_HINT(e, desc)      tlsp_trace_alert_hint((e), (desc))
#define TLSP_TRACE_SENT(e, buf, n)          tlsp_trace_sent((e), (buf), (n))
#define TLSP_TRACE_RECEIVED(e, buf, n)      tlsp_trace_received((e), (buf), (n))

#else

#define TLSP_TRACE_RESET(e)                 ((void) 0)
#define TLSP_TRACE_BEFORE_STEP(e)           ((void) 0)
#define TLSP_TRACE_AFTER_STEP(e)            ((void) 0)
#define TLSP_TRACE_AFTER_READ(e)            ((void) 0)
#define TLSP_TRACE_DONE(e)                  ((void) 0)
#define TLSP_TRACE_FAILED(e)                ((void) 0)
#define TLSP_TRACE_ALERT_IN(e, level, desc) ((void) 0)
#define TLSP_TRACE_ALERT_HINT(e, desc)      ((void) 0)
#define TLSP_TRACE_SENT(e, buf, n)          ((void) 0)
#define TLSP_TRACE_RECEIVED(e, buf, n)      ((void) 0)

#endif

#endif /* TLSP_TRACE_INTERNAL_H */
