// Text-mode capture: lines of numbers from any sketch, with the rate declared or read from timestamps,
// in-process (tests/cli/test_capture_text_cli.cc runs `tml capture --text` over a TCP link).
#include <catch2/catch.hpp>
#include <fstream>

#include "capture/capture.h"
#include "dataset/dataset.h"
#include "text_sketch.h"
#include "tml/trainer/error.h"

namespace {

class TextTransport : public tml::link::Transport {
 public:
  explicit TextTransport(std::string text, size_t chunk = 7) : text_(std::move(text)), chunk_(chunk) {}
  size_t read(uint8_t* buf, size_t cap, int) override {
    const size_t n = std::min({cap, chunk_, text_.size() - pos_});
    std::copy(text_.begin() + static_cast<long>(pos_), text_.begin() + static_cast<long>(pos_ + n), buf);
    pos_ += n;
    return n;
  }
  void write(const uint8_t*, size_t) override {}
  std::string name() const override { return "text"; }

 private:
  std::string text_;
  size_t chunk_;
  size_t pos_ = 0;
};

}  // namespace

TEST_CASE("a declared rate gives seconds x rate rows and the header names the axes", "[text]") {
  TextTransport t("3,4\nax,ay,az\n" + tml::test::sketch_lines(300, 0, false));
  tml::capture::TextOptions o;
  o.rate_hz = 100;
  tml::capture::TextStream s(t, o);
  auto rec = s.record(2.0, 1000);
  REQUIRE(rec.rows == 200);
  CHECK(rec.values[0] == 0.0f);
  CHECK(rec.values[3 * 199 + 1] == 398.0f);
  CHECK(rec.values[3 * 199 + 2] == -199.5f);
  const auto m = s.meta();
  REQUIRE(m.axes.size() == 3);
  CHECK(m.axes[1].name == "ay");
  CHECK(m.rate_hz == 100.0);
  auto next = s.record(0.5, 1000);  // continues where the first sample ended
  CHECK(next.values[0] == 200.0f);
}

TEST_CASE("the rate comes from a timestamp column and never from counting lines", "[text]") {
  TextTransport t("garbage\n" + tml::test::sketch_lines(500, 0, true, 20));  // 50 Hz by the timestamps
  tml::capture::TextOptions o;
  o.timestamp_column = "0";
  tml::capture::TextStream s(t, o);
  auto rec = s.record(3.0, 1000);
  CHECK(rec.rows == 150);
  CHECK(s.meta().rate_hz == 50.0);
  CHECK(s.meta().axes.size() == 3);  // the timestamp is not an axis
  CHECK(rec.values[0] == 0.0f);
}

TEST_CASE("lines that do not fit are counted as rejected and not stored", "[text]") {
  TextTransport t("\n1,2,3\n4,5,6\n7,8\nhello,there,you\n9,10,11\n" + tml::test::sketch_lines(10, 100, false));
  tml::capture::TextOptions o;
  o.rate_hz = 10;
  tml::capture::TextStream s(t, o);
  auto rec = s.record(0.5, 1000);
  REQUIRE(rec.rows == 5);
  CHECK(rec.figures.rejected == 2);
  CHECK(rec.values[6] == 9.0f);
  // "7,8" was a row cut short: a time step is missing, so the sample must not be stored; "hello,there,you"
  // is a message, not a row.
  CHECK(rec.figures.lost_rows == 1);
  CHECK_FALSE(rec.complete());
}

TEST_CASE("a row with too many columns makes the sample incomplete", "[text]") {
  TextTransport t("\n1,2,3\n4,5,6,7\n" + tml::test::sketch_lines(10, 100, false));
  tml::capture::TextOptions o;
  o.rate_hz = 10;
  tml::capture::TextStream s(t, o);
  auto rec = s.record(0.5, 1000);
  CHECK(rec.figures.rejected == 1);
  CHECK_FALSE(rec.complete());
  auto next = s.record(0.5, 1000);  // the following sample is whole
  CHECK(next.complete());
}

TEST_CASE("the timestamps tell rows that never arrived and a damaged timestamp", "[text]") {
  // 50 Hz; the rows of 1000 and 1020 ms are missing: a gap of 3 periods.
  std::string lines = tml::test::sketch_lines(100, 0, true, 20);
  const size_t cut_from = lines.find("1000\t"), cut_to = lines.find("1040\t");
  REQUIRE(cut_to != std::string::npos);
  lines.erase(cut_from, cut_to - cut_from);
  TextTransport t("x\n" + lines + tml::test::sketch_lines(200, 100, true, 20));
  tml::capture::TextOptions o;
  o.timestamp_column = "0";
  tml::capture::TextStream s(t, o);
  auto rec = s.record(1.5, 1000);
  CHECK(rec.figures.lost_rows == 2);
  CHECK_FALSE(rec.complete());
  CHECK(s.record(1.0, 1000).complete());

  // A fragment run into the next line ("7" + "450\t...") reads as timestamp 7450 then 1480: caught.
  std::string merged = tml::test::sketch_lines(30, 0, true, 20) + "7" + tml::test::sketch_lines(200, 30, true, 20);
  TextTransport t2("x\n" + merged);
  tml::capture::TextStream s2(t2, o);
  auto bad = s2.record(3.0, 1000);
  CHECK_FALSE(bad.complete());
}

TEST_CASE("text capture needs a rate and readable data", "[text]") {
  TextTransport t(tml::test::sketch_lines(10, 0, false));
  CHECK_THROWS_AS(tml::capture::TextStream(t, {}), tml::UsageError);
  tml::capture::TextOptions o;
  o.rate_hz = 100;
  tml::capture::TextStream s(t, o);
  CHECK_THROWS_WITH(s.record(1.0, 200), Catch::Contains("no readable line"));
}
