// The front ends: what turns a raw sensor window into the network's input, on the board and on the host
// from the same source. Two families (docs/features.md has every formula):
//   - audio (TML_FEATURES_MFE, TML_FEATURES_MFCC): frame by frame, pre-emphasis, window, zero-padded
//     real FFT, power spectrum, mel filterbank, log (optionally floored) and, for MFCC, a DCT-II:
//     [frames][mel bands or coefficients]. Continuous inference computes each frame once as its samples
//     arrive (tml_audio_frame); a whole window is tml_features_run.
//   - spectral analysis (TML_FEATURES_SPECTRAL): per axis of an accelerometer window, an optional
//     Butterworth filter, statistics, Welch band powers and the strongest spectral peaks: [1][features].
//
// The parameters and every table (window function, FFT twiddles, mel weights, DCT matrix, filter
// coefficients) are in a front-end section of the model blob (model_format.h), computed by the host in
// double precision; the board computes only IEEE single-precision arithmetic and the logarithm and
// square root of tml/fmath.h, in a fixed order under -ffp-contract=off, so its features equal the
// host's bit for bit.
//
// Use on a board, with a model whose blob has a front end (its tml_model holds the validated one):
//
//   alignas(4) static uint8_t scratch[FEATURES_SCRATCH];   // >= tml_model_features_buffer_size(&model)
//   tml_model_prepare_features(&model, raw_window, n, scratch, sizeof scratch, tml_model_input(&model, arena));
//   tml_model_run(&model, arena, sizeof arena, NULL, NULL);
//
// or, for audio as it streams, each hop: tml_audio_frame_i16(&model.features, last_frame_samples, scale,
// feature_row, scratch, sizeof scratch), then tml_model_prepare_input over the frames of the window.
//
// No heap; caller-owned scratch (4-aligned) sized by tml_features_buffer_size. Parameters are validated
// once by tml_features_init (tml_model_init calls it); the computations only assert.
#ifndef TML_FEATURES_H
#define TML_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "tml/model_format.h"
#include "tml/status.h"

#ifdef __cplusplus
extern "C" {
#endif

// A validated front-end section: a view of its bytes, which must stay in place while it is used.
typedef struct tml_features {
  const uint8_t* section;  // NULL when there is no front end (kind TML_FEATURES_NONE)
  uint32_t kind;           // tml_features_kind
  union {
    tml_audio_features_record audio;        // kind MFE or MFCC
    tml_spectral_features_record spectral;  // kind SPECTRAL
  } record;                                 // a copy of the section's record
} tml_features;

/**
 * @brief Validates a front-end section and prepares a view of it (no copy).
 *
 * Checks every rule of docs/model_format.md for the section: kind, sizes, geometry (frames inside the
 * raw window, FFT size a power of two from 16 to 1024, frame and segment lengths at most the FFT size),
 * output shape, every table inside the section, 4-aligned and of the right size, every float finite,
 * mel weights non-negative, filter sections stable, band edges increasing.
 * @param[out] fe       filled on success only
 * @param[in]  section  the section (record then tables) at a 4-aligned address (else TML_ERR_ARG)
 * @param[in]  len      bytes available at `section` (the record's size must fit; len may be larger)
 * @return TML_OK, TML_ERR_ARG, or TML_ERR_FORMAT; never reads outside section[0, len).
 */
int tml_features_init(tml_features* fe, const void* section, size_t len);

/** Raw values a window holds: raw_rows * raw_axes. */
uint32_t tml_features_input_size(const tml_features* fe);
/** Floats the front end writes per window: out_time * out_channels. */
uint32_t tml_features_output_size(const tml_features* fe);
/**
 * Scratch bytes tml_features_run, tml_features_run_i16 and tml_audio_frame(_i16) need:
 * audio 4 * (fft_size + mel_bands for MFCC), spectral 4 * (raw_rows + fft_size + fft_size / 2 + 1).
 */
uint32_t tml_features_buffer_size(const tml_features* fe);

/**
 * @brief The front end over a whole raw window.
 *
 * @param[in]  raw      float [raw_rows][raw_axes], physical units (as the host stores captured data)
 * @param[in]  count    tml_features_input_size() (else TML_ERR_ARG)
 * @param[out] out      float [out_time][out_channels] (tml_features_output_size values)
 * @param[in]  scratch  4-aligned (else TML_ERR_ARG), scratch_len >= tml_features_buffer_size() (else
 *                      TML_ERR_BUFFER); must not overlap raw or out
 * @return TML_OK, TML_ERR_ARG (also for a tml_features without a front end) or TML_ERR_BUFFER.
 */
int tml_features_run(const tml_features* fe, const float* raw, size_t count, float* out, void* scratch,
                     size_t scratch_len);

/** As tml_features_run on int16 samples: each value is (float)raw[i] * scale, in single precision. */
int tml_features_run_i16(const tml_features* fe, const int16_t* raw, size_t count, float scale, float* out,
                         void* scratch, size_t scratch_len);

/**
 * @brief One audio feature frame: out[c] for c < out_channels from frame_length samples.
 *
 * Frame t of a window is this function on raw[frame_offset + t * frame_step ..], so a stream that calls
 * it once per hop gets the rows tml_features_run computes, bit for bit.
 * @param[in]  samples  float [frame_length]
 * @param[out] out      float [out_channels]
 * @return TML_OK, TML_ERR_ARG (not an audio front end, a null pointer, misaligned scratch) or
 *         TML_ERR_BUFFER.
 */
int tml_audio_frame(const tml_features* fe, const float* samples, float* out, void* scratch, size_t scratch_len);

/** As tml_audio_frame on int16 PCM samples, each (float)samples[i] * scale (e.g. scale 1/32768). */
int tml_audio_frame_i16(const tml_features* fe, const int16_t* samples, float scale, float* out, void* scratch,
                        size_t scratch_len);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // TML_FEATURES_H
