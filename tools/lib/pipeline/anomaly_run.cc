#include "pipeline/anomaly_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "tml/model.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/blob_size.h"
#include "tml/trainer/blob_writer.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/resample.h"
#include "util/utc_time.h"

namespace tml::pipeline {

std::vector<float> raw_windows(const trainer::RecordingSet& set, const std::vector<int>& recordings,
                               const trainer::WindowSpec& spec, const std::vector<int>& labels, bool exclude) {
  std::vector<int> chosen;
  for (int r : recordings) {
    const bool listed = std::find(labels.begin(), labels.end(), set.recordings[size_t(r)].label) != labels.end();
    if (listed != exclude) chosen.push_back(r);
  }
  const std::vector<trainer::Window> windows = trainer::make_windows(set, chosen, spec);
  const size_t axes = size_t(set.axis_count()), values = size_t(spec.length) * axes;
  std::vector<float> out(windows.size() * values);
  const trainer::Normalization identity{std::vector<float>(axes, 0.0f), std::vector<float>(axes, 1.0f)};
  if (!windows.empty())
    trainer::gather(set, windows.data(), nullptr, int(windows.size()), spec.length, identity, out.data(), nullptr);
  return out;
}

std::vector<HeldOutResult> held_out_anomaly(const trainer::RecordingSet& set, const trainer::WindowSpec& spec,
                                            const trainer::AnomalyOptions& options, float validation) {
  if (set.labels.size() < 2) throw Error("the held-out protocol needs at least two labels");
  const std::vector<int> test = trainer::recordings_of(set, trainer::Split::Test);
  if (test.empty()) throw Error("the dataset has no test recordings to score");
  const auto [train, val] = trainer::split_validation(set, validation, options.seed);
  std::vector<HeldOutResult> results;
  for (int held = 0; held < int(set.labels.size()); ++held) {
    HeldOutResult r;
    r.anomaly = set.labels[size_t(held)];
    const auto t0 = std::chrono::steady_clock::now();
    const trainer::AnomalyDetector d = trainer::train_anomaly_detector(raw_windows(set, train, spec, {held}, true),
                                                                     raw_windows(set, val, spec, {held}, true), options);
    r.train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.normal_scores = trainer::anomaly_scores(d.blob, raw_windows(set, test, spec, {held}, true));
    r.anomalous_scores = trainer::anomaly_scores(d.blob, raw_windows(set, test, spec, {held}));
    r.normal_windows = r.normal_scores.size();
    r.anomalous_windows = r.anomalous_scores.size();
    r.auc = trainer::roc_auc(std::vector<double>(r.normal_scores.begin(), r.normal_scores.end()),
                             std::vector<double>(r.anomalous_scores.begin(), r.anomalous_scores.end()));
    for (int32_t s : r.normal_scores) r.false_alarms += s > d.threshold ? 1.0 / double(r.normal_windows) : 0.0;
    for (int32_t s : r.anomalous_scores) r.detected += s > d.threshold ? 1.0 / double(r.anomalous_windows) : 0.0;
    results.push_back(std::move(r));
  }
  return results;
}

namespace {

std::vector<int> label_indices(const trainer::RecordingSet& set, const std::vector<std::string>& names,
                               const char* option) {
  std::vector<int> out;
  for (const std::string& n : names) {
    const auto at = std::find(set.labels.begin(), set.labels.end(), n);
    if (at == set.labels.end())
      throw UsageError(std::string(option) + ": the data has no label '" + n + "' (it has " + join(set.labels) + ")");
    out.push_back(int(at - set.labels.begin()));
  }
  return out;
}

double share_above(const std::vector<int32_t>& scores, int32_t threshold) {
  if (scores.empty()) return 0;
  size_t n = 0;
  for (int32_t s : scores) n += s > threshold;
  return double(n) / double(scores.size());
}

}  // namespace

AnomalyTraining train_anomaly(const AnomalyJob& job) {
  trainer::RecordingSet set = read_recordings(job.dataset);
  AnomalyTraining out;
  out.raw_recordings = set.recordings.size();
  if (job.resample_hz) trainer::resample_recordings(set, *job.resample_hz);
  const int window = trainer::parse_rows(job.window, set.rate_hz, "--window");
  const int stride = job.stride.empty() ? std::max(1, window / 4) : trainer::parse_rows(job.stride, set.rate_hz, "--stride");
  if (window > 65535) throw UsageError("--window: a front end reads at most 65,535 rows");
  const trainer::WindowSpec spec{window, stride};
  trainer::AnomalyOptions o = job.options;
  o.spectral.sample_rate = set.rate_hz;
  o.spectral.window_rows = window;
  o.spectral.axes = set.axis_count();
  std::vector<std::string> normal_names = job.normal.empty() ? set.labels : job.normal;
  const std::vector<int> normal = label_indices(set, normal_names, "--normal");

  const auto [train, val] = trainer::split_validation(set, job.validation, o.seed);
  const std::vector<float> train_windows = raw_windows(set, train, spec, normal);
  const std::vector<float> val_windows = raw_windows(set, val, spec, normal);
  const auto t0 = std::chrono::steady_clock::now();
  out.detector = trainer::train_anomaly_detector(train_windows, val_windows, o);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const trainer::FrontEnd fe = trainer::FrontEnd::spectral(o.spectral);
  trainer::QModel& q = out.qmodel;
  q.blob = out.detector.blob;
  q.window = fe.out_time();
  q.stride = fe.out_time();
  q.rate_hz = set.rate_hz / window;
  for (const std::string& name : fe.channel_names(set.axes)) q.axes.push_back(trainer::Axis{name, ""});
  q.sensor = set.sensor;
  q.front_end.section = fe.section();
  q.front_end.stride = std::min(stride, window);
  for (int a = 0; a < set.axis_count(); ++a)
    q.front_end.axes.push_back(trainer::Axis{set.axes[size_t(a)], size_t(a) < set.units.size() ? set.units[size_t(a)] : ""});
  const bool ae = o.method == trainer::AnomalyMethod::autoencoder;
  q.architecture = ae ? "autoencoder " + format("%d", int(o.hidden.size())) + " hidden layers" : format("kmeans %d clusters", o.clusters);
  q.dataset = job.dataset.string();
  q.created = utc_now();
  q.tool = "tml " TML_VERSION;
  q.calibration_windows = int64_t(train_windows.size() / fe.input_size());
  const trainer::Blob blob(q.blob);
  const float range = 127.0f * blob.header().input_scale;
  q.input_range = trainer::Range{-range, range};
  for (uint32_t i = 0; i < blob.header().layer_count; ++i) {
    tml_layer_record l;
    check_status(tml_model_layer(&blob.model(), i, &l), "the detector's layer");
    trainer::QLayerInfo info;
    info.kind = "fully_connected";
    info.name = i + 1 < blob.header().layer_count ? "dense+relu" : "dense";
    info.output = trainer::QuantParams{l.output_scale, l.output_zero_point};
    q.layers.push_back(info);
  }
  q.anomaly.method = trainer::anomaly_method_name(o.method);
  q.anomaly.normal = normal_names;
  q.anomaly.false_alarm_rate = o.false_alarm_rate;
  q.anomaly.clusters = ae ? 0 : o.clusters;
  if (ae) q.anomaly.hidden = o.hidden;
  q.anomaly.train_windows = q.calibration_windows;
  q.anomaly.validation_windows = int64_t(val_windows.size() / fe.input_size());
  q.validate();

  const std::vector<int> test = trainer::recordings_of(set, trainer::Split::Test);
  if (!test.empty()) out.test = evaluate_anomaly(q, set, test, default_anomalous(q, set), "test");
  return out;
}

std::vector<std::string> default_anomalous(const trainer::QModel& model, const trainer::RecordingSet& raw) {
  std::vector<std::string> out;
  for (const auto& l : raw.labels)
    if (std::find(model.anomaly.normal.begin(), model.anomaly.normal.end(), l) == model.anomaly.normal.end())
      out.push_back(l);
  return out;
}

AnomalyEvaluation evaluate_anomaly(const trainer::QModel& model, const trainer::RecordingSet& raw,
                                   const std::vector<int>& recordings, const std::vector<std::string>& anomalous,
                                   const std::string& split) {
  const trainer::Blob blob(model.blob);
  if (!blob.model().anomaly.block) throw Error("the model has no anomaly block: nothing to score");
  const bool fe = model.front_end.present();
  check_data_fits(raw, fe ? model.front_end.axes : model.axes, fe ? model.front_end.rate_hz() : model.rate_hz, model.dataset);
  const trainer::WindowSpec spec{fe ? model.front_end.raw_rows() : model.window, fe ? model.front_end.stride : model.stride};
  const std::vector<int> bad = label_indices(raw, anomalous, "--anomalous");
  // The normal side: the model's normal labels that the data has and that are not named anomalous (every
  // other label when the model does not record them).
  std::vector<int> good;
  for (int l = 0; l < int(raw.labels.size()); ++l) {
    const bool is_bad = std::find(bad.begin(), bad.end(), l) != bad.end();
    const auto& n = model.anomaly.normal;
    if (!is_bad && (n.empty() || std::find(n.begin(), n.end(), raw.labels[size_t(l)]) != n.end())) good.push_back(l);
  }
  AnomalyEvaluation e;
  e.split = split;
  e.anomalous = anomalous;
  e.threshold = blob.model().anomaly.record.threshold;
  e.normal_scores = trainer::anomaly_scores(model.blob, raw_windows(raw, recordings, spec, good));
  e.anomalous_scores = trainer::anomaly_scores(model.blob, raw_windows(raw, recordings, spec, bad));
  if (e.normal_scores.empty() && e.anomalous_scores.empty())
    throw Error("the " + split + " split has no window of " + std::to_string(spec.length) + " rows to score");
  if (!e.normal_scores.empty() && !e.anomalous_scores.empty())
    e.auc = trainer::roc_auc(std::vector<double>(e.normal_scores.begin(), e.normal_scores.end()),
                             std::vector<double>(e.anomalous_scores.begin(), e.anomalous_scores.end()));
  e.false_alarms = share_above(e.normal_scores, e.threshold);
  e.detected = share_above(e.anomalous_scores, e.threshold);
  return e;
}

std::optional<AnomalyEvaluation> evaluate_anomaly_file(const std::filesystem::path& model,
                                                       const std::filesystem::path& dataset, const std::string& split,
                                                       const std::vector<std::string>& anomalous) {
  if (model_file_format(model) != "tml-quantized-model") return std::nullopt;
  const trainer::QModel q = load_qmodel(model);
  if (!trainer::Blob(q.blob).model().anomaly.block) return std::nullopt;
  if (split != "test" && split != "train" && split != "all") throw UsageError("--split must be test, train or all");
  const trainer::RecordingSet raw = read_recordings(dataset);
  std::vector<int> recordings;
  for (int i = 0; i < int(raw.recordings.size()); ++i)
    if (split == "all" || (raw.recordings[size_t(i)].split == trainer::Split::Test) == (split == "test"))
      recordings.push_back(i);
  if (recordings.empty()) throw Error("dataset " + dataset.string() + " has no " + split + " recordings");
  return evaluate_anomaly(q, raw, recordings, anomalous.empty() ? default_anomalous(q, raw) : anomalous, split);
}

std::string format_anomaly_evaluation(const AnomalyEvaluation& e) {
  std::string s;
  const double t = e.threshold / 65536.0;
  if (e.auc >= 0)
    s += format("ROC AUC %.3f on %zu normal and %zu anomalous windows (%s)\n", e.auc, e.normal_scores.size(),
                e.anomalous_scores.size(), join(e.anomalous).c_str());
  else
    s += format("%zu normal and %zu anomalous windows: ROC AUC needs both (name the fault labels with --anomalous)\n",
                e.normal_scores.size(), e.anomalous_scores.size());
  s += format("At the threshold %.3f: %.1f %% of normal windows flagged (false alarms)", t, 100 * e.false_alarms);
  if (!e.anomalous_scores.empty()) s += format(", %.1f %% of anomalous windows detected", 100 * e.detected);
  s += "\n";
  // A histogram of both sides' scores, 12 bins over their range.
  std::vector<int32_t> all = e.normal_scores;
  all.insert(all.end(), e.anomalous_scores.begin(), e.anomalous_scores.end());
  const double lo = *std::min_element(all.begin(), all.end()) / 65536.0, hi = *std::max_element(all.begin(), all.end()) / 65536.0;
  const int bins = 12;
  const double width = hi > lo ? (hi - lo) / bins : 1;
  std::vector<size_t> n(bins, 0), a(bins, 0);
  const auto bin = [&](int32_t v) { return std::min(bins - 1, int((v / 65536.0 - lo) / width)); };
  for (int32_t v : e.normal_scores) ++n[size_t(bin(v))];
  for (int32_t v : e.anomalous_scores) ++a[size_t(bin(v))];
  const size_t most = std::max(*std::max_element(n.begin(), n.end()), *std::max_element(a.begin(), a.end()));
  s += "Scores          normal                     anomalous\n";
  for (int b = 0; b < bins; ++b) {
    const double from = lo + b * width;
    const auto bar = [&](size_t c) { return std::string(most ? (c * 20 + most - 1) / most : 0, '#'); };
    s += format("%7.2f%s %5zu %-20s %5zu %-20s\n", from, t >= from && t < from + width ? "*" : " ", n[size_t(b)],
                bar(n[size_t(b)]).c_str(), a[size_t(b)], bar(a[size_t(b)]).c_str());
  }
  s += "(* the bin holding the threshold)\n";
  return s;
}

nlohmann::json anomaly_evaluation_json(const AnomalyEvaluation& e) {
  const auto real = [](const std::vector<int32_t>& v) {
    std::vector<double> out;
    for (int32_t x : v) out.push_back(x / 65536.0);
    return out;
  };
  nlohmann::json j = {{"split", e.split},
                      {"anomalous_labels", e.anomalous},
                      {"threshold", e.threshold / 65536.0},
                      {"false_alarms", e.false_alarms},
                      {"detected", e.detected},
                      {"normal_scores", real(e.normal_scores)},
                      {"anomalous_scores", real(e.anomalous_scores)}};
  if (e.auc >= 0) j["auc"] = e.auc;
  return j;
}

void add_kmeans_anomaly(QuantizeRun& run, const trainer::RecordingSet& set, const trainer::AnomalyOptions& options,
                        const std::vector<std::string>& normal) {
  const std::vector<std::string> names = normal.empty() ? set.labels : normal;
  const std::vector<int> labels = label_indices(set, names, "--normal");
  const auto [train, val] = trainer::split_validation(set, 0.2f, options.seed);
  const trainer::WindowSpec spec{run.qmodel.window, run.qmodel.stride};
  const std::vector<float> t = raw_windows(set, train, spec, labels), v = raw_windows(set, val, spec, labels);
  trainer::add_kmeans_block(run.result.quantized, t, v, options);
  run.result.blob = trainer::write_model_blob(run.result.quantized);
  run.size = trainer::model_size(run.result.blob);
  trainer::QModel& q = run.qmodel;
  q.blob = run.result.blob;
  q.anomaly.method = "kmeans";
  q.anomaly.normal = names;
  q.anomaly.false_alarm_rate = options.false_alarm_rate;
  q.anomaly.clusters = options.clusters;
  const size_t dims = size_t(q.window) * q.axes.size();
  q.anomaly.train_windows = int64_t(t.size() / dims);
  q.anomaly.validation_windows = int64_t(v.size() / dims);
}

}  // namespace tml::pipeline
