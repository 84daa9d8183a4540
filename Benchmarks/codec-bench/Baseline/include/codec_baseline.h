#ifndef CODEC_BASELINE_H
#define CODEC_BASELINE_H

// A plain C transcoding loop over libopus and a table G.711 μ-law, the yardstick codec-bench measures the
// Swift transcoder against: the same codec work with nothing around it (no jitter buffer, no concealment,
// no timestamps).

/// An Opus encoder and decoder at 8 kHz (OPUS_APPLICATION_VOIP), as the Opus <-> PCMU path uses them.
typedef struct codec_baseline codec_baseline;

/// Creates the state; NULL on failure. `complexity` 0-10, `bitrate` in bit/s, in-band FEC on with 10 % loss
/// expected (the Swift encoder's defaults).
codec_baseline *codec_baseline_create(int complexity, int bitrate);

void codec_baseline_destroy(codec_baseline *baseline);

/// Decodes `count` Opus packets (packet i is `lengths[i]` octets at `data + offsets[i]`) to 8 kHz and
/// μ-law-encodes each 20 ms of PCM. Returns a checksum of the output, so no work can be optimised away.
unsigned codec_baseline_opus_to_pcmu(codec_baseline *baseline, const unsigned char *data, const int *offsets,
                                     const int *lengths, int count);

/// μ-law-decodes `frames` frames of 160 octets and Opus-encodes each at 8 kHz. Returns a checksum.
unsigned codec_baseline_pcmu_to_opus(codec_baseline *baseline, const unsigned char *pcmu, int frames);

#endif
