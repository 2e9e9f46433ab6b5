// WAV import and export: the kws-mini example, folder labels, refusals, byte-exact export.
#include <catch2/catch.hpp>
#include <map>

#include "dataset/wav_codec.h"
#include "dataset_test_util.h"
#include "formats/transfer.h"
#include "formats/wav_format.h"
#include "test_support.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::error_of;
using tml::test::example_kws;
using tml::test::TempDir;
using tml::test::write_text;

TEST_CASE("kws-mini imports as 26 clips of three words with the official partition", "[wav]") {
  const ImportSet set = read_import(example_kws(), {});
  CHECK(set.format == Format::wav);
  CHECK(set.meta.sensor == "microphone");
  CHECK(set.meta.axes == std::vector<Axis>{{"audio", "PCM"}});
  CHECK(set.meta.rate_hz == 16000);
  CHECK(set.meta.sample_format == "i16");
  std::map<std::string, int> per_label, tests;
  for (const auto& s : set.samples) {
    per_label[s.label]++;
    tests[s.label] += s.split == "test";
    CHECK(s.values.size() <= 16000);
  }
  CHECK(per_label == std::map<std::string, int>{{"marvin", 10}, {"no", 8}, {"yes", 8}});
  CHECK(tests == std::map<std::string, int>{{"marvin", 1}, {"no", 3}, {"yes", 2}});
  CHECK(set.samples.front().id == "marvin.5fe4a278_nohash_0");
}

TEST_CASE("a WAV folder without manifest takes labels from its folders", "[wav]") {
  TempDir tmp;
  fs::create_directories(tmp / "in" / "yes");
  fs::copy_file(example_kws() / "yes" / "439c84f4_nohash_1.wav", tmp / "in" / "yes" / "439c84f4_nohash_1.wav");
  fs::copy_file(example_kws() / "no" / "439c84f4_nohash_1.wav", tmp / "in" / "no.439c84f4_nohash_1.wav");
  const ImportSet set = read_import(tmp / "in", {});
  REQUIRE(set.samples.size() == 2);
  CHECK(set.samples[0].label == "no");
  CHECK(set.samples[0].id == "no.439c84f4_nohash_1");
  CHECK(set.samples[1].label == "yes");
  CHECK(set.samples[1].id == "yes.439c84f4_nohash_1");
}

TEST_CASE("WAV import refuses other formats and mixed rates", "[wav]") {
  TempDir tmp;
  write_text(tmp / "in" / "a.wav", encode_wav(16000, {1, 2, 3}));
  write_text(tmp / "in" / "b.wav", encode_wav(8000, {1, 2, 3}));
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("b.wav is recorded at 8000 Hz") != std::string::npos);
  std::string stereo = encode_wav(16000, {1, 2});
  stereo[22] = 2;  // channels
  write_text(tmp / "in" / "b.wav", stereo);
  const std::string msg = error_of([&] { read_import(tmp / "in", {}); });
  CHECK(msg.find("b.wav: 2 channels; only 16-bit PCM mono WAV is supported") != std::string::npos);
  ImportOptions opt;
  opt.rate_hz = 8000;
  CHECK(error_of([&] { read_import(tmp / "in" / "a.wav", opt); }).find("--rate applies to CSV imports only") !=
        std::string::npos);
}

TEST_CASE("WAV export writes the clips back byte for byte", "[wav]") {
  TempDir tmp;
  import_into(tmp / "kws", read_import(example_kws(), {}));
  const Dataset d = Dataset::open(tmp / "kws");
  CHECK(d.samples().front().file == "data/marvin/marvin.5fe4a278_nohash_0.wav");
  export_dataset(d, Format::wav, tmp / "out");
  CHECK(tml::read_file(tmp / "out" / "training" / "marvin.5fe4a278_nohash_0.wav") ==
        tml::read_file(example_kws() / "marvin" / "5fe4a278_nohash_0.wav"));
  CHECK(tml::read_file(tmp / "out" / "testing" / "yes.439c84f4_nohash_1.wav") ==
        tml::read_file(example_kws() / "yes" / "439c84f4_nohash_1.wav"));
  // And the export imports again to the same dataset content.
  import_into(tmp / "again", read_import(tmp / "out", {}));
  const Dataset again = Dataset::open(tmp / "again");
  REQUIRE(again.samples().size() == 26);
  for (size_t i = 0; i < d.samples().size(); ++i) {
    bool found = false;
    for (const auto& s : again.samples())
      if (s.id == d.samples()[i].id) {
        found = true;
        CHECK(s.split == d.samples()[i].split);
        CHECK(tml::read_file(tmp / "again" / s.file) == tml::read_file(tmp / "kws" / d.samples()[i].file));
      }
    CHECK(found);
  }
}

TEST_CASE("WAV export needs a one-axis i16 dataset", "[wav]") {
  TempDir tmp;
  Meta m;
  m.sensor = "accelerometer";
  m.axes = {{"x", "g"}, {"y", "g"}};
  m.rate_hz = 100;
  m.sample_format = "f32";
  Dataset d = Dataset::open_or_create(tmp / "d", m);
  d.add("idle", {1, 2}, "", "capture");
  CHECK(error_of([&] { export_dataset(d, Format::wav, tmp / "out"); }).find("one axis in 16-bit samples") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "out"));  // nothing left behind
}
