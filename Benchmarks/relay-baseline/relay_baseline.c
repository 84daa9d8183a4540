// The C baseline of relay-bench: the bridge's relay job for N calls, written the plain way.
//
// Per call the relay has two UDP sockets on 127.0.0.1: the secure side (toward the WebRTC client) and the plain
// side (toward the SIP peer). One thread waits in epoll and, per readiness event, reads one datagram with
// recvfrom, checks and transforms it in place and sends it with sendto on the other socket:
//   plain -> secure: source and payload-type check, header rewrite (SSRC, sequence, timestamp), AES-128-CM
//     encryption of the payload and an HMAC-SHA1-80 tag over header, payload and ROC (RFC 3711 sections 4.1.1,
//     4.2), or AES-128-GCM with a 16-octet tag and the header as AAD (RFC 7714 section 8);
//   secure -> plain: source and RFC 7983 first-octet check, ROC estimate and replay window (RFC 3711 section
//     3.3 and appendix A), tag check, decryption, header rewrite.
// The session keys are random and used as they are (no key derivation): the per-packet crypto work is that of
// SRTP's. Like the bridge's EVP SRTP, AES-CM runs AES-128-ECB over counter blocks through one EVP context keyed
// once, and HMAC-SHA1 starts from inner and outer SHA-1 states keyed once, so the relay thread never allocates.
//
// A second thread plays the endpoints: every millisecond one twentieth of the calls send a packet each way (the
// client's protected, the peer's plain), so each stream carries `packets_per_second`; it also receives, and the
// client side checks the relay's tags.
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED  // SHA1_Init and friends: the copyable SHA_CTX is the point (see above)
#include "RelayBaseline.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum {
    rtp_header_length = 12,
    cm_tag_length = 10,
    gcm_tag_length = 16,
    max_keystream_blocks = 96,
    datagram_capacity = 2048,
    payload_type = 0,  // PCMU, what both sides negotiated
};

// MARK: - The SRTP-like transform

typedef struct {
    EVP_CIPHER_CTX *cipher;
    SHA_CTX inner, outer;  // keyed HMAC-SHA1 states (RFC 2104), AES-CM only
    uint8_t salt[14];      // 14 octets for AES-CM, the first 12 for GCM
    int aead;
    int decrypting;
    // Sender: the rollover counter and last sequence number. Receiver: those of the highest index seen.
    uint32_t roc;
    uint16_t highest_sequence;
    int started;
    // Receiver replay window (RFC 3711 section 3.3.2): bit i set when index `highest_index - i` was seen.
    uint64_t highest_index;
    uint64_t window;
} transform;

static inline uint16_t load16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void store16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void store32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int transform_init(transform *t, int aead, int decrypting, const uint8_t key[16], const uint8_t salt[14],
                          const uint8_t auth_key[20]) {
    memset(t, 0, sizeof *t);
    t->aead = aead;
    t->decrypting = decrypting;
    memcpy(t->salt, salt, 14);
    t->cipher = EVP_CIPHER_CTX_new();
    if (t->cipher == NULL) return -1;
    if (aead) {
        int ok = decrypting ? EVP_DecryptInit_ex(t->cipher, EVP_aes_128_gcm(), NULL, key, NULL)
                            : EVP_EncryptInit_ex(t->cipher, EVP_aes_128_gcm(), NULL, key, NULL);
        return ok == 1 ? 0 : -1;
    }
    if (EVP_EncryptInit_ex(t->cipher, EVP_aes_128_ecb(), NULL, key, NULL) != 1) return -1;
    EVP_CIPHER_CTX_set_padding(t->cipher, 0);
    uint8_t inner_pad[64], outer_pad[64];
    for (int i = 0; i < 64; i++) {
        uint8_t k = i < 20 ? auth_key[i] : 0;
        inner_pad[i] = k ^ 0x36;
        outer_pad[i] = k ^ 0x5C;
    }
    SHA1_Init(&t->inner);
    SHA1_Update(&t->inner, inner_pad, 64);
    SHA1_Init(&t->outer);
    SHA1_Update(&t->outer, outer_pad, 64);
    OPENSSL_cleanse(inner_pad, 64);
    OPENSSL_cleanse(outer_pad, 64);
    return 0;
}

static void transform_free(transform *t) {
    if (t->cipher != NULL) EVP_CIPHER_CTX_free(t->cipher);
    OPENSSL_cleanse(t, sizeof *t);
}

/// Header length with CSRCs and extension, or -1 when it does not fit in `length`.
static int header_length(const uint8_t *packet, int length) {
    if (length < rtp_header_length) return -1;
    int header = rtp_header_length + 4 * (packet[0] & 0x0F);
    if (packet[0] & 0x10) {
        if (length < header + 4) return -1;
        header += 4 + 4 * load16(packet + header + 2);
    }
    return header <= length ? header : -1;
}

/// RFC 3711 section 4.1.1: keystream block j is AES(k_e, IV + j); XORs it into `data`.
static int cm_apply(transform *t, const uint8_t iv[16], uint8_t *data, int count) {
    if (count <= 0) return count == 0 ? 0 : -1;
    uint8_t stream[max_keystream_blocks * 16];
    int blocks = (count + 15) / 16;
    if (blocks > max_keystream_blocks) return -1;
    for (int j = 0; j < blocks; j++) {
        memcpy(stream + 16 * j, iv, 14);
        store16(stream + 16 * j + 14, (uint16_t)j);  // the IV's low 16 bits are zero
    }
    int written = 0;
    if (EVP_EncryptUpdate(t->cipher, stream, &written, stream, blocks * 16) != 1) return -1;
    for (int i = 0; i < count; i++) data[i] ^= stream[i];
    return 0;
}

/// HMAC-SHA1 over `data` and the ROC (RFC 3711 section 4.2), 20 octets.
static void hmac(const transform *t, const uint8_t *data, int length, uint32_t roc, uint8_t digest[20]) {
    uint8_t roc_bytes[4];
    store32(roc_bytes, roc);
    SHA_CTX context = t->inner;
    SHA1_Update(&context, data, (size_t)length);
    SHA1_Update(&context, roc_bytes, 4);
    SHA1_Final(digest, &context);
    context = t->outer;
    SHA1_Update(&context, digest, 20);
    SHA1_Final(digest, &context);
}

static void cm_iv(const transform *t, uint32_t ssrc, uint32_t roc, uint16_t sequence, uint8_t iv[16]) {
    // RFC 3711 section 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
    memcpy(iv, t->salt, 14);
    iv[14] = iv[15] = 0;
    uint8_t mix[8];
    store32(mix, ssrc);
    for (int i = 0; i < 4; i++) iv[4 + i] ^= mix[i];
    store32(mix, roc);
    store16(mix + 4, sequence);
    for (int i = 0; i < 6; i++) iv[8 + i] ^= mix[i];
}

static void gcm_iv(const transform *t, uint32_t ssrc, uint32_t roc, uint16_t sequence, uint8_t iv[12]) {
    // RFC 7714 section 8.1: 00 00 || SSRC || ROC || SEQ, XOR the salt.
    iv[0] = iv[1] = 0;
    store32(iv + 2, ssrc);
    store32(iv + 6, roc);
    store16(iv + 10, sequence);
    for (int i = 0; i < 12; i++) iv[i] ^= t->salt[i];
}

/// Protects `length` octets in place (room for the tag must follow); returns the new length or -1.
static int protect(transform *t, uint8_t *packet, int length) {
    int header = header_length(packet, length);
    if (header < 0) return -1;
    uint16_t sequence = load16(packet + 2);
    uint32_t ssrc = load32(packet + 8);
    // RFC 3711 section 3.3.1: the sender counts sequence-number wraps.
    if (t->started && sequence < t->highest_sequence && t->highest_sequence - sequence > 0x8000) t->roc++;
    t->highest_sequence = sequence;
    t->started = 1;
    if (t->aead) {
        uint8_t iv[12];
        gcm_iv(t, ssrc, t->roc, sequence, iv);
        int written = 0;
        if (EVP_EncryptInit_ex(t->cipher, NULL, NULL, NULL, iv) != 1) return -1;
        if (EVP_EncryptUpdate(t->cipher, NULL, &written, packet, header) != 1) return -1;
        if (length > header &&
            EVP_EncryptUpdate(t->cipher, packet + header, &written, packet + header, length - header) != 1)
            return -1;
        if (EVP_EncryptFinal_ex(t->cipher, packet + length, &written) != 1) return -1;
        if (EVP_CIPHER_CTX_ctrl(t->cipher, EVP_CTRL_AEAD_GET_TAG, gcm_tag_length, packet + length) != 1) return -1;
        return length + gcm_tag_length;
    }
    uint8_t iv[16];
    cm_iv(t, ssrc, t->roc, sequence, iv);
    if (cm_apply(t, iv, packet + header, length - header) != 0) return -1;
    uint8_t digest[20];
    hmac(t, packet, length, t->roc, digest);
    memcpy(packet + length, digest, cm_tag_length);
    return length + cm_tag_length;
}

/// Checks and decrypts in place; returns the plain length, -1 for a failed tag, -2 for a replay or bad packet.
static int unprotect(transform *t, uint8_t *packet, int length) {
    int tag_length = t->aead ? gcm_tag_length : cm_tag_length;
    int body = length - tag_length;
    int header = header_length(packet, body);
    if (header < 0) return -2;
    uint16_t sequence = load16(packet + 2);
    uint32_t ssrc = load32(packet + 8);
    // RFC 3711 appendix A: the ROC that puts this sequence number closest to the highest one seen.
    uint32_t roc = t->roc;
    if (t->started) {
        int highest = t->highest_sequence;
        if (highest < 0x8000) {
            if ((int)sequence - highest > 0x8000) roc = t->roc - 1;
        } else if (highest - 0x8000 > (int)sequence) {
            roc = t->roc + 1;
        }
    }
    uint64_t index = (uint64_t)roc << 16 | sequence;
    uint64_t delta = 0;
    if (t->started && index <= t->highest_index) {
        delta = t->highest_index - index;
        if (delta >= 64 || (t->window >> delta) & 1) return -2;
    }
    if (t->aead) {
        uint8_t iv[12];
        gcm_iv(t, ssrc, roc, sequence, iv);
        int written = 0;
        if (EVP_DecryptInit_ex(t->cipher, NULL, NULL, NULL, iv) != 1) return -1;
        if (EVP_DecryptUpdate(t->cipher, NULL, &written, packet, header) != 1) return -1;
        if (body > header &&
            EVP_DecryptUpdate(t->cipher, packet + header, &written, packet + header, body - header) != 1)
            return -1;
        if (EVP_CIPHER_CTX_ctrl(t->cipher, EVP_CTRL_AEAD_SET_TAG, gcm_tag_length, packet + body) != 1) return -1;
        if (EVP_DecryptFinal_ex(t->cipher, packet + body, &written) != 1) return -1;
    } else {
        uint8_t digest[20];
        hmac(t, packet, body, roc, digest);
        if (CRYPTO_memcmp(digest, packet + body, cm_tag_length) != 0) return -1;
        uint8_t iv[16];
        cm_iv(t, ssrc, roc, sequence, iv);
        if (cm_apply(t, iv, packet + header, body - header) != 0) return -1;
    }
    if (!t->started || index > t->highest_index) {
        uint64_t shift = t->started ? index - t->highest_index : 64;
        t->window = shift >= 64 ? 1 : (t->window << shift) | 1;
        t->highest_index = index;
        t->roc = roc;
        t->highest_sequence = sequence;
        t->started = 1;
    } else {
        t->window |= (uint64_t)1 << delta;
    }
    return body;
}

// MARK: - Calls

/// What the relay rewrites on one outbound stream (the bridge's RTPStreamRewriter does the same three fields).
typedef struct {
    uint32_t ssrc;
    uint16_t sequence_offset;
    uint32_t timestamp_offset;
} rewrite;

static inline void apply_rewrite(const rewrite *r, uint8_t *packet) {
    store16(packet + 2, (uint16_t)(load16(packet + 2) + r->sequence_offset));
    store32(packet + 4, load32(packet + 4) + r->timestamp_offset);
    store32(packet + 8, r->ssrc);
}

typedef struct {
    int secure_fd, plain_fd;
    struct sockaddr_in client, peer;  // the endpoints' addresses: where each side sends, and the only sources
    transform from_client, to_client;
    rewrite to_client_rewrite, to_peer_rewrite;
} relay_call;

typedef struct {
    int client_fd, peer_fd;
    struct sockaddr_in relay_secure, relay_plain;
    transform client_send, client_receive;
    uint16_t client_sequence, peer_sequence;
    uint32_t client_timestamp, peer_timestamp, client_ssrc, peer_ssrc;
} endpoint_call;

typedef struct {
    relay_baseline_config config;
    relay_call *relay;
    endpoint_call *endpoints;
    int relay_epoll, endpoint_epoll, timer_fd;
    atomic_int stop;
    int64_t rss_before;
    // Written by the relay thread, read after join.
    uint64_t cpu_ns, wall_ns, relayed, allocations, sleeps, relay_auth_failures, dropped;
    int64_t rss_after;
    // Written by the endpoint thread, read after join.
    uint64_t peers_sent, peers_received, client_auth_failures;
} run_state;

static uint64_t monotonic_ns(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (uint64_t)time.tv_sec * 1000000000u + (uint64_t)time.tv_nsec;
}

static int same_address(const struct sockaddr_in *a, const struct sockaddr_in *b) {
    return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
}

static int open_socket(struct sockaddr_in *address) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in bind_address = {.sin_family = AF_INET, .sin_port = 0};
    bind_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof *address;
    if (bind(fd, (struct sockaddr *)&bind_address, sizeof bind_address) != 0 ||
        getsockname(fd, (struct sockaddr *)address, &length) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int watch(int epoll_fd, int fd, uint32_t tag) {
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = tag};
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

// MARK: - Relay thread

static void *relay_main(void *argument) {
    run_state *s = argument;
    if (s->config.relay_cpu >= 0) relay_pin_thread(s->config.relay_cpu);
    const int tag_length = s->config.aead ? gcm_tag_length : cm_tag_length;
    uint8_t buffer[datagram_capacity];
    struct epoll_event events[256];
    uint64_t start = monotonic_ns();
    uint64_t window_start = start + (uint64_t)s->config.warmup_ms * 1000000u;
    uint64_t window_end = window_start + (uint64_t)s->config.window_ms * 1000000u;
    uint64_t relayed = 0, cpu_start = 0, relayed_start = 0;
    int64_t sleeps_start = 0;
    relay_alloc_counts allocations_start = {0};
    int phase = 0;  // 0 warm-up, 1 window, 2 done
    while (phase < 2) {
        int count = epoll_wait(s->relay_epoll, events, 256, 1);
        for (int e = 0; e < count; e++) {
            uint32_t tag = events[e].data.u32;
            relay_call *call = &s->relay[tag >> 1];
            struct sockaddr_in source;
            socklen_t source_length = sizeof source;
            if ((tag & 1) == 0) {
                // Secure side: SRTP from the client, to the SIP peer.
                ssize_t length = recvfrom(call->secure_fd, buffer, sizeof buffer - 32, 0,
                                          (struct sockaddr *)&source, &source_length);
                if (length <= 0) continue;
                // RFC 7983: 128-191 is RTP or RTCP; RFC 5761: payload types 64-95 are RTCP under rtcp-mux.
                if (!same_address(&source, &call->client) || length < rtp_header_length + tag_length ||
                    buffer[0] < 128 || buffer[0] > 191 || ((buffer[1] & 0x7F) >= 64 && (buffer[1] & 0x7F) < 96)) {
                    s->dropped++;
                    continue;
                }
                int plain = unprotect(&call->from_client, buffer, (int)length);
                if (plain < 0) {
                    if (plain == -1) s->relay_auth_failures++; else s->dropped++;
                    continue;
                }
                buffer[1] = (uint8_t)((buffer[1] & 0x80) | payload_type);
                apply_rewrite(&call->to_peer_rewrite, buffer);
                if (sendto(call->plain_fd, buffer, (size_t)plain, 0, (struct sockaddr *)&call->peer,
                           sizeof call->peer) > 0)
                    relayed++;
            } else {
                // Plain side: RTP from the SIP peer, to the client.
                ssize_t length = recvfrom(call->plain_fd, buffer, sizeof buffer - 32, 0, (struct sockaddr *)&source,
                                          &source_length);
                if (length <= 0) continue;
                if (!same_address(&source, &call->peer) || length < rtp_header_length || (buffer[0] & 0xC0) != 0x80 ||
                    (buffer[1] & 0x7F) != payload_type) {
                    s->dropped++;
                    continue;
                }
                apply_rewrite(&call->to_client_rewrite, buffer);
                int protected_length = protect(&call->to_client, buffer, (int)length);
                if (protected_length < 0) {
                    s->dropped++;
                    continue;
                }
                if (sendto(call->secure_fd, buffer, (size_t)protected_length, 0, (struct sockaddr *)&call->client,
                           sizeof call->client) > 0)
                    relayed++;
            }
        }
        uint64_t now = monotonic_ns();
        if (phase == 0 && now >= window_start) {
            s->rss_after = relay_resident_bytes();
            relay_alloc_counting(1);
            allocations_start = relay_alloc_read();
            sleeps_start = relay_thread_sleeps();
            cpu_start = relay_thread_cpu_ns();
            relayed_start = relayed;
            window_start = now;
            phase = 1;
        } else if (phase == 1 && now >= window_end) {
            s->cpu_ns = relay_thread_cpu_ns() - cpu_start;
            s->sleeps = (uint64_t)(relay_thread_sleeps() - sleeps_start);
            s->allocations = relay_alloc_read().allocations - allocations_start.allocations;
            relay_alloc_counting(0);
            s->relayed = relayed - relayed_start;
            s->wall_ns = now - window_start;
            phase = 2;
        }
    }
    atomic_store(&s->stop, 1);
    return NULL;
}

// MARK: - Endpoint thread

static void fill_packet(uint8_t *packet, int payload_length, uint16_t sequence, uint32_t timestamp, uint32_t ssrc) {
    packet[0] = 0x80;
    packet[1] = payload_type;
    store16(packet + 2, sequence);
    store32(packet + 4, timestamp);
    store32(packet + 8, ssrc);
    for (int i = 0; i < payload_length; i++) packet[rtp_header_length + i] = (uint8_t)(0xD5 ^ i);
}

static void *endpoint_main(void *argument) {
    run_state *s = argument;
    if (s->config.endpoint_cpu >= 0) relay_pin_thread(s->config.endpoint_cpu);
    const int calls = s->config.calls;
    const int payload = s->config.payload_length;
    const int slots = 1000 / s->config.packets_per_second;  // 1 ms ticks per packet interval
    const uint32_t samples = 8000u / (uint32_t)s->config.packets_per_second;
    uint8_t buffer[datagram_capacity];
    struct epoll_event events[256];
    uint64_t tick = 0;
    while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
        int count = epoll_wait(s->endpoint_epoll, events, 256, 10);
        for (int e = 0; e < count; e++) {
            uint32_t tag = events[e].data.u32;
            if (tag == UINT32_MAX) {
                uint64_t expirations = 0;
                if (read(s->timer_fd, &expirations, sizeof expirations) != sizeof expirations) continue;
                for (uint64_t x = 0; x < expirations; x++, tick++) {
                    for (int i = (int)(tick % (uint64_t)slots); i < calls; i += slots) {
                        endpoint_call *c = &s->endpoints[i];
                        fill_packet(buffer, payload, ++c->client_sequence, c->client_timestamp += samples,
                                    c->client_ssrc);
                        int length = protect(&c->client_send, buffer, rtp_header_length + payload);
                        if (length > 0 && sendto(c->client_fd, buffer, (size_t)length, 0,
                                                 (struct sockaddr *)&c->relay_secure, sizeof c->relay_secure) > 0)
                            s->peers_sent++;
                        fill_packet(buffer, payload, ++c->peer_sequence, c->peer_timestamp += samples, c->peer_ssrc);
                        if (sendto(c->peer_fd, buffer, (size_t)(rtp_header_length + payload), 0,
                                   (struct sockaddr *)&c->relay_plain, sizeof c->relay_plain) > 0)
                            s->peers_sent++;
                    }
                }
                continue;
            }
            endpoint_call *c = &s->endpoints[tag >> 1];
            int fd = (tag & 1) == 0 ? c->client_fd : c->peer_fd;
            ssize_t length = recv(fd, buffer, sizeof buffer, 0);
            if (length <= 0) continue;
            if ((tag & 1) == 0) {
                // The client checks the relay's tag, so a broken transform shows up as failures.
                if (unprotect(&c->client_receive, buffer, (int)length) < 0) {
                    s->client_auth_failures++;
                    continue;
                }
            }
            s->peers_received++;
        }
    }
    return NULL;
}

// MARK: - Setup

static void fail(relay_baseline_result *result, const char *what) {
    snprintf(result->error, sizeof result->error, "%s: %s", what, strerror(errno));
}

static void release(run_state *s) {
    if (s->relay != NULL) {
        for (int i = 0; i < s->config.calls; i++) {
            relay_call *r = &s->relay[i];
            if (r->secure_fd > 0) close(r->secure_fd);
            if (r->plain_fd > 0) close(r->plain_fd);
            transform_free(&r->from_client);
            transform_free(&r->to_client);
        }
        free(s->relay);
    }
    if (s->endpoints != NULL) {
        for (int i = 0; i < s->config.calls; i++) {
            endpoint_call *c = &s->endpoints[i];
            if (c->client_fd > 0) close(c->client_fd);
            if (c->peer_fd > 0) close(c->peer_fd);
            transform_free(&c->client_send);
            transform_free(&c->client_receive);
        }
        free(s->endpoints);
    }
    if (s->relay_epoll > 0) close(s->relay_epoll);
    if (s->endpoint_epoll > 0) close(s->endpoint_epoll);
    if (s->timer_fd > 0) close(s->timer_fd);
}

/// Keys of one direction: AES key, salt and HMAC key, shared by its sender and its receiver.
typedef struct {
    uint8_t key[16], salt[14], auth[20];
} direction_keys;

int relay_baseline_run(const relay_baseline_config *config, relay_baseline_result *result) {
    memset(result, 0, sizeof *result);
    if (config->calls < 1 || config->calls > 20000 || config->payload_length < 0 ||
        config->payload_length > 1200 || config->packets_per_second < 1 || config->packets_per_second > 1000 ||
        1000 % config->packets_per_second != 0 || config->warmup_ms < 0 || config->window_ms < 1) {
        snprintf(result->error, sizeof result->error, "invalid configuration");
        return -1;
    }
    run_state *s = calloc(1, sizeof *s);
    if (s == NULL) {
        fail(result, "calloc");
        return -1;
    }
    s->config = *config;
    int calls = config->calls;
    int status = -1;
    s->relay = calloc((size_t)calls, sizeof *s->relay);
    s->endpoints = calloc((size_t)calls, sizeof *s->endpoints);
    if (s->relay == NULL || s->endpoints == NULL) {
        fail(result, "calloc");
        goto done;
    }
    s->endpoint_epoll = epoll_create1(EPOLL_CLOEXEC);
    s->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (s->endpoint_epoll < 0 || s->timer_fd < 0 || watch(s->endpoint_epoll, s->timer_fd, UINT32_MAX) != 0) {
        fail(result, "epoll or timerfd");
        goto done;
    }
    // The endpoints first, so that the RSS reading before the relay's part excludes them.
    direction_keys *keys = calloc((size_t)calls * 2, sizeof *keys);
    if (keys == NULL || RAND_bytes((unsigned char *)keys, (int)((size_t)calls * 2 * sizeof *keys)) != 1) {
        free(keys);
        snprintf(result->error, sizeof result->error, "no random keys");
        goto done;
    }
    for (int i = 0; i < calls; i++) {
        endpoint_call *c = &s->endpoints[i];
        direction_keys *up = &keys[2 * i], *down = &keys[2 * i + 1];
        // The relay knows the endpoints' addresses as signalling (and ICE, and latching) would tell it.
        c->client_fd = open_socket(&s->relay[i].client);
        c->peer_fd = open_socket(&s->relay[i].peer);
        if (c->client_fd < 0 || c->peer_fd < 0 || watch(s->endpoint_epoll, c->client_fd, (uint32_t)i << 1) != 0 ||
            watch(s->endpoint_epoll, c->peer_fd, (uint32_t)i << 1 | 1) != 0) {
            fail(result, "endpoint socket");
            free(keys);
            goto done;
        }
        if (transform_init(&c->client_send, config->aead, 0, up->key, up->salt, up->auth) != 0 ||
            transform_init(&c->client_receive, config->aead, 1, down->key, down->salt, down->auth) != 0) {
            snprintf(result->error, sizeof result->error, "OpenSSL context setup failed");
            free(keys);
            goto done;
        }
        c->client_ssrc = 0x10000000u + (uint32_t)i;
        c->peer_ssrc = 0x20000000u + (uint32_t)i;
        c->client_sequence = (uint16_t)(i * 7919);
        c->peer_sequence = (uint16_t)(i * 104729);
    }
    relay_release_free_memory();
    s->rss_before = relay_resident_bytes();
    s->relay_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (s->relay_epoll < 0) {
        fail(result, "epoll");
        free(keys);
        goto done;
    }
    for (int i = 0; i < calls; i++) {
        relay_call *r = &s->relay[i];
        endpoint_call *c = &s->endpoints[i];
        direction_keys *up = &keys[2 * i], *down = &keys[2 * i + 1];
        r->secure_fd = open_socket(&c->relay_secure);
        r->plain_fd = open_socket(&c->relay_plain);
        if (r->secure_fd < 0 || r->plain_fd < 0 || watch(s->relay_epoll, r->secure_fd, (uint32_t)i << 1) != 0 ||
            watch(s->relay_epoll, r->plain_fd, (uint32_t)i << 1 | 1) != 0) {
            fail(result, "relay socket");
            free(keys);
            goto done;
        }
        if (transform_init(&r->from_client, config->aead, 1, up->key, up->salt, up->auth) != 0 ||
            transform_init(&r->to_client, config->aead, 0, down->key, down->salt, down->auth) != 0) {
            snprintf(result->error, sizeof result->error, "OpenSSL context setup failed");
            free(keys);
            goto done;
        }
        r->to_client_rewrite = (rewrite){.ssrc = 0x30000000u + (uint32_t)i, .sequence_offset = 1234,
                                         .timestamp_offset = 5678};
        r->to_peer_rewrite = (rewrite){.ssrc = 0x40000000u + (uint32_t)i, .sequence_offset = 4321,
                                       .timestamp_offset = 8765};
    }
    OPENSSL_cleanse(keys, (size_t)calls * 2 * sizeof *keys);
    free(keys);

    struct itimerspec period = {.it_interval = {0, 1000000}, .it_value = {0, 1000000}};
    if (timerfd_settime(s->timer_fd, 0, &period, NULL) != 0) {
        fail(result, "timerfd_settime");
        goto done;
    }
    pthread_t relay_thread, endpoint_thread;
    if ((errno = pthread_create(&relay_thread, NULL, relay_main, s)) != 0) {
        fail(result, "pthread_create");
        goto done;
    }
    if ((errno = pthread_create(&endpoint_thread, NULL, endpoint_main, s)) != 0) {
        fail(result, "pthread_create");
        pthread_join(relay_thread, NULL);  // it ends by itself after warm-up and window
        goto done;
    }
    pthread_join(relay_thread, NULL);
    pthread_join(endpoint_thread, NULL);

    result->cpu_ns = s->cpu_ns;
    result->wall_ns = s->wall_ns;
    result->relayed = s->relayed;
    result->allocations = s->allocations;
    result->sleeps = s->sleeps;
    result->peers_sent = s->peers_sent;
    result->peers_received = s->peers_received;
    result->auth_failures = s->relay_auth_failures + s->client_auth_failures;
    result->dropped = s->dropped;
    result->rss_per_call = (s->rss_after >= 0 && s->rss_before >= 0) ? (s->rss_after - s->rss_before) / calls : -1;
    status = 0;
done:
    release(s);
    free(s);
    return status;
}
