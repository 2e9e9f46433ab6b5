// Training speed of the keyword-spotting model (the dscnn preset, MODELS.md) on [49][10] inputs, 12
// classes, batch 64, Adam 1e-3, one thread by default -- the peer's shape and schedule (peer_kws.py,
// 1,500-2,300 clips/s measured on these machines). The inputs are random (labels random too), as many as
// kws-gsc-v2-12's training split (1,436 clips): until the audio front end lands this measures the trainer
// alone, through the same train() that `tml train` runs (window gathering and normalisation included).
//
//   build/bench/bench_train_kws [--clips N] [--epochs N] [--threads N] [--seeds N] [--profile] [--peer]
//
// Prints clips/s (epochs x clips / seconds of the training loop) per seed and the median; with
// --profile, the CPU time of each layer's forward and backward pass on one batch (mean of 50 batches);
// with --peer, also runs the PyTorch peer (<shared>/bench/peer_kws.py, one thread, the same epochs and
// seeds) on kws-gsc-v2-12's real clips in the same invocation and prints the ratio. The peer's speed does
// not depend on what the clips hold, nor does ours: the shapes, batch and schedule are the same.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tml/trainer/architecture.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/kernels.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/random.h"
#include "tml/trainer/sequential.h"
#include "tml/trainer/train.h"

using namespace tml;

namespace {

constexpr int kFrames = 49, kCoefficients = 10, kClasses = 12, kBatch = 64;

trainer::RecordingSet random_clips(int clips, uint64_t seed) {
  trainer::RecordingSet set;
  for (int k = 0; k < kClasses; ++k) set.labels.push_back("word" + std::to_string(k));
  for (int a = 0; a < kCoefficients; ++a) {
    set.axes.push_back("mfcc" + std::to_string(a));
    set.units.push_back("");
  }
  set.rate_hz = 50;  // one feature frame every 20 ms
  trainer::Rng rng(seed);
  for (int i = 0; i < clips; ++i) {
    trainer::Recording r;
    r.id = "clip" + std::to_string(i);
    r.label = i % kClasses;
    r.rows = kFrames;
    r.values.resize(static_cast<size_t>(kFrames) * kCoefficients);
    for (auto& v : r.values) v = rng.uniform(-2.0f, 2.0f);
    set.recordings.push_back(std::move(r));
  }
  return set;
}

// The peer's clips/s for one seed, or a negative value when it cannot run (the reason on stderr).
double run_peer(int epochs, int seed) {
  namespace fs = std::filesystem;
  // The build machines' shared folder: $TML_SHARED_DIR, else ../shared beside the checkout, else /work/shared.
  fs::path shared = fs::path(TML_SOURCE_DIR).parent_path() / "shared";
  if (const char* env = std::getenv("TML_SHARED_DIR")) shared = env;
  if (!fs::is_directory(shared)) shared = "/work/shared";
  const fs::path script = shared / "bench" / "peer_kws.py", data = shared / "datasets" / "kws-gsc-v2-12";
  if (!fs::exists(script) || !fs::exists(data)) {
    std::fprintf(stderr, "peer: no %s or %s\n", script.c_str(), data.c_str());
    return -1;
  }
  const std::string cmd = "/usr/bin/python3 '" + script.string() + "' --train '" + (data / "training").string() +
                          "' --test '" + (data / "testing").string() + "' --threads 1 --epochs " +
                          std::to_string(epochs) + " --seed " + std::to_string(seed) + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (pclose(p) != 0) {
    std::fprintf(stderr, "peer: peer_kws.py failed (python3-torch, python3-torchaudio: scripts/install-deps.sh --bench)\n");
    return -1;
  }
  try {
    const auto start = out.rfind("\n{");
    const auto j = nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1));
    return j.at("clips_per_s").get<double>();
  } catch (const std::exception&) {
    return -1;
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// CPU seconds of this thread: on a shared machine a pass's own cost, not the other jobs'.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Forward and backward CPU time of every layer on one batch, as Sequential runs them.
void profile(int reps) {
  trainer::Sequential net = trainer::make_preset("dscnn", kClasses);
  net.build({kFrames, kCoefficients});
  net.init(1);
  net.reserve(kBatch);
  trainer::Rng rng(2);
  std::vector<float> x(static_cast<size_t>(kBatch) * kFrames * kCoefficients);
  for (auto& v : x) v = rng.uniform(-2.0f, 2.0f);
  const size_t n = net.size();
  std::vector<std::vector<float>> acts(n), grads(n);
  for (size_t i = 0; i < n; ++i) {
    acts[i].resize(static_cast<size_t>(net.layer(i).output_shape().size()) * kBatch);
    grads[i].resize(acts[i].size());
    for (auto& v : grads[i]) v = rng.uniform(-1.0f, 1.0f) * 1e-3f;
  }
  std::vector<double> fwd(n, 0), bwd(n, 0);
  // As Sequential runs them: a batch norm and the ReLU after it as one pass (the ReLU's line stays 0).
  const auto fused = [&](size_t i) {
    return net.layer(i).kind() == trainer::LayerKind::BatchNorm && i + 1 < n &&
           net.layer(i + 1).kind() == trainer::LayerKind::ReLU;
  };
  for (int r = 0; r < reps + 5; ++r) {
    const float* in = x.data();
    for (size_t i = 0; i < n; ++i) {
      const double t0 = cpu_seconds();
      if (fused(i)) {
        static_cast<trainer::BatchNorm&>(net.layer(i)).forward_relu(in, acts[i + 1].data(), kBatch, trainer::Mode::Train);
        if (r >= 5) fwd[i] += cpu_seconds() - t0;
        in = acts[++i].data();
        continue;
      }
      net.layer(i).forward(in, acts[i].data(), kBatch, trainer::Mode::Train);
      if (r >= 5) fwd[i] += cpu_seconds() - t0;
      in = acts[i].data();
    }
    for (size_t i = n; i-- > 0;) {
      const bool pair = i > 0 && fused(i - 1);
      const size_t first = pair ? i - 1 : i;
      const float* xi = first == 0 ? x.data() : acts[first - 1].data();
      std::vector<float> dxi(first == 0 ? 0 : acts[first - 1].size());
      const double t0 = cpu_seconds();
      if (pair)
        static_cast<trainer::BatchNorm&>(net.layer(first)).backward_relu(xi, grads[i].data(), dxi.data(), kBatch);
      else
        net.layer(i).backward(xi, acts[i].data(), grads[i].data(), first == 0 ? nullptr : dxi.data(), kBatch);
      if (r >= 5) bwd[first] += cpu_seconds() - t0;
      i = first;
    }
  }
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += fwd[i] + bwd[i];
  std::printf("\nper layer, one batch of %d (mean of %d, CPU time of this thread):\n  %-3s %-44s %10s %10s %7s\n", kBatch, reps, "#", "layer",
              "fwd us", "bwd us", "share");
  for (size_t i = 0; i < n; ++i)
    std::printf("  %-3zu %-44s %10.1f %10.1f %6.1f%%\n", i + 1, trainer::describe(net.layer(i)).c_str(),
                1e6 * fwd[i] / reps, 1e6 * bwd[i] / reps, 100.0 * (fwd[i] + bwd[i]) / total);
  std::printf("  total %.3f ms per batch: %.0f clips/s in the layers alone\n", 1e3 * total / reps,
              kBatch * reps / total);
}

}  // namespace

int main(int argc, char** argv) {
  int clips = 1436, epochs = 30, threads = 1, seeds = 3;
  bool do_profile = false, do_peer = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_train_kws: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::max(1, std::atoi(argv[++i]));
    };
    if (a == "--clips")
      clips = value();
    else if (a == "--epochs")
      epochs = value();
    else if (a == "--threads")
      threads = value();
    else if (a == "--seeds")
      seeds = value();
    else if (a == "--profile")
      do_profile = true;
    else if (a == "--peer")
      do_peer = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_train_kws [--clips N] [--epochs N] [--threads N] [--seeds N] [--profile] [--peer]\n");
      return 2;
    }
  }
  try {
    const trainer::RecordingSet set = random_clips(clips, 1);
    std::printf("dscnn training: %d random [%d][%d] clips, %d classes, batch %d, Adam 1e-3, %d epochs, %d thread(s), "
                "%s kernels\n",
                clips, kFrames, kCoefficients, kClasses, kBatch, epochs, threads, trainer::kernels::kernels().isa);
    std::vector<double> speeds;
    for (int seed = 1; seed <= seeds; ++seed) {
      trainer::Model m;
      m.net = trainer::make_preset("dscnn", kClasses);
      trainer::TrainOptions t;
      t.window = {kFrames, kFrames};
      t.epochs = epochs;
      t.batch = kBatch;
      t.learning_rate = 1e-3f;
      t.seed = static_cast<uint64_t>(seed);
      t.threads = threads;
      const double c0 = cpu_seconds();
      const auto r = trainer::train(m, set, t);
      const double cpu = cpu_seconds() - c0;
      speeds.push_back(r.windows_per_second);
      std::printf("  seed %d: %.0f clips/s (%.2f s for %d epochs; this thread's CPU time over the whole train() "
                  "call %.2f s: %.0f clips/s)\n",
                  seed, r.windows_per_second, r.train_seconds, epochs, cpu, double(epochs) * clips / cpu);
    }
    const double ours = median(speeds);
    std::printf("median %.0f clips/s: %.1fx to %.1fx the peer's 1,500-2,300 clips/s of MODELS.md (goal: 5x)\n", ours,
                ours / 2300, ours / 1500);
    if (do_peer) {
      std::vector<double> peer;
      for (int seed = 1; seed <= seeds; ++seed) {
        const double r = run_peer(epochs, seed);
        if (r < 0) break;
        peer.push_back(r);
        std::printf("  peer seed %d: %.0f clips/s\n", seed, r);
      }
      if (!peer.empty())
        std::printf("peer (PyTorch, one thread, same invocation) median %.0f clips/s: tml / peer = %.2fx\n",
                    median(peer), ours / median(peer));
    }
    if (do_profile) profile(50);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_kws: %s\n", e.what());
    return 1;
  }
  return 0;
}
