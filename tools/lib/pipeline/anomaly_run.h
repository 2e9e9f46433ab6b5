// Anomaly detection over a dataset: the normal windows of some labels train a K-means detector
// (trainer/anomaly.h), the windows of the others are the faults it should flag. The held-out protocol
// of docs/anomaly.md: each label in turn is the anomaly, the other labels are normal operation.
#pragma once

#include <string>
#include <vector>

#include "tml/trainer/anomaly.h"
#include "tml/trainer/data.h"

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

}  // namespace tml::pipeline
