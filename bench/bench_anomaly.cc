// Anomaly detection on the shipped gestures (datasets/gestures-ei, 2 s windows, stride 0.5 s), the
// held-out protocol of docs/anomaly.md: each label in turn is the anomaly, the other three are normal;
// the detector learns from the normal labels' training recordings (a fifth of them set the threshold)
// and scores the test split. Prints, per held-out label, ROC AUC, the false-alarm and detection rates at
// the threshold and the training time; with --peer, scikit-learn's KMeans distance and IsolationForest
// (bench/peer_sklearn_anomaly.py, Debian's python3-sklearn) on exactly the same features and splits, in
// the same invocation.
//
// Both methods (K-means and the autoencoder) unless --method names one; --board adds their cost per window
// on the emulated Cortex-M4.
//
//   build/bench/bench_anomaly [--clusters K] [--far F] [--filter low|high --cutoff HZ] [--stats all|default]
//                             [--fft N] [--peaks N] [--cluster-scaling] [--method kmeans|autoencoder]
//                             [--hidden 64,32,64] [--epochs N] [--restarts N] [--seed S] [--peer] [--board]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_util.h"
#include "emulator/emulator.h"
#include "features_jobs.h"
#include "link/transport.h"
#include "tml/model.h"
#include "tml/trainer/blob.h"
#include "pipeline/anomaly_run.h"
#include "pipeline/recordings.h"
#include "tml/trainer/front_end.h"

using namespace tml;

namespace {

// Features of every window with its split, label and role for the peer: split,label,f0,f1,...
void write_features(const trainer::RecordingSet& set, const trainer::WindowSpec& spec,
                    const trainer::SpectralConfig& config, const std::filesystem::path& path) {
  const trainer::FrontEnd fe = trainer::FrontEnd::spectral(config);
  const auto [train, val] = trainer::split_validation(set, 0.2f, 1);
  std::ofstream out(path);
  const auto emit = [&](const std::vector<int>& recordings, const char* split) {
    for (int label = 0; label < int(set.labels.size()); ++label) {
      const std::vector<float> raw = pipeline::raw_windows(set, recordings, spec, {label});
      for (size_t w = 0; w < raw.size() / fe.input_size(); ++w) {
        const std::vector<float> f = fe.compute(&raw[w * fe.input_size()], fe.input_size());
        out << split << ',' << set.labels[size_t(label)];
        for (float v : f) out << ',' << v;
        out << '\n';
      }
    }
  };
  emit(train, "train");
  emit(val, "validation");
  emit(trainer::recordings_of(set, trainer::Split::Test), "test");
}

// The cost of scoring one window on the emulated Cortex-M4 (the front-end image, QEMU -icount shift=0:
// instructions), for each detector: the spectral front end alone, then front end + normalisation +
// network (autoencoder) + score. Flash is the blob; RAM the arena and the front end's scratch.
void board_cost(const trainer::RecordingSet& set, const trainer::WindowSpec& spec, const trainer::AnomalyOptions& base) {
  const std::filesystem::path images = std::filesystem::path(TML_BINARY_DIR) / "firmware-mps2" / "ports" / "mps2_an386";
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("tml-bench-anomaly-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::vector<int> train = trainer::recordings_of(set, trainer::Split::Train);
  const std::vector<float> normal = pipeline::raw_windows(set, train, spec, {0}, true);  // all but the first label
  const std::vector<float> window(normal.begin(), normal.begin() + long(spec.length) * set.axis_count());
  struct Job { std::string name; std::vector<uint8_t> blob; std::filesystem::path path; };
  std::vector<Job> jobs;
  const trainer::FrontEnd fe = trainer::FrontEnd::spectral(base.spectral);
  tml::test::write_job(dir / "features.job", tml::test::JobMode::features_f32, fe.section(), window, 1.0f, 4);
  for (auto method : {trainer::AnomalyMethod::kmeans, trainer::AnomalyMethod::autoencoder}) {
    trainer::AnomalyOptions o = base;
    o.method = method;
    Job j{trainer::anomaly_method_name(method), trainer::train_anomaly_detector(normal, {}, o).blob, dir / (std::string(trainer::anomaly_method_name(method)) + ".job")};
    tml::test::write_job(j.path, tml::test::JobMode::model_f32, j.blob, window, 1.0f, 4);
    jobs.push_back(j);
  }
  tml::emulator::Options options;
  options.image = images / "tml-features.elf";
  options.count_instructions = true;
  options.firmware_args.push_back("--job=" + (dir / "features.job").string());
  for (const auto& j : jobs) options.firmware_args.push_back("--job=" + j.path.string());
  tml::emulator::Emulator emu(options);
  auto link = tml::link::open_tcp("127.0.0.1", emu.port());
  const int status = emu.wait(300000);
  const auto results = tml::test::parse_jobs(emu.log());
  std::filesystem::remove_all(dir);
  if (status != 0 || results.size() != jobs.size() + 1) {
    std::printf("the front-end image did not run the jobs (status %d):\n%s\n", status, emu.log().c_str());
    return;
  }
  const auto per_window = [](const tml::test::JobResult& r) { return double(r.ticks) * 40.0 / double(r.reps); };
  const double features = per_window(results[0]);
  std::printf("\nOn the emulated Cortex-M4 (QEMU -icount shift=0, instructions per 2 s window; share of a 120 MHz M4 at a "
              "window every 0.5 s):\n");
  std::printf("| detector | front end | normalisation + network + score | total | share | flash (blob) | RAM (arena + scratch) |\n"
              "|---|---:|---:|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < jobs.size(); ++i) {
    const double total = per_window(results[i + 1]);
    const trainer::Blob b(jobs[i].blob);
    std::printf("| %s | %.0f | %.0f | %.0f | %.3f %% | %zu B | %u B |\n", jobs[i].name.c_str(), features, total - features,
                total, 100.0 * total * 2 / 120e6, jobs[i].blob.size(),
                tml_model_arena_size(&b.model()) + tml_model_features_buffer_size(&b.model()));
  }
}

void print_results(const char* what, const std::vector<pipeline::HeldOutResult>& results) {
  std::printf("%s\n%-8s %7s %12s %9s %9s %9s\n", what, "held out", "AUC", "false alarms", "detected", "windows", "train s");
  double mean = 0;
  for (const auto& r : results) {
    std::printf("%-8s %7.3f %11.1f%% %8.1f%% %4zu/%-4zu %9.3f\n", r.anomaly.c_str(), r.auc, 100 * r.false_alarms,
                100 * r.detected, r.normal_windows, r.anomalous_windows, r.train_seconds);
    mean += r.auc / double(results.size());
  }
  std::printf("mean AUC %.3f\n\n", mean);
}

}  // namespace

int main(int argc, char** argv) {
  trainer::AnomalyOptions o;
  bool peer = false, board = false, both = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&] { return bench::option_value(argc, argv, i, "bench_anomaly"); };
    if (a == "--clusters") o.clusters = std::atoi(next().c_str());
    else if (a == "--far") o.false_alarm_rate = std::atof(next().c_str());
    else if (a == "--filter") o.spectral.filter = next() == "high" ? trainer::FilterType::high_pass : trainer::FilterType::low_pass;
    else if (a == "--cutoff") o.spectral.cutoff_hz = std::atof(next().c_str());
    else if (a == "--stats") o.spectral.stats = next() == "all" ? TML_SPECTRAL_STATS_ALL : o.spectral.stats;
    else if (a == "--fft") o.spectral.fft_size = std::atoi(next().c_str());
    else if (a == "--peaks") o.spectral.peaks = std::atoi(next().c_str());
    else if (a == "--peer") peer = true;
    else if (a == "--board") board = true;
    else if (a == "--cluster-scaling") o.per_cluster_scaling = true;
    else if (a == "--method") o.method = trainer::parse_anomaly_method(next()), both = false;
    else if (a == "--hidden") o.hidden = bench::int_list(next());
    else if (a == "--epochs") o.epochs = std::atoi(next().c_str());
    else if (a == "--restarts") o.restarts = std::atoi(next().c_str());
    else if (a == "--lr") o.learning_rate = float(std::atof(next().c_str()));
    else if (a == "--seed") o.seed = std::strtoull(next().c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  const std::filesystem::path source = TML_SOURCE_DIR;
  const trainer::RecordingSet set = pipeline::read_recordings(source / "datasets" / "gestures-ei");
  const trainer::WindowSpec spec{208, 52};
  const char* stats = o.spectral.stats == TML_SPECTRAL_STATS_ALL ? "all statistics" : "defaults";
  std::printf("Spectral features (%s, %d peaks), threshold at %.1f %% false alarms on the normal validation windows\n\n",
              stats, o.spectral.peaks, 100 * o.false_alarm_rate);
  for (auto method : {trainer::AnomalyMethod::kmeans, trainer::AnomalyMethod::autoencoder}) {
    if (!both && method != o.method) continue;
    trainer::AnomalyOptions m = o;
    m.method = method;
    const std::string what = method == trainer::AnomalyMethod::kmeans
                                 ? "tml K-means, " + std::to_string(o.clusters) + " clusters, " +
                                       (o.per_cluster_scaling ? "per-cluster scaling" : "plain distance")
                                 : "tml autoencoder, hidden " + bench::join(o.hidden) + ", " + std::to_string(o.epochs) +
                                       " epochs, best of " + std::to_string(o.restarts);
    print_results(what.c_str(), pipeline::held_out_anomaly(set, spec, m));
  }
  if (peer) {
    const std::filesystem::path csv = std::filesystem::temp_directory_path() / "tml_anomaly_features.csv";
    write_features(set, spec, o.spectral, csv);
    const std::string cmd = "/usr/bin/python3 " + (source / "bench" / "peer_sklearn_anomaly.py").string() +
                            " --features " + csv.string() + " --clusters " + std::to_string(o.clusters);
    std::fflush(stdout);
    const int rc = std::system(cmd.c_str());
    std::filesystem::remove(csv);
    if (rc != 0) std::printf("the scikit-learn peer did not run (apt-get install python3-sklearn)\n");
  }
  if (board) board_cost(set, spec, o);
  return 0;
}
