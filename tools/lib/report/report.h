// `tml report`: one self-contained HTML file (inline SVG and CSS, no script, no external assets) showing a
// dataset, how a model was trained, how its float and int8 versions classify the test split, what each
// layer costs, and what the board measured.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tml::report {

struct Trace {
  std::string label;
  std::string sample_id;
  std::vector<std::vector<float>> axes;  // [axis][row]
};

struct Epoch {
  int epoch = 0;
  double loss = 0, accuracy = 0;
  std::optional<double> val_loss, val_accuracy;
  std::optional<double> mae, val_mae;  // value heads: mean absolute error in target units
  bool classes = true;                 // the model has a class head (accuracy means something)
};

struct ClassMetrics {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  int support = 0;
};

// One value head's errors on the test windows, and its points for the plots.
struct ValueEvaluation {
  std::string name;  // the target's
  double mae = 0, rmse = 0, r2 = 0;
  std::vector<float> truth, predicted;
};

struct Evaluation {
  std::string name;                     // "float32", "int8 (firmware kernels)"
  bool has_classes = true;              // false for a model of value heads alone
  std::vector<ValueEvaluation> values;  // regression and multi-output models
  double accuracy = 0;
  int windows = 0;
  std::vector<std::vector<int>> confusion;  // [true][predicted]
  std::vector<ClassMetrics> per_class;
};

// An anomaly detector's scores on the test windows (real scores: Q16 / 65536).
struct AnomalyScores {
  std::string method;                     // "kmeans", "autoencoder"
  std::vector<std::string> anomalous;     // the labels counted as faults
  std::vector<double> normal, anomalous_scores;
  double threshold = 0;
  double auc = -1;                        // -1 without both kinds of windows
  double false_alarms = 0, detected = 0;
};

struct LayerRow {
  std::string name;   // "conv1d 8x5 + relu + maxpool 2"
  std::string shape;  // "[102][8]"
  long params = 0;
  long macs = 0;
  long flash = 0;     // bytes of weights, bias and requantization arrays
  long ram = 0;       // bytes live while the layer runs (input + output + scratch)
};

struct Board {
  std::string device;     // "mps2-an386 0.1.0"
  std::string cost_unit;  // "instructions" or "us"
  int predictions = 0;
  int checked = 0;        // predictions compared with the host
  int identical = 0;
  double mean_cost = 0, min_cost = 0, max_cost = 0;
  std::optional<double> accuracy;  // on-board accuracy when the true labels are known
};

struct ReportData {
  std::string title = "tml report";
  std::string generated;  // UTC time
  // Dataset
  std::string dataset;
  std::string sensor;
  double rate_hz = 0;
  std::vector<std::string> axes, units;
  std::vector<std::string> labels;
  std::map<std::string, std::pair<int, int>> counts;  // label -> (train, test)
  std::vector<Trace> traces;                          // one example per label
  // Model and training
  std::string model;
  std::string architecture;
  std::vector<Epoch> history;
  std::vector<std::pair<std::string, std::string>> facts;  // (name, value) lines about the model
  // Evaluation
  std::vector<Evaluation> evaluations;
  // Layers and memory
  std::vector<LayerRow> layers;
  long flash_total = 0, ram_total = 0;
  std::optional<Board> board;
  std::optional<AnomalyScores> anomaly;  // a model with an anomaly block
};

// The whole report as an HTML document.
std::string render_html(const ReportData& data);

// Two charts of value heads' results: predicted against true values (with the line y = x) and the
// residuals against the true values, one series per (name, evaluation) given.
std::pair<std::string, std::string> value_charts(
    const std::vector<std::pair<std::string, const ValueEvaluation*>>& evaluations);

// Two charts of an anomaly detector: the histograms of normal and anomalous windows' scores with the
// threshold, and the ROC curve (detected against false alarms as the threshold moves).
std::pair<std::string, std::string> anomaly_charts(const AnomalyScores& scores);
// Both in a standalone SVG file (what `tml eval --plot` writes for an anomaly detector).
std::string anomaly_plots_svg(const std::string& title, const AnomalyScores& scores);

// A standalone SVG file of both charts for every value head, one row a head (what `tml eval --plot` writes).
std::string value_plots_svg(const std::string& model, const std::vector<ValueEvaluation>& values);

}  // namespace tml::report

namespace tml::report {

// The headline figures as a few lines of text (what `tml report --summary` prints).
std::string render_summary(const ReportData& data);

}  // namespace tml::report
