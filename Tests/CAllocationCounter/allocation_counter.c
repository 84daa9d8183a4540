// Counts heap allocations per thread by standing in for the C allocator's entry points and forwarding to
// glibc's own (__libc_malloc and friends). The test executable links this file, so its malloc precedes
// libc's for every library in the process, the Swift runtime included. Counters are thread-local: tests
// running in parallel on other threads do not disturb a measurement.

#include "allocation_counter.h"

#include <errno.h>
#include <stddef.h>

#if defined(__linux__) && defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);

static __thread long allocations;

void *malloc(size_t size) {
    allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    allocations++;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    allocations++;
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    allocations++;
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    allocations++;
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
    allocations++;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    *result = pointer;
    return 0;
}

long jsb_thread_allocations(void) { return allocations; }

int jsb_allocation_counting_available(void) { return 1; }

#else

long jsb_thread_allocations(void) { return 0; }

int jsb_allocation_counting_available(void) { return 0; }

#endif
