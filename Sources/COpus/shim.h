#include <opus/opus.h>

// opus_encoder_ctl and opus_decoder_ctl are variadic, which Swift cannot call: one typed wrapper per request
// the media module uses.

static inline int jsb_opus_encoder_set_bitrate(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(value));
}

static inline int jsb_opus_encoder_set_complexity(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_COMPLEXITY(value));
}

static inline int jsb_opus_encoder_set_inband_fec(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(value));
}

static inline int jsb_opus_encoder_set_packet_loss_perc(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(value));
}

static inline int jsb_opus_encoder_set_dtx(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_DTX(value));
}

static inline int jsb_opus_encoder_set_vbr(OpusEncoder *encoder, opus_int32 value) {
    return opus_encoder_ctl(encoder, OPUS_SET_VBR(value));
}

static inline int jsb_opus_encoder_set_signal_voice(OpusEncoder *encoder) {
    return opus_encoder_ctl(encoder, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
}

static inline int jsb_opus_encoder_get_lookahead(OpusEncoder *encoder, opus_int32 *value) {
    return opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(value));
}

static inline int jsb_opus_encoder_reset(OpusEncoder *encoder) {
    return opus_encoder_ctl(encoder, OPUS_RESET_STATE);
}

static inline int jsb_opus_decoder_reset(OpusDecoder *decoder) {
    return opus_decoder_ctl(decoder, OPUS_RESET_STATE);
}
