#ifndef CAPGUARD_CSYSTEM_SHIMS_H
#define CAPGUARD_CSYSTEM_SHIMS_H

// Swift's Glibc module leaves out <sys/epoll.h> and <sys/eventfd.h>: included here, the event loops call
// epoll and eventfd directly.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// mallopt is declared in <malloc.h>, which Swift's Glibc module does not include.
int capguard_set_mmap_threshold(int bytes);

// CPU_COUNT over sched_getaffinity is a macro, which Swift cannot call: the processors this process may run
// on (a taskset or cpuset narrows them), at least 1.
int capguard_available_processors(void);

// accept4 is hidden behind _GNU_SOURCE, which Swift's Glibc module does not define: accepts a connection that is
// already non-blocking and close-on-exec, in one system call instead of four.
int capguard_accept_nonblocking(int listener, struct sockaddr *address, socklen_t *length);

#endif
