// What every import and export shares: format detection, the label/split/id rules, and the rule that a
// failed import leaves the dataset exactly as it was.
#include <catch2/catch.hpp>

#include "dataset_test_util.h"
#include "folder_snapshot.h"
#include "formats/input_files.h"
#include "formats/transfer.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::error_of;
using tml::test::snapshot;
using tml::test::TempDir;
using tml::test::write_text;

TEST_CASE("formats are named ei csv and wav", "[transfer]") {
  CHECK(parse_format("ei") == Format::ei);
  CHECK(parse_format("csv") == Format::csv);
  CHECK(parse_format("wav") == Format::wav);
  CHECK(error_of([] { parse_format("tflite"); }).find("unknown format 'tflite'") != std::string::npos);
}

TEST_CASE("the format is detected from the input", "[transfer]") {
  TempDir tmp;
  write_text(tmp / "a" / "x.csv", "t,v\n0,1\n10,2\n");
  CHECK(read_import(tmp / "a", {}).format == Format::csv);
  CHECK(read_import(tmp / "a" / "x.csv", {}).format == Format::csv);
  write_text(tmp / "a" / "y.wav", "RIFF");
  CHECK(error_of([&] { read_import(tmp / "a", {}); }).find("holds .csv and .wav files; choose") != std::string::npos);
  ImportOptions csv;
  csv.format = Format::csv;
  CHECK(read_import(tmp / "a", csv).samples.size() == 1);  // --format picks the .csv files only
  write_text(tmp / "b" / "readme.txt", "x");
  CHECK(error_of([&] { read_import(tmp / "b", {}); }).find("holds no .json, .csv or .wav files") != std::string::npos);
  CHECK(error_of([&] { read_import(tmp / "b" / "readme.txt", {}); }).find("cannot tell the format") != std::string::npos);
  CHECK(error_of([&] { read_import(tmp / "nothing", {}); }).find("does not exist") != std::string::npos);
  // A trailing slash changes nothing (manifest.csv at the top is still not an input file).
  const ImportSet kws = read_import(tml::test::example_kws().string() + "/", {});
  CHECK(kws.format == Format::wav);
  CHECK(kws.samples.size() == 26);
  // Hidden files and folders are not input.
  write_text(tmp / "c" / ".hidden" / "x.wav", "junk");
  write_text(tmp / "c" / "x.csv", "t,v\n0,1\n10,2\n");
  CHECK(read_import(tmp / "c", {}).format == Format::csv);
}

TEST_CASE("ids labels and splits follow the documented rules", "[transfer]") {
  CHECK(id_from_stem("yes", "439c84f4_nohash_1") == "yes.439c84f4_nohash_1");
  CHECK(id_from_stem("circle", "circle.6600enq7") == "circle.6600enq7");
  CHECK(id_from_stem("circle", "circles") == "circle.circles");
  CHECK(split_from_category("training", "x") == "train");
  CHECK(split_from_category("Test", "x") == "test");
  CHECK_THROWS(split_from_category("validation", "x"));
  CHECK(guess_sensor({{"accX", ""}, {"accY", ""}}) == "accelerometer");
  CHECK(guess_sensor({{"gyrx", ""}}) == "gyroscope");
  CHECK(guess_sensor({{"audio", "PCM"}}) == "microphone");
  CHECK(guess_sensor({{"accx", ""}, {"gyrx", ""}}) == "imported");
  CHECK(rate_from_interval_s(9.615384615384615 / 1000) == 104.0);
  CHECK(rate_from_interval_s(1.0 / 16000) == 16000.0);
  CHECK(rate_from_interval_s(0.03) == 33.333333);
  InputFile f{"in/training/wave/w.1.csv", "in", false};
  CHECK(label_from_path(f, true) == "wave");
  CHECK(label_from_path(f, false) == "w");
  CHECK(split_from_folders(f) == "train");
}

TEST_CASE("a new dataset gets the hash split with its test_percent", "[transfer]") {
  TempDir tmp;
  std::string csv = "t,v\n0,1\n10,2\n";
  for (int i = 0; i < 40; ++i) write_text(tmp / "in" / ("tap." + std::to_string(i) + ".csv"), csv);
  import_into(tmp / "ds", read_import(tmp / "in", {}));
  const Dataset d = Dataset::open(tmp / "ds");
  REQUIRE(d.samples().size() == 40);
  for (const auto& s : d.samples()) CHECK(s.split == hash_split(s.id, 20));
}

TEST_CASE("a failed import leaves the dataset exactly as it was", "[transfer]") {
  TempDir tmp;
  const fs::path ds = tmp / "ds";
  write_text(tmp / "in" / "a.csv", "t,x,y\n0,1,2\n10,3,4\n");
  import_into(ds, read_import(tmp / "in", {}));
  const auto before = snapshot(ds);

  // Different axes.
  write_text(tmp / "other" / "a.csv", "t,x\n0,1\n10,3\n");
  CHECK(error_of([&] { import_into(ds, read_import(tmp / "other", {})); }).find("Import it into another dataset") !=
        std::string::npos);
  // Same samples again.
  CHECK(error_of([&] { import_into(ds, read_import(tmp / "in", {})); }).find("already in dataset") != std::string::npos);
  // A label whose folder cannot be made (a file is in the way), after an acceptable first file.
  write_text(tmp / "more" / "b.csv", "t,x,y\n0,1,2\n10,3,4\n");
  write_text(tmp / "more" / "c.csv", "t,x,y\n0,1,2\n10,3,4\n");
  ImportSet set = read_import(tmp / "more", {});
  set.samples[1].label = "blocked";
  write_text(ds / "data" / "blocked", "a file where a folder must go");
  const auto before_blocked = snapshot(ds);
  CHECK(error_of([&] { import_into(ds, set); }).find("not a folder") != std::string::npos);
  CHECK(snapshot(ds) == before_blocked);
  fs::remove(ds / "data" / "blocked");
  CHECK(snapshot(ds) == before);
}

TEST_CASE("a failed import into a new folder leaves no folder", "[transfer]") {
  TempDir tmp;
  write_text(tmp / "in" / "a.csv", "t,x\n0,1\n10,3\n");
  write_text(tmp / "in" / "b.csv", "t,x\n0,1\n10,3\n");
  ImportSet set = read_import(tmp / "in", {});
  set.samples[1].values.push_back(0.5f);  // 3 values for 1 axis is fine... make it break the i16 rule instead
  set.meta.sensor = "microphone";
  set.meta.sample_format = "i16";
  CHECK(error_of([&] { import_into(tmp / "new", set); }).find("not a 16-bit integer") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "new"));
  // A folder with other files is not taken over.
  write_text(tmp / "busy" / "notes.txt", "mine");
  CHECK(error_of([&] { import_into(tmp / "busy", read_import(tmp / "in", {})); }).find("new or empty folder") !=
        std::string::npos);
  CHECK(snapshot(tmp / "busy").size() == 1);
}

TEST_CASE("export refuses a folder that is not empty and cleans up after a failure", "[transfer]") {
  TempDir tmp;
  write_text(tmp / "in" / "a.csv", "t,x\n0,1\n10,3\n");
  import_into(tmp / "ds", read_import(tmp / "in", {}));
  const Dataset d = Dataset::open(tmp / "ds");
  write_text(tmp / "full" / "keep.txt", "x");
  CHECK(error_of([&] { export_dataset(d, Format::ei, tmp / "full"); }).find("not empty") != std::string::npos);
  CHECK(snapshot(tmp / "full").size() == 1);
  // A sample file gone missing: the export fails and leaves nothing behind.
  fs::remove(tmp / "ds" / d.samples()[0].file);
  CHECK(error_of([&] { export_dataset(d, Format::csv, tmp / "out"); }).find("is missing") != std::string::npos);
  CHECK_FALSE(fs::exists(tmp / "out"));
  fs::create_directory(tmp / "empty");
  CHECK_THROWS(export_dataset(d, Format::csv, tmp / "empty"));
  CHECK(fs::is_empty(tmp / "empty"));
}
