#include "tml/trainer/feature_set.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/random.h"

namespace tml::trainer {
namespace {

struct Job {
  int recording = 0, start = 0, copy = 0;  // copy 0: the window as it is
  uint64_t seed = 0;
};

bool is_audio(const FrontEnd& fe) { return fe.kind() == TML_FEATURES_MFE || fe.kind() == TML_FEATURES_MFCC; }

// The raw window of a job, padded as the header says.
void raw_window(const FrontEnd& fe, const RecordingSet& raw, const Job& j, std::vector<float>& x) {
  const Recording& r = raw.recordings[static_cast<size_t>(j.recording)];
  const int rows = fe.raw_rows(), A = fe.raw_axes();
  x.assign(static_cast<size_t>(rows) * A, 0.0f);
  const int avail = std::min(rows, r.rows - j.start);
  std::copy_n(r.values.begin() + static_cast<long>(j.start) * A, static_cast<size_t>(avail) * A, x.begin());
  if (!is_audio(fe))
    for (int t = avail; t < rows; ++t)
      std::copy_n(x.begin() + static_cast<long>(avail - 1) * A, A, x.begin() + static_cast<long>(t) * A);
}

double energy(const float* x, size_t n) {
  double e = 0;
  for (size_t i = 0; i < n; ++i) e += double{x[i]} * x[i];
  return e / static_cast<double>(std::max<size_t>(n, 1));
}

// Time shift and noise, in place, from the job's seed.
void augment(std::vector<float>& x, const RecordingSet& raw, const std::vector<int>& noise, const AugmentOptions& o,
             int axes, uint64_t seed) {
  Rng rng(seed);
  const int rows = static_cast<int>(x.size()) / axes;
  const int max_shift = static_cast<int>(std::lround(o.max_shift_s * raw.rate_hz));
  const int shift = max_shift > 0 ? static_cast<int>(rng.below(static_cast<uint32_t>(2 * max_shift + 1))) - max_shift : 0;
  if (shift > 0) {
    std::copy_backward(x.begin(), x.end() - static_cast<long>(shift) * axes, x.end());
    std::fill(x.begin(), x.begin() + static_cast<long>(shift) * axes, 0.0f);
  } else if (shift < 0) {
    std::copy(x.begin() + static_cast<long>(-shift) * axes, x.end(), x.begin());
    std::fill(x.end() - static_cast<long>(-shift) * axes, x.end(), 0.0f);
  }
  if (noise.empty() || rng.uniform() >= o.noise_probability) return;
  const Recording& n = raw.recordings[static_cast<size_t>(noise[rng.below(static_cast<uint32_t>(noise.size()))])];
  const int offset = n.rows > rows ? static_cast<int>(rng.below(static_cast<uint32_t>(n.rows - rows + 1))) : 0;
  const float snr_db = rng.uniform(static_cast<float>(o.snr_db_min), static_cast<float>(o.snr_db_max));
  const size_t count = std::min(x.size(), (static_cast<size_t>(n.rows) - offset) * axes);
  const float* src = n.values.data() + static_cast<size_t>(offset) * axes;
  const double signal = energy(x.data(), x.size()), level = energy(src, count);
  if (!(level > 0)) return;
  // A window that is itself (near) silence gets the noise at its own level, scaled by the SNR drawn
  // against a quiet reference (1e-4 of full scale squared).
  const double reference = std::max(signal, 1e-4);
  const float gain = static_cast<float>(std::sqrt(reference / level / std::pow(10.0, snr_db / 10.0)));
  for (size_t i = 0; i < count; ++i) x[i] += gain * src[i];
}

}  // namespace

RecordingSet feature_set(const FrontEnd& fe, const RecordingSet& raw, int stride, const AugmentOptions& o, int threads) {
  if (raw.axis_count() != fe.raw_axes())
    throw Error("the front end reads " + std::to_string(fe.raw_axes()) + " axes but the data has " +
                std::to_string(raw.axis_count()));
  const double rate = fe.kind() == TML_FEATURES_SPECTRAL ? fe.features().record.spectral.sample_rate
                                                         : fe.features().record.audio.sample_rate;
  if (std::fabs(raw.rate_hz - rate) > 1e-3 * rate)
    throw Error("the front end is made for " + format("%g", rate) + " Hz but the data is sampled at " +
                format("%g", raw.rate_hz) + " Hz (import it with --resample " + format("%g", rate) + ")");
  if (stride < 1) throw Error("the stride must be at least one row");
  if (o.copies < 0 || o.copies > 100) throw Error("augmented copies must be 0 to 100");
  RecordingSet out;
  out.labels = raw.labels;
  std::vector<std::string> axis_names(raw.axes.begin(), raw.axes.end());
  out.axes = fe.channel_names(axis_names);
  out.units.assign(out.axes.size(), "");
  out.sensor = raw.sensor;
  out.targets = raw.targets;  // each window's targets: the raw window's (window_target), on every row
  out.target_units = raw.target_units;
  out.rate_hz = is_audio(fe) ? rate / fe.features().record.audio.frame_step : rate / fe.raw_rows();

  std::vector<int> all(raw.recordings.size()), noise;
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  int noise_label = -1;
  for (size_t l = 0; l < raw.labels.size(); ++l)
    if (raw.labels[l] == o.noise_label) noise_label = static_cast<int>(l);
  for (int i : all)
    if (raw.recordings[static_cast<size_t>(i)].label == noise_label &&
        raw.recordings[static_cast<size_t>(i)].split == Split::Train)
      noise.push_back(i);
  Rng rng(o.seed ^ 0x61756731ull);
  std::vector<Job> jobs;
  for (const Window& w : make_windows(raw, all, WindowSpec{fe.raw_rows(), stride})) {
    jobs.push_back(Job{w.recording, w.start, 0, 0});
    if (raw.recordings[static_cast<size_t>(w.recording)].split != Split::Train) continue;
    for (int c = 1; c <= o.copies; ++c) jobs.push_back(Job{w.recording, w.start, c, rng.split()});
  }
  out.recordings.resize(jobs.size());
  const int T = fe.out_time(), C = fe.out_channels();
  auto work = [&](size_t first, size_t step) {
    std::vector<float> x;
    for (size_t i = first; i < jobs.size(); i += step) {
      const Job& j = jobs[i];
      const Recording& r = raw.recordings[static_cast<size_t>(j.recording)];
      raw_window(fe, raw, j, x);
      if (j.copy) augment(x, raw, noise, o, fe.raw_axes(), j.seed);
      Recording& f = out.recordings[i];
      f.id = r.id + (j.start ? "@" + std::to_string(j.start) : "") + (j.copy ? "~" + std::to_string(j.copy) : "");
      f.label = r.label;
      f.split = r.split;
      f.rows = T;
      f.values.resize(static_cast<size_t>(T) * C);
      fe.compute(x.data(), x.size(), f.values.data());
      f.targets.clear();
      for (int row = 0; row < T; ++row)
        for (int v = 0; v < raw.target_count(); ++v)
          f.targets.push_back(window_target(raw, Window{j.recording, j.start, r.label}, fe.raw_rows(), v));
    }
  };
  const unsigned n = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(work, t, n);
  work(0, n);
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace tml::trainer
