#include "tml/trainer/data.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/random.h"

namespace tml::trainer {

const char* split_name(Split split) { return split == Split::Test ? "test" : "train"; }

void RecordingSet::validate() const {
  const int A = axis_count();
  if (A < 1) throw Error("the data has no axes");
  if (!(rate_hz > 0) || !std::isfinite(rate_hz)) throw Error("the data has no valid sample rate");
  for (const auto& r : recordings) {
    if (r.rows < 1) throw Error("recording '" + r.id + "' is empty");
    if (r.values.size() != static_cast<size_t>(r.rows) * A)
      throw Error("recording '" + r.id + "' has " + std::to_string(r.values.size()) + " values, expected " +
                  std::to_string(r.rows) + " rows x " + std::to_string(A) + " axes");
    if (r.label < 0 || r.label >= static_cast<int>(labels.size()))
      throw Error("recording '" + r.id + "' has no valid label");
    if (r.targets.size() != static_cast<size_t>(r.rows) * targets.size())
      throw Error("recording '" + r.id + "' has " + std::to_string(r.targets.size()) + " target values, expected " +
                  std::to_string(r.rows) + " rows x " + std::to_string(targets.size()) + " targets");
    for (size_t i = 0; i < r.targets.size(); ++i)
      if (std::isinf(r.targets[i]))
        throw Error("recording '" + r.id + "' has an infinite value of target " + targets[i % targets.size()] +
                    " at row " + std::to_string(i / targets.size() + 1) + "; fix or remove the recording");
    for (size_t i = 0; i < r.values.size(); ++i)
      if (!std::isfinite(r.values[i]))
        throw Error("recording '" + r.id + "' has a non-finite value (" + std::to_string(r.values[i]) + ") at row " +
                    std::to_string(i / A + 1) + ", axis " + (axes[i % A].empty() ? std::to_string(i % A + 1) : axes[i % A]) +
                    "; fix or remove the recording");
  }
}

int RecordingSet::target_index(const std::string& name) const {
  const auto it = std::find(targets.begin(), targets.end(), name);
  return it == targets.end() ? -1 : static_cast<int>(it - targets.begin());
}

int parse_rows(const std::string& text, double rate_hz, const std::string& what) {
  const char* s = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s, &end);
  const std::string unit = end ? std::string(end) : std::string();
  const bool number_ok = end != s && errno == 0 && std::isfinite(v) && v > 0;
  double rows = 0;
  if (number_ok && (unit == "s" || unit == "ms")) {
    if (!(rate_hz > 0)) throw Error(what + " '" + text + "' is in seconds but the sample rate is unknown; give rows");
    rows = std::round(v * rate_hz / (unit == "ms" ? 1000.0 : 1.0));
  } else if (number_ok && unit.empty()) {
    if (v != std::floor(v)) throw Error(what + " '" + text + "': a row count must be a whole number (or add 's')");
    rows = v;
  } else {
    throw Error(what + " '" + text + "' is not a duration: give seconds (\"2s\", \"500ms\") or rows (\"208\")");
  }
  if (rows < 1) throw Error(what + " '" + text + "' is shorter than one row at " + std::to_string(rate_hz) + " Hz");
  if (rows > 1e8) throw Error(what + " '" + text + "' is too long");
  return static_cast<int>(rows);
}

std::vector<Window> make_windows(const RecordingSet& set, const std::vector<int>& recordings, const WindowSpec& spec) {
  if (spec.length < 1 || spec.stride < 1) throw Error("window length and stride must be at least one row");
  std::vector<Window> out;
  for (int i : recordings) {
    const Recording& r = set.recordings[static_cast<size_t>(i)];
    if (r.rows <= spec.length) {
      out.push_back(Window{i, 0, r.label});
      continue;
    }
    for (int start = 0; start + spec.length <= r.rows; start += spec.stride) out.push_back(Window{i, start, r.label});
  }
  return out;
}

std::vector<int> recordings_of(const RecordingSet& set, Split split) {
  std::vector<int> out;
  for (size_t i = 0; i < set.recordings.size(); ++i)
    if (set.recordings[i].split == split) out.push_back(static_cast<int>(i));
  return out;
}

std::pair<std::vector<int>, std::vector<int>> split_validation(const RecordingSet& set, float fraction, uint64_t seed) {
  if (!(fraction >= 0.0f && fraction < 1.0f)) throw Error("the validation share must be in [0, 1)");
  std::vector<int> train, validation;
  Rng rng(seed ^ 0x76616c6964ull);
  // Augmented copies (feature_set.h: id "<original>~<k>") are never held out, and go to training only
  // when their original does.
  auto is_copy = [&](size_t i) { return set.recordings[i].id.find('~') != std::string::npos; };
  for (int label = 0; label < static_cast<int>(set.labels.size()); ++label) {
    std::vector<int> mine;
    for (size_t i = 0; i < set.recordings.size(); ++i)
      if (set.recordings[i].split == Split::Train && set.recordings[i].label == label && !is_copy(i))
        mine.push_back(static_cast<int>(i));
    rng.shuffle(mine);
    size_t n = static_cast<size_t>(std::lround(fraction * static_cast<float>(mine.size())));
    if (fraction > 0.0f && n == 0 && mine.size() >= 2) n = 1;
    if (n >= mine.size() && !mine.empty()) n = mine.size() - 1;
    validation.insert(validation.end(), mine.begin(), mine.begin() + static_cast<long>(n));
    train.insert(train.end(), mine.begin() + static_cast<long>(n), mine.end());
  }
  std::set<std::string> held_out;
  for (int i : validation) held_out.insert(set.recordings[static_cast<size_t>(i)].id);
  for (size_t i = 0; i < set.recordings.size(); ++i)
    if (set.recordings[i].split == Split::Train && is_copy(i) &&
        !held_out.count(set.recordings[i].id.substr(0, set.recordings[i].id.find('~'))))
      train.push_back(static_cast<int>(i));
  std::sort(train.begin(), train.end());
  std::sort(validation.begin(), validation.end());
  return {train, validation};
}

namespace {

// Throws Error unless (v - mean) * (1.0f / std), in float32 as gather() and the firmware compute it, is
// finite for the smallest and the largest value `lo`, `hi` (of recording `lo_id`, `hi_id`) of `what`.
void check_scaled(const std::string& what, float mean, float sd, float lo, const std::string& lo_id, float hi,
                  const std::string& hi_id) {
  const float inv = 1.0f / sd;
  const bool ok = std::isfinite(mean) && std::isfinite(sd) && sd > 0 && std::isfinite((lo - mean) * inv) &&
                  std::isfinite((hi - mean) * inv);
  if (ok) return;
  const bool lo_bad = !std::isfinite((lo - mean) * inv), hi_bad = !std::isfinite((hi - mean) * inv);
  const bool hi_worse = lo_bad != hi_bad ? hi_bad : std::fabs(hi) >= std::fabs(lo);
  throw Error(what + " cannot be normalised: its values reach " + format("%g", double{hi_worse ? hi : lo}) +
              " (recording '" + (hi_worse ? hi_id : lo_id) + "'), mean " + format("%g", double{mean}) +
              ", standard deviation " + format("%g", double{sd}) +
              ", and (value - mean) / standard deviation is not a finite 32-bit float; scale the data down "
              "(or fix the recording)");
}

}  // namespace

Normalization fit_normalization(const RecordingSet& set, const std::vector<Window>& windows, int length) {
  const int A = set.axis_count();
  std::vector<double> sum(A, 0.0), sum_sq(A, 0.0);
  double count = 0;
  // Each window adds its rows; windows overlap, so count how often every row is used instead of
  // walking every window: per recording, a difference array of window coverage.
  std::vector<std::vector<int32_t>> cover(set.recordings.size());
  for (const Window& w : windows) {
    const Recording& r = set.recordings[static_cast<size_t>(w.recording)];
    auto& c = cover[static_cast<size_t>(w.recording)];
    if (c.empty()) c.assign(static_cast<size_t>(std::max(r.rows, length)) + 1, 0);
    c[static_cast<size_t>(w.start)] += 1;
    c[static_cast<size_t>(w.start + length)] -= 1;
  }
  for (size_t i = 0; i < cover.size(); ++i) {
    if (cover[i].empty()) continue;
    const Recording& r = set.recordings[i];
    int32_t uses = 0;
    for (int row = 0; row < static_cast<int>(cover[i].size()) - 1; ++row) {
      uses += cover[i][static_cast<size_t>(row)];
      if (uses == 0) continue;
      const float* v = r.values.data() + static_cast<size_t>(std::min(row, r.rows - 1)) * A;
      for (int a = 0; a < A; ++a) {
        sum[a] += static_cast<double>(uses) * v[a];
        sum_sq[a] += static_cast<double>(uses) * v[a] * v[a];
      }
      count += uses;
    }
  }
  Normalization norm;
  norm.mean.assign(A, 0.0f);
  norm.std.assign(A, 1.0f);
  if (count == 0) return norm;
  for (int a = 0; a < A; ++a) {
    const double mean = sum[a] / count;
    const double var = std::max(sum_sq[a] / count - mean * mean, 0.0);
    const double sd = std::sqrt(var);
    norm.mean[a] = static_cast<float>(mean);
    norm.std[a] = sd > 1e-6 * std::max(1.0, std::fabs(mean)) ? static_cast<float>(sd) : 1.0f;
  }
  // Every value of every recording (test recordings too) must normalise to a finite number: values near
  // the float range (~1e38) overflow the mean, the standard deviation or the difference.
  for (int a = 0; a < A; ++a) {
    float lo = 0, hi = 0;
    const Recording *lo_rec = nullptr, *hi_rec = nullptr;
    for (const Recording& r : set.recordings)
      for (size_t i = static_cast<size_t>(a); i < r.values.size(); i += static_cast<size_t>(A)) {
        const float v = r.values[i];
        if (!lo_rec || v < lo) lo = v, lo_rec = &r;
        if (!hi_rec || v > hi) hi = v, hi_rec = &r;
      }
    if (!lo_rec) continue;
    const std::string name = static_cast<size_t>(a) < set.axes.size() && !set.axes[static_cast<size_t>(a)].empty()
                                 ? set.axes[static_cast<size_t>(a)]
                                 : std::to_string(a + 1);
    check_scaled("axis '" + name + "'", norm.mean[a], norm.std[a], lo, lo_rec->id, hi, hi_rec->id);
  }
  return norm;
}

std::vector<float> Normalization::inv_std() const {
  std::vector<float> out;
  for (float s : std) out.push_back(1.0f / s);
  return out;
}

float window_target(const RecordingSet& set, const Window& window, int length, int target) {
  const Recording& r = set.recordings[static_cast<size_t>(window.recording)];
  const int row = std::min(window.start + length, r.rows) - 1;
  return r.targets[static_cast<size_t>(row) * set.targets.size() + static_cast<size_t>(target)];
}

TargetScaling fit_targets(const RecordingSet& set, const std::vector<Window>& windows, int length,
                          const std::vector<int>& index) {
  TargetScaling s;
  s.index = index;
  for (int v : index) {
    if (v < 0 || v >= set.target_count()) throw Error("no such target (index " + std::to_string(v) + ")");
    double sum = 0, sum_sq = 0;
    for (const Window& w : windows) {
      const double t = window_target(set, w, length, v);
      if (std::isnan(t))
        throw Error("recording '" + set.recordings[static_cast<size_t>(w.recording)].id + "' has no value of target '" +
                    set.targets[static_cast<size_t>(v)] + "'; give every sample one, or remove the sample");
      sum += t;
      sum_sq += t * t;
    }
    const double n = static_cast<double>(std::max<size_t>(windows.size(), 1));
    const double mean = sum / n, sd = std::sqrt(std::max(sum_sq / n - mean * mean, 0.0));
    s.mean.push_back(static_cast<float>(mean));
    s.std.push_back(sd > 1e-6 * std::max(1.0, std::fabs(mean)) ? static_cast<float>(sd) : 1.0f);
    float lo = 0, hi = 0;
    std::string lo_id, hi_id;
    bool any = false;
    for (const Window& w : windows) {
      const float t = window_target(set, w, length, v);
      const std::string& id = set.recordings[static_cast<size_t>(w.recording)].id;
      if (!any || t < lo) lo = t, lo_id = id;
      if (!any || t > hi) hi = t, hi_id = id;
      any = true;
    }
    if (any)
      check_scaled("target '" + set.targets[static_cast<size_t>(v)] + "'", s.mean.back(), s.std.back(), lo, lo_id, hi,
                   hi_id);
  }
  return s;
}

void gather_targets(const RecordingSet& set, const Window* windows, const uint32_t* order, int count, int length,
                    const TargetScaling& scaling, float* t) {
  const size_t V = scaling.index.size();
  for (int i = 0; i < count; ++i) {
    const Window& w = windows[order ? order[i] : static_cast<uint32_t>(i)];
    for (size_t v = 0; v < V; ++v)
      t[static_cast<size_t>(i) * V + v] =
          (window_target(set, w, length, scaling.index[v]) - scaling.mean[v]) * (1.0f / scaling.std[v]);
  }
}

void gather(const RecordingSet& set, const Window* windows, const uint32_t* order, int count, int length,
            const Normalization& norm, float* x, int32_t* y) {
  const int A = set.axis_count();
  // The per-axis mean and std repeated over a block of rows, so that the loop below runs over flat
  // values (and vectorises) instead of rows of A axes.
  constexpr int kBlock = 256;
  const int block_rows = std::max(1, kBlock / A);
  float mean_buf[kBlock], inv_buf[kBlock];
  std::vector<float> mean_heap, inv_heap;  // only for more than 256 axes
  float* mean = mean_buf;
  float* inv = inv_buf;
  if (static_cast<size_t>(block_rows) * A > static_cast<size_t>(kBlock)) {
    mean_heap.resize(static_cast<size_t>(A));
    inv_heap.resize(static_cast<size_t>(A));
    mean = mean_heap.data();
    inv = inv_heap.data();
  }
  for (int r = 0; r < block_rows; ++r)
    for (int a = 0; a < A; ++a) {
      mean[r * A + a] = norm.mean[static_cast<size_t>(a)];
      inv[r * A + a] = 1.0f / norm.std[static_cast<size_t>(a)];
    }
  const size_t n = static_cast<size_t>(length) * A;
  for (int i = 0; i < count; ++i) {
    const Window& w = windows[order ? order[i] : static_cast<uint32_t>(i)];
    const Recording& r = set.recordings[static_cast<size_t>(w.recording)];
    float* out = x + static_cast<size_t>(i) * n;
    const int avail = std::min(length, r.rows - w.start);
    const float* src = r.values.data() + static_cast<size_t>(w.start) * A;
    for (int t0 = 0; t0 < avail; t0 += block_rows) {
      const size_t flat = static_cast<size_t>(std::min(block_rows, avail - t0)) * A;
      const float* __restrict s = src + static_cast<size_t>(t0) * A;
      float* __restrict o = out + static_cast<size_t>(t0) * A;
      const float* __restrict m = mean;
      const float* __restrict d = inv;
      for (size_t k = 0; k < flat; ++k) o[k] = (s[k] - m[k]) * d[k];
    }
    for (int t = avail; t < length; ++t)  // padding: the last row repeated
      std::memcpy(out + static_cast<size_t>(t) * A, out + static_cast<size_t>(avail - 1) * A, sizeof(float) * A);
    if (y) y[i] = w.label;
  }
}

}  // namespace tml::trainer
