// Anomaly detection over a dataset: the normal windows of some labels train a K-means detector
// (trainer/anomaly.h), the windows of the others are the faults it should flag. The held-out protocol
// of docs/anomaly.md: each label in turn is the anomaly, the other labels are normal operation.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tml/trainer/anomaly.h"
#include "tml/trainer/data.h"
#include "tml/trainer/quantized_model.h"
#include "pipeline/quantize_run.h"

namespace tml::pipeline {

// The raw windows [count][length][axes] of the given recordings whose label is (or, with `exclude`, is
// not) one of `labels`, concatenated.
std::vector<float> raw_windows(const trainer::RecordingSet& set, const std::vector<int>& recordings,
                               const trainer::WindowSpec& spec, const std::vector<int>& labels, bool exclude = false);

struct HeldOutResult {
  std::string anomaly;        // the held-out label
  double auc = 0;             // held-out test windows against the normal labels' test windows
  double false_alarms = 0;    // fraction of normal test windows above the threshold
  double detected = 0;        // fraction of held-out test windows above it
  size_t normal_windows = 0;  // test windows of each side
  size_t anomalous_windows = 0;
  double train_seconds = 0;   // features, k-means, threshold
  std::vector<int32_t> normal_scores, anomalous_scores;  // Q16
};

// Each label in turn held out: the others' training recordings (less `validation` of them per label,
// which set the threshold) train the detector; the test split is scored. Throws Error for a dataset
// with fewer than two labels or without test recordings.
std::vector<HeldOutResult> held_out_anomaly(const trainer::RecordingSet& set, const trainer::WindowSpec& spec,
                                            const trainer::AnomalyOptions& options, float validation = 0.2f);

// `tml train --task anomaly`: a detector of spectral features trained on the normal windows of a dataset.
struct AnomalyJob {
  std::filesystem::path dataset;
  std::string window = "2s", stride;  // seconds or rows; "" stride = a quarter of the window
  std::optional<double> resample_hz;
  trainer::AnomalyOptions options;    // the method and its settings; spectral's rate, rows and axes are the data's
  std::vector<std::string> normal;    // labels of normal operation; empty = every label
  float validation = 0.2f;            // of the normal training recordings, for the threshold
};

// Scores of one split of a dataset under a model with an anomaly block.
struct AnomalyEvaluation {
  std::string split;                      // "test", "train" or "all"
  std::vector<std::string> anomalous;     // the labels counted anomalous
  std::vector<int32_t> normal_scores, anomalous_scores;  // Q16, one per window
  int32_t threshold = 0;
  double auc = -1;                        // -1 without windows of both kinds
  double false_alarms = 0, detected = 0;  // shares of each side above the threshold
};

struct AnomalyTraining {
  trainer::QModel qmodel;                 // the detector, ready for tml export
  trainer::AnomalyDetector detector;
  size_t raw_recordings = 0;
  double seconds = 0;
  std::optional<AnomalyEvaluation> test;  // the test split, when there is one
};

// Reads the data, cuts 2 s windows (the job's), trains the detector on the normal labels' training
// recordings less `validation` of them (which set the threshold), and scores the test split (other
// labels there are the anomalies). Throws UsageError for a label in `normal` the data does not have,
// Error for data the detector refuses (no normal windows, NaN, a constant signal, ...).
AnomalyTraining train_anomaly(const AnomalyJob& job);

// The scores of the split's windows (the model's raw window and stride) of `raw` (a dataset read with
// its own labels): windows of the `anomalous` labels on one side, those of the model's normal labels
// (QModel::anomaly.normal; every other label when it names none) on the other. Throws Error
// when the model has no anomaly block or the data does not fit it.
AnomalyEvaluation evaluate_anomaly(const trainer::QModel& model, const trainer::RecordingSet& raw,
                                   const std::vector<int>& recordings, const std::vector<std::string>& anomalous,
                                   const std::string& split);

// `tml eval` of a model file with an anomaly block: reads the dataset with its own labels and scores the
// split's windows ("test", "train" or "all"); `anomalous` names the fault labels (empty: every label that
// is not one of the model's normal labels). Nothing for a model file without an anomaly block.
std::optional<AnomalyEvaluation> evaluate_anomaly_file(const std::filesystem::path& model,
                                                       const std::filesystem::path& dataset, const std::string& split,
                                                       const std::vector<std::string>& anomalous);

// The labels of `raw` that are not the model's normal ones (QModel::anomaly.normal).
std::vector<std::string> default_anomalous(const trainer::QModel& model, const trainer::RecordingSet& raw);

// "ROC AUC 0.981 on 306 normal and 102 anomalous windows (circle); at the threshold 2.31: 1.0 % false
// alarms, 64.7 % detected", then a text histogram of both sides' scores.
std::string format_anomaly_evaluation(const AnomalyEvaluation& e);
nlohmann::json anomaly_evaluation_json(const AnomalyEvaluation& e);

// A classifier quantized by run_quantize gains a K-means block over its own input, trained on the
// training windows of the `normal` labels of `set` (the model's input data, as run_quantize got it;
// every label when empty), a fifth of them setting the threshold. Updates the run's blob, size and
// quantized model file.
void add_kmeans_anomaly(QuantizeRun& run, const trainer::RecordingSet& set, const trainer::AnomalyOptions& options,
                        const std::vector<std::string>& normal);

}  // namespace tml::pipeline
