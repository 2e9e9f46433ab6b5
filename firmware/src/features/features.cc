// The front-end section: validation at load, buffer sizes, and the entry points of tml/features.h,
// which check their arguments and hand over to the audio and spectral computations.
#include "fp_strict.h"  // first: see there
#include "tml/features.h"

#include <cstring>

#include "front_end.h"
#include "tml/fft.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the front-end section is little-endian and read in place"
#endif

namespace tml {
namespace features {
namespace {

// Bounds and contents of the tables of one section, [record_size, size) of it.
class Tables {
 public:
  Tables(const uint8_t* section, uint32_t size) : s_(section), size_(size) {}

  // `bytes` bytes at `offset`, after the record, 4-aligned, inside the section. 64-bit sizes: a count
  // times an element size may exceed 32 bits.
  bool fits(uint32_t offset, uint64_t bytes) const {
    return offset % TML_MODEL_ALIGN == 0 && offset >= TML_FEATURES_RECORD_SIZE && offset <= size_ &&
           bytes <= size_ - offset;
  }

  // `count` floats at `offset`, in bounds, each finite and within [lo, hi].
  bool floats(uint32_t offset, uint64_t count, float lo, float hi) const {
    if (!fits(offset, 4 * count)) return false;
    for (uint32_t i = 0; i < count; ++i) {
      float v;
      memcpy(&v, s_ + offset + 4 * i, sizeof v);
      if (!is_finite(v) || v < lo || v > hi) return false;
    }
    return true;
  }

  uint16_t u16(uint32_t offset, uint32_t index) const {
    uint16_t v;
    memcpy(&v, s_ + offset + 2 * index, sizeof v);
    return v;
  }

  float f32(uint32_t offset, uint32_t index) const {
    float v;
    memcpy(&v, s_ + offset + 4 * index, sizeof v);
    return v;
  }

 private:
  const uint8_t* s_;
  uint32_t size_;
};

constexpr float kHuge = 3.0e38f;  // "any finite value" bound for Tables::floats

bool positive_finite(float v) { return is_finite(v) && v > 0.0f; }

uint32_t popcount8(uint32_t v) {
  uint32_t n = 0;
  for (; v; v &= v - 1) ++n;
  return n;
}

// The twiddle table of an n-point FFT: n floats in [-1, 1].
bool twiddles_ok(const Tables& t, uint32_t offset, uint32_t n) { return t.floats(offset, n, -1.0f, 1.0f); }

}  // namespace

int validate_audio(const tml_audio_features_record& r, const uint8_t* section) {
  const Tables t(section, r.size);
  if ((r.flags & ~TML_AUDIO_FLAG_FLOOR) || r.reserved) return TML_ERR_FORMAT;
  if (r.raw_axes != 1 || !r.raw_rows || !r.out_time) return TML_ERR_FORMAT;
  const uint32_t n = r.fft_size, bins = n / 2 + 1;
  if (!tml_fft_size_ok(n) || !r.frame_length || r.frame_length > n || !r.frame_step) return TML_ERR_FORMAT;
  // The last frame ends inside the raw window (u16 fields: no overflow in 32 bits).
  if (uint32_t{r.frame_offset} + (uint32_t{r.out_time} - 1) * r.frame_step + r.frame_length > r.raw_rows)
    return TML_ERR_FORMAT;
  if (!r.mel_bands || r.mel_bands > bins) return TML_ERR_FORMAT;
  if (r.kind == TML_FEATURES_MFE) {
    if (r.out_channels != r.mel_bands || r.dct_offset) return TML_ERR_FORMAT;
  } else {
    if (!r.out_channels || r.out_channels > r.mel_bands) return TML_ERR_FORMAT;
    if (!t.floats(r.dct_offset, uint64_t{r.out_channels} * r.mel_bands, -kHuge, kHuge)) return TML_ERR_FORMAT;
  }
  if (!positive_finite(r.sample_rate) || !is_finite(r.preemphasis) || !positive_finite(r.log_offset) ||
      !positive_finite(r.log_scale) || !is_finite(r.floor) || (!(r.flags & TML_AUDIO_FLAG_FLOOR) && r.floor != 0.0f))
    return TML_ERR_FORMAT;
  if (r.window_offset && !t.floats(r.window_offset, r.frame_length, -kHuge, kHuge)) return TML_ERR_FORMAT;
  if (!twiddles_ok(t, r.twiddle_offset, n)) return TML_ERR_FORMAT;
  // Mel bands: {first_bin, bins} pairs inside the spectrum, then their weights, non-negative (so the
  // energy, and the log's argument, is never negative).
  if (!t.fits(r.mel_offset, 4u * r.mel_bands)) return TML_ERR_FORMAT;
  uint32_t weights = 0;
  for (uint32_t b = 0; b < r.mel_bands; ++b) {
    const uint32_t first = t.u16(r.mel_offset, 2 * b), count = t.u16(r.mel_offset, 2 * b + 1);
    if (first + count > bins) return TML_ERR_FORMAT;
    weights += count;  // at most 65535 * 513
  }
  if (!t.floats(r.mel_offset + 4u * r.mel_bands, weights, 0.0f, kHuge)) return TML_ERR_FORMAT;
  return TML_OK;
}

int validate_spectral(const tml_spectral_features_record& r, const uint8_t* section) {
  const Tables t(section, r.size);
  if ((r.flags & ~(TML_SPECTRAL_FLAG_LOG | TML_SPECTRAL_FLAG_DETREND)) || r.reserved[0] || r.reserved[1] ||
      r.reserved[2] || (r.stats & ~TML_SPECTRAL_STATS_ALL))
    return TML_ERR_FORMAT;
  if (!r.raw_rows || !r.raw_axes || r.out_time != 1) return TML_ERR_FORMAT;
  const uint32_t n = r.fft_size, bins = n / 2 + 1;
  if (!tml_fft_size_ok(n)) return TML_ERR_FORMAT;
  if (!r.segment_length || r.segment_length > n || r.segment_length > r.raw_rows || !r.segment_step ||
      !r.segment_count)
    return TML_ERR_FORMAT;
  if ((uint32_t{r.segment_count} - 1) * r.segment_step + r.segment_length > r.raw_rows) return TML_ERR_FORMAT;
  if (r.peaks > TML_SPECTRAL_MAX_PEAKS || r.filter_sections > TML_SPECTRAL_MAX_SECTIONS) return TML_ERR_FORMAT;
  const uint32_t per_axis = popcount8(r.stats) + r.bands + 2u * r.peaks;
  if (!per_axis || uint32_t{r.raw_axes} * per_axis != r.out_channels) return TML_ERR_FORMAT;
  if (!positive_finite(r.sample_rate) || !positive_finite(r.psd_scale) || !positive_finite(r.bin_hz))
    return TML_ERR_FORMAT;
  if ((r.flags & TML_SPECTRAL_FLAG_LOG) ? !positive_finite(r.log_offset) : r.log_offset != 0.0f)
    return TML_ERR_FORMAT;
  // Filter: finite coefficients of stable sections (poles inside the unit circle: |a2| < 1 and
  // |a1| < 1 + a2), so a bounded window gives bounded values.
  if ((r.filter_sections == 0) != (r.filter_offset == 0)) return TML_ERR_FORMAT;
  if (r.filter_sections) {
    if (!t.floats(r.filter_offset, 5u * r.filter_sections, -kHuge, kHuge)) return TML_ERR_FORMAT;
    for (uint32_t s = 0; s < r.filter_sections; ++s) {
      const float a1 = t.f32(r.filter_offset, 5 * s + 3), a2 = t.f32(r.filter_offset, 5 * s + 4);
      const float abs_a1 = a1 < 0.0f ? -a1 : a1;
      if (!(a2 < 1.0f && a2 > -1.0f && abs_a1 < 1.0f + a2)) return TML_ERR_FORMAT;
    }
  }
  if (r.window_offset && !t.floats(r.window_offset, r.segment_length, -kHuge, kHuge)) return TML_ERR_FORMAT;
  if (!twiddles_ok(t, r.twiddle_offset, n)) return TML_ERR_FORMAT;
  // Bands: bands + 1 increasing edges (no empty band) inside the spectrum.
  if ((r.bands == 0) != (r.band_offset == 0)) return TML_ERR_FORMAT;
  if (r.bands) {
    if (!t.fits(r.band_offset, 2u * (r.bands + 1u))) return TML_ERR_FORMAT;
    for (uint32_t b = 0; b < r.bands; ++b)
      if (t.u16(r.band_offset, b) >= t.u16(r.band_offset, b + 1)) return TML_ERR_FORMAT;
    if (t.u16(r.band_offset, r.bands) > bins) return TML_ERR_FORMAT;
  }
  return TML_OK;
}

namespace {

bool is_audio(const tml_features* fe) {
  return fe && fe->section && (fe->kind == TML_FEATURES_MFE || fe->kind == TML_FEATURES_MFCC);
}

int check_scratch(const tml_features* fe, const void* scratch, size_t scratch_len) {
  if (!scratch || reinterpret_cast<uintptr_t>(scratch) % 4) return TML_ERR_ARG;
  if (scratch_len < tml_features_buffer_size(fe)) return TML_ERR_BUFFER;
  return TML_OK;
}

int run(const tml_features* fe, const Source& src, size_t count, float* out, void* scratch, size_t scratch_len) {
  if (!fe || !fe->section || !out || count != tml_features_input_size(fe)) return TML_ERR_ARG;
  const int rc = check_scratch(fe, scratch, scratch_len);
  if (rc != TML_OK) return rc;
  float* buf = static_cast<float*>(scratch);
  if (fe->kind == TML_FEATURES_SPECTRAL) {
    spectral_window(fe->record.spectral, fe->section, src, buf, out);
    return TML_OK;
  }
  const tml_audio_features_record& r = fe->record.audio;
  for (uint32_t frame = 0; frame < r.out_time; ++frame)
    audio_frame(r, fe->section, src, r.frame_offset + frame * uint32_t{r.frame_step}, buf, out + frame * r.out_channels);
  return TML_OK;
}

int frame(const tml_features* fe, const Source& src, float* out, void* scratch, size_t scratch_len) {
  if (!is_audio(fe) || !out) return TML_ERR_ARG;
  const int rc = check_scratch(fe, scratch, scratch_len);
  if (rc != TML_OK) return rc;
  audio_frame(fe->record.audio, fe->section, src, 0, static_cast<float*>(scratch), out);
  return TML_OK;
}

}  // namespace
}  // namespace features

using features::Source;

extern "C" int tml_features_init(tml_features* fe, const void* section, size_t len) {
  if (!fe || !section || reinterpret_cast<uintptr_t>(section) % TML_MODEL_ALIGN) return TML_ERR_ARG;
  const uint8_t* s = static_cast<const uint8_t*>(section);
  if (len < TML_FEATURES_RECORD_SIZE) return TML_ERR_FORMAT;
  tml_features f;
  memset(&f, 0, sizeof f);
  memcpy(&f.record, s, TML_FEATURES_RECORD_SIZE);
  const tml_audio_features_record& head = f.record.audio;  // the common first 16 bytes
  if (head.record_size != TML_FEATURES_RECORD_SIZE || head.size < TML_FEATURES_RECORD_SIZE || head.size > len ||
      head.size % TML_MODEL_ALIGN)
    return TML_ERR_FORMAT;
  int rc = TML_ERR_FORMAT;
  switch (head.kind) {
    case TML_FEATURES_MFE:
    case TML_FEATURES_MFCC: rc = features::validate_audio(f.record.audio, s); break;
    case TML_FEATURES_SPECTRAL: rc = features::validate_spectral(f.record.spectral, s); break;
    default: break;
  }
  if (rc != TML_OK) return rc;
  f.section = s;
  f.kind = head.kind;
  *fe = f;
  return TML_OK;
}

extern "C" uint32_t tml_features_input_size(const tml_features* fe) {
  if (!fe || !fe->section) return 0;
  return uint32_t{fe->record.audio.raw_rows} * fe->record.audio.raw_axes;  // common fields
}

extern "C" uint32_t tml_features_output_size(const tml_features* fe) {
  if (!fe || !fe->section) return 0;
  return uint32_t{fe->record.audio.out_time} * fe->record.audio.out_channels;  // common fields
}

extern "C" uint32_t tml_features_buffer_size(const tml_features* fe) {
  if (!fe || !fe->section) return 0;
  if (fe->kind == TML_FEATURES_SPECTRAL) {
    const tml_spectral_features_record& r = fe->record.spectral;
    return 4u * (uint32_t{r.raw_rows} + r.fft_size + r.fft_size / 2u + 1u);
  }
  const tml_audio_features_record& r = fe->record.audio;
  return 4u * (uint32_t{r.fft_size} + (r.kind == TML_FEATURES_MFCC ? r.mel_bands : 0u));
}

extern "C" int tml_features_run(const tml_features* fe, const float* raw, size_t count, float* out, void* scratch,
                                size_t scratch_len) {
  if (!raw) return TML_ERR_ARG;
  return features::run(fe, Source{raw, nullptr, 1.0f}, count, out, scratch, scratch_len);
}

extern "C" int tml_features_run_i16(const tml_features* fe, const int16_t* raw, size_t count, float scale, float* out,
                                    void* scratch, size_t scratch_len) {
  if (!raw) return TML_ERR_ARG;
  return features::run(fe, Source{nullptr, raw, scale}, count, out, scratch, scratch_len);
}

extern "C" int tml_audio_frame(const tml_features* fe, const float* samples, float* out, void* scratch,
                               size_t scratch_len) {
  if (!samples) return TML_ERR_ARG;
  return features::frame(fe, Source{samples, nullptr, 1.0f}, out, scratch, scratch_len);
}

extern "C" int tml_audio_frame_i16(const tml_features* fe, const int16_t* samples, float scale, float* out,
                                   void* scratch, size_t scratch_len) {
  if (!samples) return TML_ERR_ARG;
  return features::frame(fe, Source{nullptr, samples, scale}, out, scratch, scratch_len);
}

}  // namespace tml
