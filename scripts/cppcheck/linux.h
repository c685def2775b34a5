/*
 * Forced into the host files cppcheck analyses (scripts/static-analysis.sh), after
 * platform.h: the system macros tlspair's POSIX code tests in #if, with their Linux
 * values, so that cppcheck analyses the branches a Linux build compiles (it reads no
 * system headers). Without them, for instance, the socket transport stops at its #error
 * for a system with neither MSG_NOSIGNAL nor SO_NOSIGPIPE.
 */
#ifndef TLSP_CPPCHECK_LINUX_H
#define TLSP_CPPCHECK_LINUX_H

#define EAGAIN 11
#define EWOULDBLOCK EAGAIN
#define ENONET 64
#define EHOSTDOWN 112
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define IPV6_V6ONLY 26
#define TIOCOUTQ 0x5411
#define B230400 0010003
#define B460800 0010004
#define B921600 0010007

#endif
