// Regression against a PyTorch peer (bench/peer_torch_regress.py) on a real dataset: from a 0.5 s window
// (52 rows, 3 axes) of the shipped gestures (datasets/gestures-ei, 104 Hz), predict the mean of accx over
// the next 10 rows (0.1 s ahead). Both sides use the same windows (stride 13), the same target (each
// recording's last 10 rows dropped: they have no future), the same standardisation, model (the conv1d or
// dense preset with one linear output), loss (MSE on the standardised target) and schedule (Adam 1e-3,
// batch 32, 30 epochs, one thread), seeds 1-5. Prints per run the test MAE (m/s2) and the seconds of the
// training loop, then the medians, our int8 MAE (the blob on the firmware's kernels) and the speed ratio.
//
//   build/bench/bench_regress [--model conv1d|dense|both] [--seeds N] [--epochs N] [--data EI_FOLDER] [--no-peer]
//
// The peer needs python3-torch and python3-numpy (scripts/install-deps.sh --bench); without them ours is
// measured alone.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"
#include "pipeline/recordings.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/kernels.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/train.h"

namespace fs = std::filesystem;
using namespace tml;
using bench::median;
using bench::run_command;

namespace {

constexpr int kWindow = 52, kStride = 13, kHorizon = 10;

struct Options {
  std::vector<std::string> models = {"conv1d", "dense"};
  int seeds = 5;
  int epochs = 30;
  fs::path data = fs::path(TML_SOURCE_DIR) / "datasets" / "gestures-ei";
  bool peer = true;
};

struct Run {
  double mae = 0, rmse = 0, seconds = 0, int8_mae = -1;
};

// The task's data: every recording without its last kHorizon rows, with the target "accx_next" on every
// row r: the mean of accx over rows r + 1 .. r + kHorizon (in double, as the peer computes it).
trainer::RecordingSet next_accx(const trainer::RecordingSet& raw) {
  trainer::RecordingSet set = raw;
  set.targets = {"accx_next"};
  set.target_units = {raw.units.empty() ? "" : raw.units[0]};
  set.recordings.clear();
  const size_t A = raw.axes.size();
  for (const auto& r : raw.recordings) {
    if (r.rows <= kHorizon) continue;
    trainer::Recording o = r;
    o.rows = r.rows - kHorizon;
    o.values.resize(static_cast<size_t>(o.rows) * A);
    o.targets.clear();
    for (int row = 0; row < o.rows; ++row) {
      double sum = 0;
      for (int k = 1; k <= kHorizon; ++k) sum += r.values[static_cast<size_t>(row + k) * A];
      o.targets.push_back(static_cast<float>(sum / kHorizon));
    }
    set.recordings.push_back(std::move(o));
  }
  return set;
}

Run run_ours(const trainer::RecordingSet& set, const std::string& model, int seed, const Options& o) {
  trainer::Model m;
  m.net = trainer::make_preset(model, 1, false);
  trainer::TrainOptions t;
  t.window = {kWindow, kStride};
  t.epochs = o.epochs;
  t.batch = 32;
  t.learning_rate = 1e-3f;
  t.seed = static_cast<uint64_t>(seed);
  t.threads = 1;
  t.classify = false;
  t.targets = {"accx_next"};
  const trainer::TrainResult r = trainer::train(m, set, t);
  const auto test = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Test), t.window);
  const trainer::Metrics f = trainer::evaluate(m, set, test);
  Run out{f.values[0].mae, f.values[0].rmse, r.train_seconds};
  trainer::QuantizeResult q =
      trainer::quantize(m, set, trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Train), t.window));
  trainer::Int8Model int8(q.blob);
  out.int8_mae = trainer::evaluate(int8, set, test).values[0].mae;
  return out;
}

std::optional<Run> run_peer(const Options& o, const std::string& model, int seed) {
  std::string out;
  const std::string cmd = "/usr/bin/python3 '" + (fs::path(TML_SOURCE_DIR) / "bench" / "peer_torch_regress.py").string() +
                          "' --data '" + o.data.string() + "' --model " + model + " --seed " + std::to_string(seed) +
                          " --epochs " + std::to_string(o.epochs) + " 2>/dev/null";
  if (run_command(cmd, out) != 0) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(bench::last_json_line(out));
    return Run{j.at("test_mae").get<double>(), j.at("test_rmse").get<double>(), j.at("train_s").get<double>()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return bench::option_value(argc, argv, i, "bench_regress"); };
    if (a == "--model") {
      const std::string m = next();
      o.models = m == "both" ? std::vector<std::string>{"conv1d", "dense"} : std::vector<std::string>{m};
    } else if (a == "--seeds") {
      o.seeds = std::stoi(next());
    } else if (a == "--epochs") {
      o.epochs = std::stoi(next());
    } else if (a == "--data") {
      o.data = next();
    } else if (a == "--no-peer") {
      o.peer = false;
    } else {
      std::fprintf(stderr, "usage: bench_regress [--model conv1d|dense|both] [--seeds N] [--epochs N] [--data DIR] [--no-peer]\n");
      return 2;
    }
  }
  try {
    std::string probe;
    const bool have_peer = o.peer && run_command("/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null", probe) == 0;
    const trainer::RecordingSet set = next_accx(pipeline::read_recordings(o.data));
    std::printf("regression benchmark: %s, predict the mean of accx over the next %d rows from %d rows x %zu axes "
                "(stride %d); %d epochs, batch 32, Adam 1e-3, MSE, one thread, seeds 1-%d; ours: %s kernels\n",
                o.data.string().c_str(), kHorizon, kWindow, set.axes.size(), kStride, o.epochs, o.seeds,
                trainer::kernels::kernels().isa);
    if (!have_peer) std::printf("peer: not run (%s)\n", o.peer ? "python3-torch/python3-numpy missing: scripts/install-deps.sh --bench" : "--no-peer");
    for (const auto& model : o.models) {
      std::vector<double> mae, seconds, int8, peer_mae, peer_seconds;
      for (int seed = 1; seed <= o.seeds; ++seed) {
        const Run r = run_ours(set, model, seed, o);
        mae.push_back(r.mae);
        seconds.push_back(r.seconds);
        int8.push_back(r.int8_mae);
        std::printf("  %-6s seed %d  ours: MAE %.4f (int8 %.5f), RMSE %.4f, %.2f s", model.c_str(), seed, r.mae,
                    r.int8_mae, r.rmse, r.seconds);
        if (have_peer) {
          if (const auto p = run_peer(o, model, seed)) {
            peer_mae.push_back(p->mae);
            peer_seconds.push_back(p->seconds);
            std::printf("   pytorch: MAE %.4f, RMSE %.4f, %.2f s", p->mae, p->rmse, p->seconds);
          } else {
            std::printf("   pytorch: failed");
          }
        }
        std::printf("\n");
        std::fflush(stdout);
      }
      std::printf("%-6s median  ours: MAE %.4f (int8 %.4f), %.2f s", model.c_str(), median(mae), median(int8),
                  median(seconds));
      if (!peer_mae.empty())
        std::printf("   pytorch: MAE %.4f, %.2f s   MAE ours - peer %+.4f; training %.1fx faster", median(peer_mae),
                    median(peer_seconds), median(mae) - median(peer_mae), median(peer_seconds) / median(seconds));
      std::printf("\n");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_regress: %s\n", e.what());
    return 1;
  }
  return 0;
}
