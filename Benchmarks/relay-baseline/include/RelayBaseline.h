// RelayBaseline: the C side of relay-bench.
//
// 1. A baseline media relay in plain C (relay_baseline.c): the same job as the bridge's relay of one call, for N
//    calls, on one thread with epoll and recvfrom/sendto over one UDP socket per stream, so relay-bench can
//    print our CPU per packet next to it.
// 2. A per-thread heap allocation counter (alloc_counter.c): malloc and friends defined in the executable,
//    forwarding to glibc's __libc_* entry points and counting on threads that turned counting on.
// 3. Thread CPU time, resident memory and the descriptor limit (process_figures.c), read without allocating.
#ifndef RELAY_BASELINE_H
#define RELAY_BASELINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// What the baseline run does.
typedef struct {
    /// Calls relayed; each has a secure-side and a plain-side socket at the relay.
    int calls;
    /// RTP payload octets per packet (160: 20 ms of G.711).
    int payload_length;
    /// Packets per second per stream per direction (50 for 20 ms packets).
    int packets_per_second;
    /// Traffic before the measurement window.
    int warmup_ms;
    /// Length of the measurement window.
    int window_ms;
    /// CPUs to pin the relay thread and the endpoints' thread to; -1 leaves a thread to the scheduler.
    int relay_cpu;
    int endpoint_cpu;
    /// 0: AES-128-CM with an HMAC-SHA1-80 tag (SRTP AES_CM_128_HMAC_SHA1_80's work); 1: AES-128-GCM with a
    /// 16-octet tag (AEAD_AES_128_GCM's work).
    int aead;
} relay_baseline_config;

/// Figures of one run; the window figures come from the relay thread itself.
typedef struct {
    /// CPU time of the relay thread in the window (CLOCK_THREAD_CPUTIME_ID), nanoseconds.
    uint64_t cpu_ns;
    /// Wall-clock length of the window, nanoseconds.
    uint64_t wall_ns;
    /// Packets the relay forwarded in the window (both directions).
    uint64_t relayed;
    /// Heap allocations on the relay thread in the window.
    uint64_t allocations;
    /// Times the relay thread went to sleep in the window (voluntary context switches): one per wake-up.
    uint64_t sleeps;
    /// Packets the simulated endpoints sent and received over the whole run.
    uint64_t peers_sent;
    uint64_t peers_received;
    /// Packets that failed authentication, at the relay or at the simulated clients (must stay 0).
    uint64_t auth_failures;
    /// Packets the relay dropped for any other reason (wrong source, not RTP, too short).
    uint64_t dropped;
    /// Resident memory growth (VmRSS) from before the relay's sockets and contexts to the end of the warm-up,
    /// divided by the calls, octets. The endpoints' sockets and contexts are created before the first reading.
    int64_t rss_per_call;
    /// Empty on success, else why the run failed.
    char error[160];
} relay_baseline_result;

/// Runs the baseline: creates the sockets on 127.0.0.1, starts the endpoints' thread and the relay thread,
/// waits for both and fills `result`. Returns 0 on success, -1 on failure (reason in `result->error`).
int relay_baseline_run(const relay_baseline_config *config, relay_baseline_result *result);

/// Counts of the calling thread, since the thread started.
typedef struct {
    /// malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign calls while counting was on.
    uint64_t allocations;
    /// free calls (of non-null pointers) while counting was on.
    uint64_t frees;
    /// Usable octets allocated minus usable octets freed while counting was on (on this thread only).
    int64_t net_bytes;
} relay_alloc_counts;

/// Turns counting on or off for the calling thread.
void relay_alloc_counting(int enabled);

/// The calling thread's counts.
relay_alloc_counts relay_alloc_read(void);

/// Writes a backtrace to standard error for each of the calling thread's next `count` counted allocations of
/// at least `minimum_size` octets.
void relay_alloc_trace(int count, uint64_t minimum_size);

/// Whether the interposed malloc is the one the process uses (checked by allocating while counting).
int relay_alloc_counter_works(void);

/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), nanoseconds.
uint64_t relay_thread_cpu_ns(void);

/// Voluntary context switches of the calling thread so far (each is a sleep, so a later wake-up); -1 if /proc is
/// unreadable.
int64_t relay_thread_sleeps(void);

/// The calling thread's kernel id, to attach perf to the relay thread.
int relay_thread_id(void);

/// VmRSS of this process, octets; -1 if /proc is unreadable.
int64_t relay_resident_bytes(void);

/// Pins the calling thread to one CPU; returns 0, or -1 (errno set).
int relay_pin_thread(int cpu);

/// Returns freed heap memory to the system (malloc_trim), so that the next resident-memory reading does not
/// profit from pages an earlier measurement freed but kept.
void relay_release_free_memory(void);

/// Raises the soft limit of open files to the hard limit; returns the new soft limit, or -1.
int relay_raise_descriptor_limit(void);

#ifdef __cplusplus
}
#endif

#endif
