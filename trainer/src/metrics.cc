#include "tml/trainer/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tml/trainer/error.h"

namespace tml::trainer {

Metrics compute_metrics(const std::vector<int>& truth, const std::vector<int>& predicted,
                        const std::vector<std::string>& labels) {
  if (truth.size() != predicted.size()) throw Error("metrics: truth and predictions differ in length");
  const size_t K = labels.size();
  Metrics m;
  m.count = static_cast<int64_t>(truth.size());
  m.confusion.assign(K, std::vector<int64_t>(K, 0));
  int64_t correct = 0;
  for (size_t i = 0; i < truth.size(); ++i) {
    const int t = truth[i], p = predicted[i];
    if (t < 0 || p < 0 || static_cast<size_t>(t) >= K || static_cast<size_t>(p) >= K)
      throw Error("metrics: class index out of range");
    ++m.confusion[static_cast<size_t>(t)][static_cast<size_t>(p)];
    if (t == p) ++correct;
  }
  m.accuracy = m.count ? static_cast<double>(correct) / static_cast<double>(m.count) : 0.0;
  double f1_sum = 0;
  int with_support = 0;
  for (size_t k = 0; k < K; ++k) {
    ClassMetrics c;
    c.label = labels[k];
    int64_t predicted_k = 0;
    for (size_t t = 0; t < K; ++t) predicted_k += m.confusion[t][k];
    for (size_t p = 0; p < K; ++p) c.support += m.confusion[k][p];
    const double tp = static_cast<double>(m.confusion[k][k]);
    c.precision = predicted_k ? tp / static_cast<double>(predicted_k) : 0.0;
    c.recall = c.support ? tp / static_cast<double>(c.support) : 0.0;
    c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0.0;
    if (c.support) {
      f1_sum += c.f1;
      ++with_support;
    }
    m.per_class.push_back(c);
  }
  m.macro_f1 = with_support ? f1_sum / with_support : 0.0;
  return m;
}

ValueMetrics compute_value_metrics(const std::string& name, std::vector<float> truth, std::vector<float> predicted) {
  if (truth.size() != predicted.size()) throw Error("metrics: truth and predictions differ in length");
  ValueMetrics v;
  v.name = name;
  v.count = static_cast<int64_t>(truth.size());
  if (truth.empty()) return v;
  double abs_sum = 0, sq_sum = 0, mean = 0;
  for (float t : truth) mean += t;
  mean /= static_cast<double>(truth.size());
  double sst = 0;
  v.truth_min = v.truth_max = truth[0];
  for (size_t i = 0; i < truth.size(); ++i) {
    const double e = static_cast<double>(predicted[i]) - truth[i];
    abs_sum += std::fabs(e);
    sq_sum += e * e;
    sst += (truth[i] - mean) * (truth[i] - mean);
    v.truth_min = std::min<double>(v.truth_min, truth[i]);
    v.truth_max = std::max<double>(v.truth_max, truth[i]);
  }
  const double n = static_cast<double>(truth.size());
  v.mae = abs_sum / n;
  v.rmse = std::sqrt(sq_sum / n);
  v.r2 = sst > 0 ? 1.0 - sq_sum / sst : 0.0;
  v.truth = std::move(truth);
  v.predicted = std::move(predicted);
  return v;
}

double Metrics::mean_mae() const {
  if (values.empty()) return -1;
  double s = 0;
  for (const auto& v : values) s += v.mae;
  return s / static_cast<double>(values.size());
}

namespace {

std::string value_table(const Metrics& m) {
  std::string out;
  char line[256];
  size_t w = 6;
  for (const auto& v : m.values) w = std::max(w, v.name.size());
  const int iw = static_cast<int>(w);
  std::snprintf(line, sizeof line, "  %-*s %10s %10s %8s %21s %9s\n", iw, "target", "MAE", "RMSE", "R2", "true range",
                "windows");
  out += line;
  for (const auto& v : m.values) {
    std::snprintf(line, sizeof line, "  %-*s %10.4g %10.4g %8.4f %10.4g..%-10.4g %9lld\n", iw, v.name.c_str(), v.mae,
                  v.rmse, v.r2, v.truth_min, v.truth_max, static_cast<long long>(v.count));
    out += line;
  }
  return out;
}

}  // namespace

std::string format_report(const Metrics& m) {
  std::string out;
  char line[256];
  if (!m.has_classes) {
    if (m.loss >= 0)
      std::snprintf(line, sizeof line, "%lld windows, loss %.4f\n\n", static_cast<long long>(m.count), m.loss);
    else
      std::snprintf(line, sizeof line, "%lld windows\n\n", static_cast<long long>(m.count));
    return out + line + value_table(m);
  }
  std::snprintf(line, sizeof line, "accuracy %.4f (%lld windows), loss %.4f, macro F1 %.4f\n\n", m.accuracy,
                static_cast<long long>(m.count), m.loss, m.macro_f1);
  out += line;
  size_t w = 5;
  for (const auto& c : m.per_class) w = std::max(w, c.label.size());
  const int iw = static_cast<int>(w);
  std::snprintf(line, sizeof line, "  %-*s %9s %9s %9s %9s\n", iw, "class", "precision", "recall", "f1", "support");
  out += line;
  for (const auto& c : m.per_class) {
    std::snprintf(line, sizeof line, "  %-*s %9.4f %9.4f %9.4f %9lld\n", iw, c.label.c_str(), c.precision, c.recall,
                  c.f1, static_cast<long long>(c.support));
    out += line;
  }
  out += "\nconfusion matrix (rows: true class, columns: predicted)\n";
  int cw = 6;
  for (const auto& c : m.per_class) cw = std::max(cw, static_cast<int>(c.label.size()) + 1);
  std::snprintf(line, sizeof line, "  %-*s", iw, "");
  out += line;
  for (const auto& c : m.per_class) {
    std::snprintf(line, sizeof line, " %*s", cw, c.label.c_str());
    out += line;
  }
  out += "\n";
  for (size_t t = 0; t < m.confusion.size(); ++t) {
    std::snprintf(line, sizeof line, "  %-*s", iw, m.per_class[t].label.c_str());
    out += line;
    for (int64_t v : m.confusion[t]) {
      std::snprintf(line, sizeof line, " %*lld", cw, static_cast<long long>(v));
      out += line;
    }
    out += "\n";
  }
  if (!m.values.empty()) out += "\nvalue heads\n" + value_table(m);
  return out;
}

}  // namespace tml::trainer
