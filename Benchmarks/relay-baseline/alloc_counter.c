// A per-thread heap allocation counter for relay-bench.
//
// malloc and its relatives are defined here, in the executable, so every allocation in the process (Swift
// runtime, NIO, OpenSSL, glibc's own) resolves to them before libc; they forward to glibc's exported __libc_*
// entry points. A thread counts only while its thread-local flag is set, so the figure is that thread's alone
// and other threads pay one thread-local load per call. Only the allocating thread's usable sizes are added
// and only its frees are subtracted, so `net_bytes` is exact for memory a thread both allocates and frees.
#define _GNU_SOURCE
#include "RelayBaseline.h"

#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void __libc_free(void *pointer);
extern void *__libc_memalign(size_t alignment, size_t size);

// Initial-exec TLS in the executable: reading it never allocates.
static __thread int counting;
static __thread int tracing;  // set while a backtrace is written, so its own allocations are not traced
static __thread int trace_remaining;
static __thread size_t trace_minimum_size;
static __thread relay_alloc_counts counts;

static void trace_allocation(size_t size) {
    tracing = 1;
    trace_remaining--;
    char header[64];
    int length = 0;
    const char *prefix = "relay-bench: allocation of ";
    size_t prefix_length = strlen(prefix);
    memcpy(header, prefix, prefix_length);
    length = (int)prefix_length;
    char digits[24];
    int digit_count = 0;
    do {
        digits[digit_count++] = (char)('0' + size % 10);
        size /= 10;
    } while (size > 0 && digit_count < 20);
    while (digit_count > 0) header[length++] = digits[--digit_count];
    header[length++] = '\n';
    (void)!write(2, header, (size_t)length);
    void *frames[32];
    int depth = backtrace(frames, 32);
    backtrace_symbols_fd(frames, depth, 2);
    (void)!write(2, "\n", 1);
    tracing = 0;
}

static inline void note_allocation(void *pointer, size_t requested) {
    if (!counting || pointer == NULL) return;
    counts.allocations++;
    counts.net_bytes += (int64_t)malloc_usable_size(pointer);
    if (trace_remaining > 0 && !tracing && requested >= trace_minimum_size) trace_allocation(requested);
}

static inline void note_free(void *pointer) {
    if (!counting || pointer == NULL) return;
    counts.frees++;
    counts.net_bytes -= (int64_t)malloc_usable_size(pointer);
}

void *malloc(size_t size) {
    void *pointer = __libc_malloc(size);
    note_allocation(pointer, size);
    return pointer;
}

void *calloc(size_t count, size_t size) {
    void *pointer = __libc_calloc(count, size);
    note_allocation(pointer, count * size);
    return pointer;
}

void *realloc(void *pointer, size_t size) {
    // Counted as a free of the old block and an allocation of the new one (glibc may move it).
    int64_t old_size = (counting && pointer != NULL) ? (int64_t)malloc_usable_size(pointer) : 0;
    void *moved = __libc_realloc(pointer, size);
    if (counting && (moved != NULL || size == 0)) {
        if (pointer != NULL) {
            counts.frees++;
            counts.net_bytes -= old_size;
        }
        note_allocation(moved, size);
    }
    return moved;
}

void free(void *pointer) {
    note_free(pointer);
    __libc_free(pointer);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    // POSIX: a power of two and a multiple of sizeof(void *).
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL) return ENOMEM;
    note_allocation(pointer, size);
    *result = pointer;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    void *pointer = __libc_memalign(alignment, size);
    note_allocation(pointer, size);
    return pointer;
}

void *memalign(size_t alignment, size_t size) {
    void *pointer = __libc_memalign(alignment, size);
    note_allocation(pointer, size);
    return pointer;
}

void relay_alloc_counting(int enabled) { counting = enabled != 0; }

relay_alloc_counts relay_alloc_read(void) { return counts; }

void relay_alloc_trace(int count, uint64_t minimum_size) {
    // The first backtrace() loads libgcc_s (which allocates): do it now, outside any traced allocation.
    int was_tracing = tracing;
    tracing = 1;
    void *frame[1];
    (void)backtrace(frame, 1);
    tracing = was_tracing;
    trace_minimum_size = (size_t)minimum_size;
    trace_remaining = count;
}

int relay_alloc_counter_works(void) {
    int was_counting = counting;
    relay_alloc_counts before = counts;
    counting = 1;
    // Volatile so the compiler cannot pair and drop the malloc/free.
    void *volatile pointer = malloc(40);
    free(pointer);
    counting = was_counting;
    return counts.allocations == before.allocations + 1 && counts.frees == before.frees + 1;
}
