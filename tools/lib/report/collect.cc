#include "report/collect.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "dataset/dataset.h"
#include "pipeline/anomaly_run.h"
#include "pipeline/json_report.h"
#include "pipeline/quantize_report.h"
#include "pipeline/quantize_run.h"
#include "pipeline/model_files.h"
#include "pipeline/recordings.h"
#include "report/svg.h"
#include "tml/trainer/blob_size.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"
#include "tml/trainer/int8_model.h"
#include "tml/trainer/quantized_model.h"
#include "tml/trainer/train.h"
#include "util/atomic_file.h"
#include "util/utc_time.h"

namespace tml::report {

Evaluation evaluation_of(const std::string& name, const trainer::Metrics& m) {
  Evaluation e;
  e.name = name;
  e.has_classes = m.has_classes;
  for (const auto& v : m.values) e.values.push_back({v.name, v.mae, v.rmse, v.r2, v.truth, v.predicted});
  e.accuracy = m.accuracy;
  e.windows = static_cast<int>(m.count);
  for (const auto& row : m.confusion) e.confusion.emplace_back(row.begin(), row.end());
  for (const auto& c : m.per_class)
    e.per_class.push_back({c.label, c.precision, c.recall, c.f1, static_cast<int>(c.support)});
  return e;
}

namespace {

void add_dataset(ReportData& d, const dataset::Dataset& ds) {
  d.dataset = ds.dir().string();
  d.sensor = ds.meta().sensor;
  d.rate_hz = ds.meta().rate_hz;
  for (const auto& a : ds.meta().axes) {
    d.axes.push_back(a.name);
    d.units.push_back(a.unit);
  }
  d.labels = ds.labels();
  for (const auto& s : ds.samples()) (s.split == "test" ? d.counts[s.label].second : d.counts[s.label].first)++;
  for (const auto& label : d.labels) {  // the first training sample of each label, else any
    const dataset::SampleInfo* pick = nullptr;
    for (const auto& s : ds.samples())
      if (s.label == label && (!pick || (pick->split != "train" && s.split == "train"))) pick = &s;
    if (!pick) continue;
    const auto sample = ds.load(*pick);
    Trace t;
    t.label = label;
    t.sample_id = pick->id;
    const size_t axes = ds.meta().axes.size();
    t.axes.resize(axes);
    for (size_t r = 0; r < sample.info.rows; ++r)
      for (size_t a = 0; a < axes; ++a) t.axes[a].push_back(sample.values[r * axes + a]);
    d.traces.push_back(std::move(t));
  }
}

// The test split's windows of a model's geometry.
struct TestWindows {
  trainer::RecordingSet set;
  std::vector<trainer::Window> windows;
};

TestWindows test_windows(const std::filesystem::path& dataset, const trainer::Model& m) {
  TestWindows t{pipeline::model_input(pipeline::read_recordings(dataset, m.labels), m.axes, m.rate_hz, m.front_end,
                                      dataset.string()),
                {}};
  std::vector<int> test;
  for (size_t i = 0; i < t.set.recordings.size(); ++i)
    if (std::string(trainer::split_name(t.set.recordings[i].split)) == "test") test.push_back(static_cast<int>(i));
  if (!test.empty()) t.windows = trainer::make_windows(t.set, test, trainer::WindowSpec{m.window, m.stride});
  return t;
}

void add_quantized(ReportData& d, const trainer::QModel& q, const TestWindows& t) {
  const trainer::ModelSize size = trainer::model_size(q.blob);
  const std::vector<std::string> names = pipeline::layer_names(q, size);
  for (size_t i = 0; i < size.layers.size(); ++i) {
    const auto& l = size.layers[i];
    LayerRow row;
    row.name = i < names.size() ? names[i] : "layer " + std::to_string(i + 1);
    row.shape = "[" + std::to_string(l.record.out_time) + "][" + std::to_string(l.record.out_channels) + "]";
    row.params = static_cast<long>(l.params);
    row.macs = static_cast<long>(l.macs);
    row.flash = static_cast<long>(l.flash_bytes());
    row.ram = static_cast<long>(l.ram_bytes());
    d.layers.push_back(row);
  }
  d.flash_total = static_cast<long>(size.flash_bytes);
  d.ram_total = static_cast<long>(size.arena_bytes);
  d.facts.push_back({"int8 model", "flash " + thousands(d.flash_total) + " bytes, RAM " + thousands(d.ram_total) +
                                       " bytes, calibrated on " + std::to_string(q.calibration_windows) + " windows"});
  if (t.windows.empty()) return;
  trainer::Int8Model int8(q.blob);
  d.evaluations.push_back(evaluation_of("int8 (firmware kernels)", trainer::evaluate(int8, t.set, t.windows)));
}

void add_float_model(ReportData& d, trainer::Model& m, const TestWindows& t) {
  d.architecture = m.training.architecture;
  for (const auto& e : m.training.history) {
    Epoch ep;
    ep.epoch = e.epoch;
    ep.loss = e.loss;
    ep.accuracy = e.accuracy;
    if (e.val_loss >= 0) ep.val_loss = e.val_loss;
    if (e.val_accuracy >= 0) ep.val_accuracy = e.val_accuracy;
    if (e.mae >= 0) ep.mae = e.mae;
    if (e.val_mae >= 0) ep.val_mae = e.val_mae;
    ep.classes = m.has_classes();
    d.history.push_back(ep);
  }
  d.facts.push_back({"architecture", m.training.architecture.empty() ? "?" : m.training.architecture});
  d.facts.push_back({"window", std::to_string(m.window) + " rows (" +
                                   std::to_string(m.rate_hz > 0 ? m.window / m.rate_hz : 0.0).substr(0, 5) + " s), stride " +
                                   std::to_string(m.stride) + " rows"});
  d.facts.push_back({"parameters", thousands(static_cast<long>(m.net.param_count()))});
  if (!m.training.optimizer.empty())
    d.facts.push_back({"training", m.training.optimizer + ", batch " + std::to_string(m.training.batch) + ", " +
                                       std::to_string(m.training.epochs_run) + " epochs, seed " + std::to_string(m.training.seed)});
  if (t.windows.empty()) return;
  d.evaluations.push_back(evaluation_of("float32", trainer::evaluate(m, t.set, t.windows)));
}

void add_board(ReportData& d, const std::filesystem::path& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
    Board b;
    b.device = j.at("device").get<std::string>();
    b.cost_unit = j.at("cost_unit").get<std::string>();
    const auto& s = j.at("summary");
    b.predictions = s.at("predictions").get<int>();
    b.checked = s.value("checked", 0);
    b.identical = s.value("identical", 0);
    b.mean_cost = s.value("mean_cost", 0.0);
    b.min_cost = s.value("min_cost", 0.0);
    b.max_cost = s.value("max_cost", 0.0);
    if (s.value("with_truth", 0) > 0) b.accuracy = static_cast<double>(s.value("correct", 0)) / s.value("with_truth", 1);
    d.board = b;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + " is not the JSON of tml run --json: " + e.what());
  }
}

}  // namespace

AnomalyScores anomaly_scores_of(const pipeline::AnomalyEvaluation& e, const std::string& method) {
  AnomalyScores a;
  a.method = method;
  a.anomalous = e.anomalous;
  for (int32_t v : e.normal_scores) a.normal.push_back(v / 65536.0);
  for (int32_t v : e.anomalous_scores) a.anomalous_scores.push_back(v / 65536.0);
  a.threshold = e.threshold / 65536.0;
  a.auc = e.auc;
  a.false_alarms = e.false_alarms;
  a.detected = e.detected;
  return a;
}

ReportData collect(const Sources& src) {
  ReportData d;
  d.title = "tml report: " + src.model.stem().string();
  d.generated = utc_now();
  d.model = src.model.string();
  const auto ds = dataset::Dataset::open(src.dataset);
  add_dataset(d, ds);
  if (pipeline::model_file_format(src.model) == "tml-quantized-model") {
    const trainer::QModel q = pipeline::load_qmodel(src.model);
    if (const auto a = pipeline::evaluate_anomaly_file(src.model, src.dataset, "test", {}))
      d.anomaly = anomaly_scores_of(*a, q.anomaly.method.empty() ? "anomaly" : q.anomaly.method);
    if (q.float_model.empty() && d.anomaly) {  // a detector trained in int8: no float model, no classes
      d.architecture = q.architecture;
      d.facts.push_back({"anomaly detector", q.architecture + ", normal: " + join(q.anomaly.normal)});
      add_quantized(d, q, TestWindows{});
    } else if (q.float_model.empty()) throw Error(src.model.string() + " does not carry its float model; quantize it again");
    else {
      trainer::Model model = trainer::model_from_json(q.float_model, src.model.string());
      const TestWindows t = test_windows(src.dataset, model);
      add_float_model(d, model, t);
      add_quantized(d, q, t);
    }
  } else {
    trainer::Model model = pipeline::load_model(src.model);
    add_float_model(d, model, test_windows(src.dataset, model));
  }
  if (src.run) add_board(d, *src.run);
  return d;
}

}  // namespace tml::report
