// Classification metrics (accuracy, per-class precision/recall/F1, the confusion matrix) and regression
// metrics of value heads (MAE, RMSE, R^2).
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

// One value head's errors over the examples, in the target's units.
struct ValueMetrics {
  std::string name;
  int64_t count = 0;
  double mae = 0;        // mean absolute error
  double rmse = 0;       // root mean squared error
  double r2 = 0;         // 1 - SSE / SST (0 when the truth is constant)
  double truth_min = 0;  // range of the true values
  double truth_max = 0;
  std::vector<float> truth, predicted;  // per example, for plots
};

// From true and predicted values of one head (same length).
ValueMetrics compute_value_metrics(const std::string& name, std::vector<float> truth, std::vector<float> predicted);

struct Metrics {
  int64_t count = 0;
  double accuracy = 0;
  double loss = 0;       // mean cross-entropy (unweighted)
  double macro_f1 = 0;   // mean F1 over classes with support
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class]
  std::vector<ValueMetrics> values;             // one per value head (none for a classifier)
  bool has_classes = true;                      // false for a model with value heads alone

  double mean_mae() const;  // over the value heads (-1 without)
};

// From true and predicted class indices (same length, each in [0, labels.size())).
Metrics compute_metrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                        const std::vector<std::string>& labels);

// A plain-text report: accuracy, a per-class table and the confusion matrix (with a class head), and a table
// of MAE, RMSE and R^2 per value head.
std::string format_report(const Metrics& m);

}  // namespace tml::trainer
