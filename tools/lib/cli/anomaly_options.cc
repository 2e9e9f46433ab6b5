#include "cli/anomaly_options.h"

#include <iostream>

#include "cli/command.h"
#include "pipeline/anomaly_run.h"
#include "pipeline/json_report.h"
#include "pipeline/model_files.h"
#include "pipeline/quantize_report.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "util/atomic_file.h"

namespace tml::cli {

void add_anomaly_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("anomaly", "Anomaly detection (docs/anomaly.md): with --task anomaly the method, kmeans (distance to the nearest of K centres) or autoencoder (reconstruction error); with a classifier, kmeans adds a K-means block over its input, scored on the board with each window", cxxopts::value<std::string>())
    ("normal", "Anomaly: the labels of normal operation, comma-separated (default: every label); the others are the faults tml eval scores", cxxopts::value<std::string>())
    ("clusters", "K-means: clusters", cxxopts::value<int>()->default_value("8"))
    ("scaling", "K-means score: plain (distance to the nearest centre over the normal windows' RMS distance) or cluster (its cluster's spreads beyond its usual distance)", cxxopts::value<std::string>()->default_value("plain"))
    ("hidden", "Autoencoder: its hidden dense layers' units, comma-separated", cxxopts::value<std::string>()->default_value("64,32,64"))
    ("false-alarm", "Anomaly threshold: the share of normal validation windows allowed above it", cxxopts::value<double>()->default_value("0.01"));
  // clang-format on
}

std::optional<trainer::AnomalyOptions> anomaly_options(const cxxopts::ParseResult& r, bool required) {
  if (!r.count("anomaly") && !required) return std::nullopt;
  trainer::AnomalyOptions o;
  o.method = trainer::parse_anomaly_method(r.count("anomaly") ? r["anomaly"].as<std::string>() : "kmeans");
  o.clusters = r["clusters"].as<int>();
  if (o.clusters < 1 || o.clusters > TML_ANOMALY_MAX_CLUSTERS)
    throw UsageError("--clusters must be 1 to " + std::to_string(TML_ANOMALY_MAX_CLUSTERS));
  const std::string scaling = r["scaling"].as<std::string>();
  if (scaling != "plain" && scaling != "cluster") throw UsageError("--scaling must be plain or cluster, not '" + scaling + "'");
  o.per_cluster_scaling = scaling == "cluster";
  o.hidden.clear();
  for (const std::string& h : list_option(r, "hidden")) {
    char* end = nullptr;
    const long units = std::strtol(h.c_str(), &end, 10);
    if (*end != '\0' || units < 1 || units > 4096)
      throw UsageError("--hidden must be units 1 to 4096, comma-separated (e.g. 64,32,64), not '" +
                       r["hidden"].as<std::string>() + "'");
    o.hidden.push_back(int(units));
  }
  if (o.hidden.empty()) throw UsageError("--hidden needs at least one layer");
  o.false_alarm_rate = r["false-alarm"].as<double>();
  if (!(o.false_alarm_rate >= 0 && o.false_alarm_rate < 1)) throw UsageError("--false-alarm must be 0 to below 1");
  if (r.count("epochs")) o.epochs = r["epochs"].as<int>();
  if (r.count("lr")) o.learning_rate = r["lr"].as<float>();
  o.seed = r["seed"].as<uint64_t>();
  if (o.epochs < 1 || o.epochs > 100000) throw UsageError("--epochs must be 1 to 100000");
  return o;
}

std::vector<std::string> normal_labels(const cxxopts::ParseResult& r) {
  return list_option(r, "normal");
}

int train_anomaly_command(const cxxopts::ParseResult& r, const pipeline::TrainJob& t) {
  if (t.features != "spectral")
    throw UsageError("--task anomaly reads spectral features: add --features spectral (docs/anomaly.md)");
  if (t.out.empty() && t.header.empty()) throw UsageError("--out is required (or --header, or both)");
  if (!t.header.empty() && !trainer::is_c_identifier(t.prefix))
    throw UsageError("--prefix must be a C identifier (letters, digits, underscores), got '" + t.prefix + "'");
  pipeline::AnomalyJob job;
  job.dataset = t.dataset;
  job.window = t.window;
  job.stride = t.stride;
  job.resample_hz = t.resample_hz;
  job.options = *anomaly_options(r, true);
  job.options.spectral = t.spectral;
  job.normal = normal_labels(r);
  if (t.options.validation > 0) job.validation = t.options.validation;
  std::cerr << "Training a " << trainer::anomaly_method_name(job.options.method) << " anomaly detector on "
            << job.dataset.string() << " (spectral features, normal: "
            << (job.normal.empty() ? std::string("every label") : r["normal"].as<std::string>()) << ")\n";
  const pipeline::AnomalyTraining a = pipeline::train_anomaly(job);
  const std::string json_path = r.count("json") ? r["json"].as<std::string>() : "";
  std::ostream& human = json_path == "-" ? std::cerr : std::cout;
  human << format("Trained on %lld normal windows (%lld more set the threshold) in %.2f s: %d features, threshold %.3f\n",
                  (long long)a.qmodel.anomaly.train_windows, (long long)a.qmodel.anomaly.validation_windows, a.seconds,
                  a.detector.features, a.detector.threshold / 65536.0);
  if (a.test)
    human << "\nTest split: " << pipeline::format_anomaly_evaluation(*a.test);
  else
    human << "The dataset has no test recordings; nothing to report on held-out data.\n";
  const trainer::ModelSize size = trainer::model_size(a.qmodel.blob);
  if (!t.out.empty()) {
    pipeline::save_qmodel(a.qmodel, t.out);
    human << "Saved " << t.out.string() << " (int8 already: tml export --model " << t.out.string() << " --out model.h)\n";
  }
  if (!t.header.empty()) {
    write_file_atomic(t.header, pipeline::export_header(a.qmodel, t.out.empty() ? "tml train" : t.out.filename().string(), t.prefix));
    human << "Exported " << t.header.string() << ": " << pipeline::describe_export(a.qmodel) << "\n"
          << pipeline::format_size_report(size, pipeline::layer_names(a.qmodel, size));
  }
  if (!json_path.empty()) {
    nlohmann::json j = {{"model", t.out.string()}, {"dataset", t.dataset.string()}, {"task", "anomaly"},
                        {"method", a.qmodel.anomaly.method}, {"features", a.detector.features},
                        {"threshold", a.detector.threshold / 65536.0}, {"train_seconds", a.seconds},
                        {"train_windows", a.qmodel.anomaly.train_windows},
                        {"validation_windows", a.qmodel.anomaly.validation_windows},
                        {"flash_bytes", size.flash_bytes}, {"ram_bytes", size.arena_bytes}};
    if (a.test) j["test"] = pipeline::anomaly_evaluation_json(*a.test);
    pipeline::write_json(json_path, j);
  }
  return 0;
}

}  // namespace tml::cli
