// tml run's loop (pipeline::LiveRun) against a board in the test process running a model: every prediction
// checked against the host's run of the same blob, the summary, and the boards it refuses.
#include <catch2/catch.hpp>

#include "fake_board.h"
#include "link/board_link.h"
#include "loopback.h"
#include "pipeline/live_run.h"
#include "reference_models.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/model_header.h"

using tml::test::FakeBoard;
using tml::test::LoopbackTransport;

namespace {

// The header the board was flashed with, as tml run reads it.
tml::trainer::ExportedHeader header_of(const std::vector<uint8_t>& blob) {
  tml::trainer::HeaderInfo info;
  info.sensor = TML_SENSOR_ACCEL;
  info.rate_millihz = 100000;
  info.stride_rows = 52;
  info.axes = {"ax", "ay", "az"};
  return tml::trainer::parse_model_header(tml::trainer::model_header(blob, info), "model.h");
}

}  // namespace

TEST_CASE("every prediction of the board is the host's bit for bit", "[live_run]") {
  const auto blob = tml::trainer::write_model_blob(tml::test::conv1d_model(3));
  FakeBoard board;
  board.attach_model(blob, 52);
  REQUIRE(board.init_status == TML_OK);
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  tml::pipeline::LiveOptions o;
  o.model = header_of(blob);
  o.model_path = "model.h";
  o.verify = true;
  o.seconds = 10.4;  // 1040 rows: windows of 208 rows every 52
  tml::pipeline::LiveRun run(link, o);
  CHECK(run.session().device() == "fake-board 9.9.9");
  CHECK(run.labels() == std::vector<std::string>{"idle", "snake", "updown", "wave"});
  int seen = 0;
  run.run(nullptr, [&](const tml::pipeline::LivePrediction& p) {
    CHECK(p.first_index == static_cast<uint32_t>(52 * seen++));
    CHECK(p.scores.size() == 4);
  });
  const auto s = tml::pipeline::summarize(run);
  CHECK(s.predictions == 17);
  CHECK(seen == 17);
  CHECK(s.checked == 17);
  CHECK(s.identical == 17);
  CHECK(s.lost_rows == 0);
  CHECK(s.cost_unit == "us");
  const std::string text = tml::pipeline::format_summary(run, s);
  CHECK(text.find("17 predictions; cost per inference 0 (min 0, max 0) us") != std::string::npos);
  CHECK(text.find("Board vs host: 17 of 17 windows identical (scores bit for bit)") != std::string::npos);
  const auto j = tml::pipeline::live_json(run, s);
  CHECK(j["summary"]["identical"] == 17);
  CHECK(j["predictions"].size() == 17);
  CHECK(j["predictions"][0]["host_agrees"] == true);
}

TEST_CASE("a board without the model or without any is refused with what it runs", "[live_run]") {
  const auto blob = tml::trainer::write_model_blob(tml::test::conv1d_model(3));
  {
    FakeBoard board;
    LoopbackTransport t(board);
    tml::link::BoardLink link(t);
    tml::pipeline::LiveOptions o;
    o.flash_hint = "sim";
    CHECK_THROWS_WITH(tml::pipeline::LiveRun(link, o),
                      Catch::Contains("runs no model; put one on it with: tml flash --board sim --model MODEL.h"));
  }
  FakeBoard board;
  board.attach_model(tml::trainer::write_model_blob(tml::test::conv1d_model(4)), 52);
  LoopbackTransport t(board);
  tml::link::BoardLink link(t);
  tml::pipeline::LiveOptions o;
  o.model = header_of(blob);
  o.model_path = "model.h";
  CHECK_THROWS_WITH(tml::pipeline::LiveRun(link, o),
                    Catch::Contains("not " + tml::hex32(o.model->hash) + " from model.h; flash it first"));
}

TEST_CASE("verifying needs the model and time runs forward", "[live_run]") {
  tml::pipeline::LiveOptions o;
  o.verify = true;
  CHECK_THROWS_AS(tml::pipeline::LiveRun::check(o), tml::UsageError);
  o.verify = false;
  o.seconds = -1;
  CHECK_THROWS_WITH(tml::pipeline::LiveRun::check(o), Catch::Contains("--seconds must not be negative"));
}

TEST_CASE("a window's true class is the recording it lies in", "[live_run]") {
  const std::vector<tml::emulator::SimSetup::Segment> timeline = {{"circle", 100}, {"idle", 100}};
  const std::vector<std::string> labels = {"circle", "idle"};
  CHECK(tml::pipeline::truth_of(timeline, labels, 0, 50) == 0);
  CHECK(tml::pipeline::truth_of(timeline, labels, 60, 50) == -1);  // spans both
  CHECK(tml::pipeline::truth_of(timeline, labels, 100, 50) == 1);
  CHECK(tml::pipeline::truth_of(timeline, labels, 250, 50) == 0);  // the replay repeats
  CHECK(tml::pipeline::truth_of(timeline, {"wave"}, 0, 50) == -1);
  CHECK(tml::pipeline::truth_of({}, labels, 0, 50) == -1);
}

TEST_CASE("detections are scored against the replayed clips as hits and misses and false alarms", "[live][detect]") {
  using tml::emulator::SimSetup;
  using tml::pipeline::LiveDetection;
  // yes, _silence_, no, yes: one-second clips at 16 kHz, streamed once (64,000 rows).
  const std::vector<SimSetup::Segment> timeline = {{"yes", 16000}, {"_silence_", 16000}, {"no", 16000}, {"yes", 16000}};
  const std::vector<std::string> labels = {"_silence_", "no", "yes"};
  const std::vector<LiveDetection> d = {
      {16000, 2, 200, 3},  // yes at the first clip's end: a hit, latency 0
      {24000, 1, 180, 3},  // "no" during the silence, before "no" starts: a false alarm
      {56000, 1, 190, 3},  // "no" half a second after its end: a hit
  };
  const auto s = tml::pipeline::score_detections(timeline, labels, d, 64000 + 16000, 16000, 16000);
  CHECK(s.events == 3);  // the silence is a background
  CHECK(s.hits == 2);
  CHECK(s.misses == 1);  // the second "yes"
  CHECK(s.false_alarms == 1);
  CHECK(s.mean_latency_s == Approx(0.25));
  CHECK(s.false_alarms_per_hour == Approx(1 / (80000.0 / 16000 / 3600)));
  CHECK(s.per_label.at("yes") == std::pair<int, int>{1, 2});
}
