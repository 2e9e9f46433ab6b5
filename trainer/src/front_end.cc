// The front ends' host side (front_end.h): configuration checks, the tables in double precision, the
// section layout of model_format.h, and feature computation through the firmware.
#include "tml/trainer/front_end.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "tml/fft.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::trainer {
namespace {

const double kPi = std::acos(-1.0);

[[noreturn]] void fail(const std::string& what) { throw Error(what); }

void check_int(const std::string& what, long long v, long long lo, long long hi) {
  if (v < lo || v > hi)
    fail(what + " is " + std::to_string(v) + ", expected " + std::to_string(lo) + " .. " + std::to_string(hi));
}

void check_fft(const std::string& where, int n) {
  if (!tml_fft_size_ok(static_cast<uint32_t>(n < 0 ? 0 : n)))
    fail(where + "fft_size is " + std::to_string(n) + ", expected a power of two from " +
         std::to_string(TML_FFT_MIN_SIZE) + " to " + std::to_string(TML_FFT_MAX_SIZE));
}

void check_rate(const std::string& where, double rate) {
  if (!(rate > 0) || !std::isfinite(rate) || rate > 1e9) fail(where + "sample_rate must be a positive number of Hz");
}

// A section being laid out: the record, then tables at 4-aligned offsets counted from the record.
class SectionWriter {
 public:
  SectionWriter() : bytes_(TML_FEATURES_RECORD_SIZE, 0) {}

  uint32_t append(const void* data, size_t n) {
    while (bytes_.size() % TML_MODEL_ALIGN) bytes_.push_back(0);
    const auto offset = static_cast<uint32_t>(bytes_.size());
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
    if (bytes_.size() > UINT32_MAX / 2) fail("front end: the tables are too large");
    return offset;
  }
  template <typename T>
  uint32_t append(const std::vector<T>& v) {
    return append(v.data(), v.size() * sizeof(T));
  }

  // Pads to 4 bytes, stores the size in the record and the record at the start.
  template <typename Record>
  std::vector<uint8_t> finish(Record record) {
    while (bytes_.size() % TML_MODEL_ALIGN) bytes_.push_back(0);
    record.record_size = TML_FEATURES_RECORD_SIZE;
    record.size = static_cast<uint32_t>(bytes_.size());
    std::memcpy(bytes_.data(), &record, sizeof record);
    return std::move(bytes_);
  }

 private:
  std::vector<uint8_t> bytes_;
};

std::vector<float> twiddle_table(int n) {
  std::vector<float> t(static_cast<size_t>(n));
  for (int k = 0; k < n / 2; ++k) {
    t[2 * size_t(k)] = static_cast<float>(std::cos(2 * kPi * k / n));
    t[2 * size_t(k) + 1] = static_cast<float>(std::sin(2 * kPi * k / n));
  }
  return t;
}

// Periodic windows (the DFT-even form torch.hann_window and scipy.signal.get_window use): w[i] =
// a - (1 - a) cos(2 pi i / length).
std::vector<float> window_table(WindowFunction kind, int length) {
  const double a = kind == WindowFunction::hann ? 0.5 : 0.54;
  std::vector<float> w(static_cast<size_t>(length));
  for (int i = 0; i < length; ++i) w[size_t(i)] = static_cast<float>(a - (1 - a) * std::cos(2 * kPi * i / length));
  return w;
}

double hz_to_mel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }  // HTK
double mel_to_hz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

int audio_frame_offset(const AudioFrontEndConfig& c) {
  return c.frame_offset >= 0 ? c.frame_offset : (c.fft_size - c.frame_length) / 2;
}

int audio_frames(const AudioFrontEndConfig& c) {
  if (c.frames > 0) return c.frames;
  const int room = c.window_samples - audio_frame_offset(c) - c.frame_length;
  return room < 0 ? 0 : 1 + room / c.frame_step;
}

std::string audio_where(const AudioFrontEndConfig& c) {
  return c.kind == AudioFeatureKind::mfcc ? "MFCC front end: " : "MFE front end: ";
}

// The segments of Welch's method over the window.
struct Segments {
  int length, step, count;
};
Segments spectral_segments(const SpectralConfig& c) {
  Segments s;
  s.length = std::min(c.fft_size, c.window_rows);
  s.step = c.overlap ? std::max(1, s.length / 2) : s.length;
  s.count = 1 + (c.window_rows - s.length) / s.step;
  return s;
}

// Band edges in bins, bands + 1 of them.
std::vector<uint16_t> spectral_band_edges(const SpectralConfig& c) {
  const int half = c.fft_size / 2;
  std::vector<uint16_t> edges;
  if (!c.band_edges_hz.empty()) {
    const double bin_hz = c.sample_rate / c.fft_size;
    for (size_t b = 0; b + 1 < c.band_edges_hz.size(); ++b) {
      const double lo = c.band_edges_hz[b], hi = c.band_edges_hz[b + 1];
      // First bin whose frequency k * bin_hz is >= the edge.
      const auto first_bin = [&](double f) {
        int k = static_cast<int>(std::ceil(f / bin_hz - 1e-9));
        return std::clamp(k, 0, half + 1);
      };
      const int a = first_bin(lo), z = first_bin(hi);
      if (z <= a)
        fail("spectral front end: band " + format("%g", lo) + " .. " + format("%g", hi) + " Hz holds no FFT bin (bins are " +
             format("%g", bin_hz) + " Hz apart; use wider bands or a longer fft_size)");
      if (!edges.empty() && edges.back() != a)
        fail("spectral front end: band_edges_hz must be increasing and contiguous");
      if (edges.empty()) edges.push_back(static_cast<uint16_t>(a));
      edges.push_back(static_cast<uint16_t>(z));
    }
    return edges;
  }
  const int bands = c.bands ? c.bands : half;
  for (int b = 0; b <= bands; ++b)
    edges.push_back(static_cast<uint16_t>(1 + static_cast<int>(std::lround(double(b) * half / bands))));
  return edges;
}

}  // namespace

void validate(const AudioFrontEndConfig& c) {
  const std::string at = audio_where(c);
  check_rate(at, c.sample_rate);
  check_int(at + "window_samples", c.window_samples, 1, 65535);
  check_fft(at, c.fft_size);
  check_int(at + "frame_length", c.frame_length, 1, c.fft_size);
  check_int(at + "frame_step", c.frame_step, 1, 65535);
  if (c.frame_offset < -1) fail(at + "frame_offset must be >= 0 (or -1 for the torch.stft placement)");
  check_int(at + "frame_offset", audio_frame_offset(c), 0, 65535);
  check_int(at + "frames", c.frames, 0, 65535);
  const int frames = audio_frames(c);
  const long long end = audio_frame_offset(c) + (long long)(frames - 1) * c.frame_step + c.frame_length;
  if (frames < 1 || end > c.window_samples)
    fail(at + "a window of " + std::to_string(c.window_samples) + " samples holds " +
         (frames < 1 ? std::string("no frame") : std::to_string(frames) + " frames only up to sample " +
                                                     std::to_string(end)) +
         " of " + std::to_string(c.frame_length) + " samples starting at " + std::to_string(audio_frame_offset(c)) +
         " every " + std::to_string(c.frame_step));
  check_int(at + "mel_bands", c.mel_bands, 1, c.fft_size / 2 + 1);
  if (c.kind == AudioFeatureKind::mfcc) check_int(at + "coefficients", c.coefficients, 1, c.mel_bands);
  const double f_max = c.f_max > 0 ? c.f_max : c.sample_rate / 2;
  if (!(c.f_min >= 0) || !(f_max > c.f_min) || f_max > c.sample_rate / 2 + 1e-9 || !std::isfinite(f_max))
    fail(at + "the mel bands need 0 <= f_min < f_max <= sample_rate / 2 (f_min " + format("%g", c.f_min) + ", f_max " +
         format("%g", f_max) + ")");
  if (!(c.preemphasis >= 0 && c.preemphasis < 1)) fail(at + "preemphasis must be in [0, 1), e.g. 0.97");
  if (!(c.log_offset > 0) || !std::isfinite(c.log_offset) || c.log_offset < 1e-37)
    fail(at + "log_offset must be a positive number (e.g. 1e-6)");
  if (c.noise_floor_db && (!std::isfinite(*c.noise_floor_db) || std::fabs(*c.noise_floor_db) > 1000))
    fail(at + "noise_floor_db must be a finite level in dB, e.g. -52");
}

std::vector<uint8_t> audio_front_end_section(const AudioFrontEndConfig& c) {
  validate(c);
  tml_audio_features_record r;
  std::memset(&r, 0, sizeof r);
  r.kind = c.kind == AudioFeatureKind::mfcc ? TML_FEATURES_MFCC : TML_FEATURES_MFE;
  r.raw_rows = static_cast<uint16_t>(c.window_samples);
  r.raw_axes = 1;
  r.out_time = static_cast<uint16_t>(audio_frames(c));
  r.out_channels = static_cast<uint16_t>(c.kind == AudioFeatureKind::mfcc ? c.coefficients : c.mel_bands);
  r.frame_length = static_cast<uint16_t>(c.frame_length);
  r.frame_step = static_cast<uint16_t>(c.frame_step);
  r.frame_offset = static_cast<uint16_t>(audio_frame_offset(c));
  r.fft_size = static_cast<uint16_t>(c.fft_size);
  r.mel_bands = static_cast<uint16_t>(c.mel_bands);
  r.sample_rate = static_cast<float>(c.sample_rate);
  r.preemphasis = static_cast<float>(c.preemphasis);
  r.log_offset = static_cast<float>(c.log_offset);
  r.log_scale = c.decibels ? static_cast<float>(10.0 / std::log(10.0)) : 1.0f;
  if (c.noise_floor_db) {
    r.flags |= TML_AUDIO_FLAG_FLOOR;
    r.floor = static_cast<float>(c.decibels ? *c.noise_floor_db : *c.noise_floor_db * std::log(10.0) / 10.0);
  }

  SectionWriter w;
  if (c.window != WindowFunction::none) r.window_offset = w.append(window_table(c.window, c.frame_length));
  r.twiddle_offset = w.append(twiddle_table(c.fft_size));

  // Triangular HTK-mel filters as torchaudio.functional.melscale_fbanks (norm None): band b rises from
  // f[b] to f[b+1] and falls to f[b+2], the f evenly spaced in mel from f_min to f_max; bin k is at
  // k * (sample_rate / 2) / (bins - 1) Hz. Stored sparsely: the bins of non-zero weight.
  const int bins = c.fft_size / 2 + 1;
  const double f_max = c.f_max > 0 ? c.f_max : c.sample_rate / 2;
  const double m_min = hz_to_mel(c.f_min), m_max = hz_to_mel(f_max);
  std::vector<double> f(size_t(c.mel_bands) + 2);
  for (size_t i = 0; i < f.size(); ++i) f[i] = mel_to_hz(m_min + (m_max - m_min) * double(i) / double(c.mel_bands + 1));
  std::vector<uint16_t> bands;
  std::vector<float> weights;
  for (int b = 0; b < c.mel_bands; ++b) {
    const double lo = f[size_t(b)], mid = f[size_t(b) + 1], hi = f[size_t(b) + 2];
    int first = -1, last = -1;
    std::vector<float> band;
    for (int k = 0; k < bins; ++k) {
      const double hz = double(k) * (c.sample_rate / 2) / double(bins - 1);
      const double v = std::max(0.0, std::min((hz - lo) / (mid - lo), (hi - hz) / (hi - mid)));
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
      band.push_back(static_cast<float>(v));
    }
    if (first < 0) first = last = 0;  // an empty band (too narrow for the FFT): energy 0
    const int count = first == last && band[size_t(first)] == 0.0f ? 0 : last - first + 1;
    bands.push_back(static_cast<uint16_t>(first));
    bands.push_back(static_cast<uint16_t>(count));
    weights.insert(weights.end(), band.begin() + first, band.begin() + first + count);
  }
  r.mel_offset = w.append(bands);
  w.append(weights);  // right after the band table (4 * mel_bands bytes: stays 4-aligned)

  if (c.kind == AudioFeatureKind::mfcc) {
    // DCT-II with norm "ortho", as torchaudio.functional.create_dct: row c, column b
    // cos(pi / M * (b + 0.5) * c) * sqrt(2 / M), row 0 also times 1 / sqrt(2).
    const int m = c.mel_bands;
    std::vector<float> dct(size_t(c.coefficients) * size_t(m));
    for (int k = 0; k < c.coefficients; ++k)
      for (int b = 0; b < m; ++b)
        dct[size_t(k) * size_t(m) + size_t(b)] = static_cast<float>(
            std::cos(kPi / m * (b + 0.5) * k) * std::sqrt(2.0 / m) * (k == 0 ? 1.0 / std::sqrt(2.0) : 1.0));
    r.dct_offset = w.append(dct);
  }
  std::vector<uint8_t> section = w.finish(r);
  FrontEnd check(section);  // the firmware's validation
  return section;
}

std::vector<std::array<double, 5>> butterworth_sections(FilterType type, int order, double cutoff_hz,
                                                        double sample_rate) {
  std::vector<std::array<double, 5>> sections;
  if (type == FilterType::none) return sections;
  check_int("Butterworth filter order", order, 1, 2 * TML_SPECTRAL_MAX_SECTIONS);
  check_rate("Butterworth filter: ", sample_rate);
  if (!(cutoff_hz > 0) || !(cutoff_hz < sample_rate / 2))
    fail("Butterworth filter: the cut-off (" + format("%g", cutoff_hz) + " Hz) must lie between 0 and half the sample rate (" +
         format("%g", sample_rate / 2) + " Hz)");
  // Bilinear transform of the analog prototype prewarped to the cut-off: K = tan(pi fc / fs). A pair of
  // poles at angle theta_j = pi (2j + 1) / (2 order) from the imaginary axis gives the denominator
  // 1 + q K + K^2 with q = 2 sin(theta_j); the real pole of an odd order a first-order section.
  const double K = std::tan(kPi * cutoff_hz / sample_rate);
  const bool low = type == FilterType::low_pass;
  for (int j = 0; j < order / 2; ++j) {
    const double q = 2 * std::sin(kPi * (2 * j + 1) / (2.0 * order));
    const double norm = 1 / (1 + q * K + K * K);
    const double b0 = low ? K * K * norm : norm;
    sections.push_back({b0, low ? 2 * b0 : -2 * b0, b0, 2 * (K * K - 1) * norm, (1 - q * K + K * K) * norm});
  }
  if (order % 2) {
    const double norm = 1 / (1 + K);
    const double b0 = low ? K * norm : norm;
    sections.push_back({b0, low ? b0 : -b0, 0.0, (K - 1) * norm, 0.0});
  }
  return sections;
}

void validate(const SpectralConfig& c) {
  const std::string at = "spectral front end: ";
  check_rate(at, c.sample_rate);
  check_int(at + "window_rows", c.window_rows, 2, 65535);
  check_int(at + "axes", c.axes, 1, 1024);
  check_fft(at, c.fft_size);
  if (c.filter != FilterType::none) butterworth_sections(c.filter, c.filter_order, c.cutoff_hz, c.sample_rate);
  if (c.log && (!(c.log_offset > 0) || !std::isfinite(c.log_offset) || c.log_offset < 1e-37))
    fail(at + "log_offset must be a positive number (e.g. 1e-10)");
  check_int(at + "bands", c.bands, 0, c.fft_size / 2);
  if (!c.band_edges_hz.empty() && c.band_edges_hz.size() < 2) fail(at + "band_edges_hz needs at least two edges");
  if (c.band_edges_hz.size() > 256) fail(at + "band_edges_hz: at most 255 bands");
  check_int(at + "peaks", c.peaks, 0, TML_SPECTRAL_MAX_PEAKS);
  if (c.stats & ~TML_SPECTRAL_STATS_ALL) fail(at + "stats has unknown bits (use the TML_SPECTRAL_STAT_* values)");
  const size_t per_axis = size_t(__builtin_popcount(c.stats)) + spectral_band_edges(c).size() - 1 + 2 * size_t(c.peaks);
  if (per_axis == 0) fail(at + "no features selected (stats, bands and peaks are all empty)");
  if (per_axis * size_t(c.axes) > 65535)
    fail(at + std::to_string(per_axis * size_t(c.axes)) + " features: at most 65535 per window");
}

std::vector<uint8_t> spectral_front_end_section(const SpectralConfig& c) {
  validate(c);
  tml_spectral_features_record r;
  std::memset(&r, 0, sizeof r);
  const Segments seg = spectral_segments(c);
  const std::vector<uint16_t> edges = spectral_band_edges(c);
  const auto filter = butterworth_sections(c.filter, c.filter_order, c.cutoff_hz, c.sample_rate);
  r.kind = TML_FEATURES_SPECTRAL;
  r.flags = (c.log ? TML_SPECTRAL_FLAG_LOG : 0) | (c.detrend ? TML_SPECTRAL_FLAG_DETREND : 0);
  r.raw_rows = static_cast<uint16_t>(c.window_rows);
  r.raw_axes = static_cast<uint16_t>(c.axes);
  r.out_time = 1;
  r.bands = static_cast<uint8_t>(edges.size() - 1);
  r.peaks = static_cast<uint8_t>(c.peaks);
  r.stats = static_cast<uint16_t>(c.stats);
  r.out_channels = static_cast<uint16_t>(c.axes * (__builtin_popcount(c.stats) + r.bands + 2 * c.peaks));
  r.fft_size = static_cast<uint16_t>(c.fft_size);
  r.segment_length = static_cast<uint16_t>(seg.length);
  r.segment_step = static_cast<uint16_t>(seg.step);
  r.segment_count = static_cast<uint16_t>(seg.count);
  r.filter_sections = static_cast<uint8_t>(filter.size());
  r.sample_rate = static_cast<float>(c.sample_rate);
  r.log_offset = c.log ? static_cast<float>(c.log_offset) : 0.0f;
  r.bin_hz = static_cast<float>(c.sample_rate / c.fft_size);

  SectionWriter w;
  if (!filter.empty()) {
    std::vector<float> coeffs;
    for (const auto& s : filter)
      for (double v : s) coeffs.push_back(static_cast<float>(v));
    r.filter_offset = w.append(coeffs);
  }
  double energy = seg.length;  // sum of window^2
  if (c.window != WindowFunction::none) {
    const std::vector<float> win = window_table(c.window, seg.length);
    energy = 0;
    for (float v : win) energy += double(v) * v;
    r.window_offset = w.append(win);
  }
  r.psd_scale = static_cast<float>(1.0 / (seg.count * c.sample_rate * energy));
  r.twiddle_offset = w.append(twiddle_table(c.fft_size));
  if (r.bands) r.band_offset = w.append(edges);
  std::vector<uint8_t> section = w.finish(r);
  FrontEnd check(section);
  return section;
}

FrontEnd::FrontEnd(const std::vector<uint8_t>& section) {
  auto words = std::make_shared<std::vector<uint32_t>>((section.size() + 3) / 4, 0u);
  if (!section.empty()) std::memcpy(words->data(), section.data(), section.size());
  std::memset(&fe_, 0, sizeof fe_);
  const int rc = tml_features_init(&fe_, words->data(), section.size());
  if (rc != TML_OK)
    fail(std::string("front end: the firmware rejects the section (") + tml_status_str(rc) +
         "): a table or parameter is outside what it accepts");
  bytes_ = std::make_shared<const std::vector<uint8_t>>(section);
  aligned_ = std::move(words);
}

void FrontEnd::compute(const float* raw, size_t count, float* out) const {
  if (count != input_size())
    fail("front end: a window of " + std::to_string(count) + " values, expected " + std::to_string(raw_rows()) +
         " rows x " + std::to_string(raw_axes()) + " axes");
  std::vector<uint32_t> scratch((tml_features_buffer_size(&fe_) + 3) / 4);
  const int rc = tml_features_run(&fe_, raw, count, out, scratch.data(), scratch.size() * 4);
  if (rc != TML_OK) fail(std::string("front end: ") + tml_status_str(rc));
}

std::vector<float> FrontEnd::compute(const float* raw, size_t count) const {
  std::vector<float> out(output_size());
  compute(raw, count, out.data());
  return out;
}

std::vector<float> FrontEnd::compute_i16(const int16_t* raw, size_t count, float scale) const {
  if (count != input_size())
    fail("front end: a window of " + std::to_string(count) + " samples, expected " + std::to_string(input_size()));
  std::vector<float> out(output_size());
  std::vector<uint32_t> scratch((tml_features_buffer_size(&fe_) + 3) / 4);
  const int rc = tml_features_run_i16(&fe_, raw, count, scale, out.data(), scratch.data(), scratch.size() * 4);
  if (rc != TML_OK) fail(std::string("front end: ") + tml_status_str(rc));
  return out;
}

std::vector<std::string> FrontEnd::channel_names(const std::vector<std::string>& axis_names) const {
  std::vector<std::string> names;
  if (kind() != TML_FEATURES_SPECTRAL) {
    const char* prefix = kind() == TML_FEATURES_MFCC ? "mfcc" : "mel";
    for (int c = 0; c < out_channels(); ++c) names.push_back(prefix + std::to_string(c));
    return names;
  }
  static const char* kStats[8] = {"mean", "min", "max", "rms_raw", "std", "rms", "skewness", "kurtosis"};
  const tml_spectral_features_record& r = fe_.record.spectral;
  for (int a = 0; a < r.raw_axes; ++a) {
    const std::string axis = size_t(a) < axis_names.size() ? axis_names[size_t(a)] : "a" + std::to_string(a);
    for (int s = 0; s < 8; ++s)
      if (r.stats & (1u << s)) names.push_back(axis + "." + kStats[s]);
    for (int b = 0; b < r.bands; ++b) names.push_back(axis + ".band" + std::to_string(b));
    for (int p = 0; p < r.peaks; ++p) {
      names.push_back(axis + ".peak" + std::to_string(p) + "_hz");
      names.push_back(axis + ".peak" + std::to_string(p) + "_height");
    }
  }
  return names;
}

}  // namespace tml::trainer
