/*
 * One human line per trace event (tlsp_trace.h). Pure formatting: no engine state, so it
 * also works in builds without TLSP_TRACE (for events an application makes up itself).
 */
#include "tlspair/tlsp_trace.h"

#include "tlsp_text.h"

static void format_message(tlsp_text *t, const tlsp_trace_event *ev)
{
    tlsp_text_str(t, ev->dir == TLSP_TRACE_IN ? "<- " : "-> ");
    tlsp_text_str(t, ev->name != NULL ? ev->name : tlsp_handshake_msg_name(ev->msg_type));
    tlsp_text_str(t, ev->size_exact ? " (" : " (at most ");
    tlsp_text_uint(t, ev->size);
    tlsp_text_str(t, ev->size == 1 ? " byte)" : " bytes)");
}

static void format_alert(tlsp_text *t, const tlsp_trace_event *ev)
{
    tlsp_text_str(t, ev->dir == TLSP_TRACE_IN ? "<- alert " : "-> alert ");
    if (ev->alert < 0) {
        tlsp_text_str(t, "(encrypted; description not known)");
        return;
    }
    tlsp_text_str(t, ev->name != NULL ? ev->name : tlsp_alert_name(ev->alert));
    tlsp_text_str(t, " (");
    tlsp_text_uint(t, (uint64_t) ev->alert);
    if (ev->alert_level == 1 && ev->alert != 0) {
        tlsp_text_str(t, ", warning");
    }
    tlsp_text_char(t, ')');
}

int tlsp_trace_format(const tlsp_trace_event *ev, char *buf, size_t len)
{
    tlsp_text t;

    if (ev == NULL || (buf == NULL && len != 0)) {
        return TLSP_ERR_BAD_ARG;
    }
    tlsp_text_init(&t, buf, len);
    switch (ev->kind) {
    case TLSP_TRACE_STATE:
        tlsp_text_str(&t, "state ");
        tlsp_text_str(&t, ev->name);
        break;
    case TLSP_TRACE_MESSAGE:
        format_message(&t, ev);
        break;
    case TLSP_TRACE_NEGOTIATED:
        tlsp_text_str(&t, "negotiated ");
        tlsp_text_str(&t, ev->text);
        break;
    case TLSP_TRACE_ALERT:
        format_alert(&t, ev);
        break;
    case TLSP_TRACE_DONE:
        tlsp_text_str(&t, "handshake done: ");
        tlsp_text_str(&t, ev->text);
        break;
    case TLSP_TRACE_FAILED:
        tlsp_text_str(&t, "failed: ");
        tlsp_text_str(&t, ev->text);
        break;
    default:
        tlsp_text_str(&t, "unknown trace event");
        break;
    }
    return tlsp_text_end(&t);
}
