// Recordings, windows, normalisation, batches, validation split, and the checks on bad data.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "tml/trainer/data.h"
#include "tml/trainer/error.h"

using namespace tml::trainer;

namespace {

// A recording whose value at (row r, axis a) is r * 10 + a (so windows and padding are easy to see).
Recording ramp(const std::string& id, int rows, int axes, int label, Split split) {
  Recording r;
  r.id = id;
  r.label = label;
  r.split = split;
  r.rows = rows;
  for (int i = 0; i < rows; ++i)
    for (int a = 0; a < axes; ++a) r.values.push_back(static_cast<float>(i * 10 + a));
  return r;
}

RecordingSet two_axes() {
  RecordingSet s;
  s.labels = {"a", "b"};
  s.axes = {"x", "y"};
  s.units = {"", ""};
  s.rate_hz = 100;
  return s;
}

}  // namespace

TEST_CASE("durations are read as seconds or rows", "[data]") {
  CHECK(parse_rows("2s", 104, "--window") == 208);
  CHECK(parse_rows("0.5s", 104, "--stride") == 52);
  CHECK(parse_rows("500ms", 104, "--stride") == 52);
  CHECK(parse_rows("208", 104, "--window") == 208);
  CHECK(parse_rows("1s", 16000, "--window") == 16000);
  CHECK_THROWS_WITH(parse_rows("2 s", 104, "--window"), Catch::Contains("--window '2 s' is not a duration"));
  CHECK_THROWS_WITH(parse_rows("abc", 104, "--window"), Catch::Contains("not a duration"));
  CHECK_THROWS_WITH(parse_rows("-3", 104, "--window"), Catch::Contains("not a duration"));
  CHECK_THROWS_WITH(parse_rows("2.5", 104, "--window"), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(parse_rows("1ms", 104, "--stride"), Catch::Contains("shorter than one row"));
}

TEST_CASE("windows start every stride rows and fit inside the recording", "[data]") {
  RecordingSet s = two_axes();
  s.recordings.push_back(ramp("r0", 1040, 2, 0, Split::Train));
  s.recordings.push_back(ramp("r1", 250, 2, 1, Split::Train));
  const auto w = make_windows(s, {0, 1}, WindowSpec{208, 52});
  // (1040 - 208) / 52 + 1 = 17 and (250 - 208) / 52 + 1 = 1: the reference dataset's 17 per recording.
  REQUIRE(w.size() == 18);
  CHECK(w[0].start == 0);
  CHECK(w[16].start == 832);
  CHECK(w[16].recording == 0);
  CHECK(w[17].recording == 1);
  CHECK(w[17].label == 1);
  CHECK(make_windows(s, {0}, WindowSpec{1040, 1}).size() == 1);
  CHECK(make_windows(s, {0}, WindowSpec{1, 1}).size() == 1040);
}

TEST_CASE("a recording shorter than the window gives one window padded with its last row", "[data]") {
  RecordingSet s = two_axes();
  s.recordings.push_back(ramp("short", 3, 2, 0, Split::Train));
  const auto w = make_windows(s, {0}, WindowSpec{5, 2});
  REQUIRE(w.size() == 1);
  Normalization id{{0, 0}, {1, 1}};
  std::vector<float> x(10);
  int32_t y = -1;
  gather(s, w.data(), nullptr, 1, 5, id, x.data(), &y);
  CHECK(x == std::vector<float>{0, 1, 10, 11, 20, 21, 20, 21, 20, 21});
  CHECK(y == 0);
}

TEST_CASE("normalisation is fitted on the rows of the windows with overlaps counted", "[data]") {
  RecordingSet s = two_axes();
  s.recordings.push_back(ramp("r", 4, 2, 0, Split::Train));  // axis 0: 0 10 20 30
  // Windows of 2 rows at stride 1: rows 0-1, 1-2, 2-3 -> axis 0 values 0 10 10 20 20 30.
  const auto w = make_windows(s, {0}, WindowSpec{2, 1});
  const Normalization n = fit_normalization(s, w, 2);
  CHECK(n.mean[0] == Approx(15.0f));
  CHECK(n.mean[1] == Approx(16.0f));
  const double var = (15.0 * 15 + 5 * 5 * 2 + 5 * 5 * 2 + 15 * 15) / 6;
  CHECK(n.std[0] == Approx(std::sqrt(var)));
  // A constant axis gets std 1, not a division by zero.
  RecordingSet c = two_axes();
  Recording flat;
  flat.id = "flat";
  flat.rows = 3;
  flat.values = {1, 5, 2, 5, 3, 5};
  c.recordings.push_back(flat);
  const Normalization m = fit_normalization(c, make_windows(c, {0}, WindowSpec{3, 1}), 3);
  CHECK(m.std[1] == 1.0f);
  CHECK(m.mean[1] == 5.0f);
}

TEST_CASE("a batch is gathered in the given order and normalised as (x - mean) / std", "[data]") {
  RecordingSet s = two_axes();
  s.recordings.push_back(ramp("r0", 6, 2, 0, Split::Train));
  s.recordings.push_back(ramp("r1", 6, 2, 1, Split::Train));
  const auto w = make_windows(s, {0, 1}, WindowSpec{2, 2});  // 3 + 3 windows
  const Normalization n{{10, 1}, {2, 4}};
  const uint32_t order[] = {4, 0};
  std::vector<float> x(8);
  int32_t y[2];
  gather(s, w.data(), order, 2, 2, n, x.data(), y);
  // window 4: recording 1 rows 2-3 -> (20, 21), (30, 31); window 0: recording 0 rows 0-1.
  CHECK(x == std::vector<float>{5, 5, 10, 7.5f, -5, 0, 0, 2.5f});
  CHECK(y[0] == 1);
  CHECK(y[1] == 0);
}

TEST_CASE("the validation split holds out whole recordings per label and depends only on the seed", "[data]") {
  RecordingSet s = two_axes();
  for (int i = 0; i < 10; ++i) s.recordings.push_back(ramp("a" + std::to_string(i), 5, 2, 0, Split::Train));
  for (int i = 0; i < 4; ++i) s.recordings.push_back(ramp("b" + std::to_string(i), 5, 2, 1, Split::Train));
  s.recordings.push_back(ramp("t", 5, 2, 1, Split::Test));
  const auto [train, val] = split_validation(s, 0.2f, 7);
  CHECK(train.size() + val.size() == 14);
  int val_a = 0, val_b = 0;
  for (int i : val) (s.recordings[static_cast<size_t>(i)].label == 0 ? val_a : val_b)++;
  CHECK(val_a == 2);
  CHECK(val_b == 1);
  for (int i : val) CHECK(s.recordings[static_cast<size_t>(i)].split == Split::Train);
  CHECK(split_validation(s, 0.2f, 7).second == val);
  bool differs = false;
  for (uint64_t seed = 1; seed < 6 && !differs; ++seed) differs = split_validation(s, 0.2f, seed).second != val;
  CHECK(differs);
  CHECK(split_validation(s, 0.0f, 7).second.empty());
}

TEST_CASE("bad recordings are refused with the recording row and axis named", "[data]") {
  RecordingSet s = two_axes();
  s.recordings.push_back(ramp("fine", 4, 2, 0, Split::Train));
  s.validate();
  Recording nan = ramp("broken", 4, 2, 1, Split::Train);
  nan.values[5] = std::numeric_limits<float>::quiet_NaN();
  s.recordings.push_back(nan);
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("recording 'broken' has a non-finite value") &&
                                      Catch::Contains("row 3, axis y"));
  s.recordings.back() = ramp("short", 4, 2, 1, Split::Train);
  s.recordings.back().values.pop_back();
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("has 7 values, expected 4 rows x 2 axes"));
  s.recordings.back() = ramp("nolabel", 4, 2, 5, Split::Train);
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("no valid label"));
  RecordingSet no_rate = two_axes();
  no_rate.rate_hz = 0;
  CHECK_THROWS_AS(no_rate.validate(), Error);
}

TEST_CASE("gathering works for many axes and for windows longer than a block of rows", "[data]") {
  for (int axes : {1, 3, 300}) {
    RecordingSet s;
    s.labels = {"a", "b"};
    s.rate_hz = 10;
    for (int a = 0; a < axes; ++a) {
      s.axes.push_back("a" + std::to_string(a));
      s.units.push_back("");
    }
    s.recordings.push_back(ramp("r", 400, axes, 1, Split::Train));
    Normalization n;
    for (int a = 0; a < axes; ++a) {
      n.mean.push_back(static_cast<float>(a));
      n.std.push_back(2.0f);
    }
    const auto w = make_windows(s, {0}, WindowSpec{300, 100});
    REQUIRE(w.size() == 2);
    std::vector<float> x(static_cast<size_t>(2 * 300 * axes));
    gather(s, w.data(), nullptr, 2, 300, n, x.data(), nullptr);
    bool ok = true;
    for (int i = 0; i < 2; ++i)
      for (int t = 0; t < 300; ++t)
        for (int a = 0; a < axes; ++a)
          ok = ok && x[(static_cast<size_t>(i) * 300 + t) * axes + a] == static_cast<float>((i * 100 + t) * 10) / 2.0f;
    INFO(axes << " axes");
    CHECK(ok);
  }
}
