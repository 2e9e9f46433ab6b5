// tml run: live predictions from a board running a model.
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/sim_options.h"
#include "link/board_link.h"
#include "link/connection.h"
#include "pipeline/model_files.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/int8_model.h"
#include "util/atomic_file.h"

namespace tml::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
void on_sigint(int) { g_interrupted = 1; }

struct Prediction {
  uint32_t first_index = 0;
  uint32_t cost = 0;
  int top = 0;
  std::vector<int8_t> scores;
  int host_agrees = -1;  // -1 not checked, 0 differs, 1 identical
  int truth = -1;        // the label of the replayed recording the window lies in (emulated board), else -1
};

// On the emulated board the stream is a known sequence of labelled recordings: the label of a window that
// lies entirely inside one of them, as an index into `labels`, or -1.
int truth_of(const std::vector<emulator::SimSetup::Segment>& timeline, const std::vector<std::string>& labels,
             uint64_t first, uint64_t window) {
  uint64_t total = 0;
  for (const auto& s : timeline) total += s.rows;
  if (total == 0 || window == 0) return -1;
  uint64_t at = first % total, start = 0;
  for (const auto& s : timeline) {
    if (at < start + s.rows) {
      if (at + window > start + s.rows) return -1;  // spans two recordings
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] == s.label) return static_cast<int>(i);
      return -1;
    }
    start += s.rows;
  }
  return -1;
}

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
    ("timeout", "Give up when the board sends nothing for this many seconds", cxxopts::value<double>()->default_value("10"))
    ("q,quiet", "Only the summary");
  // clang-format on
  add_sim_options(p.options());
  cxxopts::ParseResult r;
  if (!p.parse(argc, argv, r)) return 0;
  Parser::require(r, "port");
  const std::string port = r["port"].as<std::string>();
  const bool verify = r.count("verify") > 0;
  const bool quiet = r.count("quiet") > 0;
  const double seconds = r["seconds"].as<double>();
  const int stall_ms = static_cast<int>(r["timeout"].as<double>() * 1000);
  if (verify && !r.count("model")) throw UsageError("--verify needs --model (the header the board was flashed with)");
  if (seconds < 0) throw UsageError("--seconds must not be negative");

  std::optional<trainer::ExportedHeader> header;
  std::optional<trainer::Int8Model> host;
  if (r.count("model")) {
    header = pipeline::read_model_header(r["model"].as<std::string>());
    host.emplace(header->blob);
  }

  const auto sim = sim_setup(r, port);
  emulator::Options eo = sim ? sim->options() : emulator::Options{};
  eo.count_instructions = true;  // -icount: inference cost in exact instructions
  link::Connection conn = link::connect(port, eo);
  link::BoardLink board(*conn.transport);
  const link::Session session = board.hello();
  const std::string hash = hex32(session.model_hash);
  if (!(session.flags & TML_SESSION_FLAG_INFERENCE))
    throw Error(session.device() + " runs no model; put one on it with: tml flash --board " +
                (link::is_sim(port) ? std::string("sim") : std::string("wio-terminal --port ") + port) +
                " --model MODEL.h");
  if (header && header->hash != session.model_hash) {
    throw Error(session.device() + " runs model " + hash + ", not " + hex32(header->hash) + " from " + r["model"].as<std::string>() +
                "; flash it first");
  }
  std::vector<std::string> labels = header ? header->labels : std::vector<std::string>{};
  const uint32_t window = header ? header->window_rows : 0;
  const size_t axes = session.axes.size();
  if (verify && header->axis_count != axes) throw Error("the board streams " + std::to_string(axes) + " axes, the model wants " +
                                                        std::to_string(header->axis_count));

  tml_msg_start start{};
  start.rows = seconds > 0 ? static_cast<uint32_t>(std::llround(seconds * session.rate_hz())) : 0;
  start.flags = TML_START_PREDICT | (verify ? TML_START_SAMPLES : 0);
  signal(SIGINT, on_sigint);
  board.command(TML_MSG_START, &start, sizeof start);
  if (!quiet)
    std::cerr << "Predictions of model " << hash << " on " << session.device() << " (" << tml_sensor_name(session.sensor)
              << ", " << session.rate_hz() << " Hz)" << (verify ? ", checked against the host" : "") << ":\n";

  std::vector<Prediction> predictions;
  std::deque<size_t> waiting;   // predictions whose rows have not all arrived yet (verify)
  std::vector<float> rows;      // every row streamed (verify)
  uint64_t rows_received = 0, lost_rows = 0;
  auto label_of = [&](int i) { return i < static_cast<int>(labels.size()) ? labels[static_cast<size_t>(i)] : "class " + std::to_string(i); };
  auto check_ready = [&] {
    while (!waiting.empty()) {
      Prediction& pr = predictions[waiting.front()];
      if (rows_received < pr.first_index + window) break;
      pr.host_agrees = host->run(rows.data() + static_cast<size_t>(pr.first_index) * axes) == pr.scores ? 1 : 0;
      waiting.pop_front();
    }
  };
  bool ended = false;
  while (!ended && !g_interrupted) {
    auto m = board.receive(stall_ms);
    if (!m) throw Error("the board sent nothing for " + std::to_string(stall_ms / 1000) + " s");
    if (m->type == TML_MSG_PREDICTION) {
      tml_msg_prediction h;
      if (m->payload.size() < sizeof h) throw Error("malformed prediction message from the board");
      std::memcpy(&h, m->payload.data(), sizeof h);
      Prediction pr;
      pr.first_index = h.first_index;
      pr.cost = h.cost;
      pr.top = h.top;
      pr.scores.assign(m->payload.begin() + sizeof h, m->payload.end());
      if (sim) pr.truth = truth_of(sim->timeline(session.sensor), labels, h.first_index, window);
      if (!quiet) {
        std::printf("%8.2f s  %-10s", (h.first_index + window) / session.rate_hz(), label_of(h.top).c_str());
        for (size_t i = 0; i < pr.scores.size(); ++i)
          std::printf("  %s %.2f", label_of(static_cast<int>(i)).c_str(), (pr.scores[i] + 128) / 256.0);
        std::printf("   %s %s\n", thousands(h.cost).c_str(), h.cost_unit == 0 ? "instructions" : "us");
        std::fflush(stdout);
      }
      predictions.push_back(std::move(pr));
      if (verify) waiting.push_back(predictions.size() - 1);
    } else if (m->type == TML_MSG_SAMPLES && verify) {
      const auto b = link::parse_samples(*m, session);
      if (b.first_index != rows_received) {
        lost_rows += b.first_index - rows_received;
        rows.resize(static_cast<size_t>(b.first_index) * axes, std::nanf(""));
      }
      rows.insert(rows.end(), b.values.begin(), b.values.end());
      rows_received = b.first_index + b.count;
    } else if (m->type == TML_MSG_SESSION && !board.session()->streaming) {
      ended = true;
    } else if (m->type == TML_MSG_LOG) {
      std::cerr << "board: " << std::string(m->payload.begin(), m->payload.end()) << "\n";
    }
    if (verify) check_ready();
  }
  if (g_interrupted) {
    try {
      board.command(TML_MSG_STOP);
    } catch (const Error&) {
    }
  }
  signal(SIGINT, SIG_DFL);

  // Summary.
  std::map<int, int> counts;
  uint64_t cost_sum = 0, cost_min = UINT64_MAX, cost_max = 0;
  int agree = 0, checked = 0, known = 0, correct = 0;
  for (const auto& pr : predictions) {
    if (pr.truth >= 0) {
      ++known;
      correct += pr.truth == pr.top;
    }
    ++counts[pr.top];
    cost_sum += pr.cost;
    cost_min = std::min<uint64_t>(cost_min, pr.cost);
    cost_max = std::max<uint64_t>(cost_max, pr.cost);
    if (pr.host_agrees >= 0) {
      ++checked;
      agree += pr.host_agrees;
    }
  }
  std::cout << predictions.size() << " predictions";
  if (!predictions.empty())
    std::cout << "; cost per inference " << thousands(cost_sum / predictions.size()) << " (min " << thousands(cost_min)
              << ", max " << thousands(cost_max) << ") " << (session.board == "mps2-an386" ? "instructions" : "us");
  std::cout << "\n";
  for (const auto& [top, n] : counts) std::cout << "  " << label_of(top) << ": " << n << "\n";
  if (known)
    std::cout << "On-board accuracy: " << correct << " of " << known << " windows (" << std::fixed << std::setprecision(1)
              << 100.0 * correct / known << " %) within one replayed recording\n" << std::defaultfloat;
  if (verify)
    std::cout << "Board vs host: " << agree << " of " << checked << " windows identical (scores bit for bit)"
              << (lost_rows ? "; " + std::to_string(lost_rows) + " rows lost in transit" : "") << "\n";

  if (r.count("json")) {
    nlohmann::json j;
    j["model_hash"] = hash;
    j["device"] = session.device();
    j["cost_unit"] = session.board == "mps2-an386" ? "instructions" : "us";
    j["labels"] = labels;
    j["predictions"] = nlohmann::json::array();
    for (const auto& pr : predictions) {
      nlohmann::json e = {{"first_index", pr.first_index}, {"top", pr.top}, {"cost", pr.cost}, {"scores", pr.scores}};
      if (pr.host_agrees >= 0) e["host_agrees"] = pr.host_agrees == 1;
      if (pr.truth >= 0) e["truth"] = pr.truth;
      j["predictions"].push_back(e);
    }
    j["summary"] = {{"predictions", predictions.size()},
                    {"mean_cost", predictions.empty() ? 0 : cost_sum / predictions.size()},
                    {"min_cost", predictions.empty() ? 0 : cost_min},
                    {"max_cost", cost_max},
                    {"checked", checked},
                    {"identical", agree},
                    {"with_truth", known},
                    {"correct", correct}};
    write_file_atomic(r["json"].as<std::string>(), j.dump(1) + "\n");
  }
  if (verify && (agree != checked || checked == 0)) {
    std::cerr << "tml run: the board and the host disagree on " << (checked - agree) << " window(s)\n";
    return 1;
  }
  return 0;
}

}  // namespace tml::cli
