// The audio front end, one frame: samples -> pre-emphasis -> window -> zero-padded real FFT -> power
// spectrum -> mel filterbank -> log (floored) -> DCT-II (MFCC). docs/features.md has the formulas.
#include "fp_strict.h"  // first: see there
#include "front_end.h"
#include "tml/fft.h"
#include "tml/fmath.h"
#include "tml/types.h"

namespace tml::features {

void audio_frame(const tml_audio_features_record& r, const uint8_t* section, const Source& src, uint32_t first,
                 float* buf, float* out) {
  const uint32_t length = r.frame_length, n = r.fft_size;
  TML_ASSERT(length >= 1 && length <= n);
  for (uint32_t i = 0; i < length; ++i) buf[i] = src[first + i];

  // Pre-emphasis inside the frame, from the end so each step still reads the original previous sample.
  const float a = r.preemphasis;
  if (a != 0.0f) {
    for (uint32_t i = length - 1; i > 0; --i) buf[i] = buf[i] - a * buf[i - 1];
    buf[0] = buf[0] - a * buf[0];
  }
  if (r.window_offset) {
    const float* w = f32_table(section, r.window_offset);
    for (uint32_t i = 0; i < length; ++i) buf[i] = buf[i] * w[i];
  }
  for (uint32_t i = length; i < n; ++i) buf[i] = 0.0f;
  tml_rfft_f32(buf, n, f32_table(section, r.twiddle_offset));
  tml_power_spectrum_f32(buf, n);  // buf[0 .. n/2]: |X[k]|^2

  // Mel energies, their log and floor: into the output for MFE, after the spectrum for MFCC.
  const uint16_t* bands = u16_table(section, r.mel_offset);
  const float* weight = f32_table(section, r.mel_offset + 4u * r.mel_bands);
  float* mel = r.kind == TML_FEATURES_MFCC ? buf + n : out;
  const bool floored = r.flags & TML_AUDIO_FLAG_FLOOR;
  for (uint32_t b = 0; b < r.mel_bands; ++b) {
    const float* power = buf + bands[2 * b];
    const uint32_t count = bands[2 * b + 1];
    float energy = 0.0f;
    for (uint32_t j = 0; j < count; ++j) energy = energy + weight[j] * power[j];
    weight += count;
    float v = tml_logf(energy + r.log_offset) * r.log_scale;
    if (floored && v < r.floor) v = r.floor;
    mel[b] = v;
  }
  if (r.kind != TML_FEATURES_MFCC) return;

  const float* dct = f32_table(section, r.dct_offset);
  for (uint32_t c = 0; c < r.out_channels; ++c) {
    float acc = 0.0f;
    for (uint32_t b = 0; b < r.mel_bands; ++b) acc = acc + dct[b] * mel[b];
    dct += r.mel_bands;
    out[c] = acc;
  }
}

}  // namespace tml::features
