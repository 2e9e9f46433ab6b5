// End to end through the emulated board: `tml capture` starts QEMU (or talks to one over TCP), the
// firmware replays the shipped recordings, and what lands in the dataset must be those recordings,
// value for value, with no frame lost.
#include <catch2/catch.hpp>

#include "dataset/dataset.h"
#include "emulator/emulator.h"
#include "emulator/sim_data.h"
#include "run_programs.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

// Imports the shipped gesture recordings into a tml dataset once per test.
std::filesystem::path import_gestures(const TempDir& dir) {
  const auto out = dir / "gestures";
  auto r = run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", out.string()});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

std::vector<tml::dataset::Sample> samples_of(const tml::dataset::Dataset& ds, const std::string& label,
                                             const std::string& split) {
  std::vector<tml::dataset::Sample> out;
  for (const auto& s : ds.samples())
    if (s.label == label && (split.empty() || s.split == split)) out.push_back(ds.load(s));
  return out;
}

void check_same_values(const tml::dataset::Dataset& captured, const std::vector<tml::dataset::Sample>& expected) {
  REQUIRE(captured.samples().size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto got = captured.load(captured.samples()[i]);
    INFO("sample " << i);
    REQUIRE(got.values.size() == expected[i].values.size());
    size_t mismatches = 0;
    for (size_t k = 0; k < got.values.size(); ++k) mismatches += got.values[k] != expected[i].values[k];
    CHECK(mismatches == 0);
  }
}

}  // namespace

TEST_CASE("a capture from the emulated board stores the replayed recordings value for value", "[e2e][sim]") {
  TempDir dir;
  const auto source = import_gestures(dir);
  const auto cap = dir / "captured";
  auto r = run_tml({"capture", "--port", "sim", "--sim-data", source.string(), "--sim-label", "circle", "--sim-split",
                    "train", "--sim-fast", "--label", "circle", "--seconds", "10", "--count", "4", "--dataset",
                    cap.string(), "--quiet"}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Saved 4 of 4 samples of 'circle'") != std::string::npos);
  CHECK(r.out.find(" 0 lost, 0 rejected") != std::string::npos);
  CHECK(r.out.find("0 rows missing") != std::string::npos);

  const auto src = tml::dataset::Dataset::open(source);
  auto expected = samples_of(src, "circle", "train");
  expected.resize(4);  // 10 s at 104 Hz = 1040 rows = one recording per sample
  const auto got = tml::dataset::Dataset::open(cap);
  CHECK(got.meta().rate_hz == 104.0);
  CHECK(got.meta().sensor == "accelerometer");
  REQUIRE(got.meta().axes.size() == 3);
  CHECK(got.meta().axes[0].name == "accx");
  CHECK(got.meta().axes[0].unit == "m/s2");
  CHECK(got.samples()[0].device == "mps2-an386 0.1.0");
  check_same_values(got, expected);
}

TEST_CASE("a capture over tcp:// from an emulated board started separately", "[e2e][sim]") {
  TempDir dir;
  const auto source = import_gestures(dir);
  tml::emulator::SimData data;
  data.sources = {source};
  data.label = "updown";
  data.unpaced = true;
  tml::emulator::SimSetup sim(data);
  auto options = sim.options();
  options.image = tml::test::firmware_image();
  tml::emulator::Emulator board(options);  // ended by its destructor, whatever happens below
  const auto cap = dir / "captured";
  auto r = run_tml({"capture", "--port", "tcp://127.0.0.1:" + std::to_string(board.port()), "--label", "updown",
                    "--seconds", "10", "--count", "2", "--dataset", cap.string(), "--quiet"}, 120);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(" 0 lost, 0 rejected") != std::string::npos);
  auto expected = samples_of(tml::dataset::Dataset::open(source), "updown", "");
  expected.resize(2);
  check_same_values(tml::dataset::Dataset::open(cap), expected);
}

TEST_CASE("the emulated microphone replays the spoken-word recordings as int16", "[e2e][sim]") {
  TempDir dir;
  const auto words = dir / "words";
  auto imp = run_tml({"dataset", "import", (tml::test::source_dir() / "datasets" / "kws-mini").string(), "--dataset",
                      words.string()});
  INFO(imp.out << imp.err);
  REQUIRE(imp.exit_code == 0);
  const auto src = tml::dataset::Dataset::open(words);
  REQUIRE(!src.samples().empty());
  const auto first = src.load(src.samples()[0]);
  const double seconds = static_cast<double>(first.info.rows) / 16000.0;
  const auto cap = dir / "captured";
  auto r = run_tml({"capture", "--port", "sim", "--sim-data", words.string(), "--sim-fast", "--sensor", "mic",
                    "--label", "word", "--seconds", std::to_string(seconds), "--dataset", cap.string(), "--quiet"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = tml::dataset::Dataset::open(cap);
  CHECK(got.meta().sensor == "microphone");
  CHECK(got.meta().sample_format == "i16");
  CHECK(got.meta().rate_hz == 16000.0);
  check_same_values(got, {first});
}

TEST_CASE("the synthetic light sensor honours a requested rate", "[e2e][sim]") {
  TempDir dir;
  const auto cap = dir / "light";
  auto r = run_tml({"capture", "--port", "sim", "--sim-fast", "--sensor", "light", "--rate", "50", "--label", "dusk",
                    "--seconds", "2", "--dataset", cap.string(), "--quiet"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto got = tml::dataset::Dataset::open(cap);
  CHECK(got.meta().sensor == "light");
  CHECK(got.meta().rate_hz == 50.0);
  REQUIRE(got.samples().size() == 1);
  CHECK(got.samples()[0].rows == 100);
}

TEST_CASE("paced replay runs in real time and gives the same data", "[e2e][sim]") {
  TempDir dir;
  const auto source = import_gestures(dir);
  const auto cap = dir / "captured";
  auto r = run_tml({"capture", "--port", "sim", "--sim-data", source.string(), "--sim-label", "idle", "--label", "idle",
                    "--seconds", "1", "--dataset", cap.string(), "--quiet"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  auto expected = samples_of(tml::dataset::Dataset::open(source), "idle", "");
  const auto got = tml::dataset::Dataset::open(cap);
  REQUIRE(got.samples().size() == 1);
  const auto s = got.load(got.samples()[0]);
  REQUIRE(s.values.size() == 104 * 3);
  for (size_t k = 0; k < s.values.size(); ++k) REQUIRE(s.values[k] == expected[0].values[k]);
}
