#include "pipeline/anomaly_run.h"

#include <algorithm>
#include <chrono>

#include "tml/trainer/error.h"

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

}  // namespace tml::pipeline
