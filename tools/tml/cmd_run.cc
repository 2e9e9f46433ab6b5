// tml run: live predictions from a board running a model.
#include <csignal>
#include <iostream>

#include "cli/command.h"
#include "cli/detect_options.h"
#include "cli/sim_options.h"
#include "link/board_link.h"
#include "link/connection.h"
#include "pipeline/live_run.h"
#include "pipeline/model_files.h"
#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

}  // namespace

int cmd_run(int argc, char** argv) {
  Parser p("run",
           "Show a board's live predictions: it classifies every window of its sensor stream with its own int8 "
           "kernels and reports the scores, the top label and what each inference cost (instructions on the "
           "emulated board, microseconds on hardware). With --model and --verify, the rows are streamed too and "
           "the host runs the same model on the same windows: the scores must be identical.",
           "tml run --port sim\n"
           "tml run --port sim --model gestures_model.h --verify --sim-split test --sim-fast --seconds 60\n"
           "tml run --port /dev/ttyACM0 --model gestures_model.h");
  // clang-format off
  p.options().add_options()
    ("port", "Board: a serial port, tcp://HOST:PORT, or sim (the emulated board, as last flashed)", cxxopts::value<std::string>())
    ("model", "The model header the board was flashed with: gives labels, checks the hash", cxxopts::value<std::string>())
    ("verify", "Also stream the rows and check every prediction against the host's int8 run (needs --model)")
    ("seconds", "Stop after this many seconds of sensor data (default: until Ctrl-C)", cxxopts::value<double>()->default_value("0"))
    ("json", "Write every prediction and the summary to this JSON file", cxxopts::value<std::string>())
    ("timeout", "Give up when the board sends nothing for this many seconds", cxxopts::value<double>()->default_value("10"));
  add_detect_options(p.options());
  p.options().add_options()("q,quiet", "Only the summary");
  // clang-format on
  add_sim_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "port");
  const std::string port = r["port"].as<std::string>();
  const bool quiet = r.count("quiet") > 0;
  pipeline::LiveOptions o;
  o.verify = r.count("verify") > 0;
  o.seconds = r["seconds"].as<double>();
  o.stall_ms = Parser::milliseconds(r, "timeout", 0.1, 86400);
  o.flash_hint = link::is_sim(port) ? "sim" : "wio-terminal --port " + port;
  if (r.count("model")) {
    o.model_path = r["model"].as<std::string>();
    o.model = pipeline::read_model_header(o.model_path);
  }
  o.detect = detect_options(r, o.model);
  pipeline::LiveRun::check(o);

  const auto sim = sim_setup(r, port);
  emulator::Options eo = sim ? sim->options() : emulator::Options{};
  eo.count_instructions = true;  // -icount: inference cost in exact instructions
  link::Connection conn = link::connect(port, eo);
  link::BoardLink board(*conn.transport);
  pipeline::LiveRun run(board, std::move(o));
  if (sim) run.set_timeline(sim->timeline(run.session().sensor));
  if (!quiet)
    std::cerr << "Predictions of model " << run.model_hash() << " on " << run.session().device() << " ("
              << tml_sensor_name(run.session().sensor) << ", " << run.session().rate_hz() << " Hz)"
              << (run.options().verify ? ", checked against the host" : "") << ":\n";
  run.on_detection([&](const pipeline::LiveDetection& d) {
    if (!quiet) std::cout << pipeline::format_detection(run, d) << std::flush;
  });
  std::signal(SIGINT, on_sigint);
  run.run(
      &g_interrupted,
      [&](const pipeline::LivePrediction& prediction) {
        if (!quiet) std::cout << pipeline::format_prediction(run, prediction) << std::flush;
      },
      [](const std::string& line) { std::cerr << "board: " << line << "\n"; });
  std::signal(SIGINT, SIG_DFL);

  const pipeline::LiveSummary summary = pipeline::summarize(run);
  std::cout << pipeline::format_summary(run, summary);
  if (r.count("json")) write_file_atomic(r["json"].as<std::string>(), pipeline::live_json(run, summary).dump(1) + "\n");
  if (run.options().verify && (summary.identical != summary.checked || summary.checked == 0)) {
    std::cerr << "tml run: the board and the host disagree on " << (summary.checked - summary.identical)
              << " window(s)\n";
    return 1;
  }
  return 0;
}

}  // namespace tml::cli
