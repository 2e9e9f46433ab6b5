// Training speed and accuracy against the peers (../shared/bench/MODELS.md): our trainer, PyTorch from
// Python (peer_torch.py) and LibTorch from C++ (peer_libtorch/, built here with cmake on first use), on
// the same windows (208 rows, stride 52), model and schedule (Adam 1e-3, batch 32, 30 epochs), one
// thread each, seeds 1-3. Prints windows/s (epochs x training windows / seconds of the training loop)
// and test accuracy per run, the medians, and our ratio to the faster peer.
//
//   build/bench/bench_train [--model conv1d|dense|both] [--seeds N] [--epochs N] [--threads N]
//                           [--data EI_FOLDER] [--peers SHARED_BENCH_DIR] [--no-peers]
//   build/bench/bench_train --memory      peak memory against the number of windows (synthetic data)
//
// A peer that cannot run (python3-torch or libtorch-dev missing: scripts/install-deps.sh --bench) is
// reported as such; ours is measured anyway.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench_util.h"
#include "pipeline/recordings.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/kernels.h"
#include "tml/trainer/random.h"
#include "tml/trainer/train.h"

namespace fs = std::filesystem;
using namespace tml;
using bench::median;
using bench::run_command;

namespace {

struct Run {
  double windows_per_s = 0;
  double accuracy = 0;
};

struct Options {
  std::vector<std::string> models = {"conv1d", "dense"};
  int seeds = 3;
  int epochs = 30;
  int threads = 1;
  fs::path data;
  fs::path peers;
  bool run_peers = true;
};

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

std::optional<Run> parse_peer(const std::string& out) {
  try {
    const auto j = nlohmann::json::parse(bench::last_json_line(out));
    return Run{j.at("windows_per_s").get<double>(), j.at("test_accuracy").get<double>()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Run run_ours(const trainer::RecordingSet& set, const std::string& model, int seed, const Options& o) {
  trainer::Model m;
  m.net = trainer::make_preset(model, static_cast<int>(set.labels.size()));
  trainer::TrainOptions t;
  t.window = {208, 52};
  t.epochs = o.epochs;
  t.batch = 32;
  t.learning_rate = 1e-3f;
  t.seed = static_cast<uint64_t>(seed);
  t.threads = o.threads;
  const auto r = trainer::train(m, set, t);
  return Run{r.windows_per_second, trainer::evaluate(m, set, trainer::Split::Test).accuracy};
}

std::string peer_args(const Options& o, const std::string& model, int seed) {
  return " --data " + quote(o.data) + " --model " + model + " --threads 1 --seed " + std::to_string(seed) +
         " --epochs " + std::to_string(o.epochs);
}

// Builds peer_libtorch into the folder beside this program; returns its path, or empty with a reason.
fs::path build_libtorch_peer(const Options& o, std::string& why) {
  const fs::path src = o.peers / "peer_libtorch";
  const fs::path build = fs::canonical("/proc/self/exe").parent_path() / "peer_libtorch";
  const fs::path exe = build / "peer_libtorch";
  if (!fs::exists(src / "CMakeLists.txt")) {
    why = "no " + src.string() + " (give --peers DIR)";
    return {};
  }
  std::string out;
  std::printf("building the LibTorch peer in %s ...\n", build.string().c_str());
  std::fflush(stdout);
  if (run_command("cmake -S " + quote(src) + " -B " + quote(build) + " -DCMAKE_BUILD_TYPE=Release > " + quote(build.string() + ".log") +
              " 2>&1 && cmake --build " + quote(build) + " >> " + quote(build.string() + ".log") + " 2>&1",
          out) != 0 ||
      !fs::exists(exe)) {
    why = "cannot build it (libtorch-dev missing? scripts/install-deps.sh --bench; log: " + build.string() + ".log)";
    return {};
  }
  return exe;
}

void benchmark(const Options& o) {
  const auto& k = trainer::kernels::kernels();
  std::printf("training benchmark: data %s, %d epochs, batch 32, Adam 1e-3, seeds 1-%d; ours: %d thread(s), %s kernels\n",
              o.data.string().c_str(), o.epochs, o.seeds, o.threads, k.isa);
  const trainer::RecordingSet set = pipeline::read_recordings(o.data);  // as `tml train --dataset` reads it

  std::string torch_why, libtorch_why;
  bool have_torch = false;
  fs::path libtorch;
  if (o.run_peers) {
    std::string out;
    have_torch = fs::exists(o.peers / "peer_torch.py") &&
                 run_command("/usr/bin/python3 -c 'import torch, numpy' 2>/dev/null", out) == 0;
    if (!have_torch)
      torch_why = fs::exists(o.peers / "peer_torch.py") ? "python3-torch/python3-numpy missing (scripts/install-deps.sh --bench)"
                                                        : "no " + (o.peers / "peer_torch.py").string() + " (give --peers DIR)";
    libtorch = build_libtorch_peer(o, libtorch_why);
  } else {
    torch_why = libtorch_why = "not run (--no-peers)";
  }

  for (const auto& model : o.models) {
    std::map<std::string, std::vector<Run>> runs;
    for (int seed = 1; seed <= o.seeds; ++seed) {
      runs["tml"].push_back(run_ours(set, model, seed, o));
      std::string out;
      if (have_torch) {
        if (run_command("/usr/bin/python3 " + quote(o.peers / "peer_torch.py") + peer_args(o, model, seed) + " 2>/dev/null", out) == 0) {
          if (auto r = parse_peer(out)) runs["pytorch"].push_back(*r);
        } else {
          torch_why = "peer_torch.py failed";
        }
      }
      if (!libtorch.empty()) {
        if (run_command(quote(libtorch) + peer_args(o, model, seed) + " 2>/dev/null", out) == 0) {
          if (auto r = parse_peer(out)) runs["libtorch"].push_back(*r);
        } else {
          libtorch_why = "peer_libtorch failed";
        }
      }
    }
    std::printf("\n%s model\n", model.c_str());
    std::printf("  %-9s %12s %10s   %s\n", "trainer", "windows/s", "accuracy", "per seed (windows/s, accuracy)");
    double fastest_peer = 0, peer_acc = 0;
    std::string fastest_name;
    for (const char* name : {"tml", "libtorch", "pytorch"}) {
      const auto& rs = runs[name];
      if (rs.empty()) {
        std::printf("  %-9s %12s %10s   %s\n", name, "-", "-",
                    std::string(name) == "pytorch" ? torch_why.c_str() : libtorch_why.c_str());
        continue;
      }
      std::vector<double> speed, acc;
      std::string per;
      for (const auto& r : rs) {
        speed.push_back(r.windows_per_s);
        acc.push_back(r.accuracy);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%.0f, %.3f", per.empty() ? "" : "; ", r.windows_per_s, r.accuracy);
        per += buf;
      }
      std::printf("  %-9s %12.0f %10.4f   %s\n", name, median(speed), median(acc), per.c_str());
      if (std::string(name) != "tml" && median(speed) > fastest_peer) {
        fastest_peer = median(speed);
        peer_acc = median(acc);
        fastest_name = name;
      }
    }
    const double ours = median([&] {
      std::vector<double> v;
      for (const auto& r : runs["tml"]) v.push_back(r.windows_per_s);
      return v;
    }());
    const double our_acc = median([&] {
      std::vector<double> v;
      for (const auto& r : runs["tml"]) v.push_back(r.accuracy);
      return v;
    }());
    if (fastest_peer > 0) {
      std::printf("  ratio: tml / %s (the faster peer) = %.2fx windows/s; median accuracy %.4f vs %.4f\n",
                  fastest_name.c_str(), ours / fastest_peer, our_acc, peer_acc);
      for (const char* name : {"libtorch", "pytorch"})
        if (!runs[name].empty() && name != fastest_name) {
          std::vector<double> v;
          for (const auto& r : runs[name]) v.push_back(r.windows_per_s);
          std::printf("  ratio: tml / %s = %.2fx windows/s\n", name, ours / median(v));
        }
    }
  }
}

// Peak resident memory of a training run on synthetic recordings, in a child process each so that the
// peaks do not mix: the same recordings cut with smaller and smaller strides, 10^3 to 10^5 windows.
long child_peak_kb(int stride) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    trainer::RecordingSet set;
    set.labels = {"a", "b", "c", "d"};
    set.axes = {"x", "y", "z"};
    set.units = {"", "", ""};
    set.rate_hz = 104;
    trainer::Rng rng(1);
    for (int i = 0; i < 100; ++i) {
      trainer::Recording r;
      r.id = "r" + std::to_string(i);
      r.label = i % 4;
      r.rows = 1208;
      for (int v = 0; v < r.rows * 3; ++v) r.values.push_back(rng.uniform(-1, 1) + static_cast<float>(r.label));
      set.recordings.push_back(std::move(r));
    }
    trainer::Model m;
    m.net = trainer::make_preset("conv1d", 4);
    trainer::TrainOptions t;
    t.window = {208, stride};
    t.epochs = 1;
    const auto res = trainer::train(m, set, t);
    std::printf("  stride %4d: %7lld windows, %6.2f s", stride, static_cast<long long>(res.train_windows), res.train_seconds);
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  return ru.ru_maxrss;
}

void memory() {
  std::printf("peak memory against window count: 100 synthetic recordings of 1208 rows x 3 axes (1.4 MB), conv1d, "
              "batch 32, one epoch\n");
  for (int stride : {1000, 100, 10, 1}) {
    const long kb = child_peak_kb(stride);
    std::printf(", peak RSS %.1f MB\n", kb / 1024.0);
  }
  std::printf("(the window list takes 12 B per window; copied windows would take 208 x 3 x 4 B = 2.4 KB each, "
              "244 MB at 10^5)\n");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  const fs::path src = TML_SOURCE_DIR;
  o.peers = src / ".." / "shared" / "bench";
  o.data = fs::exists(src / "datasets" / "gestures-ei") ? src / "datasets" / "gestures-ei"
                                                        : src / ".." / "shared" / "datasets" / "xiao-nrf54-gestures-ei";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&] { return bench::option_value(argc, argv, i, "bench_train"); };
    if (a == "--memory") {
      memory();
      return 0;
    } else if (a == "--model") {
      const std::string m = value();
      o.models = m == "both" ? std::vector<std::string>{"conv1d", "dense"} : std::vector<std::string>{m};
    } else if (a == "--seeds") {
      o.seeds = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--epochs") {
      o.epochs = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--threads") {
      o.threads = std::max(1, std::atoi(value().c_str()));
    } else if (a == "--data") {
      o.data = value();
    } else if (a == "--peers") {
      o.peers = value();
    } else if (a == "--no-peers") {
      o.run_peers = false;
    } else {
      std::fprintf(stderr, "usage: bench_train [--model conv1d|dense|both] [--seeds N] [--epochs N] [--threads N] "
                           "[--data EI_FOLDER] [--peers DIR] [--no-peers] | --memory\n");
      return 2;
    }
  }
  try {
    o.peers = fs::weakly_canonical(o.peers);
    o.data = fs::weakly_canonical(o.data);
    benchmark(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
