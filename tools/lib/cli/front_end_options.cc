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
}

void front_end_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job) {
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
