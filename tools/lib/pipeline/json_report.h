// Training and evaluation results as JSON (what `tml train --json` and `tml eval --json` write), and the
// one way every command writes its JSON: to a file, atomically, or to stdout.
#pragma once

#include <nlohmann/json.hpp>

#include "tml/trainer/metrics.h"
#include "tml/trainer/train.h"

namespace tml::pipeline {

// {"count", "accuracy", "loss", "macro_f1", "labels", "per_class": [{label, precision, recall, f1, support}],
//  "confusion": [[...]] (rows: true class, columns: predicted)}
nlohmann::json metrics_json(const trainer::Metrics& m);

// [{"epoch", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"}, ...] (val_* only with validation)
nlohmann::json history_json(const trainer::TrainResult& r);

// Writes JSON to a file (atomically), or to stdout when path is "-".
void write_json(const std::string& path, const nlohmann::json& j);

}  // namespace tml::pipeline
