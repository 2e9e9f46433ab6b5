// The emulated board replaying the shipped gestures' "updown" recordings, and the rule a `tml capture` of it
// must hold whatever happened on the link (tests/e2e: through a damaging proxy, over a pseudo-terminal):
// every stored sample is a stretch of exactly what the board replays (value for value), the summary's counts
// add up (saved samples = the dataset's, saved + "not saved" = the samples tried), and the exit status is 0
// exactly when every sample was saved.
#pragma once

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "dataset/dataset.h"
#include "emulator/emulator.h"
#include "emulator/sim_data.h"
#include "run_programs.h"
#include "tml/protocol/messages.h"

namespace tml::test {

// The rows the board replays for a label, in order (its stream repeats them), as rows of `axes` floats.
struct Stream {
  std::vector<float> values;
  size_t axes = 0;
  size_t rows() const { return values.size() / axes; }
};

// Whether `sample` is a stretch of the stream (which wraps around), value for value.
inline bool in_stream(const Stream& s, const std::vector<float>& sample) {
  const size_t A = s.axes, R = s.rows(), n = sample.size() / A;
  if (n == 0 || sample.size() % A != 0) return false;
  for (size_t o = 0; o < R; ++o) {
    bool match = true;
    for (size_t i = 0; i < n && match; ++i)
      match = std::memcmp(&s.values[((o + i) % R) * A], &sample[i * A], A * sizeof(float)) == 0;
    if (match) return true;
  }
  return false;
}

// The number in the first group of `pattern` in `text`, or -1.
inline long long number_after(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return -1;
  return std::stoll(m[1].str());
}

// The shipped gestures imported into `dir`/gestures and the emulated board replaying their "updown"
// recordings, as fast as the link allows (or in real time: `paced`); QEMU is ended by the destructor.
class UpdownBoard {
 public:
  explicit UpdownBoard(const TempDir& dir, bool paced = false) {
    const auto source = dir / "gestures";
    REQUIRE(run_tml({"dataset", "import", example_gestures().string(), "--dataset", source.string()}).exit_code == 0);
    const auto src = dataset::Dataset::open(source);
    stream_.axes = src.meta().axes.size();
    for (const auto& info : src.samples())
      if (info.label == "updown") {
        const auto v = src.load(info).values;
        stream_.values.insert(stream_.values.end(), v.begin(), v.end());
      }
    REQUIRE(stream_.rows() > 0);
    emulator::SimData data;
    data.sources = {source};
    data.label = "updown";
    data.unpaced = !paced;
    sim_ = std::make_unique<emulator::SimSetup>(data);
    size_t timeline_rows = 0;
    for (const auto& seg : sim_->timeline(TML_SENSOR_ACCEL)) timeline_rows += seg.rows;
    REQUIRE(timeline_rows == stream_.rows());  // the stream above is what the board replays
    auto options = sim_->options();
    options.image = firmware_image();
    board_ = std::make_unique<emulator::Emulator>(options);
  }
  // Where the board's serial port listens (127.0.0.1).
  int port() const { return board_->port(); }
  const Stream& stream() const { return stream_; }

 private:
  Stream stream_;
  std::unique_ptr<emulator::SimSetup> sim_;  // the replay files, kept while the board runs
  std::unique_ptr<emulator::Emulator> board_;
};

// What a capture's output says.
struct Outcome {
  int exit_code = -1;
  long long saved = -1;
  long long lost = -1, rejected = -1, missing = -1;  // the Frames: line
  size_t not_saved = 0;  // "sample not saved" messages
  bool stopped = false;  // it ended with an error before every sample was tried
};

// Checks the rule on a capture of `count` samples of `rows` rows each (10 s: 1040) of "updown" into `dataset`.
inline Outcome check_capture(const RunResult& r, int count, const std::filesystem::path& dataset, const Stream& stream,
                             size_t rows = 1040) {
  INFO(r.out << r.err);
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  Outcome o;
  o.exit_code = r.exit_code;
  // The summary is printed whatever happened, and its counts add up.
  o.saved = number_after(r.out, "Saved (\\d+) of " + std::to_string(count) + " samples of 'updown'");
  REQUIRE(o.saved >= 0);
  o.lost = number_after(r.out, "Frames: \\d+ received, (\\d+) lost");
  o.rejected = number_after(r.out, "lost, (\\d+) rejected");
  o.missing = number_after(r.out, "(\\d+) rows missing");
  REQUIRE((o.lost >= 0 && o.rejected >= 0 && o.missing >= 0));
  for (size_t at = r.err.find("sample not saved"); at != std::string::npos; at = r.err.find("sample not saved", at + 1))
    ++o.not_saved;
  o.stopped = r.err.find("tml capture: error:") != std::string::npos;
  if (o.stopped) CHECK(o.saved + static_cast<long long>(o.not_saved) <= count);
  else CHECK(o.saved + static_cast<long long>(o.not_saved) == count);
  if (o.not_saved > 0) CHECK(o.missing > 0);
  CHECK((r.exit_code == 0) == (o.saved == count));

  // Every stored sample is exactly what the board sent, and the dataset holds nothing else.
  if (o.saved == 0 && !dataset::Dataset::exists(dataset)) return o;
  const auto got = dataset::Dataset::open(dataset);
  CHECK(static_cast<long long>(got.samples().size()) == o.saved);
  CHECK(got.orphans().empty());
  for (const auto& info : got.samples()) {
    INFO("sample " << info.id);
    const auto s = got.load(info);
    CHECK(info.rows == rows);
    CHECK(in_stream(stream, s.values));
  }
  return o;
}

}  // namespace tml::test
