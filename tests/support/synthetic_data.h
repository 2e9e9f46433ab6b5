// Synthetic recordings for trainer tests: three classes of two-axis signals (sines of different
// frequencies on axis 0, a class-dependent phase on axis 1, plus noise), `per_class` training and
// per_class / 2 test recordings per class, each `rows` long, at 50 Hz.
#pragma once

#include <cmath>
#include <string>

#include "tml/trainer/data.h"
#include "tml/trainer/random.h"

namespace tml::test {

// Calls fill(recording, label) for `per_class` training and per_class / 2 test recordings of every label
// of `s` (id "<label><split>.<i>", `rows` rows, nothing else filled) and adds each to `s`.
template <typename Fill>
void for_each_recording(trainer::RecordingSet& s, int per_class, int rows, Fill fill) {
  for (int split = 0; split < 2; ++split)
    for (int k = 0; k < static_cast<int>(s.labels.size()); ++k)
      for (int i = 0; i < (split == 0 ? per_class : per_class / 2); ++i) {
        trainer::Recording r;
        r.id = s.labels[static_cast<size_t>(k)] + std::to_string(split) + "." + std::to_string(i);
        r.label = k;
        r.split = split == 0 ? trainer::Split::Train : trainer::Split::Test;
        r.rows = rows;
        fill(r, k);
        s.recordings.push_back(std::move(r));
      }
}

inline trainer::RecordingSet synthetic_recordings(int per_class, int rows, uint64_t seed, float noise = 0.3f) {
  trainer::RecordingSet s;
  s.labels = {"slow", "mid", "fast"};
  s.axes = {"x", "y"};
  s.units = {"g", "g"};
  s.rate_hz = 50;
  s.sensor = "accelerometer";
  trainer::Rng rng(seed);
  const float freq[] = {1.0f, 2.5f, 5.0f};
  for_each_recording(s, per_class, rows, [&](trainer::Recording& r, int k) {
    const float phase = rng.uniform(0.0f, 6.28f);
    for (int t = 0; t < rows; ++t) {
      const float a = 6.2832f * freq[k] * static_cast<float>(t) / 50.0f + phase;
      r.values.push_back(std::sin(a) + noise * rng.uniform(-1.0f, 1.0f) + 3.0f);
      r.values.push_back(std::cos(a + 0.5f * static_cast<float>(k)) + noise * rng.uniform(-1.0f, 1.0f));
    }
  });
  return s;
}

// TFLM's "hello world" as windows of one row: x uniform in [0, 2 pi], target sin(x) (no noise). One
// recording per split: `train` rows for training, train / 4 for testing.
inline trainer::RecordingSet sine_regression(int train, uint64_t seed) {
  trainer::RecordingSet s;
  s.labels = {"sine"};
  s.axes = {"x"};
  s.units = {""};
  s.targets = {"y"};
  s.target_units = {""};
  s.rate_hz = 100;
  s.sensor = "accelerometer";
  trainer::Rng rng(seed);
  for (int split = 0; split < 2; ++split) {
    trainer::Recording r;
    r.id = split == 0 ? "sine.train" : "sine.test";
    r.split = split == 0 ? trainer::Split::Train : trainer::Split::Test;
    r.rows = split == 0 ? train : train / 4;
    for (int t = 0; t < r.rows; ++t) {
      const float x = rng.uniform(0.0f, 6.2831853f);
      r.values.push_back(x);
      r.targets.push_back(std::sin(x));
    }
    s.recordings.push_back(std::move(r));
  }
  return s;
}

// Recordings of `rows` rows of two noisy axes, two classes (axis 1 oscillates fast in "b", slowly in "a");
// each recording's target "level" is a linear function of its axis-0 mean, 2 * mean - 1, the same on
// every row (a per-sample target).
inline trainer::RecordingSet mean_regression(int per_class, int rows, uint64_t seed) {
  trainer::RecordingSet s;
  s.labels = {"a", "b"};
  s.axes = {"u", "v"};
  s.units = {"", ""};
  s.targets = {"level"};
  s.target_units = {"V"};
  s.rate_hz = 50;
  s.sensor = "accelerometer";
  trainer::Rng rng(seed);
  for_each_recording(s, per_class, rows, [&](trainer::Recording& r, int k) {
    const float level = rng.uniform(-1.0f, 1.0f);
    double sum = 0;
    for (int t = 0; t < rows; ++t) {
      const float u = level + 0.3f * rng.uniform(-1.0f, 1.0f);
      sum += u;
      r.values.push_back(u);
      r.values.push_back(std::sin(6.2832f * (k ? 8.0f : 2.0f) * static_cast<float>(t) / 50.0f) +
                         0.2f * rng.uniform(-1.0f, 1.0f));
    }
    r.targets.assign(static_cast<size_t>(rows), static_cast<float>(2 * sum / rows - 1));
  });
  return s;
}

}  // namespace tml::test
