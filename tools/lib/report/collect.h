// Gathering what `tml report` shows from the files a user has: the dataset, the model (float, or
// quantized with its float source inside) and optionally the JSON of a board run (`tml run --json`).
#pragma once

#include <filesystem>
#include <optional>

#include "pipeline/anomaly_run.h"
#include "report/report.h"
#include "tml/trainer/metrics.h"

namespace tml::report {

struct Sources {
  std::filesystem::path dataset;
  std::filesystem::path model;
  std::optional<std::filesystem::path> run;  // tml run --json output
};

// Reads everything and evaluates the model(s) on the dataset's test split. Throws tml::Error with a clear
// message when a file is missing or does not fit the others.
ReportData collect(const Sources& sources);

// What the report shows of an anomaly detector's scores.
AnomalyScores anomaly_scores_of(const pipeline::AnomalyEvaluation& e, const std::string& method);

// What the report shows of one evaluation (`name`: "float32", ...) of a model.
Evaluation evaluation_of(const std::string& name, const trainer::Metrics& metrics);

}  // namespace tml::report
