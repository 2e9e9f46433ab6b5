// Training data of a front end (feature_set.h): each raw window's features as the firmware's front end
// computes them, computed once, and seeded augmented copies of the training windows only.
#include <catch2/catch.hpp>
#include <cmath>

#include "tml/trainer/error.h"
#include "tml/trainer/feature_set.h"

using namespace tml::trainer;

namespace {

// Three labels of one-second 16 kHz clips: tones of different pitch; "_silence_" is low noise. The
// last clip of "hi" is short (0.6 s).
RecordingSet clips() {
  RecordingSet set;
  set.labels = {"_silence_", "hi", "lo"};
  set.axes = {"audio"};
  set.units = {""};
  set.rate_hz = 16000;
  set.sensor = "mic";
  uint32_t noise = 1;
  for (int label = 0; label < 3; ++label)
    for (int k = 0; k < 3; ++k) {
      Recording r;
      r.id = set.labels[static_cast<size_t>(label)] + "." + std::to_string(k);
      r.label = label;
      r.split = k == 2 ? Split::Test : Split::Train;
      r.rows = label == 1 && k == 1 ? 9600 : 16000;
      for (int i = 0; i < r.rows; ++i) {
        noise = noise * 1664525u + 1013904223u;
        const float n = 0.01f * (static_cast<float>(noise >> 8) / 16777216.0f - 0.5f);
        const float f = label == 1 ? 0.2f : 0.05f;
        r.values.push_back(label == 0 ? n : n + 0.4f * std::sin(f * static_cast<float>(i)));
      }
      set.recordings.push_back(r);
    }
  return set;
}

}  // namespace

TEST_CASE("each window's features are the front end's on that window and short clips are padded with silence",
          "[features][feature_set]") {
  const RecordingSet raw = clips();
  const FrontEnd fe = FrontEnd::audio({});
  const RecordingSet f = feature_set(fe, raw, 8000, {}, 2);
  REQUIRE(f.recordings.size() == raw.recordings.size());  // one-second clips: one window each
  CHECK(f.labels == raw.labels);
  CHECK(f.sensor == "mic");
  CHECK(f.rate_hz == 50);
  REQUIRE(f.axes.size() == 10);
  CHECK(f.axes[0] == "mfcc0");
  for (size_t i = 0; i < raw.recordings.size(); ++i) {
    const Recording& r = raw.recordings[i];
    std::vector<float> window(16000, 0.0f);
    std::copy(r.values.begin(), r.values.end(), window.begin());
    INFO(r.id);
    CHECK(f.recordings[i].id == r.id);
    CHECK(f.recordings[i].label == r.label);
    CHECK(f.recordings[i].split == r.split);
    CHECK(f.recordings[i].rows == 49);
    CHECK(f.recordings[i].values == fe.compute(window.data(), window.size()));  // bit for bit
  }
  // A longer recording gives a window every stride.
  RecordingSet longer = raw;
  longer.recordings.resize(1);
  longer.recordings[0].rows = 32000;
  longer.recordings[0].values.resize(32000, 0.1f);
  const RecordingSet g = feature_set(fe, longer, 8000);
  REQUIRE(g.recordings.size() == 3);
  CHECK(g.recordings[1].id == "_silence_.0@8000");
  CHECK(g.recordings[2].values == fe.compute(longer.recordings[0].values.data() + 16000, 16000));
}

TEST_CASE("augmented copies are seeded and differ from the original and exist for training windows only",
          "[features][feature_set]") {
  const RecordingSet raw = clips();
  const FrontEnd fe = FrontEnd::audio({});
  AugmentOptions o;
  o.copies = 2;
  o.noise_probability = 1.0;
  const RecordingSet a = feature_set(fe, raw, 16000, o, 1), b = feature_set(fe, raw, 16000, o, 2);
  const size_t train = 6, test = 3;
  REQUIRE(a.recordings.size() == train * 3 + test);
  for (size_t i = 0; i < a.recordings.size(); ++i) CHECK(a.recordings[i].values == b.recordings[i].values);
  size_t copies = 0;
  for (size_t i = 0; i < a.recordings.size(); ++i) {
    const Recording& r = a.recordings[i];
    if (r.id.find('~') == std::string::npos) continue;
    ++copies;
    CHECK(r.split == Split::Train);
    const Recording& original = a.recordings[i - (r.id.back() - '0')];
    CHECK(original.id == r.id.substr(0, r.id.find('~')));
    CHECK(r.label == original.label);
    CHECK(r.values != original.values);
  }
  CHECK(copies == train * 2);
  o.seed = 2;
  const RecordingSet c = feature_set(fe, raw, 16000, o, 1);
  CHECK(c.recordings[1].values != a.recordings[1].values);
  CHECK(c.recordings[0].values == a.recordings[0].values);  // originals do not depend on the seed
}

TEST_CASE("data that does not fit the front end is refused", "[features][feature_set]") {
  RecordingSet raw = clips();
  const FrontEnd fe = FrontEnd::audio({});
  raw.rate_hz = 8000;
  CHECK_THROWS_WITH(feature_set(fe, raw, 8000), Catch::Contains("--resample 16000"));
  raw.rate_hz = 16000;
  raw.axes = {"l", "r"};
  CHECK_THROWS_WITH(feature_set(fe, raw, 8000), Catch::Contains("reads 1 axes"));
}
