#include "cli/front_end_options.h"

#include <cstdlib>

#include "tml/trainer/error.h"

namespace tml::cli {

void add_front_end_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("features", "Front end computing the network's input from each raw window, recorded in the model and run by the board: mfcc, mfe (audio) or spectral (docs/features.md); default none", cxxopts::value<std::string>())
    ("frame-length", "mfcc/mfe: samples per frame, seconds or rows (default 30ms at 16 kHz: 480)", cxxopts::value<std::string>())
    ("frame-step", "mfcc/mfe: hop between frames, seconds or rows (default 20ms at 16 kHz: 320)", cxxopts::value<std::string>())
    ("fft-size", "mfcc/mfe: FFT size, a power of two >= the frame length", cxxopts::value<int>()->default_value("512"))
    ("mel-bands", "mfcc/mfe: mel filterbank bands", cxxopts::value<int>()->default_value("40"))
    ("coefficients", "mfcc: cepstral coefficients per frame", cxxopts::value<int>()->default_value("10"))
    ("preemphasis", "mfcc/mfe: pre-emphasis coefficient (0: none; 0.97 is usual)", cxxopts::value<double>()->default_value("0"))
    ("augment", "With --features: this many augmented copies of each training window (random time shift, background noise), seeded", cxxopts::value<int>()->default_value("0"))
    ("shift", "--augment: the largest time shift, seconds", cxxopts::value<double>()->default_value("0.1"))
    ("noise-label", "--augment: the label whose training recordings are the background noise", cxxopts::value<std::string>()->default_value("_silence_"))
    ("noise-snr", "--augment: signal-to-noise ratio range of the mix, dB, as MIN:MAX", cxxopts::value<std::string>()->default_value("0:20"));
  // clang-format on
  add_spectral_options(options);
}

void add_spectral_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("spectral-stats", "--features spectral: per-axis statistics, 'default' (RMS, skewness, kurtosis), 'flatten' (mean, min, max, RMS, std) or 'all'", cxxopts::value<std::string>()->default_value("default"))
    ("peaks", "--features spectral: strongest spectral peaks per axis (frequency and height each), 0 to 8", cxxopts::value<int>()->default_value("3"))
    ("bands", "--features spectral: log power bands per axis (0: one per FFT bin)", cxxopts::value<int>()->default_value("0"))
    ("spectral-fft", "--features spectral: FFT length of the Welch segments, a power of two 16 to 1024", cxxopts::value<int>()->default_value("32"))
    ("filter", "--features spectral: a Butterworth filter before the statistics, low or high (default none)", cxxopts::value<std::string>())
    ("cutoff", "--filter: cut-off frequency in Hz", cxxopts::value<double>()->default_value("0"))
    ("filter-order", "--filter: Butterworth order, 1 to 16", cxxopts::value<int>()->default_value("4"));
  // clang-format on
}

trainer::SpectralConfig spectral_options(const cxxopts::ParseResult& r) {
  trainer::SpectralConfig c;
  const std::string stats = r["spectral-stats"].as<std::string>();
  if (stats == "all") c.stats = TML_SPECTRAL_STATS_ALL;
  else if (stats == "flatten") c.stats = trainer::kFlattenStats;
  else if (stats != "default") throw UsageError("--spectral-stats must be default, flatten or all, not '" + stats + "'");
  c.peaks = r["peaks"].as<int>();
  c.bands = r["bands"].as<int>();
  c.fft_size = r["spectral-fft"].as<int>();
  if (r.count("filter")) {
    const std::string f = r["filter"].as<std::string>();
    if (f != "low" && f != "high") throw UsageError("--filter must be low or high, not '" + f + "'");
    c.filter = f == "low" ? trainer::FilterType::low_pass : trainer::FilterType::high_pass;
    c.cutoff_hz = r["cutoff"].as<double>();
    c.filter_order = r["filter-order"].as<int>();
    if (!(c.cutoff_hz > 0)) throw UsageError("--filter needs --cutoff HZ above 0");
  }
  return c;
}

void front_end_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job) {
  job.spectral = spectral_options(r);
  if (r.count("features")) {
    job.features = r["features"].as<std::string>();
    if (!r.count("window") && job.features != "spectral") job.window = "1s";  // a keyword's clip
    if (r.count("frame-length")) job.frame_length = r["frame-length"].as<std::string>();
    if (r.count("frame-step")) job.frame_step = r["frame-step"].as<std::string>();
    job.audio.fft_size = r["fft-size"].as<int>();
    job.audio.mel_bands = r["mel-bands"].as<int>();
    job.audio.coefficients = r["coefficients"].as<int>();
    job.audio.preemphasis = r["preemphasis"].as<double>();
  }
  job.augment.copies = r["augment"].as<int>();
  job.augment.max_shift_s = r["shift"].as<double>();
  job.augment.noise_label = r["noise-label"].as<std::string>();
  const std::string snr = r["noise-snr"].as<std::string>();
  const size_t colon = snr.find(':');
  if (colon != std::string::npos) {
    job.augment.snr_db_min = std::strtod(snr.substr(0, colon).c_str(), nullptr);
    job.augment.snr_db_max = std::strtod(snr.substr(colon + 1).c_str(), nullptr);
  }
  if (colon == std::string::npos || !(job.augment.snr_db_max >= job.augment.snr_db_min))
    throw UsageError("--noise-snr must be MIN:MAX in dB, e.g. 0:20");
}

}  // namespace tml::cli
