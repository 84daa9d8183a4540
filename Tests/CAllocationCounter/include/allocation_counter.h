#ifndef ALLOCATION_COUNTER_H
#define ALLOCATION_COUNTER_H

/// Heap allocations (malloc, calloc, realloc, aligned allocations) made so far by the calling thread.
long jsb_thread_allocations(void);

/// 1 where the counter works (Linux with glibc), 0 elsewhere.
int jsb_allocation_counting_available(void);

#endif
