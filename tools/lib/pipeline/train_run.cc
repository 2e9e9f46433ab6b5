#include "pipeline/train_run.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "pipeline/anomaly_run.h"
#include "pipeline/json_report.h"
#include "pipeline/model_files.h"
#include "pipeline/quantize_report.h"
#include "pipeline/recordings.h"
#include "tml/trainer/architecture.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/resample.h"
#include "util/atomic_file.h"
#include "util/utc_time.h"

namespace tml::pipeline {
namespace {

std::vector<std::string> value_names(const trainer::Model& m) {
  std::vector<std::string> out;
  for (const auto& v : m.values) out.push_back(v.name);
  return out;
}

// What can be checked before any data is read: `options` gets the optimizer and the thread count. Returns
// the architecture file's text ("" for a preset).
std::string check_job(const TrainJob& job, trainer::TrainOptions& options) {
  if (job.out.empty() && job.header.empty()) throw UsageError("--out is required (or --header, or both)");
  if (job.optimizer != "adam" && job.optimizer != "sgd") throw UsageError("--optimizer must be adam or sgd");
  options.optimizer = job.optimizer == "adam" ? trainer::OptimizerKind::Adam : trainer::OptimizerKind::Sgd;
  if (job.threads != "auto") {
    char* end = nullptr;
    const long n = std::strtol(job.threads.c_str(), &end, 10);
    if (job.threads.empty() || *end != '\0' || n < 1 || n > 256)
      throw UsageError("--threads must be 'auto' or 1 to 256");
    options.threads = static_cast<int>(n);
  }
  trainer::check_options(options);
  if (job.task != "classify" && job.task != "regression" && job.task != "multi")
    throw UsageError("--task must be classify, regression or multi, got '" + job.task + "'");
  if (!job.features.empty() && job.features != "mfcc" && job.features != "mfe" && job.features != "spectral")
    throw UsageError("--features must be mfcc, mfe or spectral, got '" + job.features + "'");
  if (job.augment.copies && job.features.empty())
    throw UsageError("--augment needs a front end (--features): augmentation works on the raw windows");
  if (job.augment.copies < 0 || job.augment.copies > 100) throw UsageError("--augment must be 0 to 100 copies");
  if (job.resample_hz && !(*job.resample_hz > 0 && std::isfinite(*job.resample_hz)))
    throw UsageError("--resample must be a positive number of Hz");
  if (job.anomaly && job.anomaly->method != trainer::AnomalyMethod::kmeans)
    throw UsageError("--anomaly " + std::string(trainer::anomaly_method_name(job.anomaly->method)) +
                     " makes a detector of its own: use --task anomaly; a classifier carries --anomaly kmeans");
  if (job.anomaly && job.header.empty())
    throw UsageError("--anomaly kmeans is added to a classifier when it is quantized: give --header too (or "
                     "run tml quantize --anomaly kmeans on the saved model)");
  if (!job.header.empty() && !trainer::is_c_identifier(job.prefix))  // should not cost a training run
    throw UsageError("--prefix must be a C identifier (letters, digits, underscores), got '" + job.prefix + "'");
  if (trainer::is_preset(job.architecture)) return "";
  if (!std::filesystem::exists(job.architecture))
  {
    std::string presets;
    for (const auto& name : trainer::preset_names()) presets += (presets.empty() ? "" : ", ") + name;
    throw UsageError("--model '" + job.architecture + "' is neither a preset (" + presets +
                     ") nor an existing architecture file");
  }
  return read_file(job.architecture);
}

std::vector<float> class_weights(const std::string& text, const trainer::RecordingSet& set,
                                 const trainer::WindowSpec& window) {
  if (text.empty()) return {};
  if (text == "balanced") return trainer::balanced_class_weights(set, window);
  std::vector<float> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const float w = std::strtof(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !(w > 0.0f) || !std::isfinite(w))
      throw UsageError("--class-weights must be 'balanced' or positive numbers separated by commas, got '" + text +
                       "'");
    out.push_back(w);
  }
  if (out.size() != set.labels.size())
    throw UsageError("--class-weights has " + std::to_string(out.size()) + " weights but there are " +
                     std::to_string(set.labels.size()) + " labels (" + join(set.labels) + ")");
  return out;
}

// The heads the job asks for, on this data: options.classify and options.targets.
void choose_heads(const TrainJob& job, const trainer::RecordingSet& set, trainer::TrainOptions& options) {
  std::vector<std::string> targets;
  bool classify = job.task != "regression";
  if (job.heads.empty()) {
    if (job.task != "classify") targets = set.targets;
  } else {
    classify = false;
    std::stringstream ss(job.heads);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item == "class")
        classify = true;
      else if (!item.empty())
        targets.push_back(item);
      else
        throw UsageError("--heads has an empty item: '" + job.heads + "'");
    }
    const char* want = targets.empty() ? "classify" : classify ? "multi" : "regression";
    if (job.task != "classify" && job.task != want)
      throw UsageError("--heads " + job.heads + " is a " + want + " model, not --task " + job.task);
  }
  if (job.task != "classify" && targets.empty())
    throw Error("--task " + job.task + " needs numeric targets, and " + job.dataset.string() +
                " has none: import with --target-column NAME, or give samples \"targets\" in the manifest "
                "(datasets/README.md)");
  options.classify = classify;
  options.targets = targets;
}

}  // namespace

void TrainRun::apply_front_end() {
  const int window = options_.window.length;
  if (window > 65535) throw UsageError("--window: a front end reads at most 65,535 rows");
  std::optional<trainer::FrontEnd> fe;
  try {
    if (job_.features == "spectral") {
      trainer::SpectralConfig c = job_.spectral;
      c.sample_rate = set_.rate_hz;
      c.window_rows = window;
      c.axes = set_.axis_count();
      fe.emplace(trainer::FrontEnd::spectral(c));
    } else {
      trainer::AudioFrontEndConfig c = job_.audio;
      c.kind = job_.features == "mfe" ? trainer::AudioFeatureKind::mfe : trainer::AudioFeatureKind::mfcc;
      c.sample_rate = set_.rate_hz;
      c.window_samples = window;
      if (!job_.frame_length.empty()) c.frame_length = trainer::parse_rows(job_.frame_length, set_.rate_hz, "--frame-length");
      if (!job_.frame_step.empty()) c.frame_step = trainer::parse_rows(job_.frame_step, set_.rate_hz, "--frame-step");
      if (set_.axis_count() != 1)
        throw UsageError("--features " + job_.features + " reads one audio channel; the data has " +
                         std::to_string(set_.axis_count()) + " axes");
      fe.emplace(trainer::FrontEnd::audio(c));
    }
  } catch (const UsageError&) {
    throw;
  } catch (const Error& e) {
    throw UsageError("--features " + job_.features + ": " + e.what());
  }
  int stride = job_.stride.empty() ? std::max(1, window / 2) : options_.window.stride;
  if (job_.features != "spectral") {
    const int hop = fe->features().record.audio.frame_step;
    if (job_.stride.empty())
      stride = std::max(hop, stride / hop * hop);
    else if (stride % hop)
      throw UsageError("--stride must be a whole number of hops (" + std::to_string(hop) + " rows) with --features " +
                       job_.features);
  }
  front_end_.section = fe->section();
  front_end_.stride = std::min(stride, window);
  for (int a = 0; a < set_.axis_count(); ++a)
    front_end_.axes.push_back(trainer::Axis{set_.axes[static_cast<size_t>(a)],
                                            static_cast<size_t>(a) < set_.units.size() ? set_.units[static_cast<size_t>(a)] : ""});
  trainer::AugmentOptions augment = job_.augment;
  augment.seed ^= options_.seed;
  set_ = trainer::feature_set(*fe, set_, front_end_.stride, augment);
  options_.window = trainer::WindowSpec{fe->out_time(), fe->out_time()};
}

TrainRun::TrainRun(TrainJob job) : job_(std::move(job)), options_(job_.options) {
  const std::string arch_text = check_job(job_, options_);
  set_ = read_recordings(job_.dataset);
  read_hz_ = set_.rate_hz;
  if (job_.resample_hz) trainer::resample_recordings(set_, *job_.resample_hz);
  options_.window.length = trainer::parse_rows(job_.window, set_.rate_hz, "--window");
  options_.window.stride = job_.stride.empty() ? std::max(1, options_.window.length / 4)
                                               : trainer::parse_rows(job_.stride, set_.rate_hz, "--stride");
  raw_recordings_ = set_.recordings.size();
  if (!job_.features.empty()) apply_front_end();
  choose_heads(job_, set_, options_);
  trainer::check_options(options_);
  if (!job_.header.empty() && options_.classify) trainer::check_blob_labels(set_.labels);
  options_.class_weights = class_weights(job_.class_weights, set_, options_.window);
  const int outputs = (options_.classify ? static_cast<int>(set_.labels.size()) : 0) +
                      static_cast<int>(options_.targets.size());
  const std::string what = (arch_text.empty() ? "preset " : "architecture file ") + job_.architecture;
  try {
    model_.net = arch_text.empty() ? trainer::make_preset(job_.architecture, outputs, options_.targets.empty())
                                   : trainer::parse_architecture(arch_text, outputs);
  } catch (const Error& e) {
    throw Error("architecture file " + job_.architecture + ": " + e.what());
  }
  trainer::check_training_input(set_, options_);  // the data before the shapes
  try {
    model_.net.build(trainer::Shape{options_.window.length, set_.axis_count()});
  } catch (const Error& e) {
    throw Error(what + ": " + e.what());
  }
  if (job_.threads == "auto") options_.threads = trainer::recommended_threads(model_.net.macs(), options_.batch);
}

std::string TrainRun::describe() const {
  const trainer::WindowSpec& w = options_.window;
  std::string heads = options_.classify ? std::to_string(set_.labels.size()) + " labels" : "", targets;
  for (const auto& t : options_.targets) targets += (targets.empty() ? "" : ", ") + t;
  if (!targets.empty()) heads += (heads.empty() ? "" : ", ") + std::string("value heads ") + targets;
  const std::string resampled = job_.resample_hz ? "Resampled " + std::to_string(set_.recordings.size()) +
                                                       " recordings from " + format("%g", read_hz_) + " Hz to " +
                                                       format("%g", *job_.resample_hz) + " Hz\n"
                                                 : "";
  std::string data = std::to_string(set_.recordings.size()) + " recordings, " + heads + ", window " + std::to_string(w.length) + " rows (" + fixed(w.length / set_.rate_hz, 2) +
                     " s), stride " + std::to_string(w.stride) + " rows";
  if (front_end_.present()) {
    const double hz = front_end_.rate_hz();
    data = std::to_string(raw_recordings_) + " recordings, " + heads + ", window " +
           std::to_string(front_end_.raw_rows()) + " rows (" + fixed(front_end_.raw_rows() / hz, 2) + " s), stride " +
           std::to_string(front_end_.stride) + " rows; " + front_end_.kind() + " front end [" + std::to_string(w.length) +
           "][" + std::to_string(set_.axis_count()) + "], " + std::to_string(set_.recordings.size()) +
           " windows of features" + (job_.augment.copies ? " (augmented training copies included)" : "");
  }
  return resampled + "Training " + job_.architecture + " on " + job_.dataset.string() + ": " + data + "\n" +
         model_.net.summary() + "  " +
         std::to_string(options_.threads) + " thread" + (options_.threads > 1 ? "s" : "") + "\n";
}

const trainer::TrainResult& TrainRun::train(const trainer::TrainCallbacks& callbacks) {
  result_ = trainer::train(model_, set_, options_, callbacks);
  model_.front_end = front_end_;
  model_.training.dataset = job_.dataset.string();
  model_.training.created = utc_now();
  model_.training.tool = "tml " TML_VERSION;
  model_.training.architecture = job_.architecture;
  return result_;
}

std::string TrainRun::describe_training() const {
  const trainer::TrainResult& r = result_;
  return "Trained " + std::to_string(r.history.size()) + " epochs on " + std::to_string(r.train_windows) +
         " windows in " + fixed(r.train_seconds, 2) + " s (" + fixed(r.windows_per_second, 0) + " windows/s)" +
         (r.stopped_early ? ", stopped early; kept epoch " + std::to_string(r.best_epoch) : "") + "\n";
}

const std::optional<trainer::Metrics>& TrainRun::evaluate_test() {
  if (!trainer::recordings_of(set_, trainer::Split::Test).empty()) {
    test_ = trainer::evaluate(model_, set_, trainer::Split::Test);
    if (model_.has_classes()) model_.training.test_accuracy = test_->accuracy;
    model_.training.test_mae = test_->mean_mae();
  }
  return test_;
}

void TrainRun::save() const { save_model(model_, job_.out); }

const QuantizeRun& TrainRun::quantize_and_export() {
  int8_ = run_quantize(model_, set_, job_.calibration, job_.out.string(), job_.dataset.string());
  if (job_.anomaly) add_kmeans_anomaly(*int8_, set_, *job_.anomaly, job_.normal);
  const std::string source = job_.out.empty() ? "tml train" : job_.out.filename().string();
  write_file_atomic(job_.header, export_header(int8_->qmodel, source, job_.prefix));
  return *int8_;
}

nlohmann::json TrainRun::report() const {
  const trainer::TrainOptions& o = options_;
  nlohmann::json weights = nlohmann::json::array();
  for (float w : o.class_weights) weights.push_back(shortest(w));
  nlohmann::json j = {{"model", job_.out.string()},
                      {"dataset", job_.dataset.string()},
                      {"architecture", job_.architecture},
                      {"params", model_.net.param_count()},
                      {"macs", model_.net.macs()},
                      {"task", model_.training.task},
                      {"labels", model_.labels},
                      {"values", value_names(model_)},
                      {"window", o.window.length},
                      {"stride", o.window.stride},
                      {"rate_hz", set_.rate_hz},
                      {"options",
                       {{"epochs", o.epochs},
                        {"batch", o.batch},
                        {"optimizer", o.optimizer == trainer::OptimizerKind::Adam ? "adam" : "sgd"},
                        {"lr", shortest(o.learning_rate)},
                        {"seed", o.seed},
                        {"validation", shortest(o.validation)},
                        {"patience", o.patience},
                        {"class_weights", weights},
                        {"threads", o.threads}}},
                      {"train_windows", result_.train_windows},
                      {"validation_windows", result_.validation_windows},
                      {"train_seconds", result_.train_seconds},
                      {"windows_per_second", result_.windows_per_second},
                      {"best_epoch", result_.best_epoch},
                      {"stopped_early", result_.stopped_early},
                      {"history", history_json(result_)}};
  if (test_) j["test"] = metrics_json(*test_);
  if (int8_) {
    j["int8"] = quantize_json(*int8_);
    j["int8"]["header"] = job_.header.string();
  }
  return j;
}

}  // namespace tml::pipeline
