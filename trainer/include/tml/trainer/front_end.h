// The host side of the front ends (firmware/include/tml/features.h): a configuration per front end, with
// defaults, its validation, the blob section it becomes (every table computed here in double precision
// and stored as float, so the board needs no sin, cos or exp), and the features of a raw window computed
// by the firmware's own functions -- what training uses, so the host's features are the board's, bit for
// bit. docs/features.md describes each front end formula by formula.
//
//   tml::trainer::AudioFrontEndConfig mfcc;            // the MLPerf Tiny KWS front end: 30 ms / 20 ms,
//   FrontEnd fe = FrontEnd::audio(mfcc);               //   FFT 512, 40 mel bands, 10 MFCC -> [49][10]
//   std::vector<float> x = fe.compute(clip.data(), clip.size());   // clip: 16000 samples, physical units
//   model.features = fe.section();                     // QuantizedModel: the blob writer appends it
//
// Errors (a configuration that cannot work) throw tml::trainer::Error with a message naming the field.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tml/features.h"

namespace tml::trainer {

enum class WindowFunction { none, hann, hamming };  // periodic, as torch.hann_window / scipy's "hann"
enum class AudioFeatureKind { mfe, mfcc };

// Audio: defaults are the MLPerf Tiny keyword-spotting front end and the PyTorch peer
// (../shared/bench/peer_kws.py, torchaudio.transforms.MFCC with n_fft 512, win_length 480, hop 320,
// 40 mel bands, center False, log_mels): 16 kHz, one-second windows, 49 frames of 10 coefficients.
struct AudioFrontEndConfig {
  AudioFeatureKind kind = AudioFeatureKind::mfcc;
  double sample_rate = 16000;  // Hz
  int window_samples = 16000;  // raw window (samples)
  int frame_length = 480;      // 30 ms
  int frame_step = 320;        // 20 ms (hop)
  int fft_size = 512;          // power of two, 16 .. 1024, >= frame_length (zero-padded)
  // Where frame 0 starts in the window. -1: (fft_size - frame_length) / 2, where torch.stft puts a
  // window shorter than n_fft (its frames span fft_size samples with the window centred in them).
  int frame_offset = -1;
  int frames = 0;              // 0: as many as fit in the window
  int mel_bands = 40;
  int coefficients = 10;       // MFCC only: 1 .. mel_bands
  double f_min = 0;            // Hz, the lowest mel band's lower edge
  double f_max = 0;            // Hz, the highest band's upper edge; 0: sample_rate / 2
  WindowFunction window = WindowFunction::hann;
  double preemphasis = 0;      // 0 (none) .. < 1, e.g. 0.97
  bool decibels = false;       // false: natural log (torchaudio's log_mels); true: 10 log10 (Edge Impulse's MFE)
  double log_offset = 1e-6;    // added to each mel energy before the log (torchaudio: 1e-6)
  std::optional<double> noise_floor_db;  // log values below this level (in dB) are raised to it
};

enum class FilterType { none, low_pass, high_pass };

// Spectral analysis of accelerometer-like windows [rows][axes]. Defaults: 2 s at 104 Hz, 3 axes, no
// filter, RMS / skewness / kurtosis, FFT 32 with half-overlapping Hann segments (Welch), 16 log band
// powers (one per bin but DC) and the 3 strongest peaks: 25 features per axis.
struct SpectralConfig {
  double sample_rate = 104;  // Hz
  int window_rows = 208;
  int axes = 3;
  FilterType filter = FilterType::none;
  double cutoff_hz = 0;      // 0 < cutoff < sample_rate / 2 with a filter
  int filter_order = 4;      // Butterworth order 1 .. 16
  int fft_size = 32;         // power of two, 16 .. 1024
  bool overlap = true;       // Welch segments overlap by half
  WindowFunction window = WindowFunction::hann;
  bool detrend = true;       // subtract each segment's mean before its FFT (scipy.signal.welch's default)
  bool log = true;           // band powers and peak heights as log10(value + log_offset)
  double log_offset = 1e-10;
  int bands = 0;             // 0: one band per bin 1 .. fft_size/2; else that many equal groups of those bins
  std::vector<double> band_edges_hz;  // if given: band b covers bins with frequency in [edge b, edge b+1)
  int peaks = 3;             // 0 .. TML_SPECTRAL_MAX_PEAKS
  uint32_t stats = TML_SPECTRAL_STAT_RMS | TML_SPECTRAL_STAT_SKEWNESS | TML_SPECTRAL_STAT_KURTOSIS;
};
// Edge Impulse's "flatten" statistics of the raw axis, for SpectralConfig::stats.
constexpr uint32_t kFlattenStats = TML_SPECTRAL_STAT_MEAN | TML_SPECTRAL_STAT_MIN | TML_SPECTRAL_STAT_MAX |
                                   TML_SPECTRAL_STAT_RMS_RAW | TML_SPECTRAL_STAT_STD;

// Throw Error with a message naming the first field that cannot work.
void validate(const AudioFrontEndConfig& config);
void validate(const SpectralConfig& config);

// The front-end section (model_format.h): record and tables, relocatable, validated by the firmware's
// tml_features_init before it is returned.
std::vector<uint8_t> audio_front_end_section(const AudioFrontEndConfig& config);
std::vector<uint8_t> spectral_front_end_section(const SpectralConfig& config);

// Second-order sections {b0, b1, b2, a1, a2} of a digital Butterworth filter by the bilinear transform
// with prewarping (|H| = 1/sqrt(2) at the cut-off exactly); odd orders end with a first-order section
// (b2 = a2 = 0). Empty for FilterType::none.
std::vector<std::array<double, 5>> butterworth_sections(FilterType type, int order, double cutoff_hz,
                                                        double sample_rate);

// A validated front end, for computing features on the host with the firmware's functions. Copies share
// the section bytes.
class FrontEnd {
 public:
  explicit FrontEnd(const std::vector<uint8_t>& section);  // throws Error if tml_features_init rejects it
  static FrontEnd audio(const AudioFrontEndConfig& config) { return FrontEnd(audio_front_end_section(config)); }
  static FrontEnd spectral(const SpectralConfig& config) { return FrontEnd(spectral_front_end_section(config)); }

  const std::vector<uint8_t>& section() const { return *bytes_; }
  const tml_features& features() const { return fe_; }
  tml_features_kind kind() const { return static_cast<tml_features_kind>(fe_.kind); }
  int raw_rows() const { return fe_.record.audio.raw_rows; }  // common record fields
  int raw_axes() const { return fe_.record.audio.raw_axes; }
  int out_time() const { return fe_.record.audio.out_time; }
  int out_channels() const { return fe_.record.audio.out_channels; }
  size_t input_size() const { return tml_features_input_size(&fe_); }    // raw values per window
  size_t output_size() const { return tml_features_output_size(&fe_); }  // features per window

  // The features [out_time][out_channels] of a raw window [raw_rows][raw_axes] (physical units), by
  // tml_features_run; throws Error if count != input_size(). Thread-safe (scratch per call).
  std::vector<float> compute(const float* raw, size_t count) const;
  void compute(const float* raw, size_t count, float* out) const;
  // int16 samples with a scale (physical = raw * scale), by tml_features_run_i16.
  std::vector<float> compute_i16(const int16_t* raw, size_t count, float scale) const;

  // A name per output channel: "mfcc0".., "mel0".., or "<axis>.<feature>" for spectral ("x.rms",
  // "x.band3", "x.peak1_hz", ...), axes named by `axis_names` (else "a0", "a1", ...).
  std::vector<std::string> channel_names(const std::vector<std::string>& axis_names = {}) const;

 private:
  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  std::shared_ptr<const std::vector<uint32_t>> aligned_;  // the section at a 4-aligned address
  tml_features fe_;
};

}  // namespace tml::trainer
