// Classification metrics: accuracy, per-class precision/recall/F1 and the confusion matrix.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tml::trainer {

struct ClassMetrics {
  std::string label;
  int64_t support = 0;  // examples whose true class this is
  double precision = 0; // of the examples predicted as this class, the share that are (0 if none predicted)
  double recall = 0;    // of this class's examples, the share predicted as it
  double f1 = 0;        // harmonic mean of precision and recall (0 if both are 0)
};

struct Metrics {
  int64_t count = 0;
  double accuracy = 0;
  double loss = 0;       // mean cross-entropy (unweighted)
  double macro_f1 = 0;   // mean F1 over classes with support
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class]
};

// From true and predicted class indices (same length, each in [0, labels.size())).
Metrics compute_metrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                        const std::vector<std::string>& labels);

// A plain-text report: accuracy, a per-class table and the confusion matrix.
std::string format_report(const Metrics& m);

}  // namespace tml::trainer
