#include "codec_baseline.h"

#include <opus/opus.h>
#include <stdint.h>
#include <stdlib.h>

struct codec_baseline {
    OpusEncoder *encoder;
    OpusDecoder *decoder;
    int16_t mulaw_table[256];
};

// G.711 μ-law, from the definition: bias 132, eight segments, codes sent inverted.
static uint8_t mulaw_encode(int16_t sample) {
    int value = sample;
    uint8_t sign = 0;
    if (value < 0) {
        value = -value;
        sign = 0x80;
    }
    if (value > 32635) value = 32635;
    value += 132;
    int exponent = 7;
    for (int mask = 0x4000; (value & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
    uint8_t mantissa = (uint8_t)((value >> (exponent + 3)) & 0x0F);
    return (uint8_t)~(sign | (exponent << 4) | mantissa);
}

static int16_t mulaw_decode(uint8_t code) {
    uint8_t inverted = (uint8_t)~code;
    int exponent = (inverted >> 4) & 0x07;
    int mantissa = inverted & 0x0F;
    int magnitude = (((mantissa << 3) + 132) << exponent) - 132;
    return (int16_t)((inverted & 0x80) ? -magnitude : magnitude);
}

codec_baseline *codec_baseline_create(int complexity, int bitrate) {
    codec_baseline *baseline = calloc(1, sizeof(*baseline));
    if (baseline == NULL) return NULL;
    int error = 0;
    baseline->encoder = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &error);
    if (error != OPUS_OK) goto fail;
    baseline->decoder = opus_decoder_create(8000, 1, &error);
    if (error != OPUS_OK) goto fail;
    opus_encoder_ctl(baseline->encoder, OPUS_SET_COMPLEXITY(complexity));
    opus_encoder_ctl(baseline->encoder, OPUS_SET_BITRATE(bitrate));
    opus_encoder_ctl(baseline->encoder, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(baseline->encoder, OPUS_SET_PACKET_LOSS_PERC(10));
    opus_encoder_ctl(baseline->encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
    for (int code = 0; code < 256; code++) baseline->mulaw_table[code] = mulaw_decode((uint8_t)code);
    return baseline;
fail:
    codec_baseline_destroy(baseline);
    return NULL;
}

void codec_baseline_destroy(codec_baseline *baseline) {
    if (baseline == NULL) return;
    if (baseline->encoder != NULL) opus_encoder_destroy(baseline->encoder);
    if (baseline->decoder != NULL) opus_decoder_destroy(baseline->decoder);
    free(baseline);
}

unsigned codec_baseline_opus_to_pcmu(codec_baseline *baseline, const unsigned char *data, const int *offsets,
                                     const int *lengths, int count) {
    int16_t pcm[960];
    uint8_t out[960];
    unsigned checksum = 0;
    for (int index = 0; index < count; index++) {
        int samples = opus_decode(baseline->decoder, data + offsets[index], lengths[index], pcm, 960, 0);
        if (samples < 0) continue;
        for (int sample = 0; sample < samples; sample++) out[sample] = mulaw_encode(pcm[sample]);
        checksum = checksum * 31 + out[samples / 2];
    }
    return checksum;
}

unsigned codec_baseline_pcmu_to_opus(codec_baseline *baseline, const unsigned char *pcmu, int frames) {
    int16_t pcm[160];
    unsigned char packet[1500];
    unsigned checksum = 0;
    for (int frame = 0; frame < frames; frame++) {
        const unsigned char *codes = pcmu + frame * 160;
        for (int sample = 0; sample < 160; sample++) pcm[sample] = baseline->mulaw_table[codes[sample]];
        int length = opus_encode(baseline->encoder, pcm, 160, packet, (opus_int32)sizeof(packet));
        if (length > 0) checksum = checksum * 31 + packet[length - 1];
    }
    return checksum;
}
