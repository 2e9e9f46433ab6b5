// Internal to the front ends: the computations behind tml/features.h, on validated records, and the
// sample sources they read (float, or int16 with a scale).
#pragma once

#include <cstdint>
#include <cstring>

#include "tml/model_format.h"

namespace tml::features {

// Raw values as floats: float input as it is, int16 input as (float)v * scale.
struct Source {
  const float* f32;
  const int16_t* i16;
  float scale;
  float operator[](uint32_t i) const { return f32 ? f32[i] : static_cast<float>(i16[i]) * scale; }
};

// Tables are 4-aligned inside a 4-aligned section (checked at load): read in place.
inline const float* f32_table(const uint8_t* section, uint32_t offset) {
  return reinterpret_cast<const float*>(section + offset);
}
inline const uint16_t* u16_table(const uint8_t* section, uint32_t offset) {
  return reinterpret_cast<const uint16_t*>(section + offset);
}

inline uint32_t float_bits(float v) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}
inline bool is_finite(float v) { return (float_bits(v) & 0x7F800000u) != 0x7F800000u; }

// Audio: frame `samples` (frame_length values from `src` starting at index `first`) into out[out_channels].
// buf: fft_size floats, then mel_bands more for MFCC.
void audio_frame(const tml_audio_features_record& r, const uint8_t* section, const Source& src, uint32_t first,
                 float* buf, float* out);

// Spectral: a whole window [raw_rows][raw_axes] into out[out_channels].
// scratch: raw_rows + fft_size + fft_size / 2 + 1 floats.
void spectral_window(const tml_spectral_features_record& r, const uint8_t* section, const Source& src,
                     float* scratch, float* out);

// Validation of a record and its tables inside section[0, r.size) (r.size <= the bytes available).
int validate_audio(const tml_audio_features_record& r, const uint8_t* section);
int validate_spectral(const tml_spectral_features_record& r, const uint8_t* section);

}  // namespace tml::features
