// tml capture: record labelled samples from a board into a dataset.
#include <iostream>

#include "capture/capture_run.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "cli/sim_options.h"
#include "cli/text_options.h"
#include "link/connection.h"
#include "tml/trainer/error.h"

namespace tml::cli {

int cmd_capture(int argc, char** argv) {
  Parser p("capture",
           "Record labelled samples from a board (tml firmware, or any sketch printing numbers with --text) into a "
           "dataset. The board declares its sensor, axes, units and rate; lost or corrupted frames are counted and "
           "reported, and a sample with missing data is never stored.",
           "tml capture --port sim --label circle --seconds 10 --count 5 --dataset gestures/\n"
           "tml capture --port /dev/ttyACM0 --label idle --seconds 10 --dataset gestures/\n"
           "tml capture --port tcp://127.0.0.1:5555 --label noise --sensor mic --seconds 1 --count 20 --dataset kws/\n"
           "tml capture --port /dev/ttyUSB0 --text --rate 100 --axes ax,ay,az --label wave --dataset imu/");
  // clang-format off
  p.options().add_options()
    ("port", "Board: a serial port (/dev/ttyACM0, COM3), tcp://HOST:PORT, or sim (the emulated board)", cxxopts::value<std::string>())
    ("label", "Label of the recorded samples", cxxopts::value<std::string>())
    ("dataset", "Dataset folder (created if missing)", cxxopts::value<std::string>())
    ("seconds", "Length of each sample in seconds", cxxopts::value<double>()->default_value("10"))
    ("count", "Number of samples to record", cxxopts::value<int>()->default_value("1"))
    ("sensor", "Sensor to record: accel, mic or light (default: the board's)", cxxopts::value<std::string>())
    ("rate", "Sample rate in Hz: asked of a tml board; declared for --text", cxxopts::value<double>())
    ("split", "Put the samples in this split (train or test) instead of the hash-based one", cxxopts::value<std::string>())
    ("pause", "Seconds to wait between samples", cxxopts::value<double>()->default_value("0"))
    ("timeout", "Give up when the board sends nothing for this many seconds", cxxopts::value<double>()->default_value("5"))
    ("q,quiet", "No progress bar");
  // clang-format on
  add_text_options(p.options());
  add_sim_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  for (const char* o : {"port", "label", "dataset"}) Parser::require(r, o);
  const std::string port = r["port"].as<std::string>();
  capture::CaptureJob job;
  job.dataset = r["dataset"].as<std::string>();
  job.label = r["label"].as<std::string>();
  job.seconds = r["seconds"].as<double>();
  job.count = r["count"].as<int>();
  job.stall_ms = Parser::milliseconds(r, "timeout", 0.1, 86400);
  job.pause_s = r["pause"].as<double>();
  if (r.count("sensor")) job.sensor = r["sensor"].as<std::string>();
  if (r.count("rate")) job.rate_hz = r["rate"].as<double>();
  if (r.count("split")) job.split = r["split"].as<std::string>();
  text_options(r, job);
  capture::CaptureRun::check(job);
  if (link::is_sim(port) && job.text)
    throw UsageError("the emulated board speaks the tml protocol; --text is for sketches printing numbers");

  const auto sim = sim_setup(r, port);  // the emulated board replays recordings
  link::Connection conn = link::connect(port, sim ? sim->options() : emulator::Options{});
  capture::CaptureRun run(std::move(job), *conn.transport);
  std::cerr << run.describe();
  const int count = run.job().count;
  try {
    for (int i = 0; i < count; ++i) {
      ProgressBar bar(run.job().label + " " + std::to_string(i + 1) + "/" + std::to_string(count),
                      r.count("quiet") == 0);
      const capture::Recording rec = run.record(i, [&](size_t done, size_t total, const capture::Figures& f) {
        bar.update(static_cast<double>(done), static_cast<double>(total), run.figures_text(f));
      });
      bar.finish(run.figures_text(rec.figures));
    }
  } catch (const Error&) {
    // The capture stops here, but what was saved and what the link delivered are always reported.
    run.finish();
    std::cout << run.summary() << std::flush;
    throw;
  }
  run.finish();
  std::cout << run.summary();
  if (run.incomplete()) {
    std::cerr << "tml capture: " << run.incomplete() << " sample(s) had missing data and were not saved.\n";
    return 1;
  }
  return 0;
}

}  // namespace tml::cli
