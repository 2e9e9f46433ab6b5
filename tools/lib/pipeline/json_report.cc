#include "pipeline/json_report.h"

#include <iostream>

#include "util/atomic_file.h"

namespace tml::pipeline {

nlohmann::json metrics_json(const trainer::Metrics& m) {
  nlohmann::json per_class = nlohmann::json::array();
  nlohmann::json labels = nlohmann::json::array();
  for (const auto& c : m.per_class) {
    labels.push_back(c.label);
    per_class.push_back({{"label", c.label},
                         {"precision", c.precision},
                         {"recall", c.recall},
                         {"f1", c.f1},
                         {"support", c.support}});
  }
  nlohmann::json j = {{"count", m.count}, {"loss", m.loss}};
  if (m.has_classes) {
    j["accuracy"] = m.accuracy;
    j["macro_f1"] = m.macro_f1;
    j["labels"] = labels;
    j["per_class"] = per_class;
    j["confusion"] = m.confusion;
  }
  if (!m.values.empty()) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : m.values)
      values.push_back({{"name", v.name},
                        {"count", v.count},
                        {"mae", v.mae},
                        {"rmse", v.rmse},
                        {"r2", v.r2},
                        {"true_min", v.truth_min},
                        {"true_max", v.truth_max}});
    j["values"] = values;
  }
  return j;
}

nlohmann::json history_json(const trainer::TrainResult& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : r.history) {
    nlohmann::json j = {{"epoch", e.epoch}, {"loss", e.loss}, {"accuracy", e.accuracy}, {"seconds", e.seconds}};
    if (e.val_loss >= 0) {
      j["val_loss"] = e.val_loss;
      j["val_accuracy"] = e.val_accuracy;
    }
    if (e.mae >= 0) j["mae"] = e.mae;
    if (e.val_mae >= 0) j["val_mae"] = e.val_mae;
    out.push_back(j);
  }
  return out;
}

void write_json(const std::string& path, const nlohmann::json& j) {
  const std::string text = j.dump(2) + "\n";
  if (path == "-")
    std::cout << text;
  else
    write_file_atomic(path, text);
}

}  // namespace tml::pipeline
