// Figures of the process and the calling thread, read without allocating (relay-bench reads them on the
// measured thread while its allocation counter is on).
#define _GNU_SOURCE
#include "RelayBaseline.h"

#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

uint64_t relay_thread_cpu_ns(void) {
    struct timespec time;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time);
    return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

int relay_thread_id(void) { return (int)gettid(); }

/// The number after `key` in a /proc status file; -1 if absent.
static int64_t status_field(const char *path, const char *key) {
    char text[8192];
    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) return -1;
    ssize_t length = read(descriptor, text, sizeof text - 1);
    close(descriptor);
    if (length <= 0) return -1;
    text[length] = 0;
    const char *line = strstr(text, key);
    if (line == NULL) return -1;
    line += strlen(key);
    while (*line == ' ' || *line == '\t') line++;
    int64_t value = 0;
    while (*line >= '0' && *line <= '9') value = value * 10 + (*line++ - '0');
    return value;
}

int64_t relay_resident_bytes(void) {
    int64_t kilobytes = status_field("/proc/self/status", "VmRSS:");
    return kilobytes < 0 ? -1 : kilobytes * 1024;
}

int64_t relay_thread_sleeps(void) { return status_field("/proc/thread-self/status", "voluntary_ctxt_switches:"); }

int relay_pin_thread(int cpu) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) return -1;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof set, &set);  // 0: the calling thread
}

void relay_release_free_memory(void) { malloc_trim(0); }

int relay_raise_descriptor_limit(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    }
    return limit.rlim_cur > 0x7FFFFFFF ? 0x7FFFFFFF : (int)limit.rlim_cur;
}
