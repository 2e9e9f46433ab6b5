// CSV import and export: time columns, rates, units in headers, manifest.csv, exact round trips.
#include <catch2/catch.hpp>
#include <map>

#include "dataset_test_util.h"
#include "formats/csv_format.h"
#include "formats/transfer.h"
#include "test_support.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::bits_equal;
using tml::test::error_of;
using tml::test::TempDir;
using tml::test::write_text;

TEST_CASE("time columns are recognised with their unit", "[csv]") {
  CHECK(time_column_scale("timestamp") == 0.001);
  CHECK(time_column_scale("Time") == 0.001);
  CHECK(time_column_scale("t") == 0.001);
  CHECK(time_column_scale("time_ms") == 0.001);
  CHECK(time_column_scale("timestamp (ms)") == 0.001);
  CHECK(time_column_scale("t[s]") == 1.0);
  CHECK(time_column_scale("time_s") == 1.0);
  CHECK(time_column_scale("time (s)") == 1.0);
  CHECK_FALSE(time_column_scale("temperature"));
  CHECK_FALSE(time_column_scale("tx"));
  CHECK_FALSE(time_column_scale("timestamps"));
}

TEST_CASE("headers may carry units", "[csv]") {
  CHECK(axis_from_header("accx (m/s2)") == Axis{"accx", "m/s2"});
  CHECK(axis_from_header("accx[m/s2]") == Axis{"accx", "m/s2"});
  CHECK(axis_from_header(" light ") == Axis{"light", ""});
}

TEST_CASE("a CSV file with a millisecond timestamp gives the rate", "[csv]") {
  TempDir tmp;
  write_text(tmp / "walk.1.csv", "timestamp,accX,accY,accZ\n0,1,2,3\n10,4,5,6\n20,7,8,9\n");
  ImportSet set = read_import(tmp / "walk.1.csv", {});
  CHECK(set.format == Format::csv);
  CHECK(set.meta.rate_hz == 100);
  CHECK(set.meta.axes == std::vector<Axis>{{"accX", ""}, {"accY", ""}, {"accZ", ""}});
  CHECK(set.meta.sensor == "accelerometer");
  REQUIRE(set.samples.size() == 1);
  CHECK(set.samples[0].label == "walk");
  CHECK(set.samples[0].id == "walk.1");
  CHECK(bits_equal(set.samples[0].values, {1, 2, 3, 4, 5, 6, 7, 8, 9}));

  write_text(tmp / "s" / "idle.csv", "time (s),light (lux)\n0,1\n0.5,2\n1.0,3\n");
  set = read_import(tmp / "s" / "idle.csv", {});
  CHECK(set.meta.rate_hz == 2);
  CHECK(set.meta.axes == std::vector<Axis>{{"light", "lux"}});
  CHECK(set.samples[0].id == "idle.idle");
}

TEST_CASE("without a time column the rate must be given", "[csv]") {
  TempDir tmp;
  write_text(tmp / "x.csv", "a,b\n1,2\n3,4\n");
  CHECK(error_of([&] { read_import(tmp / "x.csv", {}); }).find("no time column") != std::string::npos);
  ImportOptions opt;
  opt.rate_hz = 50;
  opt.label = "tap";
  ImportSet set = read_import(tmp / "x.csv", opt);
  CHECK(set.meta.rate_hz == 50);
  CHECK(set.samples[0].label == "tap");
  CHECK(set.samples[0].id == "tap.x");
  // --rate also overrides a time column.
  write_text(tmp / "y.csv", "t,a\n0,1\n10,2\n");
  CHECK(read_import(tmp / "y.csv", opt).meta.rate_hz == 50);
}

TEST_CASE("malformed CSV input is refused with file line and column", "[csv]") {
  TempDir tmp;
  ImportOptions opt;
  opt.rate_hz = 10;
  struct Case {
    std::string text;
    const char* why;
  };
  const Case cases[] = {
      {"a,b\n1,2\n3\n", "line 3: 1 values, expected 2"},
      {"a,b\n1,2\n3,x\n", "line 3, column 'b': 'x' is not a finite number"},
      {"a,b\n1,2\n3,nan\n", "'nan' is not a finite number"},
      {"a,b\n1,2\n3,inf\n", "'inf' is not a finite number"},
      {"a,b\n", "no data rows"},
      {"", "the file is empty"},
      {"1,2\n3,4\n", "needs a header row"},
      {"timestamp\n0\n1\n", "no data columns"},
      {"t,time,a\n0,0,1\n", "two time columns"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    write_text(tmp / "bad.csv", c.text);
    const std::string msg = error_of([&] { read_import(tmp / "bad.csv", opt); });
    CHECK(msg.find("bad.csv") != std::string::npos);
    CHECK(msg.find(c.why) != std::string::npos);
  }
  write_text(tmp / "bad.csv", "t,a\n0,1\n10,2\n10,3\n");
  CHECK(error_of([&] { read_import(tmp / "bad.csv", {}); }).find("line 4: the time does not increase") !=
        std::string::npos);
  write_text(tmp / "bad.csv", "t,a\n0,1\n");
  CHECK(error_of([&] { read_import(tmp / "bad.csv", {}); }).find("one row cannot give a sample rate") !=
        std::string::npos);
}

TEST_CASE("the files of a CSV folder must agree", "[csv]") {
  TempDir tmp;
  write_text(tmp / "in" / "a.csv", "t,x,y\n0,1,2\n10,3,4\n");
  write_text(tmp / "in" / "b.csv", "t,x,z\n0,1,2\n10,3,4\n");
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("columns x, z differ from x, y") != std::string::npos);
  write_text(tmp / "in" / "b.csv", "t,x,y\n0,1,2\n20,3,4\n");
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("timestamps give 50 Hz") != std::string::npos);
  write_text(tmp / "in" / "b.csv", "t,x,y\n0,1,2\n10.005,3,4\n");  // within 0.1 %: the first file's rate
  CHECK(read_import(tmp / "in", {}).meta.rate_hz == 100);
}

TEST_CASE("CSV folders: labels from folders splits from training/testing", "[csv]") {
  TempDir tmp;
  const std::string one = "t,x\n0,1\n10,2\n";
  write_text(tmp / "in" / "training" / "wave" / "w1.csv", one);
  write_text(tmp / "in" / "testing" / "wave" / "w2.csv", one);
  write_text(tmp / "in" / "idle" / "i1.csv", one);
  write_text(tmp / "in" / "rest.7.csv", one);
  std::map<std::string, PendingSample> by_id;
  for (auto& s : read_import(tmp / "in", {}).samples) by_id[s.id] = s;
  REQUIRE(by_id.size() == 4);
  CHECK(by_id.at("wave.w1").split == "train");
  CHECK(by_id.at("wave.w1").label == "wave");
  CHECK(by_id.at("wave.w2").split == "test");
  CHECK(by_id.at("idle.i1").split == "");
  CHECK(by_id.at("rest.7").label == "rest");
}

TEST_CASE("CSV export and import give back the same floats labels and splits", "[csv]") {
  TempDir tmp;
  import_into(tmp / "ds", read_import(tml::test::example_gestures(), {}));
  const Dataset d = Dataset::open(tmp / "ds");
  export_dataset(d, Format::csv, tmp / "out");
  CHECK(tml::read_file(tmp / "out" / "manifest.csv").rfind("file,label,split\ntesting/idle.65vvqk2v.csv,idle,test\n", 0) ==
        0);
  const std::string one = tml::read_file(tmp / "out" / "training" / "circle.6600enq7.csv");
  CHECK(one.rfind("timestamp,accx (m/s2),accy (m/s2),accz (m/s2)\n0,0.5786,-1.9986,-0.6639\n9.615384615384615,", 0) == 0);

  import_into(tmp / "again", read_import(tmp / "out", {}));
  const Dataset again = Dataset::open(tmp / "again");
  CHECK(again.meta().rate_hz == 104);
  CHECK(again.meta().axes == d.meta().axes);
  REQUIRE(again.samples().size() == 96);
  std::map<std::string, SampleInfo> by_id;
  for (const auto& s : again.samples()) by_id[s.id] = s;
  for (const auto& s : d.samples()) {
    INFO(s.id);
    REQUIRE(by_id.count(s.id));
    CHECK(by_id.at(s.id).label == s.label);
    CHECK(by_id.at(s.id).split == s.split);
    CHECK(bits_equal(again.load(by_id.at(s.id)).values, d.load(s).values));
    // The store's own sample files are byte-identical too.
    CHECK(tml::read_file(tmp / "again" / by_id.at(s.id).file) == tml::read_file(tmp / "ds" / s.file));
  }
}

TEST_CASE("manifest.csv rows must name files that exist", "[csv]") {
  TempDir tmp;
  write_text(tmp / "in" / "a.csv", "t,x\n0,1\n10,2\n");
  write_text(tmp / "in" / "manifest.csv", "file,label,split\na.csv,tap,test\nb.csv,tap,train\n");
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("line 3 names b.csv, which is missing") != std::string::npos);
  write_text(tmp / "in" / "manifest.csv", "file,label,split\na.csv,tap,validation\n");
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("'validation' is not training or testing") !=
        std::string::npos);
  write_text(tmp / "in" / "manifest.csv", "file,label,split\n../a.csv,tap,test\n");
  CHECK(error_of([&] { read_import(tmp / "in", {}); }).find("must be a path inside") != std::string::npos);
  write_text(tmp / "in" / "manifest.csv", "file,label,split\na.csv,tap,test\n");
  ImportSet set = read_import(tmp / "in", {});
  REQUIRE(set.samples.size() == 1);
  CHECK(set.samples[0].label == "tap");
  CHECK(set.samples[0].split == "test");
  CHECK(set.samples[0].id == "tap.a");
}
