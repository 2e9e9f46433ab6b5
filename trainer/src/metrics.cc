#include "tml/trainer/metrics.h"

#include <algorithm>
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

std::string format_report(const Metrics& m) {
  std::string out;
  char line[256];
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
  return out;
}

}  // namespace tml::trainer
