// Anomaly detection on the shipped gestures (datasets/gestures-ei, 2 s windows, stride 0.5 s), the
// held-out protocol of docs/anomaly.md: each label in turn is the anomaly, the other three are normal;
// the detector learns from the normal labels' training recordings (a fifth of them set the threshold)
// and scores the test split. Prints, per held-out label, ROC AUC, the false-alarm and detection rates at
// the threshold and the training time; with --peer, scikit-learn's KMeans distance and IsolationForest
// (bench/peer_sklearn_anomaly.py, Debian's python3-sklearn) on exactly the same features and splits, in
// the same invocation.
//
//   build/bench/bench_anomaly [--clusters K] [--far F] [--filter low|high --cutoff HZ] [--stats all|default]
//                             [--fft N] [--peaks N] [--plain] [--peer]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_util.h"
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

}  // namespace

int main(int argc, char** argv) {
  trainer::AnomalyOptions o;
  bool peer = false;
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
    else if (a == "--plain") o.per_cluster_scaling = false;
    else if (a == "--method") o.method = trainer::parse_anomaly_method(next());
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
  const auto results = pipeline::held_out_anomaly(set, spec, o);
  std::printf("%s anomaly detector, %s, spectral features (%s), threshold at %.1f %% false alarms\n",
              o.method == trainer::AnomalyMethod::kmeans ? "K-means" : "Autoencoder",
              o.method == trainer::AnomalyMethod::kmeans ? (std::to_string(o.clusters) + " clusters").c_str()
                                                         : (bench::join(o.hidden) + " hidden, " + std::to_string(o.epochs) + " epochs").c_str(),
              o.spectral.stats == TML_SPECTRAL_STATS_ALL ? "all statistics" : "defaults",
              100 * o.false_alarm_rate);
  std::printf("%-8s %7s %12s %9s %9s %9s\n", "held out", "AUC", "false alarms", "detected", "windows", "train s");
  double mean = 0;
  for (const auto& r : results) {
    std::printf("%-8s %7.3f %11.1f%% %8.1f%% %4zu/%-4zu %9.3f\n", r.anomaly.c_str(), r.auc, 100 * r.false_alarms,
                100 * r.detected, r.normal_windows, r.anomalous_windows, r.train_seconds);
    mean += r.auc / double(results.size());
  }
  std::printf("mean AUC %.3f\n", mean);
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
  return 0;
}
