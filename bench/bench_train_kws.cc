// Training speed of the keyword-spotting model (the dscnn preset, MODELS.md) on [49][10] inputs, 12
// classes, batch 64, Adam 1e-3, one thread by default -- the peer's shape and schedule (peer_kws.py,
// 1,500-2,300 clips/s measured on these machines). The inputs are random (labels random too), as many as
// kws-gsc-v2-12's training split (1,436 clips): until the audio front end lands this measures the trainer
// alone, through the same train() that `tml train` runs (window gathering and normalisation included).
//
//   build/bench/bench_train_kws [--clips N] [--epochs N] [--threads N] [--seeds N] [--profile] [--peer]
//   build/bench/bench_train_kws --data [DIR] [--augment N] [--peer] [--board] ...
//
// With --data (default DIR: <shared>/datasets/kws-gsc-v2-12), the real clips instead: `tml train
// --features mfcc --model dscnn` as a library call -- MFCC features of every clip by the firmware's front
// end (timed), training (clips/s of the original clips, as the peer counts them), float test accuracy,
// then int8 quantization (calibrated on the training clips) and the int8 test accuracy on the firmware's
// kernels; per seed and the median, beside the peer's clips/s and accuracy from the same invocation.
//
// Prints clips/s (epochs x clips / seconds of the training loop) per seed and the median; with
// --profile, the CPU time of each layer's forward and backward pass on one batch (mean of 50 batches);
// with --peer, also runs the PyTorch peer (<shared>/bench/peer_kws.py, one thread, the same epochs and
// seeds) on kws-gsc-v2-12's real clips in the same invocation and prints the ratio. The peer's speed does
// not depend on what the clips hold, nor does ours: the shapes, batch and schedule are the same. With
// --board, the emulated Cortex-M4's figures of the same invocation (bench_kernels --kws, beside this
// program): instructions per feature frame, per inference and per second of audio listening
// continuously, the share of a 120 MHz M4, and flash and RAM of front end plus model, against the goals.
//
//   build/bench/bench_train_kws --data --peer --board     # the whole keyword-spotting comparison
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_util.h"
#include "pipeline/recordings.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/feature_set.h"
#include "tml/trainer/quantize.h"
#include "tml/trainer/batchnorm.h"
#include "tml/trainer/kernels.h"
#include "tml/trainer/loss.h"
#include "tml/trainer/random.h"
#include "tml/trainer/sequential.h"
#include "tml/trainer/train.h"

using namespace tml;
using bench::median;

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

struct PeerRun {
  double clips_per_s = -1, accuracy = -1;
};

std::filesystem::path shared_dir() {
  namespace fs = std::filesystem;
  // The build machines' shared folder: $TML_SHARED_DIR, else ../shared beside the checkout, else /work/shared.
  fs::path shared = fs::path(TML_SOURCE_DIR).parent_path() / "shared";
  if (const char* env = std::getenv("TML_SHARED_DIR")) shared = env;
  if (!fs::is_directory(shared)) shared = "/work/shared";
  return shared;
}

// The peer's clips/s and test accuracy for one seed; clips_per_s negative when it cannot run (the reason
// on stderr).
PeerRun run_peer(int epochs, int seed) {
  namespace fs = std::filesystem;
  const fs::path shared = shared_dir();
  const fs::path script = shared / "bench" / "peer_kws.py", data = shared / "datasets" / "kws-gsc-v2-12";
  if (!fs::exists(script) || !fs::exists(data)) {
    std::fprintf(stderr, "peer: no %s or %s\n", script.c_str(), data.c_str());
    return {};
  }
  const std::string cmd = "/usr/bin/python3 '" + script.string() + "' --train '" + (data / "training").string() +
                          "' --test '" + (data / "testing").string() + "' --threads 1 --epochs " +
                          std::to_string(epochs) + " --seed " + std::to_string(seed) + " 2>/dev/null";
  std::string out;
  if (bench::run_command(cmd, out) != 0) {
    std::fprintf(stderr, "peer: peer_kws.py failed (python3-torch, python3-torchaudio: scripts/install-deps.sh --bench)\n");
    return {};
  }
  try {
    const auto j = nlohmann::json::parse(bench::last_json_line(out));
    return {j.at("clips_per_s").get<double>(), j.at("test_accuracy").get<double>()};
  } catch (const std::exception&) {
    return {};
  }
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

// `tml train --features mfcc --model dscnn` then `tml quantize` on the real clips, as library calls.
void real_clips(const std::filesystem::path& data, int epochs, int threads, int seeds, int augment, bool peer) {
  const double r0 = cpu_seconds();
  const trainer::RecordingSet raw = pipeline::read_recordings(data);
  const double read_s = cpu_seconds() - r0;
  const trainer::FrontEnd fe = trainer::FrontEnd::audio({});
  size_t train_clips = 0;
  for (const auto& r : raw.recordings) train_clips += r.split == trainer::Split::Train;
  std::printf("dscnn on %s: %zu clips (%zu training), %zu labels, MFCC [%d][%d] (read in %.2f s)\n", data.c_str(),
              raw.recordings.size(), train_clips, raw.labels.size(), fe.out_time(), fe.out_channels(), read_s);
  std::printf("batch %d, Adam 1e-3, %d epochs, %d thread(s), %s kernels, %d augmented copies per training clip\n",
              kBatch, epochs, threads, trainer::kernels::kernels().isa, augment);
  std::vector<double> speeds, floats, int8s;
  for (int seed = 1; seed <= seeds; ++seed) {
    trainer::AugmentOptions a;
    a.copies = augment;
    a.seed = static_cast<uint64_t>(seed);
    const auto f0 = std::chrono::steady_clock::now();
    const trainer::RecordingSet set = trainer::feature_set(fe, raw, 16000, a);
    const double feature_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - f0).count();
    trainer::Model m;
    m.net = trainer::make_preset("dscnn", static_cast<int>(raw.labels.size()));
    trainer::TrainOptions t;
    t.window = {fe.out_time(), fe.out_time()};
    t.epochs = epochs;
    t.batch = kBatch;
    t.seed = static_cast<uint64_t>(seed);
    t.threads = threads;
    const auto r = trainer::train(m, set, t);
    m.front_end.section = fe.section();
    m.front_end.stride = 16000;
    m.front_end.axes = {trainer::Axis{raw.axes[0], ""}};
    const double clips_s = double(epochs) * double(train_clips) / r.train_seconds;
    const auto test = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Test), t.window);
    const auto train_windows = trainer::make_windows(set, trainer::recordings_of(set, trainer::Split::Train), t.window);
    trainer::QuantizeResult q = trainer::quantize(m, set, train_windows);
    const trainer::Comparison c = trainer::compare(m, q, set, test);
    speeds.push_back(clips_s);
    floats.push_back(c.float_metrics.accuracy);
    int8s.push_back(c.int8_metrics.accuracy);
    std::printf("  seed %d: features %.2f s (%zu windows, all cores), training %.2f s = %.0f clips/s (%.0f windows/s), "
                "test accuracy float %.3f, int8 %.3f (%zu test clips)\n",
                seed, feature_s, set.recordings.size(), r.train_seconds, clips_s, r.windows_per_second,
                c.float_metrics.accuracy, c.int8_metrics.accuracy, test.size());
  }
  std::printf("median: %.0f clips/s, test accuracy float %.3f, int8 %.3f (the peer's median float accuracy in "
              "MODELS.md: 0.728)\n",
              median(speeds), median(floats), median(int8s));
  if (!peer) return;
  std::vector<double> ps, pa;
  for (int seed = 1; seed <= seeds; ++seed) {
    const PeerRun p = run_peer(epochs, seed);
    if (p.clips_per_s < 0) break;
    ps.push_back(p.clips_per_s);
    pa.push_back(p.accuracy);
    std::printf("  peer seed %d: %.0f clips/s, test accuracy %.3f\n", seed, p.clips_per_s, p.accuracy);
  }
  if (!ps.empty())
    std::printf("peer (PyTorch + torchaudio, one thread, same invocation) median %.0f clips/s, accuracy %.3f: "
                "tml / peer = %.2fx the clips/s, int8 accuracy %+.3f\n",
                median(ps), median(pa), median(speeds) / median(ps), median(int8s) - median(pa));
}

// The board's side of keyword spotting: bench_kernels --kws (the same build's), its continuous-listening
// summary printed here. Returns its exit status.
int board_figures() {
  const std::filesystem::path exe = std::filesystem::canonical("/proc/self/exe").parent_path() / "bench_kernels";
  std::string out;
  const int status = bench::run_command("'" + exe.string() + "' --kws 2>&1", out);
  const auto at = out.find("Keyword spotting listening continuously");
  if (status != 0 || at == std::string::npos) {
    std::fprintf(stderr, "board: %s --kws failed (status %d):\n%s", exe.c_str(), status, out.c_str());
    return 1;
  }
  std::printf("\nOn the emulated Cortex-M4 (%s --kws; its full tables there):\n\n%s", exe.c_str(), out.c_str() + at);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int clips = 1436, epochs = 30, threads = 1, seeds = 3, augment = 0;
  bool do_profile = false, do_peer = false, do_board = false;
  std::string data;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() {
      return std::max(1, std::atoi(bench::option_value(argc, argv, i, "bench_train_kws").c_str()));
    };
    if (a == "--clips")
      clips = value();
    else if (a == "--epochs")
      epochs = value();
    else if (a == "--threads")
      threads = value();
    else if (a == "--seeds")
      seeds = value();
    else if (a == "--augment")
      augment = value();
    else if (a == "--data")
      data = i + 1 < argc && argv[i + 1][0] != '-' ? argv[++i] : (shared_dir() / "datasets" / "kws-gsc-v2-12").string();
    else if (a == "--profile")
      do_profile = true;
    else if (a == "--peer")
      do_peer = true;
    else if (a == "--board")
      do_board = true;
    else {
      std::fprintf(stderr,
                   "usage: bench_train_kws [--clips N] [--epochs N] [--threads N] [--seeds N] [--profile] [--peer] [--board]\n"
                   "       bench_train_kws --data [DIR] [--augment N] [--epochs N] [--threads N] [--seeds N] [--peer] [--board]\n");
      return 2;
    }
  }
  try {
    if (!data.empty()) {
      real_clips(data, epochs, threads, seeds, augment, do_peer);
      return do_board ? board_figures() : 0;
    }
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
        const double r = run_peer(epochs, seed).clips_per_s;
        if (r < 0) break;
        peer.push_back(r);
        std::printf("  peer seed %d: %.0f clips/s\n", seed, r);
      }
      if (!peer.empty())
        std::printf("peer (PyTorch, one thread, same invocation) median %.0f clips/s: tml / peer = %.2fx\n",
                    median(peer), ours / median(peer));
    }
    if (do_profile) profile(50);
    if (do_board) return board_figures();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train_kws: %s\n", e.what());
    return 1;
  }
  return 0;
}
