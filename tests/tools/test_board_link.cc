// The host's link to a board (BoardLink, record_framed) against the real device core running in-process,
// with faults injected into what the board sends: dropped frames, corrupted bytes, a silent board.
#include <catch2/catch.hpp>
#include <cmath>

#include "capture/capture.h"
#include "fake_board.h"
#include "loopback.h"
#include "link/board_link.h"
#include "tml/trainer/error.h"

using tml::test::FakeBoard;

using tml::test::frame_type;
using tml::test::LoopbackTransport;

TEST_CASE("hello returns the board's session", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  const auto s = link.hello(2000);
  CHECK(s.board == "fake-board");
  CHECK(s.device() == "fake-board 9.9.9");
  CHECK(s.rate_hz() == 100.0);
  REQUIRE(s.axes.size() == 3);
  CHECK(s.axes[0].name == "ax");
  CHECK(s.format_name() == "f32");
  const auto m = tml::capture::meta_from_session(s);
  CHECK(m.sensor == "accelerometer");
  CHECK(m.sample_format == "f32");
}

TEST_CASE("a clean capture returns every row exactly with nothing lost", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  link.hello(2000);
  size_t progress_calls = 0;
  const auto rec = tml::capture::record_framed(link, 777, 2000, [&](size_t, size_t total, const auto&) {
    CHECK(total == 777);
    ++progress_calls;
  });
  CHECK(rec.complete());
  CHECK(rec.rows == 777);
  CHECK(rec.figures.rows == 777);
  CHECK(rec.figures.lost_frames == 0);
  CHECK(rec.figures.crc_errors == 0);
  CHECK(progress_calls > 1);
  REQUIRE(rec.values.size() == 777 * 3);
  for (uint32_t r = 0; r < 777; ++r)
    for (int a = 0; a < 3; ++a) REQUIRE(rec.values[r * 3 + static_cast<uint32_t>(a)] == FakeBoard::accel_value(r, a));

  // A second sample on the same link starts from row 0 again.
  const auto again = tml::capture::record_framed(link, 10, 2000);
  CHECK(again.complete());
  CHECK(again.values[0] == FakeBoard::accel_value(0, 0));
}

TEST_CASE("the microphone's int16 samples arrive as whole numbers", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  link.hello(2000);
  const auto s = link.set_sensor(TML_SENSOR_MIC);
  CHECK(s.format_name() == "i16");
  CHECK(s.rate_hz() == 16000.0);
  const auto rec = tml::capture::record_framed(link, 1600, 2000);
  REQUIRE(rec.complete());
  for (uint32_t r = 0; r < 1600; ++r) REQUIRE(rec.values[r] == static_cast<float>(FakeBoard::mic_value(r)));
}

TEST_CASE("a dropped sample frame is reported as lost frames and rows", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  link.hello(2000);
  int samples_seen = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) { return !(frame_type(f) == TML_MSG_SAMPLES && ++samples_seen == 2); };
  const size_t per_message = board.device.rows_per_message;
  const auto rec = tml::capture::record_framed(link, per_message * 4, 2000);
  CHECK_FALSE(rec.complete());
  CHECK(rec.figures.lost_frames == 1);
  CHECK(rec.figures.lost_rows == per_message);
  CHECK(rec.figures.rows == per_message * 3);
  CHECK(std::isnan(rec.values[per_message * 3]));  // the hole is marked, never filled with made-up data
}

TEST_CASE("a corrupted byte is caught as a CRC error and the frame is not used", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  link.hello(2000);
  int samples_seen = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) {
    if (frame_type(f) == TML_MSG_SAMPLES && ++samples_seen == 1) f[f.size() / 2] ^= 0x10;
    return true;
  };
  const size_t per_message = board.device.rows_per_message;
  const auto rec = tml::capture::record_framed(link, per_message * 3, 2000);
  CHECK(rec.figures.crc_errors + rec.figures.rejected == 1);
  CHECK(rec.figures.lost_frames == 1);
  CHECK(rec.figures.lost_rows == per_message);
  CHECK_FALSE(rec.complete());
}

TEST_CASE("a board that never answers gives a clear error", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  t.silent = true;
  tml::link::BoardLink link(t);
  try {
    link.hello(500);
    FAIL("hello should have thrown");
  } catch (const tml::Error& e) {
    CHECK(std::string(e.what()).find("no answer from a tml board on loopback") != std::string::npos);
  }
}

TEST_CASE("a stream that stalls ends the sample as incomplete with its missing rows counted", "[link]") {
  FakeBoard board;
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  link.hello(2000);
  int samples_seen = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) { return !(frame_type(f) == TML_MSG_SAMPLES && ++samples_seen > 1) && frame_type(f) != TML_MSG_SESSION; };
  const size_t per_message = board.device.rows_per_message;
  const auto rec = tml::capture::record_framed(link, per_message * 5, 300);
  CHECK_FALSE(rec.complete());
  CHECK(rec.figures.rows == per_message);
  CHECK(rec.figures.lost_rows == per_message * 4);
  REQUIRE(rec.values.size() == per_message * 5 * 3);
  CHECK(std::isnan(rec.values.back()));
}
