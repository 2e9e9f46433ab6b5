// tml capture's steps (capture::CaptureRun) against a board in the test process: samples stored with every
// row, an incomplete sample never stored, the board's sensor switched, and options refused before any
// board is touched.
#include <catch2/catch.hpp>

#include "capture/capture_run.h"
#include "fake_board.h"
#include "loopback.h"
#include "test_support.h"
#include "tml/trainer/error.h"

using tml::test::FakeBoard;
using tml::test::LoopbackTransport;

namespace {

tml::capture::CaptureJob job_in(const tml::test::TempDir& dir, int count) {
  tml::capture::CaptureJob job;
  job.dataset = dir / "ds";
  job.label = "wave";
  job.seconds = 1;
  job.count = count;
  job.stall_ms = 2000;
  return job;
}

}  // namespace

TEST_CASE("every sample of a tml board is stored with every row", "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  tml::capture::CaptureRun run(job_in(dir, 3), t);
  CHECK(run.describe() == "Recording 3 x 1 s of 'wave' from fake-board 9.9.9 (accelerometer, 100 Hz, 3 axes)\n");
  for (int i = 0; i < 3; ++i) CHECK(run.record(i).complete());
  CHECK(run.saved() == 3);
  CHECK(run.incomplete() == 0);
  const auto ds = tml::dataset::Dataset::open(dir / "ds");
  REQUIRE(ds.samples().size() == 3);
  CHECK(ds.meta().sensor == "accelerometer");
  const auto s = ds.load(ds.samples()[2]);
  REQUIRE(s.values.size() == 300);
  for (uint32_t r = 0; r < 100; ++r) CHECK(s.values[r * 3 + 2] == FakeBoard::accel_value(r, 2));
  const std::string summary = run.summary();
  CHECK(summary.find("Saved 3 of 3 samples of 'wave'.\nFrames: ") == 0);
  CHECK(summary.find("0 lost, 0 rejected (0 CRC errors, 0 other); 0 rows missing") != std::string::npos);
  CHECK(summary.find("  wave: ") != std::string::npos);
}

TEST_CASE("a sample with a lost frame is counted and never stored", "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  int samples_seen = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) {
    return !(tml::test::frame_type(f) == TML_MSG_SAMPLES && ++samples_seen == 1);
  };
  tml::capture::CaptureRun run(job_in(dir, 2), t);
  CHECK_FALSE(run.record(0).complete());
  CHECK(run.record(1).complete());
  CHECK(run.saved() == 1);
  CHECK(run.incomplete() == 1);
  CHECK(tml::dataset::Dataset::open(dir / "ds").samples().size() == 1);
  CHECK(run.summary().find("Saved 1 of 2 samples") == 0);
}

TEST_CASE("the board records the sensor the job asks for", "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  auto job = job_in(dir, 1);
  job.sensor = "mic";
  job.seconds = 0.1;
  tml::capture::CaptureRun run(job, t);
  CHECK(run.describe().find("(microphone, 16000 Hz, 1 axes)") != std::string::npos);
  CHECK(run.record(0).rows == 1600);
  CHECK(tml::dataset::Dataset::open(dir / "ds").meta().sample_format == "i16");
}

TEST_CASE("bad capture options are refused before a board is touched", "[capture_run]") {
  tml::test::TempDir dir;
  auto refused = [&](auto change, const std::string& message) {
    auto job = job_in(dir, 1);
    change(job);
    INFO(message);
    CHECK_THROWS_WITH(tml::capture::CaptureRun::check(job), Catch::Contains(message));
  };
  refused([](auto& j) { j.split = "validation"; }, "--split must be train or test");
  refused([](auto& j) { j.count = 0; }, "--count must be at least 1");
  refused([](auto& j) { j.seconds = 0; }, "--seconds must be between 0 and 86400");
  refused([](auto& j) { j.sensor = "sonar"; }, "unknown sensor 'sonar' (accel, mic or light)");
  refused([](auto& j) { j.label = "../escape"; }, "label '../escape'");
  refused([](auto& j) { j.timestamp_unit = "h"; }, "--timestamp-unit must be ms, s or us");
  CHECK_FALSE(std::filesystem::exists(dir / "ds"));
}

TEST_CASE("a lost frame without rows costs no sample: the next sample is still complete", "[capture_run]") {
  // The session header that closes sample 1 is lost; the gap shows at sample 2's first frame.
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  int closing_sessions = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) {
    if (tml::test::frame_type(f) != TML_MSG_SESSION) return true;
    return !(++closing_sessions == 3);  // hello's, sample 1's START, sample 1's end
  };
  auto job = job_in(dir, 3);
  job.stall_ms = 500;
  tml::capture::CaptureRun run(job, t);
  for (int i = 0; i < 3; ++i) CHECK(run.record(i).complete());
  run.finish();
  CHECK(run.saved() == 3);
  const std::string summary = run.summary();
  CHECK(summary.find("Saved 3 of 3 samples") == 0);
  CHECK(summary.find(" 1 lost, ") != std::string::npos);
  CHECK(summary.find("0 rows missing") != std::string::npos);
}

TEST_CASE("a lost ACK of START is asked again and the capture goes on", "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  int acks = 0;
  bool starting = false;
  t.filter = [&](int, std::vector<uint8_t>& f) {
    // Every frame after the first START until the board's answer is lost: its ACK, session and first rows.
    if (tml::test::frame_type(f) == TML_MSG_ACK) ++acks;
    if (acks == 3) starting = true;  // STOP, HELLO, then START
    if (starting && board.starts == 1) return false;
    return true;
  };
  auto job = job_in(dir, 2);
  job.stall_ms = 300;
  tml::capture::CaptureRun run(job, t);
  CHECK(run.record(0).complete());
  CHECK(board.starts == 2);  // START was sent again
  CHECK(run.record(1).complete());
  run.finish();
  CHECK(run.saved() == 2);
  CHECK(run.summary().find("Saved 2 of 2 samples") == 0);
}

TEST_CASE("a sample whose last frames and closing session are lost is counted incomplete and the next is saved",
          "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  bool cut = true;
  int samples = 0;
  t.filter = [&](int, std::vector<uint8_t>& f) {
    // Sample 1's rows after its first two frames never arrive, nor its closing session header.
    if (!cut) return true;
    const uint8_t type = tml::test::frame_type(f);
    if (type == TML_MSG_SAMPLES) return ++samples <= 2;
    return !(type == TML_MSG_SESSION && samples >= 2);
  };
  auto job = job_in(dir, 2);
  job.stall_ms = 300;
  job.seconds = 10;  // many frames per sample
  tml::capture::CaptureRun run(job, t);
  const auto first = run.record(0);
  CHECK_FALSE(first.complete());
  CHECK(first.figures.lost_rows > 0);
  cut = false;
  CHECK(run.record(1).complete());
  run.finish();
  CHECK(run.saved() == 1);
  CHECK(run.incomplete() == 1);
  CHECK(tml::dataset::Dataset::open(dir / "ds").samples().size() == 1);
  CHECK(run.summary().find("Saved 1 of 2 samples") == 0);
}

TEST_CASE("a board that never answers START ends the capture with an error and no hang", "[capture_run]") {
  tml::test::TempDir dir;
  FakeBoard board;
  LoopbackTransport t(board);
  auto job = job_in(dir, 1);
  job.stall_ms = 200;
  tml::capture::CaptureRun run(job, t);
  t.silent = true;
  CHECK_THROWS_WITH(run.record(0), Catch::Contains("did not answer START (3 tries"));
  CHECK(run.summary().find("Saved 0 of 1 samples") == 0);
}
